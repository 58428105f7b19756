/* fanout-bench: what pushing visitors' messages to many agents costs a real
 * frontdeskd (docs/performance.md, "Fan-out"; issue 17).
 *
 * 1. The anchor: a loopback websocket echo (a libsoup server and client in
 *    this process), one frame at a time, its round-trip p99 measured beside
 *    the delivery run below, through the same main loop and on the same
 *    machine at the same moment (printed alone too, before the server
 *    starts).
 * 2. Delivery: P99_AGENTS agents joined to one ring-all queue, VISITORS
 *    visitors writing RATE messages a second in all; the p99 of visitor
 *    send → agent receipt, measured at one agent, beside the anchor.
 * 3. Server CPU: AGENTS agents joined (websockets, reading), the visitors
 *    writing CPU_RATE messages a second; the server's share of a core
 *    from /proc/PID/stat over the run.
 *
 * Figures go to stdout as `FIGURE key value unit [anchor=key]`, the rest
 * to stderr. Exits non-zero when a message does not reach every agent. */

#include "fd-test-client.h"
#include "fd-test-server.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint agents;
  guint p99_agents;
  guint visitors;
  guint rate;
  guint cpu_rate;
  guint seconds;
  guint echo_rounds;
} Sizes;

static const Sizes full_sizes = { 200, 5, 40, 1600, 20, 10, 2000 };
static const Sizes small_sizes = { 10, 4, 4, 200, 20, 2, 200 };

/* --- helpers ------------------------------------------------------------------ */

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static gboolean
on_wake_cb (gpointer user_data)
{
  *(guint *) user_data = 0;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *@done or @timeout_ms pass. */
static void
pump_until (const gboolean *done,
            double          timeout_ms)
{
  double end = now_ms () + timeout_ms;
  guint wake = g_timeout_add ((guint) timeout_ms + 1, on_wake_cb, &wake);

  while (!*done && now_ms () < end)
    g_main_context_iteration (NULL, TRUE);
  g_clear_handle_id (&wake, g_source_remove);
}

static void
pump_for (double ms)
{
  gboolean never = FALSE;

  pump_until (&never, ms);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
p99 (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, (guint) (values->len * 0.99)));
}

/* User plus system CPU seconds of @pid so far (/proc/PID/stat). */
static double
process_cpu_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strrchr (text, ')')) == NULL ||
      sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    g_error ("Cannot read %s", path);
  return (double) (utime + stime) / (double) sysconf (_SC_CLK_TCK);
}

/* --- the anchor: a loopback websocket echo ---------------------------------- */

static void
on_echo_message_cb (SoupWebsocketConnection *conn,
                    gint                     type,
                    GBytes                  *message,
                    gpointer                 user_data)
{
  soup_websocket_connection_send_message (conn, type, message);
}

static void
on_echo_socket_cb (SoupServer              *server,
                   SoupServerMessage       *msg,
                   const char              *path,
                   SoupWebsocketConnection *conn,
                   gpointer                 user_data)
{
  g_signal_connect (g_object_ref (conn), "message", G_CALLBACK (on_echo_message_cb), NULL);
  g_signal_connect (conn, "closed", G_CALLBACK (g_object_unref), NULL);
}

typedef struct {
  SoupServer              *server;
  SoupSession             *session;
  gboolean                 done;       /* connected, or the last echo came back */
  SoupWebsocketConnection *conn;
  char                    *payload;    /* an event's size */
  double                   sent_at;
  GArray                  *rtts;       /* ms */
} Echo;

static void
on_echo_reply_cb (SoupWebsocketConnection *conn,
                  gint                     type,
                  GBytes                  *message,
                  gpointer                 user_data)
{
  Echo *echo = user_data;
  double rtt = now_ms () - echo->sent_at;

  g_array_append_val (echo->rtts, rtt);
  echo->done = TRUE;
}

static void
on_echo_connected_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Echo *echo = user_data;
  g_autoptr(GError) error = NULL;

  echo->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (echo->conn == NULL)
    g_error ("The echo socket failed: %s", error->message);
  echo->done = TRUE;
}

