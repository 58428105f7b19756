#define G_LOG_DOMAIN "fd-center"

/* The core of the live center: transactions with their event pushes, the
 * registry of sockets, and the routing engine's decisions carried out on the
 * store (docs/architecture.md). */

#include "fd-center-private.h"
#include "fd-center-actions.h"

#include "fd-agent-socket.h"
#include "fd-auth.h"
#include "fd-visitor-api.h"
#include "fd-protocol.h"

#include <string.h>

/* How often the event log is pruned. */
#define FD_CENTER_PRUNE_SECONDS (10 * 60)
/* Statistics are pushed at most this often, and only after a change. */
#define FD_CENTER_STATS_SECONDS 5

G_DEFINE_FINAL_TYPE (FdCenter, fd_center, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-center-error-quark, fd_center_error)

/* A frame to send once the transaction that produced it is committed. */
typedef struct {
  gint64  organization_id;
  gint64  seq;               /* agent events; 0 for visitor frames */
  gint64  queue_id;
  gint64  agent_id;
  gint64  conversation_id;   /* visitor frames: whose sockets */
  char   *text;
} Push;

static void
push_free (Push *push)
{
  g_free (push->text);
  g_free (push);
}

FdWireError
fd_center_wire_error_for (const GError *error)
{
  if (error == NULL)
    return FD_WIRE_ERROR_INTERNAL;
  if (error->domain == FD_CENTER_ERROR)
    return (FdWireError) error->code;
  if (error->domain == FD_STORE_ERROR)
    {
      switch ((FdStoreError) error->code)
        {
        case FD_STORE_ERROR_NOT_FOUND:
          return FD_WIRE_ERROR_NOT_FOUND;
        case FD_STORE_ERROR_CONFLICT:
          return FD_WIRE_ERROR_CONFLICT;
        case FD_STORE_ERROR_INVALID:
          return FD_WIRE_ERROR_INVALID_FIELD;
        case FD_STORE_ERROR_TOO_NEW:
        case FD_STORE_ERROR_CORRUPT:
        case FD_STORE_ERROR_FAILED:
        default:
          return FD_WIRE_ERROR_INTERNAL;
        }
    }
  if (error->domain == FD_AUTH_ERROR)
    return error->code == FD_AUTH_ERROR_FAILED ? FD_WIRE_ERROR_INTERNAL : FD_WIRE_ERROR_UNAUTHORIZED;
  return fd_wire_error_from_gerror (error);
}

/* --- Transactions ------------------------------------------------------------ */

gboolean
fd_center_begin (FdCenter  *self,
                 GError   **error)
{
  return fd_store_begin (self->store, error);
}

static void
flush_pending (FdCenter *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) push_free);
  for (guint i = 0; i < pending->len; i++)
    {
      Push *push = g_ptr_array_index (pending, i);

      if (push->seq == 0)
        {
          for (guint j = 0; j < self->visitor_conns->len; j++)
            {
              FdVisitorConn *vc = g_ptr_array_index (self->visitor_conns, j);

              if (vc->hello_done && vc->conversation_id == push->conversation_id)
                fd_ws_budget_send (vc->budget, push->text);
            }
          continue;
        }

      for (guint j = 0; j < self->agent_conns->len; j++)
        {
          FdAgentConn *ac = g_ptr_array_index (self->agent_conns, j);

          if (!ac->hello_done || ac->organization_id != push->organization_id || push->seq <= ac->last_seq)
            continue;
          if (!fd_center_agent_may_see (self, ac->organization_id, ac->agent_id, push->queue_id, push->agent_id))
            continue;
          /* A socket closed for its budget resumes from its last seq. */
          if (fd_ws_budget_send (ac->budget, push->text))
            ac->last_seq = push->seq;
        }
    }
}

