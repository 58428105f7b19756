#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-private.h"
#include "fd-center-crm.h"
#include "fd-protocol.h"
#include "fd-web-page.h"

#include <sodium.h>
#include <string.h>

/* The CRM connect page (docs/crm.md, "Connecting"), served by frontdeskd
 * like the Email Authorization page, and the admin calls behind it.
 *
 * An administrator runs `frontdeskctl crm connect`: the connection is
 * stored `pending` with a single-use link (only its hash is kept) that
 * expires. The link's page shows the CRM and a button; its POST, checked
 * by a hidden CSRF field equal to a SameSite=Strict cookie (both a MAC of
 * the link's hash), starts OAuth 2.0 authorization code with PKCE S256
 * (fd-oauth.c): the state and the sealed verifier are stored, a
 * SameSite=Lax cookie binds the state to this browser, and the browser
 * goes to the CRM's consent. The CRM redirects to /crm/callback, which
 * checks the state (stored, not expired, the cookie's), trades the code
 * for tokens, seals them and marks the connection connected. Every value
 * shown is escaped; no script; a strict Content-Security-Policy. */

#define PREFIX         "/crm"
#define CONNECT_PATH   PREFIX "/connect/"
#define CALLBACK_PATH  PREFIX "/callback"
#define COOKIE_CSRF    "fd_crm_csrf"
#define COOKIE_STATE   "fd_crm_state"
#define CONSENT_SECONDS (15 * 60)
#define TOKEN_BYTES 32

static const char page_style[] =
  "body{font-family:system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em;color:#222}"
  "h1{font-size:1.4em}dl{display:grid;grid-template-columns:max-content auto;gap:.3em 1em}"
  "dt{font-weight:bold}button{margin-top:1.2em;padding:.5em 1.5em}.note{color:#555;font-size:.9em}";

void
fd_crm_page_init (FdCrm *self)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not start");
  crypto_auth_keygen (self->csrf_key);
  self->style_hash = fd_web_page_style_hash (page_style);
  self->secure = self->public_url != NULL && g_str_has_prefix (self->public_url, "https://");
}

void
fd_crm_page_clear (FdCrm *self)
{
  sodium_memzero (self->csrf_key, sizeof self->csrf_key);
  g_clear_pointer (&self->style_hash, g_free);
}

static char *
mac_hex (FdCrm *self, const char *label, const char *value)
{
  g_autofree char *input = g_strconcat (label, ":", value, NULL);

  return fd_web_page_mac_hex (self->csrf_key, input);
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
random_token (void)
{
  guint8 raw[TOKEN_BYTES];
  gsize len = sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *text = g_malloc (len);

  randombytes_buf (raw, sizeof raw);
  sodium_bin2base64 (text, len, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

/* scheme://host[:port] of a checked instance URL, for the CSP. */
static char *
origin_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (host == NULL || strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen (host))
    return g_strdup ("'none'");
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (uri), host, g_uri_get_port (uri));
  return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), host);
}

static void
respond_page (FdCrm *self, SoupServerMessage *msg, guint status, const char *title, const char *body_html,
              const char *form_origin)
{
  g_autofree char *form_action = g_strconcat ("'self'", form_origin != NULL ? " " : "", form_origin, NULL);

  fd_web_page_respond (msg, status, title, page_style, self->style_hash, form_action, body_html);
}

static void
respond_message (FdCrm *self, SoupServerMessage *msg, guint status, const char *title, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *body = g_strdup_printf ("<p>%s</p>\n", escaped);

  respond_page (self, msg, status, title, body, NULL);
}

static void
set_cookie (FdCrm *self, SoupServerMessage *msg, const char *name, const char *value, const char *same_site)
{
  g_autofree char *cookie = g_strdup_printf ("%s=%s; Path=" PREFIX "; HttpOnly; SameSite=%s%s", name, value,
                                             same_site, self->secure ? "; Secure" : "");

  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
}

/* --- Admin calls ------------------------------------------------------------- */

typedef struct {
  FdStoreCrmConnection *connection;
} PutWrite;

static gboolean
write_put (FdStore *store, gpointer data, GError **error)
{
  PutWrite *w = data;

  return fd_store_put_crm_connection (store, w->connection, error);
}

