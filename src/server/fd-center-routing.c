#define G_LOG_DOMAIN "fd-center"

/* The center's side of the routing engine: loads its configuration from the
 * store, calls it with the wall clock and hands every decision to the
 * fd_center_apply_* functions. */

#include "fd-center-private.h"

#include "fd-router.h"

#include <json-glib/json-glib.h>

FdRouter *
fd_center_route_new (void)
{
  return fd_router_new ();
}

void
fd_center_route_free (FdRouter *router)
{
  fd_router_free (router);
}

static gint64
org_of_conversation (FdCenter *self,
                     gint64    conversation_id)
{
  gpointer value = g_hash_table_lookup (self->conv_org, &conversation_id);

  return value != NULL ? *(gint64 *) value : 0;
}

static gint64
org_of_agent (FdCenter *self,
              gint64    agent_id)
{
  gpointer value = g_hash_table_lookup (self->agent_org, &agent_id);

  return value != NULL ? *(gint64 *) value : 0;
}

static void
apply_decisions (FdCenter *self,
                 GArray   *out,
                 gint64    now)
{
  for (guint i = 0; i < out->len; i++)
    {
      const FdRoutingDecision *d = &g_array_index (out, FdRoutingDecision, i);
      gint64 org = d->kind == FD_ROUTING_ACD ? org_of_agent (self, d->agent_id)
                                             : org_of_conversation (self, d->conversation_id);

      if (org == 0)
        {
          g_warning ("A routing decision names conversation %" G_GINT64_FORMAT
                     " or agent %" G_GINT64_FORMAT " of no known organization.",
                     d->conversation_id, d->agent_id);
          continue;
        }

      switch (d->kind)
        {
        case FD_ROUTING_OFFER:
          fd_center_apply_offer (self, org, d->conversation_id, d->agent_id, d->phase, d->bounce_at, now);
          break;
        case FD_ROUTING_WITHDRAW:
          fd_center_apply_withdraw (self, org, d->conversation_id, d->agent_id, fd_withdraw_reason_to_string (d->reason), now);
          break;
        case FD_ROUTING_RESERVED:
          fd_center_apply_reserved (self, org, d->conversation_id, d->agent_id, now);
          break;
        case FD_ROUTING_MISSED:
          fd_center_apply_missed (self, org, d->conversation_id, now);
          g_hash_table_remove (self->conv_org, &d->conversation_id);
          break;
        case FD_ROUTING_ACD:
          fd_center_apply_acd (self, org, d->agent_id, d->acd_state, d->acd_reason, now);
          break;
        case FD_ROUTING_PHASE:
        default:
          break;
        }
    }
}

static void
remember_conversation (FdCenter *self,
                       gint64    organization_id,
                       gint64    conversation_id)
{
  g_hash_table_insert (self->conv_org, g_memdup2 (&conversation_id, sizeof conversation_id),
                       g_memdup2 (&organization_id, sizeof organization_id));
}

/* The text that says whether a stream's routing changed. */
static char *
stream_config_text (const FdStream *stream,
                    GPtrArray      *phases)
{
  g_autoptr(JsonNode) node = fd_phase_list_to_json (phases);
  g_autofree char *json = fd_json_to_string (node, NULL);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%d:%s", stream->queue_id, (int) stream->kind, json);
}

/* A stream was deleted: the visitors of its open chats read "This channel
 * is no longer active." at once (docs/widget.md, "Inactive") instead of
 * typing into a chat nobody will answer. Their sockets stay open; sending
 * is refused from now on (fd-center-visitor.c). */
static gboolean
tell_visitors_inactive (FdCenter  *self,
                        gint64     organization_id,
                        gint64     stream_id,
                        GError   **error)
{
  static const FdConversationState open_states[] = { FD_CONVERSATION_UNRESERVED, FD_CONVERSATION_RESERVED };

  for (guint s = 0; s < G_N_ELEMENTS (open_states); s++)
    {
      g_autoptr(GPtrArray) list = fd_store_list_conversations_by_state (self->store, organization_id,
                                                                         open_states[s], error);

      if (list == NULL)
        return FALSE;
      for (guint i = 0; i < list->len; i++)
        {
          FdConversation *conv = g_ptr_array_index (list, i);

          if (conv->stream_id == stream_id && conv->kind == FD_STREAM_WEBCHAT)
            fd_center_push_visitor_frame (self, conv->id,
                                          fd_frame_new_error (FD_FRAME_VISITOR_ERROR, NULL,
                                                              FD_WIRE_ERROR_STREAM_INACTIVE,
                                                              "This channel is no longer active."));
        }
    }
  return TRUE;
}