gboolean
fd_center_commit (FdCenter  *self,
                  GError   **error)
{
  if (self->apply_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->apply_error));
      fd_center_rollback (self);
      return FALSE;
    }
  if (!fd_store_commit (self->store, error))
    {
      if (!fd_store_in_transaction (self->store))
        g_ptr_array_set_size (self->pending, 0);
      return FALSE;
    }
  if (!fd_store_in_transaction (self->store))
    flush_pending (self);
  return TRUE;
}

void
fd_center_rollback (FdCenter *self)
{
  fd_store_rollback (self->store);
  if (!fd_store_in_transaction (self->store))
    {
      g_ptr_array_set_size (self->pending, 0);
      g_clear_error (&self->apply_error);
    }
}

/* Keeps the first failure of a decision so that the commit refuses. */
static void
note_apply_error (FdCenter *self,
                  GError   *error)
{
  if (error == NULL)
    return;
  g_warning ("Cannot carry out a routing decision: %s", error->message);
  if (self->apply_error == NULL)
    self->apply_error = error;
  else
    g_error_free (error);
}

/* --- Events ------------------------------------------------------------------ */

char *
fd_center_event_text (const char *type,
                      gint64      seq,
                      const char *payload_json)
{
  return g_strdup_printf ("{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"body\":%s}",
                          type, seq, payload_json != NULL ? payload_json : "{}");
}

gint64
fd_center_day_start (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* One "stats" event per queue, seen by its members, with the queue's row and
 * its streams' rows. */
static gboolean
publish_stats (FdCenter  *self,
               gint64     organization_id,
               GError   **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) reports = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) fd_stats_report_free);
  GHashTableIter iter;
  gpointer key, value;

  rows = fd_store_get_stats (self->store, organization_id, g_get_real_time (), fd_center_day_start (), error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);
      FdStatsReport *report = g_hash_table_lookup (reports, &row->queue_id);

      if (report == NULL)
        {
          report = fd_stats_report_new ();
          report->rows = fd_stats_list_new ();
          g_hash_table_insert (reports, &row->queue_id, report);
        }
      g_ptr_array_add (report->rows, fd_stats_copy (row));
    }

  if (!fd_center_begin (self, error))
    return FALSE;
  g_hash_table_iter_init (&iter, reports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!fd_center_emit (self, organization_id, "stats", *(gint64 *) key, 0, 0,
                           fd_stats_report_to_json (value), error))
        {
          fd_center_rollback (self);
          return FALSE;
        }
    }
  return fd_center_commit (self, error);
}

static gboolean
on_stats_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GHashTable) dirty = g_steal_pointer (&self->stats_dirty);
  GHashTableIter iter;
  gpointer key;

  self->stats_id = 0;
  self->stats_dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!publish_stats (self, *(gint64 *) key, &error))
        g_warning ("Cannot publish the statistics of organization %" G_GINT64_FORMAT ": %s",
                   *(gint64 *) key, error->message);
    }
  return G_SOURCE_REMOVE;
}

static void
mark_stats_dirty (FdCenter *self,
                  gint64    organization_id)
{
  if (!g_hash_table_contains (self->stats_dirty, &organization_id))
    g_hash_table_add (self->stats_dirty, g_memdup2 (&organization_id, sizeof organization_id));
  if (self->stats_id == 0)
    self->stats_id = g_timeout_add_seconds (FD_CENTER_STATS_SECONDS, on_stats_cb, self);
}

gboolean
fd_center_emit (FdCenter    *self,
                gint64       organization_id,
                const char  *type,
                gint64       queue_id,
                gint64       agent_id,
                gint64       conversation_id,
                JsonNode    *body_json,
                GError     **error)
{
  g_autoptr(JsonNode) body = body_json;
  g_autofree char *payload = fd_json_to_string (body, NULL);
  Push *push;
  gint64 seq = 0;

  if (!fd_store_append_event (self->store, organization_id, type, queue_id, agent_id,
                              conversation_id, payload, &seq, error))
    return FALSE;

  push = g_new0 (Push, 1);
  push->organization_id = organization_id;
  push->seq = seq;
  push->queue_id = queue_id;
  push->agent_id = agent_id;
  push->conversation_id = conversation_id;
  push->text = fd_center_event_text (type, seq, payload);
  g_ptr_array_add (self->pending, push);

  /* Whatever happens to a conversation may change the statistics. */
  if (conversation_id != 0)
    mark_stats_dirty (self, organization_id);
  return TRUE;
}

