#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <string.h>

/* Validation of values on their way in, and the text helpers of the store:
 * lists of strings as JSON, case folding and LIKE patterns. */

gboolean
fd_store_check_string (const char  *value,
                       const char  *what,
                       guint        max_chars,
                       gboolean     required,
                       GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      if (required)
        return fd_store_invalid (error, "The %s is empty.", what);
      return TRUE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid UTF-8 text.", what);
  if (g_utf8_strlen (value, -1) > (glong) max_chars)
    return fd_store_invalid (error, "The %s is longer than %u characters.", what, max_chars);
  return TRUE;
}

gboolean
fd_store_check_enum (const char  *name,
                     const char  *what,
                     GError     **error)
{
  if (name == NULL)
    return fd_store_invalid (error, "The %s is not one the server knows.", what);
  return TRUE;
}

gboolean
fd_store_check_json (const char  *json,
                     const char  *what,
                     gsize        max_bytes,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (json == NULL)
    return TRUE;
  if (strlen (json) > max_bytes)
    return fd_store_invalid (error, "The %s is larger than %" G_GSIZE_FORMAT " bytes.", what, max_bytes);
  if (!g_utf8_validate (json, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid UTF-8 text.", what);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid JSON.", what);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fd_store_invalid (error, "The %s is not a JSON object.", what);
  return TRUE;
}

char *
fd_store_strv_to_json (char * const *strv)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (strv == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char **
fd_store_strv_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *root;
  JsonArray *array;

  if (json == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *s = json_array_get_string_element (array, i);

      if (s != NULL)
        g_strv_builder_add (builder, s);
    }
  return g_strv_builder_end (builder);
}

gboolean
fd_store_check_strv (char * const *strv,
                     const char   *what,
                     guint         max_chars,
                     GError      **error)
{
  guint n = 0;

  if (strv == NULL)
    return TRUE;
  for (; strv[n] != NULL; n++)
    if (!fd_store_check_string (strv[n], what, max_chars, TRUE, error))
      return FALSE;
  if (n > FD_STORE_MAX_LIST)
    return fd_store_invalid (error, "There are more than %u entries in the %s list.",
                             FD_STORE_MAX_LIST, what);
  return TRUE;
}

/* Casefolds for case-insensitive comparisons; the input was validated as
 * UTF-8 on its way in, but a damaged row must not crash a query. */
char *
fd_store_fold (const char *text)
{
  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup (text);
  return g_utf8_casefold (text, -1);
}

char *
fd_store_like_pattern (const char *search)
{
  g_autofree char *folded = NULL;
  GString *pattern;

  if (search == NULL || *search == '\0')
    return NULL;
  folded = fd_store_fold (search);
  pattern = g_string_new ("%");
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

