#define G_LOG_DOMAIN "fd-authorize"

/* The Email Authorization page (docs/email.md, "Authorization flow"):
 * GET FD_AUTHORIZE_PREFIX/TOKEN shows the stream's type and name and a form
 * (platform, address, password and confirmation, the servers of "other"),
 * prefilled with the stream's settings but never a password; POST checks
 * it and seals the credentials into the store, or, for Office 365 and
 * Gmail, sends the person to the provider's consent, whose answer comes
 * back to FD_AUTHORIZE_PREFIX/oauth-callback. A twitter stream's link goes
 * straight to X's consent when the stream's handle and client id are
 * known, else after the Twitter Authorization form; its callback asks X
 * who authorized (users/me) and stores the tokens only for the stream's
 * own account (docs/twitter.md, "Authorization and tokens"). Plain HTML
 * written here, every value escaped, no script, a strict
 * Content-Security-Policy.
 *
 * CSRF: the form's hidden "csrf" field and a SameSite=Strict cookie both
 * carry a keyed MAC (libsodium crypto_auth, a key made at each start) of
 * the link's token hash; a post must bring both, equal to the MAC. */

#include "fd-authorize-private.h"

#include "fd-auth.h"
#include "fd-center-email.h"
#include "fd-email-settings.h"
#include "fd-http-answer.h"
#include "fd-mail-compose.h"
#include "fd-oauth.h"
#include "fd-store-email.h"
#include "fd-web-page.h"
#include "twitter/fd-x-settings.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define CALLBACK_PATH   FD_AUTHORIZE_PREFIX "/oauth-callback"
#define COOKIE_NAME     "fd_authorize"
#define TOKEN_MAX       128
#define PASSWORD_MAX    1024
#define FIELD_MAX       255
#define SECRET_PASSWORD      AUTHORIZE_SECRET_PASSWORD
#define SECRET_OAUTH_TOKENS  AUTHORIZE_SECRET_OAUTH_TOKENS
#define SECRET_OAUTH_CLIENT  AUTHORIZE_SECRET_OAUTH_CLIENT
/* X's users/me answer is a few hundred bytes; more is refused unread. */
#define X_ME_MAX             (64 * 1024)

static const char page_style[] =
  "body{font-family:system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em;color:#222}"
  "h1{font-size:1.4em}dl{display:grid;grid-template-columns:max-content auto;gap:.3em 1em}"
  "dt{font-weight:bold}label{display:block;margin:.8em 0 .2em}input,select{width:100%;padding:.3em;"
  "box-sizing:border-box}fieldset{margin-top:1em}.errors{border:2px solid #b00;padding:.5em 1em;color:#700}"
  "button{margin-top:1.2em;padding:.5em 1.5em}.note{color:#555;font-size:.9em}";

/* The form's fields other than secrets, in the order shown. */
static const char * const form_fields[] = {
  "platform", "address", "imap_host", "imap_port", "imap_tls", "smtp_host", "smtp_port", "smtp_tls", "user_name",
};

void
authorize_page_init (FdAuthorize *self)
{
  crypto_auth_keygen (self->csrf_key);
  self->style_hash = fd_web_page_style_hash (page_style);
  self->oauth_session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
  self->oauth_cancellable = g_cancellable_new ();
}

/* --- Answering --------------------------------------------------------------- */

/* The origins a form may go to: this server, and the providers' consent
 * (a form's answer redirects there). */
static char *
form_action_sources (FdAuthorize *self)
{
  return g_strdup_printf ("'self' %s %s",
                          self->oauth_base_url != NULL ? self->oauth_base_url
                                                       : "https://login.microsoftonline.com https://accounts.google.com",
                          self->x_oauth_base_url != NULL ? self->x_oauth_base_url : "https://x.com");
}

static void
respond_page (FdAuthorize       *self,
              SoupServerMessage *msg,
              guint              status,
              const char        *title,
              const char        *body_html,
              const char        *csrf)
{
  g_autofree char *actions = form_action_sources (self);

  if (csrf != NULL)
    {
      g_autofree char *cookie = g_strdup_printf (COOKIE_NAME "=%s; Path=" FD_AUTHORIZE_PREFIX "; HttpOnly; "
                                                 "SameSite=Strict%s", csrf, self->secure ? "; Secure" : "");

      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
    }
  fd_web_page_respond (msg, status, title, page_style, self->style_hash, actions, body_html);
}

