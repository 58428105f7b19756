#pragma once

/* The Email channel in the center (docs/email.md, "Wiring"): a received
 * mail stored, threaded and routed in one transaction with the folder
 * position; an agent's reply queued in the durable outbox; the outbox's
 * results told to the agents as "delivery" events. Main loop only, like
 * the rest of FdCenter; the IMAP and SMTP threads are FdEmail's. */

#include "fd-center.h"
#include "fd-mail-parse.h"
#include "fd-messages.h"
#include "fd-store-email.h"

G_BEGIN_DECLS

/* The folder the workers read. */
#define FD_EMAIL_FOLDER "INBOX"

/* One attachment of a received mail that the attachment policy let in. */
typedef struct {
  const char *filename;
  const char *content_type;
  GBytes     *bytes;
} FdCenterMailPart;

/* What a worker fetched, at (uidvalidity, uid) of FD_EMAIL_FOLDER. */
typedef struct {
  gint64            organization_id;
  gint64            stream_id;
  guint32           uidvalidity;
  guint32           uid;
  GBytes           *raw;         /* NULL: the server refused to send it (too large) */
  const FdMail     *mail;        /* NULL: unparsable (raw is kept as a file) */
  gboolean          automatic;   /* loop protection: stored as seen, nothing opened */
  const FdCenterMailPart *parts; /* allowed attachments */
  guint             n_parts;
  const char       *refused_note; /* parts the policy refused, a sentence; NULL = none */
} FdCenterMailIn;

/* Stores the mail (dedupe by stream and key: a duplicate is dropped),
 * creates or threads its conversation and advances the folder position,
 * all in one transaction. *@out_conversation_id (may be NULL) is the
 * conversation it went to, 0 for none. */
gboolean  fd_center_receive_mail      (FdCenter              *self,
                                       const FdCenterMailIn  *in,
                                       gint64                *out_conversation_id,
                                       GError               **error);

/* The mail an agent's reply will be (send-message's to, cc and subject
 * checked, the defaults filled in: the customer, "Re: subject", the
 * token): NULL with invalid-field naming the field otherwise. */
FdMailHeaders *fd_center_email_reply_headers (FdCenter              *self,
                                             const FdConversation  *conv,
                                             const FdSendMessage   *request,
                                             GError               **error);

/* Inside the transaction of an agent's message to an email conversation:
 * the outbox row, the Message-ID the reply will carry (so that the
 * customer's answer threads) and the "delivery" event (queued). */
gboolean  fd_center_email_queue_reply (FdCenter              *self,
                                       const FdConversation  *conv,
                                       FdMessage             *stored,
                                       GError               **error);

/* The outbox's result for one reply: the row updated and, when its state
 * changed to sent or failed, a "delivery" event. */
gboolean  fd_center_email_delivered   (FdCenter              *self,
                                       const FdStoreOutbox   *row,
                                       GError               **error);

/* "retry-delivery": a failed reply queued again (any member of the queue). */
FdDelivery *fd_center_retry_delivery  (FdCenter              *self,
                                       const FdAgent         *agent,
                                       const FdDelivery      *request,
                                       GError               **error);

/* A stream's health ("ok", "needs-attention" or "needs-authorization"
 * with why), written only when it changed; a change sends "stream-health"
 * to the organization's connected supervisors and admins. */
gboolean  fd_center_set_stream_health (FdCenter              *self,
                                       gint64                 organization_id,
                                       gint64                 stream_id,
                                       const char            *health,
                                       const char            *reason,
                                       GError               **error);

/* "list-stream-health": the organization's streams that are not ok
 * (supervisors and admins; FORBIDDEN for an agent). */
FdStreamHealthList *fd_center_list_stream_health (FdCenter       *self,
                                                  const FdAgent  *agent,
                                                  GError        **error);

/* Called (on an idle, after the commit) when a reply was queued: FdEmail's
 * sender looks at the outbox. */
typedef void (*FdCenterOutboxNotify) (gpointer data);
void      fd_center_set_outbox_notify (FdCenter              *self,
                                       FdCenterOutboxNotify   notify,
                                       gpointer               data);

G_END_DECLS
