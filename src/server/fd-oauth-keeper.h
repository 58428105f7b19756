#pragma once

/* A media stream's OAuth token set, kept for FdEmail and FdTwitter
 * (docs/email.md, "OAuth streams"; docs/twitter.md): the stored access
 * token is answered unless it expires within the margin (or a refresh is
 * forced), else the set is refreshed first. One refresh per stream at a
 * time: whoever asks meanwhile waits for it. The tokens answered are
 * sealed and saved in one store transaction before anyone gets the new
 * access token, so that a rotated refresh token is never lost. A revoked
 * grant puts the stream in "needs-authorization" and sends a new
 * authorization link. Main loop only. */

#include "fd-authorize.h"
#include "fd-oauth.h"
#include "fd-secret-box.h"
#include "fd-store.h"

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FdOAuthKeeper FdOAuthKeeper;

/* What differs between the services: the stream secrets' names, the
 * sentences, and the hooks, each given the keeper's @owner. */
typedef struct {
  const char *tokens_secret;          /* the stream secret of the sealed token set */
  const char *client_secret_secret;   /* that of the OAuth client secret */
  gint64      margin_seconds;
  const char *log_domain;             /* the service's ("fd-email", "fd-twitter") */
  const char *service;                /* "Email", "Twitter": the log's "… stream N" */
  const char *tokens_noun;            /* "OAuth", "X": "its new … tokens" */
  const char *no_tokens;              /* REVOKED when the stream has no token set */
  const char *undecryptable;          /* REVOKED when it cannot be opened */
  const char *revoked_before;         /* the reason of a revocation: before, the error, after */
  const char *revoked_after;
  const char *failed_before;          /* the reason of another refresh error: before, the error */
  /* The client id (newly allocated) and the provider a refresh of
   * @stream uses; FALSE with @error when its settings do not allow it. */
  gboolean  (*prepare)    (gpointer          owner,
                           const FdStream   *stream,
                           char            **client_id,
                           FdOAuthProvider **provider,
                           GError          **error);
  void      (*set_health) (gpointer          owner,
                           gint64            organization_id,
                           gint64            stream_id,
                           const char       *health,
                           const char       *reason);
  /* Optional: just before a refresh is sent; just after new tokens are saved. */
  void      (*refreshing) (gpointer          owner,
                           gint64            organization_id,
                           gint64            stream_id);
  void      (*saved)      (gpointer          owner,
                           gint64            organization_id,
                           gint64            stream_id);
} FdOAuthKeeperClass;

/* Called with the access token or an error, once; then @destroy (when
 * not NULL) is called on @data, also for a request never answered. */
typedef void (*FdOAuthKeeperAnswer) (const char   *token,
                                     const GError *error,
                                     gpointer      data);

/* @klass is borrowed for the keeper's life; @store, @box, @session and
 * @cancellable too, until fd_oauth_keeper_free(). */
FdOAuthKeeper *fd_oauth_keeper_new           (const FdOAuthKeeperClass *klass,
                                              gpointer                  owner,
                                              FdStore                  *store,
                                              FdSecretBox              *box,
                                              SoupSession              *session,
                                              GCancellable             *cancellable);
void           fd_oauth_keeper_set_authorize (FdOAuthKeeper            *self,
                                              FdAuthorize              *authorize);
void           fd_oauth_keeper_get_token     (FdOAuthKeeper            *self,
                                              gint64                    organization_id,
                                              gint64                    stream_id,
                                              gboolean                  force,
                                              FdOAuthKeeperAnswer       answer,
                                              gpointer                  data,
                                              GDestroyNotify            destroy);
/* Those waiting for a refresh are answered @stopped (G_IO_ERROR_CANCELLED);
 * refreshes under way finish touching nothing. Call after cancelling the
 * cancellable. */
void           fd_oauth_keeper_free          (FdOAuthKeeper            *self,
                                              const char               *stopped);

G_END_DECLS
