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

/* fd-authorize.c */
/* Records the stream's health (a sentence, clipped to what the store takes). */
void     authorize_set_health (FdAuthorize *self,
                               gint64       organization_id,
                               gint64       stream_id,
                               const char  *health,
                               const char  *reason);
/* "Email" for an email stream: the type the page and the mail show. */
const char *authorize_stream_type (FdStreamKind kind);

/* fd-authorize-page.c */
void     authorize_page_init  (FdAuthorize *self);

G_END_DECLS
