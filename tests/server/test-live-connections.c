/* What frontdeskd's connection layer bounds (docs/admin.md, "Connections
 * and limits"; docs/architecture.md, "Output budgets"), against a real
 * daemon: connections that send no request are closed, the per-address and
 * global limits refuse with a reason, accept() recovers after the
 * descriptors ran out, the listen backlog takes a burst of connections, and
 * a websocket whose client does not read is closed at its output budget
 * instead of growing the server. Clients here are raw sockets, so that they
 * can misbehave. */

#include "fd-test-client.h"
#include "fd-test-server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Connections Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":[{\"email\":\"ann@conn.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"},"
  "{\"email\":\"bob@conn.example\",\"name\":\"Bob\",\"role\":\"agent\",\"password\":\"bob-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@conn.example\",\"bob@conn.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"conn-chat\","
  "\"departments\":[],\"allowed_origins\":[\"http://127.0.0.1:8080\"],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}]}";

/* --- raw sockets ------------------------------------------------------------- */

static GSocket *
raw_connect_full (FdTestServer *server,
                  int           rcvbuf,
                  gboolean      blocking)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fd_test_server_get_port (server));
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  if (rcvbuf > 0)
    g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, rcvbuf, NULL);
  g_socket_set_blocking (socket, blocking);
  g_socket_set_timeout (socket, 10);
  if (!g_socket_connect (socket, address, NULL, &error))
    {
      g_assert_true (!blocking && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING));
      g_clear_error (&error);
    }
  return socket;
}

static GSocket *
raw_connect (FdTestServer *server)
{
  return raw_connect_full (server, 0, TRUE);
}

static void
raw_send (GSocket    *socket,
          const char *data,
          gsize       len)
{
  g_autoptr(GError) error = NULL;

  while (len > 0)
    {
      gssize n = g_socket_send (socket, data, len, NULL, &error);

      g_assert_no_error (error);
      data += n;
      len -= (gsize) n;
    }
}

/* Reads until the server closes, at most @limit bytes and @seconds; returns
 * TRUE when the end came (EOF or reset), with what arrived in @out. */
static gboolean
raw_read_to_end (GSocket  *socket,
                 gsize     limit,
                 guint     seconds,
                 GString  *out)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  char buf[65536];

  g_socket_set_blocking (socket, FALSE);
  while (g_get_monotonic_time () < deadline && (out == NULL || out->len < limit))
    {
      g_autoptr(GError) error = NULL;
      struct pollfd pfd = { g_socket_get_fd (socket), POLLIN, 0 };
      gssize n;

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        return TRUE;
      if (n > 0 && out != NULL)
        g_string_append_len (out, buf, n);
    }
  return FALSE;
}

static char *
http_get (FdTestServer *server,
          const char   *path)
{
  g_autoptr(GSocket) socket = raw_connect (server);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);

  raw_send (socket, request, strlen (request));
  g_assert_true (raw_read_to_end (socket, 1 << 20, 10, answer));
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* Upgrades @socket to a websocket at @path, reading exactly the 101 answer. */
static void
raw_ws_handshake (GSocket    *socket,
                  const char *path,
                  const char *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Origin: http://127.0.0.1:8080\r\n%s\r\n",
                                              path, extra_headers);
  g_autoptr(GString) head = g_string_new (NULL);

  raw_send (socket, request, strlen (request));
  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      g_autoptr(GError) error = NULL;
      char c;
      gssize n = g_socket_receive (socket, &c, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 1);
      g_string_append_c (head, c);
      g_assert_cmpuint (head->len, <, 4096);
    }
  g_assert_true (g_str_has_prefix (head->str, "HTTP/1.1 101"));
}

/* A client text frame (masked, as clients must). */
static void
raw_ws_send (GSocket    *socket,
             const char *text)
{
  gsize len = strlen (text);
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  const guint8 mask[4] = { 0x11, 0x22, 0x33, 0x44 };
  guint8 head[4] = { 0x81, 0, 0, 0 };

  g_assert_cmpuint (len, <=, G_MAXUINT16);
  if (len < 126)
    {
      head[1] = 0x80 | (guint8) len;
      g_byte_array_append (frame, head, 2);
    }
  else
    {
      head[1] = 0x80 | 126;
      head[2] = (guint8) (len >> 8);
      head[3] = (guint8) (len & 0xff);
      g_byte_array_append (frame, head, 4);
    }
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = (guint8) text[i] ^ mask[i % 4];

      g_byte_array_append (frame, &b, 1);
    }
  raw_send (socket, (const char *) frame->data, frame->len);
}

