#define G_LOG_DOMAIN "fd-twitter"

#include "fd-x-settings-check.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define HANDLE_MAX            15
#define ACCOUNT_ID_MAX        20
#define CLIENT_ID_MAX         200
#define MIN_POLL_SECONDS      1
#define MAX_POLL_SECONDS      180

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
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

char *
fd_x_handle_normalize (const char *handle)
{
  gsize length;

  g_return_val_if_fail (handle != NULL, NULL);

  if (handle[0] == '@')
    handle++;
  length = strlen (handle);
  if (length == 0 || length > HANDLE_MAX)
    return NULL;
  for (const char *p = handle; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return NULL;
  return g_strconcat ("@", handle, NULL);
}

gboolean
fd_x_account_id_is_valid (const char *account_id)
{
  gsize length = account_id != NULL ? strlen (account_id) : 0;

  if (length == 0 || length > ACCOUNT_ID_MAX)
    return FALSE;
  for (const char *p = account_id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
fd_x_client_id_is_valid (const char *client_id)
{
  gsize length = client_id != NULL ? strlen (client_id) : 0;

  if (length == 0 || length > CLIENT_ID_MAX)
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

char *
fd_x_settings_normalize (const char  *settings_json,
                         GError     **error)
{
  static const char * const secrets[] = { "oauth_client_secret", "oauth_tokens", "access_token", "refresh_token" };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *handle = NULL;
  JsonObject *obj;
  JsonNode *poll;
  const char *text;

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

  if (!get_string (obj, "handle", &text, error))
    return NULL;
  if (text != NULL)
    {
      handle = fd_x_handle_normalize (text);
      if (handle == NULL)
        {
          invalid (error, "“handle” of a twitter stream must be the account's X handle: 1 to %d letters, "
                   "digits or underscores, with or without its “@” (for example @KakapoSystems).",
                   HANDLE_MAX);
          return NULL;
        }
      json_object_set_string_member (obj, "handle", handle);
    }

  poll = json_object_get_member (obj, "poll_seconds");
  if (poll != NULL && !JSON_NODE_HOLDS_NULL (poll))
    {
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (poll) || json_node_get_value_type (poll) != G_TYPE_INT64 ||
          (value = json_node_get_int (poll)) < MIN_POLL_SECONDS || value > MAX_POLL_SECONDS)
        {
          invalid (error, "“poll_seconds” of a twitter stream must be a whole number of seconds from %d to %d "
                   "(X is asked for new posts and messages that often; X bills reads).",
                   MIN_POLL_SECONDS, MAX_POLL_SECONDS);
          return NULL;
        }
    }

  if (!get_string (obj, "account_id", &text, error))
    return NULL;
  if (text != NULL && !fd_x_account_id_is_valid (text))
    {
      invalid (error, "“account_id” of a twitter stream must be the account's X user id: 1 to %d digits "
               "(the authorization link fills it in).", ACCOUNT_ID_MAX);
      return NULL;
    }

  if (!get_string (obj, "oauth_client_id", &text, error))
    return NULL;
  if (text != NULL && !fd_x_client_id_is_valid (text))
    {
      invalid (error, "“oauth_client_id” of a twitter stream must be the client id of the X app (1 to %d "
               "printable characters, no spaces).", CLIENT_ID_MAX);
      return NULL;
    }
  return json_to_string (copy, FALSE);
}
