#define G_LOG_DOMAIN "fd-ctl"

/* What frontdeskctl prints on stdout: aligned tables, or the server's JSON
 * with --json. */

#include "fd-config.h"
#include "fd-ctl-private.h"

void
fd_ctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static char *
cell_text (JsonObject *obj,
           const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("-");

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GString) s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (i > 0)
            g_string_append (s, ",");
          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_string_append (s, json_node_get_string (item));
          else if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_INT64)
            g_string_append_printf (s, "%" G_GINT64_FORMAT, json_node_get_int (item));
          else
            g_string_append (s, "…");
        }
      return s->len > 0 ? g_string_free (g_steal_pointer (&s), FALSE) : g_strdup ("-");
    }

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_STRING)
        return g_strdup (json_node_get_string (node));
      if (type == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      if (type == G_TYPE_BOOLEAN)
        return g_strdup (json_node_get_boolean (node) ? "yes" : "no");
      if (type == G_TYPE_DOUBLE)
        return g_strdup_printf ("%g", json_node_get_double (node));
    }

  return g_strdup ("…");
}

/* Prints @node (an array of objects, or one object) as an aligned table, or
 * as JSON with --json. */
void
fd_ctl_print_table (FdCtl             *ctl,
                    JsonNode          *node,
                    const FdCtlColumn *columns,
                    guint              n_columns)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree gsize *widths = g_new0 (gsize, n_columns);
  g_autoptr(JsonArray) one = NULL;
  JsonArray *array;

  if (ctl->json)
    {
      fd_ctl_print_json (node);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      one = json_array_new ();
      json_array_add_element (one, json_node_copy (node));
      array = one;
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    array = json_node_get_array (node);
  else
    return;

  for (guint c = 0; c < n_columns; c++)
    widths[c] = g_utf8_strlen (columns[c].header, -1);

  for (guint r = 0; r < json_array_get_length (array); r++)
    {
      JsonNode *item = json_array_get_element (array, r);
      char **cells = g_new0 (char *, n_columns + 1);

      for (guint c = 0; c < n_columns; c++)
        {
          cells[c] = JSON_NODE_HOLDS_OBJECT (item)
            ? cell_text (json_node_get_object (item), columns[c].member)
            : g_strdup ("-");
          widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (cells[c], -1));
        }
      g_ptr_array_add (rows, cells);
    }

  for (gint r = -1; r < (gint) rows->len; r++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < n_columns; c++)
        {
          const char *text = r < 0 ? columns[c].header : ((char **) rows->pdata[r])[c];

          g_string_append (line, text);
          if (c + 1 < n_columns)
            for (gsize pad = g_utf8_strlen (text, -1); pad < widths[c] + 2; pad++)
              g_string_append_c (line, ' ');
        }
      g_print ("%s\n", line->str);
    }
}