/* A page that says what went wrong, and nothing else. */
static void
respond_message (FdAuthorize       *self,
                 SoupServerMessage *msg,
                 guint              status,
                 const char        *title,
                 const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *body = g_strdup_printf ("<p>%s</p>\n<p class=\"note\">Please contact your contact center "
                                           "provider if any further information is required.</p>\n", escaped);

  respond_page (self, msg, status, title, body, NULL);
}

/* --- Links -------------------------------------------------------------------- */

typedef struct {
  char                 *token_hash;
  FdStoreAuthorization  link;
  FdStream             *stream;
} Found;

static void
found_clear (Found *found)
{
  g_clear_pointer (&found->token_hash, g_free);
  fd_store_authorization_clear (&found->link);
  g_clear_pointer (&found->stream, fd_stream_free);
}

static gboolean
token_is_wellformed (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > TOKEN_MAX)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* The link's stream when the link may be used; otherwise the page that
 * says why (404 unknown, 410 expired or used) has been answered. */
static gboolean
check_found (FdAuthorize       *self,
             SoupServerMessage *msg,
             Found             *found)
{
  if (found->link.used_at != 0)
    {
      respond_message (self, msg, SOUP_STATUS_GONE, "This link was used already",
                       "This authorization link has been used already; a link works once. If the mailbox "
                       "still needs authorizing, ask your contact center administrator for a new link.");
      return FALSE;
    }
  if (found->link.expires_at <= g_get_real_time ())
    {
      respond_message (self, msg, SOUP_STATUS_GONE, "This link has expired",
                       "This authorization link has expired. Ask your contact center administrator for a "
                       "new one.");
      return FALSE;
    }
  found->stream = fd_store_get_stream (self->store, found->link.organization_id, found->link.stream_id, NULL);
  if (found->stream == NULL || found->stream->deleted)
    {
      respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                       "The media stream of this authorization link no longer exists.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_link (FdAuthorize       *self,
           SoupServerMessage *msg,
           const char        *token,
           Found             *found)
{
  g_autoptr(GError) error = NULL;

  if (!token_is_wellformed (token) ||
      !fd_store_find_authorization (self->store, (found->token_hash = fd_auth_hash_token (token)), &found->link,
                                    &error))
    {
      if (error != NULL && !g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_warning ("Cannot read an authorization link: %s", error->message);
          respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                           "The server could not read this authorization link; try again in a moment.");
          return FALSE;
        }
      respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                       "This authorization link is not valid. It may have been replaced by a newer one: use "
                       "the link of the latest authorization email.");
      return FALSE;
    }
  return check_found (self, msg, found);
}

/* The CSRF value of a link: hex of a MAC of its token hash. */
static char *
csrf_for (FdAuthorize *self,
          const char  *token_hash)
{
  return fd_web_page_mac_hex (self->csrf_key, token_hash);
}

/* --- The form ---------------------------------------------------------------- */

static void
append_input (GString    *html,
              const char *label,
              const char *type,
              const char *name,
              const char *value,
              const char *extra)
{
  g_autofree char *escaped = g_markup_escape_text (value != NULL ? value : "", -1);

  g_string_append_printf (html, "<label for=\"%s\">%s</label><input id=\"%s\" type=\"%s\" name=\"%s\" "
                          "value=\"%s\"%s>\n", name, label, name, type, name, escaped, extra);
}

static void
append_select (GString            *html,
               const char         *label,
               const char         *name,
               const char * const *values,
               const char * const *labels,
               const char         *selected)
{
  g_string_append_printf (html, "<label for=\"%s\">%s</label><select id=\"%s\" name=\"%s\">", name, label, name,
                          name);
  for (guint i = 0; values[i] != NULL; i++)
    g_string_append_printf (html, "<option value=\"%s\"%s>%s</option>", values[i],
                            g_strcmp0 (values[i], selected) == 0 ? " selected" : "", labels[i]);
  g_string_append (html, "</select>\n");
}

