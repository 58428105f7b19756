#define G_LOG_DOMAIN "fd-twitter"

#include "fd-x-settings.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A twitter stream's settings_json (fd-x-settings.h, docs/twitter.md). */

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

gboolean
fd_x_handle_is_valid (const char *handle)
{
  gsize n;

  if (handle == NULL)
    return FALSE;
  if (*handle == '@')
    handle++;
  n = strlen (handle);
  if (n < 1 || n > FD_X_MAX_HANDLE)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (handle[i]) && handle[i] != '_')
      return FALSE;
  return TRUE;
}

/* A decimal X id (1..FD_X_MAX_ID_DIGITS digits, no leading zero). */
static gboolean
account_id_is_valid (const char *id)
{
  gsize n;

  if (id == NULL)
    return FALSE;
  n = strlen (id);
  if (n < 1 || n > FD_X_MAX_ID_DIGITS || (id[0] == '0' && n > 1))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (id[i]))
      return FALSE;
  return TRUE;
}

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

static FdXSettings *
settings_parse (const char  *json,
                gboolean     complete,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdXSettings) settings = g_new0 (FdXSettings, 1);
  g_autoptr(GList) members = NULL;
  JsonObject *obj;
  JsonNode *node;
  const char *handle, *account_id, *client_id;

  settings->poll_seconds = FD_X_DEFAULT_POLL_SECONDS;
  if (json == NULL || *json == '\0')
    {
      if (complete)
        {
          invalid (error, "The twitter stream has no settings: give its “handle” and “oauth_client_id”.");
          return NULL;
        }
      return g_steal_pointer (&settings);
    }
  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "The settings of a twitter stream must be a JSON object.");
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_str_equal (name, "handle") && !g_str_equal (name, "poll_seconds") &&
          !g_str_equal (name, "account_id") && !g_str_equal (name, "oauth_client_id"))
        {
          invalid (error, "A twitter stream has no setting “%s” (it has handle, poll_seconds, account_id "
                   "and oauth_client_id).", name);
          return NULL;
        }
    }
  if (!get_string (obj, "handle", &handle, error) ||
      !get_string (obj, "account_id", &account_id, error) ||
      !get_string (obj, "oauth_client_id", &client_id, error))
    return NULL;
  if (handle != NULL)
    {
      if (!fd_x_handle_is_valid (handle))
        {
          invalid (error, "“handle” of a twitter stream is the account's X handle: “@” and 1 to 15 letters, "
                   "digits or underscores.");
          return NULL;
        }
      settings->handle = handle[0] == '@' ? g_strdup (handle) : g_strconcat ("@", handle, NULL);
    }
  if (account_id != NULL)
    {
      if (!account_id_is_valid (account_id))
        {
          invalid (error, "“account_id” of a twitter stream is the account's X user id, in decimal digits.");
          return NULL;
        }
      settings->account_id = g_strdup (account_id);
    }
  if (client_id != NULL)
    {
      if (*client_id == '\0' || strlen (client_id) > FD_X_MAX_CLIENT_ID)
        {
          invalid (error, "“oauth_client_id” of a twitter stream is the X app's client id (1 to %d characters).",
                   FD_X_MAX_CLIENT_ID);
          return NULL;
        }
      for (const char *p = client_id; *p != '\0'; p++)
        if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
          {
            invalid (error, "“oauth_client_id” of a twitter stream holds a character no client id has.");
            return NULL;
          }
      settings->oauth_client_id = g_strdup (client_id);
    }
  node = json_object_get_member (obj, "poll_seconds");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          (value = json_node_get_int (node)) < FD_X_MIN_POLL_SECONDS || value > FD_X_MAX_POLL_SECONDS)
        {
          invalid (error, "“poll_seconds” of a twitter stream is a whole number from %d to %d (default %d).",
                   FD_X_MIN_POLL_SECONDS, FD_X_MAX_POLL_SECONDS, FD_X_DEFAULT_POLL_SECONDS);
          return NULL;
        }
      settings->poll_seconds = (guint) value;
    }
  if (complete && settings->handle == NULL)
    {
      invalid (error, "The twitter stream has no “handle” (the account's @handle) yet.");
      return NULL;
    }
  if (complete && settings->oauth_client_id == NULL)
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
  return settings_parse (json, TRUE, error);
}

gboolean
fd_x_settings_check (const char  *json,
                     GError     **error)
{
  g_autoptr(FdXSettings) settings = settings_parse (json, FALSE, error);

  return settings != NULL;
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
