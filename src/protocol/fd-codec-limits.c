#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-codec-private.h"

/* Limits: the default length of a field, and the most bytes a struct can
 * take as JSON (docs/protocol.md, "Limits"). */

/* Every event, with the largest body, fits in a frame the server sends. */
G_STATIC_ASSERT (FD_LIMIT_EVENT_PAYLOAD + FD_LIMIT_EVENT_ENVELOPE <= FD_LIMIT_SERVER_FRAME_SIZE);

guint
fd_codec_field_max (const FdFieldInfo *field)
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

/* Bytes of the longest value of @field as fd_codec_to_json() then
 * fd_json_to_string() write it, without its name. */
static gsize
field_max_json_size (const FdFieldInfo *field)
{
  /* "-9223372036854775808", "-2147483648", "false", a quoted
   * "9999-12-31T23:59:59.999999Z". */
  const gsize int64_size = 20, int_size = 11, bool_size = 5, time_size = 29;
  gsize n = fd_codec_field_max (field);

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
