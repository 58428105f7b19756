#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Statistics: waiting, reserved, missed and closed conversations and the
 * average first reply, per queue and per media stream. */

typedef struct {
  FdStats *row;
  gint64   first_reply_sum;   /* µs */
  gint64   first_reply_count;
} StatsAcc;

static void
stats_add (StatsAcc       *acc,
           const StatsAcc *part)
{
  acc->row->waiting += part->row->waiting;
  acc->row->longest_wait_seconds = MAX (acc->row->longest_wait_seconds, part->row->longest_wait_seconds);
  acc->row->reserved += part->row->reserved;
  acc->row->missed_today += part->row->missed_today;
  acc->row->closed_today += part->row->closed_today;
  acc->first_reply_sum += part->first_reply_sum;
  acc->first_reply_count += part->first_reply_count;
}

static void
stats_finish (StatsAcc *acc)
{
  if (acc->first_reply_count > 0)
    acc->row->average_first_reply_seconds =
      (gint) (acc->first_reply_sum / acc->first_reply_count / G_USEC_PER_SEC);
}

GPtrArray *
fd_store_get_stats (FdStore  *self,
                    gint64    organization_id,
                    gint64    now,
                    gint64    day_start,
                    GError  **error)
{
  g_autoptr(GPtrArray) queues = NULL;
  g_autoptr(GPtrArray) result = fd_stats_list_new ();
  g_autoptr(GArray) streams = g_array_new (FALSE, TRUE, sizeof (StatsAcc));
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GArray) deleted = g_array_new (FALSE, FALSE, sizeof (gboolean));
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  queues = fd_store_list_queues (self, organization_id, error);
  if (queues == NULL)
    return NULL;

  /* One row per stream, deleted ones too: their open conversations still
   * count for the queue. "Missed today" counts by closed_at (set when the
   * conversation was missed) or, when 0, created_at; the average first
   * reply covers conversations created today. */
  stmt = fd_store_prepare_bound (self,
                                 "SELECT s.queue_id, s.id, s.deleted, "
                                 "  count (CASE WHEN c.state = ?3 THEN 1 END), "
                                 "  coalesce (max (CASE WHEN c.state = ?3 THEN ?4 - c.created_at END), 0), "
                                 "  count (CASE WHEN c.state = ?5 THEN 1 END), "
                                 "  count (CASE WHEN c.state = ?6 AND (CASE c.closed_at WHEN 0 THEN c.created_at "
                                 "         ELSE c.closed_at END) >= ?2 THEN 1 END), "
                                 "  count (CASE WHEN c.state = ?7 AND c.closed_at >= ?2 THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN c.created_at >= ?2 AND c.first_reply_at > 0 "
                                 "    AND c.first_assigned_at > 0 AND c.first_reply_at >= c.first_assigned_at "
                                 "    THEN c.first_reply_at - c.first_assigned_at END), 0), "
                                 "  count (CASE WHEN c.created_at >= ?2 AND c.first_reply_at > 0 "
                                 "    AND c.first_assigned_at > 0 AND c.first_reply_at >= c.first_assigned_at "
                                 "    THEN 1 END) "
                                 "FROM streams s LEFT JOIN conversations c ON c.stream_id = s.id "
                                 "WHERE s.organization_id = ?1 GROUP BY s.id ORDER BY s.queue_id, s.id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (day_start),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_UNRESERVED)),
                                                FD_ARG_INT (now),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_RESERVED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_MISSED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_CLOSED))), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      StatsAcc acc = { 0 };
      gboolean is_deleted = sqlite3_column_int (stmt, 2) != 0;

      acc.row = fd_stats_new ();
      acc.row->queue_id = fd_store_col_int64 (stmt, 0);
      acc.row->stream_id = fd_store_col_int64 (stmt, 1);
      acc.row->waiting = sqlite3_column_int (stmt, 3);
      acc.row->longest_wait_seconds = (gint) MAX (0, fd_store_col_int64 (stmt, 4) / G_USEC_PER_SEC);
      acc.row->reserved = sqlite3_column_int (stmt, 5);
      acc.row->missed_today = sqlite3_column_int (stmt, 6);
      acc.row->closed_today = sqlite3_column_int (stmt, 7);
      acc.first_reply_sum = fd_store_col_int64 (stmt, 8);
      acc.first_reply_count = fd_store_col_int64 (stmt, 9);
      stats_finish (&acc);
      g_array_append_val (streams, acc);
      g_array_append_val (deleted, is_deleted);
    }
  if (rc < 0)
    {
      for (guint i = 0; i < streams->len; i++)
        fd_stats_free (g_array_index (streams, StatsAcc, i).row);
      return NULL;
    }

  for (guint q = 0; q < queues->len; q++)
    {
      const FdQueue *queue = g_ptr_array_index (queues, q);
      StatsAcc total = { 0 };

      total.row = fd_stats_new ();
      total.row->queue_id = queue->id;
      for (guint i = 0; i < streams->len; i++)
        {
          StatsAcc *part = &g_array_index (streams, StatsAcc, i);

          if (part->row != NULL && part->row->queue_id == queue->id)
            stats_add (&total, part);
        }
      stats_finish (&total);
      g_ptr_array_add (result, total.row);
      for (guint i = 0; i < streams->len; i++)
        {
          StatsAcc *part = &g_array_index (streams, StatsAcc, i);

          if (part->row != NULL && part->row->queue_id == queue->id &&
              !g_array_index (deleted, gboolean, i))
            g_ptr_array_add (result, g_steal_pointer (&part->row));
        }
    }
  for (guint i = 0; i < streams->len; i++)
    g_clear_pointer (&g_array_index (streams, StatsAcc, i).row, fd_stats_free);
  return g_steal_pointer (&result);
}
