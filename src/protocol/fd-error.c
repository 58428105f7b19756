#define G_LOG_DOMAIN "fd-protocol"

#include "fd-error.h"
#include "fd-codec.h"

G_DEFINE_QUARK (fd-protocol-error-quark, fd_protocol_error)

static const char * const wire_error_names[] = {
  [FD_WIRE_ERROR_MALFORMED] = "malformed",
  [FD_WIRE_ERROR_UNKNOWN_TYPE] = "unknown-type",
  [FD_WIRE_ERROR_INVALID_FIELD] = "invalid-field",
  [FD_WIRE_ERROR_TOO_LARGE] = "too-large",
  [FD_WIRE_ERROR_UNAUTHORIZED] = "unauthorized",
  [FD_WIRE_ERROR_FORBIDDEN] = "forbidden",
  [FD_WIRE_ERROR_NOT_FOUND] = "not-found",
  [FD_WIRE_ERROR_CONFLICT] = "conflict",
  [FD_WIRE_ERROR_INVALID_STATE] = "invalid-state",
  [FD_WIRE_ERROR_RATE_LIMITED] = "rate-limited",
  [FD_WIRE_ERROR_STREAM_INACTIVE] = "stream-inactive",
  [FD_WIRE_ERROR_INTERNAL] = "internal",
};

const FdEnumInfo fd_wire_error_enum = {
  "error code", wire_error_names, G_N_ELEMENTS (wire_error_names)
};

const char *
fd_wire_error_to_string (FdWireError value)
{
  return fd_enum_to_string (&fd_wire_error_enum, (int) value);
}

gboolean
fd_wire_error_from_string (const char  *str,
                           FdWireError *out)
{
  int value;

  if (!fd_enum_from_string (&fd_wire_error_enum, str, &value))
    return FALSE;
  if (out != NULL)
    *out = (FdWireError) value;
  return TRUE;
}

FdWireError
fd_wire_error_from_gerror (const GError *error)
{
  g_return_val_if_fail (error != NULL, FD_WIRE_ERROR_INTERNAL);

  if (error->domain != FD_PROTOCOL_ERROR)
    return FD_WIRE_ERROR_INTERNAL;

  switch ((FdProtocolError) error->code)
    {
    case FD_PROTOCOL_ERROR_MALFORMED:
      return FD_WIRE_ERROR_MALFORMED;
    case FD_PROTOCOL_ERROR_UNKNOWN_TYPE:
      return FD_WIRE_ERROR_UNKNOWN_TYPE;
    case FD_PROTOCOL_ERROR_INVALID_FIELD:
    case FD_PROTOCOL_ERROR_MISSING_FIELD:
      return FD_WIRE_ERROR_INVALID_FIELD;
    case FD_PROTOCOL_ERROR_TOO_LARGE:
    case FD_PROTOCOL_ERROR_TOO_DEEP:
      return FD_WIRE_ERROR_TOO_LARGE;
    default:
      return FD_WIRE_ERROR_INTERNAL;
    }
}

guint
fd_wire_error_get_http_status (FdWireError value)
{
  switch (value)
    {
    case FD_WIRE_ERROR_MALFORMED:
    case FD_WIRE_ERROR_UNKNOWN_TYPE:
    case FD_WIRE_ERROR_INVALID_FIELD:
      return 400;
    case FD_WIRE_ERROR_TOO_LARGE:
      return 413;
    case FD_WIRE_ERROR_UNAUTHORIZED:
      return 401;
    case FD_WIRE_ERROR_FORBIDDEN:
      return 403;
    case FD_WIRE_ERROR_NOT_FOUND:
    case FD_WIRE_ERROR_STREAM_INACTIVE:
      return 404;
    case FD_WIRE_ERROR_CONFLICT:
    case FD_WIRE_ERROR_INVALID_STATE:
      return 409;
    case FD_WIRE_ERROR_RATE_LIMITED:
      return 429;
    case FD_WIRE_ERROR_INTERNAL:
    default:
      return 500;
    }
}
