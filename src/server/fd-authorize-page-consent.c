#define G_LOG_DOMAIN "fd-authorize"

/* The authorization page's saving and OAuth consent (fd-authorize-page.c
 * has the page): the settings and sealed credentials saved with the link
 * used, in one transaction; the person sent to the provider's consent
 * (Office 365, Gmail, X) with the state and sealed verifier kept with the
 * link; the callback's code traded for tokens, and for X the account
 * asked (users/me) and checked against the stream's handle. */

#include "fd-authorize-private.h"

#include "fd-center-email.h"
#include "fd-email-settings.h"
#include "fd-http-answer.h"
#include "fd-oauth.h"
#include "fd-store-email.h"
#include "twitter/fd-x-settings.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define CALLBACK_PATH   AUTHORIZE_CALLBACK_PATH
#define SECRET_OAUTH_TOKENS  AUTHORIZE_SECRET_OAUTH_TOKENS
#define SECRET_OAUTH_CLIENT  AUTHORIZE_SECRET_OAUTH_CLIENT
/* X's users/me answer is a few hundred bytes; more is refused unread. */
#define X_ME_MAX             (64 * 1024)

/* --- Saving ------------------------------------------------------------------- */

/* At most this many secrets are saved at once (X: tokens and client secret). */
#define SAVE_SECRETS 2

typedef struct {
  FdAuthorize *self;
  Found       *found;
  const char  *settings_json;
  const char  *secret_names[SAVE_SECRETS];  /* NULL: unused */
  GBytes      *sealed[SAVE_SECRETS];
} Save;

/* Inside the center's transaction: the settings, the sealed credentials and
 * the link used, all or nothing; config-changed follows the commit, and
 * the stream's worker starts. */
static gboolean
write_save (gpointer   user_data,
            gint64    *out_organization_id,
            GError   **error)
{
  Save *save = user_data;
  FdStore *store = save->self->store;
  g_autoptr(FdStream) stream = fd_store_get_stream (store, save->found->link.organization_id,
                                                    save->found->link.stream_id, error);

  if (stream == NULL)
    return FALSE;
  g_free (stream->settings_json);
  stream->settings_json = g_strdup (save->settings_json);
  *out_organization_id = 0;
  if (!fd_store_use_authorization (store, save->found->token_hash, g_get_real_time (), error) ||
      !fd_store_update_stream (store, stream, error))
    return FALSE;
  for (guint i = 0; i < SAVE_SECRETS; i++)
    if (save->secret_names[i] != NULL &&
        !fd_store_set_stream_secret (store, stream->organization_id, stream->id, save->secret_names[i],
                                     save->sealed[i], error))
      return FALSE;
  return fd_center_set_stream_health (save->self->center, stream->organization_id, stream->id, "ok", NULL, error);
}

/* Saves @settings_json and the secrets (@secret_name, @secret pairs, at
 * most SAVE_SECRETS, ended by NULL), sealed. */
gboolean
authorize_save_authorization (FdAuthorize  *self,
                              Found        *found,
                              const char   *settings_json,
                              GError      **error,
                              ...)
{
  Save save = { self, found, settings_json, { NULL }, { NULL } };
  const char *name;
  gboolean ok = TRUE;
  va_list args;

  va_start (args, error);
  for (guint i = 0; ok && (name = va_arg (args, const char *)) != NULL; i++)
    {
      const char *secret = va_arg (args, const char *);
      g_autoptr(GBytes) plain = g_bytes_new (secret, strlen (secret));

      g_assert (i < SAVE_SECRETS);
      save.secret_names[i] = name;
      save.sealed[i] = fd_secret_box_seal (self->box, plain, error);
      ok = save.sealed[i] != NULL;
    }
  va_end (args);
  ok = ok && fd_center_change_config (self->center, write_save, &save, error);
  for (guint i = 0; i < SAVE_SECRETS; i++)
    g_clear_pointer (&save.sealed[i], g_bytes_unref);
  return ok;
}

void
authorize_respond_saved (FdAuthorize       *self,
                         SoupServerMessage *msg,
                         const Found       *found)
{
  g_autofree char *name = g_markup_escape_text (found->stream->name, -1);
  g_autofree char *body = NULL;

  if (found->stream->kind == FD_STREAM_TWITTER)
    body = g_strdup_printf ("<p>The X account of the %s stream “%s” is authorized. Frontdesk now reads its "
                            "mentions and direct messages; you may close this page.</p>\n",
                            authorize_stream_type (found->stream->kind), name);
  else
    body = g_strdup_printf ("<p>The mailbox of the %s stream “%s” is authorized. Frontdesk now "
                            "signs in to it; you may close this page.</p>\n",
                            authorize_stream_type (found->stream->kind), name);

  g_message ("Stream %" G_GINT64_FORMAT " was authorized through its link", found->link.stream_id);
  authorize_respond_page (self, msg, SOUP_STATUS_OK, "Authorization complete", body, NULL);
}