char *
fd_crm_connect (FdCrm        *self,
                gint64        organization_id,
                const char   *provider_id,
                const char   *instance_url,
                const char   *client_id,
                const char   *client_secret,
                gint64       *out_expires_at,
                GError      **error)
{
  const FdCrmProvider *provider = fd_crm_provider_find (provider_id);
  g_autoptr(FdStoreCrmConnection) old = NULL;
  g_autoptr(FdStoreCrmConnection) c = NULL;
  g_autofree char *token = NULL;
  g_autofree char *origin = NULL;
  PutWrite w;

  if (provider == NULL)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                   "The CRM provider must be one of salesforce, zendesk.");
      return NULL;
    }
  if (!provider->check_instance (instance_url, self->options.allow_http, error))
    {
      g_autofree char *message = g_strdup ((*error)->message);
      g_clear_error (error);
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD, message);
      return NULL;
    }
  if (client_id == NULL || *client_id == '\0' || strlen (client_id) > FD_LIMIT_STRING ||
      (client_secret != NULL && strlen (client_secret) > FD_LIMIT_STRING))
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "client_id is required (and with client_secret at most 2048 characters).");
      return NULL;
    }
  old = fd_store_get_crm_connection (fd_center_get_store (self->center), organization_id, NULL);
  c = g_new0 (FdStoreCrmConnection, 1);
  c->organization_id = organization_id;
  c->provider = g_strdup (provider->id);
  origin = g_strdup (instance_url);
  while (g_str_has_suffix (origin, "/"))
    origin[strlen (origin) - 1] = '\0';
  c->instance_url = g_steal_pointer (&origin);
  c->client_id = g_strdup (client_id);
  if (client_secret != NULL && *client_secret != '\0')
    {
      g_autoptr(GBytes) plain = g_bytes_new (client_secret, strlen (client_secret));
      c->client_secret = fd_secret_box_seal (self->box, plain, error);
      if (c->client_secret == NULL)
        return NULL;
    }
  else if (old != NULL && g_strcmp0 (old->client_id, client_id) == 0 && old->client_secret != NULL)
    c->client_secret = g_bytes_ref (old->client_secret);   /* write-only: kept when not sent again */
  c->status = g_strdup (FD_CRM_STATUS_PENDING);
  c->status_reason = g_strdup ("Waiting for an administrator to open the connect link and consent.");
  token = random_token ();
  c->link_hash = token_hash (token);
  c->link_expires_at = g_get_real_time () + (gint64) self->options.link_seconds * G_USEC_PER_SEC;
  w.connection = c;
  if (!fd_center_crm_write (self->center, write_put, &w, error))
    return NULL;
  fd_crm_load_org (self, organization_id);
  *out_expires_at = c->link_expires_at;
  return g_strconcat (self->public_url, CONNECT_PATH, token, NULL);
}

JsonNode *
fd_crm_status (FdCrm   *self,
               gint64   organization_id,
               GError **error)
{
  FdStore *store = fd_center_get_store (self->center);
  g_autoptr(FdStoreCrmConnection) c = fd_store_get_crm_connection (store, organization_id, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 queued = 0, sent = 0;

  if (c == NULL || !fd_store_count_crm_entries (store, organization_id, &queued, &sent, error))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "organization_id");
  json_builder_add_int_value (b, organization_id);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, c->provider);
  json_builder_set_member_name (b, "instance_url");
  json_builder_add_string_value (b, c->instance_url);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, c->client_id);
  /* Write-only: whether there is a secret, never the secret. */
  json_builder_set_member_name (b, "client_secret_set");
  json_builder_add_boolean_value (b, c->client_secret != NULL);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, c->status);
  if (c->status_reason != NULL)
    {
      json_builder_set_member_name (b, "status_reason");
      json_builder_add_string_value (b, c->status_reason);
    }
  if (c->connected_at > 0)
    {
      g_autofree char *when = fd_timestamp_to_string (c->connected_at);
      json_builder_set_member_name (b, "connected_at");
      json_builder_add_string_value (b, when);
    }
  json_builder_set_member_name (b, "queued_entries");
  json_builder_add_int_value (b, queued);
  json_builder_set_member_name (b, "sent_entries");
  json_builder_add_int_value (b, sent);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

