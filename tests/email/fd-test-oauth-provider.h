#pragma once

/* A local OAuth 2.0 provider for the tests (libsoup, loopback), following
 * the published token-endpoint contract of Microsoft's identity platform
 * (v2.0) and of Google:
 *
 * - GET  /{tenant}/oauth2/v2.0/authorize (Microsoft), /o/oauth2/v2/auth
 *   (Google): the person consents at once; 302 to redirect_uri with a code
 *   and the state. Requires response_type=code, the registered client_id,
 *   the platform's mail scopes, code_challenge_method=S256 (and for Google
 *   access_type=offline, without which no refresh token is granted).
 * - POST /{tenant}/oauth2/v2.0/token, /token (form-encoded):
 *   authorization_code (single-use code, same redirect_uri, PKCE S256
 *   verified) and refresh_token. Microsoft rotates refresh tokens: each
 *   refresh answers a new one and voids the old one. Google keeps it.
 *   Errors are JSON {"error", "error_description"} with HTTP 400
 *   (invalid_grant, invalid_request, unsupported_grant_type) or 401
 *   (invalid_client).
 *
 * It runs in the thread-default main context of its creator. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FD_TEST_OAUTH_MICROSOFT,
  FD_TEST_OAUTH_GOOGLE,
} FdTestOAuthPlatform;

/* One-shot misbehaviours of the token endpoint, for the next request. */
typedef enum {
  FD_TEST_OAUTH_FAULT_NONE,
  FD_TEST_OAUTH_FAULT_MALFORMED,      /* 200, truncated JSON */
  FD_TEST_OAUTH_FAULT_HUGE,           /* 200, a 1 MiB token */
  FD_TEST_OAUTH_FAULT_HUGE_CHUNKED,   /* 200, 1 MiB with no Content-Length */
  FD_TEST_OAUTH_FAULT_DEEP,           /* 200, JSON nested 60 000 deep (under the size bound) */
  FD_TEST_OAUTH_FAULT_NO_ACCESS_TOKEN,/* 200, no access_token */
  FD_TEST_OAUTH_FAULT_SERVER_ERROR,   /* 500, an HTML page */
  FD_TEST_OAUTH_FAULT_INVALID_CLIENT, /* 401 invalid_client */
} FdTestOAuthFault;

typedef struct _FdTestOAuthProvider FdTestOAuthProvider;

FdTestOAuthProvider *fd_test_oauth_provider_new          (FdTestOAuthPlatform  platform,
                                                          const char          *client_id,
                                                          const char          *client_secret);
void                 fd_test_oauth_provider_free         (FdTestOAuthProvider *self);
/* "http://127.0.0.1:PORT" */
const char          *fd_test_oauth_provider_get_base_url (FdTestOAuthProvider *self);
void                 fd_test_oauth_provider_set_expires_in (FdTestOAuthProvider *self,
                                                          gint64               seconds);
void                 fd_test_oauth_provider_set_fault    (FdTestOAuthProvider *self,
                                                          FdTestOAuthFault     fault);
/* The person withdraws consent: every code and refresh token is void. */
void                 fd_test_oauth_provider_revoke       (FdTestOAuthProvider *self);
/* How many token requests were answered with tokens. */
guint                fd_test_oauth_provider_get_grants   (FdTestOAuthProvider *self);

/* Every access token answered from now on is @token (NULL: a new one each
 * time), so that a Dovecot or aiosmtpd set up for it accepts it. */
void                 fd_test_oauth_provider_set_access_token (FdTestOAuthProvider *self,
                                                          const char          *token);
/* A live refresh token for @scope, as if the person had consented (a
 * server's stored grant, without the authorization page). */
char                *fd_test_oauth_provider_grant        (FdTestOAuthProvider *self,
                                                          const char          *scope);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestOAuthProvider, fd_test_oauth_provider_free)

G_END_DECLS