void
fd_center_push_visitor (FdCenter   *self,
                        gint64      conversation_id,
                        char       *frame_text)
{
  Push *push = g_new0 (Push, 1);

  push->conversation_id = conversation_id;
  push->text = frame_text;
  g_ptr_array_add (self->pending, push);
}

gboolean
fd_center_is_member (FdCenter *self,
                     gint64    organization_id,
                     gint64    queue_id,
                     gint64    agent_id)
{
  g_autoptr(GArray) members = NULL;

  if (queue_id <= 0 || agent_id <= 0)
    return FALSE;
  members = fd_store_list_queue_members (self->store, organization_id, queue_id, agent_id, NULL);
  return members != NULL && members->len > 0;
}

gboolean
fd_center_agent_may_see (FdCenter *self,
                         gint64    organization_id,
                         gint64    agent_id,
                         gint64    event_queue_id,
                         gint64    event_agent_id)
{
  if (event_agent_id != 0)
    return event_agent_id == agent_id;
  if (event_queue_id != 0)
    return fd_center_is_member (self, organization_id, event_queue_id, agent_id);
  return TRUE;
}

/* --- Sockets ----------------------------------------------------------------- */

void
fd_center_add_agent_conn (FdCenter    *self,
                          FdAgentConn *conn)
{
  g_ptr_array_add (self->agent_conns, conn);
}

void
fd_center_remove_agent_conn (FdCenter    *self,
                             FdAgentConn *conn)
{
  g_ptr_array_remove (self->agent_conns, conn);
}

void
fd_center_add_visitor_conn (FdCenter      *self,
                            FdVisitorConn *conn)
{
  g_ptr_array_add (self->visitor_conns, conn);
}

void
fd_center_remove_visitor_conn (FdCenter      *self,
                               FdVisitorConn *conn)
{
  g_ptr_array_remove (self->visitor_conns, conn);
}

gboolean
fd_center_agent_is_online (FdCenter *self,
                           gint64    agent_id)
{
  for (guint i = 0; i < self->agent_conns->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->agent_conns, i);

      if (ac->agent_id == agent_id && ac->hello_done &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        return TRUE;
    }
  return FALSE;
}

void
fd_center_close_token_sockets (FdCenter   *self,
                               const char *token_hash)
{
  for (guint i = 0; i < self->agent_conns->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->agent_conns, i);

      if (g_strcmp0 (ac->token_hash, token_hash) == 0 &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ac->conn, 4401, "Signed out");
    }
}

void
fd_center_close_agent_sockets (FdCenter   *self,
                               gint64      organization_id,
                               gint64      agent_id,
                               const char *reason)
{
  for (guint i = 0; i < self->agent_conns->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->agent_conns, i);

      if (ac->organization_id == organization_id && ac->agent_id == agent_id &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ac->conn, 4401, reason);
    }
}

/* --- Routing decisions ------------------------------------------------------- */

gboolean
fd_center_emit_conversation (FdCenter             *self,
                             const FdConversation *conv,
                             GError              **error)
{
  /* A shallow copy: only the live transfer state differs from @conv. */
  FdConversation live = *conv;

  live.transfer_to = fd_center_route_transfer_to (self, conv->id);
  return fd_center_emit (self, conv->organization_id, "conversation", conv->queue_id, 0, conv->id,
                         fd_conversation_to_json (&live), error);
}