/* The form's values from the stream's settings: what was saved at its
 * creation (never a secret: those are not in the settings). */
static GHashTable *
values_from_settings (const FdStream *stream)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  if (stream->settings_json == NULL || !json_parser_load_from_data (parser, stream->settings_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return values;
  obj = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    {
      JsonNode *node = json_object_get_member (obj, form_fields[i]);

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
        continue;
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_hash_table_insert (values, (gpointer) form_fields[i], g_strdup (json_node_get_string (node)));
      else if (json_node_get_value_type (node) == G_TYPE_INT64)
        g_hash_table_insert (values, (gpointer) form_fields[i],
                             g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node)));
    }
  return values;
}

static void
respond_form (FdAuthorize       *self,
              SoupServerMessage *msg,
              guint              status,
              const Found       *found,
              GHashTable        *values,
              GPtrArray         *errors)
{
  static const char * const platforms[] = { "office365", "gmail", "other", NULL };
  static const char * const platform_labels[] = { "Office 365", "Gmail", "Other IMAP/SMTP", NULL };
  static const char * const tls[] = { "implicit", "starttls", "none", NULL };
  static const char * const tls_labels[] = { "TLS (IMAPS, SMTPS)", "STARTTLS", "None (this machine only)", NULL };
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (found->stream->name, -1);
  g_autofree char *csrf = csrf_for (self, found->token_hash);
  const char *platform = g_hash_table_lookup (values, "platform");

  if (platform == NULL || g_str_equal (platform, "imap"))
    platform = "other";
  g_string_append_printf (html, "<p>Media Stream Details</p>\n<dl><dt>Type</dt><dd>%s</dd>"
                          "<dt>Name</dt><dd>%s</dd></dl>\n",
                          authorize_stream_type (found->stream->kind), name);
  if (errors != NULL && errors->len > 0)
    {
      g_string_append (html, "<div class=\"errors\" role=\"alert\"><p>Please correct this:</p><ul>");
      for (guint i = 0; i < errors->len; i++)
        {
          g_autofree char *text = g_markup_escape_text (g_ptr_array_index (errors, i), -1);

          g_string_append_printf (html, "<li>%s</li>", text);
        }
      g_string_append (html, "</ul></div>\n");
    }
  g_string_append_printf (html, "<form method=\"post\" autocomplete=\"off\">\n"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", csrf);
  append_select (html, "Email Platform", "platform", platforms, platform_labels, platform);
  append_input (html, "Email Address", "email", "address", g_hash_table_lookup (values, "address"), "");
  append_input (html, "Password", "password", "password", NULL, " autocomplete=\"new-password\"");
  append_input (html, "Confirm Password", "password", "confirm", NULL, " autocomplete=\"new-password\"");
  g_string_append (html, "<p class=\"note\">Office 365 and Gmail: leave the passwords empty; you are sent to "
                   "Microsoft or Google to sign in and allow access to the mailbox.</p>\n"
                   "<fieldset><legend>Other IMAP/SMTP</legend>\n");
  append_input (html, "IMAP server", "text", "imap_host", g_hash_table_lookup (values, "imap_host"), "");
  append_input (html, "IMAP port (empty: the default)", "text", "imap_port",
                g_hash_table_lookup (values, "imap_port"), " inputmode=\"numeric\"");
  append_select (html, "IMAP security", "imap_tls", tls, tls_labels, g_hash_table_lookup (values, "imap_tls"));
  append_input (html, "SMTP server", "text", "smtp_host", g_hash_table_lookup (values, "smtp_host"), "");
  append_input (html, "SMTP port (empty: the default)", "text", "smtp_port",
                g_hash_table_lookup (values, "smtp_port"), " inputmode=\"numeric\"");
  append_select (html, "SMTP security", "smtp_tls", tls, tls_labels, g_hash_table_lookup (values, "smtp_tls"));
  append_input (html, "User name (empty: the address)", "text", "user_name",
                g_hash_table_lookup (values, "user_name"), "");
  g_string_append (html, "</fieldset>\n<button type=\"submit\">Authorize</button>\n</form>\n");
  respond_page (self, msg, status, "Email Authorization", html->str, csrf);
}

/* --- Checking a post ------------------------------------------------------------ */

static const char *
form_value (GHashTable *form,
            const char *name)
{
  const char *value = form != NULL ? g_hash_table_lookup (form, name) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
text_ok (const char *value,
         gsize       max)
{
  if (!g_utf8_validate (value, -1, NULL) || strlen (value) > max)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

/* Sets @member of @obj from the form's @name: a string, a port, or removed
 * when empty. An error sentence is added when it is not well-formed. */
static void
take_field (JsonObject *obj,
            GHashTable *form,
            const char *name,
            const char *label,
            gboolean    port,
            GPtrArray  *errors)
{
  const char *value = form_value (form, name);
  guint64 number = 0;

  json_object_remove_member (obj, name);
  if (value == NULL)
    return;
  if (!text_ok (value, FIELD_MAX))
    {
      g_ptr_array_add (errors, g_strdup_printf ("The %s is not valid text.", label));
      return;
    }
  if (!port)
    {
      json_object_set_string_member (obj, name, value);
      return;
    }
  if (!g_ascii_string_to_unsigned (value, 10, 1, 65535, &number, NULL))
    {
      g_ptr_array_add (errors, g_strdup_printf ("The %s must be a number from 1 to 65535.", label));
      return;
    }
  json_object_set_int_member (obj, name, (gint64) number);
}

static JsonObject *
settings_object (const FdStream *stream)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (stream->settings_json != NULL && json_parser_load_from_data (parser, stream->settings_json, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return json_object_new ();
}

static char *
object_to_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), obj);

  return json_to_string (node, FALSE);
}

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
static gboolean
save_authorization (FdAuthorize  *self,
                    Found        *found,
                    const char   *settings_json,
                    GError      **error,
                    ...) G_GNUC_NULL_TERMINATED;

static gboolean
save_authorization (FdAuthorize  *self,
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

static void
respond_saved (FdAuthorize       *self,
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
  respond_page (self, msg, SOUP_STATUS_OK, "Authorization complete", body, NULL);
}

/* --- OAuth consent ------------------------------------------------------------- */

static char *
redirect_uri (FdAuthorize *self)
{
  return g_strconcat (self->public_url, CALLBACK_PATH, NULL);
}

static FdOAuthProvider *
provider_for (FdAuthorize           *self,
              const FdEmailSettings *settings)
{
  FdOAuthPlatform platform = g_str_equal (settings->platform, "gmail") ? FD_OAUTH_PLATFORM_GOOGLE
                                                                       : FD_OAUTH_PLATFORM_MICROSOFT;

  if (self->oauth_base_url != NULL)
    return fd_oauth_provider_new_for_base (platform, settings->oauth_tenant, self->oauth_base_url);
  return fd_oauth_provider_new (platform, settings->oauth_tenant);
}

static FdOAuthProvider *
x_provider (FdAuthorize *self)
{
  if (self->x_oauth_base_url != NULL)
    return fd_oauth_provider_new_for_base (FD_OAUTH_PLATFORM_X, NULL, self->x_oauth_base_url);
  return fd_oauth_provider_new (FD_OAUTH_PLATFORM_X, NULL);
}

/* Keeps the consent under way with the link (state, and the sealed verifier
 * with the settings to save, and @client_secret when the form gave a new
 * one) and sends the person to the provider with @status (302 from the
 * link itself, 303 after a form). */
static gboolean
begin_consent (FdAuthorize           *self,
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
  found_clear (&exchange->found);
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
      respond_message (exchange->handle->self, exchange->msg, status, title, text);
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

      respond_message (self, exchange->msg, SOUP_STATUS_BAD_GATEWAY, "Authorization failed", text);
    }
  else
    {
      json = fd_email_oauth_tokens_to_json (tokens);
      if (!save_authorization (self, &exchange->found, exchange->settings_json, &error, SECRET_OAUTH_TOKENS, json,
                               NULL))
        {
          g_warning ("Cannot save the authorization of stream %" G_GINT64_FORMAT ": %s",
                     exchange->found.link.stream_id, error->message);
          respond_message (self, exchange->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                           "The server could not save the authorization; open the link again to retry.");
        }
      else
        respond_saved (self, exchange->msg, &exchange->found);
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
  if (!save_authorization (self, &exchange->found, settings_json, &error, SECRET_OAUTH_TOKENS, tokens_json,
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
  respond_saved (self, exchange->msg, &exchange->found);
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
  g_autoptr(FdOAuthProvider) provider = x_provider (self);
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

static void
serve_callback (FdAuthorize       *self,
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
  if (state == NULL || !token_is_wellformed (state) ||
      !fd_store_find_authorization_by_state (self->store, state, &exchange->found.link, &exchange->found.token_hash,
                                             &error))
    {
      respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This answer is not expected",
                       "No authorization is waiting for this answer of the provider. Open the authorization "
                       "link again to retry.");
      exchange_free (exchange);
      return;
    }
  if (!check_found (self, msg, &exchange->found))
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
      respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "Authorization refused", text);
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

      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "Authorization failed", text);
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
      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "Authorization failed",
                       "The stream's settings changed meanwhile. Open the authorization link again to retry.");
      exchange_free (exchange);
      return;
    }
  provider = provider_for (self, settings);
  redirect = redirect_uri (self);
  secret = client_secret (self, exchange->found.stream);
  soup_server_message_pause (msg);
  fd_oauth_exchange_code_async (provider, self->oauth_session, settings->oauth_client_id, secret, redirect, code,
                                json_object_get_string_member_with_default (obj, "verifier", ""),
                                self->oauth_cancellable, on_code_exchanged_cb, exchange);
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
}

