#define G_LOG_DOMAIN "fd-protocol"

#include <errno.h>
#include <string.h>

#include "fd-codec.h"
#include "fd-error.h"

/* Enum fields are stored as C enums, which GCC and Clang make int-sized. */
typedef enum { FD_CODEC_PROBE_ENUM } FdCodecProbeEnum;
G_STATIC_ASSERT (sizeof (FdCodecProbeEnum) == sizeof (int));
/* Every event, with the largest body, fits in a frame the server sends. */
G_STATIC_ASSERT (FD_LIMIT_EVENT_PAYLOAD + FD_LIMIT_EVENT_ENVELOPE <= FD_LIMIT_SERVER_FRAME_SIZE);

#define FIELD_PTR(self, field) ((guint8 *) (self) + (field)->offset)
#define CFIELD_PTR(self, field) ((const guint8 *) (self) + (field)->offset)

static guint
field_max (const FdFieldInfo *field)
{
  if (field->max > 0)
    return field->max;
  switch (field->kind)
    {
    case FD_FIELD_STRING:
      return FD_LIMIT_STRING;
    case FD_FIELD_STRV:
    case FD_FIELD_INT64_ARRAY:
    case FD_FIELD_OBJECT_ARRAY:
      return FD_LIMIT_ARRAY;
    case FD_FIELD_INT64:
    case FD_FIELD_INT:
    case FD_FIELD_BOOL:
    case FD_FIELD_TIMESTAMP:
    case FD_FIELD_ENUM:
    case FD_FIELD_OBJECT:
    default:
      return 0;
    }
}

const char *
fd_enum_to_string (const FdEnumInfo *info,
                   int               value)
{
  g_return_val_if_fail (info != NULL, NULL);

  if (value < 0 || (guint) value >= info->n_names)
    return NULL;
  return info->names[value];
}

gboolean
fd_enum_from_string (const FdEnumInfo *info,
                     const char       *str,
                     int              *out)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < info->n_names; i++)
    {
      if (info->names[i] != NULL && strcmp (info->names[i], str) == 0)
        {
          if (out != NULL)
            *out = (int) i;
          return TRUE;
        }
    }
  return FALSE;
}

char *
fd_timestamp_to_string (gint64 usec)
{
  g_autoptr(GDateTime) base = NULL;
  g_autoptr(GDateTime) dt = NULL;
  gint64 secs = usec / G_USEC_PER_SEC;
  gint64 frac = usec % G_USEC_PER_SEC;

  if (frac < 0)
    {
      secs -= 1;
      frac += G_USEC_PER_SEC;
    }
  base = g_date_time_new_from_unix_utc (secs);
  if (base == NULL)
    return NULL;
  dt = g_date_time_add (base, frac);
  if (dt == NULL)
    return NULL;
  return g_date_time_format_iso8601 (dt);
}

gboolean
fd_timestamp_from_string (const char *str,
                          gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *check = NULL;
  gint64 value;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  /* RFC 3339 needs a full date, a time and an offset; GLib also accepts
   * ISO 8601 forms such as week dates, which the wire does not allow. */
  len = strlen (str);
  if (len < 20 || len > 40 || str[4] != '-' || str[7] != '-' ||
      (str[10] != 'T' && str[10] != 't') || str[13] != ':' || str[16] != ':')
    return FALSE;
  for (guint i = 0; i < 19; i++)
    if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !g_ascii_isdigit (str[i]))
      return FALSE;
  dt = g_date_time_new_from_iso8601 (str, NULL);
  if (dt == NULL)
    return FALSE;
  value = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  /* A time that cannot be written back (past year 9999 in UTC) would not
   * survive a round trip. */
  check = fd_timestamp_to_string (value);
  if (check == NULL)
    return FALSE;
  *out = value;
  return TRUE;
}

/* --- new, clear, free, copy, equal -------------------------------------- */

gpointer
fd_codec_new (const FdTypeInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return g_malloc0 (info->size);
}

