#define G_LOG_DOMAIN "fd-listener"

#include "fd-listener.h"

#include <errno.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* How many connections one wake-up accepts before the loop runs others. */
#define ACCEPT_BATCH          64
/* After accept() failed for want of descriptors: first and longest pause. */
#define BACKOFF_FIRST_MS      50
#define BACKOFF_MAX_MS        2000
/* How long a refused upload is still read (and thrown away) after the
 * answer, so that the client reads the answer instead of a reset. */
#define LINGER_SECONDS        5
/* Refusals are logged at most this often, with their count. */
#define LOG_EVERY_USEC        (10 * G_USEC_PER_SEC)
/* libsoup 3.2 has no name for it. */
#define HTTP_TOO_MANY_REQUESTS 429

typedef struct _Conn Conn;

struct _FdListener
{
  SoupServer       *server;
  FdListenerLimits  limits;
  GSocket          *socket;
  GSource          *accept_source;
  guint             retry_id;
  guint             backoff_ms;
  int               reserve_fd;      /* /dev/null, given up to refuse cleanly under EMFILE */
  GHashTable       *conns;           /* GSocketConnection* → Conn* (owned) */
  GHashTable       *per_address;     /* address text → count */
  guint             sweep_id;
  gulong            started_id;
  gulong            finished_id;
  gulong            aborted_id;
  /* Refusals since the last log line. */
  gint64            last_log;
  guint             refused_total;
  guint             refused_address;
  guint             timed_out;
  guint             exhausted;
};

struct _Conn
{
  FdListener        *listener;
  GSocketConnection *stream;       /* not owned: a weak reference */
  GSocket           *socket;
  GSocketAddress    *remote;
  char              *address;      /* remote address as text, NULL once uncounted */
  gint64             deadline;     /* monotonic; 0 = none */
  gboolean           websocket;
  gboolean           lingering;
};

/* Every connection of every listener by the objects libsoup hands back:
 * the remote address (requests) and the stream (websockets). Main thread. */
static GHashTable *by_remote;
static GHashTable *by_stream;

static void on_stream_finalized (gpointer data, GObject *where_the_object_was);

static gint64
now_usec (void)
{
  return g_get_monotonic_time ();
}

void
fd_listener_limits_init (FdListenerLimits *limits)
{
  struct rlimit rl = { 0 };
  rlim_t fds = 1024;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    fds = rl.rlim_cur;
  else if (rl.rlim_cur == RLIM_INFINITY)
    fds = 1 << 20;

  memset (limits, 0, sizeof *limits);
  limits->max_connections = fds > 2 * FD_LISTENER_RESERVED_FDS ? (guint) (fds - FD_LISTENER_RESERVED_FDS)
                                                               : (guint) MAX (fds / 2, 1);
  limits->max_per_address = FD_LISTENER_DEFAULT_MAX_PER_ADDRESS;
  limits->header_timeout = FD_LISTENER_DEFAULT_HEADER_TIMEOUT;
  limits->request_timeout = FD_LISTENER_DEFAULT_REQUEST_TIMEOUT;
}

/* --- Bookkeeping ------------------------------------------------------------- */

static void
uncount_address (Conn *conn)
{
  FdListener *self = conn->listener;
  guint count;

  if (conn->address == NULL)
    return;
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->address));
  if (count <= 1)
    g_hash_table_remove (self->per_address, conn->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (count - 1));
  g_clear_pointer (&conn->address, g_free);
}

static void
conn_free (Conn *conn)
{
  uncount_address (conn);
  if (conn->remote != NULL)
    g_hash_table_remove (by_remote, conn->remote);
  if (conn->stream != NULL)
    {
      g_hash_table_remove (by_stream, conn->stream);
      g_object_weak_unref (G_OBJECT (conn->stream), on_stream_finalized, conn);
    }
  g_clear_object (&conn->socket);
  g_clear_object (&conn->remote);
  g_free (conn);
}

/* libsoup let the connection go (closed, or a websocket that ended). */
static void
on_stream_finalized (gpointer  data,
                     GObject  *where_the_object_was)
{
  Conn *conn = data;
  FdListener *self = conn->listener;

  g_hash_table_remove (by_stream, where_the_object_was);
  conn->stream = NULL;
  g_hash_table_remove (self->conns, where_the_object_was);
}

static Conn *
lookup_message (SoupServerMessage *msg)
{
  GSocketAddress *remote;

  if (by_remote == NULL || msg == NULL)
    return NULL;
  remote = soup_server_message_get_remote_address (msg);
  return remote != NULL ? g_hash_table_lookup (by_remote, remote) : NULL;
}

