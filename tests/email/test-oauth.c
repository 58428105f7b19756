/* FdOAuth against a local provider that keeps Microsoft's and Google's
 * token-endpoint contract (fd-test-oauth-provider.h): PKCE checked by the
 * provider, single-use codes, refresh-token rotation, expiry, revocation,
 * and answers that are not token responses. */

#include "fd-oauth.h"
#include "fd-test-oauth-provider.h"

#include <string.h>

#define CLIENT_ID "11111111-2222-3333-4444-555555555555"
#define CLIENT_SECRET "client~secret"
#define REDIRECT_URI "https://desk.example.com/email/oauth/callback"

typedef struct {
  FdTestOAuthProvider *server;
  FdOAuthProvider *provider;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  FdOAuthPlatform platform = GPOINTER_TO_INT (data);
  f->server = fd_test_oauth_provider_new (platform == FD_OAUTH_PLATFORM_MICROSOFT
                                          ? FD_TEST_OAUTH_MICROSOFT : FD_TEST_OAUTH_GOOGLE,
                                          CLIENT_ID, CLIENT_SECRET);
  f->provider = fd_oauth_provider_new_for_base (platform, "contoso.example",
                                                fd_test_oauth_provider_get_base_url (f->server));
  f->session = soup_session_new_with_options ("timeout", 30, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->provider, fd_oauth_provider_unref);
  g_clear_pointer (&f->server, fd_test_oauth_provider_free);
}

static void
on_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The person consents: GET the authorization URL as a browser would and
 * take the code from the provider's redirect. */
static char *
consent (Fixture *f, FdOAuthAuthorization *authorization)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", authorization->url);
  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  GAsyncResult *result = NULL;
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_result_cb, &result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (f->session, wait_for (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != SOUP_STATUS_FOUND)
    g_error ("The provider refused the authorization URL: %u %.*s",
             soup_message_get_status (msg), (int) g_bytes_get_size (body),
             (const char *) g_bytes_get_data (body, NULL));

  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                       "Location");
  g_assert_true (g_str_has_prefix (location, REDIRECT_URI "?"));
  g_autoptr (GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_autoptr (GHashTable) query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                                     G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  /* The state comes back as it went out: the caller matches it (CSRF). */
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, authorization->state);
  return g_strdup (g_hash_table_lookup (query, "code"));
}

static FdOAuthTokens *
exchange (Fixture *f, const char *code, const char *verifier, GError **error)
{
  GAsyncResult *result = NULL;
  fd_oauth_exchange_code_async (f->provider, f->session, CLIENT_ID, CLIENT_SECRET,
                                REDIRECT_URI, code, verifier, NULL, on_result_cb, &result);
  FdOAuthTokens *tokens = fd_oauth_exchange_code_finish (wait_for (&result), error);
  g_object_unref (result);
  return tokens;
}

static FdOAuthTokens *
refresh (Fixture *f, const FdOAuthTokens *tokens, GError **error)
{
  GAsyncResult *result = NULL;
  fd_oauth_refresh_async (f->provider, f->session, CLIENT_ID, CLIENT_SECRET, tokens,
                          NULL, on_result_cb, &result);
  FdOAuthTokens *answer = fd_oauth_refresh_finish (wait_for (&result), error);
  g_object_unref (result);
  return answer;
}

/* A whole authorization: consent and exchange. */
static FdOAuthTokens *
authorize (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthAuthorization) authorization =
    fd_oauth_begin (f->provider, CLIENT_ID, REDIRECT_URI, "support@contoso.example");
  g_autofree char *code = consent (f, authorization);
  FdOAuthTokens *tokens = exchange (f, code, authorization->code_verifier, &error);
  g_assert_no_error (error);
  return tokens;
}

static GHashTable *
url_query (const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  GHashTable *query = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
                                          G_URI_PARAMS_WWW_FORM, &error);
  g_assert_no_error (error);
  return query;
}

