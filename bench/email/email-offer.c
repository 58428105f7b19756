/* email-offer: the Email channel through a real frontdeskd
 * (docs/performance.md, "Receiving mail"), each figure beside an anchor
 * measured in the same run on the same machine:
 *
 *  - delivery → offer: a mail renamed into the Dovecot Maildir's new/
 *    until the `offer` event reaches an agent joined to the stream's queue
 *    over the agent websocket, one mail at a time; once with IDLE, once
 *    against a Dovecot that does not offer IDLE (the worker then polls
 *    every POLL_SECONDS of the stream), beside a loopback TCP echo;
 *  - initial sync: an email stream created on a mailbox of N_SYNC mails,
 *    from the admin API's 201 until the N_SYNC-th mail is stored (its
 *    conversation with it, in the same transaction), beside reading the
 *    same files from disk.
 *
 * Everything is real: Dovecot (tests/email/fd-test-dovecot), frontdeskd
 * (tests/common/fd-test-server, the FRONTDESKD of the build unless the
 * environment names another) with the demo site, the admin API and the agent websocket
 * (tests/common/fd-test-client). Not a test: run by hand.
 *
 * Usage: email-offer [N_SYNC] [N_DELIVERIES] [POLL_SECONDS] */
#include "bench-anchors.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define PASSWORD "bench-pass"

/* Dovecot's default post-login capabilities without IDLE: a server on
 * which the worker must poll. */
#define NO_IDLE_CONFIG                                                                              \
  "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ NAMESPACE UIDPLUS "     \
  "UNSELECT CHILDREN\n"

typedef struct {
  FdTestDovecot *dovecot;
  FdTestServer  *server;
  FdTestAgent   *agent;
  gint64         org_id;
  gint64         queue_id;
  gint64         last_conversation_id;
} Rig;

static void
rig_free (Rig *rig)
{
  g_clear_pointer (&rig->agent, fd_test_agent_free);
  g_clear_pointer (&rig->server, fd_test_server_free);
  g_clear_pointer (&rig->dovecot, fd_test_dovecot_free);
}

/* A frontdeskd with the demo site (its Sales queue). */
static void
rig_start_server (Rig *rig)
{
  rig->server = fd_test_server_new_started ();
  rig->org_id = fd_test_admin_import_demo (rig->server);
  rig->queue_id = fd_test_admin_find_id (rig->server, rig->org_id, "queues", "Sales");
}

/* An email stream on the Sales queue reading the rig's Dovecot, ringing
 * every member; returns when the admin API answered 201. */