/* --- OAuth consent ------------------------------------------------------------- */

static char *
redirect_uri (FdAuthorize *self)
{
  return g_strconcat (self->public_url, CALLBACK_PATH, NULL);
}

FdOAuthProvider *
authorize_provider_for (FdAuthorize           *self,
                        const FdEmailSettings *settings)
{
  FdOAuthPlatform platform = g_str_equal (settings->platform, "gmail") ? FD_OAUTH_PLATFORM_GOOGLE
                                                                       : FD_OAUTH_PLATFORM_MICROSOFT;

  if (self->oauth_base_url != NULL)
    return fd_oauth_provider_new_for_base (platform, settings->oauth_tenant, self->oauth_base_url);
  return fd_oauth_provider_new (platform, settings->oauth_tenant);
}

FdOAuthProvider *
authorize_x_provider (FdAuthorize *self)
{
  if (self->x_oauth_base_url != NULL)
    return fd_oauth_provider_new_for_base (FD_OAUTH_PLATFORM_X, NULL, self->x_oauth_base_url);
  return fd_oauth_provider_new (FD_OAUTH_PLATFORM_X, NULL);
}

/* Keeps the consent under way with the link (state, and the sealed verifier
 * with the settings to save, and @client_secret when the form gave a new
 * one) and sends the person to the provider with @status (302 from the
 * link itself, 303 after a form). */
gboolean
authorize_begin_consent (FdAuthorize           *self,
                         SoupServerMessage     *msg,
                         Found                 *found,
                         FdOAuthProvider       *provider,
                         const char            *client_id,
                         const char            *login_hint,
                         const char            *settings_json,
                         const char            *client_secret,
                         guint                  status,
                         GError               **error)
{
  g_autofree char *redirect = redirect_uri (self);
  g_autoptr(FdOAuthAuthorization) consent = fd_oauth_begin (provider, client_id, redirect, login_hint);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sealed_text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "verifier");
  json_builder_add_string_value (builder, consent->code_verifier);
  json_builder_set_member_name (builder, "settings_json");
  json_builder_add_string_value (builder, settings_json);
  if (client_secret != NULL)
    {
      json_builder_set_member_name (builder, "client_secret");
      json_builder_add_string_value (builder, client_secret);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  plain = g_bytes_new (text, strlen (text));
  sodium_memzero (text, strlen (text));
  sealed = fd_secret_box_seal (self->box, plain, error);
  if (sealed == NULL)
    return FALSE;
  sealed_text = g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
  if (!fd_store_set_authorization_oauth (self->store, found->token_hash, consent->state, sealed_text, error))
    return FALSE;
  soup_server_message_set_redirect (msg, status, consent->url);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  return TRUE;
}

typedef struct {
  FdAuthorize       *self;
  AuthorizeHandle   *handle;
  SoupServerMessage *msg;
  Found              found;
  char              *settings_json;
  /* X: the handle expected, the client secret the form gave (saved with
   * the tokens), the tokens while users/me is asked, and its answer. */
  char              *x_handle;
  char              *x_client_secret;
  FdOAuthTokens     *tokens;
  SoupMessage       *me;
  GBytes            *me_body;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  authorize_found_clear (&exchange->found);
  g_free (exchange->settings_json);
  g_free (exchange->x_handle);
  if (exchange->x_client_secret != NULL)
    sodium_memzero (exchange->x_client_secret, strlen (exchange->x_client_secret));
  g_free (exchange->x_client_secret);
  g_clear_pointer (&exchange->tokens, fd_oauth_tokens_free);
  g_clear_object (&exchange->me);
  g_clear_pointer (&exchange->me_body, g_bytes_unref);
  g_object_unref (exchange->msg);
  if (g_atomic_ref_count_dec (&exchange->handle->ref))
    g_free (exchange->handle);
  g_free (exchange);
}

/* Answers the paused callback and frees @exchange. */
static void
exchange_finish (Exchange   *exchange,
                 guint       status,
                 const char *title,
                 const char *text)
{
  if (exchange->handle->self != NULL)
    {
      authorize_respond_message (exchange->handle->self, exchange->msg, status, title, text);
      soup_server_message_unpause (exchange->msg);
    }
  exchange_free (exchange);
}

