#define G_LOG_DOMAIN "fd-authorize"

/* The authorization page's forms (fd-authorize-page.c has the page): the
 * Email Authorization form (platform, address, password and confirmation,
 * the servers of "other") and its post, checked into the stream's
 * settings; the Twitter Authorization form (the handle, the X app's client
 * id and secret) and its post, or a twitter link's GET straight to X's
 * consent; the CSRF value a form carries, and a post counted, read and
 * its CSRF value checked. */

#include "fd-authorize-private.h"

#include "fd-email-settings.h"
#include "fd-mail-compose.h"
#include "fd-oauth.h"
#include "fd-web-page.h"
#include "twitter/fd-x-settings.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define COOKIE_NAME     AUTHORIZE_COOKIE_NAME
#define PASSWORD_MAX    1024
#define FIELD_MAX       255
#define SECRET_PASSWORD      AUTHORIZE_SECRET_PASSWORD

/* The form's fields other than secrets, in the order shown. */
static const char * const form_fields[] = {
  "platform", "address", "imap_host", "imap_port", "imap_tls", "smtp_host", "smtp_port", "smtp_tls", "user_name",
};

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
GHashTable *
authorize_values_from_settings (const FdStream *stream)
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

void
authorize_respond_form (FdAuthorize       *self,
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
  authorize_respond_page (self, msg, status, "Email Authorization", html->str, csrf);
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
      authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                 "The server could not read this authorization link; try again in a moment.");
      return FALSE;
    }
  if (attempts > FD_AUTHORIZE_MAX_ATTEMPTS)
    {
      authorize_respond_message (self, msg, 429, "Too many attempts",
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
      authorize_respond_message (self, msg, SOUP_STATUS_BAD_REQUEST, "The form could not be read",
                                 "The form could not be read. Open the authorization link again.");
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  form = soup_form_decode (text);
  sodium_memzero (text, strlen (text));
  if (!fd_web_page_same_secret (form_value (form, "csrf"), expected) || !fd_web_page_same_secret (cookie, expected))
    {
      authorize_respond_message (self, msg, SOUP_STATUS_FORBIDDEN, "The form was not accepted",
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
  authorize_respond_page (self, msg, status, "Twitter Authorization", html->str, csrf);
}

/* GET of a twitter stream's link: straight to X's consent when the
 * handle and the client id are known; else the form. */
void
authorize_serve_x_get (FdAuthorize       *self,
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
      authorize_respond_message (self, msg, SOUP_STATUS_OK, "Twitter Authorization",
                                 "Open this link in a browser to authorize the X account.");
      return;
    }
  if (!count_attempt (self, msg, found))
    return;
  settings_json = object_to_text (obj);
  {
    g_autoptr(FdOAuthProvider) provider = authorize_x_provider (self);

    if (!authorize_begin_consent (self, msg, found, provider, client_id, NULL, settings_json, NULL, SOUP_STATUS_FOUND,
                                  &error))
      {
        g_warning ("Cannot begin an X consent: %s", error->message);
        authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                   "The server could not begin the authorization; try again in a moment.");
      }
  }
}

/* The form of a twitter stream posted: the handle (and client id and
 * secret) checked, then to X's consent; the settings and a new secret are
 * saved only with the tokens. */
void
authorize_serve_x_post (FdAuthorize       *self,
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
  provider = authorize_x_provider (self);
  if (!authorize_begin_consent (self, msg, found, provider, json_object_get_string_member (obj, "oauth_client_id"),
                                NULL, settings_json, secret, SOUP_STATUS_SEE_OTHER, &error))
    {
      g_warning ("Cannot begin an X consent: %s", error->message);
      authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                 "The server could not begin the authorization; try again in a moment.");
    }
}

/* --- The Email Authorization page: the post ------------------------------------------- */

void
authorize_serve_post (FdAuthorize       *self,
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
      authorize_respond_form (self, msg, SOUP_STATUS_UNPROCESSABLE_ENTITY, found, values, errors);
      return;
    }

  if (!g_str_equal (settings->platform, "other"))
    {
      g_autoptr(FdOAuthProvider) provider = authorize_provider_for (self, settings);

      if (!authorize_begin_consent (self, msg, found, provider, settings->oauth_client_id, settings->address,
                                    settings_json, NULL, SOUP_STATUS_SEE_OTHER, &error))
        {
          g_warning ("Cannot begin an OAuth consent: %s", error->message);
          authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                     "The server could not begin the authorization; try again in a moment.");
        }
      return;
    }
  if (!authorize_save_authorization (self, found, settings_json, &error, SECRET_PASSWORD, password, NULL))
    {
      /* Another request used the link first. */
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          authorize_respond_message (self, msg, SOUP_STATUS_GONE, "This link was used already",
                                     "This authorization link has been used already; a link works once.");
          return;
        }
      g_warning ("Cannot save the authorization of stream %" G_GINT64_FORMAT ": %s", found->link.stream_id,
                 error->message);
      authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                 "The server could not save the authorization; try again in a moment.");
      return;
    }
  authorize_respond_saved (self, msg, found);
}
