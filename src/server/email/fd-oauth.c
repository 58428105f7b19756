#define G_LOG_DOMAIN "fd-oauth"

#include "fd-oauth.h"
#include "fd-http-answer.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (fd-oauth-error-quark, fd_oauth_error)

#define MICROSOFT_ORIGIN "https://login.microsoftonline.com"
#define MICROSOFT_SCOPE "https://outlook.office.com/IMAP.AccessAsUser.All " \
                        "https://outlook.office.com/SMTP.Send offline_access"
#define GOOGLE_AUTHORIZE_ORIGIN "https://accounts.google.com"
#define GOOGLE_TOKEN_ORIGIN "https://oauth2.googleapis.com"
#define GOOGLE_AUTHORIZE_PATH "/o/oauth2/v2/auth"
#define GOOGLE_TOKEN_PATH "/token"
#define GOOGLE_SCOPE "https://mail.google.com/"
#define SALESFORCE_AUTHORIZE_PATH "/services/oauth2/authorize"
#define SALESFORCE_TOKEN_PATH "/services/oauth2/token"
#define SALESFORCE_SCOPE "api refresh_token"
#define ZENDESK_AUTHORIZE_PATH "/oauth/authorizations/new"
#define ZENDESK_TOKEN_PATH "/oauth/tokens"
#define ZENDESK_SCOPE "read write"
/* X (Twitter) API v2, OAuth 2.0 user context: consent on x.com, tokens at
 * api.x.com; offline.access grants the refresh token (rotated on every
 * refresh, docs/twitter.md). */
#define X_AUTHORIZE_ORIGIN "https://x.com"
#define X_TOKEN_ORIGIN "https://api.x.com"
#define X_AUTHORIZE_PATH "/i/oauth2/authorize"
#define X_TOKEN_PATH "/2/oauth2/token"
#define X_SCOPE "tweet.read tweet.write users.read dm.read dm.write media.write offline.access"

/* RFC 7636: a verifier of 43 to 128 characters; 48 random bytes give 64. */
#define VERIFIER_BYTES 48
#define STATE_BYTES 32
/* Token responses nest two levels; a deeper document is not one. */
#define MAX_JSON_DEPTH 16
/* Provider descriptions reach logs and admins: bounded. */
#define MAX_DESCRIPTION 400

struct _FdOAuthProvider {
  gatomicrefcount ref;
  FdOAuthPlatform platform;
  char *authorize_url;
  char *token_url;
  const char *scope;
};

static FdOAuthProvider *
provider_new (FdOAuthPlatform  platform,
              const char      *tenant,
              const char      *authorize_origin,
              const char      *token_origin)
{
  FdOAuthProvider *self = g_new0 (FdOAuthProvider, 1);
  g_atomic_ref_count_init (&self->ref);
  self->platform = platform;
  switch (platform)
    {
    case FD_OAUTH_PLATFORM_MICROSOFT:
      {
        g_autofree char *segment = g_uri_escape_string (tenant != NULL && *tenant != '\0'
                                                        ? tenant : "common",
                                                        NULL, FALSE);
        self->authorize_url = g_strconcat (authorize_origin, "/", segment,
                                           "/oauth2/v2.0/authorize", NULL);
        self->token_url = g_strconcat (token_origin, "/", segment,
                                       "/oauth2/v2.0/token", NULL);
        self->scope = MICROSOFT_SCOPE;
        break;
      }
    case FD_OAUTH_PLATFORM_GOOGLE:
      self->authorize_url = g_strconcat (authorize_origin, GOOGLE_AUTHORIZE_PATH, NULL);
      self->token_url = g_strconcat (token_origin, GOOGLE_TOKEN_PATH, NULL);
      self->scope = GOOGLE_SCOPE;
      break;
    case FD_OAUTH_PLATFORM_SALESFORCE:
      self->authorize_url = g_strconcat (authorize_origin, SALESFORCE_AUTHORIZE_PATH, NULL);
      self->token_url = g_strconcat (token_origin, SALESFORCE_TOKEN_PATH, NULL);
      self->scope = SALESFORCE_SCOPE;
      break;
    case FD_OAUTH_PLATFORM_ZENDESK:
      self->authorize_url = g_strconcat (authorize_origin, ZENDESK_AUTHORIZE_PATH, NULL);
      self->token_url = g_strconcat (token_origin, ZENDESK_TOKEN_PATH, NULL);
      self->scope = ZENDESK_SCOPE;
      break;
    case FD_OAUTH_PLATFORM_X:
      self->authorize_url = g_strconcat (authorize_origin, X_AUTHORIZE_PATH, NULL);
      self->token_url = g_strconcat (token_origin, X_TOKEN_PATH, NULL);
      self->scope = X_SCOPE;
      break;
    default:
      g_assert_not_reached ();
    }
  return self;
}

