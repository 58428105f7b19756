#define G_LOG_DOMAIN "rel-slow-readers"

/* Clients that never read (docs/reliability.md): one visitor websocket and
 * one agent websocket that take nothing from their socket (a 4 KiB receive
 * buffer) while the server has things to send them:
 *
 * - the visitor sends a small `hello` every 10 ms on a chat with a long
 *   transcript, and every hello asks the server for the whole transcript;
 * - the agent's second socket (same token, hello done) gets every event of
 *   a colleague socket that sends long messages as fast as they are acked.
 *
 * The server's resident memory is sampled meanwhile; the figures are its
 * peak growth, what the server was asked to send, and whether and when it
 * closed the socket. The anchor of each is the same traffic with a client
 * that reads (the visitor waiting for each answer before the next hello). Each case runs on a fresh server and stops after a
 * count, a time, a memory guard, or the server closing the socket. */

#include "rel-common.h"

#include <string.h>
#include <unistd.h>

#define CHAT_KEY          "kakapo-website-chat"
#define AGENT_LOGIN       "natalie@kakapo.example", "natalie-demo"
#define VISITOR_ORIGIN    "http://127.0.0.1:8080"
#define TRANSCRIPT_MSGS   200
#define TEXT_CHARS        8000
#define MAX_HELLOS        400
#define HELLO_EVERY_MS    10
#define MAX_PUSHED        4000
#define PUSH_WINDOW       16
#define RUN_SECONDS       25
/* Stop before the machine suffers: the finding is made well before this. */
#define GUARD_KIB         (2 * 1024 * 1024)

typedef struct {
  FdTestServer  *server;
  GPid           pid;
  FdTestAgent   *agent;
  FdTestVisitor *visitor;
  gint64         baseline_kib;
  gboolean       hwm_reset;
  RelSampler    *sampler;
} Case;

static char *
long_text (guint n)
{
  char *text = g_malloc (TEXT_CHARS + 1);

  memset (text, 'a' + n % 26, TEXT_CHARS);
  text[TEXT_CHARS] = '\0';
  return text;
}

static void
case_start (Case *c)
{
  gint64 org_id, sales;
  FdConversationRef *ref = fd_conversation_ref_new ();
  g_autoptr(FdFrame) ack = NULL;

  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "message=1000000/1000000,create=1000/1000", TRUE);
  c->server = fd_test_server_new ();
  fd_test_server_start (c->server);
  c->pid = rel_server_pid (c->server);
  org_id = fd_test_admin_import_demo (c->server);
  sales = fd_test_admin_find_id (c->server, org_id, "queues", "Sales");
  c->agent = fd_test_agent_sign_in (c->server, AGENT_LOGIN);
  fd_test_agent_connect (c->agent);
  fd_test_agent_join (c->agent, sales);
  c->visitor = fd_test_visitor_start (c->server, CHAT_KEY, "Sam Slow");
  ref->conversation_id = c->visitor->conversation_id;
  ack = fd_test_agent_expect_ack (c->agent, FD_FRAME_RESERVE, ref);
}

/* Sends @n long messages from the agent, @window at a time; returns how
 * many were acked. Stops early when @stop returns TRUE. */
static guint
agent_send_messages (Case      *c,
                     guint      n,
                     guint      window,
                     gboolean (*stop) (Case *c, guint acked, gpointer data),
                     gpointer   data)
{
  guint sent = 0, acked = 0;

  while (acked < n)
    {
      FdFrame *frame;

      while (sent < n && sent - acked < window)
        {
          g_autofree char *client_id = g_strdup_printf ("slow-%u", sent);
          FdSendMessage *send = fd_send_message_new ();
          g_autofree char *id = NULL;

          send->conversation_id = c->visitor->conversation_id;
          send->client_id = g_strdup (client_id);
          send->text = long_text (sent);
          id = fd_test_agent_send_request (c->agent, FD_FRAME_SEND_MESSAGE, send);
          sent++;
        }
      fd_test_socket_wait_queued (c->agent->socket, 1, FD_TEST_TIMEOUT_MS * 4);
      while ((frame = fd_test_socket_pop (c->agent->socket)) != NULL)
        {
          if (frame->type == FD_FRAME_ACK || frame->type == FD_FRAME_ERROR)
            acked++;
          fd_frame_free (frame);
        }
      if (stop != NULL && stop (c, acked, data))
        break;
    }
  return acked;
}

static void
case_measure_start (Case *c)
{
  rel_pump (200);
  c->baseline_kib = rel_proc_kib (c->pid, "VmRSS");
  c->hwm_reset = rel_reset_hwm (c->pid);
  c->sampler = rel_sampler_new (c->pid);
}

/* Peak growth over the baseline, in KiB. */
static gint64
case_peak_growth (Case *c)
{
  gint64 peak = rel_sampler_max_kib (c->sampler);

  if (c->hwm_reset)
    peak = MAX (peak, rel_proc_kib (c->pid, "VmHWM"));
  return peak - c->baseline_kib;
}