static void
test_provider_tables (void)
{
  g_autoptr (FdOAuthProvider) microsoft = fd_oauth_provider_new (FD_OAUTH_PLATFORM_MICROSOFT, NULL);
  g_assert_cmpstr (fd_oauth_provider_get_authorize_url (microsoft), ==,
                   "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
  g_assert_cmpstr (fd_oauth_provider_get_token_url (microsoft), ==,
                   "https://login.microsoftonline.com/common/oauth2/v2.0/token");
  g_assert_cmpstr (fd_oauth_provider_get_scope (microsoft), ==,
                   "https://outlook.office.com/IMAP.AccessAsUser.All "
                   "https://outlook.office.com/SMTP.Send offline_access");

  g_autoptr (FdOAuthProvider) tenant = fd_oauth_provider_new (FD_OAUTH_PLATFORM_MICROSOFT,
                                                              "contoso.onmicrosoft.com");
  g_assert_cmpstr (fd_oauth_provider_get_token_url (tenant), ==,
                   "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  /* A tenant is one path segment, whatever an administrator typed. */
  g_autoptr (FdOAuthProvider) odd = fd_oauth_provider_new (FD_OAUTH_PLATFORM_MICROSOFT, "a/../b?c");
  g_assert_cmpstr (fd_oauth_provider_get_token_url (odd), ==,
                   "https://login.microsoftonline.com/a%2F..%2Fb%3Fc/oauth2/v2.0/token");

  g_autoptr (FdOAuthProvider) google = fd_oauth_provider_new (FD_OAUTH_PLATFORM_GOOGLE, NULL);
  g_assert_cmpstr (fd_oauth_provider_get_authorize_url (google), ==,
                   "https://accounts.google.com/o/oauth2/v2/auth");
  g_assert_cmpstr (fd_oauth_provider_get_token_url (google), ==,
                   "https://oauth2.googleapis.com/token");
  g_assert_cmpstr (fd_oauth_provider_get_scope (google), ==, "https://mail.google.com/");
}

static void
test_begin (void)
{
  g_autoptr (FdOAuthProvider) google = fd_oauth_provider_new (FD_OAUTH_PLATFORM_GOOGLE, NULL);
  g_autoptr (FdOAuthAuthorization) a = fd_oauth_begin (google, CLIENT_ID, REDIRECT_URI,
                                                       "support@example.com");
  g_autoptr (FdOAuthAuthorization) b = fd_oauth_begin (google, CLIENT_ID, REDIRECT_URI, NULL);

  g_assert_true (g_str_has_prefix (a->url, "https://accounts.google.com/o/oauth2/v2/auth?"));
  g_autoptr (GHashTable) query = url_query (a->url);
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==, REDIRECT_URI);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "https://mail.google.com/");
  g_assert_cmpstr (g_hash_table_lookup (query, "access_type"), ==, "offline");
  g_assert_cmpstr (g_hash_table_lookup (query, "prompt"), ==, "consent");
  g_assert_cmpstr (g_hash_table_lookup (query, "login_hint"), ==, "support@example.com");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, a->state);
  g_assert_nonnull (g_hash_table_lookup (query, "code_challenge"));
  /* The verifier never leaves in the URL, only its hash. */
  g_assert_null (strstr (a->url, a->code_verifier));

  /* RFC 7636: 43 to 128 unreserved characters. */
  gsize len = strlen (a->code_verifier);
  g_assert_cmpuint (len, >=, 43);
  g_assert_cmpuint (len, <=, 128);
  for (const char *p = a->code_verifier; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL);
  g_assert_cmpuint (strlen (a->state), >=, 32);

  /* Fresh each time. */
  g_assert_cmpstr (a->state, !=, b->state);
  g_assert_cmpstr (a->code_verifier, !=, b->code_verifier);
  g_autoptr (GHashTable) query_b = url_query (b->url);
  g_assert_null (g_hash_table_lookup (query_b, "login_hint"));

  g_autoptr (FdOAuthProvider) microsoft = fd_oauth_provider_new (FD_OAUTH_PLATFORM_MICROSOFT, NULL);
  g_autoptr (FdOAuthAuthorization) m = fd_oauth_begin (microsoft, CLIENT_ID, REDIRECT_URI, NULL);
  g_autoptr (GHashTable) query_m = url_query (m->url);
  g_assert_cmpstr (g_hash_table_lookup (query_m, "scope"), ==,
                   fd_oauth_provider_get_scope (microsoft));
  g_assert_cmpstr (g_hash_table_lookup (query_m, "response_mode"), ==, "query");
  g_assert_null (g_hash_table_lookup (query_m, "access_type"));
}

static void
assert_expiry (const FdOAuthTokens *tokens, gint64 before, gint64 after, gint64 expires_in)
{
  g_assert_cmpint (tokens->expires_at, >=, before + expires_in);
  g_assert_cmpint (tokens->expires_at, <=, after + expires_in);
}

static void
test_exchange (Fixture *f, gconstpointer data)
{
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);
  gint64 after = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (g_str_has_prefix (tokens->access_token, "access-"));
  g_assert_true (g_str_has_prefix (tokens->refresh_token, "refresh-"));
  g_assert_cmpstr (tokens->scope, ==, fd_oauth_provider_get_scope (f->provider));
  assert_expiry (tokens, before, after, 3599);
  g_assert_cmpuint (fd_test_oauth_provider_get_grants (f->server), ==, 1);
}