gboolean
fd_center_route_load (FdCenter  *self,
                      gint64     organization_id,
                      gboolean   restore,
                      GError   **error)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GPtrArray) queues = NULL;
  g_autoptr(GPtrArray) streams = NULL;
  gint64 now = g_get_real_time ();

  org = fd_store_get_organization (self->store, organization_id, error);
  if (org == NULL)
    return FALSE;
  fd_router_set_organization (self->router, organization_id, org->reserve_acd);

  agents = fd_store_list_agents (self->store, organization_id, error);
  if (agents == NULL)
    return FALSE;
  for (guint i = 0; i < agents->len; i++)
    {
      FdAgent *agent = g_ptr_array_index (agents, i);

      g_hash_table_insert (self->agent_org, g_memdup2 (&agent->id, sizeof agent->id),
                           g_memdup2 (&organization_id, sizeof organization_id));
      if (restore && agent->acd_state != FD_ACD_AVAILABLE)
        fd_router_set_acd (self->router, agent->id, agent->acd_state, now, out);
    }

  queues = fd_store_list_queues (self->store, organization_id, error);
  if (queues == NULL)
    return FALSE;
  for (guint i = 0; i < queues->len; i++)
    {
      FdQueue *queue = g_ptr_array_index (queues, i);
      g_autoptr(GString) members = g_string_new (NULL);

      for (guint j = 0; queue->member_ids != NULL && j < queue->member_ids->len; j++)
        g_string_append_printf (members, "%" G_GINT64_FORMAT ",", g_array_index (queue->member_ids, gint64, j));
      if (g_strcmp0 (members->str, g_hash_table_lookup (self->queue_config, &queue->id)) == 0)
        continue;
      fd_router_set_queue_members (self->router, queue->id,
                                   queue->member_ids ? (const gint64 *) (gpointer) queue->member_ids->data : NULL,
                                   queue->member_ids ? queue->member_ids->len : 0, now, out);
      g_hash_table_insert (self->queue_config, g_memdup2 (&queue->id, sizeof queue->id),
                           g_string_free (g_steal_pointer (&members), FALSE));
    }

  streams = fd_store_list_streams (self->store, organization_id, TRUE, error);
  if (streams == NULL)
    return FALSE;
  for (guint i = 0; i < streams->len; i++)
    {
      FdStream *stream = g_ptr_array_index (streams, i);
      g_autoptr(GPtrArray) phases = NULL;
      g_autofree char *config = NULL;
      const char *known = g_hash_table_lookup (self->stream_config, &stream->id);

      if (stream->deleted)
        {
          if (known != NULL)
            {
              fd_router_remove_stream (self->router, stream->id, now, out);
              g_hash_table_remove (self->stream_config, &stream->id);
              if (!tell_visitors_inactive (self, organization_id, stream->id, error))
                return FALSE;
            }
          continue;
        }

      phases = fd_store_list_phases (self->store, organization_id, stream->id, error);
      if (phases == NULL)
        return FALSE;
      config = stream_config_text (stream, phases);
      if (g_strcmp0 (config, known) == 0)
        continue;
      if (!fd_router_set_stream (self->router, stream->id, organization_id, stream->queue_id, stream->kind,
                                 (const FdPhase *const *) phases->pdata, phases->len, now, out, error))
        return FALSE;
      g_hash_table_insert (self->stream_config, g_memdup2 (&stream->id, sizeof stream->id),
                           g_steal_pointer (&config));
    }

  if (restore)
    {
      g_autoptr(GArray) members = NULL;
      g_autoptr(GPtrArray) old_offers = NULL;
      g_autoptr(GPtrArray) unreserved = NULL;
      g_autoptr(GPtrArray) reserved = NULL;
      g_autoptr(GHashTable) deleted = NULL;

      members = fd_store_list_queue_members (self->store, organization_id, 0, 0, error);
      if (members == NULL)
        return FALSE;
      for (guint i = 0; i < members->len; i++)
        {
          const FdQueueMember *m = &g_array_index (members, FdQueueMember, i);

          if (m->joined)
            fd_router_join (self->router, m->agent_id, m->queue_id, now, out, NULL);
        }

      /* Offers do not survive a restart: routing starts over from the first
       * phase, and offers that are not made again are withdrawn below. */
      old_offers = fd_store_list_offers (self->store, organization_id, error);
      if (old_offers == NULL)
        return FALSE;
      /* One delete per conversation (it removes all its offers), not one
       * per offer. */
      deleted = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < old_offers->len; i++)
        {
          FdOffer *offer = g_ptr_array_index (old_offers, i);

          if (!g_hash_table_add (deleted, &offer->conversation_id))
            continue;
          if (!fd_store_delete_offer (self->store, organization_id, offer->conversation_id, 0, error))
            return FALSE;
        }

      unreserved = fd_store_list_conversations_by_state (self->store, organization_id,
                                                         FD_CONVERSATION_UNRESERVED, error);
      reserved = unreserved ? fd_store_list_conversations_by_state (self->store, organization_id,
                                                                    FD_CONVERSATION_RESERVED, error) : NULL;
      if (reserved == NULL)
        return FALSE;
      for (guint pass = 0; pass < 2; pass++)
        {
          GPtrArray *list = pass == 0 ? reserved : unreserved;

          for (guint i = 0; i < list->len; i++)
            {
              FdConversation *conv = g_ptr_array_index (list, i);
              g_autoptr(GError) local_error = NULL;

              remember_conversation (self, organization_id, conv->id);
              if (!fd_router_restore (self->router, conv->id, conv->stream_id,
                                      pass == 0 ? conv->agent_id : 0, now, out, &local_error))
                {
                  g_hash_table_remove (self->conv_org, &conv->id);
                  g_debug ("Conversation %" G_GINT64_FORMAT " is not routed again: %s",
                           conv->id, local_error->message);
                }
            }
        }
      apply_decisions (self, out, now);
      g_array_set_size (out, 0);

      /* The engine knows at once whether an offer was made again (the
       * store holds what it decided): no store query per old offer, which
       * was old offers × offers per agent at a restart (issue 17). */
      for (guint i = 0; i < old_offers->len; i++)
        {
          FdOffer *offer = g_ptr_array_index (old_offers, i);

          if (!fd_router_is_offered (self->router, offer->conversation_id, offer->agent_id))
            fd_center_apply_withdraw (self, organization_id, offer->conversation_id, offer->agent_id,
                                      "phase-ended", now);
        }
    }

  apply_decisions (self, out, now);
  fd_center_route_rearm (self);
  return TRUE;
}