void
fd_center_apply_offer (FdCenter *self,
                       gint64    organization_id,
                       gint64    conversation_id,
                       gint64    agent_id,
                       int       phase,
                       gint64    bounce_at,
                       gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  GError *error = NULL;
  FdOffer offer = { conversation_id, agent_id, phase, now, bounce_at };
  FdOfferEvent event = { &offer, NULL };

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  if (conv == NULL || !fd_store_put_offer (self->store, organization_id, &offer, &error))
    {
      note_apply_error (self, error);
      return;
    }
  conv->transfer_to = fd_center_route_transfer_to (self, conv->id);
  event.conversation = conv;
  if (!fd_center_emit (self, organization_id, "offer", 0, agent_id, conversation_id,
                       fd_offer_event_to_json (&event), &error))
    note_apply_error (self, error);
}

void
fd_center_apply_withdraw (FdCenter   *self,
                          gint64      organization_id,
                          gint64      conversation_id,
                          gint64      agent_id,
                          const char *reason,
                          gint64      now)
{
  GError *error = NULL;
  FdWithdraw withdraw = { conversation_id, FD_WITHDRAW_CLOSED };

  fd_withdraw_reason_from_string (reason, &withdraw.reason);
  if (!fd_store_delete_offer (self->store, organization_id, conversation_id, agent_id, &error) ||
      !fd_center_emit (self, organization_id, "withdraw", 0, agent_id, conversation_id,
                       fd_withdraw_to_json (&withdraw), &error))
    note_apply_error (self, error);
}

/* Appends a message, sends its event to the agents and its frame to the
 * visitor. A visitor sees no agent or organization ids. */
FdMessage *
fd_center_add_message (FdCenter         *self,
                       const FdMessage  *msg,
                       gint64            queue_id,
                       gboolean         *out_duplicate,
                       GError          **error)
{
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(FdMessage) for_visitor = NULL;
  g_autoptr(FdFrame) frame = NULL;
  gboolean duplicate = FALSE;

  stored = fd_store_append_message (self->store, msg, &duplicate, error);
  if (stored == NULL)
    return NULL;
  if (out_duplicate != NULL)
    *out_duplicate = duplicate;
  if (duplicate)
    return g_steal_pointer (&stored);

  if (!fd_center_emit (self, stored->organization_id, "message", queue_id, 0, stored->conversation_id,
                       fd_message_to_json (stored), error))
    return NULL;

  for_visitor = fd_message_copy (stored);
  for_visitor->agent_id = 0;
  for_visitor->organization_id = 0;
  frame = fd_frame_new (FD_FRAME_VISITOR_MESSAGE, g_steal_pointer (&for_visitor));
  fd_center_push_visitor (self, stored->conversation_id, fd_frame_encode (frame, NULL));
  return g_steal_pointer (&stored);
}

void
fd_center_push_visitor_frame (FdCenter *self,
                              gint64    conversation_id,
                              FdFrame  *frame)
{
  fd_center_push_visitor (self, conversation_id, fd_frame_encode (frame, NULL));
  fd_frame_free (frame);
}

void
fd_center_apply_reserved (FdCenter *self,
                          gint64    organization_id,
                          gint64    conversation_id,
                          gint64    agent_id,
                          gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(FdMessage) note = fd_message_new ();
  g_autoptr(FdMessage) stored = NULL;
  FdAgentJoined *joined;
  GError *error = NULL;
  gboolean transferred;

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  agent = conv ? fd_store_get_agent (self->store, organization_id, agent_id, &error) : NULL;
  if (agent == NULL || !fd_store_delete_offer (self->store, organization_id, conversation_id, agent_id, &error))
    {
      note_apply_error (self, error);
      return;
    }
  /* A transfer that came back: the agent kept it all along, and hears that
   * the offer is over (transfer_to is 0 again). */
  if (conv->state == FD_CONVERSATION_RESERVED && conv->agent_id == agent_id)
    {
      if (!fd_center_emit_conversation (self, conv, &error))
        note_apply_error (self, error);
      return;
    }

  transferred = conv->state == FD_CONVERSATION_RESERVED && conv->agent_id != 0;
  conv->state = FD_CONVERSATION_RESERVED;
  conv->agent_id = agent_id;
  conv->reserved_at = now;
  if (conv->first_assigned_at == 0)
    conv->first_assigned_at = now;
  if (!fd_store_update_conversation (self->store, conv, &error))
    {
      note_apply_error (self, error);
      return;
    }

  note->organization_id = organization_id;
  note->conversation_id = conversation_id;
  note->direction = FD_DIRECTION_SYSTEM;
  note->text = g_strdup_printf (transferred ? "Transferred to %s" : "Reserved by %s", agent->name);
  note->created_at = now;
  stored = fd_center_add_message (self, note, conv->queue_id, NULL, &error);
  if (stored == NULL || !fd_center_emit_conversation (self, conv, &error))
    {
      note_apply_error (self, error);
      return;
    }

  joined = fd_agent_joined_new ();
  joined->name = g_strdup (agent->name);
  fd_center_push_visitor_frame (self, conversation_id, fd_frame_new (FD_FRAME_VISITOR_AGENT_JOINED, joined));
}

