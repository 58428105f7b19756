#pragma once

/* The agent HTTP API (docs/protocol.md, "Agent sign-in"): sign-in and
 * sign-out under /api/agent/v1/sessions, and the agent websocket at
 * /api/agent/v1/socket whose token is checked before the upgrade. Also the
 * small HTTP helpers the visitor API shares. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-center-private.h"

G_BEGIN_DECLS

#define FD_AGENT_API_PREFIX      "/api/agent/v1"
#define FD_AGENT_API_SESSIONS    FD_AGENT_API_PREFIX "/sessions"
#define FD_AGENT_API_SOCKET      FD_AGENT_API_PREFIX "/socket"

/* Failed sign-ins from one address within a minute before 429. */
#define FD_AGENT_API_MAX_FAILURES 10

/* Answers with a JSON body (@node is taken). */
void        fd_api_respond_json   (SoupServerMessage *msg,
                                   guint              status,
                                   JsonNode          *node);
/* Answers with an error body {"code", "message", "retry_after"} and the
 * code's HTTP status. */
void        fd_api_respond_error  (SoupServerMessage *msg,
                                   FdWireError        code,
                                   const char        *message,
                                   gint               retry_after);
void        fd_api_respond_gerror (SoupServerMessage *msg,
                                   const GError      *error);
/* Parses the request body as a JSON object within the client frame limit. */
JsonNode   *fd_api_read_body      (SoupServerMessage *msg,
                                   GError           **error);
/* The "id" of a frame that did not decode, when it can be read; else NULL. */
char       *fd_api_peek_frame_id  (const char        *data,
                                   gsize              len);
/* The bearer token of the Authorization header, or NULL. */
char       *fd_api_dup_bearer     (SoupServerMessage *msg);

G_END_DECLS
