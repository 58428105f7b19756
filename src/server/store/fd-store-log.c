#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"
#include "fd-store-log.h"

/* The Activity Log: one SQL text per search way, order, direction and
 * page (first, or after a keyset), all literals, so that
 * fd_store_prepare() caches each. Parameters:
 *   ?1 organization   ?2 holder (0 = none)   ?3 every queue (0/1)
 *   ?4 queue ids (JSON array)   ?5 kinds (JSON array, NULL = all)
 *   ?6 queue filter (0 = all)   ?7 from   ?8 to (0 = no bound)
 *   ?9 FTS5 query (NULL = none)   ?10 now   ?11 keyset value
 *   ?12 keyset id   ?13 limit
 * Every order is served by an index (schema version 9): the sort keys
 * are columns of the conversation that triggers keep (log_queue,
 * log_party, log_handle), so that a page reads its rows in order from the
 * index and stops, however many conversations there are. The keyset is a
 * row value (key, id), which SQLite compares in one go and matches against
 * the index. Ties are broken by id, in the same direction, so that every
 * row is on exactly one page. */

/* The handle time in seconds: stored once closed (and -1 when never
 * assigned), computed from ?10 while it runs. */
#define LOG_OPEN_HANDLE "MAX (0, (?10 - c.first_assigned_at) / 1000000)"
#define LOG_HANDLE "COALESCE (c.log_handle, " LOG_OPEN_HANDLE ")"

/* The scope: an agent's holding is probed per row (one primary key
 * lookup), never listed, so that an order reads only the rows of the page
 * (and those it skips) from its index. */
#define LOG_WHERE \
  "WHERE c.organization_id = ?1 " \
  "AND (EXISTS (SELECT 1 FROM conversation_holders h WHERE h.agent_id = ?2 AND h.conversation_id = c.id) " \
  "OR ?3 = 1 OR c.queue_id IN (SELECT value FROM json_each (?4))) " \
  "AND (?5 IS NULL OR c.kind IN (SELECT value FROM json_each (?5))) " \
  "AND (?6 = 0 OR c.queue_id = ?6) " \
  "AND (?7 = 0 OR c.first_assigned_at >= ?7) " \
  "AND (?8 = 0 OR c.first_assigned_at < ?8) "

/* The search, two ways (fd_store_list_conversation_log() picks): the
 * list of the conversations whose messages match, made once (cheap when
 * few messages match), or a probe of the index per row read (cheap when
 * many match: the page fills after a few rows). */
#define LOG_FROM \
  "FROM conversations c JOIN contacts t ON t.id = c.contact_id "
/* The list drives: CROSS JOIN keeps it the outer loop (SQLite never
 * reorders a CROSS JOIN), so that the rows read are the matches, sorted,
 * not the whole index checked against the list. */
#define LOG_FROM_LIST \
  "FROM (SELECT DISTINCT m.conversation_id AS cid FROM messages m WHERE m.id IN " \
  "(SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?9)) s " \
  "CROSS JOIN conversations c ON c.id = s.cid JOIN contacts t ON t.id = c.contact_id "
#define LOG_SEARCH_PROBE \
  "AND EXISTS (SELECT 1 FROM messages m JOIN messages_fts f ON f.rowid = m.id " \
  "WHERE m.conversation_id = c.id AND messages_fts MATCH ?9) "

/* @search is the FROM clause and the condition of a search way. */
#define LOG_SELECT(search, handle) \
  "SELECT c.id, c.first_assigned_at, c.created_at, c.closed_at, c.kind, c.state, c.queue_id, " \
  "c.log_queue AS queue_name, " handle " AS handle_seconds, c.log_party AS remote_party, " \
  "t.crm_label AS remote_party_label, c.agent_id, c.rating " \
  LOG_SEARCH_FROM_ ## search LOG_WHERE LOG_SEARCH_WHERE_ ## search
#define LOG_SEARCH_FROM_NONE LOG_FROM
#define LOG_SEARCH_WHERE_NONE ""
#define LOG_SEARCH_FROM_LIST LOG_FROM_LIST
#define LOG_SEARCH_WHERE_LIST ""
#define LOG_SEARCH_FROM_PROBE LOG_FROM
#define LOG_SEARCH_WHERE_PROBE LOG_SEARCH_PROBE

#define LOG_FIRST(search, key, dir) \
  LOG_SELECT (search, LOG_HANDLE) "ORDER BY " key " " dir ", c.id " dir " LIMIT ?13"
#define LOG_AFTER(search, key, op, dir) \
  LOG_SELECT (search, LOG_HANDLE) "AND (" key ", c.id) " op " (?11, ?12) " \
  "ORDER BY " key " " dir ", c.id " dir " LIMIT ?13"
#define LOG_SQL(search, key) \
  { { LOG_FIRST (search, key, "ASC"), LOG_AFTER (search, key, ">", "ASC") }, \
    { LOG_FIRST (search, key, "DESC"), LOG_AFTER (search, key, "<", "DESC") } }

/* The duration: the stored handle times from their index, merged with
 * the running ones (few: the conversations open now), whose key moves
 * with ?10. Each part is a page at most; the merge is one more. */
#define LOG_DURATION_PART(search, key, keyset, dir) \
  "SELECT * FROM (" LOG_SELECT (search, key) keyset \
  "ORDER BY " key " " dir ", c.id " dir " LIMIT ?13) "