typedef struct {
  gint64 organization_id;
} DeleteWrite;

static gboolean
write_delete (FdStore *store, gpointer data, GError **error)
{
  DeleteWrite *w = data;

  return fd_store_delete_crm_connection (store, w->organization_id, error);
}

gboolean
fd_crm_disconnect (FdCrm   *self,
                   gint64   organization_id,
                   GError **error)
{
  DeleteWrite w = { organization_id };

  if (!fd_center_crm_write (self->center, write_delete, &w, error))
    return FALSE;
  fd_crm_forget_org (self, organization_id);
  return TRUE;
}

/* --- The page ------------------------------------------------------------------ */

static FdStoreCrmConnection *
find_link (FdCrm *self, SoupServerMessage *msg, const char *token, char **out_hash)
{
  g_autofree char *hash = NULL;
  FdStoreCrmConnection *c;

  if (token == NULL || strlen (token) < 40 || strlen (token) > 64 ||
      strspn (token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != strlen (token))
    {
      respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                       "This link is not valid (used, replaced or mistyped). Ask for a new one: "
                       "frontdeskctl crm connect.");
      return NULL;
    }
  hash = token_hash (token);
  c = fd_store_find_crm_connection (fd_center_get_store (self->center), hash, NULL, NULL);
  if (c == NULL || c->link_expires_at < g_get_real_time ())
    {
      fd_store_crm_connection_free (c);
      respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                       "This link is not valid (used, expired, replaced or mistyped). Ask for a new one: "
                       "frontdeskctl crm connect.");
      return NULL;
    }
  *out_hash = g_steal_pointer (&hash);
  return c;
}

static void
serve_form (FdCrm *self, SoupServerMessage *msg, FdStoreCrmConnection *c, const char *hash)
{
  const FdCrmProvider *provider = fd_crm_provider_find (c->provider);
  g_autofree char *csrf = mac_hex (self, "csrf", hash);
  g_autofree char *name = g_markup_escape_text (provider != NULL ? provider->display_name : c->provider, -1);
  g_autofree char *instance = g_markup_escape_text (c->instance_url, -1);
  g_autofree char *client = g_markup_escape_text (c->client_id, -1);
  g_autoptr(FdOrganization) org = fd_store_get_organization (fd_center_get_store (self->center),
                                                             c->organization_id, NULL);
  g_autofree char *org_name = g_markup_escape_text (org != NULL && org->name != NULL ? org->name : "", -1);
  g_autofree char *origin = origin_of (c->instance_url);
  g_autofree char *body = g_strdup_printf (
    "<p>Connect the organization's %s to Frontdesk. You will sign in to %s and allow access; "
    "Frontdesk then looks customers up and logs conversations there.</p>\n"
    "<dl><dt>Organization</dt><dd>%s</dd><dt>CRM</dt><dd>%s</dd><dt>Instance</dt><dd>%s</dd>"
    "<dt>Client id</dt><dd>%s</dd></dl>\n"
    "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
    "<button type=\"submit\">Connect %s</button></form>\n",
    name, name, org_name, name, instance, client, csrf, name);

  set_cookie (self, msg, COOKIE_CSRF, csrf, "Strict");
  respond_page (self, msg, SOUP_STATUS_OK, "Connect your CRM", body, origin);
}