FdOAuthProvider *
fd_oauth_provider_new (FdOAuthPlatform platform, const char *tenant)
{
  g_return_val_if_fail (platform == FD_OAUTH_PLATFORM_MICROSOFT
                        || platform == FD_OAUTH_PLATFORM_GOOGLE
                        || platform == FD_OAUTH_PLATFORM_X, NULL);

  if (platform == FD_OAUTH_PLATFORM_X)
    return provider_new (platform, tenant, X_AUTHORIZE_ORIGIN, X_TOKEN_ORIGIN);
  if (platform == FD_OAUTH_PLATFORM_MICROSOFT)
    return provider_new (platform, tenant, MICROSOFT_ORIGIN, MICROSOFT_ORIGIN);
  return provider_new (platform, tenant, GOOGLE_AUTHORIZE_ORIGIN, GOOGLE_TOKEN_ORIGIN);
}

FdOAuthProvider *
fd_oauth_provider_new_for_base (FdOAuthPlatform  platform,
                                const char      *tenant,
                                const char      *base_url)
{
  g_return_val_if_fail (platform >= FD_OAUTH_PLATFORM_MICROSOFT
                        && platform <= FD_OAUTH_PLATFORM_X, NULL);
  g_return_val_if_fail (base_url != NULL && g_uri_is_valid (base_url, G_URI_FLAGS_NONE, NULL), NULL);

  g_autofree char *origin = g_strdup (base_url);
  gsize len = strlen (origin);
  while (len > 0 && origin[len - 1] == '/')
    origin[--len] = '\0';
  return provider_new (platform, tenant, origin, origin);
}

FdOAuthProvider *
fd_oauth_provider_ref (FdOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  g_atomic_ref_count_inc (&provider->ref);
  return provider;
}

void
fd_oauth_provider_unref (FdOAuthProvider *provider)
{
  if (provider == NULL || !g_atomic_ref_count_dec (&provider->ref))
    return;
  g_free (provider->authorize_url);
  g_free (provider->token_url);
  g_free (provider);
}

FdOAuthPlatform
fd_oauth_provider_get_platform (FdOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, FD_OAUTH_PLATFORM_MICROSOFT);
  return provider->platform;
}

const char *
fd_oauth_provider_get_authorize_url (FdOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->authorize_url;
}

const char *
fd_oauth_provider_get_token_url (FdOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->token_url;
}

const char *
fd_oauth_provider_get_scope (FdOAuthProvider *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);
  return provider->scope;
}

/* Appends name=value, form-encoded (application/x-www-form-urlencoded and
 * URL queries alike); a NULL value is left out. */
static void
form_append (GString *form, const char *name, const char *value)
{
  if (value == NULL)
    return;
  if (form->len > 0 && form->str[form->len - 1] != '?')
    g_string_append_c (form, '&');
  g_string_append_uri_escaped (form, name, NULL, FALSE);
  g_string_append_c (form, '=');
  g_string_append_uri_escaped (form, value, NULL, FALSE);
}

