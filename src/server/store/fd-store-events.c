#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* The event log: per-organization sequence numbers, the replay of what a
 * client missed, and pruning. The statistics are in fd-store-stats.c. */

void
fd_store_event_free (FdStoreEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->type);
  g_free (event->payload_json);
  g_free (event);
}

#define T FdStoreEvent
static const FdFieldInfo event_fields[] = {
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, seq, FALSE),
  FD_F_STRING (T, type, FALSE, 0),
  FD_F_INT64 (T, queue_id, FALSE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_INT64 (T, conversation_id, FALSE),
  FD_F_STRING (T, payload_json, FALSE, 0),
  FD_F_TIME (T, created_at, FALSE),
};
static FD_TYPE_INFO (event_info, "event", T, event_fields, fd_store_event_free);
#undef T

static const FdStoreTable event_table = {
  .what = "event",
  .info = &event_info,
};

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
    stmt = fd_store_prepare_bound (self,
                                   "INSERT INTO event_counters (organization_id, last_seq) VALUES (?1, 1) "
                                   "ON CONFLICT (organization_id) DO UPDATE SET last_seq = last_seq + 1 "
                                   "RETURNING last_seq",
                                   FD_STORE_ARGS (FD_ARG_INT (organization_id)), error);
    if (stmt == NULL)
      return FALSE;
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
    if (!fd_store_execute (self,
                           "INSERT INTO events (organization_id, seq, type, queue_id, agent_id, "
                           "conversation_id, payload_json, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (seq),
                                          FD_ARG_TEXT (type), FD_ARG_INT (queue_id),
                                          FD_ARG_INT (agent_id),
                                          FD_ARG_INT (conversation_id),
                                          FD_ARG_TEXT (payload_json),
                                          FD_ARG_INT (g_get_real_time ())), error))
      return FALSE;
  }
  if (out_seq != NULL)
    *out_seq = seq;
  return TRUE;
}

static gboolean
append_event (FdStore     *self,
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

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = insert_event (self, organization_id, type, queue_id, agent_id, conversation_id,
                     payload_json, out_seq, error);
  return fd_store_end (self, ok, error);
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
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  if (!fd_store_check_string (type, "event type", FD_STORE_MAX_TYPE, TRUE, error) ||
      !fd_store_check_json (payload_json, "event payload", FD_STORE_MAX_EVENT_PAYLOAD, error))
    return FALSE;
  return append_event (self, organization_id, type, queue_id, agent_id, conversation_id, payload_json,
                       out_seq, error);
}

gboolean
fd_store_append_event_encoded (FdStore     *self,
                               gint64       organization_id,
                               const char  *type,
                               gint64       queue_id,
                               gint64       agent_id,
                               gint64       conversation_id,
                               const char  *payload_json,
                               gint64      *out_seq,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (type != NULL, FALSE);
  g_return_val_if_fail (payload_json != NULL && payload_json[0] == '{', FALSE);

  /* Parsing what json-glib just wrote was a sixth of a chat message's
   * CPU (docs/performance.md, "Durability"). */
  if (!fd_store_check_string (type, "event type", FD_STORE_MAX_TYPE, TRUE, error))
    return FALSE;
  if (strlen (payload_json) > FD_STORE_MAX_EVENT_PAYLOAD)
    return fd_store_invalid (error, "The event payload is larger than %d bytes.", FD_STORE_MAX_EVENT_PAYLOAD);
  if (!g_utf8_validate (payload_json, -1, NULL))
    return fd_store_invalid (error, "The event payload is not valid UTF-8 text.");
  return append_event (self, organization_id, type, queue_id, agent_id, conversation_id, payload_json,
                       out_seq, error);
}

GPtrArray *
fd_store_list_events_since (FdStore  *self,
                            gint64    organization_id,
                            gint64    after_seq,
                            guint     limit,
                            GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT organization_id, seq, type, queue_id, agent_id, conversation_id, "
                                 "payload_json, created_at FROM events "
                                 "WHERE organization_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (after_seq),
                                                FD_ARG_INT (limit > 0 ? (gint64) limit : -1)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &event_table, stmt, error);
}

gboolean
fd_store_get_last_event_seq (FdStore  *self,
                             gint64    organization_id,
                             gint64   *out_seq,
                             GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_seq != NULL, FALSE);

  return fd_store_query_int64 (self,
                               "SELECT coalesce ((SELECT last_seq FROM event_counters WHERE organization_id = ?1), 0)",
                               FD_STORE_ARGS (FD_ARG_INT (organization_id)), out_seq, error);
}

gboolean
fd_store_get_oldest_event_seq (FdStore  *self,
                               gint64    organization_id,
                               gint64   *out_seq,
                               GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_seq != NULL, FALSE);

  return fd_store_query_int64 (self,
                               "SELECT coalesce ((SELECT min (seq) FROM events WHERE organization_id = ?1), "
                               "(SELECT last_seq FROM event_counters WHERE organization_id = ?1) + 1, 1)",
                               FD_STORE_ARGS (FD_ARG_INT (organization_id)), out_seq, error);
}

gboolean
fd_store_prune_events (FdStore    *self,
                       gint64      now,
                       guint       keep,
                       GTimeSpan   max_age,
                       guint      *out_pruned,
                       GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_execute (self,
                         "DELETE FROM events WHERE created_at < ?1 OR seq <= "
                         "(SELECT c.last_seq FROM event_counters c "
                         " WHERE c.organization_id = events.organization_id) - ?2",
                         FD_STORE_ARGS (FD_ARG_INT (now - (max_age > 0 ? max_age : FD_STORE_EVENTS_MAX_AGE)),
                                        FD_ARG_INT (keep > 0 ? keep : FD_STORE_EVENTS_KEEP)), error))
    return FALSE;
  if (out_pruned != NULL)
    *out_pruned = (guint) fd_store_changes (self);
  return TRUE;
}