#define LOG_DURATION(search, stored, running, dir) \
  "SELECT * FROM (" \
  LOG_DURATION_PART (search, "c.log_handle", "AND c.log_handle IS NOT NULL " stored, dir) \
  "UNION ALL " \
  LOG_DURATION_PART (search, LOG_OPEN_HANDLE, "AND c.log_handle IS NULL " running, dir) \
  ") ORDER BY handle_seconds " dir ", id " dir " LIMIT ?13"
#define LOG_DURATION_SQL(search) \
  { { LOG_DURATION (search, "", "", "ASC"), \
      LOG_DURATION (search, "AND (c.log_handle, c.id) > (?11, ?12) ", \
                    "AND (" LOG_OPEN_HANDLE ", c.id) > (?11, ?12) ", "ASC") }, \
    { LOG_DURATION (search, "", "", "DESC"), \
      LOG_DURATION (search, "AND (c.log_handle, c.id) < (?11, ?12) ", \
                    "AND (" LOG_OPEN_HANDLE ", c.id) < (?11, ?12) ", "DESC") } }

#define LOG_SORTS(search) { \
  [FD_LOG_SORT_ASSIGNED] = LOG_SQL (search, "c.first_assigned_at"), \
  [FD_LOG_SORT_TYPE] = LOG_SQL (search, "c.kind"), \
  [FD_LOG_SORT_QUEUE] = LOG_SQL (search, "c.log_queue COLLATE NOCASE"), \
  [FD_LOG_SORT_DURATION] = LOG_DURATION_SQL (search), \
  [FD_LOG_SORT_REMOTE_PARTY] = LOG_SQL (search, "c.log_party COLLATE NOCASE") }

typedef enum {
  SEARCH_NONE,
  SEARCH_LIST,
  SEARCH_PROBE,
} SearchWay;

/* From this many matching messages on, the search probes (see
 * LOG_SEARCH_PROBE). */
#define LOG_PROBE_THRESHOLD 2000

/* [search way][sort][descending][after] */
static const char * const log_sql[][FD_LOG_SORT_REMOTE_PARTY + 1][2][2] = {
  [SEARCH_NONE] = LOG_SORTS (NONE),
  [SEARCH_LIST] = LOG_SORTS (LIST),
  [SEARCH_PROBE] = LOG_SORTS (PROBE),
};

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
  SearchWay way = SEARCH_NONE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail ((guint) query->sort <= FD_LOG_SORT_REMOTE_PARTY, NULL);
  g_return_val_if_fail (query->limit > 0, NULL);

  if (query->match != NULL)
    {
      gint64 matching = 0;

      /* A search finds every message stored before it. */
      if (!fd_store_log_index_messages (self, error))
        return NULL;
      way = SEARCH_LIST;
      /* Every order reads rows in order and stops at the page's end: with
       * many matches, probing those rows is cheaper than listing every
       * match; with few, the list is (the probe would read every row). */
      if (!fd_store_query_int64 (self,
                                 "SELECT count(*) FROM (SELECT rowid FROM messages_fts "
                                 "WHERE messages_fts MATCH ?1 LIMIT ?2)",
                                 FD_STORE_ARGS (FD_ARG_TEXT (query->match), FD_ARG_INT (LOG_PROBE_THRESHOLD)),
                                 &matching, error))
        return NULL;
      if (matching >= LOG_PROBE_THRESHOLD)
        way = SEARCH_PROBE;
    }
  sql = log_sql[way][query->sort][query->descending ? 1 : 0][query->after ? 1 : 0];
  /* Before the first page there is no keyset: nothing of it is read. */
  if (fd_store_log_sort_is_integer (query->sort))
    key = FD_ARG_INT (query->after ? query->after_key : 0);
  else
    key = FD_ARG_TEXT (query->after && query->after_text != NULL ? query->after_text : "");
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

/* The index is external content (schema version 9): the text stays in
 * messages, and FTS5 keeps a row of messages_fts_docsize for each message
 * it indexed. Messages are indexed in the order of their ids, so every
 * message with a text and an id above the largest indexed one is not
 * indexed yet, and all those below are (an organization's deletion takes
 * its messages out of the index first, fd-store-organizations.c; rows
 * written behind the store's back are indexed by a 'rebuild', which fills
 * messages_fts_docsize too). Indexing one message per request cost a
 * sixth of a durable message's CPU (docs/performance.md, "Durability"):
 * FTS5 writes a segment of the index at every savepoint, and each request
 * of a group is one. In batches, one segment holds many messages. */
gboolean
fd_store_log_index_messages (FdStore  *self,
                             GError  **error)
{
  gint64 indexed = 0;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = fd_store_query_int64 (self, "SELECT coalesce (max (id), 0) FROM messages_fts_docsize",
                             NULL, 0, &indexed, error) &&
       fd_store_execute (self,
                         "INSERT INTO messages_fts (rowid, text) "
                         "SELECT id, text FROM messages WHERE id > ?1 AND text IS NOT NULL ORDER BY id",
                         FD_STORE_ARGS (FD_ARG_INT (indexed)), error);
  if (!fd_store_end (self, ok, error))
    return FALSE;
  self->log_unindexed = 0;
  self->log_index_known = TRUE;
  return TRUE;
}

gboolean
fd_store_log_message_added (FdStore  *self,
                            GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* The first message after opening also indexes what a crash left
   * unindexed, so that the backlog stays within one batch. */
  if (self->log_index_known && ++self->log_unindexed < FD_STORE_LOG_INDEX_BATCH)
    return TRUE;
  return fd_store_log_index_messages (self, error);
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