/* --- GET and POST ------------------------------------------------------------ */

/* Counts one use of the link (a form posted, or a redirect to X's consent);
 * FALSE when it may not be used any more (the page that says so answered). */
static gboolean
count_attempt (FdAuthorize       *self,
               SoupServerMessage *msg,
               Found             *found)
{
  g_autoptr(GError) error = NULL;
  gint attempts = 0;

  if (!fd_store_count_authorization_attempt (self->store, found->token_hash, &attempts, &error))
    {
      g_warning ("Cannot count an authorization attempt: %s", error->message);
      respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server could not read this authorization link; try again in a moment.");
      return FALSE;
    }
  if (attempts > FD_AUTHORIZE_MAX_ATTEMPTS)
    {
      respond_message (self, msg, 429, "Too many attempts",
                       "This authorization link was tried too many times. Ask your contact center "
                       "administrator for a new one.");
      return FALSE;
    }
  return TRUE;
}

/* The posted form, counted, read and its CSRF value checked; NULL when it
 * is refused (the page that says why answered). */
static GHashTable *
read_form (FdAuthorize       *self,
           SoupServerMessage *msg,
           Found             *found)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *expected = csrf_for (self, found->token_hash);
  g_autofree char *cookie = fd_web_page_cookie (msg, COOKIE_NAME);
  g_autofree char *text = NULL;
  const char *content_type;

  if (!count_attempt (self, msg, found))
    return NULL;
  content_type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  if (!soup_message_body_get_accumulate (body) || body->length > FD_AUTHORIZE_MAX_BODY ||
      g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "The form could not be read",
                       "The form could not be read. Open the authorization link again.");
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  form = soup_form_decode (text);
  sodium_memzero (text, strlen (text));
  if (!fd_web_page_same_secret (form_value (form, "csrf"), expected) || !fd_web_page_same_secret (cookie, expected))
    {
      respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "The form was not accepted",
                       "This form did not come from the authorization page, or the page is too old. Open the "
                       "authorization link again.");
      return NULL;
    }
  return g_steal_pointer (&form);
}

