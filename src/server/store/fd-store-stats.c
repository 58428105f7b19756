#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Statistics per queue and per media stream, and an agent's own figures
 * (docs/statistics.md says what each means). Every function takes the
 * clock (@now, @day_start) as arguments so that tests drive it. */

/* The sums behind the averages and the service level of one row, added up
 * for a queue's total. */
typedef struct {
  FdStats *row;
  gint64   first_reply_sum;   /* µs */
  gint64   first_reply_count;
  gint64   handle_sum;        /* µs */
  gint64   handle_count;
  gint64   rating_sum;
  gint64   within_service_level;
  gint64   service_level_total;
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
  acc->row->offered_today += part->row->offered_today;
  acc->row->answered_today += part->row->answered_today;
  acc->row->rated_today += part->row->rated_today;
  acc->first_reply_sum += part->first_reply_sum;
  acc->first_reply_count += part->first_reply_count;
  acc->handle_sum += part->handle_sum;
  acc->handle_count += part->handle_count;
  acc->rating_sum += part->rating_sum;
  acc->within_service_level += part->within_service_level;
  acc->service_level_total += part->service_level_total;
}

/* Whole seconds, rounded down; 0 when there is nothing to average. */
static gint
average_seconds (gint64 sum_usec,
                 gint64 count)
{
  return count > 0 ? (gint) (sum_usec / count / G_USEC_PER_SEC) : 0;
}

/* The average rating × 100, rounded to the nearest; 0 = no rating. */
static gint
average_x100 (gint64 sum,
              gint64 count)
{
  return count > 0 ? (gint) ((sum * 100 + count / 2) / count) : 0;
}

static void
stats_finish (StatsAcc *acc)
{
  acc->row->average_first_reply_seconds = average_seconds (acc->first_reply_sum, acc->first_reply_count);
  acc->row->average_handle_seconds = average_seconds (acc->handle_sum, acc->handle_count);
  acc->row->average_rating_x100 = average_x100 (acc->rating_sum, acc->row->rated_today);
  acc->row->service_level_percent = acc->service_level_total > 0
    ? (gint) (acc->within_service_level * 100 / acc->service_level_total) : -1;
}

/* The conditions every figure shares, as SQL over the conversation c with
 * ?2 the day's start, ?4 now, ?6 missed and ?7 closed. */
#define CLOSED_TODAY "c.state = ?7 AND c.closed_at >= ?2"
#define FIRST_REPLY_TODAY "c.created_at >= ?2 AND c.first_reply_at > 0 AND c.first_assigned_at > 0 " \
                          "AND c.first_reply_at >= c.first_assigned_at"
#define HANDLED_TODAY CLOSED_TODAY " AND c.first_assigned_at > 0 AND c.closed_at >= c.first_assigned_at"
#define RATED_TODAY CLOSED_TODAY " AND c.rating BETWEEN 1 AND 5"
#define ANSWERED "(c.first_assigned_at > 0 AND c.first_assigned_at <= ?4)"

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
   * reply covers conversations created today; the service level those
   * created today and answered or missed, against their queue's
   * threshold. */
  stmt = fd_store_prepare_bound (self,
                                 "SELECT s.queue_id, s.id, s.deleted, "
                                 "  count (CASE WHEN c.state = ?3 THEN 1 END), "
                                 "  coalesce (max (CASE WHEN c.state = ?3 THEN ?4 - c.created_at END), 0), "
                                 "  count (CASE WHEN c.state = ?5 THEN 1 END), "
                                 "  count (CASE WHEN c.state = ?6 AND (CASE c.closed_at WHEN 0 THEN c.created_at "
                                 "         ELSE c.closed_at END) >= ?2 THEN 1 END), "
                                 "  count (CASE WHEN " CLOSED_TODAY " THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " FIRST_REPLY_TODAY " "
                                 "    THEN c.first_reply_at - c.first_assigned_at END), 0), "
                                 "  count (CASE WHEN " FIRST_REPLY_TODAY " THEN 1 END), "
                                 "  count (CASE WHEN c.created_at >= ?2 THEN 1 END), "
                                 "  count (CASE WHEN c.first_assigned_at >= ?2 THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " HANDLED_TODAY " "
                                 "    THEN c.closed_at - c.first_assigned_at END), 0), "
                                 "  count (CASE WHEN " HANDLED_TODAY " THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " RATED_TODAY " THEN c.rating END), 0), "
                                 "  count (CASE WHEN " RATED_TODAY " THEN 1 END), "
                                 "  count (CASE WHEN c.created_at >= ?2 AND " ANSWERED " "
                                 "    AND c.first_assigned_at - c.created_at <= q.service_level_seconds * ?8 "
                                 "    THEN 1 END), "
                                 "  count (CASE WHEN c.created_at >= ?2 AND (" ANSWERED " "
                                 "    OR (c.state = ?6 AND c.first_assigned_at = 0)) THEN 1 END), "
                                 "  q.service_level_seconds "
                                 "FROM streams s JOIN queues q ON q.id = s.queue_id "
                                 "LEFT JOIN conversations c ON c.stream_id = s.id "
                                 "WHERE s.organization_id = ?1 GROUP BY s.id ORDER BY s.queue_id, s.id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (day_start),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_UNRESERVED)),
                                                FD_ARG_INT (now),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_RESERVED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_MISSED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_CLOSED)),
                                                FD_ARG_INT (G_USEC_PER_SEC)), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      StatsAcc acc = { 0 };
      gboolean is_deleted = sqlite3_column_int (stmt, 2) != 0;

      acc.row = fd_stats_new ();
      acc.row->queue_id = fd_store_col_int64 (stmt, 0);
      acc.row->stream_id = fd_store_col_int64 (stmt, 1);
      acc.row->at = now;
      acc.row->waiting = sqlite3_column_int (stmt, 3);
      acc.row->longest_wait_seconds = (gint) MAX (0, fd_store_col_int64 (stmt, 4) / G_USEC_PER_SEC);
      acc.row->reserved = sqlite3_column_int (stmt, 5);
      acc.row->missed_today = sqlite3_column_int (stmt, 6);
      acc.row->closed_today = sqlite3_column_int (stmt, 7);
      acc.first_reply_sum = fd_store_col_int64 (stmt, 8);
      acc.first_reply_count = fd_store_col_int64 (stmt, 9);
      acc.row->offered_today = sqlite3_column_int (stmt, 10);
      acc.row->answered_today = sqlite3_column_int (stmt, 11);
      acc.handle_sum = fd_store_col_int64 (stmt, 12);
      acc.handle_count = fd_store_col_int64 (stmt, 13);
      acc.rating_sum = fd_store_col_int64 (stmt, 14);
      acc.row->rated_today = sqlite3_column_int (stmt, 15);
      acc.within_service_level = fd_store_col_int64 (stmt, 16);
      acc.service_level_total = fd_store_col_int64 (stmt, 17);
      acc.row->service_level_seconds = sqlite3_column_int (stmt, 18);
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
      total.row->at = now;
      total.row->service_level_seconds = queue->service_level_seconds;
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