static Conn *
lookup_websocket (SoupWebsocketConnection *ws)
{
  g_autoptr(GIOStream) base = NULL;
  GIOStream *stream;

  if (by_stream == NULL || ws == NULL)
    return NULL;
  stream = soup_websocket_connection_get_io_stream (ws);
  if (stream == NULL)
    return NULL;
  /* libsoup wraps the connection it was given in its own SoupIOStream. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") != NULL)
    g_object_get (stream, "base-iostream", &base, NULL);
  return g_hash_table_lookup (by_stream, base != NULL ? base : stream);
}

static void
log_refusals (FdListener *self,
              gboolean    force)
{
  gint64 now = now_usec ();

  if (!force && now - self->last_log < LOG_EVERY_USEC)
    return;
  if (self->refused_total + self->refused_address + self->timed_out + self->exhausted == 0)
    return;
  self->last_log = now;
  if (self->refused_total > 0)
    g_warning ("Refused %u connections: %u are open, the limit is %u (--max-connections)",
               self->refused_total, g_hash_table_size (self->conns), self->limits.max_connections);
  if (self->refused_address > 0)
    g_warning ("Refused %u connections from addresses over %u open connections each (--max-connections-per-address)",
               self->refused_address, self->limits.max_per_address);
  if (self->exhausted > 0)
    g_warning ("accept() ran out of file descriptors %u times; refusing and backing off "
               "(raise the descriptor limit or lower --max-connections, see docs/admin.md)",
               self->exhausted);
  if (self->timed_out > 0)
    g_message ("Closed %u connections that sent no complete request in time", self->timed_out);
  self->refused_total = self->refused_address = self->timed_out = self->exhausted = 0;
}

/* --- Refusing ---------------------------------------------------------------- */

static char *
http_answer (guint       status,
             const char *content_type,
             const char *body,
             gsize      *out_len)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gsize body_len = body != NULL ? strlen (body) : 0;

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", status,
                          status == HTTP_TOO_MANY_REQUESTS ? "Too Many Requests" : soup_status_get_phrase (status));
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE || status == HTTP_TOO_MANY_REQUESTS)
    g_string_append (text, "Retry-After: 5\r\n");
  if (body_len > 0)
    g_string_append_printf (text, "Content-Type: %s\r\n", content_type != NULL ? content_type : "text/plain; charset=utf-8");
  g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", body_len);
  if (body_len > 0)
    g_string_append_len (text, body, body_len);
  *out_len = text->len;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Best effort: the answer is small and the socket's buffer empty. */
static void
send_raw (int         fd,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      data += n;
      len -= (gsize) n;
    }
}

static void
refuse_socket (GSocket    *socket,
               guint       status,
               const char *reason)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\",\"message\":\"%s\",\"retry_after\":5}",
                                           status == HTTP_TOO_MANY_REQUESTS ? "rate-limited" : "unavailable",
                                           reason);
  gsize len = 0;
  g_autofree char *answer = http_answer (status, "application/json", body, &len);

  send_raw (g_socket_get_fd (socket), answer, len);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_socket_close (socket, NULL);
}

/* --- Accepting --------------------------------------------------------------- */

