#define G_LOG_DOMAIN "fd-test-oauth-provider"

#include "fd-test-oauth-provider.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define MICROSOFT_SCOPES "https://outlook.office.com/IMAP.AccessAsUser.All " \
                         "https://outlook.office.com/SMTP.Send offline_access"
#define GOOGLE_SCOPES "https://mail.google.com/"

typedef struct {
  char *client_id;
  char *redirect_uri;
  char *challenge;
  char *scope;
  gboolean offline;
  gboolean used;
} CodeGrant;

typedef struct {
  char *scope;
  gboolean offline;
} RefreshGrant;

struct _FdTestOAuthProvider {
  FdTestOAuthPlatform platform;
  char *client_id;
  char *client_secret;
  SoupServer *server;
  char *base_url;
  GHashTable *codes;          /* code → CodeGrant */
  GHashTable *refresh_tokens; /* live refresh token → RefreshGrant */
  gint64 expires_in;
  FdTestOAuthFault fault;
  guint serial;
  guint grants;
  char *access_token;         /* NULL: a new one each time */
};

static void
code_grant_free (CodeGrant *grant)
{
  g_free (grant->client_id);
  g_free (grant->redirect_uri);
  g_free (grant->challenge);
  g_free (grant->scope);
  g_free (grant);
}

static void
refresh_grant_free (RefreshGrant *grant)
{
  g_free (grant->scope);
  g_free (grant);
}

static char *
new_token (FdTestOAuthProvider *self, const char *kind)
{
  g_autofree char *uuid = g_uuid_string_random ();
  return g_strdup_printf ("%s-%u-%s", kind, ++self->serial, uuid);
}

static void
answer_json (SoupServerMessage *msg, guint status, JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

static void
answer_error (FdTestOAuthProvider *self, SoupServerMessage *msg, guint status,
              const char *error, const char *description)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_set_member_name (builder, "error_description");
  json_builder_add_string_value (builder, description);
  if (self->platform == FD_TEST_OAUTH_MICROSOFT)
    {
      /* Microsoft adds its own codes and a trace for support. */
      json_builder_set_member_name (builder, "error_codes");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, 70000);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "trace_id");
      json_builder_add_string_value (builder, "00000000-0000-0000-0000-000000000000");
    }
  json_builder_end_object (builder);
  answer_json (msg, status, builder);
}

/* RFC 7636 S256, computed here independently of the code under test. */
static char *
s256 (const char *verifier)
{
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  char *text = g_base64_encode (digest, len);
  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        *p = '\0';
    }
  return text;
}

static gboolean
verifier_well_formed (const char *verifier)
{
  gsize len = strlen (verifier);
  if (len < 43 || len > 128)
    return FALSE;
  for (const char *p = verifier; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
scope_has_all (const char *scope, const char *required)
{
  g_auto (GStrv) have = g_strsplit (scope != NULL ? scope : "", " ", -1);
  g_auto (GStrv) need = g_strsplit (required, " ", -1);
  for (guint i = 0; need[i] != NULL; i++)
    if (!g_strv_contains ((const char *const *) have, need[i]))
      return FALSE;
  return TRUE;
}

static void
handle_authorize (FdTestOAuthProvider *self, SoupServerMessage *msg, GHashTable *query)
{
  const char *required = self->platform == FD_TEST_OAUTH_MICROSOFT ? MICROSOFT_SCOPES : GOOGLE_SCOPES;
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *problem = NULL;

  if (query == NULL || redirect_uri == NULL)
    problem = "redirect_uri is missing";
  else if (g_strcmp0 (g_hash_table_lookup (query, "client_id"), self->client_id) != 0)
    problem = "unknown client_id";
  else if (g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0)
    problem = "response_type must be code";
  else if (!scope_has_all (g_hash_table_lookup (query, "scope"), required))
    problem = "the mail scopes are missing";
  else if (g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0
           || g_hash_table_lookup (query, "code_challenge") == NULL)
    problem = "PKCE with S256 is required";
  else if (g_hash_table_lookup (query, "state") == NULL)
    problem = "state is missing";
  else if (self->platform == FD_TEST_OAUTH_GOOGLE
           && g_strcmp0 (g_hash_table_lookup (query, "prompt"), "consent") != 0)
    problem = "prompt=consent is missing";
  if (problem != NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY,
                                        problem, strlen (problem));
      return;
    }

  CodeGrant *grant = g_new0 (CodeGrant, 1);
  grant->client_id = g_strdup (self->client_id);
  grant->redirect_uri = g_strdup (redirect_uri);
  grant->challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));
  grant->scope = g_strdup (g_hash_table_lookup (query, "scope"));
  /* Microsoft grants a refresh token for offline_access; Google only for
   * access_type=offline. */
  grant->offline = self->platform == FD_TEST_OAUTH_MICROSOFT
                   || g_strcmp0 (g_hash_table_lookup (query, "access_type"), "offline") == 0;
  char *code = new_token (self, "code");
  g_hash_table_insert (self->codes, code, grant);

  g_autofree char *escaped_code = g_uri_escape_string (code, NULL, FALSE);
  g_autofree char *escaped_state = g_uri_escape_string (g_hash_table_lookup (query, "state"), NULL, FALSE);
  g_autofree char *location = g_strdup_printf ("%s%scode=%s&state=%s", redirect_uri,
                                               strchr (redirect_uri, '?') != NULL ? "&" : "?",
                                               escaped_code, escaped_state);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
