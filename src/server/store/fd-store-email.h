#pragma once

/* The Email channel's tables (schema version 6; docs/store.md and
 * docs/email.md, "Wiring"): stream secrets (sealed, base64), IMAP folder
 * positions, every mail seen or sent (dedupe and threading), the durable
 * outbox, and a stream's health. Main loop only, like the rest of FdStore;
 * callers wrap several calls in one transaction (fd_store_begin()). */

#include "fd-messages.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* At most this many outbox rows are handed to the sender at once. */
#define FD_STORE_OUTBOX_BATCH 16

/* A stream's secret @name ("password"), sealed by the caller; NULL clears. */
gboolean   fd_store_set_stream_secret   (FdStore      *self,
                                         gint64        organization_id,
                                         gint64        stream_id,
                                         const char   *name,
                                         GBytes       *sealed,
                                         GError      **error);
/* The sealed secret, or NULL with NOT_FOUND. */
GBytes    *fd_store_get_stream_secret   (FdStore      *self,
                                         gint64        organization_id,
                                         gint64        stream_id,
                                         const char   *name,
                                         GError      **error);

/* "ok" or "needs-attention" with a sentence; the admin API shows both. */
gboolean   fd_store_set_stream_health   (FdStore      *self,
                                         gint64        organization_id,
                                         gint64        stream_id,
                                         const char   *health,
                                         const char   *reason,
                                         GError      **error);

/* The position in @folder: 0 and 0 when nothing was fetched yet. */
gboolean   fd_store_get_folder_position (FdStore      *self,
                                         gint64        organization_id,
                                         gint64        stream_id,
                                         const char   *folder,
                                         guint32      *uidvalidity,
                                         guint32      *last_uid,
                                         GError      **error);
gboolean   fd_store_set_folder_position (FdStore      *self,
                                         gint64        organization_id,
                                         gint64        stream_id,
                                         const char   *folder,
                                         guint32       uidvalidity,
                                         guint32       last_uid,
                                         GError      **error);

/* One mail seen (direction "in") or sent ("out"). */
typedef struct {
  gint64      organization_id;
  gint64      stream_id;
  const char *dedupe_key;       /* unique per stream */
  const char *direction;        /* "in" or "out" */
  const char *mail_message_id;  /* without < >; may be NULL */
  const char * const *references;  /* NULL-terminated; may be NULL */
  const char *subject;
  gint64      conversation_id;  /* 0: none (automatic mail) */
  gint64      message_id;       /* 0: none */
  gboolean    automatic;
  /* What a person reads (schema version 8); each may be NULL. Mailboxes as
   * written ("Name <a@b>" or "a@b"); the caller keeps them within the
   * protocol's limits (fd_store_add_mail() keeps at most
   * FD_STORE_MAX_LIST of each). */
  const char *from_name;
  const char *from_address;
  const char * const *to;
  const char * const *cc;
  gint64      date;             /* µs since the epoch; 0 = unknown */
} FdStoreMail;

/* Records a mail; *duplicate is TRUE (and nothing is written) when the
 * stream already has one with this dedupe key. */
gboolean   fd_store_add_mail            (FdStore            *self,
                                         const FdStoreMail  *mail,
                                         gboolean           *duplicate,
                                         GError            **error);
/* Names the conversation and message a recorded mail became. */
gboolean   fd_store_link_mail           (FdStore            *self,
                                         gint64              organization_id,
                                         gint64              stream_id,
                                         const char         *dedupe_key,
                                         gint64              conversation_id,
                                         gint64              message_id,
                                         GError            **error);
/* The conversation of the newest mail of the stream whose Message-ID is one
 * of @message_ids (NULL-terminated), or 0. */
gint64     fd_store_find_mail_thread    (FdStore            *self,
                                         gint64              organization_id,
                                         gint64              stream_id,
                                         const char * const *message_ids,
                                         GError            **error);

/* What a reply needs of the last mail the customer wrote into a
 * conversation: its Message-ID, References, subject and the message's text.
 * FALSE with NOT_FOUND when the conversation has none. */
typedef struct {
  char   *mail_message_id;
  char  **references;
  char   *subject;
  char   *text;
  gint64  created_at;
} FdStoreLastMail;

gboolean   fd_store_get_last_customer_mail (FdStore         *self,
                                            gint64           organization_id,
                                            gint64           conversation_id,
                                            FdStoreLastMail *out,
                                            GError         **error);
void       fd_store_last_mail_clear     (FdStoreLastMail *mail);

/* The outbox. */
typedef struct {
  gint64           message_id;
  gint64           organization_id;
  gint64           stream_id;
  gint64           conversation_id;
  char            *mail_message_id;
  FdDeliveryState  state;
  gint             attempts;
  gint64           next_attempt_at;
  char            *reason;
} FdStoreOutbox;

void       fd_store_outbox_free         (FdStoreOutbox *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreOutbox, fd_store_outbox_free)

gboolean   fd_store_add_outbox          (FdStore             *self,
                                         const FdStoreOutbox *row,
                                         GError             **error);
FdStoreOutbox *fd_store_get_outbox      (FdStore             *self,
                                         gint64               organization_id,
                                         gint64               message_id,
                                         GError             **error);
/* Queued rows due at @now, oldest first, at most FD_STORE_OUTBOX_BATCH,
 * every organization (the sender is server-wide). */
GPtrArray *fd_store_list_due_outbox     (FdStore             *self,
                                         gint64               now,
                                         GError             **error);
gboolean   fd_store_update_outbox       (FdStore             *self,
                                         const FdStoreOutbox *row,
                                         GError             **error);

G_END_DECLS