/* A loopback websocket echo: a libsoup server and client in this process. */
static Echo *
echo_start (void)
{
  Echo *echo = g_new0 (Echo, 1);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;

  echo->server = soup_server_new (NULL, NULL);
  echo->session = soup_session_new ();
  echo->payload = g_strnfill (300, 'x');
  echo->rtts = g_array_new (FALSE, FALSE, sizeof (double));
  soup_server_add_websocket_handler (echo->server, "/echo", NULL, NULL, on_echo_socket_cb, NULL, NULL);
  /* Our own socket: libsoup 3.2's soup_server_listen_local() and
   * soup_server_get_uris() leak the address they look up. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (socket == NULL || !g_socket_bind (socket, address, TRUE, &error) || !g_socket_listen (socket, &error) ||
      (bound = g_socket_get_local_address (socket, &error)) == NULL ||
      !soup_server_listen_socket (echo->server, socket, 0, &error))
    g_error ("Cannot listen: %s", error->message);
  url = g_strdup_printf ("ws://127.0.0.1:%u/echo", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (echo->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_echo_connected_cb, echo);
  pump_until (&echo->done, 5000);
  g_assert_nonnull (echo->conn);
  g_signal_connect (echo->conn, "message", G_CALLBACK (on_echo_reply_cb), echo);
  return echo;
}

/* Sends one frame unless one is still on its way. */
static void
echo_send (Echo *echo)
{
  if (!echo->done)
    return;
  echo->done = FALSE;
  echo->sent_at = now_ms ();
  soup_websocket_connection_send_text (echo->conn, echo->payload);
}

/* Forgets the round trips so far and returns their p99 (ms). */
static double
echo_take_p99 (Echo *echo)
{
  double result = p99 (echo->rtts);

  g_array_set_size (echo->rtts, 0);
  return result;
}

/* The p99 of @rounds round trips one after the other, nothing else running. */
static double
echo_idle_p99 (Echo  *echo,
               guint  rounds)
{
  for (guint i = 0; i < rounds; i++)
    {
      echo_send (echo);
      pump_until (&echo->done, 5000);
      if (!echo->done)
        g_error ("The echo did not come back");
    }
  return echo_take_p99 (echo);
}

static void
echo_stop (Echo *echo)
{
  soup_websocket_connection_close (echo->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  pump_for (200);
  g_clear_object (&echo->conn);
  soup_server_disconnect (echo->server);
  g_clear_object (&echo->server);
  g_clear_object (&echo->session);
  g_array_unref (echo->rtts);
  g_free (echo->payload);
  g_free (echo);
}

/* --- agents: light websockets that count what they read --------------------- */

typedef struct {
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  char                    *token;
  gint64                   queue_id;
  gboolean                 joined;     /* the join was acknowledged */
  gboolean                 probe;      /* times the messages it receives */
  guint64                  messages;   /* message events received */
  GArray                  *latencies;  /* probe: ms per message */
} Agent;

static void
agent_free (Agent *agent)
{
  if (agent->conn != NULL)
    soup_websocket_connection_close (agent->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&agent->conn);
  g_clear_object (&agent->session);
  g_clear_pointer (&agent->latencies, g_array_unref);
  g_free (agent->token);
  g_free (agent);
}

static void
send_request (Agent       *agent,
              FdFrameType  type,
              const char  *id,
              gpointer     body)
{
  g_autoptr(FdFrame) frame = fd_frame_new_request (type, id, body);
  g_autofree char *text = fd_frame_encode (frame, NULL);

  soup_websocket_connection_send_text (agent->conn, text);
}

static void
on_agent_message_cb (SoupWebsocketConnection *conn,
                     gint                     type,
                     GBytes                  *message,
                     gpointer                 user_data)
{
  Agent *agent = user_data;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  g_autoptr(FdFrame) frame = NULL;
  const FdMessage *body;
  guint n = 0;
  gint64 sent_us = 0;
  double latency;

  if (!agent->joined)
    {
      /* Until then only the join's answer matters: {"type":"ack","id":"j",…}. */
      frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, data, len, NULL);
      if (frame != NULL && frame->type == FD_FRAME_ACK && g_strcmp0 (frame->id, "j") == 0)
        agent->joined = TRUE;
      return;
    }
  if (len < 17 || memcmp (data, "{\"type\":\"message\"", 17) != 0)
    return;
  agent->messages++;
  if (!agent->probe)
    return;
  frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, data, len, NULL);
  if (frame == NULL)
    g_error ("A message event does not decode");
  body = frame->body;
  if (body->text == NULL || sscanf (body->text, "bench %u %" G_GINT64_FORMAT, &n, &sent_us) != 2)
    return;
  latency = (g_get_monotonic_time () - sent_us) / 1000.0;
  g_array_append_val (agent->latencies, latency);
}