static void
serve_post (FdCrm *self, SoupServerMessage *msg, FdStoreCrmConnection *c, const char *hash)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *expected = mac_hex (self, "csrf", hash);
  g_autofree char *cookie = fd_web_page_cookie (msg, COOKIE_CSRF);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *text = NULL;
  g_autofree char *redirect = g_strconcat (self->public_url, CALLBACK_PATH, NULL);
  g_autoptr(FdOAuthAuthorization) authorization = NULL;
  g_autoptr(FdOAuthProvider) oauth = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_mac = NULL;
  const char *content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  const FdCrmProvider *provider = fd_crm_provider_find (c->provider);
  PutWrite w = { c };

  if (provider == NULL || body->length > 4096 || g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "The form could not be read",
                       "The form could not be read. Open the connect link again.");
      return;
    }
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  form = soup_form_decode (text);
  if (!fd_web_page_same_secret (g_hash_table_lookup (form, "csrf"), expected) || !fd_web_page_same_secret (cookie, expected))
    {
      respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "The form was not accepted",
                       "The form was not accepted (it did not come from this page). Open the connect link again.");
      return;
    }
  oauth = fd_oauth_provider_new_for_base (provider->oauth_platform, NULL, c->instance_url);
  authorization = fd_oauth_begin (oauth, c->client_id, redirect, NULL);
  {
    g_autoptr(GBytes) plain = g_bytes_new (authorization->code_verifier, strlen (authorization->code_verifier));
    g_clear_pointer (&c->pending_verifier, g_bytes_unref);
    c->pending_verifier = fd_secret_box_seal (self->box, plain, &error);
  }
  g_free (c->pending_state);
  c->pending_state = g_strdup (authorization->state);
  c->pending_expires_at = g_get_real_time () + (gint64) CONSENT_SECONDS * G_USEC_PER_SEC;
  if (c->pending_verifier == NULL || !fd_center_crm_write (self->center, write_put, &w, &error))
    {
      g_warning ("Organization %" G_GINT64_FORMAT ": the CRM consent cannot be started: %s",
                 c->organization_id, error->message);
      respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server could not start the connection; try again in a moment.");
      return;
    }
  /* The state is bound to this browser: the callback must bring it back. */
  state_mac = mac_hex (self, "state", authorization->state);
  set_cookie (self, msg, COOKIE_STATE, state_mac, "Lax");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control", "no-store");
  soup_server_message_set_redirect (msg, SOUP_STATUS_SEE_OTHER, authorization->url);
}

typedef struct {
  FdCrm *crm;
  SoupServerMessage *msg;
  GCancellable *cancellable;
  FdStoreCrmConnection *connection;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  g_object_unref (exchange->msg);
  g_object_unref (exchange->cancellable);
  fd_store_crm_connection_free (exchange->connection);
  g_free (exchange);
}

typedef struct {
  FdStoreCrmConnection *connection;
} ConnectedWrite;

static gboolean
write_connected (FdStore *store, gpointer data, GError **error)
{
  ConnectedWrite *w = data;

  return fd_store_put_crm_connection (store, w->connection, error) &&
         fd_store_crm_entries_due_now (store, w->connection->organization_id, error);
}

static void
on_exchanged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Exchange *exchange = user_data;
  FdCrm *self = exchange->crm;
  SoupServerMessage *msg = exchange->msg;
  FdStoreCrmConnection *c = exchange->connection;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) tokens = fd_oauth_exchange_code_finish (result, &error);
  ConnectedWrite w = { c };

  if (g_cancellable_is_cancelled (exchange->cancellable))
    {
      exchange_free (exchange);
      return;
    }
  g_clear_pointer (&c->pending_state, g_free);
  g_clear_pointer (&c->pending_verifier, g_bytes_unref);
  c->pending_expires_at = 0;
  if (tokens == NULL)
    {
      g_autoptr(GError) write_error = NULL;

      g_message ("Organization %" G_GINT64_FORMAT ": CRM consent failed: %s", c->organization_id, error->message);
      fd_center_crm_write (self->center, write_put, &w, &write_error);
      respond_message (self, msg, SOUP_STATUS_BAD_GATEWAY, "The CRM was not connected",
                       "The CRM did not give access; open the connect link again to retry.");
    }
  else
    {
      g_autoptr(GBytes) sealed = fd_crm_seal_tokens (self, tokens, &error);

      g_clear_pointer (&c->tokens, g_bytes_unref);
      c->tokens = g_steal_pointer (&sealed);
      g_free (c->status);
      c->status = g_strdup (FD_CRM_STATUS_CONNECTED);
      g_clear_pointer (&c->status_reason, g_free);
      /* The link is single use. */
      g_clear_pointer (&c->link_hash, g_free);
      c->link_expires_at = 0;
      c->connected_at = g_get_real_time ();
      if (c->tokens == NULL || !fd_center_crm_write (self->center, write_connected, &w, &error))
        respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                         "The server could not save the connection; open the connect link again.");
      else
        {
          const FdCrmProvider *provider = fd_crm_provider_find (c->provider);
          g_autofree char *text = g_strdup_printf ("%s is connected. You may close this page.",
                                                   provider != NULL ? provider->display_name : c->provider);
          fd_crm_load_org (self, c->organization_id);
          fd_crm_outbox_kick (self);
          respond_message (self, msg, SOUP_STATUS_OK, "CRM connected", text);
        }
    }
  soup_server_message_unpause (msg);
  exchange_free (exchange);
}

