#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-codec-private.h"

/* Encoding: structs to json-glib trees by their field tables, and trees to
 * compact text. */

JsonNode *
fd_codec_to_json (const FdTypeInfo *info,
                  gconstpointer     self)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < info->n_fields; i++)
    {
      const FdFieldInfo *field = &info->fields[i];
      const guint8 *p = CFIELD_PTR (self, field);

      switch (field->kind)
        {
        case FD_FIELD_INT64:
          json_object_set_int_member (obj, field->name, *(const gint64 *) p);
          break;
        case FD_FIELD_INT:
          json_object_set_int_member (obj, field->name, *(const int *) p);
          break;
        case FD_FIELD_BOOL:
          json_object_set_boolean_member (obj, field->name, *(const gboolean *) p != FALSE);
          break;
        case FD_FIELD_STRING:
          if (*(char * const *) p != NULL)
            json_object_set_string_member (obj, field->name, *(char * const *) p);
          break;
        case FD_FIELD_TIMESTAMP:
          if (*(const gint64 *) p != 0)
            {
              g_autofree char *str = fd_timestamp_to_string (*(const gint64 *) p);

              /* Out of the years 1–9999: not representable, so omitted. */
              if (str != NULL)
                json_object_set_string_member (obj, field->name, str);
            }
          break;
        case FD_FIELD_ENUM:
          {
            const char *name = fd_enum_to_string (field->enum_info, *(const int *) p);

            if (name != NULL)
              json_object_set_string_member (obj, field->name, name);
          }
          break;
        case FD_FIELD_STRV:
          {
            char * const *strv = *(char ** const *) p;

            if (strv != NULL)
              {
                JsonArray *arr = json_array_new ();

                for (guint j = 0; strv[j] != NULL; j++)
                  json_array_add_string_element (arr, strv[j]);
                json_object_set_array_member (obj, field->name, arr);
              }
          }
          break;
        case FD_FIELD_INT64_ARRAY:
          {
            const GArray *ga = *(GArray * const *) p;

            if (ga != NULL)
              {
                JsonArray *arr = json_array_sized_new (ga->len);

                for (guint j = 0; j < ga->len; j++)
                  json_array_add_int_element (arr, g_array_index (ga, gint64, j));
                json_object_set_array_member (obj, field->name, arr);
              }
          }
          break;
        case FD_FIELD_OBJECT:
          if (*(gconstpointer const *) p != NULL)
            json_object_set_member (obj, field->name,
                                    fd_codec_to_json (field->child, *(gconstpointer const *) p));
          break;
        case FD_FIELD_OBJECT_ARRAY:
          if (*(GPtrArray * const *) p != NULL)
            json_object_set_member (obj, field->name,
                                    fd_codec_list_to_json (field->child, *(GPtrArray * const *) p));
          break;
        default:
          g_assert_not_reached ();
        }
    }

  {
    JsonNode *node = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (node, obj);
    return node;
  }
}

JsonNode *
fd_codec_list_to_json (const FdTypeInfo *info,
                       GPtrArray        *list)
{
  JsonArray *arr;
  JsonNode *node;

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (list != NULL, NULL);

  arr = json_array_sized_new (list->len);
  for (guint i = 0; i < list->len; i++)
    json_array_add_element (arr, fd_codec_to_json (info, g_ptr_array_index (list, i)));
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, arr);
  return node;
}

char *
fd_json_to_string (JsonNode *node,
                   gsize    *len)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GString) escaped = NULL;
  char *text;
  gsize text_len;
  const char *raw;

  g_return_val_if_fail (node != NULL, NULL);

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &text_len);
  /* json-glib (up to 1.8 at least) writes U+001F unescaped, which no JSON
   * parser, ours included, accepts. Outside strings the generator writes no
   * control characters, so every such byte is in a string. */
  raw = memchr (text, 0x1f, text_len);
  if (raw == NULL)
    {
      if (len != NULL)
        *len = text_len;
      return text;
    }
  escaped = g_string_sized_new (text_len + 16);
  for (gsize i = 0; i < text_len; i++)
    {
      if (text[i] == 0x1f)
        g_string_append (escaped, "\\u001f");
      else
        g_string_append_c (escaped, text[i]);
    }
  g_free (text);
  if (len != NULL)
    *len = escaped->len;
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}