static void
field_clear (const FdFieldInfo *field,
             gpointer           self)
{
  gpointer p = FIELD_PTR (self, field);

  switch (field->kind)
    {
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
      if (*(gpointer *) p != NULL)
        fd_codec_free (field->child, *(gpointer *) p);
      *(gpointer *) p = NULL;
      break;
    case FD_FIELD_OBJECT_ARRAY:
      g_clear_pointer ((GPtrArray **) p, g_ptr_array_unref);
      break;
    case FD_FIELD_INT64:
    case FD_FIELD_INT:
    case FD_FIELD_BOOL:
    case FD_FIELD_TIMESTAMP:
    case FD_FIELD_ENUM:
    default:
      break;
    }
}

void
fd_codec_clear (const FdTypeInfo *info,
                gpointer          self)
{
  g_return_if_fail (info != NULL);

  if (self == NULL)
    return;
  for (guint i = 0; i < info->n_fields; i++)
    field_clear (&info->fields[i], self);
  memset (self, 0, info->size);
}

void
fd_codec_free (const FdTypeInfo *info,
               gpointer          self)
{
  g_return_if_fail (info != NULL);

  if (self == NULL)
    return;
  fd_codec_clear (info, self);
  g_free (self);
}

static GArray *
int64_array_copy (const GArray *src)
{
  GArray *dst = g_array_sized_new (FALSE, FALSE, sizeof (gint64), src->len);

  g_array_append_vals (dst, src->data, src->len);
  return dst;
}

static GPtrArray *
object_array_new (const FdTypeInfo *child,
                  guint             reserve)
{
  return g_ptr_array_new_full (reserve, child->free_func);
}

gpointer
fd_codec_copy (const FdTypeInfo *info,
               gconstpointer     self)
{
  gpointer copy;

  g_return_val_if_fail (info != NULL, NULL);

  if (self == NULL)
    return NULL;

  copy = g_malloc (info->size);
  memcpy (copy, self, info->size);

  for (guint i = 0; i < info->n_fields; i++)
    {
      const FdFieldInfo *field = &info->fields[i];
      gpointer p = FIELD_PTR (copy, field);

      switch (field->kind)
        {
        case FD_FIELD_STRING:
          *(char **) p = g_strdup (*(char **) p);
          break;
        case FD_FIELD_STRV:
          *(char ***) p = g_strdupv (*(char ***) p);
          break;
        case FD_FIELD_INT64_ARRAY:
          if (*(GArray **) p != NULL)
            *(GArray **) p = int64_array_copy (*(GArray **) p);
          break;
        case FD_FIELD_OBJECT:
          *(gpointer *) p = fd_codec_copy (field->child, *(gpointer *) p);
          break;
        case FD_FIELD_OBJECT_ARRAY:
          {
            GPtrArray *src = *(GPtrArray **) p;

            if (src != NULL)
              {
                GPtrArray *dst = object_array_new (field->child, src->len);

                for (guint j = 0; j < src->len; j++)
                  g_ptr_array_add (dst, fd_codec_copy (field->child, g_ptr_array_index (src, j)));
                *(GPtrArray **) p = dst;
              }
          }
          break;
        case FD_FIELD_INT64:
        case FD_FIELD_INT:
        case FD_FIELD_BOOL:
        case FD_FIELD_TIMESTAMP:
        case FD_FIELD_ENUM:
        default:
          break;
        }
    }
  return copy;
}

static gboolean
field_equal (const FdFieldInfo *field,
             gconstpointer      a,
             gconstpointer      b)
{
  const guint8 *pa = CFIELD_PTR (a, field);
  const guint8 *pb = CFIELD_PTR (b, field);

  switch (field->kind)
    {
    case FD_FIELD_INT64:
    case FD_FIELD_TIMESTAMP:
      return *(const gint64 *) pa == *(const gint64 *) pb;
    case FD_FIELD_INT:
    case FD_FIELD_ENUM:
      return *(const int *) pa == *(const int *) pb;
    case FD_FIELD_BOOL:
      return !*(const gboolean *) pa == !*(const gboolean *) pb;
    case FD_FIELD_STRING:
      return g_strcmp0 (*(char * const *) pa, *(char * const *) pb) == 0;
    case FD_FIELD_STRV:
      {
        char * const *sa = *(char ** const *) pa;
        char * const *sb = *(char ** const *) pb;

        if (sa == NULL || sb == NULL)
          return sa == sb;
        return g_strv_equal ((const char * const *) sa, (const char * const *) sb);
      }
    case FD_FIELD_INT64_ARRAY:
      {
        const GArray *aa = *(GArray * const *) pa;
        const GArray *ab = *(GArray * const *) pb;

        if (aa == NULL || ab == NULL)
          return aa == ab;
        return aa->len == ab->len &&
               (aa->len == 0 || memcmp (aa->data, ab->data, aa->len * sizeof (gint64)) == 0);
      }
    case FD_FIELD_OBJECT:
      return fd_codec_equal (field->child, *(gconstpointer const *) pa, *(gconstpointer const *) pb);
    case FD_FIELD_OBJECT_ARRAY:
      {
        const GPtrArray *aa = *(GPtrArray * const *) pa;
        const GPtrArray *ab = *(GPtrArray * const *) pb;

        if (aa == NULL || ab == NULL)
          return aa == ab;
        if (aa->len != ab->len)
          return FALSE;
        for (guint i = 0; i < aa->len; i++)
          if (!fd_codec_equal (field->child, g_ptr_array_index (aa, i), g_ptr_array_index (ab, i)))
            return FALSE;
        return TRUE;
      }
    default:
      g_assert_not_reached ();
    }
}

