/* The app with thousands of conversations (docs/performance.md, issue 17):
 * the real `frontdesk` program against a real frontdeskd whose database is
 * seeded with N conversations reserved by the agent (tests/common/fd-test-seed).
 *
 *   app.signin_0_s / app.signin_1000_s  from the app's start (signing in from
 *       its command line, docs/app.md "Command line") to the Activity List
 *       painted with all its rows (the app's "Activity List: N rows shown"
 *       debug line, written after the frame is painted)
 *   app.rss_1000_kib         VmRSS with 1,000 rows, once settled (3 s after
 *       the rows were shown; median of the runs, as the sign-in time)
 *   app.idle_cpu_1000_pct / app.idle_cpu_10000_pct  CPU of the idle app
 *       (utime + stime of /proc/PID/stat) over 30 s (10 s with --small)
 *   app.snapshot_paged_ok    1 when the 10,000 rows (a paged snapshot)
 *       all arrived
 * beside the anchors measured in the same run by the harness's
 * bench/anchors/anchor-adw-window (an empty libadwaita window), which this
 * program runs itself: anchor.adw_window_start_s, anchor.adw_window_rss_kib.
 * The sign-in figure's ratio is app.signin_1000_s / app.signin_0_s (the
 * issue's "1,000 conversations vs none"), the RSS's is against the anchor.
 *
 * Without a DISPLAY it runs itself again under Xvfb in a private D-Bus
 * session with an unlocked keyring (tests/agent/run-with-keyring.sh), as
 * the ui tests do. Exits 1 when a run shows the wrong number of rows.
 *
 * app-bench [--small]: --small (CI) uses 200 and 1,200 rows for the
 * 1,000 and 10,000 figures (1,200 still arrive in three snapshot pages).
 *
 * For looking into a figure: FD_BENCH_ROWS (another size for the "1,000"
 * run), FD_BENCH_SKIP_10000, FD_BENCH_VERBOSE (the app's debug lines with
 * their times), FD_BENCH_RSS_ALWAYS (RSS after every run, each printed),
 * FD_BENCH_SMAPS (where the RSS is: smaps_rollup and the largest mappings,
 * on stderr), FD_BENCH_MALLOC_STATS (glibc's malloc_stats() of the app
 * after the settle, gdb attached for a moment: per arena, the heap held
 * against the heap in use), FD_BENCH_APP_PREFIX (e.g. "valgrind
 * --tool=massif --" or "perf record --"; with FD_BENCH_APP_PREFIX_ALL also
 * for the runs without rows), FD_BENCH_FRONTDESK / FRONTDESKD /
 * FD_BENCH_SCHEMA_DIR (another build). */

#include "fd-test-client.h"
#include "fd-test-seed.h"
#include "fd-test-server.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SETTLE_MS      3000
#define WAIT_LINE_MS   120000

static gboolean small;
static guint mid_rows;
static guint big_rows;

/* The environment's @name, else @fallback: FD_BENCH_FRONTDESK and
 * FD_BENCH_SCHEMA_DIR point the benchmark at another build of the app (the
 * "before" figures of docs/performance.md), FRONTDESKD at its server. */
static const char *
setting (const char *name,
         const char *fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : fallback;
}

/* --- a child program whose lines are read by a thread ------------------------ */

typedef struct {
  GSubprocess *proc;
  GAsyncQueue *lines;   /* char*, NULL-terminated by a NULL-meaning "" at EOF */
  GThread     *reader;
  gint64       started;  /* monotonic µs */
} Child;

static gpointer
read_lines (gpointer data)
{
  GDataInputStream *in = data;
  GAsyncQueue *lines = g_object_get_data (G_OBJECT (in), "lines");
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL)) != NULL)
    g_async_queue_push (lines, line);
  g_async_queue_push (lines, g_strdup ("\x04EOF"));
  g_async_queue_unref (lines);
  g_object_unref (in);
  return NULL;
}

