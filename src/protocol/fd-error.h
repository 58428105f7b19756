#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the JSON codec: what was wrong with bytes or a JSON tree that
 * did not decode into a typed struct. */
#define FD_PROTOCOL_ERROR (fd_protocol_error_quark ())

typedef enum {
  FD_PROTOCOL_ERROR_MALFORMED,      /* not JSON, not UTF-8, not an object */
  FD_PROTOCOL_ERROR_UNKNOWN_TYPE,   /* a frame "type" this side does not know */
  FD_PROTOCOL_ERROR_INVALID_FIELD,  /* wrong JSON type, bad enum or timestamp, too long */
  FD_PROTOCOL_ERROR_MISSING_FIELD,  /* a required field is absent or null */
  FD_PROTOCOL_ERROR_TOO_LARGE,      /* frame over the size limit */
  FD_PROTOCOL_ERROR_TOO_DEEP,       /* nesting over FD_LIMIT_DEPTH */
} FdProtocolError;

GQuark fd_protocol_error_quark (void);

/* The error codes that travel on the wire, in "error" frames and in HTTP
 * error bodies (docs/protocol.md, "Error codes"). */
typedef enum {
  FD_WIRE_ERROR_MALFORMED,
  FD_WIRE_ERROR_UNKNOWN_TYPE,
  FD_WIRE_ERROR_INVALID_FIELD,
  FD_WIRE_ERROR_TOO_LARGE,
  FD_WIRE_ERROR_UNAUTHORIZED,
  FD_WIRE_ERROR_FORBIDDEN,
  FD_WIRE_ERROR_NOT_FOUND,
  FD_WIRE_ERROR_CONFLICT,
  FD_WIRE_ERROR_INVALID_STATE,
  FD_WIRE_ERROR_RATE_LIMITED,
  FD_WIRE_ERROR_STREAM_INACTIVE,
  FD_WIRE_ERROR_INTERNAL,
} FdWireError;

const char *fd_wire_error_to_string   (FdWireError  value);
/* The HTTP status that carries @value (the table of docs/protocol.md). */
guint       fd_wire_error_get_http_status (FdWireError value);
gboolean    fd_wire_error_from_string (const char  *str,
                                       FdWireError *out);

/* The wire code to report for a codec error; FD_WIRE_ERROR_INTERNAL for
 * errors of any other domain. */
FdWireError fd_wire_error_from_gerror (const GError *error);

G_END_DECLS