static void
on_code_exchanged_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  Exchange *exchange = data;
  FdAuthorize *self = exchange->handle->self;
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  tokens = fd_oauth_exchange_code_finish (result, &error);
  if (self == NULL)
    {
      exchange_free (exchange);
      return;
    }
  if (tokens == NULL)
    {
      g_autofree char *text = g_strdup_printf ("The provider did not grant access: %s Open the authorization "
                                               "link again to retry.", error->message);

      authorize_respond_message (self, exchange->msg, SOUP_STATUS_BAD_GATEWAY, "Authorization failed", text);
    }
  else
    {
      json = fd_email_oauth_tokens_to_json (tokens);
      if (!authorize_save_authorization (self, &exchange->found, exchange->settings_json, &error,
                                         SECRET_OAUTH_TOKENS, json, NULL))
        {
          g_warning ("Cannot save the authorization of stream %" G_GINT64_FORMAT ": %s",
                     exchange->found.link.stream_id, error->message);
          authorize_respond_message (self, exchange->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                     "The server could not save the authorization; open the link again to retry.");
        }
      else
        authorize_respond_saved (self, exchange->msg, &exchange->found);
      sodium_memzero (json, strlen (json));
    }
  soup_server_message_unpause (exchange->msg);
  exchange_free (exchange);
}

/* The client secret of the stream's application, opened; NULL when none. */
static char *
client_secret (FdAuthorize    *self,
               const FdStream *stream)
{
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                                         SECRET_OAUTH_CLIENT, NULL);
  g_autoptr(GBytes) plain = sealed != NULL ? fd_secret_box_open (self->box, sealed, NULL) : NULL;

  return plain != NULL ? g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain)) : NULL;
}

/* --- X: who authorized ----------------------------------------------------------- */

/* The X account's answer is in: its username must be the stream's handle;
 * then the settings get the account id and the handle as X spells it, and
 * the tokens (and a new client secret) are sealed, all in one transaction. */
static void
x_me_done (Exchange *exchange)
{
  FdAuthorize *self = exchange->handle->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) settings_parser = json_parser_new ();
  g_autofree char *handle = NULL;
  g_autofree char *settings_json = NULL;
  g_autofree char *tokens_json = NULL;
  g_autofree char *text = NULL;
  JsonObject *data = NULL;
  JsonObject *settings;
  const char *id = NULL;
  const char *username = NULL;

  root = fd_json_parse (g_bytes_get_data (exchange->me_body, NULL), g_bytes_get_size (exchange->me_body), X_ME_MAX,
                        NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (root), "data");

      data = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  if (data != NULL)
    {
      id = json_object_get_string_member_with_default (data, "id", NULL);
      username = json_object_get_string_member_with_default (data, "username", NULL);
    }
  if (id == NULL || username == NULL || !fd_x_account_id_is_valid (id) ||
      (handle = fd_x_handle_normalize (username)) == NULL || username[0] == '@')
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "Authorization failed",
                       "X did not say which account was authorized (its answer was not what X's API gives). "
                       "Nothing was saved; open the authorization link again to retry.");
      return;
    }
  if (g_ascii_strcasecmp (handle, exchange->x_handle) != 0)
    {
      text = g_strdup_printf ("The X account %s was authorized, but this stream is for %s. Nothing was saved. "
                              "Sign in to X as %s (or switch accounts on X), then open the authorization link "
                              "again.", handle, exchange->x_handle, exchange->x_handle);
      g_message ("Stream %" G_GINT64_FORMAT ": X authorized another account than its handle; nothing saved",
                 exchange->found.link.stream_id);
      exchange_finish (exchange, SOUP_STATUS_FORBIDDEN, "Another X account was authorized", text);
      return;
    }

  if (!json_parser_load_from_data (settings_parser, exchange->settings_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (settings_parser)))
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_REQUEST, "Authorization failed",
                       "The stream's settings changed meanwhile. Open the authorization link again to retry.");
      return;
    }
  settings = json_node_get_object (json_parser_get_root (settings_parser));
  json_object_set_string_member (settings, "handle", handle);
  json_object_set_string_member (settings, "account_id", id);
  settings_json = json_to_string (json_parser_get_root (settings_parser), FALSE);
  tokens_json = fd_email_oauth_tokens_to_json (exchange->tokens);
  if (!authorize_save_authorization (self, &exchange->found, settings_json, &error, SECRET_OAUTH_TOKENS, tokens_json,
                                     exchange->x_client_secret != NULL ? SECRET_OAUTH_CLIENT : NULL,
                                     exchange->x_client_secret, NULL))
    {
      gboolean used = g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);

      if (!used)
        g_warning ("Cannot save the authorization of stream %" G_GINT64_FORMAT ": %s",
                   exchange->found.link.stream_id, error->message);
      sodium_memzero (tokens_json, strlen (tokens_json));
      exchange_finish (exchange, used ? SOUP_STATUS_GONE : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                       used ? "This link was used already" : "Something went wrong",
                       used ? "This authorization link has been used already; a link works once."
                            : "The server could not save the authorization; open the link again to retry.");
      return;
    }
  sodium_memzero (tokens_json, strlen (tokens_json));
  authorize_respond_saved (self, exchange->msg, &exchange->found);
  soup_server_message_unpause (exchange->msg);
  exchange_free (exchange);
}