static Child *
child_spawn (const char * const *argv,
             gboolean            read_stdout,
             const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       (read_stdout ? G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                                    : G_SUBPROCESS_FLAGS_STDERR_PIPE));
  g_autoptr(GError) error = NULL;
  Child *child = g_new0 (Child, 1);
  GInputStream *out;
  GDataInputStream *in;

  /* The same conditions for the app and its anchor. */
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  /* No sound card on a benchmark machine (as in the tests). */
  g_subprocess_launcher_setenv (launcher, "FD_AUDIO_SINK", "fakesink sync=true", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", setting ("FD_BENCH_SCHEMA_DIR", FD_BENCH_SCHEMA_DIR), TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", g_getenv ("FD_BENCH_VERBOSE") != NULL ? "all" : "fd-window", TRUE);
  child->started = g_get_monotonic_time ();
  child->proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (child->proc == NULL)
    g_error ("Cannot start %s: %s", argv[0], error->message);
  if (input != NULL)
    g_output_stream_write_all (g_subprocess_get_stdin_pipe (child->proc), input, strlen (input), NULL, NULL, NULL);
  g_output_stream_close (g_subprocess_get_stdin_pipe (child->proc), NULL, NULL);
  out = read_stdout ? g_subprocess_get_stdout_pipe (child->proc) : g_subprocess_get_stderr_pipe (child->proc);
  in = g_data_input_stream_new (out);
  child->lines = g_async_queue_new_full (g_free);
  g_object_set_data (G_OBJECT (in), "lines", g_async_queue_ref (child->lines));
  child->reader = g_thread_new ("lines", read_lines, in);
  return child;
}

/* Waits for a line containing @needle; returns it (the caller frees) and
 * the seconds since the start in @out_s, or fails the run. */
static char *
child_wait_line (Child      *child,
                 const char *needle,
                 double     *out_s)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LINE_MS * 1000;

  for (;;)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      char *line = left > 0 ? g_async_queue_timeout_pop (child->lines, (guint64) left) : NULL;

      if (line == NULL)
        {
          g_printerr ("Timed out waiting for “%s”\n", needle);
          exit (1);
        }
      if (g_str_has_prefix (line, "\x04EOF"))
        {
          g_printerr ("The program ended before “%s”\n", needle);
          exit (1);
        }
      if (g_getenv ("FD_BENCH_VERBOSE") != NULL)
        g_printerr ("| +%.3f %s\n", (double) (g_get_monotonic_time () - child->started) / G_USEC_PER_SEC, line);
      if (strstr (line, needle) != NULL)
        {
          if (out_s != NULL)
            *out_s = (double) (g_get_monotonic_time () - child->started) / G_USEC_PER_SEC;
          return line;
        }
      g_free (line);
    }
}

static void
child_stop (Child *child)
{
  g_subprocess_send_signal (child->proc, SIGTERM);
  g_subprocess_wait (child->proc, NULL, NULL);
  g_thread_join (child->reader);
  g_async_queue_unref (child->lines);
  g_object_unref (child->proc);
  g_free (child);
}

static GPid
child_pid (Child *child)
{
  return (GPid) g_ascii_strtoll (g_subprocess_get_identifier (child->proc), NULL, 10);
}

/* --- /proc ------------------------------------------------------------------- */