static void
serve_callback (FdCrm *self, SoupServerMessage *msg, GHashTable *query)
{
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  g_autofree char *cookie = fd_web_page_cookie (msg, COOKIE_STATE);
  g_autofree char *expected = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *redirect = g_strconcat (self->public_url, CALLBACK_PATH, NULL);
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(FdOAuthProvider) oauth = NULL;
  FdStoreCrmConnection *c;
  const FdCrmProvider *provider;
  Exchange *exchange;
  g_autofree char *secret = NULL;

  if (state == NULL || *state == '\0' || strlen (state) > 200)
    {
      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "The CRM was not connected",
                       "The answer of the CRM has no state. Open the connect link again.");
      return;
    }
  c = fd_store_find_crm_connection (fd_center_get_store (self->center), NULL, state, NULL);
  expected = mac_hex (self, "state", state);
  if (c == NULL || c->pending_expires_at < g_get_real_time () || !fd_web_page_same_secret (cookie, expected))
    {
      fd_store_crm_connection_free (c);
      respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "The CRM was not connected",
                       "This answer does not match a connection started in this browser, or it came too late. "
                       "Open the connect link again.");
      return;
    }
  provider = fd_crm_provider_find (c->provider);
  if (code == NULL || *code == '\0' || strlen (code) > 2048 || provider == NULL)
    {
      fd_store_crm_connection_free (c);
      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "The CRM was not connected",
                       "Access was not given (the CRM answered without a code). Open the connect link again.");
      return;
    }
  plain = fd_secret_box_open (self->box, c->pending_verifier, NULL);
  if (plain == NULL)
    {
      fd_store_crm_connection_free (c);
      respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server could not read the connection under way. Open the connect link again.");
      return;
    }
  verifier = g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  if (c->client_secret != NULL)
    {
      g_autoptr(GBytes) secret_plain = fd_secret_box_open (self->box, c->client_secret, NULL);
      if (secret_plain != NULL)
        secret = g_strndup (g_bytes_get_data (secret_plain, NULL), g_bytes_get_size (secret_plain));
    }
  oauth = fd_oauth_provider_new_for_base (provider->oauth_platform, NULL, c->instance_url);
  exchange = g_new0 (Exchange, 1);
  exchange->crm = self;
  exchange->msg = g_object_ref (msg);
  exchange->cancellable = g_object_ref (self->cancellable);
  exchange->connection = c;
  soup_server_message_pause (msg);
  fd_oauth_exchange_code_async (oauth, self->session, c->client_id, secret, redirect, code, verifier,
                                self->cancellable, on_exchanged, exchange);
  sodium_memzero (verifier, strlen (verifier));
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
}

static void
on_page (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  FdCrm *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  gboolean post = g_str_equal (method, "POST");
  g_autoptr(FdStoreCrmConnection) c = NULL;
  g_autofree char *hash = NULL;

  if (!post && !g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      respond_message (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Not allowed", "This page takes GET and POST.");
      return;
    }
  if (g_str_equal (path, CALLBACK_PATH))
    {
      if (post)
        respond_message (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Not allowed", "This page takes GET.");
      else
        serve_callback (self, msg, query);
      return;
    }
  c = find_link (self, msg, g_str_has_prefix (path, CONNECT_PATH) ? path + strlen (CONNECT_PATH) : NULL, &hash);
  if (c == NULL)
    return;
  if (post)
    serve_post (self, msg, c, hash);
  else
    serve_form (self, msg, c, hash);
}

void
fd_crm_attach (FdCrm *self, SoupServer *server)
{
  soup_server_add_handler (server, PREFIX, on_page, self, NULL);
}
