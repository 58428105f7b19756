#pragma once

/* FdAuthorize: the stream authorization flow (docs/email.md, "Authorization
 * flow", docs/twitter.md, "Authorization and tokens"; the guide's "Contact
 * Center Authorization Required"). An email or twitter stream created with
 * a name alone, or whose OAuth grant was revoked, gets a
 * single-use, expiring link, emailed to the organization's authorization
 * addresses through the server's own mail relay (a sender thread; never the
 * main loop). The link opens the Email Authorization page served here,
 * whose form seals the mailbox's credentials into the store; the stream's
 * IMAP worker then starts (the center's config-changed). A twitter
 * stream's link goes straight to X's consent (OAuth 2.0 with PKCE) when
 * its handle and client id are known, else after a short form; the
 * callback checks the account against the handle and seals the tokens.
 * Main loop only, but for the sender thread. */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-secret-box.h"

G_BEGIN_DECLS

/* The page's address: FD_AUTHORIZE_PREFIX "/" TOKEN. */
#define FD_AUTHORIZE_PREFIX          "/authorize"
/* The page's form: the largest body taken (fd-http-guard.c). */
#define FD_AUTHORIZE_MAX_BODY        (16 * 1024)
/* Form posts one link takes; more are refused (429) until a new link. */
#define FD_AUTHORIZE_MAX_ATTEMPTS    10
#define FD_AUTHORIZE_DEFAULT_LINK_SECONDS (72 * 3600)
/* X API v2, asked who authorized (GET /2/users/me) after a consent. */
#define FD_AUTHORIZE_X_API_BASE_URL  "https://api.x.com"
/* Authorization emails waiting for the relay at most. */
#define FD_AUTHORIZE_MAX_QUEUED      64
/* Tries of one authorization email before it is given up. */
#define FD_AUTHORIZE_MAIL_ATTEMPTS   5

typedef struct {
  const char *public_url;          /* where people reach the server; NULL: the listener's URL */
  const char *relay_url;           /* smtp://HOST[:PORT] or smtps://HOST[:PORT]; NULL: no mail */
  const char *relay_user;          /* NULL: no AUTH */
  const char *relay_password_file; /* the relay's password, first line; with relay_user */
  const char *relay_ca_file;       /* NULL: the system's trust store */
  const char *mail_from;           /* the From of the server's mail; required with a relay */
  guint       link_seconds;        /* a link's lifetime; default 72 h */
  guint       backoff_ms;          /* first delay after a failed send, doubled; default 2000 */
  const char *oauth_base_url;      /* tests: the providers' endpoints on this origin */
  const char *x_oauth_base_url;    /* X's consent and token endpoints on this origin; NULL: X's own */
  const char *x_api_base_url;      /* X API v2 (users/me after a consent); NULL: FD_AUTHORIZE_X_API_BASE_URL */
} FdAuthorizeOptions;

typedef struct _FdAuthorize FdAuthorize;

void         fd_authorize_options_init (FdAuthorizeOptions        *options);
/* Checks the options (the relay URL, the From address, the password file);
 * NULL with a sentence for the administrator. @center and @box must outlive
 * it. */
FdAuthorize *fd_authorize_new          (FdCenter                  *center,
                                        FdSecretBox               *box,
                                        const FdAuthorizeOptions  *options,
                                        const char                *listener_url,
                                        GError                   **error);
void         fd_authorize_attach       (FdAuthorize               *self,
                                        SoupServer                *server);
/* Stops the sender thread (a send under way cancelled) and frees. */
void         fd_authorize_free         (FdAuthorize               *self);

/* A new link for the stream (its old one void from now on), emailed to the
 * organization's authorization addresses when a relay is configured. The
 * link's URL, its expiry (µs) and who it is mailed to (NULL-terminated,
 * empty without a relay) come back. */
char        *fd_authorize_new_link     (FdAuthorize               *self,
                                        gint64                     organization_id,
                                        gint64                     stream_id,
                                        gint64                    *out_expires_at,
                                        GStrv                     *out_sent_to,
                                        GError                   **error);
/* FdEmail: the stream cannot run without an authorization (no settings or
 * no credentials). Its health becomes needs-authorization, and the first
 * link is made and sent, once per stream, when the organization has
 * authorization addresses. FALSE when it has none (nothing done). */
gboolean     fd_authorize_stream_waiting (FdAuthorize             *self,
                                          const FdStream          *stream);
/* FdEmail: the stream's OAuth grant was revoked. A new link is sent unless
 * one is out already (not used, not expired): once per revocation, not per
 * retry. */
void         fd_authorize_grant_revoked (FdAuthorize              *self,
                                         gint64                    organization_id,
                                         gint64                    stream_id,
                                         const char               *why);

G_END_DECLS
