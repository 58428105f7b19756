#pragma once

/* The agent HTTP API (docs/protocol.md, "Agent sign-in"): sign-in and
 * sign-out under /api/agent/v1/sessions, and the agent websocket at
 * /api/agent/v1/socket whose token is checked before the upgrade. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-api-http.h"
#include "fd-center.h"

G_BEGIN_DECLS

#define FD_AGENT_API_PREFIX      "/api/agent/v1"
#define FD_AGENT_API_SESSIONS    FD_AGENT_API_PREFIX "/sessions"
#define FD_AGENT_API_SOCKET      FD_AGENT_API_PREFIX "/socket"

/* Failed sign-ins from one address within a minute before 429. */
#define FD_AGENT_API_MAX_FAILURES 10

typedef struct _FdAgentApi FdAgentApi;
typedef struct _FdAgentConn FdAgentConn;

/* Keeps the registry of agent sockets and subscribes it to @center, which
 * must outlive the API. */
FdAgentApi *fd_agent_api_new           (FdCenter    *center);
void        fd_agent_api_attach        (FdAgentApi  *self,
                                        SoupServer  *server);
/* Frees the sockets still open and unsubscribes from the center. */
void        fd_agent_api_free          (FdAgentApi  *self);

/* The registry (fd-agent-socket.c). */
void        fd_agent_api_add_socket    (FdAgentApi  *self,
                                        FdAgentConn *conn);
void        fd_agent_api_remove_socket (FdAgentApi  *self,
                                        FdAgentConn *conn);
/* Makes the API's one expiry timer fire by @due (monotonic time), when it
 * calls fd_agent_socket_check_expiry() on every socket then due. */
void        fd_agent_api_schedule_expiry (FdAgentApi *self,
                                          gint64      due);

G_END_DECLS
