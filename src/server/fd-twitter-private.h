#pragma once

/* Shared by FdTwitter's own files only: fd-twitter.c (the service, which
 * pollers run, the stream's tokens and health), fd-twitter-poll.c (one
 * stream's cycle) and fd-twitter-send.c (the outbox sender). Main loop only. */

#include "fd-twitter.h"
#include "fd-oauth.h"
#include "fd-oauth-keeper.h"
#include "fd-stream-workers.h"
#include "fd-store.h"
#include "fd-x-client.h"
#include "fd-x-settings.h"

G_BEGIN_DECLS

/* The stream secrets of a twitter stream (stream_secrets.name), as email's. */
#define TWITTER_SECRET_OAUTH_TOKENS        "oauth_tokens"
#define TWITTER_SECRET_OAUTH_CLIENT_SECRET "oauth_client_secret"
/* An access token expiring within this is refreshed first. */
#define TWITTER_OAUTH_MARGIN_SECONDS 300
/* Pages of mentions or of DM events read in one cycle at most (100 items each). */
#define TWITTER_MAX_PAGES 20

typedef struct _Poller Poller;

struct _FdTwitter {
  FdCenter         *center;
  FdStore          *store;
  FdSecretBox      *box;
  FdTwitterOptions  options;        /* the strings below, owned */
  char             *api_base_url;
  char             *oauth_base_url;
  SoupSession      *session;        /* X API and token calls */
  GCancellable     *cancellable;    /* everything under way; cancelled when freed */
  GHashTable       *pollers;        /* stream id → Poller */
  FdOAuthKeeper    *oauth_keeper;   /* the streams' token sets: one refresh per stream (fd-oauth-keeper.h) */
  GHashTable       *in_flight;      /* message id being sent → its conversation id */
  FdAuthorize      *authorize;
  FdStreamWorkers   streams;      /* the workers kept in line, the sender pumped (fd-stream-workers.h) */
};

/* fd-twitter.c */
/* The stream's access token: the stored one unless it expires within
 * TWITTER_OAUTH_MARGIN_SECONDS or @force (after a 401), else refreshed
 * first (the rotated refresh token sealed and committed before anyone uses
 * the new access token; one refresh per stream at a time). @callback gets
 * the token or an error (FD_OAUTH_ERROR_REVOKED: the stream was set to
 * needs-authorization and a new authorization link sent). */
typedef void (*TwitterTokenCallback) (FdTwitter   *self,
                                      const char  *token,
                                      const GError *error,
                                      gpointer     data);
void     twitter_get_token     (FdTwitter            *self,
                                gint64                organization_id,
                                gint64                stream_id,
                                gboolean              force,
                                TwitterTokenCallback  callback,
                                gpointer              data);
/* Writes the stream's health (only when it changed; stream-health event). */
void     twitter_set_health    (FdTwitter   *self,
                                gint64       organization_id,
                                gint64       stream_id,
                                const char  *health,
                                const char  *reason);
/* Counts one X API call of the stream. */
void     twitter_count_call    (FdTwitter   *self,
                                gint64       organization_id,
                                gint64       stream_id);
/* The stream's fingerprint (settings and secrets): a change restarts its poller. */
char    *twitter_fingerprint   (FdTwitter   *self,
                                const FdStream *stream);
/* The delay after @failures consecutive errors: backoff_ms doubled, at most
 * FD_TWITTER_MAX_BACKOFF_MS. */
guint    twitter_backoff_ms    (FdTwitter   *self,
                                guint        failures);

/* fd-twitter-poll.c */
Poller  *twitter_poller_new    (FdTwitter      *self,
                                const FdStream *stream,
                                FdXSettings    *settings,
                                char           *fingerprint);
void     twitter_poller_stop   (gpointer        poller);
const char *twitter_poller_fingerprint (Poller *poller);
void     twitter_poller_set_fingerprint (Poller *poller,
                                         char   *fingerprint);

/* fd-twitter-send.c */
/* Sends the replies whose send is due and not under way. */
void     twitter_outbox_pump   (FdTwitter   *self);

G_END_DECLS