static gboolean on_accept_ready_cb (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
watch_listening_socket (FdListener *self)
{
  if (self->accept_source != NULL)
    return;
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_accept_ready_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static void
unwatch_listening_socket (FdListener *self)
{
  if (self->accept_source == NULL)
    return;
  g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
}

static gboolean
on_retry_accept_cb (gpointer user_data)
{
  FdListener *self = user_data;

  self->retry_id = 0;
  if (self->reserve_fd < 0)
    self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  watch_listening_socket (self);
  return G_SOURCE_REMOVE;
}

/* accept() failed for want of descriptors: the pending connection would
 * wake the loop again at once. Give up the spare descriptor to take it and
 * refuse it with a reason, then pause accepting for a while, longer each
 * time it happens again, and resume. */
static void
descriptors_exhausted (FdListener *self)
{
  self->exhausted++;
  if (self->reserve_fd >= 0)
    {
      int fd;

      close (self->reserve_fd);
      self->reserve_fd = -1;
      fd = accept4 (g_socket_get_fd (self->socket), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd >= 0)
        {
          static const char answer[] =
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

          send_raw (fd, answer, sizeof answer - 1);
          close (fd);
        }
    }
  unwatch_listening_socket (self);
  self->backoff_ms = self->backoff_ms == 0 ? BACKOFF_FIRST_MS : MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add (self->backoff_ms, on_retry_accept_cb, self);
  log_refusals (self, FALSE);
}

static void
ensure_sweep (FdListener *self);

static void
admit (FdListener *self,
       GSocket    *client)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint from_address;
  Conn *conn;

  if (remote == NULL || local == NULL)
    {
      g_socket_close (client, NULL);
      return;
    }
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  else
    address = g_strdup ("local");

  if (g_hash_table_size (self->conns) >= self->limits.max_connections)
    {
      self->refused_total++;
      refuse_socket (client, SOUP_STATUS_SERVICE_UNAVAILABLE,
                     "The server has as many connections as it takes; try again in a few seconds.");
      log_refusals (self, FALSE);
      return;
    }
  from_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  if (from_address >= self->limits.max_per_address)
    {
      self->refused_address++;
      refuse_socket (client, HTTP_TOO_MANY_REQUESTS,
                     "Too many connections from your address; close some and try again.");
      log_refusals (self, FALSE);
      return;
    }

  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  stream = g_socket_connection_factory_create_connection (client);

  conn = g_new0 (Conn, 1);
  conn->listener = self;
  conn->stream = stream;
  conn->socket = g_object_ref (client);
  conn->remote = g_object_ref (remote);
  conn->address = g_steal_pointer (&address);
  conn->deadline = now_usec () + (gint64) self->limits.header_timeout * G_USEC_PER_SEC;
  g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (from_address + 1));
  g_hash_table_insert (self->conns, stream, conn);
  g_hash_table_insert (by_remote, conn->remote, conn);
  g_hash_table_insert (by_stream, stream, conn);
  g_object_weak_ref (G_OBJECT (stream), on_stream_finalized, conn);
  ensure_sweep (self);

  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (stream), local, remote, &error))
    {
      g_debug ("libsoup did not take a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
    }
}

static gboolean
on_accept_ready_cb (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  FdListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (self->socket, NULL, &error);

      if (client == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES) ||
              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
            {
              descriptors_exhausted (self);
              g_clear_pointer (&self->accept_source, g_source_unref);
              return G_SOURCE_REMOVE;
            }
          /* A connection reset before it was taken, and the like. */
          g_debug ("accept() failed: %s", error->message);
          continue;
        }
      self->backoff_ms = 0;
      admit (self, client);
    }
  log_refusals (self, FALSE);
  return G_SOURCE_CONTINUE;
}

/* --- Deadlines --------------------------------------------------------------- */

static void
close_conn (Conn *conn)
{
  /* libsoup reads the end of the stream and lets the connection go. */
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
  conn->deadline = 0;
}

static gboolean
on_sweep_cb (gpointer user_data)
{
  FdListener *self = user_data;
  gint64 now = now_usec ();
  GHashTableIter iter;
  Conn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      if (conn->deadline == 0 || now < conn->deadline)
        continue;
      if (!conn->lingering)
        self->timed_out++;
      close_conn (conn);
    }
  log_refusals (self, FALSE);
  if (g_hash_table_size (self->conns) == 0)
    {
      self->sweep_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
ensure_sweep (FdListener *self)
{
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add_seconds (1, on_sweep_cb, self);
}

static void
extend_deadline (Conn  *conn,
                 guint  seconds)
{
  if (conn->websocket || conn->lingering)
    return;
  conn->deadline = now_usec () + (gint64) seconds * G_USEC_PER_SEC;
}

/* Headers complete, a piece of the body read or of the answer written:
 * the request makes progress. */
static void
on_request_progress_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  Conn *conn = lookup_message (msg);

  if (conn != NULL)
    extend_deadline (conn, conn->listener->limits.request_timeout);
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       FdListener        *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_request_progress_cb), NULL);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_request_progress_cb), NULL);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_request_progress_cb), NULL);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_request_progress_cb), NULL);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_request_progress_cb), NULL);
}

/* A request ended and the connection may carry another: its headers must
 * come in time again. */
static void
on_request_finished_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        FdListener        *self)
{
  Conn *conn = lookup_message (msg);

  if (conn != NULL)
    extend_deadline (conn, self->limits.header_timeout);
}

/* --- Public ------------------------------------------------------------------ */

FdListener *
fd_listener_new (SoupServer             *server,
                 const FdListenerLimits *limits)
{
  FdListener *self = g_new0 (FdListener, 1);

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);

  if (by_remote == NULL)
    {
      by_remote = g_hash_table_new (NULL, NULL);
      by_stream = g_hash_table_new (NULL, NULL);
    }
  self->server = g_object_ref (server);
  if (limits != NULL)
    self->limits = *limits;
  else
    fd_listener_limits_init (&self->limits);
  if (self->limits.max_connections == 0)
    {
      FdListenerLimits defaults;

      fd_listener_limits_init (&defaults);
      self->limits.max_connections = defaults.max_connections;
    }
  self->limits.max_per_address = MAX (self->limits.max_per_address, 1);
  self->limits.header_timeout = MAX (self->limits.header_timeout, 1);
  self->limits.request_timeout = MAX (self->limits.request_timeout, 1);
  self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  self->conns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) conn_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->started_id = g_signal_connect (server, "request-started", G_CALLBACK (on_request_started_cb), self);
  self->finished_id = g_signal_connect (server, "request-finished", G_CALLBACK (on_request_finished_cb), self);
  self->aborted_id = g_signal_connect (server, "request-aborted", G_CALLBACK (on_request_finished_cb), self);
  return self;
}

