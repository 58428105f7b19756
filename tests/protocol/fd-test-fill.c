#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include "fd-test-fill.h"

#define FIELD_PTR(self, field) ((guint8 *) (self) + (field)->offset)

void
fd_test_fill (const FdTypeInfo *info,
              gpointer          self,
              guint             seed)
{
  for (guint i = 0; i < info->n_fields; i++)
    {
      const FdFieldInfo *field = &info->fields[i];
      gpointer p = FIELD_PTR (self, field);

      switch (field->kind)
        {
        case FD_FIELD_INT64:
          *(gint64 *) p = G_GINT64_CONSTANT (5000000000) + seed * 100 + i;
          break;
        case FD_FIELD_INT:
          *(int *) p = (int) (seed * 10 + i + 1);
          break;
        case FD_FIELD_BOOL:
          *(gboolean *) p = TRUE;
          break;
        case FD_FIELD_STRING:
          /* Non-ASCII and characters JSON must escape. */
          *(char **) p = g_strdup_printf ("%s “é” \"q\" \\ %u", field->name, seed);
          break;
        case FD_FIELD_TIMESTAMP:
          *(gint64 *) p = G_GINT64_CONSTANT (1795000000000000) + seed * 1000003 + i * 250000;
          break;
        case FD_FIELD_ENUM:
          /* Not the first value, which is 0 like an unset field. */
          *(int *) p = 1 + (int) ((seed + i) % (field->enum_info->n_names - 1));
          break;
        case FD_FIELD_STRV:
          {
            char **strv = g_new0 (char *, 3);

            strv[0] = g_strdup_printf ("first %u", seed);
            strv[1] = g_strdup ("sécond");
            *(char ***) p = strv;
          }
          break;
        case FD_FIELD_INT64_ARRAY:
          {
            GArray *ga = g_array_new (FALSE, FALSE, sizeof (gint64));
            gint64 values[] = { 1, G_MAXINT64, (gint64) seed + 7 };

            g_array_append_vals (ga, values, G_N_ELEMENTS (values));
            *(GArray **) p = ga;
          }
          break;
        case FD_FIELD_OBJECT:
          *(gpointer *) p = fd_test_new_filled (field->child, seed + 1);
          break;
        case FD_FIELD_OBJECT_ARRAY:
          {
            GPtrArray *arr = g_ptr_array_new_with_free_func (field->child->free_func);

            g_ptr_array_add (arr, fd_test_new_filled (field->child, seed + 1));
            g_ptr_array_add (arr, fd_test_new_filled (field->child, seed + 2));
            *(GPtrArray **) p = arr;
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

gpointer
fd_test_new_filled (const FdTypeInfo *info,
                    guint             seed)
{
  gpointer self = fd_codec_new (info);

  fd_test_fill (info, self, seed);
  return self;
}

void
fd_test_reset_field (const FdTypeInfo *info,
                     gpointer          self,
                     guint             index)
{
  const FdFieldInfo *field = &info->fields[index];
  gpointer p = FIELD_PTR (self, field);

  switch (field->kind)
    {
    case FD_FIELD_INT64:
    case FD_FIELD_TIMESTAMP:
      *(gint64 *) p = 0;
      break;
    case FD_FIELD_INT:
    case FD_FIELD_ENUM:
      *(int *) p = 0;
      break;
    case FD_FIELD_BOOL:
      *(gboolean *) p = FALSE;
      break;
    case FD_FIELD_STRING:
      g_clear_pointer ((char **) p, g_free);
      break;
    case FD_FIELD_STRV:
      g_clear_pointer ((char ***) p, g_strfreev);
      break;
    case FD_FIELD_INT64_ARRAY:
      g_clear_pointer ((GArray **) p, g_array_unref);
      break;
    case FD_FIELD_OBJECT:
      fd_codec_free (field->child, *(gpointer *) p);
      *(gpointer *) p = NULL;
      break;
    case FD_FIELD_OBJECT_ARRAY:
      g_clear_pointer ((GPtrArray **) p, g_ptr_array_unref);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
fd_test_assert_round_trip (const FdTypeInfo *info,
                           gconstpointer     self)
{
  g_autoptr(JsonNode) node1 = fd_codec_to_json (info, self);
  g_autofree char *text1 = fd_json_to_string (node1, NULL);
  gsize direct_len = 0;
  g_autofree char *direct = fd_codec_to_text (info, self, &direct_len);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) parsed = fd_json_parse (text1, strlen (text1), FD_LIMIT_SERVER_FRAME_SIZE, &error);
  gpointer decoded;
  g_autoptr(JsonNode) node2 = NULL;
  g_autofree char *text2 = NULL;

  g_assert_no_error (error);
  /* The writer without a tree writes the same bytes. */
  g_assert_cmpstr (direct, ==, text1);
  g_assert_cmpuint (direct_len, ==, strlen (text1));
  decoded = fd_codec_from_json (info, parsed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_true (fd_codec_equal (info, self, decoded));
  node2 = fd_codec_to_json (info, decoded);
  text2 = fd_json_to_string (node2, NULL);
  g_assert_cmpstr (text1, ==, text2);
  g_assert_true (json_node_equal (node1, node2));
  fd_codec_free (info, decoded);
}

char *
fd_test_repeat (const char *unit,
                guint       n)
{
  GString *s = g_string_sized_new (strlen (unit) * n + 1);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}
