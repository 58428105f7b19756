#pragma once

/* The Twitter/X channel's tables (schema version 12; docs/store.md and
 * docs/twitter.md): a stream's polling position and its X API calls of
 * the UTC day, every X item seen or sent (the dedupe and the threading),
 * the durable outbox of replies, and a conversation's Direct Message
 * request. Main loop only, like the rest of FdStore; callers wrap several
 * calls in one transaction (fd_store_begin()). X's ids are decimal strings
 * (they exceed 2^53). */

#include "fd-messages.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* At most this many outbox rows are handed to the sender at once. */
#define FD_STORE_X_OUTBOX_BATCH 16

/* --- Polling position and calls ------------------------------------------ */

typedef struct {
  char   *mentions_since_id;  /* the newest mention stored; NULL: none yet */
  char   *dm_newest_id;       /* the newest direct message event stored; NULL: none yet */
  gint64  calls_day;          /* the UTC day of calls_today, in days since the epoch */
  gint    calls_today;
} FdStoreXPosition;

void       fd_store_x_position_clear    (FdStoreXPosition *position);
/* The stream's position; all empty when it never polled. */
gboolean   fd_store_get_x_position      (FdStore           *self,
                                         gint64             organization_id,
                                         gint64             stream_id,
                                         FdStoreXPosition  *out,
                                         GError           **error);
/* Moves one of the positions forward (@direct: the DM one); an id not
 * newer than the stored one leaves it. */
gboolean   fd_store_set_x_position      (FdStore           *self,
                                         gint64             organization_id,
                                         gint64             stream_id,
                                         gboolean           direct,
                                         const char        *x_id,
                                         GError           **error);
/* Counts @n calls on UTC day @day (the count restarts on a new day); the
 * day's count after it in *@out_today (may be NULL). */
gboolean   fd_store_count_x_calls       (FdStore           *self,
                                         gint64             organization_id,
                                         gint64             stream_id,
                                         gint64             day,
                                         gint               n,
                                         gint              *out_today,
                                         GError           **error);
/* The calls of UTC day @day (0 when the stream made none that day). */
gint       fd_store_get_x_calls_today   (FdStore           *self,
                                         gint64             organization_id,
                                         gint64             stream_id,
                                         gint64             day);

/* Compares two X ids (decimal strings without leading zeros): <0, 0, >0.
 * NULL is older than any id. */
int        fd_store_x_id_compare        (const char        *a,
                                         const char        *b);

/* --- Items seen or sent ---------------------------------------------------- */

typedef struct {
  gint64      organization_id;
  gint64      stream_id;
  gboolean    direct;          /* a direct message event, not a post */
  const char *x_id;
  const char *thread_key;      /* post: X's conversation_id; DM: dm_conversation_id */
  const char *author_id;
  const char *author_handle;   /* without "@" */
  const char *in_reply_to;     /* post: the post it answers; may be NULL */
  gint64      conversation_id; /* 0: none */
  gint64      message_id;      /* 0: none */
} FdStoreXItem;

/* Records an item; *@duplicate is TRUE (and nothing is written) when the
 * stream already has it. */
gboolean   fd_store_add_x_item          (FdStore             *self,
                                         const FdStoreXItem  *item,
                                         gboolean            *duplicate,
                                         GError             **error);
/* Names the conversation and message a recorded item became. */
gboolean   fd_store_link_x_item         (FdStore             *self,
                                         gint64               organization_id,
                                         gint64               stream_id,
                                         gboolean             direct,
                                         const char          *x_id,
                                         gint64               conversation_id,
                                         gint64               message_id,
                                         GError             **error);
/* The conversation of the newest item of the stream in thread @thread_key
 * (of posts or of DMs), or 0; -1 on error. */
gint64     fd_store_find_x_thread       (FdStore             *self,
                                         gint64               organization_id,
                                         gint64               stream_id,
                                         gboolean             direct,
                                         const char          *thread_key,
                                         GError             **error);

/* The customer's newest item in a conversation (public posts only with
 * @public_only): what a public reply answers, whom a DM goes to. FALSE with
 * NOT_FOUND when there is none. */
typedef struct {
  char     *x_id;
  char     *author_id;
  char     *author_handle;
  gboolean  direct;
} FdStoreXLast;

void       fd_store_x_last_clear        (FdStoreXLast        *last);
gboolean   fd_store_get_last_customer_x (FdStore             *self,
                                         gint64               organization_id,
                                         gint64               conversation_id,
                                         gboolean             public_only,
                                         FdStoreXLast        *out,
                                         GError             **error);

/* A contact of the organization by its X handle ("@name", compared as X
 * does, without case); 0 when none, -1 on error. */
gint64     fd_store_find_twitter_contact (FdStore            *self,
                                          gint64              organization_id,
                                          const char         *handle,
                                          GError            **error);

/* Sets the conversation's dm_requested; CONFLICT when it was set already. */
gboolean   fd_store_set_dm_requested    (FdStore             *self,
                                         gint64               organization_id,
                                         gint64               conversation_id,
                                         GError             **error);

/* Fills `tweet` (and `delivery` for the agent's replies) of the twitter
 * messages of @messages (all of one conversation): load_children of the
 * message table. */
/* Sets @tweet's url from its author and id, https://x.com/<handle>/status/<id>;
 * none for a DM or without either. */
void       fd_store_x_tweet_set_url     (FdTweet             *tweet);
gboolean   fd_store_load_tweets         (FdStore             *self,
                                         GPtrArray           *messages,
                                         GError             **error);

/* --- The outbox ------------------------------------------------------------ */

typedef struct {
  gint64           message_id;
  gint64           organization_id;
  gint64           stream_id;
  gint64           conversation_id;
  gboolean         direct;
  char            *in_reply_to;     /* public: the post answered */
  char            *participant_id;  /* direct: the customer's X user id */
  char            *author_handle;   /* the stream's handle, without "@" */
  FdDeliveryState  state;
  gint             attempts;
  gint64           next_attempt_at;
  char            *reason;
  char            *x_id;            /* once sent */
} FdStoreXOutbox;

void       fd_store_x_outbox_free       (FdStoreXOutbox      *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreXOutbox, fd_store_x_outbox_free)

gboolean   fd_store_add_x_outbox        (FdStore              *self,
                                         const FdStoreXOutbox *row,
                                         GError              **error);
FdStoreXOutbox *fd_store_get_x_outbox   (FdStore              *self,
                                         gint64                organization_id,
                                         gint64                message_id,
                                         GError              **error);
/* Queued rows due at @now, oldest first, at most FD_STORE_X_OUTBOX_BATCH,
 * every organization. */
GPtrArray *fd_store_list_due_x_outbox   (FdStore              *self,
                                         gint64                now,
                                         GError              **error);
/* The earliest next_attempt_at of a queued row (0 when none). */
gint64     fd_store_next_x_outbox_at    (FdStore              *self);
gboolean   fd_store_update_x_outbox     (FdStore              *self,
                                         const FdStoreXOutbox *row,
                                         GError              **error);

G_END_DECLS
