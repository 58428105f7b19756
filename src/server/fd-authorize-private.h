#pragma once

/* Shared by FdAuthorize's files only: fd-authorize.c (links, the server's
 * mail and its sender thread) and fd-authorize-page.c (the Email
 * Authorization page). */

#include "fd-authorize.h"
#include "fd-smtp.h"
#include "fd-store.h"

#include <sodium.h>

G_BEGIN_DECLS

/* Lets results queued on the main loop find out the service is gone. */
typedef struct {
  gatomicrefcount  ref;
  FdAuthorize     *self;   /* NULL once freed (main loop only) */
} AuthorizeHandle;

struct _FdAuthorize {
  FdCenter        *center;
  FdStore         *store;
  FdSecretBox     *box;
  char            *public_url;     /* without a trailing slash */
  gboolean         secure;         /* public_url is https: cookies are Secure */
  gint64           link_usec;
  guint            backoff_ms;
  char            *oauth_base_url;
  char            *x_oauth_base_url;  /* tests: X's consent and token endpoints on this origin */
  char            *x_api_base_url;    /* X API v2, for users/me after a consent; no trailing slash */
  gulong           config_id;         /* the center's config-changed: twitter streams waiting */
  /* The relay; host NULL: no relay. */
  char            *relay_host;
  guint16          relay_port;
  FdSmtpTls        relay_tls;
  char            *relay_user;
  char            *relay_password; /* wiped when freed */
  char            *relay_ca_file;
  char            *mail_from;
  char            *mail_domain;
  /* The sender thread. */
  GThread         *sender;
  GAsyncQueue     *queue;          /* MailJob; one without a message stops the thread */
  GCancellable    *cancellable;
  AuthorizeHandle *handle;
  /* The page: CSRF values are keyed MACs of the link's token hash. */
  guchar           csrf_key[crypto_auth_KEYBYTES];
  char            *style_hash;     /* the CSP hash of the page's one style element */
  SoupSession     *oauth_session;
  GCancellable    *oauth_cancellable;
};

/* The stream secrets the flow writes (as FdEmail and the poller name them). */
#define AUTHORIZE_SECRET_PASSWORD      "password"
#define AUTHORIZE_SECRET_OAUTH_TOKENS  "oauth_tokens"
#define AUTHORIZE_SECRET_OAUTH_CLIENT  "oauth_client_secret"

/* fd-authorize.c */
/* Records the stream's health (a sentence, clipped to what the store takes). */
void     authorize_set_health (FdAuthorize *self,
                               gint64       organization_id,
                               gint64       stream_id,
                               const char  *health,
                               const char  *reason);
/* "Email" for an email stream: the type the page and the mail show. */
const char *authorize_stream_type (FdStreamKind kind);
/* What the link authorizes: "mailbox", or "X account" for a twitter stream. */
const char *authorize_stream_thing (FdStreamKind kind);

/* fd-authorize-page.c */
void     authorize_page_init  (FdAuthorize *self);

G_END_DECLS
