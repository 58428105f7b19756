#pragma once

/* FdStatsRing: the last hour of an organization's statistics in memory
 * (docs/statistics.md, "History"): one sample of each stats row per minute,
 * at most @minutes minutes of at most @max_rows rows. Pure: the caller
 * gives the time, so tests drive it. Not kept across a restart. */

#include "fd-types.h"

G_BEGIN_DECLS

typedef struct _FdStatsRing FdStatsRing;

/* Whether a row's samples go into the answer of fd_stats_ring_dup(). */
typedef gboolean (*FdStatsRingFilter) (const FdStats *row,
                                       gpointer       user_data);

FdStatsRing *fd_stats_ring_new    (guint              max_rows,
                                   guint              minutes);
void         fd_stats_ring_free   (FdStatsRing       *self);
/* Takes copies of the first max_rows @rows (FdStats*) as the sample of
 * @at's minute, each with its at set to @at: it replaces a sample of the
 * same minute, and the minutes older than the last @minutes are dropped,
 * as are the samples of rows that are not in @rows any more (a deleted
 * queue or stream). */
void         fd_stats_ring_add    (FdStatsRing       *self,
                                   gint64             at,
                                   GPtrArray         *rows);
/* Copies of the samples (FdStats*), oldest minute first, each minute's in
 * the order they were given; only the rows @keep accepts (NULL = all). */
GPtrArray   *fd_stats_ring_dup    (FdStatsRing       *self,
                                   FdStatsRingFilter  keep,
                                   gpointer           user_data);
/* How many samples the ring holds. */
guint        fd_stats_ring_count  (FdStatsRing       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStatsRing, fd_stats_ring_free)

G_END_DECLS