static char *
random_urlsafe (gsize n_bytes)
{
  guint8 raw[64];
  g_assert (n_bytes <= sizeof raw);
  randombytes_buf (raw, n_bytes);
  gsize len = sodium_base64_ENCODED_LEN (n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *text = g_malloc (len);
  sodium_bin2base64 (text, len, raw, n_bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (raw, sizeof raw);
  return text;
}

/* RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))), unpadded. */
static char *
pkce_challenge (const char *verifier)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256 (hash, (const guint8 *) verifier, strlen (verifier));
  gsize len = sodium_base64_ENCODED_LEN (sizeof hash, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *text = g_malloc (len);
  sodium_bin2base64 (text, len, hash, sizeof hash, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

void
fd_oauth_authorization_free (FdOAuthAuthorization *authorization)
{
  if (authorization == NULL)
    return;
  g_free (authorization->url);
  g_free (authorization->state);
  if (authorization->code_verifier != NULL)
    sodium_memzero (authorization->code_verifier, strlen (authorization->code_verifier));
  g_free (authorization->code_verifier);
  g_free (authorization);
}

FdOAuthAuthorization *
fd_oauth_begin (FdOAuthProvider *provider,
                const char      *client_id,
                const char      *redirect_uri,
                const char      *login_hint)
{
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (client_id != NULL && *client_id != '\0', NULL);
  g_return_val_if_fail (redirect_uri != NULL && *redirect_uri != '\0', NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not start");

  FdOAuthAuthorization *authorization = g_new0 (FdOAuthAuthorization, 1);
  authorization->state = random_urlsafe (STATE_BYTES);
  authorization->code_verifier = random_urlsafe (VERIFIER_BYTES);
  g_autofree char *challenge = pkce_challenge (authorization->code_verifier);

  GString *url = g_string_new (provider->authorize_url);
  g_string_append_c (url, '?');
  form_append (url, "client_id", client_id);
  form_append (url, "response_type", "code");
  form_append (url, "redirect_uri", redirect_uri);
  form_append (url, "scope", provider->scope);
  form_append (url, "state", authorization->state);
  form_append (url, "code_challenge", challenge);
  form_append (url, "code_challenge_method", "S256");
  if (provider->platform == FD_OAUTH_PLATFORM_MICROSOFT)
    {
      form_append (url, "response_mode", "query");
    }
  else if (provider->platform == FD_OAUTH_PLATFORM_GOOGLE)
    {
      /* Google grants a refresh token only offline, and only on consent. */
      form_append (url, "access_type", "offline");
      form_append (url, "prompt", "consent");
    }
  if (login_hint != NULL && *login_hint != '\0')
    form_append (url, "login_hint", login_hint);
  authorization->url = g_string_free (url, FALSE);
  return authorization;
}

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;
  sodium_memzero (text, strlen (text));
  g_free (text);
}

FdOAuthTokens *
fd_oauth_tokens_copy (const FdOAuthTokens *tokens)
{
  g_return_val_if_fail (tokens != NULL, NULL);
  FdOAuthTokens *copy = g_new0 (FdOAuthTokens, 1);
  copy->access_token = g_strdup (tokens->access_token);
  copy->refresh_token = g_strdup (tokens->refresh_token);
  copy->expires_at = tokens->expires_at;
  copy->scope = g_strdup (tokens->scope);
  return copy;
}

void
fd_oauth_tokens_free (FdOAuthTokens *tokens)
{
  if (tokens == NULL)
    return;
  wipe_string (tokens->access_token);
  wipe_string (tokens->refresh_token);
  g_free (tokens->scope);
  g_free (tokens);
}

gboolean
fd_oauth_tokens_needs_refresh (const FdOAuthTokens *tokens, gint64 now, gint64 margin)
{
  g_return_val_if_fail (tokens != NULL, TRUE);
  if (tokens->access_token == NULL || tokens->expires_at <= 0)
    return TRUE;
  return now > tokens->expires_at - MAX (margin, 0);
}

/* One token request in flight. */
typedef struct {
  FdOAuthProvider *provider;
  SoupMessage *message;
  GBytes *body;              /* the answer, once read */
  gboolean is_refresh;
  gint64 sent_at;
  FdOAuthTokens *previous;   /* refresh: what the caller holds */
} TokenRequest;

static void
token_request_free (TokenRequest *request)
{
  fd_oauth_provider_unref (request->provider);
  g_clear_object (&request->message);
  if (request->body != NULL)
    {
      /* The answer holds tokens: wiped (the request holds its only reference). */
      gsize len;
      guint8 *data = g_bytes_unref_to_data (g_steal_pointer (&request->body), &len);

      sodium_memzero (data, len);
      g_free (data);
    }
  g_clear_pointer (&request->previous, fd_oauth_tokens_free);
  g_free (request);
}

static void
wipe_and_free (gpointer data)
{
  wipe_string (data);
}

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* expires_in: a number of seconds; some Microsoft endpoints send it as a
 * string of digits. 0 when absent or not a positive count. */
static gint64
member_seconds (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  gint64 value = 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_STRING
           && !g_ascii_string_to_signed (json_node_get_string (node), 10, 1,
                                         G_MAXINT32, &value, NULL))
    value = 0;
  /* Ten years is no access token's lifetime. */
  return value > 0 && value <= 10 * 365 * 24 * 3600 ? value : 0;
}

/* json-glib's parser recurses once per level: refuse deep documents
 * before handing them to it. */
static gboolean
json_depth_ok (const guint8 *data, gsize len)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }
  return TRUE;
}

static JsonObject *
parse_object (GBytes *body)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  if (len == 0 || !json_depth_ok (data, len))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) data, len, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

/* A provider's text, fit for an error message: valid UTF-8, no control
 * characters, bounded. */
