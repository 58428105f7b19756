#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-codec-private.h"

/* Encoding: structs to json-glib trees by their field tables, and trees to
 * compact text; or structs straight to the same text, without a tree
 * (fd_codec_write_json(): the server's hot path, one event per message). */

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

/* A string as json-glib 1.6 writes it (quotes, \\ \" \b \f \n \r \t,
 * \u00XX for the other control characters and DEL, UTF-8 as is), except
 * that U+001F is escaped too, as fd_json_to_string() does. */
void
fd_json_write_string (GString    *out,
                      const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      const char *esc;

      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: esc = NULL; break;
        }
      if (esc != NULL)
        g_string_append (out, esc);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
write_name (GString    *out,
            gboolean   *first,
            const char *name)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  fd_json_write_string (out, name);
  g_string_append_c (out, ':');
}

static void
write_list (const FdTypeInfo *info,
            GPtrArray        *list,
            GString          *out)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < list->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      fd_codec_write_json (info, g_ptr_array_index (list, i), out);
    }
  g_string_append_c (out, ']');
}

void
fd_codec_write_json (const FdTypeInfo *info,
                     gconstpointer     self,
                     GString          *out)
{
  gboolean first = TRUE;

  g_return_if_fail (info != NULL);
  g_return_if_fail (self != NULL);

  g_string_append_c (out, '{');
  for (guint i = 0; i < info->n_fields; i++)
    {
      const FdFieldInfo *field = &info->fields[i];
      const guint8 *p = CFIELD_PTR (self, field);

      switch (field->kind)
        {
        case FD_FIELD_INT64:
          write_name (out, &first, field->name);
          g_string_append_printf (out, "%" G_GINT64_FORMAT, *(const gint64 *) p);
          break;
        case FD_FIELD_INT:
          write_name (out, &first, field->name);
          g_string_append_printf (out, "%d", *(const int *) p);
          break;
        case FD_FIELD_BOOL:
          write_name (out, &first, field->name);
          g_string_append (out, *(const gboolean *) p != FALSE ? "true" : "false");
          break;
        case FD_FIELD_STRING:
          if (*(char * const *) p != NULL)
            {
              write_name (out, &first, field->name);
              fd_json_write_string (out, *(char * const *) p);
            }
          break;
        case FD_FIELD_TIMESTAMP:
          if (*(const gint64 *) p != 0)
            {
              char str[FD_TIMESTAMP_BUF_SIZE];

              /* Out of the years 1–9999: not representable, so omitted. */
              if (fd_timestamp_format (*(const gint64 *) p, str))
                {
                  write_name (out, &first, field->name);
                  g_string_append_c (out, '"');
                  g_string_append (out, str);
                  g_string_append_c (out, '"');
                }
            }
          break;
        case FD_FIELD_ENUM:
          {
            const char *name = fd_enum_to_string (field->enum_info, *(const int *) p);

            if (name != NULL)
              {
                write_name (out, &first, field->name);
                fd_json_write_string (out, name);
              }
          }
          break;
        case FD_FIELD_STRV:
          {
            char * const *strv = *(char ** const *) p;

            if (strv != NULL)
              {
                write_name (out, &first, field->name);
                g_string_append_c (out, '[');
                for (guint j = 0; strv[j] != NULL; j++)
                  {
                    if (j > 0)
                      g_string_append_c (out, ',');
                    fd_json_write_string (out, strv[j]);
                  }
                g_string_append_c (out, ']');
              }
          }
          break;
        case FD_FIELD_INT64_ARRAY:
          {
            const GArray *ga = *(GArray * const *) p;

            if (ga != NULL)
              {
                write_name (out, &first, field->name);
                g_string_append_c (out, '[');
                for (guint j = 0; j < ga->len; j++)
                  g_string_append_printf (out, j > 0 ? ",%" G_GINT64_FORMAT : "%" G_GINT64_FORMAT,
                                          g_array_index (ga, gint64, j));
                g_string_append_c (out, ']');
              }
          }
          break;
        case FD_FIELD_OBJECT:
          if (*(gconstpointer const *) p != NULL)
            {
              write_name (out, &first, field->name);
              fd_codec_write_json (field->child, *(gconstpointer const *) p, out);
            }
          break;
        case FD_FIELD_OBJECT_ARRAY:
          if (*(GPtrArray * const *) p != NULL)
            {
              write_name (out, &first, field->name);
              write_list (field->child, *(GPtrArray * const *) p, out);
            }
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_string_append_c (out, '}');
}

char *
fd_codec_to_text (const FdTypeInfo *info,
                  gconstpointer     self,
                  gsize            *len)
{
  GString *out = g_string_sized_new (256);

  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (self != NULL, NULL);

  fd_codec_write_json (info, self, out);
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}
