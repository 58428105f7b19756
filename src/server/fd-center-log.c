#define G_LOG_DOMAIN "fd-center"

/* The Activity Log: the request's checks, the agent's scope and the
 * cursor; the query itself is in store/fd-store-log.c. */

#include <string.h>

#include "fd-center-private.h"
#include "fd-center-log.h"
#include "fd-store-log.h"

/* The cursor a page hands out: "1:SORT:DESC:NOW:ID:KEY", KEY last so that
 * it may hold anything (a text key is a remote party or a queue name).
 * NOW keeps the handle time of open conversations the same across the
 * pages of one listing. The app treats it as opaque. */
#define LOG_CURSOR_VERSION "1"

static char *
make_cursor (const FdLogQuery  *query,
             gint64             now,
             const FdLogEntry  *last)
{
  g_autofree char *key = NULL;

  switch (query->sort)
    {
    case FD_LOG_SORT_ASSIGNED:
      key = g_strdup_printf ("%" G_GINT64_FORMAT, last->first_assigned_at);
      break;
    case FD_LOG_SORT_DURATION:
      key = g_strdup_printf ("%" G_GINT64_FORMAT, last->handle_seconds);
      break;
    case FD_LOG_SORT_TYPE:
      key = g_strdup (fd_stream_kind_to_string (last->kind));
      break;
    case FD_LOG_SORT_QUEUE:
      key = g_strdup (last->queue_name != NULL ? last->queue_name : "");
      break;
    case FD_LOG_SORT_REMOTE_PARTY:
    default:
      key = g_strdup (last->remote_party != NULL ? last->remote_party : "");
      break;
    }
  return g_strdup_printf (LOG_CURSOR_VERSION ":%d:%d:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%s",
                          (int) query->sort, query->descending ? 1 : 0, now, last->id, key);
}

static gboolean
parse_int (const char *text,
           gint64      min,
           gint64     *out)
{
  return g_ascii_string_to_signed (text, 10, min, G_MAXINT64, out, NULL);
}

/* Reads @cursor into @store_query (whose sort and direction are set). */
static gboolean
parse_cursor (const char       *cursor,
              FdStoreLogQuery  *store_query,
              char            **out_text,
              GError          **error)
{
  g_auto(GStrv) parts = g_strsplit (cursor, ":", 6);
  gint64 sort, descending, now, id, key = 0;

  if (g_strv_length (parts) != 6 || strcmp (parts[0], LOG_CURSOR_VERSION) != 0 ||
      !parse_int (parts[1], 0, &sort) || !parse_int (parts[2], 0, &descending) ||
      !parse_int (parts[3], 0, &now) || !parse_int (parts[4], 1, &id) ||
      (fd_store_log_sort_is_integer (store_query->sort) && !parse_int (parts[5], -1, &key)))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "The field “body.cursor” is not a cursor of the conversation log.");
      return FALSE;
    }
  if (sort != (gint64) store_query->sort || descending != (store_query->descending ? 1 : 0))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "The field “body.cursor” belongs to another order: ask for the first page again.");
      return FALSE;
    }
  store_query->after = TRUE;
  store_query->after_id = id;
  store_query->after_key = key;
  store_query->now = now;
  *out_text = g_strdup (parts[5]);
  store_query->after_text = *out_text;
  return TRUE;
}

/* The kinds as a JSON array of their wire names (checked, so quoting them
 * needs no escaping); NULL = every kind. */
static gboolean
kinds_json (char * const  *kinds,
            char         **out_json,
            GError       **error)
{
  g_autoptr(GString) json = g_string_new ("[");

  *out_json = NULL;
  if (kinds == NULL || kinds[0] == NULL)
    return TRUE;
  for (guint i = 0; kinds[i] != NULL; i++)
    {
      FdStreamKind kind;

      if (!fd_stream_kind_from_string (kinds[i], &kind))
        {
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                               "The field “body.kinds[%u]” is not a kind of media stream.", i);
          return FALSE;
        }
      g_string_append_printf (json, "%s\"%s\"", i > 0 ? "," : "", fd_stream_kind_to_string (kind));
    }
  g_string_append_c (json, ']');
  *out_json = g_string_free (g_steal_pointer (&json), FALSE);
  return TRUE;
}

