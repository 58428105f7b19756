#pragma once

/* Shared by FdAuthorize's files only: fd-authorize.c (links, the server's
 * mail and its sender thread) and the authorization page's:
 * fd-authorize-page.c (the handler, its answers, the links checked),
 * fd-authorize-page-form.c (the Email and Twitter Authorization forms and
 * their posts) and fd-authorize-page-consent.c (saving, the providers'
 * consent and its callback). */

#include "fd-authorize.h"
#include "fd-email-settings.h"
#include "fd-oauth.h"
#include "fd-smtp.h"
#include "fd-store.h"
#include "fd-store-email.h"

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

/* The page's CSRF cookie, and the path the providers' consent answers to. */
#define AUTHORIZE_COOKIE_NAME          "fd_authorize"
#define AUTHORIZE_CALLBACK_PATH        FD_AUTHORIZE_PREFIX "/oauth-callback"

/* A link found by its token (or by a consent's state), and its stream. */
typedef struct {
  char                 *token_hash;
  FdStoreAuthorization  link;
  FdStream             *stream;
} Found;

/* fd-authorize-page.c */
void     authorize_page_init  (FdAuthorize *self);
void     authorize_respond_page        (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        guint              status,
                                        const char        *title,
                                        const char        *body_html,
                                        const char        *csrf);
void     authorize_respond_message     (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        guint              status,
                                        const char        *title,
                                        const char        *text);
void     authorize_found_clear         (Found             *found);
gboolean authorize_token_is_wellformed (const char        *token);
gboolean authorize_check_found         (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        Found             *found);

/* fd-authorize-page-form.c */
/* The form's values from the stream's settings (never a secret). */
GHashTable *authorize_values_from_settings (const FdStream *stream);
void     authorize_respond_form        (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        guint              status,
                                        const Found       *found,
                                        GHashTable        *values,
                                        GPtrArray         *errors);
/* GET of a twitter stream's link: straight to X's consent, or the form. */
void     authorize_serve_x_get         (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        Found             *found,
                                        gboolean           head);
/* The Twitter Authorization form posted. */
void     authorize_serve_x_post        (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        Found             *found);
/* The Email Authorization form posted. */
void     authorize_serve_post          (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        Found             *found);

/* fd-authorize-page-consent.c */
/* Saves @settings_json and the secrets (@secret_name, @secret pairs, at
 * most two, ended by NULL), sealed, with the link used. */
gboolean authorize_save_authorization  (FdAuthorize       *self,
                                        Found             *found,
                                        const char        *settings_json,
                                        GError           **error,
                                        ...) G_GNUC_NULL_TERMINATED;
void     authorize_respond_saved       (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        const Found       *found);
FdOAuthProvider *authorize_provider_for (FdAuthorize           *self,
                                         const FdEmailSettings *settings);
FdOAuthProvider *authorize_x_provider   (FdAuthorize           *self);
/* Sends the person to the provider's consent with @status (302 from the
 * link itself, 303 after a form), the consent kept with the link. */
gboolean authorize_begin_consent       (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        Found             *found,
                                        FdOAuthProvider   *provider,
                                        const char        *client_id,
                                        const char        *login_hint,
                                        const char        *settings_json,
                                        const char        *client_secret,
                                        guint              status,
                                        GError           **error);
/* The providers' answer at AUTHORIZE_CALLBACK_PATH. */
void     authorize_serve_callback      (FdAuthorize       *self,
                                        SoupServerMessage *msg,
                                        GHashTable        *query);

G_END_DECLS