gboolean
fd_codec_equal (const FdTypeInfo *info,
                gconstpointer     a,
                gconstpointer     b)
{
  g_return_val_if_fail (info != NULL, FALSE);

  if (a == NULL || b == NULL)
    return a == b;
  for (guint i = 0; i < info->n_fields; i++)
    if (!field_equal (&info->fields[i], a, b))
      return FALSE;
  return TRUE;
}

/* --- encoding ------------------------------------------------------------ */

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

/* --- decoding ------------------------------------------------------------ */

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
      return decode_string (node, path->str, field_max (field), (char **) p, error);

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

        if (!check_array (node, path->str, field_max (field), &arr, error))
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

        if (!check_array (node, path->str, field_max (field), &arr, error))
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

        if (!check_array (node, path->str, field_max (field), &arr, error))
          return FALSE;
        n = json_array_get_length (arr);
        list = object_array_new (field->child, n);
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
  list = object_array_new (info, n);
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

/* --- raw bytes ----------------------------------------------------------- */

/* A strict RFC 8259 parser building json-glib trees. json-glib's own parser
 * recurses without a depth limit, accepts lone UTF-16 surrogates and more
 * than JSON (comments, single quotes, trailing text on some paths) and leaks
 * memory on several syntax errors; input from the network never reaches it. */

typedef struct {
  const char *data;
  gsize       len;
  gsize       pos;
  GError    **error;
} Parser;

static gboolean
parse_fail (Parser     *p,
            const char *what)
{
  g_set_error (p->error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
               "The frame is not valid JSON: %s at byte %" G_GSIZE_FORMAT ".", what, p->pos);
  return FALSE;
}

static void
skip_ws (Parser *p)
{
  while (p->pos < p->len &&
         (p->data[p->pos] == ' ' || p->data[p->pos] == '\t' ||
          p->data[p->pos] == '\n' || p->data[p->pos] == '\r'))
    p->pos++;
}

static gboolean
read_hex4 (Parser *p,
           guint  *out)
{
  guint value = 0;

  if (p->len - p->pos < 4)
    return parse_fail (p, "a truncated \\u escape");
  for (guint k = 0; k < 4; k++)
    {
      int digit = g_ascii_xdigit_value (p->data[p->pos + k]);

      if (digit < 0)
        return parse_fail (p, "a \\u escape without four hex digits");
      value = value * 16 + (guint) digit;
    }
  p->pos += 4;
  *out = value;
  return TRUE;
}