static gint64
rss_kib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, "VmRSS:")) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* utime + stime in clock ticks. */
static gint64
cpu_ticks (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return -1;
  /* After "pid (comm)": state is field 3, utime 14, stime 15. */
  fields = g_strsplit (after + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return -1;
  return g_ascii_strtoll (fields[11], NULL, 10) + g_ascii_strtoll (fields[12], NULL, 10);
}

/* Percent of one core the process used over @seconds. */
static double
idle_cpu_percent (GPid  pid,
                  guint seconds)
{
  gint64 ticks0 = cpu_ticks (pid);
  gint64 t0 = g_get_monotonic_time ();
  gint64 ticks1;
  double wall;

  g_usleep ((gulong) seconds * G_USEC_PER_SEC);
  ticks1 = cpu_ticks (pid);
  wall = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  return 100.0 * (double) (ticks1 - ticks0) / (double) sysconf (_SC_CLK_TCK) / wall;
}

/* --- runs ---------------------------------------------------------------------- */

typedef struct {
  double signin_s;
  gint64 rss_kib;
  double idle_cpu;
  guint  rows;
} AppRun;

/* What a run measures beyond its sign-in time. */
typedef enum {
  MEASURE_RSS  = 1 << 0,
  MEASURE_IDLE = 1 << 1,
} Measure;

static void
run_app (guint    n,
         Measure  measure,
         AppRun  *out)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autofree char *needle = g_strdup_printf ("Activity List: %u rows shown", n);
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_auto(GStrv) prefix = NULL;
  Child *app;

  fd_test_server_start (server);
  fd_test_admin_import_demo (server);
  if (n > 0)
    {
      fd_test_server_stop (server);
      fd_test_seed_reserved_chats (fd_test_server_get_db_path (server), FD_TEST_NATALIE_EMAIL,
                                   FD_TEST_CHAT_KEY, n);
      fd_test_server_start (server);
    }

  /* The server's start-up work is over before the app starts. */
  g_usleep (1000 * 1000);
  /* FD_BENCH_APP_PREFIX (e.g. "perf record -g -o app.data --") runs the
   * app under a profiler; the figures then include it. */
  argv = g_ptr_array_new ();
  prefix = g_strsplit (g_getenv ("FD_BENCH_APP_PREFIX") != NULL ? g_getenv ("FD_BENCH_APP_PREFIX") : "", " ", -1);
  for (guint i = 0; prefix[i] != NULL; i++)
    if (*prefix[i] != '\0' && (n > 0 || g_getenv ("FD_BENCH_APP_PREFIX_ALL") != NULL))
      g_ptr_array_add (argv, prefix[i]);
  g_ptr_array_add (argv, (gpointer) setting ("FD_BENCH_FRONTDESK", FD_BENCH_FRONTDESK));
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, (gpointer) fd_test_server_get_url (server));
  g_ptr_array_add (argv, (gpointer) "--email");
  g_ptr_array_add (argv, (gpointer) FD_TEST_NATALIE_EMAIL);
  g_ptr_array_add (argv, (gpointer) "--password-stdin");
  g_ptr_array_add (argv, NULL);
  app = child_spawn ((const char * const *) argv->pdata, TRUE, FD_TEST_NATALIE_PASSWORD "\n");
  /* The first "rows shown" line is the snapshot's; it must hold all. GLib
   * writes debug lines on standard output. */
  line = child_wait_line (app, "rows shown", &out->signin_s);
  if (strstr (line, needle) == NULL)
    {
      g_printerr ("Expected “%s”, the app said “%s”\n", needle, line);
      exit (1);
    }
  out->rows = n;
  if (measure != 0 || g_getenv ("FD_BENCH_RSS_ALWAYS") != NULL)
    {
      g_usleep (SETTLE_MS * 1000);
      out->rss_kib = rss_kib (child_pid (app));
      /* FD_BENCH_SMAPS: where the RSS is (heap, libraries, fonts). */
      if (g_getenv ("FD_BENCH_SMAPS") != NULL)
        {
          g_autofree char *cmd = g_strdup_printf ("sh -c 'cat /proc/%d/smaps_rollup; "
                                                  "awk \"/^[0-9a-f]+-/ {name=\\$6} /^Rss:/ {rss[name]+=\\$2} "
                                                  "END {for (n in rss) if (rss[n] > 1000) print rss[n], n}\" /proc/%d/smaps "
                                                  "| sort -rn | head -25' >&2",
                                                  (int) child_pid (app), (int) child_pid (app));

          if (system (cmd) != 0)
            g_printerr ("Could not read the app's smaps\n");
        }
      /* FD_BENCH_MALLOC_STATS: glibc's malloc_stats() of the app, on its
       * standard error (gdb attached for a moment): per arena, the heap
       * the system holds against what is in use, the fragmentation. */
      if (g_getenv ("FD_BENCH_MALLOC_STATS") != NULL)
        {
          g_autofree char *cmd = g_strdup_printf ("gdb -p %d -batch -nx -ex 'call (void) malloc_stats ()' >/dev/null 2>&1",
                                                  (int) child_pid (app));

          if (system (cmd) != 0)
            g_printerr ("Could not attach gdb to the app\n");
        }
      if (g_getenv ("FD_BENCH_VERBOSE") != NULL || g_getenv ("FD_BENCH_RSS_ALWAYS") != NULL)
        g_printerr ("run with %u rows: RSS %" G_GINT64_FORMAT " KiB\n", n, out->rss_kib);
      if (measure & MEASURE_IDLE)
        out->idle_cpu = idle_cpu_percent (child_pid (app), small ? 10 : 30);
    }
  child_stop (app);
  fd_test_server_stop (server);
}