/* --- The X Authorization page ------------------------------------------------------ */

/* The form of a twitter stream whose handle or client id is not known:
 * the handle, and the X app's client id and secret when the stream has
 * no client id. */
static void
respond_x_form (FdAuthorize       *self,
                SoupServerMessage *msg,
                guint              status,
                const Found       *found,
                const char        *handle,
                gboolean           ask_client,
                const char        *client_id,
                GPtrArray         *errors)
{
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *name = g_markup_escape_text (found->stream->name, -1);
  g_autofree char *csrf = csrf_for (self, found->token_hash);

  g_string_append_printf (html, "<p>Media Stream Details</p>\n<dl><dt>Type</dt><dd>%s</dd>"
                          "<dt>Name</dt><dd>%s</dd></dl>\n",
                          authorize_stream_type (found->stream->kind), name);
  if (errors != NULL && errors->len > 0)
    {
      g_string_append (html, "<div class=\"errors\" role=\"alert\"><p>Please correct this:</p><ul>");
      for (guint i = 0; i < errors->len; i++)
        {
          g_autofree char *text = g_markup_escape_text (g_ptr_array_index (errors, i), -1);

          g_string_append_printf (html, "<li>%s</li>", text);
        }
      g_string_append (html, "</ul></div>\n");
    }
  g_string_append_printf (html, "<form method=\"post\" autocomplete=\"off\">\n"
                          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n", csrf);
  append_input (html, "X handle (for example @KakapoSystems)", "text", "handle", handle, "");
  if (ask_client)
    {
      append_input (html, "Client ID of the X app", "text", "client_id", client_id, "");
      append_input (html, "Client Secret of the X app (empty for a public client)", "password", "client_secret",
                    NULL, " autocomplete=\"new-password\"");
      g_string_append (html, "<p class=\"note\">Both are on the app's “Keys and tokens” page in X's developer "
                       "portal (OAuth 2.0); the app's callback URL must be this server's "
                       FD_AUTHORIZE_PREFIX "/oauth-callback.</p>\n");
    }
  g_string_append (html, "<p class=\"note\">You are sent to X to sign in as this account and allow access to its "
                   "posts and direct messages.</p>\n"
                   "<button type=\"submit\">Continue to X</button>\n</form>\n");
  respond_page (self, msg, status, "Twitter Authorization", html->str, csrf);
}

/* GET of a twitter stream's link: straight to X's consent when the
 * handle and the client id are known; else the form. */
static void
serve_x_get (FdAuthorize       *self,
             SoupServerMessage *msg,
             Found             *found,
             gboolean           head)
{
  g_autoptr(JsonObject) obj = settings_object (found->stream);
  g_autoptr(GError) error = NULL;
  g_autofree char *settings_json = NULL;
  const char *handle = json_object_get_string_member_with_default (obj, "handle", NULL);
  const char *client_id = json_object_get_string_member_with_default (obj, "oauth_client_id", NULL);
  g_autofree char *normalized = handle != NULL ? fd_x_handle_normalize (handle) : NULL;
  gboolean has_client = client_id != NULL && fd_x_client_id_is_valid (client_id);

  if (normalized == NULL || !has_client)
    {
      respond_x_form (self, msg, SOUP_STATUS_OK, found, handle, !has_client, NULL, NULL);
      return;
    }
  /* A HEAD (a link checker, a mail scanner) starts no consent. */
  if (head)
    {
      respond_message (self, msg, SOUP_STATUS_OK, "Twitter Authorization",
                       "Open this link in a browser to authorize the X account.");
      return;
    }
  if (!count_attempt (self, msg, found))
    return;
  settings_json = object_to_text (obj);
  {
    g_autoptr(FdOAuthProvider) provider = x_provider (self);

    if (!begin_consent (self, msg, found, provider, client_id, NULL, settings_json, NULL, SOUP_STATUS_FOUND,
                        &error))
      {
        g_warning ("Cannot begin an X consent: %s", error->message);
        respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                         "The server could not begin the authorization; try again in a moment.");
      }
  }
}