static gboolean
wait_until (gboolean (*done) (gpointer), gpointer data, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (done (data))
        return TRUE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20 * 1000);
    }
  return done (data);
}

/* --- connections ------------------------------------------------------------- */

/* Finding: no header, idle or handshake timeout; idle connections stayed
 * open for ever. */
static void
test_silent_connections_closed (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) slow = NULL;
  g_autofree char *answer = NULL;
  static const char partial[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";

  fd_test_server_add_args (server, "--header-timeout", "1", NULL);
  fd_test_server_start (server);

  for (guint i = 0; i < 20; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  /* Headers that never end (the slowloris way) are no better. */
  slow = raw_connect (server);
  raw_send (slow, partial, strlen (partial));

  for (guint i = 0; i < sockets->len; i++)
    g_assert_true (raw_read_to_end (sockets->pdata[i], 0, 10, NULL));
  g_assert_true (raw_read_to_end (slow, 0, 10, NULL));

  answer = http_get (server, "/healthz");
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
}

/* Asks GET /healthz up to @attempts times, 100 ms apart, until the server
 * answers 200 (it notices closed connections when it reads them), and
 * asserts that it did. */
static void
assert_healthy_within (FdTestServer *server,
                       guint         attempts)
{
  g_autofree char *answer = NULL;

  for (guint attempt = 0; attempt < attempts; attempt++)
    {
      g_clear_pointer (&answer, g_free);
      answer = http_get (server, "/healthz");
      if (g_str_has_prefix (answer, "HTTP/1.1 200"))
        break;
      g_usleep (100 * 1000);
    }
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
}

/* Reads one answer to a GET /healthz (its body is {"status":"ok"}). */
static void
read_healthz_answer (GSocket *socket)
{
  g_autoptr(GString) answer = g_string_new (NULL);

  while (!g_str_has_suffix (answer->str, "{\"status\":\"ok\"}"))
    {
      g_autoptr(GError) error = NULL;
      char buf[512];
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (answer, buf, n);
      g_assert_cmpuint (answer->len, <, 4096);
    }
  g_assert_true (g_str_has_prefix (answer->str, "HTTP/1.1 200"));
}

/* A connection stays open for the next request (browsers send a CORS
 * preflight and then the request on one connection), and an idle one is
 * closed after the header timeout. */
static void
test_keep_alive (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GSocket) socket = NULL;
  static const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  fd_test_server_add_args (server, "--header-timeout", "1", NULL);
  fd_test_server_start (server);
  socket = raw_connect (server);
  for (guint i = 0; i < 3; i++)
    {
      raw_send (socket, request, strlen (request));
      read_healthz_answer (socket);
    }
  g_assert_true (raw_read_to_end (socket, 0, 10, NULL));
}

/* Over the per-address limit a connection is refused with 429 and a
 * reason; under it again, served. */
static void
test_per_address_limit (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autoptr(GString) refusal = g_string_new (NULL);

  fd_test_server_add_args (server, "--max-connections-per-address", "5", NULL);
  fd_test_server_start (server);

  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  extra = raw_connect (server);
  g_assert_true (raw_read_to_end (extra, 1 << 16, 10, refusal));
  g_assert_true (g_str_has_prefix (refusal->str, "HTTP/1.1 429"));
  g_assert_nonnull (strstr (refusal->str, "Too many connections from your address"));
  g_assert_nonnull (strstr (refusal->str, "Retry-After:"));

  g_ptr_array_set_size (sockets, 0);
  assert_healthy_within (server, 50);
}

