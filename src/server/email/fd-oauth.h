#pragma once

/* FdOAuth: OAuth 2.0 authorization code with PKCE (S256) and refresh for
 * the mailboxes of Microsoft 365 and Gmail (docs/email.md, "Credentials
 * and OAuth").
 *
 * fd_oauth_begin() makes the consent URL with a fresh state and PKCE
 * verifier, which the caller keeps until the provider redirects back with
 * a code; fd_oauth_exchange_code_async() trades the code for tokens,
 * fd_oauth_refresh_async() renews them. The token requests run in the
 * thread-default main context of the caller, on the caller's SoupSession.
 * No function keeps state between calls and none logs a token. */

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FD_OAUTH_ERROR (fd_oauth_error_quark ())
GQuark fd_oauth_error_quark (void);

typedef enum {
  /* The grant is gone (invalid_grant: revoked, expired, reused, consent
   * withdrawn): the stream needs a new authorization. */
  FD_OAUTH_ERROR_REVOKED,
  /* The provider could not be reached or the connection broke: retry. */
  FD_OAUTH_ERROR_NETWORK,
  /* The provider refused for another reason (its error code and
   * description in the message), or answered an HTTP error. */
  FD_OAUTH_ERROR_PROVIDER,
  /* The answer is not a token response: malformed JSON, a missing field,
   * or larger than FD_OAUTH_MAX_RESPONSE. */
  FD_OAUTH_ERROR_INVALID,
} FdOAuthError;

/* Token responses are a few KiB; anything larger is refused unread. */
#define FD_OAUTH_MAX_RESPONSE (64 * 1024)

typedef enum {
  FD_OAUTH_PLATFORM_MICROSOFT,
  FD_OAUTH_PLATFORM_GOOGLE,
  /* The CRMs (docs/crm.md): endpoints on the organization's own instance,
   * so made with fd_oauth_provider_new_for_base() only. */
  FD_OAUTH_PLATFORM_SALESFORCE,
  FD_OAUTH_PLATFORM_ZENDESK,
  /* X (Twitter) API v2 user context (docs/twitter.md): a confidential
   * client's secret goes as HTTP Basic authentication; a void refresh
   * token (X: invalid_request) is FD_OAUTH_ERROR_REVOKED. */
  FD_OAUTH_PLATFORM_X,
} FdOAuthPlatform;

/* Salesforce answers no expires_in (the session lasts the org's timeout,
 * 2 h by default); Zendesk only when the client asked for expiring
 * tokens. Tokens without it are taken to last this long; a 401 refreshes
 * them sooner. */
#define FD_OAUTH_DEFAULT_LIFETIME (2 * 3600)

/* A provider's endpoints and scopes. Immutable; shareable between threads. */
typedef struct _FdOAuthProvider FdOAuthProvider;

/* Microsoft: @tenant is "common", "organizations" or a tenant's id or
 * domain (NULL: "common"); Google ignores it. */
FdOAuthProvider *fd_oauth_provider_new           (FdOAuthPlatform   platform,
                                                  const char       *tenant);
/* The same endpoint paths on another origin (tests: a local provider),
 * e.g. "http://127.0.0.1:41234"; for the CRMs, the instance's origin
 * ("https://acme.my.salesforce.com", "https://acme.zendesk.com"). */
FdOAuthProvider *fd_oauth_provider_new_for_base  (FdOAuthPlatform   platform,
                                                  const char       *tenant,
                                                  const char       *base_url);
FdOAuthProvider *fd_oauth_provider_ref           (FdOAuthProvider  *provider);
void             fd_oauth_provider_unref         (FdOAuthProvider  *provider);
FdOAuthPlatform  fd_oauth_provider_get_platform  (FdOAuthProvider  *provider);
const char      *fd_oauth_provider_get_authorize_url (FdOAuthProvider *provider);
const char      *fd_oauth_provider_get_token_url (FdOAuthProvider  *provider);
/* The scopes asked for, separated by spaces. */
const char      *fd_oauth_provider_get_scope     (FdOAuthProvider  *provider);

/* What fd_oauth_begin() made: send the person to @url; keep @state (to
 * match the redirect, CSRF) and @code_verifier (for the exchange). */
typedef struct {
  char *url;
  char *state;
  char *code_verifier;
} FdOAuthAuthorization;

void fd_oauth_authorization_free (FdOAuthAuthorization *authorization);

/* @login_hint (nullable): the mailbox's address, prefilled on the
 * provider's sign-in page. */
FdOAuthAuthorization *fd_oauth_begin (FdOAuthProvider *provider,
                                      const char      *client_id,
                                      const char      *redirect_uri,
                                      const char      *login_hint);

/* Tokens of one grant. @expires_at is in seconds since the epoch. */
typedef struct {
  char   *access_token;
  char   *refresh_token;
  gint64  expires_at;
  char   *scope;
} FdOAuthTokens;

FdOAuthTokens *fd_oauth_tokens_copy (const FdOAuthTokens *tokens);
/* Wipes the tokens before freeing them. */
void           fd_oauth_tokens_free (FdOAuthTokens *tokens);

/* Whether the access token expires within @margin seconds of @now
 * (seconds since the epoch): refresh before it does. */
gboolean fd_oauth_tokens_needs_refresh (const FdOAuthTokens *tokens,
                                        gint64               now,
                                        gint64               margin);

/* @client_secret is nullable (public clients). The tokens answered carry
 * a refresh token: a grant without one is FD_OAUTH_ERROR_INVALID. */
void           fd_oauth_exchange_code_async  (FdOAuthProvider     *provider,
                                              SoupSession         *session,
                                              const char          *client_id,
                                              const char          *client_secret,
                                              const char          *redirect_uri,
                                              const char          *code,
                                              const char          *code_verifier,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
FdOAuthTokens *fd_oauth_exchange_code_finish (GAsyncResult        *result,
                                              GError             **error);

/* Renews @tokens. The tokens answered carry the provider's new refresh
 * token when it rotated it (Microsoft does on every refresh; the old one
 * is then void), else the one of @tokens: always save what is answered. */
void           fd_oauth_refresh_async        (FdOAuthProvider     *provider,
                                              SoupSession         *session,
                                              const char          *client_id,
                                              const char          *client_secret,
                                              const FdOAuthTokens *tokens,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
FdOAuthTokens *fd_oauth_refresh_finish       (GAsyncResult        *result,
                                              GError             **error);

/* The initial response of SASL XOAUTH2 for IMAP and SMTP, base64:
 * "user=@user\1auth=Bearer @access_token\1\1". NULL with
 * FD_OAUTH_ERROR_INVALID when either holds a control character. */
char *fd_oauth_xoauth2_sasl (const char  *user,
                             const char  *access_token,
                             GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdOAuthProvider, fd_oauth_provider_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdOAuthAuthorization, fd_oauth_authorization_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdOAuthTokens, fd_oauth_tokens_free)

G_END_DECLS