static void
on_agent_connected_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Agent *agent = user_data;
  g_autoptr(GError) error = NULL;
  FdHello *hello;
  FdQueueRef *ref;

  agent->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (agent->conn == NULL)
    g_error ("An agent socket was refused: %s", error->message);
  soup_websocket_connection_set_max_incoming_payload_size (agent->conn, FD_LIMIT_SERVER_FRAME_SIZE);
  g_signal_connect (agent->conn, "message", G_CALLBACK (on_agent_message_cb), agent);
  /* The server takes frames in order: the join follows the hello. */
  hello = fd_hello_new ();
  hello->protocol = FD_PROTOCOL_VERSION;
  hello->client = g_strdup ("fanout-bench");
  /* As the app does: message events carry their conversation, and the
   * server leaves out the conversation events that would repeat it. */
  hello->message_conversation = TRUE;
  send_request (agent, FD_FRAME_HELLO, "h", hello);
  ref = fd_queue_ref_new ();
  ref->queue_id = agent->queue_id;
  send_request (agent, FD_FRAME_JOIN, "j", ref);
}

static void
agent_connect (Agent      *agent,
               const char *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strconcat ("Bearer ", agent->token, NULL);

  agent->session = soup_session_new ();
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_websocket_connect_async (agent->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_agent_connected_cb, agent);
}

static gboolean
all_joined (GPtrArray *agents,
            guint      n)
{
  for (guint i = 0; i < n; i++)
    if (!((Agent *) g_ptr_array_index (agents, i))->joined)
      return FALSE;
  return TRUE;
}

static void
connect_agents (GPtrArray  *agents,
                guint       from,
                guint       to,
                const char *url)
{
  double end = now_ms () + 60000;

  for (guint i = from; i < to; i++)
    agent_connect (g_ptr_array_index (agents, i), url);
  while (!all_joined (agents, to))
    {
      if (now_ms () > end)
        g_error ("The agents did not all join within 60 s");
      pump_for (10);
    }
}

/* --- visitors writing at a rate ------------------------------------------------ */

/* Sends @rate messages a second for @seconds, round robin over @visitors;
 * returns how many were sent. Their own frames are dropped as they come. */
static guint
write_at_rate (GPtrArray *visitors,
               guint      rate,
               guint      seconds,
               guint     *serial,
               Echo      *echo)
{
  double start = now_ms ();
  double end = start + seconds * 1000.0;
  guint sent = 0;

  while (now_ms () < end)
    {
      guint due = (guint) ((now_ms () - start) * rate / 1000.0);

      while (sent < due)
        {
          FdTestVisitor *visitor = g_ptr_array_index (visitors, sent % visitors->len);
          g_autofree char *id = g_strdup_printf ("b-%u", *serial);
          g_autofree char *text = g_strdup_printf ("bench %u %" G_GINT64_FORMAT, *serial,
                                                   g_get_monotonic_time ());

          fd_test_visitor_send (visitor, id, text);
          (*serial)++;
          sent++;
        }
      /* The echo goes on beside the messages, one frame at a time. */
      if (echo != NULL)
        echo_send (echo);
      /* Up to 1 ms of the loop, then the next sends. */
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (500);
      for (guint i = 0; i < visitors->len; i++)
        {
          FdTestVisitor *visitor = g_ptr_array_index (visitors, i);
          FdFrame *frame;

          while ((frame = fd_test_socket_pop (visitor->socket)) != NULL)
            {
              if (frame->type == FD_FRAME_VISITOR_ERROR)
                g_error ("A visitor's message was refused: %s", ((FdErrorBody *) frame->body)->message);
              fd_frame_free (frame);
            }
        }
    }
  return sent;
}

/* Waits until each of the first @n agents has @expected message events. */
static gboolean
wait_delivered (GPtrArray *agents,
                guint      n,
                guint64    expected)
{
  double end = now_ms () + 30000;

  for (;;)
    {
      gboolean all = TRUE;

      for (guint i = 0; i < n && all; i++)
        all = ((Agent *) g_ptr_array_index (agents, i))->messages >= expected;
      if (all)
        return TRUE;
      if (now_ms () > end)
        return FALSE;
      pump_for (10);
    }
}