static void
rig_add_stream (Rig   *rig,
                guint  poll_seconds)
{
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) stream = NULL;
  gint64 stream_id;

  body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Bench Mail\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"settings_json\":\"{\\\"address\\\":\\\"support@example.test\\\","
                          "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\","
                          "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"none\\\","
                          "\\\"user_name\\\":\\\"%s\\\",\\\"poll_seconds\\\":%u}\","
                          "\"password\":\"" PASSWORD "\"}",
                          rig->queue_id, fd_test_dovecot_get_port (rig->dovecot), fd_test_free_port (),
                          fd_test_dovecot_get_user (rig->dovecot), poll_seconds);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", rig->org_id);
  stream = fd_test_admin_expect (rig->server, "POST", path, body, 201);
  stream_id = json_object_get_int_member (json_node_get_object (stream), "id");

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          rig->org_id, stream_id);
  json_node_unref (fd_test_admin_expect (rig->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
}

/* --- delivery → offer ---------------------------------------------------------- */

/* An offer of a conversation newer than every one offered before. */
static gboolean
is_new_offer (const FdFrame *frame,
              gpointer       data)
{
  const FdOfferEvent *event = frame->body;

  return frame->type == FD_FRAME_OFFER && event->offer != NULL &&
         event->offer->conversation_id > *(gint64 *) data;
}

/* Delivers mail @n and returns the ms until its offer reached the agent. */
static double
deliver_until_offer (Rig   *rig,
                     guint  n)
{
  g_autofree char *mail = bench_make_mail (n);
  g_autoptr(FdFrame) frame = NULL;
  gint64 delivered, offered;

  fd_test_dovecot_deliver (rig->dovecot, NULL, mail, -1);
  delivered = g_get_monotonic_time ();
  frame = fd_test_socket_wait_match (rig->agent->socket, is_new_offer, &rig->last_conversation_id,
                                     120 * 1000, "the offer of a delivered mail");
  offered = g_get_monotonic_time ();
  rig->last_conversation_id = ((FdOfferEvent *) frame->body)->offer->conversation_id;
  /* Keep the socket's queue short: the other events are not measured. */
  while (fd_test_socket_queued (rig->agent->socket) > 0)
    fd_frame_free (fd_test_socket_pop (rig->agent->socket));
  return (offered - delivered) / 1e3;
}

/* @n_deliveries mails, one at a time, to a stream polling every
 * @poll_seconds when the server has no IDLE (@no_idle). Before each
 * delivery the main loop runs for a while: with IDLE long enough for the
 * worker to be back in IDLE, when polling a random part of the interval,
 * so that deliveries fall anywhere in the poll cycle. */
static void
run_offers (guint     n_deliveries,
            guint     poll_seconds,
            gboolean  no_idle,
            double   *times)
{
  Rig rig = { 0 };

  rig.dovecot = fd_test_dovecot_new_started (PASSWORD);
  if (no_idle)
    fd_test_dovecot_set_extra_config (rig.dovecot, NO_IDLE_CONFIG);
  rig_start_server (&rig);
  rig_add_stream (&rig, poll_seconds);
  rig.agent = fd_test_agent_sign_in_and_join (rig.server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD,
                                              rig.queue_id, NULL);
  /* A first mail, not measured: the worker has connected and synced. */
  deliver_until_offer (&rig, 1);

  for (guint i = 0; i < n_deliveries; i++)
    {
      fd_test_spin (no_idle ? g_random_int_range (0, (gint32) poll_seconds * 1000) : 300);
      times[i] = deliver_until_offer (&rig, 2 + i);
    }
  rig_free (&rig);
}

/* --- initial sync ----------------------------------------------------------- */

static gint64
count_mails_in (FdTestServer *server)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_open_v2 (fd_test_server_get_db_path (server), &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("cannot open %s", fd_test_server_get_db_path (server));
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM email_mails WHERE direction = 'in'", -1, &stmt, NULL) !=
      SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* Seconds from the stream's creation until @n_mails mails are stored;
 * @out_disk_s: reading the Maildir's files. */
static double
run_sync (guint   n_mails,
          double *out_disk_s)
{
  Rig rig = { 0 };
  gint64 start, conversations;
  double seconds;

  rig.dovecot = fd_test_dovecot_new_started (PASSWORD);
  for (guint i = 1; i <= n_mails; i++)
    {
      g_autofree char *mail = bench_make_mail (i);

      fd_test_dovecot_deliver (rig.dovecot, NULL, mail, -1);
    }
  rig_start_server (&rig);

  start = g_get_monotonic_time ();
  rig_add_stream (&rig, 30);
  while (count_mails_in (rig.server) < n_mails)
    {
      if (g_get_monotonic_time () - start > (gint64) 3600 * G_USEC_PER_SEC)
        g_error ("the initial sync of %u mails took over an hour", n_mails);
      fd_test_spin (50);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;

  /* None twice. */
  conversations = count_mails_in (rig.server);
  if (conversations != n_mails)
    g_error ("%" G_GINT64_FORMAT " mails stored of %u", conversations, n_mails);
  *out_disk_s = bench_read_maildir_s (fd_test_dovecot_get_maildir (rig.dovecot));
  rig_free (&rig);
  return seconds;
}

int
main (int argc, char **argv)
{
  gboolean small = argc > 1 && g_str_equal (argv[1], "--small");
  guint n_sync, n_deliveries, poll_seconds;
  g_autofree double *idle = NULL;
  g_autofree double *poll = NULL;
  double sync_s, disk_s, echo_ms;

  /* --small (CI, tools/bench --small): 100 mails synced, 2 deliveries. */
  if (small)
    {
      argv++;
      argc--;
    }
  n_sync = argc > 1 ? (guint) atoi (argv[1]) : small ? 100 : 10000;
  n_deliveries = argc > 2 ? (guint) atoi (argv[2]) : small ? 2 : 20;
  poll_seconds = argc > 3 ? (guint) atoi (argv[3]) : 1;
  if (n_sync == 0 || n_deliveries == 0 || poll_seconds == 0 || poll_seconds > 3600)
    g_error ("usage: email-offer [--small] [N_SYNC] [N_DELIVERIES] [POLL_SECONDS (1-3600)]");
  if (g_getenv ("FRONTDESKD") == NULL)
    g_setenv ("FRONTDESKD", FD_BENCH_FRONTDESKD, TRUE);
  if (g_getenv ("FD_SOURCE_DATADIR") == NULL)
    g_setenv ("FD_SOURCE_DATADIR", FD_BENCH_DATADIR, TRUE);

  idle = g_new (double, n_deliveries);
  poll = g_new (double, n_deliveries);
  run_offers (n_deliveries, poll_seconds, FALSE, idle);
  run_offers (n_deliveries, poll_seconds, TRUE, poll);
  sync_s = run_sync (n_sync, &disk_s);
  echo_ms = bench_echo_rtt_ms (1000);

  {
    double idle_median = bench_median (idle, n_deliveries), idle_max = bench_max (idle, n_deliveries);
    double poll_median = bench_median (poll, n_deliveries), poll_max = bench_max (poll, n_deliveries);

    g_printerr ("delivery -> offer, IDLE: median %.0f ms, max %.0f ms over %u mails; "
                "anchor: loopback TCP echo round trip median %.3f ms\n",
                idle_median, idle_max, n_deliveries, echo_ms);
    g_printerr ("delivery -> offer, polling every %u s (no IDLE): median %.0f ms, max %.0f ms over %u mails; "
                "bound: the interval plus the IDLE figure\n",
                poll_seconds, poll_median, poll_max, n_deliveries);
    g_printerr ("initial sync through frontdeskd: %u mails stored in %.2f s (%.0f mails/s); "
                "anchor: reading the same files from disk %.3f s\n",
                n_sync, sync_s, n_sync / sync_s, disk_s);
    /* The benchmark contract (docs/performance.md, "How to measure"). */
    printf ("FIGURE email.offer_idle_median_ms %.1f ms anchor=anchor.tcp_echo_ms\n", idle_median);
    printf ("FIGURE email.offer_idle_max_ms %.1f ms anchor=anchor.tcp_echo_ms\n", idle_max);
    printf ("FIGURE email.offer_poll_median_ms %.1f ms\n", poll_median);
    printf ("FIGURE email.offer_poll_max_ms %.1f ms\n", poll_max);
    printf ("FIGURE email.server_sync_s %.3f s anchor=email.maildir_read_s\n", sync_s);
    printf ("FIGURE email.server_sync_mails_per_s %.0f mail/s\n", n_sync / sync_s);
    printf ("FIGURE email.maildir_read_s %.4f s\n", disk_s);
    printf ("FIGURE anchor.tcp_echo_ms %.4f ms\n", echo_ms);
  }
  return 0;
}
