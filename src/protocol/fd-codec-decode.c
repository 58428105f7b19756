#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-codec-private.h"
#include "fd-error.h"

/* Decoding: json-glib trees to structs by their field tables, with typed
 * errors that name the field and the limits of docs/protocol.md. */

static const char *
json_kind_name (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          return "an integer";
        case G_TYPE_DOUBLE:
          return "a number with a fraction";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        case G_TYPE_STRING:
          return "a string";
        default:
          return "an unknown value";
        }
    }
}

static gboolean
wrong_type (JsonNode   *node,
            const char *path,
            const char *expected,
            GError    **error)
{
  g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
               "The field “%s” must be %s, not %s.", path, expected, json_kind_name (node));
  return FALSE;
}

static gboolean
node_is (JsonNode *node,
         GType     value_type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == value_type;
}

static gboolean
decode_string (JsonNode   *node,
               const char *path,
               guint       max,
               char      **out,
               GError    **error)
{
  const char *str;

  if (!node_is (node, G_TYPE_STRING))
    return wrong_type (node, path, "a string", error);
  str = json_node_get_string (node);
  if (str == NULL)
    str = "";
  /* Trees may come from json-glib's own parser (a caller's), which lets
   * lone surrogate escapes through as invalid UTF-8. */
  if (!g_utf8_validate (str, -1, NULL))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                   "The field “%s” is not valid UTF-8 text.", path);
      return FALSE;
    }
  if (g_utf8_strlen (str, -1) > (glong) max)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                   "The field “%s” is longer than %u characters.", path, max);
      return FALSE;
    }
  *out = g_strdup (str);
  return TRUE;
}

static gboolean
check_array (JsonNode   *node,
             const char *path,
             guint       max,
             JsonArray **out,
             GError    **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (node, path, "an array", error);
  *out = json_node_get_array (node);
  if (json_array_get_length (*out) > max)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_LARGE,
                   "The array “%s” has more than %u elements.", path, max);
      return FALSE;
    }
  return TRUE;
}

static gpointer decode_object (const FdTypeInfo *info,
                               JsonNode         *node,
                               GString          *path,
                               guint             depth,
                               GError          **error);

