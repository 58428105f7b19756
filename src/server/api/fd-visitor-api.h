#pragma once

/* The visitor side (docs/protocol.md, "Visitor HTTP API" and "Visitor
 * websocket"): chat sessions and callback requests over HTTP, and the
 * visitor websocket whose token (in the query) is checked before the
 * upgrade. */

#include <libsoup/soup.h>

#include "fd-center-private.h"

G_BEGIN_DECLS

#define FD_VISITOR_API_PREFIX    "/api/visitor/v1"
#define FD_VISITOR_API_SESSIONS  FD_VISITOR_API_PREFIX "/sessions"
#define FD_VISITOR_API_CALLBACKS FD_VISITOR_API_PREFIX "/callbacks"
#define FD_VISITOR_API_SOCKET    FD_VISITOR_API_PREFIX "/socket"

/* Reads the browser and OS from a User-Agent header ("Unknown" when the
 * small table of known ones has no match). Both outputs are owned. */
void fd_visitor_parse_user_agent (const char     *user_agent,
                                  char          **out_browser,
                                  char          **out_os);

/* Unregisters and frees a visitor socket (the center does this when it goes
 * away first). */
void fd_visitor_socket_free      (FdVisitorConn  *self);

G_END_DECLS
