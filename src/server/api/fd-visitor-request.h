#pragma once

/* The visitor HTTP API's requests as data: the raw body of POST /sessions
 * or POST /callbacks in, a validated request or a typed error out, with no
 * SoupServer involved (docs/protocol.md, "Visitor HTTP API"). The handlers
 * in fd-visitor-api.c call these; tests/fuzz/fuzz-visitor-request.c feeds
 * them anything. */

#include "fd-protocol.h"

G_BEGIN_DECLS

/* Errors are FD_PROTOCOL_ERROR: malformed (not a JSON object), too-large,
 * invalid-field or missing-field. */
FdVisitorSessionRequest *fd_visitor_request_parse_session  (const char  *data,
                                                            gsize        len,
                                                            GError     **error);
/* The same; the number comes back stripped and must not be blank. */
FdCallbackRequest       *fd_visitor_request_parse_callback (const char  *data,
                                                            gsize        len,
                                                            GError     **error);

G_END_DECLS
