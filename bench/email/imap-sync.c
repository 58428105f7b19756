/* imap-sync: two figures of fd-imap against a real Dovecot on loopback
 * (docs/performance.md, "Receiving mail (IMAP)"), each beside an anchor
 * measured in the same run on the same machine:
 *
 *  - the initial sync of a Maildir of N messages (default 10,000) through
 *    fd_imap_fetch_since, beside reading the same files from disk;
 *  - delivery → IDLE wake-up (rename into new/ until fd_imap_idle_wait
 *    returns "new mail"), beside a loopback TCP echo round trip.
 *
 * Usage: imap-sync [N_MESSAGES] [N_WAKEUPS]. Not a test: run by hand. */
#include "bench-anchors.h"
#include "fd-imap.h"
#include "fd-test-dovecot.h"

#include <stdio.h>
#include <stdlib.h>

#define PASSWORD "bench-pass"

static gboolean
on_message (guint32       uid,
            GBytes       *raw,
            const GError *refused,
            gpointer      user_data)
{
  guint64 *bytes = user_data;

  if (raw != NULL)
    *bytes += g_bytes_get_size (raw);
  return TRUE;
}

static FdImapSession *
connect_or_die (FdTestDovecot *dovecot)
{
  FdImapConfig config = {
    .host = "127.0.0.1",
    .port = fd_test_dovecot_get_port (dovecot),
    .tls_mode = FD_IMAP_TLS_NONE,
    .user = fd_test_dovecot_get_user (dovecot),
    .password = PASSWORD,
  };
  g_autoptr(GError) error = NULL;
  FdImapSession *session = fd_imap_connect (&config, NULL, &error);

  if (session == NULL)
    g_error ("%s", error->message);
  if (!fd_imap_select (session, "INBOX", NULL, NULL, &error))
    g_error ("%s", error->message);
  return session;
}

typedef struct {
  FdTestDovecot *dovecot;
  guint n;
  gint64 delivered_at;
} Delivery;

static gpointer
deliver_thread (gpointer data)
{
  Delivery *d = data;
  g_autofree char *mail = bench_make_mail (d->n);

  /* Let the waiter enter IDLE first. */
  g_usleep (50 * 1000);
  d->delivered_at = g_get_monotonic_time ();
  fd_test_dovecot_deliver (d->dovecot, NULL, mail, -1);
  return NULL;
}

int
main (int argc, char **argv)
{
  gboolean small = argc > 1 && g_str_equal (argv[1], "--small");
  guint n_messages, n_wakeups;
  g_autoptr(FdTestDovecot) dovecot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *wakes = NULL;
  guint64 bytes = 0;
  guint n_seen = 0;
  double sync_s, disk_s, echo_ms;
  gint64 start;

  /* --small (CI, tools/bench --small): 200 messages, 3 wake-ups. */
  if (small)
    {
      argv++;
      argc--;
    }
  n_messages = argc > 1 ? (guint) atoi (argv[1]) : small ? 200 : 10000;
  n_wakeups = argc > 2 ? (guint) atoi (argv[2]) : small ? 3 : 20;
  if (n_messages == 0 || n_wakeups == 0)
    g_error ("usage: imap-sync [--small] [N_MESSAGES] [N_WAKEUPS]");
  dovecot = fd_test_dovecot_new_started (PASSWORD);

  for (guint i = 1; i <= n_messages; i++)
    {
      g_autofree char *mail = bench_make_mail (i);
      fd_test_dovecot_deliver (dovecot, NULL, mail, -1);
    }

  {
    g_autoptr(FdImapSession) session = NULL;

    start = g_get_monotonic_time ();
    session = connect_or_die (dovecot);
    if (!fd_imap_fetch_since (session, 0, 100, on_message, &bytes, &n_seen, &error))
      g_error ("%s", error ? error->message : "stopped");
    sync_s = (g_get_monotonic_time () - start) / 1e6;
    if (n_seen != n_messages)
      g_error ("fetched %u of %u messages", n_seen, n_messages);
  }
  disk_s = bench_read_maildir_s (fd_test_dovecot_get_maildir (dovecot));

  wakes = g_new (double, n_wakeups);
  {
    g_autoptr(FdImapSession) session = connect_or_die (dovecot);

    for (guint i = 0; i < n_wakeups; i++)
      {
        Delivery d = { dovecot, n_messages + 1 + i, 0 };
        GThread *thread = g_thread_new ("deliver", deliver_thread, &d);
        FdImapIdleResult result = fd_imap_idle_wait (session, 60, NULL, &error);
        gint64 woke = g_get_monotonic_time ();

        g_thread_join (thread);
        if (result != FD_IMAP_IDLE_NEW_MAIL)
          g_error ("IDLE did not wake on a delivery (%d): %s", result,
                   error ? error->message : "timeout");
        wakes[i] = (woke - d.delivered_at) / 1e3;
      }
  }
  echo_ms = bench_echo_rtt_ms (1000);

  g_printerr ("initial sync: %u messages, %.1f MiB, %.2f s (%.0f messages/s); "
              "anchor: reading the same files from disk %.3f s\n",
              n_seen, bytes / (1024.0 * 1024.0), sync_s, n_seen / sync_s, disk_s);
  {
    double worst = bench_max (wakes, n_wakeups);
    double median = bench_median (wakes, n_wakeups);

    g_printerr ("delivery -> IDLE wake-up: median %.2f ms, max %.2f ms over %u deliveries; "
                "anchor: loopback TCP echo round trip median %.3f ms\n",
                median, worst, n_wakeups, echo_ms);
    /* The benchmark contract (docs/performance.md, "How to measure"). */
    printf ("FIGURE email.imap_sync_s %.4f s anchor=email.maildir_read_s\n", sync_s);
    printf ("FIGURE email.imap_sync_msgs_per_s %.0f msg/s\n", n_seen / sync_s);
    printf ("FIGURE email.maildir_read_s %.4f s\n", disk_s);
    printf ("FIGURE email.idle_wake_median_ms %.2f ms anchor=anchor.tcp_echo_ms\n", median);
    printf ("FIGURE email.idle_wake_max_ms %.2f ms anchor=anchor.tcp_echo_ms\n", worst);
    printf ("FIGURE anchor.tcp_echo_ms %.4f ms\n", echo_ms);
  }
  return 0;
}