issue_tokens (FdTestOAuthProvider *self, SoupServerMessage *msg,
              const char *scope, gboolean offline, gboolean new_refresh)
{
  g_autofree char *access_token = self->access_token != NULL ? g_strdup (self->access_token)
                                                             : new_token (self, "access");
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, scope);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, self->expires_in);
  if (self->platform == FD_TEST_OAUTH_MICROSOFT)
    {
      json_builder_set_member_name (builder, "ext_expires_in");
      json_builder_add_int_value (builder, self->expires_in);
    }
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access_token);
  if (offline && new_refresh)
    {
      char *refresh_token = new_token (self, "refresh");
      RefreshGrant *grant = g_new0 (RefreshGrant, 1);
      grant->scope = g_strdup (scope);
      grant->offline = TRUE;
      g_hash_table_insert (self->refresh_tokens, refresh_token, grant);
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, refresh_token);
    }
  json_builder_end_object (builder);
  self->grants++;
  answer_json (msg, SOUP_STATUS_OK, builder);
}

static void
grant_code (FdTestOAuthProvider *self, SoupServerMessage *msg, GHashTable *form)
{
  const char *code = g_hash_table_lookup (form, "code");
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  CodeGrant *grant = code != NULL ? g_hash_table_lookup (self->codes, code) : NULL;

  if (grant == NULL || grant->used)
    {
      answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                    "AADSTS70008: The provided authorization code or refresh "
                    "token has expired or has already been used.");
      return;
    }
  /* A code is good for one attempt, successful or not. */
  grant->used = TRUE;
  if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), grant->redirect_uri) != 0)
    {
      answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                    "The redirect_uri differs from the authorization request's.");
      return;
    }
  g_autofree char *challenge = verifier != NULL ? s256 (verifier) : NULL;
  if (verifier == NULL || !verifier_well_formed (verifier)
      || g_strcmp0 (challenge, grant->challenge) != 0)
    {
      answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                    "AADSTS501481: The Code_Verifier does not match the "
                    "code_challenge supplied in the authorization request.");
      return;
    }
  issue_tokens (self, msg, grant->scope, grant->offline, TRUE);
}

static void
grant_refresh (FdTestOAuthProvider *self, SoupServerMessage *msg, GHashTable *form)
{
  const char *refresh_token = g_hash_table_lookup (form, "refresh_token");
  RefreshGrant *grant = refresh_token != NULL
                        ? g_hash_table_lookup (self->refresh_tokens, refresh_token) : NULL;
  if (grant == NULL)
    {
      answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid_grant",
                    self->platform == FD_TEST_OAUTH_MICROSOFT
                    ? "AADSTS70000: The provided grant has expired due to it "
                      "being revoked, a fresh auth token is needed."
                    : "Token has been expired or revoked.");
      return;
    }
  g_autofree char *scope = g_strdup (grant->scope);
  if (self->platform == FD_TEST_OAUTH_MICROSOFT)
    {
      /* Rotation: the old refresh token is void from now on. */
      g_hash_table_remove (self->refresh_tokens, refresh_token);
      issue_tokens (self, msg, scope, TRUE, TRUE);
    }
  else
    {
      issue_tokens (self, msg, scope, TRUE, FALSE);
    }
}

