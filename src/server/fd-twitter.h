#pragma once

/* FdTwitter: the Twitter/X channel's work in frontdeskd (docs/twitter.md,
 * "Polling", "Replies and the outbox", "Health"). One poller per twitter
 * stream with tokens (at most max_pollers), started and stopped with the
 * stream's settings and secrets on the center's config-changed signal: a
 * cycle every poll_seconds reads the mentions and the direct message
 * events and hands each new one to the center (fd_center_receive_x_item()),
 * oldest first, one transaction each. The sender posts the durable outbox's
 * replies as soon as they are queued. Everything runs on the main loop
 * (asynchronous HTTP; no thread). */

#include "fd-authorize.h"
#include "fd-center.h"
#include "fd-secret-box.h"

G_BEGIN_DECLS

typedef struct {
  const char *api_base_url;    /* X API v2's origin; NULL: https://api.x.com */
  const char *oauth_base_url;  /* the OAuth endpoints on this origin (tests); NULL: X's own */
  guint       backoff_ms;      /* first delay after an error, doubled up to FD_TWITTER_MAX_BACKOFF_MS; default 2000 */
  guint       max_attempts;    /* a reply failing temporarily this often fails; default 8 */
  guint       max_pollers;     /* streams polled at most; default 64 */
} FdTwitterOptions;

#define FD_TWITTER_DEFAULT_API_BASE_URL "https://api.x.com"
#define FD_TWITTER_DEFAULT_BACKOFF_MS   2000
#define FD_TWITTER_MAX_BACKOFF_MS       (15 * 60 * 1000)
#define FD_TWITTER_DEFAULT_ATTEMPTS     8
#define FD_TWITTER_DEFAULT_MAX_POLLERS  64

typedef struct _FdTwitter FdTwitter;

void       fd_twitter_options_init  (FdTwitterOptions       *options);
/* @center and @box must outlive the service; the option strings are copied. */
FdTwitter *fd_twitter_new           (FdCenter               *center,
                                     FdSecretBox            *box,
                                     const FdTwitterOptions *options);
/* The authorization flow, for streams without tokens or with a revoked
 * grant; NULL: none. Before fd_twitter_start(); must outlive the service. */
void       fd_twitter_set_authorize (FdTwitter              *self,
                                     FdAuthorize            *authorize);
/* Starts the pollers of the twitter streams and the sender, and follows
 * configuration changes from then on. */
void       fd_twitter_start         (FdTwitter              *self);
/* Stops every poller and send (cancelled) and frees. */
void       fd_twitter_free          (FdTwitter              *self);

G_END_DECLS
