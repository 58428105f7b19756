#define G_LOG_DOMAIN "durable-bench"

/* Durable messages per second and visitor → agent delivery p99
 * (docs/performance.md, "Durability"), beside the fsync loop on the same
 * disk measured in the same run.
 *
 * A real frontdeskd (durability full unless --durability says otherwise)
 * with the demo site; one agent joined to Sales. Throughput: N visitors,
 * each sending its next message as soon as the previous one was
 * acknowledged (the widget's echo, sent after the synced commit), as many
 * as the server takes. Delivery: then the same visitors write at a fixed
 * RATE (the goal's 5,000 a second), round robin, without waiting for
 * their echoes, and the agent's socket times each message from the
 * visitor's send to its "message" event. (The p99 of the first phase is
 * printed too, as durable.saturated_p99_ms: with N messages always in
 * flight it is N / throughput and more by construction, Little's law,
 * whatever the server does.) Afterwards
 * frontdeskd is killed with SIGKILL and the file is read: every
 * acknowledged message must be stored exactly once, and every one must
 * have reached the agent; otherwise the program exits 1.
 *
 * Output: FIGURE lines on stdout (the contract of bench/), the rest on
 * stderr. */

#include "fd-test-client.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define CHAT_KEY "kakapo-website-chat"

typedef struct {
  FdTestVisitor *visitor;
  guint          sent;
  gboolean       waiting;      /* a message not acknowledged yet */
} Sender;

typedef struct {
  GHashTable *sent_at;         /* client id → gint64* monotonic µs of the send */
  GHashTable *acked;           /* client id set */
  GArray     *latencies_ms;    /* double: visitor send → agent event */
  guint       delivered;
} Traffic;

static gboolean opt_small;
static gint opt_visitors;
static gint opt_seconds;
static gint opt_rate;
static char *opt_durability;

static const GOptionEntry entries[] = {
  { "small", 0, 0, G_OPTION_ARG_NONE, &opt_small, "A run of seconds, for CI (correctness only)", NULL },
  { "visitors", 0, 0, G_OPTION_ARG_INT, &opt_visitors, "Visitors sending at once (default 64; 4 with --small)", "N" },
  { "seconds", 0, 0, G_OPTION_ARG_INT, &opt_seconds, "Seconds of traffic (default 10; 1 with --small)", "S" },
  { "durability", 0, 0, G_OPTION_ARG_STRING, &opt_durability, "frontdeskd --durability (default full)", "full|normal" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &opt_rate, "Messages a second while delivery is timed (default 5000; 200 with --small)", "N" },
  { NULL }
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            double  p)
{
  guint i;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  i = (guint) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, MIN (i, values->len - 1));
}

/* The floor: 4 KiB appended and fdatasync'd, @rounds times, in a file next
 * to the database; the median in ms. */