/* At the opening quote; returns the decoded text. */
static char *
parse_string (Parser *p)
{
  g_autoptr(GString) s = g_string_new (NULL);

  p->pos++;
  for (;;)
    {
      guchar c;

      if (p->pos >= p->len)
        {
          parse_fail (p, "an unterminated string");
          return NULL;
        }
      c = (guchar) p->data[p->pos];
      if (c == '"')
        {
          p->pos++;
          return g_string_free (g_steal_pointer (&s), FALSE);
        }
      if (c < 0x20)
        {
          parse_fail (p, "a control character inside a string");
          return NULL;
        }
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          p->pos++;
          continue;
        }

      p->pos++;
      if (p->pos >= p->len)
        {
          parse_fail (p, "a truncated escape");
          return NULL;
        }
      c = (guchar) p->data[p->pos++];
      switch (c)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (s, (char) c);
          break;
        case 'b':
          g_string_append_c (s, '\b');
          break;
        case 'f':
          g_string_append_c (s, '\f');
          break;
        case 'n':
          g_string_append_c (s, '\n');
          break;
        case 'r':
          g_string_append_c (s, '\r');
          break;
        case 't':
          g_string_append_c (s, '\t');
          break;
        case 'u':
          {
            guint unit, low;
            gunichar ch;

            if (!read_hex4 (p, &unit))
              return NULL;
            if (unit >= 0xDC00 && unit <= 0xDFFF)
              {
                parse_fail (p, "a lone low surrogate escape");
                return NULL;
              }
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                if (p->len - p->pos < 2 || p->data[p->pos] != '\\' || p->data[p->pos + 1] != 'u')
                  {
                    parse_fail (p, "a high surrogate escape without its low half");
                    return NULL;
                  }
                p->pos += 2;
                if (!read_hex4 (p, &low))
                  return NULL;
                if (low < 0xDC00 || low > 0xDFFF)
                  {
                    parse_fail (p, "a high surrogate escape without its low half");
                    return NULL;
                  }
                ch = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
              }
            else
              ch = unit;
            /* Strings are NUL-terminated C strings in the structs. */
            if (ch == 0)
              {
                parse_fail (p, "an escaped NUL character");
                return NULL;
              }
            g_string_append_unichar (s, ch);
          }
          break;
        default:
          p->pos--;
          parse_fail (p, "an unknown escape");
          return NULL;
        }
    }
}

static JsonNode *
parse_number (Parser *p)
{
  gsize start = p->pos;
  gboolean integral = TRUE;
  JsonNode *node;
  g_autofree char *text = NULL;

  if (p->data[p->pos] == '-')
    p->pos++;
  if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
    {
      parse_fail (p, "a number without digits");
      return NULL;
    }
  if (p->data[p->pos] == '0')
    p->pos++;
  else
    while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
      p->pos++;
  if (p->pos < p->len && p->data[p->pos] == '.')
    {
      integral = FALSE;
      p->pos++;
      if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
        {
          parse_fail (p, "a number without digits after the point");
          return NULL;
        }
      while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
        p->pos++;
    }
  if (p->pos < p->len && (p->data[p->pos] == 'e' || p->data[p->pos] == 'E'))
    {
      integral = FALSE;
      p->pos++;
      if (p->pos < p->len && (p->data[p->pos] == '+' || p->data[p->pos] == '-'))
        p->pos++;
      if (p->pos >= p->len || !g_ascii_isdigit (p->data[p->pos]))
        {
          parse_fail (p, "a number without exponent digits");
          return NULL;
        }
      while (p->pos < p->len && g_ascii_isdigit (p->data[p->pos]))
        p->pos++;
    }

  text = g_strndup (p->data + start, p->pos - start);
  node = json_node_new (JSON_NODE_VALUE);
  if (integral)
    {
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (text, NULL, 10);
      /* An integer beyond 64 bits is kept as a number with a fraction, which
       * no integer field accepts. */
      if (errno == 0)
        {
          json_node_set_int (node, value);
          return node;
        }
    }
  json_node_set_double (node, g_ascii_strtod (text, NULL));
  return node;
}

static gboolean
match_word (Parser     *p,
            const char *word)
{
  gsize n = strlen (word);

  if (p->len - p->pos < n || memcmp (p->data + p->pos, word, n) != 0)
    return parse_fail (p, "an unexpected character");
  p->pos += n;
  return TRUE;
}

static JsonNode *parse_value (Parser *p,
                              guint   depth);

