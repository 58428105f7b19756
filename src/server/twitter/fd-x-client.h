#pragma once

/* An asynchronous client of the X API v2 calls the Twitter channel makes
 * (docs/twitter.md, "Polling" and "The fake X and its contract"), on the
 * caller's SoupSession and thread-default main context. Answers become
 * plain structs with every string bounded to the store's limits; failures
 * are FD_X_ERROR codes whose messages are sentences fit for a stream's
 * health (never a token or a customer's text). Each call also reports X's
 * rate-limit headers, on success and on failure. */

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FD_X_ERROR (fd_x_error_quark ())
GQuark fd_x_error_quark (void);

typedef enum {
  FD_X_ERROR_RATE_LIMITED,     /* 429: wait until FdXRateLimit.reset */
  FD_X_ERROR_UNAUTHORIZED,     /* 401: refresh the access token */
  FD_X_ERROR_FORBIDDEN,        /* 403: X's detail (duplicate, DMs closed, …) */
  FD_X_ERROR_INVALID_REQUEST,  /* 400 and other 4xx: the request is wrong */
  FD_X_ERROR_NOT_FOUND,        /* 404 */
  FD_X_ERROR_SERVER,           /* 5xx, or an unexpected status */
  FD_X_ERROR_NETWORK,          /* no answer: refused, reset, timed out */
  FD_X_ERROR_MALFORMED,        /* not X's shape, too large, too deep */
} FdXError;

/* Bounds of an answer: the body read, the items of a page. */
#define FD_X_MAX_RESPONSE    (1024 * 1024)
#define FD_X_MAX_PAGE        100
#define FD_X_MAX_MEDIA       10                 /* media URLs kept per post */
#define FD_X_MAX_UPLOAD      (5 * 1024 * 1024)  /* X's image limit */
#define FD_X_MAX_DM_CHARS    10000
/* When a 429 carries no x-rate-limit-reset: X's window, 15 minutes. */
#define FD_X_DEFAULT_RESET_SECONDS 900

/* X's x-rate-limit-* headers of one answer. */
typedef struct {
  gint64 limit;        /* -1 = absent */
  gint64 remaining;    /* -1 = absent */
  gint64 reset;        /* seconds since the epoch; 0 = absent (on a 429:
                        * now + FD_X_DEFAULT_RESET_SECONDS) */
} FdXRateLimit;

/* A customer's post (mentions) or a DM event (dm_events, direct TRUE). */
typedef struct {
  gboolean  direct;
  char     *id;                 /* the post's or the DM event's id */
  char     *text;               /* cut to FD_LIMIT_TEXT characters */
  char     *author_id;          /* DMs: sender_id */
  char     *author_username;    /* from includes.users, without "@"; NULL = not expanded */
  char     *author_name;        /* from includes.users; NULL = not expanded */
  char     *conversation_id;    /* posts: the reply chain's root; DMs: dm_conversation_id */
  char     *in_reply_to;        /* posts: referenced_tweets replied_to; NULL = none */
  char     *in_reply_to_user_id;
  gint64    created_at;         /* µs since the epoch; 0 = not given */
  char    **media_urls;         /* https URLs from includes.media; NULL = none */
} FdXPost;

typedef struct {
  GPtrArray    *posts;          /* FdXPost*, newest first, at most FD_X_MAX_PAGE */
  char         *newest_id;      /* meta.newest_id; NULL = none (DM pages) */
  char         *oldest_id;
  char         *next_token;     /* meta.next_token; NULL = last page */
  guint         partial_errors; /* X's "errors" in a 200 answer (not a failure) */
  FdXRateLimit  rate;
} FdXPage;

typedef struct {
  char         *id;
  char         *username;       /* without "@" */
  char         *name;
  FdXRateLimit  rate;
} FdXUser;

/* What POST /2/tweets or a DM send created. */
typedef struct {
  char         *id;                  /* the post's id or the DM event's id */
  char         *dm_conversation_id;  /* DMs only */
  FdXRateLimit  rate;
} FdXCreated;

typedef struct {
  char         *id;             /* media_id for posts and DMs */
  char         *media_key;
  FdXRateLimit  rate;
} FdXMedia;

