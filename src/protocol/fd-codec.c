#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-codec-private.h"

/* The table-driven codec: every struct described by an FdTypeInfo is
 * created, copied, compared and freed by walking its field table; enums
 * and timestamps to and from their wire form. Encoding is in
 * fd-codec-encode.c, decoding in fd-codec-decode.c, the limits in
 * fd-codec-limits.c and the strict JSON parser in fd-json-parser.c. */

/* Enum fields are stored as C enums, which GCC and Clang make int-sized. */
typedef enum { FD_CODEC_PROBE_ENUM } FdCodecProbeEnum;
G_STATIC_ASSERT (sizeof (FdCodecProbeEnum) == sizeof (int));

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

/* The seconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59Z: the
 * years GDateTime, and so fd_timestamp_from_string(), can hold. */
#define FD_TIMESTAMP_MIN_SECS G_GINT64_CONSTANT (-62135596800)
#define FD_TIMESTAMP_MAX_SECS G_GINT64_CONSTANT (253402300799)

/* Written by arithmetic rather than with a GDateTime (two allocations and
 * a format string per timestamp, several per chat message): the text of
 * g_date_time_format_iso8601() in UTC, "YYYY-MM-DDTHH:MM:SS[.ffffff]Z",
 * the fraction only when there is one. The date is H. Hinnant's
 * civil_from_days() (proleptic Gregorian calendar, as GDateTime's). */
gboolean
fd_timestamp_format (gint64 usec,
                     char   buf[FD_TIMESTAMP_BUF_SIZE])
{
  gint64 secs = usec / G_USEC_PER_SEC;
  gint64 frac = usec % G_USEC_PER_SEC;
  gint64 days, sod, z, era, doe, yoe, doy, mp, year, month, day;

  if (frac < 0)
    {
      secs -= 1;
      frac += G_USEC_PER_SEC;
    }
  if (secs < FD_TIMESTAMP_MIN_SECS || secs > FD_TIMESTAMP_MAX_SECS)
    return FALSE;
  days = secs / 86400;
  sod = secs % 86400;
  if (sod < 0)
    {
      days -= 1;
      sod += 86400;
    }
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (frac != 0)
    g_snprintf (buf, FD_TIMESTAMP_BUF_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
                (int) year, (int) month, (int) day, (int) (sod / 3600), (int) (sod / 60 % 60),
                (int) (sod % 60), (int) frac);
  else
    g_snprintf (buf, FD_TIMESTAMP_BUF_SIZE, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                (int) year, (int) month, (int) day, (int) (sod / 3600), (int) (sod / 60 % 60),
                (int) (sod % 60));
  return TRUE;
}

char *
fd_timestamp_to_string (gint64 usec)
{
  char buf[FD_TIMESTAMP_BUF_SIZE];

  return fd_timestamp_format (usec, buf) ? g_strdup (buf) : NULL;
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

GPtrArray *
fd_codec_object_array_new (const FdTypeInfo *child,
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
                GPtrArray *dst = fd_codec_object_array_new (field->child, src->len);

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
