#define G_LOG_DOMAIN "rel-idle"

/* Idle connections and descriptor exhaustion (docs/reliability.md).
 *
 * 1. 10,000 TCP connections that send nothing, opened at once (200 from
 *    each of the source addresses 127.0.0.2, 127.0.0.3, …); once the
 *    server's descriptor count settles, GET /healthz on a fresh connection:
 *    its time beside the same request's time before the idle connections
 *    were opened (the anchor).
 * 2. A server started with a descriptor limit of 256 gets 512 idle
 *    connections, 8 at a time and waiting for the server to take them
 *    (each sends one byte of a request it never completes); a request is
 *    tried while they are open, then they are all closed and a request is
 *    tried every 100 ms until one is answered: recovery, and how long it
 *    took. */

#include "rel-common.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define N_IDLE            10000
#define PER_ADDRESS       200
#define N_PROBES          21
#define PROBE_TIMEOUT_MS  10000
#define LOW_NOFILE        256
#define N_EXHAUST         (2 * LOW_NOFILE)
/* Below the listen backlog of libsoup's own listener (10). */
#define WAVE              8
#define CHECK_EVERY       64
#define RECOVERY_S        15

/* Polls the connections in [@from, @to) that are still connecting, for
 * @timeout_ms; those connected count in *@connected (and send their byte
 * with @one_byte), those that failed are closed. */
static void
settle (int      *fds,
        gboolean *settled,
        guint     from,
        guint     to,
        gboolean  one_byte,
        int       timeout_ms,
        guint    *connected)
{
  g_autofree struct pollfd *pfds = g_new0 (struct pollfd, to - from);
  g_autofree guint *index = g_new (guint, to - from);
  guint k = 0;

  for (guint i = from; i < to; i++)
    if (!settled[i])
      {
        pfds[k] = (struct pollfd) { .fd = fds[i], .events = POLLOUT };
        index[k++] = i;
      }
  if (k == 0 || poll (pfds, k, timeout_ms) <= 0)
    return;
  for (guint j = 0; j < k; j++)
    {
      guint i = index[j];
      int err = 0;
      socklen_t len = sizeof err;

      if (pfds[j].revents == 0)
        continue;
      settled[i] = TRUE;
      getsockopt (fds[i], SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0 && (pfds[j].revents & POLLOUT) &&
          (!one_byte || send (fds[i], "G", 1, MSG_NOSIGNAL) == 1))
        (*connected)++;
      else
        {
          close (fds[i]);
          fds[i] = -1;
        }
    }
}

/* Opens @n connections, @wave at a time, PER_ADDRESS from each source
 * address. A short listen backlog drops a burst before the server sees it,
 * so after every @check_every connections this waits (at most a second)
 * until the server holds them. With @one_byte each sends the first byte of
 * a request it never completes. Stops early once the server took nothing
 * for three checks, or after @seconds. Returns the descriptors (-1 where
 * none). */
static int *
open_waves (guint16   port,
            GPid      pid,
            guint     n,
            guint     wave,
            guint     check_every,
            gboolean  one_byte,
            double    seconds,
            guint    *out_connected)
{
  int *fds = g_new (int, n);
  g_autofree gboolean *settled = g_new0 (gboolean, n);
  guint stalled = 0, connected = 0, opened = 0;
  double give_up = rel_now () + seconds;
  gint base = rel_count_fds (pid);
  gint last = base;
  double deadline;

  for (guint i = 0; i < n; i++)
    fds[i] = -1;
  for (guint i = 0; i < n && stalled < 3 && rel_now () < give_up; i += wave)
    {
      guint end = MIN (i + wave, n);

      for (guint j = i; j < end; j++)
        {
          g_autofree char *source = rel_source_address (j / PER_ADDRESS);

          fds[j] = rel_tcp_connect (source, port, TRUE);
          settled[j] = fds[j] < 0;
        }
      opened = end;
      settle (fds, settled, i, end, one_byte, 1, &connected);
      if (end % check_every == 0 || end == n)
        {
          gint held;

          settle (fds, settled, 0, end, one_byte, 0, &connected);
          deadline = rel_now () + 1;
          while ((held = rel_count_fds (pid)) < base + (gint) end && rel_now () < deadline)
            g_usleep (5000);
          stalled = held > last ? 0 : stalled + 1;
          last = held;
        }
    }
  deadline = rel_now () + 5;
  while (connected < opened && rel_now () < deadline)
    settle (fds, settled, 0, opened, one_byte, 100, &connected);
  for (guint i = 0; i < opened; i++)
    if (!settled[i] && fds[i] >= 0)
      {
        close (fds[i]);
        fds[i] = -1;
      }
  *out_connected = connected;
  return fds;
}

/* Waits until the server's descriptor count stays the same for a second
 * (at most @seconds); returns it. */
static gint
wait_server_fds (GPid   pid,
                 double seconds)
{
  double deadline = rel_now () + seconds;
  gint last = rel_count_fds (pid);

  while (rel_now () < deadline)
    {
      gint now;

      g_usleep (G_USEC_PER_SEC);
      now = rel_count_fds (pid);
      if (now == last)
        break;
      last = now;
    }
  return last;
}

