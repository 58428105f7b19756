/* anchor-fsync: the floor of a durable commit (docs/performance.md). In
 * DIR, the directory of the database (its disk), writes 4 KiB and calls
 * fdatasync(2), N times, each timed: no commit can be acknowledged faster
 * than its data reaches the disk, so durable figures are read beside
 * this one. The file is removed at the end.
 *
 * Usage: anchor-fsync [--small] [--rounds N] [DIR]
 * DIR defaults to the temporary directory (TMPDIR), where the benchmarks
 * that start frontdeskd keep its database.
 * Prints FIGURE anchor.fsync_ms (the median) and anchor.fsync_p99_ms. */
#include "anchor-common.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS       1000
#define SMALL_ROUNDS 20
#define BLOCK        4096

int
main (int argc, char **argv)
{
  gboolean small = FALSE;
  int rounds = 0;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "A few syncs (CI)", NULL },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Syncs to time (default 1000)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[DIR] - the fsync loop anchor");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree double *times = NULL;
  char block[BLOCK];
  const char *dir;
  guint n;
  int fd;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (argc > 2 || rounds < 0 || rounds > 1000000)
    {
      g_printerr ("usage: anchor-fsync [--small] [--rounds N (1-1000000)] [DIR]\n");
      return 2;
    }
  dir = argc == 2 ? argv[1] : g_get_tmp_dir ();
  n = rounds > 0 ? (guint) rounds : small ? SMALL_ROUNDS : ROUNDS;

  path = g_build_filename (dir, "anchor-fsync-XXXXXX", NULL);
  fd = g_mkstemp (path);
  if (fd < 0)
    {
      g_printerr ("anchor-fsync: cannot create a file in %s: %s\n", dir, g_strerror (errno));
      return 1;
    }
  memset (block, 'f', sizeof block);
  times = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();

      /* Appended, as a WAL grows: each sync also writes the file's size. */
      if (write (fd, block, sizeof block) != (ssize_t) sizeof block || fdatasync (fd) != 0)
        {
          g_printerr ("anchor-fsync: write or fdatasync failed in %s: %s\n", dir, g_strerror (errno));
          close (fd);
          g_unlink (path);
          return 1;
        }
      times[i] = (g_get_monotonic_time () - start) / 1e3;
    }
  close (fd);
  g_unlink (path);

  g_printerr ("anchor-fsync: %u writes of %d bytes + fdatasync in %s\n", n, BLOCK, dir);
  anchor_print_figure ("anchor.fsync_ms", anchor_percentile (times, n, 50), "ms");
  anchor_print_figure ("anchor.fsync_p99_ms", anchor_percentile (times, n, 99), "ms");
  return 0;
}