/* The value of the line "FIGURE @key <value> …" of a program, or fails
 * the run. */
static double
child_wait_figure (Child      *child,
                   const char *key)
{
  g_autofree char *needle = g_strdup_printf ("FIGURE %s ", key);
  g_autofree char *line = child_wait_line (child, needle, NULL);

  return g_ascii_strtod (strstr (line, needle) + strlen (needle), NULL);
}

/* The anchor, bench/anchors/anchor-adw-window (the harness runs it too):
 * its start to the first frame as it measures it (from its main()), and
 * its RSS after the same settling time as the app's. */
static void
run_anchor (double *out_start_s,
            gint64 *out_rss_kib)
{
  g_autofree char *settle = g_strdup_printf ("--settle-ms=%d", SETTLE_MS);
  Child *window = child_spawn ((const char * const []) { FD_BENCH_ADW_WINDOW, settle, NULL }, TRUE, NULL);

  *out_start_s = child_wait_figure (window, "anchor.adw_window_start_s");
  *out_rss_kib = (gint64) child_wait_figure (window, "anchor.adw_window_rss_kib");
  /* It exits by itself once it printed both. */
  if (!g_subprocess_wait_check (window->proc, NULL, NULL))
    {
      g_printerr ("%s failed\n", FD_BENCH_ADW_WINDOW);
      exit (1);
    }
  child_stop (window);
}

#define REPEATS (small ? 1 : 5)

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

/* The median sign-in time (and RSS, when @run has one) of REPEATS runs
 * with @n rows, this one's (@run, already measured) among them, into
 * @run: a single start on a shared machine varies by half a second, its
 * RSS by a few MB (what glibc keeps, fonts, the moment of the read). */
static void
median_runs (guint   n,
             AppRun *run)
{
  double times[8] = { run->signin_s };
  double rss[8] = { (double) run->rss_kib };

  for (guint i = 1; i < (guint) REPEATS; i++)
    {
      AppRun again = { 0 };

      run_app (n, run->rss_kib > 0 ? MEASURE_RSS : 0, &again);
      times[i] = again.signin_s;
      rss[i] = (double) again.rss_kib;
    }
  run->signin_s = median (times, (guint) REPEATS);
  run->rss_kib = (gint64) median (rss, (guint) REPEATS);
}

static double
median_anchor_start (gint64 *out_rss_kib)
{
  double times[8];
  double rss[8];

  for (guint i = 0; i < (guint) REPEATS; i++)
    {
      gint64 kib = 0;

      run_anchor (&times[i], &kib);
      rss[i] = (double) kib;
    }
  *out_rss_kib = (gint64) median (rss, (guint) REPEATS);
  return median (times, (guint) REPEATS);
}

/* Runs this program again under Xvfb, in a private D-Bus session with an
 * unlocked keyring and a fresh home. */
static void
wrap_in_display (int    argc,
                 char **argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (FD_BENCH_XVFB_RUN[0] == '\0')
    g_error ("No DISPLAY and no xvfb-run: run under a display");
  g_ptr_array_add (args, (gpointer) FD_BENCH_KEYRING_WRAPPER);
  g_ptr_array_add (args, (gpointer) FD_BENCH_XVFB_RUN);
  g_ptr_array_add (args, (gpointer) "-a");
  g_ptr_array_add (args, (gpointer) "-s");
  g_ptr_array_add (args, (gpointer) "-screen 0 1280x800x24 -nolisten tcp");
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);
  g_setenv ("FD_BENCH_WRAPPED", "1", TRUE);
  execv (FD_BENCH_KEYRING_WRAPPER, (char **) args->pdata);
  g_error ("Cannot run %s: %s", FD_BENCH_KEYRING_WRAPPER, g_strerror (errno));
}