/* A site of one ring-all web chat queue; the agents are added after (a
 * site import sets at most 100 passwords). */
static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Fan-out bench\",\"reserve_acd\":\"keep\"},"
  "\"agents\":[],\"queues\":[{\"name\":\"Chat\",\"members\":[]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\","
  "\"key\":\"bench-chat\",\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,"
  "\"duration_seconds\":0}]}]}";

int
main (int    argc,
      char **argv)
{
  gboolean small = FALSE;
  gint agents_opt = 0, p99_agents_opt = 0, rate_opt = 0;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "A run of seconds, for CI (checks, no meaningful figures)", NULL },
    { "agents", 0, 0, G_OPTION_ARG_INT, &agents_opt, "Agents joined while the server's CPU is measured (200)", "N" },
    { "p99-agents", 0, 0, G_OPTION_ARG_INT, &p99_agents_opt, "Agents joined while delivery is timed (5)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &rate_opt, "Messages a second while delivery is timed (1600)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— fan-out benchmark (docs/performance.md)");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func ((GDestroyNotify) agent_free);
  g_autoptr(GPtrArray) visitors = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_test_visitor_free);
  g_autofree char *url = NULL;
  Sizes sizes;
  Agent *probe;
  gint64 org_id, queue_id;
  guint serial = 0, sent, baseline;
  Echo *echo;
  double idle_echo_p99, echo_p99, delivery_p99, cpu_before, cpu_after, wall_before, cpu_percent;
  gboolean ok = TRUE;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  sizes = small ? small_sizes : full_sizes;
  if (agents_opt > 0)
    sizes.agents = (guint) agents_opt;
  if (p99_agents_opt > 0)
    sizes.p99_agents = (guint) p99_agents_opt;
  if (rate_opt > 0)
    sizes.rate = (guint) rate_opt;
  sizes.p99_agents = MIN (sizes.p99_agents, sizes.agents);
#ifdef FD_BENCH_FRONTDESKD
  if (g_getenv ("FRONTDESKD") == NULL)
    g_setenv ("FRONTDESKD", FD_BENCH_FRONTDESKD, TRUE);