void
fd_listener_free (FdListener *self)
{
  if (self == NULL)
    return;
  log_refusals (self, TRUE);
  unwatch_listening_socket (self);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_signal_handler (&self->started_id, self->server);
  g_clear_signal_handler (&self->finished_id, self->server);
  g_clear_signal_handler (&self->aborted_id, self->server);
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->server);
  if (self->reserve_fd >= 0)
    close (self->reserve_fd);
  g_free (self);
}

/* The kernel's ceiling for a listen backlog (net.core.somaxconn). */
static int
system_backlog (void)
{
  g_autofree char *text = NULL;
  gint64 value;

  if (!g_file_get_contents ("/proc/sys/net/core/somaxconn", &text, NULL, NULL))
    return 4096;
  value = g_ascii_strtoll (text, NULL, 10);
  return value > 0 && value <= G_MAXINT ? (int) value : 4096;
}

/* libsoup keeps a connection open for the next request only when the server
 * has a listener of its own (soup-server.c, request_finished()); those
 * given through soup_server_accept_iostream() are closed after every
 * response, and a browser that reuses one then meets a reset. So the
 * server gets one listener that no client can reach: a Unix socket whose
 * path is removed as soon as it listens. It costs one descriptor and never
 * wakes. */
static gboolean
add_keepalive_anchor (FdListener  *self,
                      GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("frontdeskd-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;
  path = g_build_filename (dir, "anchor", NULL);
  address = g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  ok = socket != NULL &&
       g_socket_bind (socket, address, FALSE, error) &&
       g_socket_listen (socket, error);
  g_unlink (path);
  g_rmdir (dir);
  if (!ok)
    return FALSE;
  return soup_server_listen_socket (self->server, socket, 0, error);
}

gboolean
fd_listener_listen (FdListener      *self,
                    GSocketAddress  *address,
                    GError         **error)
{
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (self->socket == NULL, FALSE);

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  if (g_socket_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, FALSE, NULL);
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, system_backlog ());
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;
  if (!add_keepalive_anchor (self, error))
    {
      g_prefix_error (error, "Cannot keep connections alive: ");
      return FALSE;
    }
  self->socket = g_steal_pointer (&socket);
  watch_listening_socket (self);
  return TRUE;
}

GSocketAddress *
fd_listener_get_local_address (FdListener *self)
{
  if (self->socket == NULL)
    return NULL;
  return g_socket_get_local_address (self->socket, NULL);
}

guint
fd_listener_get_n_connections (FdListener *self)
{
  return g_hash_table_size (self->conns);
}

GSocket *
fd_listener_get_message_socket (SoupServerMessage *msg)
{
  Conn *conn = lookup_message (msg);

  return conn != NULL ? conn->socket : NULL;
}

GSocket *
fd_listener_get_websocket_socket (SoupWebsocketConnection *ws)
{
  Conn *conn = lookup_websocket (ws);

  return conn != NULL ? conn->socket : NULL;
}

void
fd_listener_reject_now (SoupServerMessage *msg,
                        guint              status,
                        const char        *content_type,
                        const char        *body)
{
  Conn *conn = lookup_message (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autofree char *answer = NULL;
  gsize len = 0;

  /* No handler runs for a message with a status, and nothing is kept of
   * the body libsoup may still read. */
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
  if (request_body != NULL)
    soup_message_body_set_accumulate (request_body, FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  if (conn == NULL || conn->lingering || conn->websocket)
    return;
  answer = http_answer (status, content_type, body, &len);
  send_raw (g_socket_get_fd (conn->socket), answer, len);
  g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  conn->lingering = TRUE;
  conn->deadline = now_usec () + LINGER_SECONDS * G_USEC_PER_SEC;
}

void
fd_listener_websocket_started (SoupWebsocketConnection *ws,
                               gboolean                 authenticated)
{
  Conn *conn = lookup_websocket (ws);

  if (conn == NULL)
    return;
  conn->websocket = TRUE;
  conn->deadline = 0;
  if (authenticated)
    uncount_address (conn);
}