int
main (int    argc,
      char **argv)
{
  AppRun empty = { 0 }, thousand = { 0 }, ten_thousand = { 0 };
  double anchor_start_s = 0;
  gint64 anchor_rss = 0;

  small = argc > 1 && strcmp (argv[1], "--small") == 0;
  /* --small (CI, correctness only, ASan builds too) keeps the sizes small:
   * 200 rows for the "1,000" figures and 1,200 (still three snapshot
   * pages) for the "10,000" ones; the keys stay the same. */
  mid_rows = small ? 200 : 1000;
  big_rows = small ? 1200 : 10000;
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("FD_BENCH_WRAPPED") == NULL)
    wrap_in_display (argc, argv);
  if (g_getenv ("FRONTDESKD") == NULL)
    g_setenv ("FRONTDESKD", FD_BENCH_FRONTDESKD, TRUE);
  if (g_getenv ("FD_SOURCE_DATADIR") == NULL)
    g_setenv ("FD_SOURCE_DATADIR", FD_BENCH_DATADIR, TRUE);

  /* A first start of each program fills the fresh home's caches (fonts,
   * the GStreamer registry); it is not measured. */
  run_anchor (&anchor_start_s, &anchor_rss);
  run_app (0, 0, &empty);
  empty = (AppRun) { 0 };
  run_app (0, MEASURE_RSS, &empty);
  /* Start-up times and RSS are the median of several runs (one with
   * --small). */
  anchor_start_s = median_anchor_start (&anchor_rss);
  median_runs (0, &empty);
  if (empty.rss_kib > 0)
    g_printerr ("With no rows: RSS %" G_GINT64_FORMAT " KiB\n", empty.rss_kib);
  /* FD_BENCH_ROWS: another size than 1,000 (to see what a row costs). */
  run_app (g_getenv ("FD_BENCH_ROWS") != NULL ? (guint) g_ascii_strtoull (g_getenv ("FD_BENCH_ROWS"), NULL, 10) : mid_rows,
           MEASURE_RSS | MEASURE_IDLE, &thousand);
  median_runs (thousand.rows, &thousand);
  /* FD_BENCH_SKIP_10000: for a build that cannot page its snapshot. */
  if (g_getenv ("FD_BENCH_SKIP_10000") == NULL)
    run_app (big_rows, MEASURE_RSS | MEASURE_IDLE, &ten_thousand);

  printf ("FIGURE anchor.adw_window_start_s %.3f s\n", anchor_start_s);
  printf ("FIGURE anchor.adw_window_rss_kib %" G_GINT64_FORMAT " KiB\n", anchor_rss);
  printf ("FIGURE app.signin_0_s %.3f s anchor=anchor.adw_window_start_s\n", empty.signin_s);
  printf ("FIGURE app.signin_1000_s %.3f s anchor=app.signin_0_s\n", thousand.signin_s);
  printf ("FIGURE app.rss_1000_kib %" G_GINT64_FORMAT " KiB anchor=anchor.adw_window_rss_kib\n", thousand.rss_kib);
  printf ("FIGURE app.idle_cpu_1000_pct %.2f %%\n", thousand.idle_cpu);
  if (ten_thousand.rows > 0)
    printf ("FIGURE app.idle_cpu_10000_pct %.2f %%\n", ten_thousand.idle_cpu);
  printf ("FIGURE app.snapshot_paged_ok %d bool\n", ten_thousand.rows == big_rows ? 1 : 0);
  g_printerr ("signin 1000 / 0: %.2f×; RSS 1000 / empty window: %.2f×\n",
              empty.signin_s > 0 ? thousand.signin_s / empty.signin_s : 0,
              anchor_rss > 0 ? (double) thousand.rss_kib / (double) anchor_rss : 0);
  return ten_thousand.rows == big_rows ? 0 : 1;
}