#endif
  /* The visitors write far beyond what one person types. */
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "create=100000/100000,message=1000000/100000,sockets=100000", TRUE);

  echo = echo_start ();
  idle_echo_p99 = echo_idle_p99 (echo, sizes.echo_rounds);
  g_printerr ("loopback websocket echo, nothing else running: p99 %.3f ms over %u round trips\n",
              idle_echo_p99, sizes.echo_rounds);

  server = fd_test_server_new ();
  fd_test_server_add_args (server, "--sign-ins-per-address", "100000",
                           "--max-connections-per-address", "100000", NULL);
  fd_test_server_start (server);
  org_id = fd_test_admin_import_site (server, site);
  queue_id = fd_test_admin_find_id (server, org_id, "queues", "Chat");
  url = g_strconcat (fd_test_server_get_ws_url (server), "/api/agent/v1/socket", NULL);

  for (guint i = 0; i < sizes.agents; i++)
    {
      g_autofree char *email = g_strdup_printf ("agent%u@bench.example", i);
      g_autofree char *password = g_strdup_printf ("bench-password-%u", i);
      g_autofree char *member = NULL;
      g_autoptr(FdTestAgent) signed_in = NULL;
      g_autoptr(JsonNode) answer = NULL;
      Agent *agent = g_new0 (Agent, 1);
      gint64 agent_id = fd_test_admin_create_agent (server, org_id, email, email, password);

      member = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                                "/members/%" G_GINT64_FORMAT, org_id, queue_id, agent_id);
      answer = fd_test_admin_expect (server, "PUT", member, NULL, 200);
      signed_in = fd_test_agent_sign_in (server, email, password);

      agent->token = g_strdup (signed_in->token);
      agent->queue_id = queue_id;
      g_ptr_array_add (agents, agent);
    }
  g_printerr ("%u agents signed in\n", sizes.agents);
  probe = g_ptr_array_index (agents, 0);
  probe->probe = TRUE;
  probe->latencies = g_array_new (FALSE, FALSE, sizeof (double));

  /* Delivery at RATE with P99_AGENTS agents joined. */
  connect_agents (agents, 0, sizes.p99_agents, url);
  for (guint i = 0; i < sizes.visitors; i++)
    {
      FdTestVisitor *visitor = fd_test_visitor_start (server, "bench-chat", "Visitor");

      fd_test_visitor_connect (visitor);
      g_ptr_array_add (visitors, visitor);
    }
  pump_for (200);
  g_printerr ("writing at %u msg/s to frontdeskd (pid %d)\n", sizes.rate, (int) fd_test_server_get_pid (server));
  cpu_before = process_cpu_s (fd_test_server_get_pid (server));
  wall_before = now_ms ();
  echo_take_p99 (echo);
  sent = write_at_rate (visitors, sizes.rate, MAX (1, sizes.seconds / 2), &serial, echo);
  pump_until (&echo->done, 5000);
  echo_p99 = echo_take_p99 (echo);
  g_printerr ("sent %u messages in %.2f s; the server used %.2f s of CPU meanwhile, this program %.2f s in all\n",
              sent, (now_ms () - wall_before) / 1000.0,
              process_cpu_s (fd_test_server_get_pid (server)) - cpu_before, process_cpu_s (getpid ()));
  if (!wait_delivered (agents, sizes.p99_agents, sent))
    {
      g_printerr ("FAILED: %u messages sent, the probe received %" G_GUINT64_FORMAT "\n", sent, probe->messages);
      ok = FALSE;
    }
  else
    g_printerr ("every agent had all %u messages %.2f s after the first was sent (%.0f msg/s delivered)\n",
                sent, (now_ms () - wall_before) / 1000.0, sent / ((now_ms () - wall_before) / 1000.0));
  delivery_p99 = p99 (probe->latencies);
  g_printerr ("loopback websocket echo beside the messages: p99 %.3f ms\n", echo_p99);
  g_printerr ("delivery at %u msg/s to %u agents: %u messages, p99 %.3f ms (%.2fx the echo)\n",
              sizes.rate, sizes.p99_agents, sent, delivery_p99, delivery_p99 / MAX (echo_p99, 1e-6));

  /* Server CPU at CPU_RATE with every agent joined. */
  connect_agents (agents, sizes.p99_agents, sizes.agents, url);
  pump_for (500);
  baseline = (guint) probe->messages;
  for (guint i = 0; i < agents->len; i++)
    ((Agent *) g_ptr_array_index (agents, i))->messages = 0;
  g_printerr ("measuring the CPU of frontdeskd (pid %d) for %u s\n", (int) fd_test_server_get_pid (server), sizes.seconds);
  cpu_before = process_cpu_s (fd_test_server_get_pid (server));
  wall_before = now_ms ();
  sent = write_at_rate (visitors, sizes.cpu_rate, sizes.seconds, &serial, NULL);
  cpu_after = process_cpu_s (fd_test_server_get_pid (server));
  cpu_percent = 100.0 * (cpu_after - cpu_before) / ((now_ms () - wall_before) / 1000.0);
  if (!wait_delivered (agents, sizes.agents, sent))
    {
      g_printerr ("FAILED: %u messages sent at %u msg/s; not every agent received them all\n",
                  sent, sizes.cpu_rate);
      ok = FALSE;
    }
  g_printerr ("server CPU with %u agents joined at %u msg/s: %.2f %% of a core (%u messages, %u before)\n",
              sizes.agents, sizes.cpu_rate, cpu_percent, sent, baseline);

  printf ("FIGURE anchor.ws_echo_p99_ms %.3f ms\n", echo_p99);
  printf ("FIGURE fanout.delivery_p99_ms %.3f ms anchor=anchor.ws_echo_p99_ms\n", delivery_p99);
  printf ("FIGURE fanout.cpu_percent %.2f %%\n", cpu_percent);
  g_printerr ("ratio fanout.delivery_p99_ms / anchor.ws_echo_p99_ms = %.2f\n",
              delivery_p99 / MAX (echo_p99, 1e-6));

  echo_stop (echo);
  g_ptr_array_set_size (agents, 0);
  g_ptr_array_set_size (visitors, 0);
  pump_for (100);
  fd_test_server_stop (server);
  return ok ? 0 : 1;
}