void
fd_center_apply_missed (FdCenter *self,
                        gint64    organization_id,
                        gint64    conversation_id,
                        gint64    now)
{
  g_autoptr(FdConversation) conv = NULL;
  FdVisitorClosed *closed;
  GError *error = NULL;

  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, &error);
  if (conv == NULL)
    {
      note_apply_error (self, error);
      return;
    }
  conv->state = FD_CONVERSATION_MISSED;
  if (!fd_store_update_conversation (self->store, conv, &error) ||
      !fd_store_delete_offer (self->store, organization_id, conversation_id, 0, &error) ||
      !fd_center_emit_conversation (self, conv, &error))
    {
      note_apply_error (self, error);
      return;
    }
  closed = fd_visitor_closed_new ();
  closed->by = FD_CLOSED_BY_SYSTEM;
  closed->ask_rating = FALSE;
  fd_center_push_visitor_frame (self, conversation_id, fd_frame_new (FD_FRAME_VISITOR_CLOSED, closed));
}

void
fd_center_apply_acd (FdCenter   *self,
                     gint64      organization_id,
                     gint64      agent_id,
                     FdAcdState  state,
                     const char *reason,
                     gint64      now)
{
  g_autoptr(FdAgent) agent = NULL;
  GError *error = NULL;

  if (!fd_center_store_acd (self, organization_id, agent_id, state, reason, now, &agent, &error))
    note_apply_error (self, error);
}

/* Writes an agent's ACD state and tells the agent's sockets. */
gboolean
fd_center_store_acd (FdCenter    *self,
                     gint64       organization_id,
                     gint64       agent_id,
                     FdAcdState   state,
                     const char  *reason,
                     gint64       now,
                     FdAgent    **out_agent,
                     GError     **error)
{
  g_autoptr(FdAgent) agent = fd_store_get_agent (self->store, organization_id, agent_id, error);
  gint64 idle_since;

  if (agent == NULL)
    return FALSE;
  idle_since = state == FD_ACD_AVAILABLE && agent->acd_state != FD_ACD_AVAILABLE ? now : agent->idle_since;
  if (state != FD_ACD_UNAVAILABLE)
    reason = NULL;
  if (!fd_store_set_agent_acd (self->store, organization_id, agent_id, state, reason, idle_since, error))
    return FALSE;
  agent->acd_state = state;
  g_free (agent->acd_reason);
  agent->acd_reason = g_strdup (reason);
  agent->idle_since = idle_since;
  if (!fd_center_emit (self, organization_id, "agent-state", 0, agent_id, 0, fd_agent_to_json (agent), error))
    return FALSE;
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  return TRUE;
}

/* --- Object ------------------------------------------------------------------ */

