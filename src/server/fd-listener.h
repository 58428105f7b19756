#pragma once

/* FdListener: frontdeskd's own accept loop in front of libsoup
 * (docs/admin.md, "Connections and limits").
 *
 * libsoup's listener gives no say over the listen backlog, stops accepting
 * for good when accept() fails once (EMFILE) and cannot refuse a connection
 * before it costs a descriptor and a parser. This one listens with the
 * system's maximum backlog, counts every connection (in total and per remote
 * address), refuses those over a limit with a short HTTP answer that says
 * why, closes connections that send no request headers in time or stall in
 * the middle of a request, backs off and resumes when descriptors run out,
 * and hands every accepted connection to the SoupServer.
 *
 * Websockets leave the HTTP deadlines once upgraded (their sockets keep
 * their own hello and silence timeouts). */

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _FdListener FdListener;

typedef struct {
  guint max_connections;     /* every open connection; 0 = from the descriptor limit */
  guint max_per_address;     /* from one remote address, authenticated agents aside */
  guint header_timeout;      /* seconds from accept (or the last request) to complete headers */
  guint request_timeout;     /* seconds a request body may go without progress */
} FdListenerLimits;

#define FD_LISTENER_DEFAULT_MAX_PER_ADDRESS 256
#define FD_LISTENER_DEFAULT_HEADER_TIMEOUT  10
#define FD_LISTENER_DEFAULT_REQUEST_TIMEOUT 30
/* Descriptors kept out of the connection limit: database, uploads, logs. */
#define FD_LISTENER_RESERVED_FDS            64

/* Fills @limits with the defaults (max_connections from the descriptor limit). */
void          fd_listener_limits_init         (FdListenerLimits        *limits);

FdListener   *fd_listener_new                 (SoupServer              *server,
                                               const FdListenerLimits  *limits);
void          fd_listener_free                (FdListener              *self);
/* Binds and listens on @address (port 0: the kernel picks). */
gboolean      fd_listener_listen              (FdListener              *self,
                                               GSocketAddress          *address,
                                               GError                 **error);
/* The bound address, or NULL before fd_listener_listen(). */
GSocketAddress *fd_listener_get_local_address (FdListener              *self);
guint         fd_listener_get_n_connections   (FdListener              *self);

/* The raw socket under a request being served, or NULL when the request did
 * not come through an FdListener. */
GSocket      *fd_listener_get_message_socket  (SoupServerMessage       *msg);
/* The raw socket under a websocket, or NULL. */
GSocket      *fd_listener_get_websocket_socket (SoupWebsocketConnection *conn);

/* Answers @msg at once, before its body is read: writes the status line,
 * "Connection: close" and @body straight to the socket, shuts the write side
 * and discards what the client still sends for a few seconds, so that a
 * client in the middle of a large upload still reads the answer. Also sets
 * the status on @msg so that no handler runs and libsoup does not keep the
 * body. Falls back to setting the status alone when the request did not come
 * through an FdListener. */
void          fd_listener_reject_now          (SoupServerMessage       *msg,
                                               guint                    status,
                                               const char              *content_type,
                                               const char              *body);

/* Called by the websocket handlers once the upgrade is done: the connection
 * leaves the HTTP deadlines. With @authenticated (an agent whose token was
 * checked) it also leaves the per-address count, so that an office behind
 * one address is not limited like anonymous visitors. */
void          fd_listener_websocket_started   (SoupWebsocketConnection *conn,
                                               gboolean                 authenticated);

G_END_DECLS