static void
on_x_me_answered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Exchange *exchange = data;
  g_autoptr(GError) error = NULL;
  guint status;

  exchange->me_body = fd_http_answer_finish (result, &error);
  if (exchange->handle->self == NULL)
    {
      exchange_free (exchange);
      return;
    }
  /* No status: the request was not sent. */
  status = soup_message_get_status (exchange->me);
  if (status == SOUP_STATUS_NONE)
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "X cannot be reached",
                       "X could not be reached to ask which account was authorized. Nothing was saved; open the "
                       "authorization link again in a moment.");
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *text = g_strdup_printf ("X refused to say which account was authorized (HTTP %u). Nothing "
                                               "was saved; open the authorization link again to retry.", status);

      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "Authorization failed", text);
      return;
    }
  if (g_error_matches (error, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE))
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "Authorization failed",
                       "X's answer about the authorized account is far larger than X's API gives. Nothing was "
                       "saved; open the authorization link again to retry.");
      return;
    }
  if (exchange->me_body == NULL)
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "X cannot be reached",
                       "The connection to X broke while asking which account was authorized. Nothing was saved; "
                       "open the authorization link again in a moment.");
      return;
    }
  x_me_done (exchange);
}

static void
on_x_code_exchanged_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      data)
{
  Exchange *exchange = data;
  FdAuthorize *self = exchange->handle->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bearer = NULL;

  exchange->tokens = fd_oauth_exchange_code_finish (result, &error);
  if (self == NULL)
    {
      exchange_free (exchange);
      return;
    }
  if (exchange->tokens == NULL)
    {
      g_autofree char *text = g_strdup_printf ("X did not grant access: %s Nothing was saved; open the "
                                               "authorization link again to retry.", error->message);

      exchange_finish (exchange, SOUP_STATUS_BAD_GATEWAY, "Authorization failed", text);
      return;
    }
  url = g_strconcat (self->x_api_base_url, "/2/users/me", NULL);
  exchange->me = soup_message_new ("GET", url);
  if (exchange->me == NULL)
    {
      exchange_finish (exchange, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server's address of X's API (--x-api-base-url) is not valid.");
      return;
    }
  bearer = g_strconcat ("Bearer ", exchange->tokens->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (exchange->me), "Authorization", bearer);
  soup_message_headers_replace (soup_message_get_request_headers (exchange->me), "Accept", "application/json");
  sodium_memzero (bearer, strlen (bearer));
  fd_http_answer_async (self->oauth_session, exchange->me, X_ME_MAX, self->oauth_cancellable, on_x_me_answered_cb,
                        exchange);
}

/* The callback of an X consent: the code traded for tokens with the
 * settings' client id (and the client secret the form gave, or the
 * stream's), then users/me. */
static void
x_callback (FdAuthorize       *self,
            SoupServerMessage *msg,
            Exchange          *exchange,
            JsonObject        *blob,
            const char        *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdOAuthProvider) provider = authorize_x_provider (self);
  g_autofree char *redirect = redirect_uri (self);
  g_autofree char *secret = NULL;
  JsonObject *settings;
  const char *handle, *client_id;

  exchange->settings_json = g_strdup (json_object_get_string_member_with_default (blob, "settings_json", "{}"));
  if (!json_parser_load_from_data (parser, exchange->settings_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_REQUEST, "Authorization failed",
                       "The stream's settings changed meanwhile. Open the authorization link again to retry.");
      return;
    }
  settings = json_node_get_object (json_parser_get_root (parser));
  handle = json_object_get_string_member_with_default (settings, "handle", NULL);
  client_id = json_object_get_string_member_with_default (settings, "oauth_client_id", NULL);
  if (handle == NULL || client_id == NULL || (exchange->x_handle = fd_x_handle_normalize (handle)) == NULL ||
      !fd_x_client_id_is_valid (client_id))
    {
      exchange_finish (exchange, SOUP_STATUS_BAD_REQUEST, "Authorization failed",
                       "The stream's settings changed meanwhile. Open the authorization link again to retry.");
      return;
    }
  if (json_object_has_member (blob, "client_secret"))
    exchange->x_client_secret = g_strdup (json_object_get_string_member_with_default (blob, "client_secret", ""));
  secret = exchange->x_client_secret != NULL ? g_strdup (exchange->x_client_secret)
                                             : client_secret (self, exchange->found.stream);
  soup_server_message_pause (msg);
  fd_oauth_exchange_code_async (provider, self->oauth_session, client_id, secret, redirect, code,
                                json_object_get_string_member_with_default (blob, "verifier", ""),
                                self->oauth_cancellable, on_x_code_exchanged_cb, exchange);
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
}