static void
fd_center_finalize (GObject *object)
{
  FdCenter *self = FD_CENTER (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->prune_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_pointer (&self->stats_dirty, g_hash_table_unref);
  /* Sockets still open point at the center: free them first. */
  {
    g_autoptr(GPtrArray) agents = g_steal_pointer (&self->agent_conns);
    g_autoptr(GPtrArray) visitors = g_steal_pointer (&self->visitor_conns);

    self->agent_conns = g_ptr_array_new ();
    self->visitor_conns = g_ptr_array_new ();
    for (guint i = 0; i < agents->len; i++)
      fd_agent_socket_free (g_ptr_array_index (agents, i));
    for (guint i = 0; i < visitors->len; i++)
      fd_visitor_socket_free (g_ptr_array_index (visitors, i));
  }
  g_clear_pointer (&self->agent_api, fd_agent_api_free);
  g_clear_pointer (&self->visitor_api, fd_visitor_api_free);
  g_clear_pointer (&self->router, fd_center_route_free);
  g_clear_pointer (&self->conv_org, g_hash_table_unref);
  g_clear_pointer (&self->agent_org, g_hash_table_unref);
  g_clear_pointer (&self->stream_config, g_hash_table_unref);
  g_clear_pointer (&self->queue_config, g_hash_table_unref);
  g_clear_pointer (&self->agent_conns, g_ptr_array_unref);
  g_clear_pointer (&self->visitor_conns, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_error (&self->apply_error);

  G_OBJECT_CLASS (fd_center_parent_class)->finalize (object);
}

static void
fd_center_class_init (FdCenterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_center_finalize;
}

static void
fd_center_init (FdCenter *self)
{
  self->conv_org = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->agent_org = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->stream_config = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->queue_config = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->agent_conns = g_ptr_array_new ();
  self->visitor_conns = g_ptr_array_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) push_free);
}

/* Keeps the event log to the store's defaults (at least the last
 * FD_STORE_EVENTS_KEEP events of a day), so resume works and the log stays
 * small. */
static gboolean
on_prune_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GError) error = NULL;
  guint pruned = 0;

  if (!fd_store_prune_events (self->store, g_get_real_time (), 0, 0, &pruned, &error))
    g_warning ("Cannot prune the event log: %s", error->message);
  else if (pruned > 0)
    g_debug ("Pruned %u events", pruned);
  return G_SOURCE_CONTINUE;
}

static gboolean
load_organization (FdCenter  *self,
                   gint64     organization_id,
                   gboolean   restore,
                   GError   **error)
{
  if (!fd_center_begin (self, error))
    return FALSE;
  if (!fd_center_route_load (self, organization_id, restore, error))
    {
      fd_center_rollback (self);
      return FALSE;
    }
  return fd_center_commit (self, error);
}

FdCenter *
fd_center_new (FdStore  *store,
               GError  **error)
{
  g_autoptr(FdCenter) self = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (FD_TYPE_CENTER, NULL);
  self->store = store;
  self->router = fd_center_route_new ();
  self->stats_dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  orgs = fd_store_list_organizations (store, error);
  if (orgs == NULL)
    return NULL;
  for (guint i = 0; i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);

      if (!load_organization (self, org->id, TRUE, error))
        {
          g_prefix_error (error, "Cannot restore the routing of organization %" G_GINT64_FORMAT ": ", org->id);
          return NULL;
        }
    }
  on_prune_cb (self);
  self->prune_id = g_timeout_add_seconds (FD_CENTER_PRUNE_SECONDS, on_prune_cb, self);
  return g_steal_pointer (&self);
}

void
fd_center_attach (FdCenter   *self,
                  SoupServer *server)
{
  g_return_if_fail (FD_IS_CENTER (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->agent_api == NULL);

  self->agent_api = fd_agent_api_new (self);
  fd_agent_api_attach (self->agent_api, server);
  self->visitor_api = fd_visitor_api_new (self);
  fd_visitor_api_attach (self->visitor_api, server);
}

gboolean
fd_center_reload_organization (FdCenter  *self,
                               gint64     organization_id,
                               GError   **error)
{
  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);
  g_return_val_if_fail (organization_id > 0, FALSE);

  return load_organization (self, organization_id, FALSE, error);
}
