#pragma once

/* The Twitter/X channel in the center (docs/twitter.md, "Conversations",
 * "Replies and the outbox", "The Direct Message request"): a customer's
 * post or direct message stored, threaded and routed in one transaction
 * with the stream's polling position; an agent's reply or Direct Message
 * request queued in the durable outbox; the outbox's results told to the
 * agents as "delivery" events; the stream's X API calls of the day. Main
 * loop only, like the rest of FdCenter; the poller and the sender are
 * FdTwitter's (fd-twitter.c). */

#include "fd-center.h"
#include "fd-messages.h"
#include "fd-store-twitter.h"

G_BEGIN_DECLS

/* A direct message an agent sends has at most this many characters (X's limit). */
#ifndef FD_X_MAX_DM_CHARS
#define FD_X_MAX_DM_CHARS 10000
#endif

/* One item the poller read: a customer's post mentioning the account, or a
 * customer's direct message. Strings are X's, already within the bounds of
 * FdXClient; nothing here is markup. */
typedef struct {
  gboolean            direct;
  const char         *id;             /* the post's or DM event's id */
  const char         *thread_key;     /* post: X's conversation_id; DM: dm_conversation_id */
  const char         *author_id;
  const char         *author_handle;  /* without "@"; may be NULL (unknown author) */
  const char         *author_name;    /* X's display name; may be NULL */
  const char         *text;
  const char         *in_reply_to;    /* post: the post it answers; NULL = none */
  const char * const *media_urls;     /* NULL-terminated; may be NULL: added to the text as links */
} FdCenterXItemIn;

/* Stores @in (dedupe by stream, kind and id: a duplicate is dropped),
 * creates or threads its conversation, and moves the stream's position of
 * that kind to @in->id, all in one transaction. With @in->text NULL (the
 * account's own post or DM) only the position moves.
 * *@out_conversation_id (may be NULL): the conversation it went to, 0 for none. */
gboolean  fd_center_receive_x_item      (FdCenter               *self,
                                         gint64                  organization_id,
                                         gint64                  stream_id,
                                         const FdCenterXItemIn  *in,
                                         gint64                 *out_conversation_id,
                                         GError                **error);

/* Counts @n X API calls of the stream today (UTC); the day's count in
 * *@out_today (may be NULL). Its own transaction. */
gboolean  fd_center_count_x_calls       (FdCenter               *self,
                                         gint64                  organization_id,
                                         gint64                  stream_id,
                                         gint                    n,
                                         gint                   *out_today,
                                         GError                **error);
/* The stream's X API calls since 00:00 UTC. */
gint      fd_center_x_calls_today       (FdCenter               *self,
                                         gint64                  organization_id,
                                         gint64                  stream_id);

/* send-message on a twitter conversation, before its transaction: checks
 * the reply (public: a customer's post to answer, X's weighted length;
 * direct: at most FD_X_MAX_DM_CHARS, a customer to write to; attachments:
 * images X takes) and fills @msg->tweet. INVALID_FIELD or INVALID_STATE
 * with a sentence otherwise. */
gboolean  fd_center_twitter_check_reply (FdCenter               *self,
                                         const FdConversation   *conv,
                                         const FdSendMessage    *request,
                                         FdMessage              *msg,
                                         GError                **error);
/* Inside the transaction of an agent's message to a twitter conversation:
 * the outbox row and the "delivery" event (queued); @stored gets its
 * delivery for the ack. */
gboolean  fd_center_twitter_queue_reply (FdCenter               *self,
                                         const FdConversation   *conv,
                                         FdMessage              *stored,
                                         GError                **error);

/* "dm-request": the public reply with the Direct Message request link,
 * queued like a reply, and dm_requested set, in one transaction; the ack
 * is the queued message. INVALID_STATE when sent already or when the
 * conversation has no public post to answer. */
FdMessage *fd_center_dm_request         (FdCenter               *self,
                                         const FdAgent          *agent,
                                         const FdConversationRef *request,
                                         GError                **error);

/* Whether @conversation_id (of the agent's organization) is a twitter
 * conversation: retry-delivery goes to fd_center_twitter_retry_delivery(). */
gboolean  fd_center_is_twitter_conversation (FdCenter           *self,
                                             gint64              organization_id,
                                             gint64              conversation_id);
/* "retry-delivery" of a twitter reply. */
FdDelivery *fd_center_twitter_retry_delivery (FdCenter          *self,
                                              const FdAgent     *agent,
                                              const FdDelivery  *request,
                                              GError           **error);

/* The sender's result for one reply: the row updated (and, once sent, its
 * X id recorded as an item of the thread) and, when its state changed to
 * sent or failed, a "delivery" event. */
gboolean  fd_center_twitter_delivered   (FdCenter               *self,
                                         const FdStoreXOutbox   *row,
                                         GError                **error);

/* Called (on an idle, after the commit) when a reply was queued:
 * FdTwitter's sender looks at the outbox. */
typedef void (*FdCenterTwitterNotify) (gpointer data);
void      fd_center_set_twitter_outbox_notify (FdCenter              *self,
                                               FdCenterTwitterNotify  notify,
                                               gpointer               data);

G_END_DECLS
