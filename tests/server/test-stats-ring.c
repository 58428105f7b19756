#define G_LOG_DOMAIN "fd-test"

/* FdStatsRing, the statistics' last hour (docs/statistics.md, "History"),
 * on a deterministic clock: one sample per row per minute, oldest first,
 * bounded by minutes and rows, rows of deleted queues or streams dropped. */

#include "fd-stats-ring.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define T0 (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC)

/* Rows for queues 1..@n_queues (stream 0) with waiting = @waiting. */
static GPtrArray *
rows_new (guint n_queues,
          gint  waiting)
{
  GPtrArray *rows = fd_stats_list_new ();

  for (guint q = 1; q <= n_queues; q++)
    {
      FdStats *row = fd_stats_new ();

      row->queue_id = q;
      row->waiting = waiting;
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static void
add (FdStatsRing *ring,
     gint64       at,
     guint        n_queues,
     gint         waiting)
{
  g_autoptr(GPtrArray) rows = rows_new (n_queues, waiting);

  fd_stats_ring_add (ring, at, rows);
}

static void
test_minutes (void)
{
  g_autoptr(FdStatsRing) ring = fd_stats_ring_new (100, 60);
  g_autoptr(GPtrArray) samples = NULL;

  /* 90 minutes of samples, one a minute: only the last 60 stay. */
  for (gint m = 0; m < 90; m++)
    add (ring, T0 + m * MINUTE, 2, m);
  g_assert_cmpuint (fd_stats_ring_count (ring), ==, 60 * 2);
  samples = fd_stats_ring_dup (ring, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 120);
  /* Oldest first, each minute's rows in order, each with its time. */
  for (guint i = 0; i < samples->len; i++)
    {
      const FdStats *sample = g_ptr_array_index (samples, i);

      g_assert_cmpint (sample->waiting, ==, 30 + (gint) i / 2);
      g_assert_cmpint (sample->at, ==, T0 + (30 + (gint64) i / 2) * MINUTE);
      g_assert_cmpint (sample->queue_id, ==, 1 + i % 2);
    }
  g_clear_pointer (&samples, g_ptr_array_unref);

  /* A second sample in the same minute replaces the first. */
  add (ring, T0 + 89 * MINUTE + 30 * G_USEC_PER_SEC, 2, 1000);
  samples = fd_stats_ring_dup (ring, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 120);
  g_assert_cmpint (((FdStats *) samples->pdata[119])->waiting, ==, 1000);
  g_assert_cmpint (((FdStats *) samples->pdata[117])->waiting, ==, 88);
  g_clear_pointer (&samples, g_ptr_array_unref);

  /* A gap of two hours leaves only the new minute. */
  add (ring, T0 + 210 * MINUTE, 2, 7);
  g_assert_cmpuint (fd_stats_ring_count (ring), ==, 2);
}

static void
test_rows_bounded_and_dropped (void)
{
  g_autoptr(FdStatsRing) ring = fd_stats_ring_new (3, 60);
  g_autoptr(GPtrArray) samples = NULL;

  /* Five rows offered, three kept per minute. */
  add (ring, T0, 5, 1);
  add (ring, T0 + MINUTE, 5, 2);
  g_assert_cmpuint (fd_stats_ring_count (ring), ==, 6);

  /* Queue 3 is deleted: its history goes with it at the next sample. */
  add (ring, T0 + 2 * MINUTE, 2, 3);
  samples = fd_stats_ring_dup (ring, NULL, NULL);
  g_assert_cmpuint (samples->len, ==, 6);
  for (guint i = 0; i < samples->len; i++)
    g_assert_cmpint (((FdStats *) samples->pdata[i])->queue_id, <=, 2);
}

static gboolean
keep_queue_2 (const FdStats *row,
              gpointer       user_data)
{
  return row->queue_id == 2;
}

static void
test_filter (void)
{
  g_autoptr(FdStatsRing) ring = fd_stats_ring_new (100, 60);
  g_autoptr(GPtrArray) samples = NULL;

  add (ring, T0, 3, 1);
  add (ring, T0 + MINUTE, 3, 2);
  samples = fd_stats_ring_dup (ring, keep_queue_2, NULL);
  g_assert_cmpuint (samples->len, ==, 2);
  g_assert_cmpint (((FdStats *) samples->pdata[0])->waiting, ==, 1);
  g_assert_cmpint (((FdStats *) samples->pdata[1])->waiting, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats-ring/minutes", test_minutes);
  g_test_add_func ("/stats-ring/rows-bounded-and-dropped", test_rows_bounded_and_dropped);
  g_test_add_func ("/stats-ring/filter", test_filter);
  return g_test_run ();
}