void
authorize_serve_callback (FdAuthorize       *self,
                          SoupServerMessage *msg,
                          GHashTable        *query)
{
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *provider_error = query != NULL ? g_hash_table_lookup (query, "error") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(FdOAuthProvider) provider = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *secret = NULL;
  g_autofree guchar *data = NULL;
  Exchange *exchange;
  JsonObject *obj;
  const char *who;
  gsize size;

  exchange = g_new0 (Exchange, 1);
  exchange->self = self;
  exchange->msg = g_object_ref (msg);
  exchange->handle = self->handle;
  g_atomic_ref_count_inc (&self->handle->ref);
  if (state == NULL || !authorize_token_is_wellformed (state) ||
      !fd_store_find_authorization_by_state (self->store, state, &exchange->found.link, &exchange->found.token_hash,
                                             &error))
    {
      authorize_respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This answer is not expected",
                                 "No authorization is waiting for this answer of the provider. Open the authorization "
                                 "link again to retry.");
      exchange_free (exchange);
      return;
    }
  if (!authorize_check_found (self, msg, &exchange->found))
    {
      exchange_free (exchange);
      return;
    }
  who = exchange->found.stream->kind == FD_STREAM_TWITTER ? "X" : "The provider";
  /* The consent is spent, whatever happens next. */
  data = g_base64_decode (exchange->found.link.oauth_verifier != NULL ? exchange->found.link.oauth_verifier : "",
                          &size);
  sealed = g_bytes_new (data, size);
  fd_store_set_authorization_oauth (self->store, exchange->found.token_hash, NULL, NULL, NULL);
  if (provider_error != NULL)
    {
      const char *description = g_hash_table_lookup (query, "error_description");
      g_autofree char *text = NULL;

      if (g_str_equal (provider_error, "access_denied"))
        text = g_strdup_printf ("Access was not allowed on %s's page, so nothing was saved. To authorize the "
                                "stream, open the authorization link again and allow access.",
                                exchange->found.stream->kind == FD_STREAM_TWITTER ? "X" : "the provider");
      else
        text = g_strdup_printf ("%s refused the authorization (%s%s%s). Open the authorization link again to "
                                "retry.", who, provider_error, description != NULL ? ": " : "",
                                description != NULL ? description : "");
      authorize_respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "Authorization refused", text);
      exchange_free (exchange);
      return;
    }
  plain = fd_secret_box_open (self->box, sealed, NULL);
  if (code == NULL || *code == '\0' || strlen (code) > FD_AUTHORIZE_MAX_BODY || plain == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_autofree char *text = g_strdup_printf ("%s's answer is incomplete (it carries no authorization code). "
                                               "Open the authorization link again to retry.", who);

      authorize_respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "Authorization failed", text);
      exchange_free (exchange);
      return;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  if (exchange->found.stream->kind == FD_STREAM_TWITTER)
    {
      x_callback (self, msg, exchange, obj, code);
      return;
    }
  exchange->settings_json = g_strdup (json_object_get_string_member_with_default (obj, "settings_json", "{}"));
  settings = fd_email_settings_parse (exchange->settings_json, NULL);
  if (exchange->found.stream->kind != FD_STREAM_EMAIL || settings == NULL || g_str_equal (settings->platform, "other"))
    {
      authorize_respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "Authorization failed",
                                 "The stream's settings changed meanwhile. Open the authorization link again to "
                                 "retry.");
      exchange_free (exchange);
      return;
    }
  provider = authorize_provider_for (self, settings);
  redirect = redirect_uri (self);
  secret = client_secret (self, exchange->found.stream);
  soup_server_message_pause (msg);
  fd_oauth_exchange_code_async (provider, self->oauth_session, settings->oauth_client_id, secret, redirect, code,
                                json_object_get_string_member_with_default (obj, "verifier", ""),
                                self->oauth_cancellable, on_code_exchanged_cb, exchange);
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
}