static gboolean
route_error (GError **error,
             GError  *local_error)
{
  FdWireError code = FD_WIRE_ERROR_INVALID_STATE;

  switch ((FdRoutingError) local_error->code)
    {
    case FD_ROUTING_ERROR_NOT_FOUND:
      code = FD_WIRE_ERROR_NOT_FOUND;
      break;
    case FD_ROUTING_ERROR_ALREADY_RESERVED:
      code = FD_WIRE_ERROR_CONFLICT;
      break;
    case FD_ROUTING_ERROR_NOT_MEMBER:
      code = FD_WIRE_ERROR_FORBIDDEN;
      break;
    case FD_ROUTING_ERROR_NOT_RESERVED_BY_AGENT:
      code = FD_WIRE_ERROR_FORBIDDEN;
      break;
    case FD_ROUTING_ERROR_NOT_OFFERED:
    case FD_ROUTING_ERROR_NOT_JOINED:
    case FD_ROUTING_ERROR_INVALID:
    default:
      code = FD_WIRE_ERROR_INVALID_STATE;
      break;
    }
  g_set_error_literal (error, FD_CENTER_ERROR, code, local_error->message);
  g_error_free (local_error);
  return FALSE;
}

/* Runs one engine call's decisions; the macro keeps each wrapper one line. */
#define ROUTE_CALL(call)                                            \
  G_STMT_START {                                                    \
    g_autoptr(GArray) out = fd_routing_decisions_new ();            \
    GError *local_error = NULL;                                     \
    gint64 now = g_get_real_time ();                                \
    if (!(call))                                                    \
      return route_error (error, local_error);                      \
    apply_decisions (self, out, now);                               \
    fd_center_route_rearm (self);                                   \
    return TRUE;                                                    \
  } G_STMT_END