static void
test_pkce_checked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthAuthorization) authorization =
    fd_oauth_begin (f->provider, CLIENT_ID, REDIRECT_URI, NULL);
  g_autofree char *code = consent (f, authorization);

  /* Someone who caught the code but not the verifier gets nothing. */
  g_autoptr (FdOAuthAuthorization) other = fd_oauth_begin (f->provider, CLIENT_ID, REDIRECT_URI, NULL);
  g_assert_null (exchange (f, code, other->code_verifier, &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_assert_nonnull (strstr (error->message, "Code_Verifier"));
  g_assert_cmpuint (fd_test_oauth_provider_get_grants (f->server), ==, 0);
}

static void
test_code_reused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthAuthorization) authorization =
    fd_oauth_begin (f->provider, CLIENT_ID, REDIRECT_URI, NULL);
  g_autofree char *code = consent (f, authorization);

  g_autoptr (FdOAuthTokens) tokens = exchange (f, code, authorization->code_verifier, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_autoptr (FdOAuthTokens) again = exchange (f, code, authorization->code_verifier, &error);
  g_assert_null (again);
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_assert_cmpuint (fd_test_oauth_provider_get_grants (f->server), ==, 1);
}

static void
test_refresh_rotation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) first = authorize (f);

  g_autoptr (FdOAuthTokens) second = refresh (f, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->access_token, !=, first->access_token);
  /* Microsoft rotated the refresh token: the caller gets the new one. */
  g_assert_nonnull (second->refresh_token);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);

  /* The old one is void now: whoever saved it lost the mailbox. */
  g_assert_null (refresh (f, first, &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_clear_error (&error);

  /* The new one works, and rotates again. */
  g_autoptr (FdOAuthTokens) third = refresh (f, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third->refresh_token, !=, second->refresh_token);
  g_assert_cmpstr (third->scope, ==, first->scope);
}

static void
test_refresh_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) first = authorize (f);

  /* Google answers no refresh token on refresh: the old one is kept. */
  g_autoptr (FdOAuthTokens) second = refresh (f, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->access_token, !=, first->access_token);
  g_assert_cmpstr (second->refresh_token, ==, first->refresh_token);

  g_autoptr (FdOAuthTokens) third = refresh (f, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (third->refresh_token, ==, first->refresh_token);
}

static void
test_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  fd_test_oauth_provider_set_expires_in (f->server, 120);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);
  gint64 after = g_get_real_time () / G_USEC_PER_SEC;
  assert_expiry (tokens, before, after, 120);

  /* Refreshed with a margin of five minutes: a two-minute token is due. */
  g_assert_true (fd_oauth_tokens_needs_refresh (tokens, after, 300));
  g_assert_false (fd_oauth_tokens_needs_refresh (tokens, before, 60));

  fd_test_oauth_provider_set_expires_in (f->server, 7200);
  before = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (FdOAuthTokens) renewed = refresh (f, tokens, &error);
  after = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_no_error (error);
  assert_expiry (renewed, before, after, 7200);
  g_assert_false (fd_oauth_tokens_needs_refresh (renewed, after, 300));
}

static void
test_needs_refresh (void)
{
  FdOAuthTokens tokens = { .access_token = (char *) "a", .refresh_token = (char *) "r",
                           .expires_at = 10000 };
  g_assert_false (fd_oauth_tokens_needs_refresh (&tokens, 9000, 300));
  g_assert_false (fd_oauth_tokens_needs_refresh (&tokens, 9700, 300));
  g_assert_true (fd_oauth_tokens_needs_refresh (&tokens, 9701, 300));
  g_assert_true (fd_oauth_tokens_needs_refresh (&tokens, 10001, 0));
  tokens.expires_at = 0;
  g_assert_true (fd_oauth_tokens_needs_refresh (&tokens, 1, 0));
}