static JsonNode *
parse_container (Parser *p,
                 guint   depth)
{
  gboolean is_object = p->data[p->pos] == '{';
  char close = is_object ? '}' : ']';
  g_autoptr(JsonNode) node = json_node_new (is_object ? JSON_NODE_OBJECT : JSON_NODE_ARRAY);
  JsonObject *obj = NULL;
  JsonArray *arr = NULL;

  if (depth > FD_LIMIT_DEPTH)
    {
      g_set_error (p->error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_DEEP,
                   "The frame nests arrays and objects more than %d levels deep.", FD_LIMIT_DEPTH);
      return NULL;
    }
  if (is_object)
    {
      obj = json_object_new ();
      json_node_take_object (node, obj);
    }
  else
    {
      arr = json_array_new ();
      json_node_take_array (node, arr);
    }

  p->pos++;
  skip_ws (p);
  if (p->pos < p->len && p->data[p->pos] == close)
    {
      p->pos++;
      return g_steal_pointer (&node);
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *child;

      skip_ws (p);
      if (is_object)
        {
          if (p->pos >= p->len || p->data[p->pos] != '"')
            {
              parse_fail (p, "a member without a quoted name");
              return NULL;
            }
          name = parse_string (p);
          if (name == NULL)
            return NULL;
          skip_ws (p);
          if (p->pos >= p->len || p->data[p->pos] != ':')
            {
              parse_fail (p, "a member name without a colon");
              return NULL;
            }
          p->pos++;
        }
      child = parse_value (p, depth);
      if (child == NULL)
        return NULL;
      if (is_object)
        json_object_set_member (obj, name, child);
      else
        json_array_add_element (arr, child);

      skip_ws (p);
      if (p->pos >= p->len)
        {
          parse_fail (p, "an unterminated array or object");
          return NULL;
        }
      if (p->data[p->pos] == ',')
        {
          p->pos++;
          continue;
        }
      if (p->data[p->pos] == close)
        {
          p->pos++;
          return g_steal_pointer (&node);
        }
      parse_fail (p, "a missing comma");
      return NULL;
    }
}

static JsonNode *
parse_value (Parser *p,
             guint   depth)
{
  JsonNode *node;

  skip_ws (p);
  if (p->pos >= p->len)
    {
      parse_fail (p, "a missing value");
      return NULL;
    }
  switch (p->data[p->pos])
    {
    case '{':
    case '[':
      return parse_container (p, depth + 1);
    case '"':
      {
        g_autofree char *str = parse_string (p);

        if (str == NULL)
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, str);
        return node;
      }
    case 't':
    case 'f':
      {
        gboolean value = p->data[p->pos] == 't';

        if (!match_word (p, value ? "true" : "false"))
          return NULL;
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_boolean (node, value);
        return node;
      }
    case 'n':
      if (!match_word (p, "null"))
        return NULL;
      return json_node_new (JSON_NODE_NULL);
    default:
      if (p->data[p->pos] == '-' || g_ascii_isdigit (p->data[p->pos]))
        return parse_number (p);
      parse_fail (p, "an unexpected character");
      return NULL;
    }
}

gboolean
fd_json_check_bytes (const char *data,
                     gsize       len,
                     gsize       max_size,
                     GError    **error)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len > max_size)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_LARGE,
                   "The frame is %" G_GSIZE_FORMAT " bytes long; the limit is %" G_GSIZE_FORMAT " bytes.",
                   len, max_size);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame is not valid UTF-8 text.");
      return FALSE;
    }
  /* g_utf8_validate_len() accepts NUL bytes; JSON text has none. */
  if (len > 0 && memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame contains a NUL byte.");
      return FALSE;
    }
  return TRUE;
}

JsonNode *
fd_json_parse (const char *data,
               gsize       len,
               gsize       max_size,
               GError    **error)
{
  Parser p = { data, len, 0, error };
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fd_json_check_bytes (data, len, max_size, error))
    return NULL;

  skip_ws (&p);
  if (p.pos >= p.len)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "The frame is empty; it must be a JSON object.");
      return NULL;
    }
  root = parse_value (&p, 0);
  if (root == NULL)
    return NULL;
  skip_ws (&p);
  if (p.pos < p.len)
    {
      parse_fail (&p, "text after the end of the value");
      return NULL;
    }
  return g_steal_pointer (&root);
}

/* --- reading one member without a tree ------------------------------------ */

/* Past the string at the opening quote, without decoding it. */
static gboolean
scan_string (Parser *p)
{
  for (p->pos++; p->pos < p->len; p->pos++)
    {
      if (p->data[p->pos] == '"')
        {
          p->pos++;
          return TRUE;
        }
      if (p->data[p->pos] == '\\')
        p->pos++;
    }
  return FALSE;
}

/* Past one value of any depth: brackets are counted, not recursed into. The
 * structure inside is not checked; only where the value ends matters. */