void     fd_x_post_free    (FdXPost    *post);
void     fd_x_page_free    (FdXPage    *page);
void     fd_x_user_free    (FdXUser    *user);
void     fd_x_created_free (FdXCreated *created);
void     fd_x_media_free   (FdXMedia   *media);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXPost, fd_x_post_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXPage, fd_x_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXUser, fd_x_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXCreated, fd_x_created_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXMedia, fd_x_media_free)

/* X's ids: decimal strings of 1 to 19 digits without a leading zero. */
gboolean fd_x_id_is_valid  (const char *id);
/* Compares two valid ids as numbers (longer is larger): <0, 0, >0. A NULL
 * or invalid id is smaller than any valid one. */
int      fd_x_id_compare   (const char *a,
                            const char *b);
/* https://x.com/<username>/status/<id> */
char    *fd_x_post_url     (const char *username,
                            const char *id);

#define FD_TYPE_X_CLIENT (fd_x_client_get_type ())
G_DECLARE_FINAL_TYPE (FdXClient, fd_x_client, FD, X_CLIENT, GObject)

/* @base_url: "https://api.x.com" or the fake's origin (no trailing path). */
FdXClient *fd_x_client_new               (SoupSession  *session,
                                          const char   *base_url);
/* The user-context access token of the next calls (not logged, not kept
 * after finalize). */
void       fd_x_client_set_access_token  (FdXClient    *self,
                                          const char   *access_token);
/* Requests sent so far (for a stream's calls_today). */
guint64    fd_x_client_get_calls         (FdXClient    *self);

/* GET /2/users/me */
void       fd_x_client_get_me_async      (FdXClient           *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
FdXUser   *fd_x_client_get_me_finish     (FdXClient           *self,
                                          GAsyncResult        *result,
                                          FdXRateLimit        *out_rate,
                                          GError             **error);

/* GET /2/users/:id/mentions, 100 a page, newest first; @since_id and
 * @pagination_token may be NULL. */
void       fd_x_client_mentions_async    (FdXClient           *self,
                                          const char          *user_id,
                                          const char          *since_id,
                                          const char          *pagination_token,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
FdXPage   *fd_x_client_mentions_finish   (FdXClient           *self,
                                          GAsyncResult        *result,
                                          FdXRateLimit        *out_rate,
                                          GError             **error);

/* GET /2/dm_events (MessageCreate only), 100 a page, newest first. X has
 * no since_id here: page until an id you know (fd_x_id_compare). */
void       fd_x_client_dm_events_async   (FdXClient           *self,
                                          const char          *pagination_token,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
FdXPage   *fd_x_client_dm_events_finish  (FdXClient           *self,
                                          GAsyncResult        *result,
                                          FdXRateLimit        *out_rate,
                                          GError             **error);

/* POST /2/tweets; @in_reply_to and @media_ids (NULL-terminated) may be NULL. */
void        fd_x_client_create_post_async  (FdXClient           *self,
                                            const char          *text,
                                            const char          *in_reply_to,
                                            const char * const  *media_ids,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
FdXCreated *fd_x_client_create_post_finish (FdXClient           *self,
                                            GAsyncResult        *result,
                                            FdXRateLimit        *out_rate,
                                            GError             **error);

/* POST /2/dm_conversations/with/:participant_id/messages */
void        fd_x_client_send_dm_async      (FdXClient           *self,
                                            const char          *participant_id,
                                            const char          *text,
                                            const char * const  *media_ids,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
FdXCreated *fd_x_client_send_dm_finish     (FdXClient           *self,
                                            GAsyncResult        *result,
                                            FdXRateLimit        *out_rate,
                                            GError             **error);

/* POST /2/media/upload (multipart): an image for a post (@direct FALSE,
 * media_category tweet_image) or a DM (dm_image); at most FD_X_MAX_UPLOAD. */
void        fd_x_client_upload_media_async  (FdXClient           *self,
                                             GBytes              *data,
                                             const char          *content_type,
                                             gboolean             direct,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
FdXMedia   *fd_x_client_upload_media_finish (FdXClient           *self,
                                             GAsyncResult        *result,
                                             FdXRateLimit        *out_rate,
                                             GError             **error);

G_END_DECLS