static void
test_global_limit (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocket) extra = NULL;
  g_autoptr(GString) refusal = g_string_new (NULL);

  fd_test_server_add_args (server, "--max-connections", "8", NULL);
  fd_test_server_start (server);

  for (guint i = 0; i < 8; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  extra = raw_connect (server);
  g_assert_true (raw_read_to_end (extra, 1 << 16, 10, refusal));
  g_assert_true (g_str_has_prefix (refusal->str, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (refusal->str, "as many connections as it takes"));
}

/* Finding: with the usual 1,024 descriptors, 1,100 half-open requests
 * stopped the server accepting, for good. Here the daemon gets 64
 * descriptors and a connection limit above them, so accept() itself fails;
 * once the connections are gone it must serve again. */
static void
test_descriptor_exhaustion_recovers (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);

  fd_test_server_set_fd_limit (server, 64);
  fd_test_server_add_args (server, "--max-connections", "1000", "--max-connections-per-address", "1000", NULL);
  fd_test_server_start (server);

  for (guint i = 0; i < 150; i++)
    g_ptr_array_add (sockets, raw_connect (server));
  /* Let the server meet EMFILE before the connections go. */
  g_usleep (500 * 1000);
  g_ptr_array_set_size (sockets, 0);

  assert_healthy_within (server, 100);
}

typedef struct {
  GPtrArray *sockets;
  guint      connected;
} Burst;

static gboolean
burst_connected (gpointer data)
{
  Burst *b = data;

  b->connected = 0;
  for (guint i = 0; i < b->sockets->len; i++)
    {
      struct pollfd pfd = { g_socket_get_fd (b->sockets->pdata[i]), POLLOUT, 0 };

      if (poll (&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT) && !(pfd.revents & (POLLERR | POLLHUP)))
        b->connected++;
    }
  return b->connected == b->sockets->len;
}

/* Finding: a listen backlog of 10, so 30 simultaneous connects already
 * waited for SYN retries. The daemon is stopped while 300 clients connect:
 * the kernel completes every handshake into the backlog by itself. */
static void
test_listen_backlog (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *answer = NULL;
  Burst burst = { sockets, 0 };
  GPid pid;

  fd_test_server_add_args (server, "--max-connections-per-address", "1000", NULL);
  fd_test_server_start (server);
  pid = fd_test_server_get_pid (server);

  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (sockets, raw_connect_full (server, 0, FALSE));
  wait_until (burst_connected, &burst, 3);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
  g_assert_cmpuint (burst.connected, ==, 300);

  g_ptr_array_set_size (sockets, 0);
  answer = http_get (server, "/healthz");
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
}

/* --- output budgets ---------------------------------------------------------- */

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new ();
  /* @data: the frame budget; the byte budget is then out of reach. */
  if (data != NULL)
    fd_test_server_add_args (f->server, "--socket-output-frames", data, NULL);
  else
    fd_test_server_add_args (f->server, "--socket-output-budget", "262144", NULL);
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_site (f->server, site);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_test_server_free (f->server);
}

/* Ann, signed in and joined: someone must be, or chats are missed. */
static FdTestAgent *
ann_joins (Fixture *f)
{
  return fd_test_agent_sign_in_and_join (f->server, "ann@conn.example", "ann-password", f->queue_id, NULL);
}

/* Ann reserves a visitor's chat and writes @n messages of @len characters. */
static void
ann_writes (FdTestAgent   *ann,
            FdTestVisitor *visitor,
            guint          n,
            gsize          len)
{
  g_autoptr(FdFrame) reserved = NULL;
  g_autofree char *text = g_strnfill (len, 'x');

  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *client_id = g_strdup_printf ("ann-%u", i);
      g_autoptr(FdFrame) ack = fd_test_agent_expect_ack (ann, FD_FRAME_SEND_MESSAGE,
                                                         fd_test_send_message (visitor->conversation_id, client_id, text));
      (void) ack; /* held for its cleanup only */
    }
}

/* Finding: an agent socket that never reads grew the server by twice what
 * was pushed at it. Bob's socket says hello, then reads nothing while Ann
 * writes 6 MiB of messages in their queue: the server closes Bob's socket
 * once 256 KiB wait for him, and what reached him stays near that. */