gboolean
fd_center_route_join (FdCenter  *self,
                      gint64     agent_id,
                      gint64     queue_id,
                      GError   **error)
{
  ROUTE_CALL (fd_router_join (self->router, agent_id, queue_id, now, out, &local_error));
}

gboolean
fd_center_route_add (FdCenter  *self,
                     gint64     organization_id,
                     gint64     conversation_id,
                     gint64     stream_id,
                     GError   **error)
{
  remember_conversation (self, organization_id, conversation_id);
  ROUTE_CALL (fd_router_add (self->router, conversation_id, stream_id, now, out, &local_error));
}

gboolean
fd_center_route_reserve (FdCenter  *self,
                         gint64     conversation_id,
                         gint64     agent_id,
                         GError   **error)
{
  ROUTE_CALL (fd_router_reserve (self->router, conversation_id, agent_id, now, out, &local_error));
}

gboolean
fd_center_route_reject (FdCenter  *self,
                        gint64     conversation_id,
                        gint64     agent_id,
                        GError   **error)
{
  ROUTE_CALL (fd_router_reject (self->router, conversation_id, agent_id, now, out, &local_error));
}

gboolean
fd_center_route_transfer (FdCenter  *self,
                          gint64     conversation_id,
                          gint64     from_agent_id,
                          gint64     to_agent_id,
                          GError   **error)
{
  ROUTE_CALL (fd_router_transfer (self->router, conversation_id, from_agent_id, to_agent_id,
                                  now, out, &local_error));
}

void
fd_center_route_leave (FdCenter *self,
                       gint64    agent_id,
                       gint64    queue_id)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  gint64 now = g_get_real_time ();

  fd_router_leave (self->router, agent_id, queue_id, now, out);
  apply_decisions (self, out, now);
  fd_center_route_rearm (self);
}

void
fd_center_route_set_acd (FdCenter   *self,
                         gint64      agent_id,
                         FdAcdState  state)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  gint64 now = g_get_real_time ();

  fd_router_set_acd (self->router, agent_id, state, now, out);
  apply_decisions (self, out, now);
  fd_center_route_rearm (self);
}

void
fd_center_route_close (FdCenter *self,
                       gint64    conversation_id)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  gint64 now = g_get_real_time ();

  fd_router_close (self->router, conversation_id, now, out);
  apply_decisions (self, out, now);
  g_hash_table_remove (self->conv_org, &conversation_id);
  fd_center_route_rearm (self);
}

gint64
fd_center_route_transfer_to (FdCenter *self,
                             gint64    conversation_id)
{
  return fd_router_get_transfer_to (self->router, conversation_id);
}

gboolean
fd_center_route_is_joined (FdCenter *self,
                           gint64    agent_id,
                           gint64    queue_id)
{
  return fd_router_is_joined (self->router, agent_id, queue_id);
}

guint
fd_center_route_count_joined (FdCenter *self,
                              gint64    queue_id)
{
  return fd_router_count_joined (self->router, queue_id);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();

  self->timer_id = 0;
  self->timer_deadline = 0;

  if (!fd_center_begin (self, &error))
    {
      g_warning ("Cannot carry out routing deadlines: %s", error->message);
      fd_center_route_rearm (self);
      return G_SOURCE_REMOVE;
    }
  fd_router_tick (self->router, now, out);
  apply_decisions (self, out, now);
  if (!fd_center_commit (self, &error))
    g_warning ("Cannot store routing deadlines: %s", error->message);
  fd_center_route_rearm (self);
  return G_SOURCE_REMOVE;
}

void
fd_center_route_rearm (FdCenter *self)
{
  gint64 deadline = fd_router_get_next_deadline (self->router);
  gint64 delay_ms;

  if (deadline == self->timer_deadline && self->timer_id != 0)
    return;
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_deadline = deadline;
  if (deadline == 0)
    return;
  /* Round up so that the tick never runs before the deadline. */
  delay_ms = (deadline - g_get_real_time () + 999) / 1000;
  self->timer_id = g_timeout_add ((guint) CLAMP (delay_ms, 0, G_MAXINT), on_timer_cb, self);
}