static void
test_revoked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);

  fd_test_oauth_provider_revoke (f->server);
  g_assert_null (refresh (f, tokens, &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_assert_nonnull (strstr (error->message, "authorized again"));
  /* The provider's description is in the message; no token is. */
  g_assert_nonnull (strstr (error->message, "revoked"));
  g_assert_null (strstr (error->message, tokens->refresh_token));
  g_assert_null (strstr (error->message, tokens->access_token));
}

static void
assert_fault (Fixture *f, FdTestOAuthFault fault, GQuark domain, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);

  fd_test_oauth_provider_set_fault (f->server, fault);
  g_autoptr (FdOAuthTokens) answer = refresh (f, tokens, &error);
  g_assert_null (answer);
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The grant survives a bad answer: the next refresh works. */
  g_autoptr (FdOAuthTokens) next = refresh (f, tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (next->refresh_token, !=, tokens->refresh_token);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  assert_fault (f, FD_TEST_OAUTH_FAULT_MALFORMED, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
}

static void
test_huge (Fixture *f, gconstpointer data)
{
  assert_fault (f, FD_TEST_OAUTH_FAULT_HUGE, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
  assert_fault (f, FD_TEST_OAUTH_FAULT_HUGE_CHUNKED, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
}

static void
test_deep (Fixture *f, gconstpointer data)
{
  assert_fault (f, FD_TEST_OAUTH_FAULT_DEEP, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
}

static void
test_missing_field (Fixture *f, gconstpointer data)
{
  assert_fault (f, FD_TEST_OAUTH_FAULT_NO_ACCESS_TOKEN, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
}

static void
test_server_error (Fixture *f, gconstpointer data)
{
  assert_fault (f, FD_TEST_OAUTH_FAULT_SERVER_ERROR, FD_OAUTH_ERROR, FD_OAUTH_ERROR_PROVIDER);
}

static void
test_invalid_client (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);

  fd_test_oauth_provider_set_fault (f->server, FD_TEST_OAUTH_FAULT_INVALID_CLIENT);
  g_assert_null (refresh (f, tokens, &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "invalid_client"));
  g_assert_nonnull (strstr (error->message, "Invalid client secret"));
}

static void
test_unreachable (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);

  /* The provider goes away; its port is closed. */
  g_autofree char *base = g_strdup (fd_test_oauth_provider_get_base_url (f->server));
  g_clear_pointer (&f->server, fd_test_oauth_provider_free);
  g_assert_null (refresh (f, tokens, &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, base));
}

static void
test_cancelled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdOAuthTokens) tokens = authorize (f);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *result = NULL;

  fd_oauth_refresh_async (f->provider, f->session, CLIENT_ID, CLIENT_SECRET, tokens,
                          cancellable, on_result_cb, &result);
  g_cancellable_cancel (cancellable);
  g_assert_null (fd_oauth_refresh_finish (wait_for (&result), &error));
  g_object_unref (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_xoauth2 (void)
{
  g_autoptr (GError) error = NULL;
  /* The example of Google's XOAUTH2 documentation. */
  g_autofree char *sasl = fd_oauth_xoauth2_sasl ("someuser@example.com",
                                                 "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sasl, ==,
                   "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRj"
                   "Mk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");

  /* A control character would end a field early: refused. */
  g_assert_null (fd_oauth_xoauth2_sasl ("a@example.com\001auth=Bearer x", "t", &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (fd_oauth_xoauth2_sasl ("a@example.com", "t\r\nA1 LOGOUT", &error));
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  gconstpointer microsoft = GINT_TO_POINTER (FD_OAUTH_PLATFORM_MICROSOFT);
  gconstpointer google = GINT_TO_POINTER (FD_OAUTH_PLATFORM_GOOGLE);
#define ADD(path, platform, fn) \
  g_test_add (path, Fixture, platform, fixture_set_up, fn, fixture_tear_down)

  g_test_add_func ("/oauth/provider-tables", test_provider_tables);
  g_test_add_func ("/oauth/begin", test_begin);
  g_test_add_func ("/oauth/needs-refresh", test_needs_refresh);
  g_test_add_func ("/oauth/xoauth2", test_xoauth2);
  ADD ("/oauth/microsoft/exchange", microsoft, test_exchange);
  ADD ("/oauth/google/exchange", google, test_exchange);
  ADD ("/oauth/microsoft/pkce-checked", microsoft, test_pkce_checked);
  ADD ("/oauth/google/pkce-checked", google, test_pkce_checked);
  ADD ("/oauth/microsoft/code-reused", microsoft, test_code_reused);
  ADD ("/oauth/microsoft/refresh-rotation", microsoft, test_refresh_rotation);
  ADD ("/oauth/google/refresh-kept", google, test_refresh_kept);
  ADD ("/oauth/microsoft/expiry", microsoft, test_expiry);
  ADD ("/oauth/microsoft/revoked", microsoft, test_revoked);
  ADD ("/oauth/google/revoked", google, test_revoked);
  ADD ("/oauth/invalid/malformed", microsoft, test_malformed);
  ADD ("/oauth/invalid/huge", microsoft, test_huge);
  ADD ("/oauth/invalid/deep", microsoft, test_deep);
  ADD ("/oauth/invalid/missing-field", microsoft, test_missing_field);
  ADD ("/oauth/provider/server-error", microsoft, test_server_error);
  ADD ("/oauth/provider/invalid-client", microsoft, test_invalid_client);
  ADD ("/oauth/network/unreachable", microsoft, test_unreachable);
  ADD ("/oauth/network/cancelled", microsoft, test_cancelled);
#undef ADD
  return g_test_run ();
}