static void
test_agent_that_does_not_read (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(FdTestAgent) bob = fd_test_agent_sign_in (f->server, "bob@conn.example", "bob-password");
  g_autoptr(FdTestAgent) ann = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdHello) hello = fd_hello_new ();
  g_autoptr(FdFrame) hello_frame = NULL;
  g_autoptr(GSocket) raw = raw_connect_full (f->server, 4096, TRUE);
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n", bob->token);
  g_autofree char *hello_text = NULL;

  raw_ws_handshake (raw, "/api/agent/v1/socket", auth);
  hello->protocol = FD_PROTOCOL_VERSION;
  hello_frame = fd_frame_new_request (FD_FRAME_HELLO, "h1", g_steal_pointer (&hello));
  hello_text = fd_frame_encode (hello_frame, NULL);
  raw_ws_send (raw, hello_text);

  ann = ann_joins (f);
  visitor = fd_test_visitor_start (f->server, "conn-chat", "Visitor");
  fd_test_visitor_connect (visitor);
  ann_writes (ann, visitor, 384, 16384);

  /* Bob's socket was closed: reading it now ends, long before it could
   * deliver the 6 MiB. */
  g_assert_true (raw_read_to_end (raw, 64 << 20, 15, received));
  g_assert_cmpuint (received->len, <, 4 << 20);
}

/* Many small frames cost libsoup a record each: a socket that leaves more
 * than its frame budget unread is closed even far below its byte budget.
 * Bob never reads while Ann sends 1,500 messages of 4,000 characters
 * (pipelined; 7 MB of events, of which the kernel's buffers take a few MB):
 * what waits in the server stays under the 16 MiB byte budget, but is
 * hundreds of frames. */
static void
test_agent_many_small_frames (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(FdTestAgent) bob = fd_test_agent_sign_in (f->server, "bob@conn.example", "bob-password");
  g_autoptr(FdTestAgent) ann = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdHello) hello = fd_hello_new ();
  g_autoptr(FdFrame) hello_frame = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) last = NULL;
  g_autoptr(GSocket) raw = raw_connect_full (f->server, 4096, TRUE);
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n", bob->token);
  g_autofree char *hello_text = NULL;
  g_autofree char *text = g_strnfill (4000, 'y');
  GQueue in_flight = G_QUEUE_INIT;

  raw_ws_handshake (raw, "/api/agent/v1/socket", auth);
  hello->protocol = FD_PROTOCOL_VERSION;
  hello_frame = fd_frame_new_request (FD_FRAME_HELLO, "h1", g_steal_pointer (&hello));
  hello_text = fd_frame_encode (hello_frame, NULL);
  raw_ws_send (raw, hello_text);

  ann = ann_joins (f);
  visitor = fd_test_visitor_start (f->server, "conn-chat", "Visitor");
  fd_test_visitor_connect (visitor);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  /* At most 4 requests in flight, so that Ann and the visitor, who read,
   * stay far under the frame budget that Bob goes over. */
  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *client_id = g_strdup_printf ("ann-%u", i);

      g_queue_push_tail (&in_flight,
                         fd_test_agent_send_request (ann, FD_FRAME_SEND_MESSAGE,
                                                     fd_test_send_message (visitor->conversation_id, client_id, text)));
      while (g_queue_get_length (&in_flight) >= 4 || (i == 1499 && !g_queue_is_empty (&in_flight)))
        {
          g_autofree char *id = g_queue_pop_head (&in_flight);

          g_clear_pointer (&last, fd_frame_free);
          last = fd_test_socket_wait_reply (ann->socket, id, 60000);
          g_assert_cmpint (last->type, ==, FD_FRAME_ACK);
        }
    }

  if (!raw_read_to_end (raw, 64 << 20, 15, received))
    g_error ("Bob's socket stayed open; %" G_GSIZE_FORMAT " bytes reached him", received->len);
  g_assert_cmpuint (received->len, <, 1500 * 4000 * 3 / 4);
}

/* A visitor socket that never says hello is closed after 10 s (4408), like
 * an agent's: it does not hold a connection for ever. */