/* A supervisor's queues: those they are a member of. */
static char *
member_queues_json (FdCenter       *self,
                    const FdAgent  *agent,
                    GError        **error)
{
  g_autoptr(GPtrArray) queues = fd_store_list_queues (self->store, agent->organization_id, error);
  g_autoptr(GString) json = g_string_new ("[");
  guint n = 0;

  if (queues == NULL)
    return NULL;
  for (guint i = 0; i < queues->len; i++)
    {
      const FdQueue *queue = g_ptr_array_index (queues, i);

      if (fd_center_is_member (self, agent->organization_id, queue->id, agent->id))
        g_string_append_printf (json, "%s%" G_GINT64_FORMAT, n++ > 0 ? "," : "", queue->id);
    }
  g_string_append_c (json, ']');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

FdLogPage *
fd_center_list_conversation_log (FdCenter          *self,
                                 const FdAgent     *agent,
                                 const FdLogQuery  *query,
                                 gint64             now,
                                 GError           **error)
{
  FdStoreLogQuery store_query = { 0 };
  g_autofree char *kinds = NULL;
  g_autofree char *queues = NULL;
  g_autofree char *match = NULL;
  g_autofree char *after_text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(FdLogPage) page = fd_log_page_new ();
  guint limit;

  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (query->limit < 0 || query->limit > FD_LOG_MAX_LIMIT)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "The field “body.limit” must be from 1 to %d (0 for %d).",
                           FD_LOG_MAX_LIMIT, FD_LOG_DEFAULT_LIMIT);
      return NULL;
    }
  if (query->from < 0 || query->to < 0 || (query->from > 0 && query->to > 0 && query->to <= query->from))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "The field “body.to” must come after “body.from”.");
      return NULL;
    }
  if (query->queue_id < 0)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "The field “body.queue_id” is not an id.");
      return NULL;
    }
  if (!kinds_json (query->kinds, &kinds, error))
    return NULL;
  limit = query->limit > 0 ? (guint) query->limit : FD_LOG_DEFAULT_LIMIT;

  store_query.sort = query->sort;
  store_query.descending = query->descending;
  store_query.now = now;
  if (query->cursor != NULL && query->cursor[0] != '\0' &&
      !parse_cursor (query->cursor, &store_query, &after_text, error))
    return NULL;

  /* Scope (docs/protocol.md, "list-conversation-log"): an agent's own
   * conversations; a supervisor's and those of their queues; everything
   * of the organization for an admin. */
  store_query.holder_id = agent->id;
  if (agent->role == FD_ROLE_ADMIN)
    store_query.all_queues = TRUE;
  else if (agent->role == FD_ROLE_SUPERVISOR)
    {
      queues = member_queues_json (self, agent, error);
      if (queues == NULL)
        return NULL;
      store_query.queue_ids_json = queues;
    }

  match = fd_store_log_match (query->search);
  store_query.kinds_json = kinds;
  store_query.queue_id = query->queue_id;
  store_query.from = query->from;
  store_query.to = query->to;
  store_query.match = match;
  /* One row more than the page tells whether another page follows. */
  store_query.limit = limit + 1;

  rows = fd_store_list_conversation_log (self->store, agent->organization_id, &store_query, error);
  if (rows == NULL)
    return NULL;
  if (rows->len > limit)
    {
      g_ptr_array_set_size (rows, limit);
      page->next_cursor = make_cursor (query, store_query.now, g_ptr_array_index (rows, limit - 1));
    }
  page->items = g_steal_pointer (&rows);
  return g_steal_pointer (&page);
}

FdConversation *
fd_center_get_loggable (FdCenter       *self,
                        const FdAgent  *agent,
                        gint64          conversation_id,
                        GError        **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  conv = fd_center_get_visible (self, agent, conversation_id, &local_error);
  if (conv != NULL)
    return g_steal_pointer (&conv);
  if (!g_error_matches (local_error, FD_CENTER_ERROR, FD_WIRE_ERROR_FORBIDDEN))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* Not a queue of theirs: an admin sees the whole organization, anyone
   * the conversations they held (a queue they left, a transfer). */
  if (agent->role != FD_ROLE_ADMIN)
    {
      g_autoptr(GError) held_error = NULL;

      if (!fd_store_log_held (self->store, agent->organization_id, agent->id, conversation_id, &held_error))
        {
          if (held_error != NULL)
            g_propagate_error (error, g_steal_pointer (&held_error));
          else
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  conv = fd_store_get_conversation (self->store, agent->organization_id, conversation_id, TRUE, error);
  if (conv != NULL)
    conv->transfer_to = fd_center_route_transfer_to (self, conv->id);
  return g_steal_pointer (&conv);
}
