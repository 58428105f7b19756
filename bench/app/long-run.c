/* long-run: does the agent app grow over a working day? (issue 17,
 * docs/performance.md "The long run"). A real frontdeskd with the demo
 * site and the real app (the frontdesk program of the build, or
 * $FRONTDESK) signed in as Jenna from its command line, on the display of
 * the environment (tools/bench runs it under Xvfb in a private D-Bus
 * session with a keyring). A second socket of the same agent (Jenna's
 * other device, as the protocol allows) plays the agent's hands: it joins
 * the Sales queue, reserves each chat offered, answers and closes it; the
 * app receives every event of it (the offer, the conversation, each
 * message, the close) as it would on a busy agent's desk.
 *
 * The traffic of a busy agent, time compressed (as fast as it goes, the
 * same count of events): a new web chat every simulated 2 minutes, 10
 * messages each (visitor and agent in turn), closed by the agent: 240
 * conversations and 2,400 messages over 8 simulated hours. The app's RSS
 * (VmRSS of its process) is sampled every simulated 10 minutes from the
 * end of the first 10 (before: start-up costs that the first rows bring
 * once), and the slope of RSS against simulated time is fitted by least
 * squares.
 *
 * Usage: long-run [--small] [--hours H] [--minutes M]
 *   --small: 20 simulated minutes (CI). Prints FIGURE app.rss_slope_kib_per_h,
 *   app.long_rss_signed_in_kib (before the first chat), app.long_rss_first_kib
 *   (the first sample) and app.long_rss_last_kib. Fails when a chat
 *   is not offered, a message not delivered, or the app dies. */
#include "fd-test-client.h"
#include "fd-test-server.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define CONVERSATION_EVERY_MIN 2
#define MESSAGES_EACH          10
#define SAMPLE_EVERY_MIN       10
/* Under ASan, with other programs running, the app takes a while to start. */
#define SIGN_IN_TIMEOUT_S      120
/* Time for the app to draw what it received before a sample. */
#define SETTLE_MS              300

