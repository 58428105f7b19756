#define G_LOG_DOMAIN "fd-twitter"

#include "fd-x-settings.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* A twitter stream's settings_json (fd-x-settings.h, docs/twitter.md): one
 * set of rules for the poller's parse and the admin API's check on write. */

G_DEFINE_QUARK (fd-x-settings-error-quark, fd_x_settings_error)

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FD_X_SETTINGS_ERROR, FD_X_SETTINGS_ERROR_INVALID, message);
  return FALSE;
}

void
fd_x_settings_free (FdXSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->handle);
  g_free (settings->account_id);
  g_free (settings->oauth_client_id);
  g_free (settings);
}

char *
fd_x_handle_normalize (const char *handle)
{
  gsize length;

  g_return_val_if_fail (handle != NULL, NULL);

  if (handle[0] == '@')
    handle++;
  length = strlen (handle);
  if (length == 0 || length > FD_X_MAX_HANDLE)
    return NULL;
  for (const char *p = handle; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return NULL;
  return g_strconcat ("@", handle, NULL);
}

gboolean
fd_x_handle_is_valid (const char *handle)
{
  g_autofree char *normalized = handle != NULL ? fd_x_handle_normalize (handle) : NULL;

  return normalized != NULL;
}

/* A decimal X id of 1 to @max_digits digits, no leading zero. */
static gboolean
id_is_valid (const char *id,
             gsize       max_digits)
{
  gsize length = id != NULL ? strlen (id) : 0;

  if (length == 0 || length > max_digits || (id[0] == '0' && length > 1))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
fd_x_account_id_is_valid (const char *account_id)
{
  return id_is_valid (account_id, FD_X_MAX_ACCOUNT_ID_DIGITS);
}

gboolean
fd_x_client_id_is_valid (const char *client_id)
{
  gsize length = client_id != NULL ? strlen (client_id) : 0;

  if (length == 0 || length > FD_X_MAX_CLIENT_ID)
    return FALSE;
  for (const char *p = client_id; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

/* A string member: NULL when absent or null; FALSE when of another type. */
static gboolean
get_string (JsonObject   *obj,
            const char   *name,
            const char  **out,
            GError      **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "“%s” of a twitter stream must be a string.", name);
  *out = json_node_get_string (node);
  return TRUE;
}

/* No member but those the poller reads. */
static gboolean
check_members (JsonObject  *obj,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_str_equal (name, "handle") && !g_str_equal (name, "poll_seconds") &&
          !g_str_equal (name, "account_id") && !g_str_equal (name, "oauth_client_id"))
        return invalid (error, "A twitter stream has no setting “%s” (it has handle, poll_seconds, account_id "
                        "and oauth_client_id).", name);
    }
  return TRUE;
}

/* poll_seconds: *@out 0 when absent or null; FALSE when present and not a
 * whole number from FD_X_MIN_POLL_SECONDS to FD_X_MAX_POLL_SECONDS (the
 * caller names the member). */
static gboolean
get_poll_seconds (JsonObject *obj,
                  guint      *out)
{
  JsonNode *node = json_object_get_member (obj, "poll_seconds");
  gint64 value;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < FD_X_MIN_POLL_SECONDS || value > FD_X_MAX_POLL_SECONDS)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static FdXSettings *
settings_parse (const char  *json,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdXSettings) settings = g_new0 (FdXSettings, 1);
  JsonObject *obj;
  const char *handle, *account_id, *client_id;
  guint poll_seconds;

  settings->poll_seconds = FD_X_DEFAULT_POLL_SECONDS;
  if (json == NULL || *json == '\0')
    {
      invalid (error, "The twitter stream has no settings: give its “handle” and “oauth_client_id”.");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "The settings of a twitter stream must be a JSON object.");
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  if (!check_members (obj, error))
    return NULL;
  if (!get_string (obj, "handle", &handle, error) ||
      !get_string (obj, "account_id", &account_id, error) ||
      !get_string (obj, "oauth_client_id", &client_id, error))
    return NULL;
  if (handle != NULL)
    {
      settings->handle = fd_x_handle_normalize (handle);
      if (settings->handle == NULL)
        {
          invalid (error, "“handle” of a twitter stream is the account's X handle: “@” and 1 to 15 letters, "
                   "digits or underscores.");
          return NULL;
        }
    }
  if (account_id != NULL)
    {
      /* Read leniently (FD_X_MAX_ID_DIGITS); written at most
       * FD_X_MAX_ACCOUNT_ID_DIGITS long (fd_x_account_id_is_valid). */
      if (!id_is_valid (account_id, FD_X_MAX_ID_DIGITS))
        {
          invalid (error, "“account_id” of a twitter stream is the account's X user id, in decimal digits.");
          return NULL;
        }
      settings->account_id = g_strdup (account_id);
    }
  if (client_id != NULL)
    {
      if (!fd_x_client_id_is_valid (client_id))
        {
          if (*client_id == '\0' || strlen (client_id) > FD_X_MAX_CLIENT_ID)
            invalid (error, "“oauth_client_id” of a twitter stream is the X app's client id (1 to %d characters).",
                     FD_X_MAX_CLIENT_ID);
          else
            invalid (error, "“oauth_client_id” of a twitter stream holds a character no client id has.");
          return NULL;
        }
      settings->oauth_client_id = g_strdup (client_id);
    }
  if (!get_poll_seconds (obj, &poll_seconds))
    {
      invalid (error, "“poll_seconds” of a twitter stream is a whole number from %d to %d (default %d).",
               FD_X_MIN_POLL_SECONDS, FD_X_MAX_POLL_SECONDS, FD_X_DEFAULT_POLL_SECONDS);
      return NULL;
    }
  if (poll_seconds != 0)
    settings->poll_seconds = poll_seconds;
  if (settings->handle == NULL)
    {
      invalid (error, "The twitter stream has no “handle” (the account's @handle) yet.");
      return NULL;
    }
  if (settings->oauth_client_id == NULL)
    {
      invalid (error, "The twitter stream has no “oauth_client_id” (the X app's client id) yet.");
      return NULL;
    }
  return g_steal_pointer (&settings);
}