static void
case_end (Case *c)
{
  g_clear_pointer (&c->sampler, rel_sampler_free);
  g_clear_pointer (&c->agent, fd_test_agent_free);
  g_clear_pointer (&c->visitor, fd_test_visitor_free);
  g_clear_pointer (&c->server, fd_test_server_free);
}

static void
report (const char *prefix,
        gint64      growth_kib,
        guint64     asked_bytes,
        gboolean    closed,
        double      closed_after,
        const char *unit,
        guint       count,
        guint       count_at_close)
{
  g_autofree char *k_growth = g_strconcat (prefix, "_peak_growth_kib", NULL);
  g_autofree char *k_asked = g_strconcat (prefix, "_asked_bytes", NULL);
  g_autofree char *k_closed = g_strconcat (prefix, "_closed", NULL);
  g_autofree char *k_after = g_strconcat (prefix, "_closed_after_s", NULL);
  g_autofree char *k_count = g_strconcat (prefix, "_count", NULL);
  g_autofree char *k_at = g_strconcat (prefix, "_count_at_close", NULL);

  rel_set_int (k_growth, growth_kib);
  rel_set_int (k_asked, (gint64) asked_bytes);
  rel_set_bool (k_closed, closed);
  rel_set_int (k_count, count);
  if (closed)
    {
      rel_set_double (k_after, closed_after);
      rel_set_int (k_at, count_at_close);
    }
  g_print ("   %s: %u %s, %.1f MiB asked of the server; peak RSS growth %.1f MiB; %s", prefix, count, unit,
           asked_bytes / 1048576.0, growth_kib / 1024.0, closed ? "closed by the server" : "never closed");
  if (closed)
    g_print (" after %.2f s (%u %s)", closed_after, count_at_close, unit);
  g_print ("\n");
}

/* --- the visitor ------------------------------------------------------------- */

static guint
visitor_case (void)
{
  Case c = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  guint hellos = 0, at_close = 0;
  gboolean closed = FALSE;
  double start, closed_after = 0;
  guint64 transcript = 0;
  int fd;

  case_start (&c);
  agent_send_messages (&c, TRANSCRIPT_MSGS, PUSH_WINDOW, NULL, NULL);
  /* The size of one answer to hello: the whole transcript. */
  transcript = (guint64) TRANSCRIPT_MSGS * (TEXT_CHARS + 200);

  escaped = g_uri_escape_string (c.visitor->token, NULL, FALSE);
  path = g_strconcat ("/api/visitor/v1/socket?token=", escaped, NULL);
  fd = rel_ws_open_raw (fd_test_server_get_port (c.server), path, NULL, VISITOR_ORIGIN);

  case_measure_start (&c);
  start = rel_now ();
  while (hellos < MAX_HELLOS && rel_now () - start < RUN_SECONDS)
    {
      if (!rel_ws_send_raw (fd, "{\"type\":\"hello\",\"body\":{\"last_message_id\":0}}", 1000))
        {
          closed = TRUE;
          closed_after = rel_now () - start;
          at_close = hellos;
          break;
        }
      hellos++;
      rel_pump (HELLO_EVERY_MS);
      if (!rel_tcp_peer_open (fd, fd_test_server_get_port (c.server)))
        {
          closed = TRUE;
          closed_after = rel_now () - start;
          at_close = hellos;
          break;
        }
      if (case_peak_growth (&c) > GUARD_KIB)
        {
          rel_note ("visitor: stopped at the memory guard (%d MiB of growth)", GUARD_KIB / 1024);
          break;
        }
    }
  /* What the server does with what it already queued. */
  rel_pump (1000);
  if (!closed && !rel_tcp_peer_open (fd, fd_test_server_get_port (c.server)))
    {
      closed = TRUE;
      closed_after = rel_now () - start;
      at_close = hellos;
    }
  report ("visitor", case_peak_growth (&c), hellos * transcript, closed, closed_after, "hellos", hellos,
          at_close);
  rel_set_int ("visitor_transcript_bytes", (gint64) transcript);
  close (fd);
  case_end (&c);
  return hellos;
}

/* The anchor: the same hellos from a visitor that reads every answer
 * before it sends the next one. A socket says hello once (a second one is
 * refused), so each hello is on a socket of its own, as a widget that
 * reconnects would do. */