static void
test_visitor_silent_socket_closed (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = ann_joins (f);
  (void) ann; /* held for its cleanup only */
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (f->server, "conn-chat", "Visitor");
  g_autoptr(GSocket) raw = raw_connect (f->server);
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *path = g_strdup_printf ("/api/visitor/v1/socket?token=%s", visitor->token);

  raw_ws_handshake (raw, path, "");
  g_assert_true (raw_read_to_end (raw, 1 << 16, 20, received));
  /* The close frame: opcode 8, status 4408. */
  g_assert_cmpuint (received->len, >=, 4);
  g_assert_cmpuint ((guint8) received->str[0], ==, 0x88);
  g_assert_cmpuint (((guint8) received->str[2] << 8) | (guint8) received->str[3], ==, 4408);
}

/* Finding: a visitor with a chat of 50 long messages sent tiny hello
 * frames on a socket it never read, and the server queued the whole
 * transcript for each (2,500 frames took it past 1 GB). Now a second hello
 * is refused, and the socket is bounded by its budget. */
static void
test_visitor_repeated_hello (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = ann_joins (f);
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (f->server, "conn-chat", "Visitor");
  g_autoptr(GSocket) raw = raw_connect_full (f->server, 4096, TRUE);
  g_autoptr(FdTestSocket) check = NULL;
  g_autoptr(FdFrame) refusal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/api/visitor/v1/socket?token=%s", visitor->token);
  g_autofree char *url = NULL;
  gsize rss_before;
  gsize rss_after;

  fd_test_visitor_connect (visitor);
  ann_writes (ann, visitor, 50, 16000);
  rss_before = fd_test_server_get_rss_kib (f->server, "VmRSS:");

  raw_ws_handshake (raw, path, "");
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"hello\",\"id\":\"h%u\",\"body\":{\"last_message_id\":0}}", i);

      raw_ws_send (raw, frame);
    }
  /* A ping on another socket of the chat makes sure every hello was handled. */
  url = fd_test_visitor_socket_url (f->server, visitor->token);
  check = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, NULL, &error);
  g_assert_no_error (error);
  fd_test_socket_send_text (check, "{\"type\":\"hello\",\"id\":\"c1\",\"body\":{\"last_message_id\":0}}");
  fd_test_socket_send_text (check, "{\"type\":\"hello\",\"id\":\"c2\",\"body\":{\"last_message_id\":0}}");
  refusal = fd_test_socket_wait (check, FD_FRAME_VISITOR_ERROR, FD_TEST_TIMEOUT_MS, "the refusal of a second hello");
  fd_test_assert_error_frame (refusal, FD_WIRE_ERROR_INVALID_STATE);
  /* The raw socket's hellos came first; give the server a moment with them. */
  fd_test_socket_settle (check, 1000);

  rss_after = fd_test_server_get_rss_kib (f->server, "VmRSS:");
  g_test_message ("server RSS %" G_GSIZE_FORMAT " KiB → %" G_GSIZE_FORMAT " KiB", rss_before, rss_after);
  /* 400 transcripts of 800 KB would be 320 MB. */
  g_assert_cmpuint (rss_after, <, rss_before + 64 * 1024);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connections/silent-closed", test_silent_connections_closed);
  g_test_add_func ("/connections/keep-alive", test_keep_alive);
  g_test_add_func ("/connections/per-address-limit", test_per_address_limit);
  g_test_add_func ("/connections/global-limit", test_global_limit);
  g_test_add_func ("/connections/descriptors-exhausted", test_descriptor_exhaustion_recovers);
  g_test_add_func ("/connections/listen-backlog", test_listen_backlog);
  g_test_add ("/connections/agent-does-not-read", Fixture, NULL, fixture_set_up,
              test_agent_that_does_not_read, fixture_tear_down);
  g_test_add ("/connections/agent-many-small-frames", Fixture, "16", fixture_set_up,
              test_agent_many_small_frames, fixture_tear_down);
  g_test_add ("/connections/visitor-silent-socket", Fixture, NULL, fixture_set_up,
              test_visitor_silent_socket_closed, fixture_tear_down);
  g_test_add ("/connections/visitor-repeated-hello", Fixture, NULL, fixture_set_up,
              test_visitor_repeated_hello, fixture_tear_down);

  return g_test_run ();
}
