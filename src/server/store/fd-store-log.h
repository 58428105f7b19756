#pragma once

/* The Activity Log of the store (docs/store.md, "The Activity Log"): a
 * page of the conversations an agent may see in the log, in one of the
 * log's orders, filtered, and searched through the full-text index of the
 * messages. The caller (fd-center-log.c) decides the scope from the
 * agent's role and turns the wire's cursor into the keyset below. */

#include "fd-store.h"
#include "fd-messages.h"

G_BEGIN_DECLS

/* The full-text index of the messages is brought up to date once this many
 * messages were stored since it last was, and before every search (a
 * search finds every message stored before it). */
#define FD_STORE_LOG_INDEX_BATCH 256

typedef struct {
  /* Scope: conversations held at any time by @holder_id (0 = none), plus
   * those of the queues in @queue_ids_json (a JSON array of ids; NULL =
   * none), or of every queue when @all_queues. */
  gint64        holder_id;
  const char   *queue_ids_json;
  gboolean      all_queues;
  /* Order. */
  FdLogSort     sort;
  gboolean      descending;
  /* Filters: @kinds_json a JSON array of stream kinds (NULL = all);
   * @queue_id 0 = all; @from/@to bound first_assigned_at (0 = none);
   * @match an FTS5 query built by fd_store_log_match() (NULL = none). */
  const char   *kinds_json;
  gint64        queue_id;
  gint64        from;
  gint64        to;
  const char   *match;
  /* Page: at most @limit rows after the keyset (@after_key, @after_id)
   * when @after; @after_key is an integer for the assigned and duration
   * orders, @after_text for the others. */
  guint         limit;
  gboolean      after;
  gint64        after_key;
  const char   *after_text;
  gint64        after_id;
  /* The time open conversations' handle time runs to (µs). */
  gint64        now;
} FdStoreLogQuery;

/* FdLogEntry rows, at most @query->limit. */
GPtrArray *fd_store_list_conversation_log (FdStore                *self,
                                           gint64                  organization_id,
                                           const FdStoreLogQuery  *query,
                                           GError                **error);
/* TRUE when @agent_id held the conversation at any time. */
gboolean   fd_store_log_held              (FdStore                *self,
                                           gint64                  organization_id,
                                           gint64                  agent_id,
                                           gint64                  conversation_id,
                                           GError                **error);
/* The FTS5 query that finds the messages holding every word of @text, each
 * word quoted as an FTS5 string (so that no FTS5 syntax passes through);
 * NULL when @text has no word. */
char      *fd_store_log_match             (const char             *text);
/* Whether @sort orders by an integer key (else by a text). */
gboolean   fd_store_log_sort_is_integer   (FdLogSort               sort);

G_END_DECLS