static gint64
count_agent_tokens (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("cannot open %s", db_path);
  sqlite3_busy_timeout (db, 2000);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM agent_tokens", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static gsize
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "\nVmRSS:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

/* The least-squares slope of @y against @x. */
static double
slope (const double *x,
       const double *y,
       guint         n)
{
  double mx = 0, my = 0, sxy = 0, sxx = 0;

  for (guint i = 0; i < n; i++)
    {
      mx += x[i] / n;
      my += y[i] / n;
    }
  for (guint i = 0; i < n; i++)
    {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
  return sxx > 0 ? sxy / sxx : 0;
}

static GSubprocess *
spawn_app (FdTestServer *server)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GError) error = NULL;
  const char *app = g_getenv ("FRONTDESK");
  GSubprocess *proc;

  if (app == NULL)
    app = FD_BENCH_FRONTDESK;
  /* As tests/ui/test-app-cli.c: under ASan the slow unwinder on every
   * malloc can deadlock against a thread loading a module at start-up. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autoptr(GString) options = g_string_new (g_getenv ("ASAN_OPTIONS"));

      g_string_replace (options, "fast_unwind_on_malloc=0", "fast_unwind_on_malloc=1", 0);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options->str, TRUE);
    }
  proc = g_subprocess_launcher_spawn (launcher, &error, app, "--server", fd_test_server_get_url (server),
                                      "--email", FD_TEST_JENNA_EMAIL, "--password-stdin", NULL);
  if (proc == NULL)
    g_error ("cannot start %s: %s", app, error->message);
  if (!g_output_stream_write_all (g_subprocess_get_stdin_pipe (proc), FD_TEST_JENNA_PASSWORD "\n",
                                  strlen (FD_TEST_JENNA_PASSWORD "\n"), NULL, NULL, &error) ||
      !g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, &error))
    g_error ("cannot give the app its password: %s", error->message);
  return proc;
}

static void
assert_alive (GSubprocess *app)
{
  fd_test_spin (1);
  if (g_subprocess_get_identifier (app) == NULL)
    g_error ("the app exited (status %d)", g_subprocess_get_status (app));
}

/* The next message event of @conversation_id going @direction. */
static void
wait_message (FdTestAgent *agent,
              gint64       conversation_id,
              FdDirection  direction,
              const char  *text)
{
  for (;;)
    {
      g_autoptr(FdFrame) event = fd_test_agent_wait_event (agent, FD_FRAME_MESSAGE);
      FdMessage *message = event->body;

      if (message->conversation_id == conversation_id && message->direction == direction &&
          g_strcmp0 (message->text, text) == 0)
        return;
    }
}

/* One conversation as a busy agent has it: offered, reserved, ten
 * messages in turn, closed by the agent. */
static void
one_conversation (FdTestServer *server,
                  FdTestAgent  *hands,
                  guint         n)
{
  g_autofree char *name = g_strdup_printf ("Visitor %u", n);
  g_autoptr(FdTestVisitor) visitor = fd_test_agent_reserve_new_chat (hands, server, FD_TEST_CHAT_KEY, name);
  g_autoptr(FdFrame) closed = NULL;

  for (guint i = 0; i < MESSAGES_EACH; i++)
    {
      g_autofree char *client_id = g_strdup_printf ("m-%u-%u", n, i);
      g_autofree char *text = g_strdup_printf ("Message %u of conversation %u: a question about an order, "
                                               "its delivery and the invoice.", i, n);

      if (i % 2 == 0)
        {
          fd_test_visitor_send (visitor, client_id, text);
          wait_message (hands, visitor->conversation_id, FD_DIRECTION_IN, text);
        }
      else
        {
          g_autoptr(FdFrame) ack = fd_test_agent_expect_ack (hands, FD_FRAME_SEND_MESSAGE,
                                                             fd_test_send_message (visitor->conversation_id,
                                                                                   client_id, text));
          fd_test_visitor_expect_text (visitor, text, FD_TEST_TIMEOUT_MS);
        }
    }
  closed = fd_test_agent_expect_ack (hands, FD_FRAME_CLOSE, fd_test_conversation_ref (visitor->conversation_id));
  if (((FdConversation *) closed->body)->state != FD_CONVERSATION_CLOSED)
    g_error ("conversation %u is not closed after the agent closed it", n);
}

int
main (int argc, char **argv)
{
  gboolean small = FALSE;
  double hours = 0;
  int minutes = 0;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "20 simulated minutes (CI)", NULL },
    { "hours", 0, 0, G_OPTION_ARG_DOUBLE, &hours, "Simulated hours (default 8)", "H" },
    { "minutes", 0, 0, G_OPTION_ARG_INT, &minutes, "Simulated minutes (instead of --hours)", "M" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the app's RSS over a simulated working day");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestServer) server = NULL;
  g_autoptr(FdTestAgent) hands = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
  guint total_min, n_conversations, per_sample;
  gint64 org_id, queue_id, tokens, deadline, started;
  gsize signed_in_kib = 0;
  GPid pid;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (minutes > 0)
    total_min = (guint) minutes;
  else if (hours > 0)
    total_min = (guint) (hours * 60);
  else
    total_min = small ? 20 : 8 * 60;
  if (total_min < SAMPLE_EVERY_MIN * 2 || total_min > 7 * 24 * 60)
    {
      g_printerr ("the run must last from %d simulated minutes to a week\n", SAMPLE_EVERY_MIN * 2);
      return 2;
    }
  n_conversations = total_min / CONVERSATION_EVERY_MIN;
  per_sample = SAMPLE_EVERY_MIN / CONVERSATION_EVERY_MIN;
  if (g_getenv ("FRONTDESKD") == NULL)
    g_setenv ("FRONTDESKD", FD_BENCH_FRONTDESKD, TRUE);
  if (g_getenv ("FD_SOURCE_DATADIR") == NULL)
    g_setenv ("FD_SOURCE_DATADIR", FD_BENCH_DATADIR, TRUE);

  /* Every visitor of the run comes from 127.0.0.1: the per-address
   * limits of the visitor API (docs/admin.md) would stop a whole day's
   * chats after the first few. */
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "create=1000000/1000000,message=1000000/1000000,"
            "typing=1000000/1000000,sockets=1000", TRUE);
  server = fd_test_server_new_started ();
  org_id = fd_test_admin_import_demo (server);
  queue_id = fd_test_admin_find_id (server, org_id, "queues", "Sales");
  hands = fd_test_agent_sign_in_and_join (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, queue_id, NULL);

  /* The app signs in from its command line; the server's token table
   * tells when it did. */
  tokens = count_agent_tokens (fd_test_server_get_db_path (server));
  app = spawn_app (server);
  deadline = g_get_monotonic_time () + SIGN_IN_TIMEOUT_S * G_USEC_PER_SEC;
  while (count_agent_tokens (fd_test_server_get_db_path (server)) <= tokens)
    {
      assert_alive (app);
      if (g_get_monotonic_time () > deadline)
        g_error ("the app did not sign in within %d s", SIGN_IN_TIMEOUT_S);
      fd_test_spin (100);
    }
  /* Its socket, snapshot and first frames. */
  fd_test_spin (2000);
  assert_alive (app);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (app), NULL, 10);

  started = g_get_monotonic_time ();
  for (guint n = 0; n <= n_conversations; n++)
    {
      /* The first sample after the first simulated 10 minutes: what the
       * first rows bring once (fonts, icons, caches, the chat's widgets
       * types) is a start-up cost, not growth. */
      if (n == 0)
        {
          fd_test_spin (SETTLE_MS);
          assert_alive (app);
          signed_in_kib = rss_kib (pid);
        }
      else if (n % per_sample == 0)
        {
          double x = n * CONVERSATION_EVERY_MIN / 60.0, y;

          fd_test_spin (SETTLE_MS);
          assert_alive (app);
          y = (double) rss_kib (pid);
          if (y == 0)
            g_error ("cannot read the app's RSS");
          g_array_append_val (xs, x);
          g_array_append_val (ys, y);
          g_printerr ("long-run: %.2f simulated h, %u conversations, app RSS %.0f KiB\n", x, n, y);
        }
      if (n < n_conversations)
        one_conversation (server, hands, n + 1);
    }
  assert_alive (app);

  g_printerr ("long-run: %u conversations, %u messages, %u simulated minutes in %.1f s\n", n_conversations,
              n_conversations * MESSAGES_EACH, total_min, (g_get_monotonic_time () - started) / 1e6);
  printf ("FIGURE app.rss_slope_kib_per_h %.1f KiB/h\n",
          slope ((double *) xs->data, (double *) ys->data, xs->len));
  printf ("FIGURE app.long_rss_signed_in_kib %" G_GSIZE_FORMAT " KiB\n", signed_in_kib);
  printf ("FIGURE app.long_rss_first_kib %.0f KiB\n", g_array_index (ys, double, 0));
  printf ("FIGURE app.long_rss_last_kib %.0f KiB\n", g_array_index (ys, double, ys->len - 1));
  printf ("FIGURE app.long_conversations %u count\n", n_conversations);
  fflush (stdout);

  g_subprocess_send_signal (app, SIGTERM);
  if (!g_subprocess_wait (app, NULL, &error))
    g_error ("%s", error->message);
  return 0;
}