FdXSettings *
fd_x_settings_parse (const char  *json,
                     GError     **error)
{
  return settings_parse (json, error);
}

/* The checks on write, in FD_X_SETTINGS_ERROR (fd_x_settings_normalize()
 * gives them in G_IO_ERROR). */
static char *
settings_normalize (const char  *settings_json,
                    GError     **error)
{
  static const char * const secrets[] = { "oauth_client_secret", "oauth_tokens", "access_token", "refresh_token" };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *handle = NULL;
  JsonObject *obj;
  const char *text;
  guint poll_seconds;

  if (settings_json == NULL || !json_parser_load_from_data (parser, settings_json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "The settings of a twitter stream must be a JSON object such as "
               "{\"handle\":\"@KakapoSystems\",\"oauth_client_id\":\"…\"}.");
      return NULL;
    }
  copy = json_node_copy (json_parser_get_root (parser));
  obj = json_node_get_object (copy);

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (json_object_has_member (obj, secrets[i]))
      {
        invalid (error, "“%s” is never part of a twitter stream's settings: the OAuth client secret and tokens "
                 "are the stream's write-only “oauth_client_secret” and “oauth_tokens”, beside settings_json.",
                 secrets[i]);
        return NULL;
      }
  if (!check_members (obj, error))
    return NULL;

  if (!get_string (obj, "handle", &text, error))
    return NULL;
  if (text != NULL)
    {
      handle = fd_x_handle_normalize (text);
      if (handle == NULL)
        {
          invalid (error, "“handle” of a twitter stream must be the account's X handle: 1 to %d letters, "
                   "digits or underscores, with or without its “@” (for example @KakapoSystems).",
                   FD_X_MAX_HANDLE);
          return NULL;
        }
      json_object_set_string_member (obj, "handle", handle);
    }

  if (!get_poll_seconds (obj, &poll_seconds))
    {
      invalid (error, "“poll_seconds” of a twitter stream must be a whole number of seconds from %d to %d "
               "(X is asked for new posts and messages that often; X bills reads).",
               FD_X_MIN_POLL_SECONDS, FD_X_MAX_POLL_SECONDS);
      return NULL;
    }

  if (!get_string (obj, "account_id", &text, error))
    return NULL;
  if (text != NULL && !fd_x_account_id_is_valid (text))
    {
      invalid (error, "“account_id” of a twitter stream must be the account's X user id: 1 to %d digits "
               "(the authorization link fills it in).", FD_X_MAX_ACCOUNT_ID_DIGITS);
      return NULL;
    }

  if (!get_string (obj, "oauth_client_id", &text, error))
    return NULL;
  if (text != NULL && !fd_x_client_id_is_valid (text))
    {
      invalid (error, "“oauth_client_id” of a twitter stream must be the client id of the X app (1 to %d "
               "printable characters, no spaces).", FD_X_MAX_CLIENT_ID);
      return NULL;
    }
  return json_to_string (copy, FALSE);
}

char *
fd_x_settings_normalize (const char  *settings_json,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normalized = settings_normalize (settings_json, &local_error);

  if (normalized == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, local_error->message);
  return normalized;
}

char *
fd_x_settings_with_account_id (const char *json,
                               const char *account_id)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, json != NULL && *json != '\0' ? json : "{}", -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_parser_get_root (parser);
  json_object_set_string_member (json_node_get_object (root), "account_id", account_id);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}