/* The form of a twitter stream posted: the handle (and client id and
 * secret) checked, then to X's consent; the settings and a new secret are
 * saved only with the tokens. */
static void
serve_x_post (FdAuthorize       *self,
              SoupServerMessage *msg,
              Found             *found)
{
  g_autoptr(GHashTable) form = read_form (self, msg, found);
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthProvider) provider = NULL;
  g_autofree char *handle = NULL;
  g_autofree char *settings_json = NULL;
  const char *stored_client;
  const char *handle_text, *client_id, *secret;
  gboolean ask_client;

  if (form == NULL)
    return;
  errors = g_ptr_array_new_with_free_func (g_free);
  obj = settings_object (found->stream);
  stored_client = json_object_get_string_member_with_default (obj, "oauth_client_id", NULL);
  ask_client = stored_client == NULL || !fd_x_client_id_is_valid (stored_client);
  handle_text = form_value (form, "handle");
  client_id = form_value (form, "client_id");
  secret = form_value (form, "client_secret");

  if (handle_text == NULL)
    g_ptr_array_add (errors, g_strdup ("Write the X handle of the account, for example @KakapoSystems."));
  else if ((handle = fd_x_handle_normalize (handle_text)) == NULL)
    g_ptr_array_add (errors, g_strdup ("The X handle is not valid: 1 to 15 letters, digits or underscores, with or "
                                       "without its @."));
  if (client_id == NULL && ask_client)
    g_ptr_array_add (errors, g_strdup ("Write the Client ID of the X app."));
  else if (client_id != NULL && !fd_x_client_id_is_valid (client_id))
    g_ptr_array_add (errors, g_strdup ("The Client ID is not valid: copy it from X's developer portal."));
  if (secret != NULL && !text_ok (secret, PASSWORD_MAX))
    g_ptr_array_add (errors, g_strdup ("The Client Secret is too long or holds control characters."));
  if (errors->len > 0)
    {
      const char *shown_handle = handle_text != NULL && text_ok (handle_text, FIELD_MAX) ? handle_text : NULL;
      const char *shown_client = client_id != NULL && text_ok (client_id, FIELD_MAX) ? client_id : NULL;

      respond_x_form (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, found, shown_handle, ask_client, shown_client,
                      errors);
      return;
    }
  /* Another account: the id of the old one no longer applies. */
  if (g_ascii_strcasecmp (json_object_get_string_member_with_default (obj, "handle", ""), handle) != 0)
    json_object_remove_member (obj, "account_id");
  json_object_set_string_member (obj, "handle", handle);
  if (client_id != NULL)
    json_object_set_string_member (obj, "oauth_client_id", client_id);
  settings_json = object_to_text (obj);
  provider = x_provider (self);
  if (!begin_consent (self, msg, found, provider, json_object_get_string_member (obj, "oauth_client_id"), NULL,
                      settings_json, secret, SOUP_STATUS_SEE_OTHER, &error))
    {
      g_warning ("Cannot begin an X consent: %s", error->message);
      respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server could not begin the authorization; try again in a moment.");
    }
}