static char *
clean_description (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_strdup ("no description");
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && out->len < MAX_DESCRIPTION; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  if (*valid != '\0' && out->len >= MAX_DESCRIPTION)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static void
return_error_answer (GTask *task, TokenRequest *request, guint status)
{
  g_autoptr (JsonObject) object = parse_object (request->body);
  const char *code = object != NULL ? member_string (object, "error") : NULL;
  if (code == NULL)
    {
      g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_PROVIDER,
                               "The sign-in provider answered HTTP %u (%s) at %s; "
                               "try again later.",
                               status, soup_status_get_phrase (status),
                               request->provider->token_url);
      return;
    }
  g_autofree char *safe_code = clean_description (code);
  g_autofree char *description = clean_description (member_string (object, "error_description"));
  /* X answers a void refresh token with invalid_request ("Value passed
   * for the token was invalid."), not invalid_grant. */
  gboolean x_void_token = request->provider->platform == FD_OAUTH_PLATFORM_X
                          && g_strcmp0 (code, "invalid_request") == 0
                          && request->is_refresh && description != NULL
                          && strstr (description, "token") != NULL;
  if (g_strcmp0 (code, "invalid_grant") == 0 || x_void_token)
    g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED,
                             "The authorization is no longer valid "
                             "(invalid_grant: %s); it must be authorized again.",
                             description);
  else
    g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_PROVIDER,
                             "The sign-in provider refused the request (%s: %s).",
                             safe_code, description);
}

static void
return_tokens (GTask *task, TokenRequest *request)
{
  g_autoptr (JsonObject) object = parse_object (request->body);
  if (object == NULL)
    {
      g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID,
                               "The sign-in provider's answer is not a JSON object.");
      return;
    }

  const char *access_token = member_string (object, "access_token");
  const char *token_type = member_string (object, "token_type");
  const char *refresh_token = member_string (object, "refresh_token");
  const char *scope = member_string (object, "scope");
  gint64 expires_in = member_seconds (object, "expires_in");
  const char *missing = NULL;

  if (access_token == NULL || *access_token == '\0')
    missing = "access_token";
  else if (token_type == NULL || g_ascii_strcasecmp (token_type, "Bearer") != 0)
    missing = "token_type Bearer";
  else if (expires_in == 0 && (request->provider->platform == FD_OAUTH_PLATFORM_MICROSOFT
                                || request->provider->platform == FD_OAUTH_PLATFORM_GOOGLE))
    missing = "expires_in";
  else if (!request->is_refresh && (refresh_token == NULL || *refresh_token == '\0'))
    missing = "refresh_token (was offline access granted?)";
  if (missing != NULL)
    {
      g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID,
                               "The sign-in provider's answer lacks %s.", missing);
      return;
    }

  FdOAuthTokens *tokens = g_new0 (FdOAuthTokens, 1);
  tokens->access_token = g_strdup (access_token);
  /* Rotation: a new refresh token replaces the old one, which the provider
   * may already have voided; without one, the old one stays valid. */
  if (refresh_token != NULL && *refresh_token != '\0')
    tokens->refresh_token = g_strdup (refresh_token);
  else
    tokens->refresh_token = g_strdup (request->previous->refresh_token);
  tokens->expires_at = request->sent_at + (expires_in > 0 ? expires_in : FD_OAUTH_DEFAULT_LIFETIME);
  if (scope != NULL)
    tokens->scope = g_strdup (scope);
  else if (request->previous != NULL && request->previous->scope != NULL)
    tokens->scope = g_strdup (request->previous->scope);
  else
    tokens->scope = g_strdup (request->provider->scope);
  g_task_return_pointer (task, tokens, (GDestroyNotify) fd_oauth_tokens_free);
}

static void
finish_request (GTask *task)
{
  TokenRequest *request = g_task_get_task_data (task);
  guint status = soup_message_get_status (request->message);

  if (status == SOUP_STATUS_OK)
    return_tokens (task, request);
  else
    return_error_answer (task, request, status);
}

static void
on_answered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  TokenRequest *request = g_task_get_task_data (task);
  GError *error = NULL;

  request->body = fd_http_answer_finish (result, &error);
  if (request->body != NULL)
    finish_request (task);
  else if (g_error_matches (error, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE))
    {
      g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID,
                               "The sign-in provider's answer is larger than %u bytes.",
                               (unsigned) FD_OAUTH_MAX_RESPONSE);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, FD_OAUTH_ERROR, FD_OAUTH_ERROR_NETWORK,
                               "The sign-in provider at %s cannot be reached (%s); "
                               "trying again later.",
                               request->provider->token_url, error->message);
      g_error_free (error);
    }
}

/* POSTs @grant (taken, wiped once sent) to the provider's token endpoint,
 * with what every grant adds for the provider: the scopes Microsoft asks
 * for, and the client's secret as the provider takes it. */