static gboolean
answer_fault (FdTestOAuthProvider *self, SoupServerMessage *msg)
{
  FdTestOAuthFault fault = self->fault;
  self->fault = FD_TEST_OAUTH_FAULT_NONE;

  switch (fault)
    {
    case FD_TEST_OAUTH_FAULT_NONE:
      return FALSE;
    case FD_TEST_OAUTH_FAULT_MALFORMED:
      {
        const char *text = "{\"token_type\": \"Bearer\", \"access_token\": \"abc";
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          text, strlen (text));
        return TRUE;
      }
    case FD_TEST_OAUTH_FAULT_HUGE:
    case FD_TEST_OAUTH_FAULT_HUGE_CHUNKED:
      {
        GString *text = g_string_new ("{\"token_type\": \"Bearer\", \"expires_in\": 3599, \"access_token\": \"");
        for (guint i = 0; i < 1024 * 1024; i++)
          g_string_append_c (text, 'a' + i % 26);
        g_string_append (text, "\"}");
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        if (fault == FD_TEST_OAUTH_FAULT_HUGE_CHUNKED)
          soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                             SOUP_ENCODING_CHUNKED);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                          text->str, text->len);
        g_string_free (text, TRUE);
        return TRUE;
      }
    case FD_TEST_OAUTH_FAULT_DEEP:
      {
        GString *text = g_string_new (NULL);
        for (guint i = 0; i < 60000; i++)
          g_string_append_c (text, '[');
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                          text->str, text->len);
        g_string_free (text, TRUE);
        return TRUE;
      }
    case FD_TEST_OAUTH_FAULT_NO_ACCESS_TOKEN:
      {
        const char *text = "{\"token_type\": \"Bearer\", \"expires_in\": 3599, "
                           "\"refresh_token\": \"refresh-x\"}";
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          text, strlen (text));
        return TRUE;
      }
    case FD_TEST_OAUTH_FAULT_SERVER_ERROR:
      {
        const char *text = "<html><body>Sorry, something went wrong.</body></html>";
        soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
        soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                          text, strlen (text));
        return TRUE;
      }
    case FD_TEST_OAUTH_FAULT_INVALID_CLIENT:
      answer_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                    "AADSTS7000215: Invalid client secret provided.");
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static void
handle_token (FdTestOAuthProvider *self, SoupServerMessage *msg)
{
  if (answer_fault (self, msg))
    return;

  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST
      || g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                    "The token endpoint takes a form-encoded POST.");
      return;
    }

  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_autoptr (GHashTable) form = soup_form_decode (text);

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), self->client_id) != 0
      || g_strcmp0 (g_hash_table_lookup (form, "client_secret"), self->client_secret) != 0)
    {
      answer_error (self, msg, SOUP_STATUS_UNAUTHORIZED, "invalid_client",
                    "Unknown client or wrong client secret.");
      return;
    }

  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    grant_code (self, msg, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    grant_refresh (self, msg, form);
  else
    answer_error (self, msg, SOUP_STATUS_BAD_REQUEST, "unsupported_grant_type",
                  "The grant type is not supported.");
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  FdTestOAuthProvider *self = user_data;
  gboolean microsoft = self->platform == FD_TEST_OAUTH_MICROSOFT;

  if (microsoft ? g_str_has_suffix (path, "/oauth2/v2.0/authorize")
                : g_str_equal (path, "/o/oauth2/v2/auth"))
    handle_authorize (self, msg, query);
  else if (microsoft ? g_str_has_suffix (path, "/oauth2/v2.0/token")
                     : g_str_equal (path, "/token"))
    handle_token (self, msg);
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

FdTestOAuthProvider *
fd_test_oauth_provider_new (FdTestOAuthPlatform  platform,
                            const char          *client_id,
                            const char          *client_secret)
{
  FdTestOAuthProvider *self = g_new0 (FdTestOAuthProvider, 1);
  self->platform = platform;
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
  self->expires_in = 3599;
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) code_grant_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) refresh_grant_free);
  self->server = soup_server_new ("server-header", "fd-test-oauth-provider", NULL);
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);

  /* Our own socket: libsoup 3.2's soup_server_get_uris() leaks the
   * address it looks up. */
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  g_autoptr (GSocketAddress) bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  soup_server_listen_socket (self->server, socket, 0, &error);
  g_assert_no_error (error);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return self;
}

void
fd_test_oauth_provider_free (FdTestOAuthProvider *self)
{
  if (self == NULL)
    return;
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_hash_table_unref (self->codes);
  g_hash_table_unref (self->refresh_tokens);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_free (self->base_url);
  g_free (self->access_token);
  g_free (self);
}

const char *
fd_test_oauth_provider_get_base_url (FdTestOAuthProvider *self)
{
  return self->base_url;
}

void
fd_test_oauth_provider_set_expires_in (FdTestOAuthProvider *self, gint64 seconds)
{
  self->expires_in = seconds;
}

void
fd_test_oauth_provider_set_fault (FdTestOAuthProvider *self, FdTestOAuthFault fault)
{
  self->fault = fault;
}

void
fd_test_oauth_provider_revoke (FdTestOAuthProvider *self)
{
  g_hash_table_remove_all (self->codes);
  g_hash_table_remove_all (self->refresh_tokens);
}

guint
fd_test_oauth_provider_get_grants (FdTestOAuthProvider *self)
{
  return self->grants;
}

void
fd_test_oauth_provider_set_access_token (FdTestOAuthProvider *self,
                                         const char          *token)
{
  g_free (self->access_token);
  self->access_token = g_strdup (token);
}

char *
fd_test_oauth_provider_grant (FdTestOAuthProvider *self,
                              const char          *scope)
{
  char *refresh_token = new_token (self, "refresh");
  RefreshGrant *grant = g_new0 (RefreshGrant, 1);

  grant->scope = g_strdup (scope);
  grant->offline = TRUE;
  g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token), grant);
  return refresh_token;
}