static gboolean
decode_field (const FdFieldInfo *field,
              JsonNode          *node,
              gpointer           self,
              GString           *path,
              guint              depth,
              GError           **error)
{
  gpointer p = FIELD_PTR (self, field);

  switch (field->kind)
    {
    case FD_FIELD_INT64:
      if (!node_is (node, G_TYPE_INT64))
        return wrong_type (node, path->str, "an integer", error);
      *(gint64 *) p = json_node_get_int (node);
      return TRUE;

    case FD_FIELD_INT:
      {
        gint64 v;

        if (!node_is (node, G_TYPE_INT64))
          return wrong_type (node, path->str, "an integer", error);
        v = json_node_get_int (node);
        if (v < G_MININT || v > G_MAXINT)
          {
            g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                         "The field “%s” is out of range.", path->str);
            return FALSE;
          }
        *(int *) p = (int) v;
        return TRUE;
      }

    case FD_FIELD_BOOL:
      if (!node_is (node, G_TYPE_BOOLEAN))
        return wrong_type (node, path->str, "true or false", error);
      *(gboolean *) p = json_node_get_boolean (node);
      return TRUE;

    case FD_FIELD_STRING:
      return decode_string (node, path->str, fd_codec_field_max (field), (char **) p, error);

    case FD_FIELD_TIMESTAMP:
      if (!node_is (node, G_TYPE_STRING))
        return wrong_type (node, path->str, "an RFC 3339 time string", error);
      if (!fd_timestamp_from_string (json_node_get_string (node), (gint64 *) p))
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "The field “%s” is not an RFC 3339 time such as “2026-01-31T09:30:00Z”.",
                       path->str);
          return FALSE;
        }
      return TRUE;

    case FD_FIELD_ENUM:
      if (!node_is (node, G_TYPE_STRING))
        return wrong_type (node, path->str, "a string", error);
      if (!fd_enum_from_string (field->enum_info, json_node_get_string (node), (int *) p))
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "The field “%s” is not a known %s.", path->str, field->enum_info->what);
          return FALSE;
        }
      return TRUE;

    case FD_FIELD_STRV:
      {
        JsonArray *arr;
        guint n;
        g_auto(GStrv) strv = NULL;

        if (!check_array (node, path->str, fd_codec_field_max (field), &arr, error))
          return FALSE;
        n = json_array_get_length (arr);
        strv = g_new0 (char *, n + 1);
        for (guint i = 0; i < n; i++)
          {
            gsize len = path->len;
            gboolean ok;

            g_string_append_printf (path, "[%u]", i);
            ok = decode_string (json_array_get_element (arr, i), path->str,
                                FD_LIMIT_STRING, &strv[i], error);
            g_string_truncate (path, len);
            if (!ok)
              return FALSE;
          }
        *(char ***) p = g_steal_pointer (&strv);
        return TRUE;
      }

    case FD_FIELD_INT64_ARRAY:
      {
        JsonArray *arr;
        guint n;
        g_autoptr(GArray) ga = NULL;

        if (!check_array (node, path->str, fd_codec_field_max (field), &arr, error))
          return FALSE;
        n = json_array_get_length (arr);
        ga = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
        for (guint i = 0; i < n; i++)
          {
            JsonNode *el = json_array_get_element (arr, i);
            gint64 v;

            if (!node_is (el, G_TYPE_INT64))
              {
                g_string_append_printf (path, "[%u]", i);
                return wrong_type (el, path->str, "an integer", error);
              }
            v = json_node_get_int (el);
            g_array_append_val (ga, v);
          }
        *(GArray **) p = g_steal_pointer (&ga);
        return TRUE;
      }

    case FD_FIELD_OBJECT:
      *(gpointer *) p = decode_object (field->child, node, path, depth + 1, error);
      return *(gpointer *) p != NULL;

    case FD_FIELD_OBJECT_ARRAY:
      {
        JsonArray *arr;
        guint n;
        g_autoptr(GPtrArray) list = NULL;

        if (!check_array (node, path->str, fd_codec_field_max (field), &arr, error))
          return FALSE;
        n = json_array_get_length (arr);
        list = fd_codec_object_array_new (field->child, n);
        for (guint i = 0; i < n; i++)
          {
            gsize len = path->len;
            gpointer item;

            g_string_append_printf (path, "[%u]", i);
            item = decode_object (field->child, json_array_get_element (arr, i),
                                  path, depth + 2, error);
            g_string_truncate (path, len);
            if (item == NULL)
              return FALSE;
            g_ptr_array_add (list, item);
          }
        *(GPtrArray **) p = g_steal_pointer (&list);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

static gpointer
decode_object (const FdTypeInfo *info,
               JsonNode         *node,
               GString          *path,
               guint             depth,
               GError          **error)
{
  JsonObject *obj;
  gpointer self;

  /* The tables have no cycles, so this recursion is bounded by them; the
   * check keeps that true should a recursive table ever be added. */
  if (depth > FD_LIMIT_DEPTH)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_DEEP,
                   "The field “%s” is nested more than %d levels deep.",
                   path->str, FD_LIMIT_DEPTH);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      if (path->len == 0)
        g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                     "A %s must be a JSON object, not %s.", info->name, json_kind_name (node));
      else
        wrong_type (node, path->str, "an object", error);
      return NULL;
    }

  obj = json_node_get_object (node);
  self = fd_codec_new (info);

  for (guint i = 0; i < info->n_fields; i++)
    {
      const FdFieldInfo *field = &info->fields[i];
      JsonNode *member = json_object_get_member (obj, field->name);
      gsize len = path->len;
      gboolean ok;

      if (len > 0)
        g_string_append_c (path, '.');
      g_string_append (path, field->name);

      if (member == NULL || JSON_NODE_HOLDS_NULL (member))
        {
          if (field->required)
            {
              g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
                           "The field “%s” is required.", path->str);
              ok = FALSE;
            }
          else
            ok = TRUE;
        }
      else
        ok = decode_field (field, member, self, path, depth, error);

      g_string_truncate (path, len);
      if (!ok)
        {
          fd_codec_free (info, self);
          return NULL;
        }
    }
  return self;
}

gpointer
fd_codec_from_json_at (const FdTypeInfo *info,
                       JsonNode         *node,
                       const char       *path,
                       GError          **error)
{
  g_autoptr(GString) buf = g_string_new (path);

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_object (info, node, buf, 1, error);
}

gpointer
fd_codec_from_json (const FdTypeInfo *info,
                    JsonNode         *node,
                    GError          **error)
{
  return fd_codec_from_json_at (info, node, NULL, error);
}

GPtrArray *
fd_codec_list_from_json (const FdTypeInfo *info,
                         JsonNode         *node,
                         GError          **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  JsonArray *arr;
  guint n;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "A list of %s must be a JSON array, not %s.", info->name, json_kind_name (node));
      return NULL;
    }
  arr = json_node_get_array (node);
  n = json_array_get_length (arr);
  if (n > FD_LIMIT_ARRAY)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_LARGE,
                   "The list has more than %u elements.", FD_LIMIT_ARRAY);
      return NULL;
    }
  list = fd_codec_object_array_new (info, n);
  for (guint i = 0; i < n; i++)
    {
      gpointer item;

      g_string_printf (path, "[%u]", i);
      item = decode_object (info, json_array_get_element (arr, i), path, 2, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (list, item);
    }
  return g_steal_pointer (&list);
}