static void
post_token_request (FdOAuthProvider     *provider,
                    SoupSession         *session,
                    GString             *grant,
                    const char          *client_id,
                    const char          *client_secret,
                    const FdOAuthTokens *previous,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  /* Microsoft's v2.0 endpoint asks for the scopes on a refresh too. */
  if (provider->platform == FD_OAUTH_PLATFORM_MICROSOFT)
    form_append (grant, "scope", provider->scope);
  /* X takes a confidential client's secret as Basic authentication only. */
  gboolean basic = provider->platform == FD_OAUTH_PLATFORM_X;
  if (!basic)
    form_append (grant, "client_secret", client_secret);
  const char *basic_id = basic ? client_id : NULL;
  const char *basic_secret = basic ? client_secret : NULL;
  char *form = g_string_free (grant, FALSE);

  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  TokenRequest *request = g_new0 (TokenRequest, 1);
  request->provider = fd_oauth_provider_ref (provider);
  request->is_refresh = previous != NULL;
  request->previous = previous != NULL ? fd_oauth_tokens_copy (previous) : NULL;
  /* Expiry counts from before the request: never later than the provider's. */
  request->sent_at = g_get_real_time () / G_USEC_PER_SEC;
  g_task_set_task_data (task, request, (GDestroyNotify) token_request_free);

  request->message = soup_message_new (SOUP_METHOD_POST, provider->token_url);
  g_assert (request->message != NULL);
  g_autoptr (GBytes) body = g_bytes_new_with_free_func (form, strlen (form),
                                                        wipe_and_free, form);
  soup_message_set_request_body_from_bytes (request->message,
                                            "application/x-www-form-urlencoded",
                                            body);
  soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                "Accept", "application/json");
  if (basic_id != NULL && basic_secret != NULL)
    {
      /* RFC 6749 2.3.1: each part form-encoded, then Basic. */
      g_autofree char *id = g_uri_escape_string (basic_id, NULL, FALSE);
      g_autofree char *secret = g_uri_escape_string (basic_secret, NULL, FALSE);
      g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *header = g_strconcat ("Basic ", encoded, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (request->message),
                                    "Authorization", header);
      sodium_memzero (pair, strlen (pair));
      sodium_memzero (secret, strlen (secret));
    }
  fd_http_answer_async (session, request->message, FD_OAUTH_MAX_RESPONSE, cancellable, on_answered_cb, task);
}

void
fd_oauth_exchange_code_async (FdOAuthProvider     *provider,
                              SoupSession         *session,
                              const char          *client_id,
                              const char          *client_secret,
                              const char          *redirect_uri,
                              const char          *code,
                              const char          *code_verifier,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (provider != NULL);
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (redirect_uri != NULL);
  g_return_if_fail (code != NULL);
  g_return_if_fail (code_verifier != NULL);

  GString *form = g_string_new (NULL);
  form_append (form, "grant_type", "authorization_code");
  form_append (form, "code", code);
  form_append (form, "redirect_uri", redirect_uri);
  form_append (form, "client_id", client_id);
  form_append (form, "code_verifier", code_verifier);
  post_token_request (provider, session, form, client_id, client_secret, NULL,
                      cancellable, callback, user_data, fd_oauth_exchange_code_async);
}

FdOAuthTokens *
fd_oauth_exchange_code_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fd_oauth_exchange_code_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fd_oauth_refresh_async (FdOAuthProvider     *provider,
                        SoupSession         *session,
                        const char          *client_id,
                        const char          *client_secret,
                        const FdOAuthTokens *tokens,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (provider != NULL);
  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (client_id != NULL);
  g_return_if_fail (tokens != NULL && tokens->refresh_token != NULL);

  GString *form = g_string_new (NULL);
  form_append (form, "grant_type", "refresh_token");
  form_append (form, "refresh_token", tokens->refresh_token);
  form_append (form, "client_id", client_id);
  post_token_request (provider, session, form, client_id, client_secret, tokens,
                      cancellable, callback, user_data, fd_oauth_refresh_async);
}

FdOAuthTokens *
fd_oauth_refresh_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fd_oauth_refresh_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
has_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

char *
fd_oauth_xoauth2_sasl (const char *user, const char *access_token, GError **error)
{
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*user == '\0' || *access_token == '\0' || has_control (user) || has_control (access_token))
    {
      g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID,
                           "An XOAUTH2 user or token is empty or holds a control character.");
      return NULL;
    }
  char *raw = g_strdup_printf ("user=%s\001auth=Bearer %s\001\001", user, access_token);
  char *encoded = g_base64_encode ((const guchar *) raw, strlen (raw));
  wipe_string (raw);
  return encoded;
}
