#pragma once

/* Internals of the visitor API shared by fd-visitor-api.c (HTTP, the
 * handshake and the registry of sockets) and fd-visitor-socket.c (one
 * websocket). */

#include "fd-visitor-api.h"

#include "fd-api-http.h"
#include "fd-rate-limit.h"
#include "fd-ws-budget.h"
#include "fd-ws-silence.h"

G_BEGIN_DECLS

struct _FdVisitorApi
{
  FdCenter        *center;
  FdApiMount       mount;
  FdVisitorLimits  limits;
  FdRateLimit     *create_limit;   /* per client address: sessions + callbacks */
  FdRateLimit     *message_limit;  /* per conversation: send-message */
  FdRateLimit     *typing_limit;   /* per conversation: typing */
  GPtrArray       *sockets;        /* FdVisitorConn*, each frees itself at close */
  GHashTable      *socket_ips;     /* FdVisitorConn* → char* client address */
  GHashTable      *ip_sockets;     /* char* client address → open sockets (GUINT) */
  FdWsSilence     *silence;        /* one timer pings every socket, closes the silent */
};

/* One connected visitor websocket. */
typedef struct {
  FdVisitorApi            *api;            /* its registry */
  FdCenter                *center;
  SoupWebsocketConnection *conn;
  FdWsBudget              *budget;         /* every frame goes through it */
  gint64                   organization_id;
  gint64                   conversation_id;
  gboolean                 hello_done;
  guint                    hello_timeout_id; /* closes a socket that never says hello */
} FdVisitorConn;

/* How long a visitor socket may stay without hello, in seconds (closed with
 * 4408, as an agent's). */
#define FD_VISITOR_SOCKET_HELLO_TIMEOUT 10
/* Websocket ping interval and the silence (no frame, no pong) after which a
 * socket is closed with 1001, in seconds, as an agent's (FdWsSilence). */
#define FD_VISITOR_SOCKET_KEEPALIVE     30
#define FD_VISITOR_SOCKET_SILENCE       90

/* Takes a reference on @connection; the caller registers the socket. */
FdVisitorConn *fd_visitor_socket_new        (FdVisitorApi            *api,
                                             FdCenter                *center,
                                             SoupWebsocketConnection *connection,
                                             gint64                   organization_id,
                                             gint64                   conversation_id);
/* Unregisters and frees a visitor socket (the API does this when it goes
 * away first). */
void           fd_visitor_socket_free       (FdVisitorConn           *self);
void           fd_visitor_api_remove_socket (FdVisitorApi            *self,
                                             FdVisitorConn           *conn);

G_END_DECLS