static double
fsync_anchor_ms (const char *dir,
                 guint       rounds)
{
  g_autofree char *path = g_build_filename (dir, "fsync-anchor", NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  char block[4096];
  int fd;
  double median;

  memset (block, 'x', sizeof block);
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    g_error ("Cannot create %s: %s", path, g_strerror (errno));
  for (guint i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      if (write (fd, block, sizeof block) != (ssize_t) sizeof block || fdatasync (fd) != 0)
        g_error ("Cannot write and sync %s: %s", path, g_strerror (errno));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  close (fd);
  g_unlink (path);
  median = percentile (times, 0.5);
  return median;
}

static void
send_next (Traffic *traffic,
           Sender  *sender,
           guint    index)
{
  char *client_id = g_strdup_printf ("w-%u-%u", index, sender->sent++);
  gint64 *now = g_new (gint64, 1);

  *now = g_get_monotonic_time ();
  g_hash_table_insert (traffic->sent_at, client_id, now);
  fd_test_visitor_send (sender->visitor, client_id, "A durable message of a visitor");
  sender->waiting = TRUE;
}

static void
collect_agent (Traffic     *traffic,
               FdTestAgent *agent)
{
  FdFrame *frame;

  while ((frame = fd_test_socket_pop (agent->socket)) != NULL)
    {
      if (frame->type == FD_FRAME_MESSAGE)
        {
          const FdMessage *msg = frame->body;
          const gint64 *sent_at = msg->client_id != NULL ? g_hash_table_lookup (traffic->sent_at, msg->client_id)
                                                         : NULL;

          if (sent_at != NULL)
            {
              double ms = (g_get_monotonic_time () - *sent_at) / 1000.0;

              g_array_append_val (traffic->latencies_ms, ms);
              traffic->delivered++;
            }
        }
      fd_frame_free (frame);
    }
}

/* Returns how many senders still wait for an acknowledgement. */
static guint
collect_visitors (Traffic *traffic,
                  Sender  *senders,
                  guint    n,
                  gboolean keep_sending,
                  gboolean *failed)
{
  guint waiting = 0;

  for (guint i = 0; i < n; i++)
    {
      FdFrame *frame;

      while ((frame = fd_test_socket_pop (senders[i].visitor->socket)) != NULL)
        {
          if (frame->type == FD_FRAME_VISITOR_MESSAGE)
            {
              const FdMessage *msg = frame->body;

              if (msg->client_id != NULL && g_hash_table_contains (traffic->sent_at, msg->client_id))
                {
                  g_hash_table_add (traffic->acked, g_strdup (msg->client_id));
                  senders[i].waiting = FALSE;
                }
            }
          else if (frame->type == FD_FRAME_VISITOR_ERROR)
            {
              g_printerr ("A visitor's message was refused: %s\n", ((FdErrorBody *) frame->body)->message);
              *failed = TRUE;
              senders[i].waiting = FALSE;
            }
          fd_frame_free (frame);
        }
      if (!senders[i].waiting && keep_sending && !*failed)
        send_next (traffic, &senders[i], i);
      waiting += senders[i].waiting;
    }
  return waiting;
}

/* Every acknowledged message is in the file once: one pass over the stored
 * client ids (the store's index leads with the conversation, so a lookup
 * by client id alone per message would scan the table each time). */
static gboolean
check_stored (const char *db_path,
              Traffic    *traffic)
{
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key;
  guint lost = 0, doubled = 0;
  int rc;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT client_id, count(*) FROM messages WHERE client_id IS NOT NULL "
                              "GROUP BY client_id", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("Cannot read %s: %s", db_path, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (stored, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GINT_TO_POINTER (sqlite3_column_int (stmt, 1)));
  if (rc != SQLITE_DONE)
    g_error ("Cannot count the messages: %s", sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_hash_table_iter_init (&iter, traffic->acked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int n = GPOINTER_TO_INT (g_hash_table_lookup (stored, key));

      lost += n == 0;
      doubled += n > 1;
    }
  g_printerr ("Acknowledged %u, lost %u, doubled %u (after kill -9)\n",
              g_hash_table_size (traffic->acked), lost, doubled);
  return lost == 0 && doubled == 0;
}

typedef struct {
  double   rate;        /* acknowledged messages per second */
  double   p99_ms;      /* visitor send → agent event, at the fixed rate */
  double   saturated_p99_ms; /* the same while N wait for their echoes */
  double   offered_rate; /* what the fixed-rate phase sent a second */
  double   fsync_ms;    /* the anchor, measured next to this run's database */
  gboolean ok;
} Run;

/* The p99 of @values from @from on. */
static double
p99_from (GArray *values,
          guint   from)
{
  g_autoptr(GArray) part = g_array_new (FALSE, FALSE, sizeof (double));

  if (from < values->len)
    g_array_append_vals (part, &g_array_index (values, double, from), values->len - from);
  return percentile (part, 0.99);
}

/* Waits (bounded) until every sender has its echo and the agent every
 * acknowledged message. */
static void
drain (Traffic     *traffic,
       FdTestAgent *agent,
       Sender      *senders,
       guint        n,
       gboolean    *failed)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline &&
         (collect_visitors (traffic, senders, n, FALSE, failed) > 0 ||
          traffic->delivered < g_hash_table_size (traffic->acked)))
    {
      g_main_context_iteration (NULL, FALSE);
      collect_agent (traffic, agent);
      g_usleep (1000);
    }
}

/* Sends @rate messages a second for @seconds, round robin over the
 * senders, each without waiting for the echo of its last; returns the
 * rate offered. */
static double
write_at_rate (Traffic     *traffic,
               FdTestAgent *agent,
               Sender      *senders,
               guint        n,
               guint        rate,
               guint        seconds,
               gboolean    *failed)
{
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + seconds * G_USEC_PER_SEC;
  guint sent = 0;

  while (g_get_monotonic_time () < end && !*failed)
    {
      guint due = (guint) ((g_get_monotonic_time () - start) * rate / G_USEC_PER_SEC);

      while (sent < due)
        {
          send_next (traffic, &senders[sent % n], sent % n);
          sent++;
        }
      g_main_context_iteration (NULL, FALSE);
      if (!g_main_context_pending (NULL))
        g_usleep (200);
      collect_agent (traffic, agent);
      collect_visitors (traffic, senders, n, FALSE, failed);
    }
  return sent / ((g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
}

/* One run: frontdeskd with @durability, @n visitors for @seconds as fast
 * as they are answered, then @seconds at @rate. */
static Run
run_traffic (const char *durability,
             guint       n,
             guint       seconds,
             guint       rate)
{
  g_autoptr(FdTestServer) server = NULL;
  FdTestAgent *agent;
  Sender *senders;
  Traffic traffic = { 0 };
  gint64 org_id, sales, start, end;
  guint saturated, acked_first;
  gboolean failed = FALSE;
  g_autofree char *db_path = NULL;
  FdFrame *frame;
  Run run = { 0 };
  double elapsed;

  server = fd_test_server_new ();
  fd_test_server_add_args (server, "--max-connections-per-address", "100000", NULL);
  /* Left out for the default, so that a frontdeskd from before the option
   * (FRONTDESKD=…) can be measured as the baseline. */
  if (!g_str_equal (durability, "full"))
    fd_test_server_add_args (server, "--durability", durability, NULL);
  fd_test_server_start (server);
  db_path = g_strdup (fd_test_server_get_db_path (server));

  run.fsync_ms = fsync_anchor_ms (fd_test_server_get_dir (server), opt_small ? 20 : 200);

  org_id = fd_test_admin_import_demo (server);
  sales = fd_test_admin_find_id (server, org_id, "queues", "Sales");
  agent = fd_test_agent_sign_in (server, "natalie@kakapo.example", "natalie-demo");
  /* As the app does: message events carry their conversation, and the
   * server leaves out the conversation events that would repeat it. */
  agent->message_conversation = TRUE;
  fd_test_agent_connect (agent);
  fd_frame_free (fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT));
  fd_test_agent_join (agent, sales);

  senders = g_new0 (Sender, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Visitor %u", i);

      senders[i].visitor = fd_test_visitor_start (server, CHAT_KEY, name);
      fd_test_visitor_connect (senders[i].visitor);
    }
  traffic.sent_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  traffic.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  traffic.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  /* The offers and other events before the traffic are not timed. */
  fd_test_socket_settle (agent->socket, 200);
  while ((frame = fd_test_socket_pop (agent->socket)) != NULL)
    fd_frame_free (frame);

  start = g_get_monotonic_time ();
  end = start + seconds * G_USEC_PER_SEC;
  for (guint i = 0; i < n; i++)
    send_next (&traffic, &senders[i], i);
  while (g_get_monotonic_time () < end && !failed)
    {
      g_main_context_iteration (NULL, TRUE);
      collect_agent (&traffic, agent);
      collect_visitors (&traffic, senders, n, TRUE, &failed);
    }
  /* Let the last messages arrive (bounded). */
  drain (&traffic, agent, senders, n, &failed);
  elapsed = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  acked_first = g_hash_table_size (traffic.acked);
  run.rate = acked_first / elapsed;
  run.saturated_p99_ms = p99_from (traffic.latencies_ms, 0);

  /* Delivery at the goal's rate, the visitors not waiting for echoes. */
  saturated = traffic.latencies_ms->len;
  if (!failed)
    run.offered_rate = write_at_rate (&traffic, agent, senders, n, rate, seconds, &failed);
  drain (&traffic, agent, senders, n, &failed);
  run.p99_ms = p99_from (traffic.latencies_ms, saturated);

  fd_test_server_kill (server);
  if (!check_stored (db_path, &traffic))
    failed = TRUE;
  if (traffic.delivered < g_hash_table_size (traffic.acked))
    {
      g_printerr ("Only %u of %u acknowledged messages reached the agent\n", traffic.delivered,
                  g_hash_table_size (traffic.acked));
      failed = TRUE;
    }
  if (g_hash_table_size (traffic.acked) == 0)
    {
      g_printerr ("No message was acknowledged\n");
      failed = TRUE;
    }
  g_printerr ("durability %s: %u visitors, %.1f s, %u messages acknowledged, %.0f/s (p99 %.2f ms with %u "
              "in flight); at %.0f msg/s offered: p99 %.2f ms; fsync %.3f ms\n",
              durability, n, elapsed, acked_first, run.rate, run.saturated_p99_ms, n, run.offered_rate, run.p99_ms,
              run.fsync_ms);

  for (guint i = 0; i < n; i++)
    fd_test_visitor_free (senders[i].visitor);
  g_free (senders);
  fd_test_agent_free (agent);
  g_hash_table_unref (traffic.sent_at);
  g_hash_table_unref (traffic.acked);
  g_array_unref (traffic.latencies_ms);
  run.ok = !failed;
  return run;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— durable messages per second");
  g_autoptr(GError) error = NULL;
  const char *durability;
  Run durable, normal = { 0 };
  guint n, seconds, rate;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("durable-bench: %s\n", error->message);
      return 2;
    }
  if (g_getenv ("FRONTDESKD") == NULL)
    {
      g_printerr ("durable-bench: set FRONTDESKD to the frontdeskd to measure (meson test sets it).\n");
      return 2;
    }
  n = (guint) (opt_visitors > 0 ? opt_visitors : opt_small ? 4 : 64);
  rate = (guint) (opt_rate > 0 ? opt_rate : opt_small ? 200 : 5000);
  seconds = (guint) (opt_seconds > 0 ? opt_seconds : opt_small ? 1 : 10);
  durability = opt_durability != NULL ? opt_durability : "full";

  /* The benchmark measures the store, not the abuse limits. */
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "message=1000000/1000000,create=100000/100000,sockets=100000", TRUE);
  durable = run_traffic (durability, n, seconds, rate);
  /* The same traffic without the sync, in the same run: what durability
   * costs here. */
  if (!opt_small && opt_durability == NULL)
    normal = run_traffic ("normal", n, seconds, rate);

  g_print ("FIGURE anchor.fsync_ms %.3f ms\n", durable.fsync_ms);
  g_print ("FIGURE durable.msgs_per_s %.0f msgs/s anchor=anchor.fsync_ms\n", durable.rate);
  g_print ("FIGURE durable.delivery_p99_ms %.3f ms anchor=anchor.fsync_ms\n", durable.p99_ms);
  g_print ("FIGURE durable.delivery_rate_per_s %.0f msgs/s\n", durable.offered_rate);
  g_print ("FIGURE durable.saturated_p99_ms %.3f ms\n", durable.saturated_p99_ms);
  if (normal.rate > 0)
    {
      g_print ("FIGURE durable.normal_msgs_per_s %.0f msgs/s\n", normal.rate);
      g_print ("FIGURE durable.normal_delivery_p99_ms %.3f ms\n", normal.p99_ms);
      g_print ("FIGURE durable.normal_saturated_p99_ms %.3f ms\n", normal.saturated_p99_ms);
    }
  return durable.ok && (normal.rate == 0 || normal.ok) ? 0 : 1;
}
