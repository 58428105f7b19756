#pragma once

/* One agent websocket: decodes requests, answers each with one ack or error
 * and receives the events the center pushes (docs/protocol.md, "Agent
 * websocket"). It frees itself when the socket closes. */

#include <libsoup/soup.h>

#include "fd-agent-api.h"
#include "fd-ws-budget.h"

G_BEGIN_DECLS

/* How long a socket may stay without hello, in seconds (closed with 4408). */
#define FD_AGENT_SOCKET_HELLO_TIMEOUT 10
/* Websocket ping interval, in seconds: the API's one timer pings every
 * socket this often (FdWsSilence). */
#define FD_AGENT_SOCKET_KEEPALIVE     30
/* A socket silent (no frame, no pong) this long is closed, in seconds. */
#define FD_AGENT_SOCKET_SILENCE       90
/* A resume replays at most this many events or bytes of frames; past
 * either the socket gets a snapshot instead (docs/protocol.md). */
#define FD_AGENT_SOCKET_MAX_REPLAY_EVENTS 10000
#define FD_AGENT_SOCKET_MAX_REPLAY_BYTES  (4 * 1024 * 1024)
/* Undecodable frames within a minute before the socket is closed (1008). */
#define FD_AGENT_SOCKET_MAX_BAD       10

/* One connected agent websocket. */
struct _FdAgentConn {
  FdAgentApi              *api;            /* its registry */
  FdCenter                *center;
  SoupWebsocketConnection *conn;
  FdWsBudget              *budget;         /* every frame goes through it */
  gint64                   organization_id;
  gint64                   agent_id;
  char                    *token_hash;     /* to close it on sign-out */
  gboolean                 hello_done;     /* events flow only after hello */
  gint64                   last_seq;       /* last event seq sent */
  gboolean                 message_conversation; /* hello: skip folded events */
  guint                    hello_timeout_id;
  gint64                   expiry_due;     /* monotonic time to check the token again (the API's timer); 0: none */
  gint64                   bad_window_start;
  guint                    bad_frames;
};

/* Takes a reference on @conn and registers the socket with @api. */
FdAgentConn *fd_agent_socket_new (FdAgentApi              *api,
                                  FdCenter                *center,
                                  SoupWebsocketConnection *conn,
                                  const FdAgent           *agent,
                                  const char              *token_hash);
/* Unregisters and frees the socket without waiting for it to close (the
 * API does this when it goes away first). */
void         fd_agent_socket_free (FdAgentConn            *self);
/* The API's expiry timer: checks the token of an open socket now (closing
 * it with 4401 when it expired) and sets its next expiry_due. */
void         fd_agent_socket_check_expiry (FdAgentConn *self);

G_END_DECLS
