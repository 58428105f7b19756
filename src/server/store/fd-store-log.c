#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"
#include "fd-store-log.h"

/* The Activity Log: one SQL text per order, direction and page (first, or
 * after a keyset), all literals, so that fd_store_prepare() caches each.
 * Parameters:
 *   ?1 organization   ?2 holder (0 = none)   ?3 every queue (0/1)
 *   ?4 queue ids (JSON array)   ?5 kinds (JSON array, NULL = all)
 *   ?6 queue filter (0 = all)   ?7 from   ?8 to (0 = no bound)
 *   ?9 FTS5 query (NULL = none)   ?10 now   ?11 keyset value
 *   ?12 keyset id   ?13 limit
 * The keyset is a row value (key, id), which SQLite compares in one go and
 * can match against an index (conversations_log_assigned for the default
 * order). Ties are broken by id, in the same direction, so that every row
 * is on exactly one page. */

#define LOG_HANDLE \
  "(CASE WHEN c.first_assigned_at = 0 THEN -1 " \
  "WHEN c.closed_at > 0 THEN MAX (0, (c.closed_at - c.first_assigned_at) / 1000000) " \
  "ELSE MAX (0, (?10 - c.first_assigned_at) / 1000000) END)"
#define LOG_PARTY \
  "COALESCE (NULLIF (t.name, ''), NULLIF (c.visitor_name, ''), NULLIF (t.email, ''), " \
  "NULLIF (c.visitor_email, ''), NULLIF (t.phone, ''), NULLIF (c.callback_number, ''), " \
  "NULLIF (t.twitter_handle, ''), '')"

#define LOG_SELECT \
  "SELECT c.id, c.first_assigned_at, c.created_at, c.closed_at, c.kind, c.state, c.queue_id, " \
  "q.name AS queue_name, " LOG_HANDLE " AS handle_seconds, " LOG_PARTY " AS remote_party, " \
  "t.crm_label AS remote_party_label, c.agent_id, c.rating " \
  "FROM conversations c JOIN contacts t ON t.id = c.contact_id JOIN queues q ON q.id = c.queue_id " \
  "WHERE c.organization_id = ?1 " \
  "AND (c.id IN (SELECT h.conversation_id FROM conversation_holders h WHERE h.agent_id = ?2) " \
  "OR ?3 = 1 OR c.queue_id IN (SELECT value FROM json_each (?4))) " \
  "AND (?5 IS NULL OR c.kind IN (SELECT value FROM json_each (?5))) " \
  "AND (?6 = 0 OR c.queue_id = ?6) " \
  "AND (?7 = 0 OR c.first_assigned_at >= ?7) " \
  "AND (?8 = 0 OR c.first_assigned_at < ?8) " \
  "AND (?9 IS NULL OR c.id IN (SELECT m.conversation_id FROM messages m WHERE m.id IN " \
  "(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?9))) "

#define LOG_FIRST(key, dir) \
  LOG_SELECT "ORDER BY " key " " dir ", c.id " dir " LIMIT ?13"
#define LOG_AFTER(key, op, dir) \
  LOG_SELECT "AND (" key ", c.id) " op " (?11, ?12) ORDER BY " key " " dir ", c.id " dir " LIMIT ?13"
#define LOG_SQL(key) \
  { { LOG_FIRST (key, "ASC"), LOG_AFTER (key, ">", "ASC") }, \
    { LOG_FIRST (key, "DESC"), LOG_AFTER (key, "<", "DESC") } }

/* [sort][descending][after] */
static const char * const log_sql[][2][2] = {
  [FD_LOG_SORT_ASSIGNED] = LOG_SQL ("c.first_assigned_at"),
  [FD_LOG_SORT_TYPE] = LOG_SQL ("c.kind"),
  [FD_LOG_SORT_QUEUE] = LOG_SQL ("(q.name COLLATE NOCASE)"),
  [FD_LOG_SORT_DURATION] = LOG_SQL (LOG_HANDLE),
  [FD_LOG_SORT_REMOTE_PARTY] = LOG_SQL ("(" LOG_PARTY " COLLATE NOCASE)"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (log_sql) == FD_LOG_SORT_REMOTE_PARTY + 1);

static const FdStoreTable log_table = {
  .what = "conversation",
  .info = &fd_log_entry_info,
};

gboolean
fd_store_log_sort_is_integer (FdLogSort sort)
{
  return sort == FD_LOG_SORT_ASSIGNED || sort == FD_LOG_SORT_DURATION;
}

GPtrArray *
fd_store_list_conversation_log (FdStore                *self,
                                gint64                  organization_id,
                                const FdStoreLogQuery  *query,
                                GError                **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  const char *sql;
  FdStoreArg key;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail ((guint) query->sort < G_N_ELEMENTS (log_sql), NULL);
  g_return_val_if_fail (query->limit > 0, NULL);

  sql = log_sql[query->sort][query->descending ? 1 : 0][query->after ? 1 : 0];
  key = fd_store_log_sort_is_integer (query->sort) ? FD_ARG_INT (query->after_key)
                                                   : FD_ARG_TEXT (query->after_text != NULL ? query->after_text : "");
  stmt = fd_store_prepare_bound (self, sql,
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (query->holder_id),
                                                FD_ARG_INT (query->all_queues ? 1 : 0),
                                                FD_ARG_TEXT (query->queue_ids_json != NULL ? query->queue_ids_json : "[]"),
                                                FD_ARG_TEXT (query->kinds_json),
                                                FD_ARG_INT (query->queue_id),
                                                FD_ARG_INT (query->from),
                                                FD_ARG_INT (query->to),
                                                FD_ARG_TEXT (query->match),
                                                FD_ARG_INT (query->now),
                                                key,
                                                FD_ARG_INT (query->after_id),
                                                FD_ARG_INT ((gint64) query->limit)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &log_table, stmt, error);
}

gboolean
fd_store_log_held (FdStore  *self,
                   gint64    organization_id,
                   gint64    agent_id,
                   gint64    conversation_id,
                   GError  **error)
{
  gint64 count = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_query_int64 (self,
                             "SELECT count(*) FROM conversation_holders "
                             "WHERE organization_id = ?1 AND agent_id = ?2 AND conversation_id = ?3",
                             FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                            FD_ARG_INT (conversation_id)), &count, error))
    return FALSE;
  return count > 0;
}

char *
fd_store_log_match (const char *text)
{
  g_autoptr(GString) match = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  if (text == NULL)
    return NULL;
  /* Every word becomes an FTS5 string ("…", with " doubled), and strings
   * side by side must all match: what the agent typed is never FTS5
   * syntax (AND, OR, NOT, NEAR, *, ^, column filters, parentheses). */
  words = g_strsplit_set (text, " \t\r\n\f\v", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (match->len > 0)
        g_string_append_c (match, ' ');
      g_string_append_c (match, '"');
      for (const char *p = words[i]; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (match, '"');
          g_string_append_c (match, *p);
        }
      g_string_append_c (match, '"');
    }
  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}