static void
visitor_control (guint hellos)
{
  Case c = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  FdTestSocket *socket;
  double start;
  guint sent = 0;

  case_start (&c);
  agent_send_messages (&c, TRANSCRIPT_MSGS, PUSH_WINDOW, NULL, NULL);
  url = fd_test_visitor_socket_url (c.server, c.visitor->token);

  case_measure_start (&c);
  start = rel_now ();
  for (; sent < hellos && rel_now () - start < RUN_SECONDS; sent++)
    {
      socket = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, NULL, &error);
      g_assert_no_error (error);
      fd_test_socket_send_text (socket, "{\"type\":\"hello\",\"body\":{\"last_message_id\":0}}");
      fd_frame_free (fd_test_socket_wait (socket, FD_FRAME_VISITOR_WELCOME, FD_TEST_TIMEOUT_MS, "a welcome"));
      fd_test_socket_drop (socket, FD_FRAME_VISITOR_MESSAGE);
      fd_test_socket_free (socket);
    }
  rel_set_int ("visitor_control_hellos", sent);
  rel_set_int ("visitor_control_growth_kib", case_peak_growth (&c));
  g_print ("   visitor anchor: %u hellos from a visitor that reads; peak RSS growth %.1f MiB\n", sent,
           case_peak_growth (&c) / 1024.0);
  case_end (&c);
}

/* --- the agent --------------------------------------------------------------- */

typedef struct {
  int     fd;
  double  start;
  guint   pushed;
  gboolean closed;
  double  closed_after;
  guint   at_close;
} AgentWatch;

static gboolean
agent_should_stop (Case    *c,
                   guint    acked,
                   gpointer data)
{
  AgentWatch *w = data;

  w->pushed = acked;
  if (!w->closed && !rel_tcp_peer_open (w->fd, fd_test_server_get_port (c->server)))
    {
      w->closed = TRUE;
      w->closed_after = rel_now () - w->start;
      w->at_close = w->pushed;
    }
  if (case_peak_growth (c) > GUARD_KIB)
    {
      rel_note ("agent: stopped at the memory guard (%d MiB of growth)", GUARD_KIB / 1024);
      return TRUE;
    }
  /* Once the server gave up on the socket, a little more shows it stays so. */
  return rel_now () - w->start > RUN_SECONDS || (w->closed && w->pushed > w->at_close + 200);
}

static gboolean
drain_control (Case    *c,
               guint    acked,
               gpointer data)
{
  FdFrame *frame;

  while ((frame = fd_test_socket_pop (data)) != NULL)
    fd_frame_free (frame);
  return FALSE;
}

static guint
agent_case (void)
{
  Case c = { 0 };
  AgentWatch w = { 0 };
  g_autofree char *hello = NULL;
  guint acked;

  case_start (&c);
  w.fd = rel_ws_open_raw (fd_test_server_get_port (c.server), "/api/agent/v1/socket", c.agent->token, NULL);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"id\":\"1\",\"body\":{\"protocol\":%d,\"last_seq\":%" G_GINT64_FORMAT
                           ",\"client\":\"frontdesk-reliability/slow\"}}", FD_PROTOCOL_VERSION,
                           fd_test_agent_get_last_seq (c.agent));
  if (!rel_ws_send_raw (w.fd, hello, 1000))
    g_error ("Cannot send hello on the non-reading agent socket");

  case_measure_start (&c);
  w.start = rel_now ();
  acked = agent_send_messages (&c, MAX_PUSHED, PUSH_WINDOW, agent_should_stop, &w);
  rel_pump (1000);
  if (!w.closed && !rel_tcp_peer_open (w.fd, fd_test_server_get_port (c.server)))
    {
      w.closed = TRUE;
      w.closed_after = rel_now () - w.start;
      w.at_close = acked;
    }
  report ("agent", case_peak_growth (&c), (guint64) acked * (TEXT_CHARS + 200), w.closed, w.closed_after,
          "message events", acked, w.at_close);
  close (w.fd);
  case_end (&c);
  return acked;
}

/* The anchor: the same messages while the second socket reads. */
static void
agent_control (guint messages)
{
  Case c = { 0 };
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  FdTestSocket *socket;
  FdHello *hello = fd_hello_new ();
  g_autoptr(FdFrame) frame = NULL;
  guint acked;

  case_start (&c);
  url = g_strconcat (fd_test_server_get_ws_url (c.server), "/api/agent/v1/socket", NULL);
  socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, c.agent->token, NULL, &error);
  g_assert_no_error (error);
  hello->protocol = FD_PROTOCOL_VERSION;
  hello->last_seq = fd_test_agent_get_last_seq (c.agent);
  frame = fd_frame_new_request (FD_FRAME_HELLO, "1", hello);
  fd_test_socket_send (socket, frame);
  fd_frame_free (fd_test_socket_wait_reply (socket, "1", FD_TEST_TIMEOUT_MS));

  case_measure_start (&c);
  acked = agent_send_messages (&c, messages, PUSH_WINDOW, drain_control, socket);
  rel_set_int ("agent_control_messages", acked);
  rel_set_int ("agent_control_growth_kib", case_peak_growth (&c));
  g_print ("   agent anchor: %u message events to a socket that reads; peak RSS growth %.1f MiB\n", acked,
           case_peak_growth (&c) / 1024.0);
  fd_test_socket_free (socket);
  case_end (&c);
}

int
main (int   argc,
      char *argv[])
{
  rel_init (&argc, &argv, "slow-readers");
  visitor_control (visitor_case ());
  agent_control (agent_case ());
  return rel_finish ();
}