static void
close_all (int  *fds,
           guint n)
{
  for (guint i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
  g_free (fds);
}

/* The median time of @n probes; @out_answered counts the 200s. */
static double
probe (guint16  port,
       guint    n,
       guint   *out_answered,
       double  *out_max)
{
  g_autofree double *times = g_new (double, n);
  guint answered = 0;
  double max = 0;

  for (guint i = 0; i < n; i++)
    {
      if (rel_http_get (port, "/healthz", PROBE_TIMEOUT_MS, &times[i]) == 200)
        answered++;
      max = MAX (max, times[i]);
    }
  *out_answered = answered;
  if (out_max != NULL)
    *out_max = max;
  return rel_median (times, n);
}

static void
idle_case (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  guint16 port;
  guint connected = 0, answered_before = 0, answered = 0;
  double before, after, after_max, t_open;
  int *fds;
  GPid pid;
  gint server_fds, base_fds;

  rel_server_add_option (server, "--max-connections-per-address", "1000");
  /* Idle connections are closed after the header timeout (10 s by
   * default): this scenario is about holding them, so it waits longer. */
  rel_server_add_option (server, "--header-timeout", "120");
  fd_test_server_start (server);
  port = fd_test_server_get_port (server);
  pid = rel_server_pid (server);

  before = probe (port, N_PROBES, &answered_before, NULL);
  /* The probes' connections close on the server's side a moment later. */
  base_fds = wait_server_fds (pid, 5);
  t_open = rel_now ();
  fds = open_waves (port, pid, N_IDLE, N_IDLE, N_IDLE, FALSE, 60, &connected);
  t_open = rel_now () - t_open;
  server_fds = wait_server_fds (pid, 10);
  after = probe (port, N_PROBES, &answered, &after_max);

  rel_set_int ("idle_connected", connected);
  rel_set_double ("idle_open_s", t_open);
  rel_set_int ("idle_server_fds", server_fds);
  rel_set_int ("idle_server_held", server_fds - base_fds);
  rel_set_double ("healthz_before_s", before);
  rel_set_double ("healthz_idle_s", after);
  rel_set_double ("healthz_idle_max_s", after_max);
  rel_set_int ("healthz_idle_answered", answered);
  rel_set_int ("healthz_probes", N_PROBES);
  rel_set_int ("idle_server_rss_kib", rel_proc_kib (pid, "VmRSS"));
  g_print ("   %u idle connections open in %.2f s; the server holds %d of them\n",
           connected, t_open, server_fds - base_fds);
  g_print ("   GET /healthz: median %.2f ms before, %.2f ms with them (max %.2f ms, %u of %u answered)\n",
           before * 1000, after * 1000, after_max * 1000, answered, N_PROBES);
  close_all (fds, N_IDLE);
}

/* --- exhaustion -------------------------------------------------------------- */

static void
limit_descriptors (gpointer user_data)
{
  struct rlimit lim = { LOW_NOFILE, LOW_NOFILE };

  setrlimit (RLIMIT_NOFILE, &lim);
  /* The server must not outlive this program, however it ends. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
exhaustion_case (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "frontdesk.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "frontdeskd: listening on ";
  guint connected = 0, status_during, status_first = 0;
  double t_during = 0, t_close, recovered_after = -1;
  guint16 port;
  int *fds;
  GPid pid;
  gint fds_peak;

  g_subprocess_launcher_set_child_setup (launcher, limit_descriptors, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FRONTDESKD"), "--listen", "127.0.0.1:0",
                                         "--db", db, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, prefix))
    g_error ("frontdeskd did not start under a descriptor limit of %u", LOW_NOFILE);
  port = (guint16) g_ascii_strtoull (strrchr (line, ':') + 1, NULL, 10);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);

  status_first = rel_http_get (port, "/healthz", 2000, NULL);
  fds = open_waves (port, pid, N_EXHAUST, WAVE, CHECK_EVERY, TRUE, 30, &connected);
  fds_peak = rel_count_fds (pid);
  status_during = rel_http_get (port, "/healthz", 2000, &t_during);

  close_all (fds, N_EXHAUST);
  t_close = rel_now ();
  while (rel_now () - t_close < RECOVERY_S)
    {
      if (rel_http_get (port, "/healthz", 1000, NULL) == 200)
        {
          recovered_after = rel_now () - t_close;
          break;
        }
      g_usleep (100 * 1000);
    }

  rel_set_int ("exhaust_limit", LOW_NOFILE);
  rel_set_int ("exhaust_connections", N_EXHAUST);
  rel_set_int ("exhaust_connected", connected);
  rel_set_int ("exhaust_server_fds", fds_peak);
  rel_set_int ("exhaust_status_before", status_first);
  rel_set_int ("exhaust_status_during", status_during);
  rel_set_bool ("exhaust_recovered", recovered_after >= 0);
  if (recovered_after >= 0)
    rel_set_double ("exhaust_recovery_s", recovered_after);
  g_print ("   descriptor limit %u: %u of %u connections open, the server holds %d descriptors; "
           "a request meanwhile: %s\n", LOW_NOFILE, connected, N_EXHAUST, fds_peak,
           status_during ? "answered" : "no answer within 2 s");
  if (status_during)
    g_print ("   (status %u in %.0f ms)\n", status_during, t_during * 1000);
  if (recovered_after >= 0)
    g_print ("   after closing them: answered again after %.2f s\n", recovered_after);
  else
    g_print ("   after closing them: no answer within %d s (not recovered)\n", RECOVERY_S);

  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  fd_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  rel_init (&argc, &argv, "idle");
  idle_case ();
  exhaustion_case ();
  return rel_finish ();
}