/* --- The Email Authorization page: the post ------------------------------------------- */

static void
serve_post (FdAuthorize       *self,
            SoupServerMessage *msg,
            Found             *found)
{
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autofree char *settings_json = NULL;
  const char *platform, *address, *password, *confirm;

  form = read_form (self, msg, found);
  if (form == NULL)
    return;

  platform = form_value (form, "platform");
  address = form_value (form, "address");
  password = form_value (form, "password");
  confirm = form_value (form, "confirm");
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    if (form_value (form, form_fields[i]) != NULL && text_ok (form_value (form, form_fields[i]), FIELD_MAX))
      g_hash_table_insert (values, (gpointer) form_fields[i], (gpointer) form_value (form, form_fields[i]));

  if (platform == NULL || (!g_str_equal (platform, "other") && !g_str_equal (platform, "office365") &&
                           !g_str_equal (platform, "gmail")))
    g_ptr_array_add (errors, g_strdup ("Choose the email platform."));
  if (address == NULL)
    g_ptr_array_add (errors, g_strdup ("Write the mailbox's email address."));
  else if (!fd_mail_address_is_plain (address))
    g_ptr_array_add (errors, g_strdup ("The email address is not valid: write it as name@example.com."));

  obj = settings_object (found->stream);
  if (platform != NULL)
    json_object_set_string_member (obj, "platform", platform);
  if (address != NULL && fd_mail_address_is_plain (address))
    json_object_set_string_member (obj, "address", address);

  if (g_strcmp0 (platform, "other") == 0)
    {
      if (password == NULL)
        g_ptr_array_add (errors, g_strdup ("Write the mailbox's password."));
      else if (!text_ok (password, PASSWORD_MAX))
        g_ptr_array_add (errors, g_strdup ("The password is too long or holds control characters."));
      else if (!fd_web_page_same_secret (password, confirm))
        g_ptr_array_add (errors, g_strdup ("The password and its confirmation differ: write the same password "
                                           "in both."));
      take_field (obj, form, "imap_host", "IMAP server", FALSE, errors);
      take_field (obj, form, "imap_port", "IMAP port", TRUE, errors);
      take_field (obj, form, "imap_tls", "IMAP security", FALSE, errors);
      take_field (obj, form, "smtp_host", "SMTP server", FALSE, errors);
      take_field (obj, form, "smtp_port", "SMTP port", TRUE, errors);
      take_field (obj, form, "smtp_tls", "SMTP security", FALSE, errors);
      take_field (obj, form, "user_name", "user name", FALSE, errors);
      if (!json_object_has_member (obj, "imap_host"))
        g_ptr_array_add (errors, g_strdup ("Write the IMAP server (for example imap.example.com)."));
      if (!json_object_has_member (obj, "smtp_host"))
        g_ptr_array_add (errors, g_strdup ("Write the SMTP server (for example smtp.example.com)."));
    }
  settings_json = object_to_text (obj);
  if (errors->len == 0)
    {
      settings = fd_email_settings_parse (settings_json, &error);
      if (settings == NULL)
        g_ptr_array_add (errors, g_strdup (error->message));
    }
  if (errors->len > 0)
    {
      respond_form (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, found, values, errors);
      return;
    }

  if (!g_str_equal (settings->platform, "other"))
    {
      g_autoptr(FdOAuthProvider) provider = provider_for (self, settings);

      if (!begin_consent (self, msg, found, provider, settings->oauth_client_id, settings->address, settings_json,
                          NULL, SOUP_STATUS_SEE_OTHER, &error))
        {
          g_warning ("Cannot begin an OAuth consent: %s", error->message);
          respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                           "The server could not begin the authorization; try again in a moment.");
        }
      return;
    }
  if (!save_authorization (self, found, settings_json, &error, SECRET_PASSWORD, password, NULL))
    {
      /* Another request used the link first. */
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          respond_message (self, msg, SOUP_STATUS_GONE, "This link was used already",
                           "This authorization link has been used already; a link works once.");
          return;
        }
      g_warning ("Cannot save the authorization of stream %" G_GINT64_FORMAT ": %s", found->link.stream_id,
                 error->message);
      respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                       "The server could not save the authorization; try again in a moment.");
      return;
    }
  respond_saved (self, msg, found);
}

