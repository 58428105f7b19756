#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* The event log (per-organization sequence numbers) and the statistics. */

void
fd_store_event_free (FdStoreEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->type);
  g_free (event->payload_json);
  g_free (event);
}

static gboolean
insert_event (FdStore     *self,
              gint64       organization_id,
              const char  *type,
              gint64       queue_id,
              gint64       agent_id,
              gint64       conversation_id,
              const char  *payload_json,
              gint64      *out_seq,
              GError     **error)
{
  gint64 seq;

  {
    g_autoptr(FdStoreStmt) stmt = NULL;
    int rc;

    /* The counter row makes numbering atomic with the change: it is written
     * in the caller's transaction, and never goes back, even when events
     * are pruned. */
    stmt = fd_store_prepare (self,
                             "INSERT INTO event_counters (organization_id, last_seq) VALUES (?1, 1) "
                             "ON CONFLICT (organization_id) DO UPDATE SET last_seq = last_seq + 1 "
                             "RETURNING last_seq", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    rc = fd_store_step (self, stmt, FALSE, error);
    if (rc != SQLITE_ROW)
      {
        if (rc >= 0)
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED, "The event counter did not advance.");
        fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND, "No such organization.");
        return FALSE;
      }
    seq = fd_store_col_int64 (stmt, 0);
    /* RETURNING: the statement must run to completion to take effect. */
    while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
      ;
    if (rc < 0)
      {
        fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND, "No such organization.");
        return FALSE;
      }
  }

  {
    g_autoptr(FdStoreStmt) stmt = NULL;

    stmt = fd_store_prepare (self,
                             "INSERT INTO events (organization_id, seq, type, queue_id, agent_id, "
                             "conversation_id, payload_json, created_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    sqlite3_bind_int64 (stmt, 2, seq);
    fd_store_bind_text (stmt, 3, type);
    sqlite3_bind_int64 (stmt, 4, queue_id);
    sqlite3_bind_int64 (stmt, 5, agent_id);
    sqlite3_bind_int64 (stmt, 6, conversation_id);
    fd_store_bind_text (stmt, 7, payload_json);
    sqlite3_bind_int64 (stmt, 8, g_get_real_time ());
    if (!fd_store_run (self, stmt, error))
      return FALSE;
  }
  if (out_seq != NULL)
    *out_seq = seq;
  return TRUE;
}

gboolean
fd_store_append_event (FdStore     *self,
                       gint64       organization_id,
                       const char  *type,
                       gint64       queue_id,
                       gint64       agent_id,
                       gint64       conversation_id,
                       const char  *payload_json,
                       gint64      *out_seq,
                       GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  if (!fd_store_check_string (type, "event type", FD_STORE_MAX_TYPE, TRUE, error) ||
      !fd_store_check_json (payload_json, "event payload", FD_STORE_MAX_EVENT_PAYLOAD, error))
    return FALSE;
  if (!fd_store_begin (self, error))
    return FALSE;
  ok = insert_event (self, organization_id, type, queue_id, agent_id, conversation_id,
                     payload_json, out_seq, error);
  return fd_store_end (self, ok, error);
}

GPtrArray *
fd_store_list_events_since (FdStore  *self,
                            gint64    organization_id,
                            gint64    after_seq,
                            guint     limit,
                            GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_event_free);
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT organization_id, seq, type, queue_id, agent_id, conversation_id, "
                           "payload_json, created_at FROM events "
                           "WHERE organization_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, after_seq);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      FdStoreEvent *event = g_new0 (FdStoreEvent, 1);

      event->organization_id = fd_store_col_int64 (stmt, 0);
      event->seq = fd_store_col_int64 (stmt, 1);
      event->type = fd_store_col_text (stmt, 2);
      event->queue_id = fd_store_col_int64 (stmt, 3);
      event->agent_id = fd_store_col_int64 (stmt, 4);
      event->conversation_id = fd_store_col_int64 (stmt, 5);
      event->payload_json = fd_store_col_text (stmt, 6);
      event->created_at = fd_store_col_int64 (stmt, 7);
      g_ptr_array_add (list, event);
    }
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

static gboolean
query_seq (FdStore     *self,
           const char  *sql,
           gint64       organization_id,
           gint64      *out_seq,
           GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  if (fd_store_step (self, stmt, FALSE, error) != SQLITE_ROW)
    return FALSE;
  *out_seq = fd_store_col_int64 (stmt, 0);
  return TRUE;
}

gboolean
fd_store_get_last_event_seq (FdStore  *self,
                             gint64    organization_id,
                             gint64   *out_seq,
                             GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_seq != NULL, FALSE);

  return query_seq (self,
                    "SELECT coalesce ((SELECT last_seq FROM event_counters WHERE organization_id = ?1), 0)",
                    organization_id, out_seq, error);
}

gboolean
fd_store_get_oldest_event_seq (FdStore  *self,
                               gint64    organization_id,
                               gint64   *out_seq,
                               GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_seq != NULL, FALSE);

  return query_seq (self,
                    "SELECT coalesce ((SELECT min (seq) FROM events WHERE organization_id = ?1), "
                    "(SELECT last_seq FROM event_counters WHERE organization_id = ?1) + 1, 1)",
                    organization_id, out_seq, error);
}

gboolean
fd_store_prune_events (FdStore    *self,
                       gint64      now,
                       guint       keep,
                       GTimeSpan   max_age,
                       guint      *out_pruned,
                       GError    **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "DELETE FROM events WHERE created_at < ?1 OR seq <= "
                           "(SELECT c.last_seq FROM event_counters c "
                           " WHERE c.organization_id = events.organization_id) - ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - (max_age > 0 ? max_age : FD_STORE_EVENTS_MAX_AGE));
  sqlite3_bind_int64 (stmt, 2, keep > 0 ? keep : FD_STORE_EVENTS_KEEP);
  if (!fd_store_run (self, stmt, error))
    return FALSE;
  if (out_pruned != NULL)
    *out_pruned = (guint) fd_store_changes (self);
  return TRUE;
}

/* Statistics. */

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
  stmt = fd_store_prepare (self,
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
                           "WHERE s.organization_id = ?1 GROUP BY s.id ORDER BY s.queue_id, s.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, day_start);
  fd_store_bind_text (stmt, 3, fd_conversation_state_to_string (FD_CONVERSATION_UNRESERVED));
  sqlite3_bind_int64 (stmt, 4, now);
  fd_store_bind_text (stmt, 5, fd_conversation_state_to_string (FD_CONVERSATION_RESERVED));
  fd_store_bind_text (stmt, 6, fd_conversation_state_to_string (FD_CONVERSATION_MISSED));
  fd_store_bind_text (stmt, 7, fd_conversation_state_to_string (FD_CONVERSATION_CLOSED));
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