FdAgentStats *
fd_store_get_agent_stats (FdStore  *self,
                          gint64    organization_id,
                          gint64    agent_id,
                          gint64    now,
                          gint64    day_start,
                          GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(FdAgentStats) stats = fd_agent_stats_new ();

  g_return_val_if_fail (self != NULL, NULL);

  /* The same conditions as the rows, over the conversations the agent
   * holds or held last (agent_id): the conversations_agent index. ?4 (now)
   * and ?6 are bound but unused, which keeps the conditions' numbering. */
  stmt = fd_store_prepare_bound (self,
                                 "SELECT count (CASE WHEN " CLOSED_TODAY " THEN 1 END), "
                                 "  count (CASE WHEN c.state = ?5 THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " HANDLED_TODAY " "
                                 "    THEN c.closed_at - c.first_assigned_at END), 0), "
                                 "  count (CASE WHEN " HANDLED_TODAY " THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " FIRST_REPLY_TODAY " "
                                 "    THEN c.first_reply_at - c.first_assigned_at END), 0), "
                                 "  count (CASE WHEN " FIRST_REPLY_TODAY " THEN 1 END), "
                                 "  coalesce (sum (CASE WHEN " RATED_TODAY " THEN c.rating END), 0), "
                                 "  count (CASE WHEN " RATED_TODAY " THEN 1 END) "
                                 "FROM conversations c WHERE c.agent_id = ?3 AND c.organization_id = ?1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (day_start),
                                                FD_ARG_INT (agent_id),
                                                FD_ARG_INT (now),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_RESERVED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_MISSED)),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_CLOSED))),
                                 error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "No statistics for this agent."))
    return NULL;
  stats->closed_today = sqlite3_column_int (stmt, 0);
  stats->held = sqlite3_column_int (stmt, 1);
  stats->average_handle_seconds = average_seconds (fd_store_col_int64 (stmt, 2), fd_store_col_int64 (stmt, 3));
  stats->average_first_reply_seconds = average_seconds (fd_store_col_int64 (stmt, 4), fd_store_col_int64 (stmt, 5));
  stats->rated_today = sqlite3_column_int (stmt, 7);
  stats->average_rating_x100 = average_x100 (fd_store_col_int64 (stmt, 6), stats->rated_today);
  return g_steal_pointer (&stats);
}

GHashTable *
fd_store_count_held (FdStore  *self,
                     gint64    organization_id,
                     GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT agent_id, count (*) FROM conversations "
                                 "WHERE organization_id = ?1 AND state = ?2 AND agent_id > 0 GROUP BY agent_id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_TEXT (fd_conversation_state_to_string (FD_CONVERSATION_RESERVED))),
                                 error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 agent_id = fd_store_col_int64 (stmt, 0);

      g_hash_table_insert (held, g_memdup2 (&agent_id, sizeof agent_id),
                           GINT_TO_POINTER (sqlite3_column_int (stmt, 1)));
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&held);
}