static gboolean
scan_value (Parser *p)
{
  gsize depth = 0;

  for (;;)
    {
      char c;

      skip_ws (p);
      if (p->pos >= p->len)
        return FALSE;
      c = p->data[p->pos];
      if (c == '"')
        {
          if (!scan_string (p))
            return FALSE;
        }
      else if (c == '{' || c == '[')
        {
          depth++;
          p->pos++;
          continue;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return FALSE;
          depth--;
          p->pos++;
        }
      else if (c == ',' || c == ':')
        {
          if (depth == 0)
            return FALSE;
          p->pos++;
          continue;
        }
      else
        {
          /* A number or a literal, up to the next delimiter; its first
           * byte is not one, so the scan always moves on. */
          do
            p->pos++;
          while (p->pos < p->len && p->data[p->pos] != '\0' &&
                 strchr (",:[]{}\" \t\r\n", p->data[p->pos]) == NULL);
        }
      if (depth == 0)
        return TRUE;
    }
}

char *
fd_json_peek_string_member (const char *data,
                            gsize       len,
                            const char *name)
{
  Parser p = { data, len, 0, NULL };
  g_autofree char *found = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  skip_ws (&p);
  if (p.pos >= p.len || p.data[p.pos] != '{')
    return NULL;
  p.pos++;
  skip_ws (&p);
  if (p.pos < p.len && p.data[p.pos] == '}')
    return NULL;

  /* Member by member; like the parser, the last of duplicate names wins. */
  for (;;)
    {
      g_autofree char *key = NULL;

      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != '"' || (key = parse_string (&p)) == NULL)
        break;
      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != ':')
        break;
      p.pos++;
      skip_ws (&p);
      if (strcmp (key, name) == 0)
        {
          g_clear_pointer (&found, g_free);
          if (p.pos < p.len && p.data[p.pos] == '"')
            {
              found = parse_string (&p);
              if (found == NULL)
                break;
            }
          else if (!scan_value (&p))
            break;
        }
      else if (!scan_value (&p))
        break;
      skip_ws (&p);
      if (p.pos >= p.len || p.data[p.pos] != ',')
        break;
      p.pos++;
    }
  return g_steal_pointer (&found);
}

/* --- writing -------------------------------------------------------------- */

/* Bytes of the longest value of @field as fd_codec_to_json() then
 * fd_json_to_string() write it, without its name. */
static gsize
field_max_json_size (const FdFieldInfo *field)
{
  /* "-9223372036854775808", "-2147483648", "false", a quoted
   * "9999-12-31T23:59:59.999999Z". */
  const gsize int64_size = 20, int_size = 11, bool_size = 5, time_size = 29;
  gsize n = field_max (field);

  switch (field->kind)
    {
    case FD_FIELD_INT64:
      return int64_size;
    case FD_FIELD_INT:
      return int_size;
    case FD_FIELD_BOOL:
      return bool_size;
    case FD_FIELD_TIMESTAMP:
      return time_size;
    case FD_FIELD_STRING:
      return 2 + n * FD_JSON_CHAR_OUT_MAX;
    case FD_FIELD_ENUM:
      {
        gsize longest = 0;

        for (guint i = 0; i < field->enum_info->n_names; i++)
          if (field->enum_info->names[i] != NULL)
            longest = MAX (longest, strlen (field->enum_info->names[i]));
        return 2 + longest;
      }
    case FD_FIELD_STRV:
      return 2 + n * (3 + FD_LIMIT_STRING * FD_JSON_CHAR_OUT_MAX);
    case FD_FIELD_INT64_ARRAY:
      return 2 + n * (1 + int64_size);
    case FD_FIELD_OBJECT:
      return fd_codec_max_json_size (field->child);
    case FD_FIELD_OBJECT_ARRAY:
      return 2 + n * (1 + fd_codec_max_json_size (field->child));
    default:
      g_assert_not_reached ();
    }
}

gsize
fd_codec_max_json_size (const FdTypeInfo *info)
{
  gsize size = 2;  /* {} */

  g_return_val_if_fail (info != NULL, 0);

  for (guint i = 0; i < info->n_fields; i++)
    /* ,"name": then the value */
    size += 1 + strlen (info->fields[i].name) + 3 + field_max_json_size (&info->fields[i]);
  return size;
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