static void
on_page_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FdAuthorize *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *token;
  gboolean post = g_str_equal (method, "POST");
  Found found = { 0 };

  if (!post && !g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD, POST");
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
  token = g_str_has_prefix (path, FD_AUTHORIZE_PREFIX "/") ? path + strlen (FD_AUTHORIZE_PREFIX "/") : "";
  if (find_link (self, msg, token, &found))
    {
      if (found.stream->kind == FD_STREAM_TWITTER && post)
        serve_x_post (self, msg, &found);
      else if (found.stream->kind == FD_STREAM_TWITTER)
        serve_x_get (self, msg, &found, g_str_equal (method, "HEAD"));
      else if (found.stream->kind != FD_STREAM_EMAIL)
        respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                         "Only email and twitter streams are authorized on this page.");
      else if (post)
        serve_post (self, msg, &found);
      else
        {
          g_autoptr(GHashTable) values = values_from_settings (found.stream);

          respond_form (self, msg, SOUP_STATUS_OK, &found, values, NULL);
        }
    }
  found_clear (&found);
}

void
fd_authorize_attach (FdAuthorize *self,
                     SoupServer  *server)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER (server));

  soup_server_add_handler (server, FD_AUTHORIZE_PREFIX, on_page_cb, self, NULL);
}
