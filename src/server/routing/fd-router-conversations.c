#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Conversations: arrival, restore after a restart, reserve (with the
 * organization's reserve ACD setting), reject and close. */

static RouterConversation *
insert_conversation (FdRouter  *self,
                     gint64     conversation_id,
                     gint64     stream_id,
                     GError   **error)
{
  RouterConversation *conv;
  RouterStream *stream;

  if (conversation_id <= 0 || g_hash_table_contains (self->conversations, &conversation_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "The conversation is already being routed.");
      return NULL;
    }
  if (!g_hash_table_contains (self->streams, &stream_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND,
                   "The conversation's media stream is not configured for routing.");
      return NULL;
    }

  conv = g_new0 (RouterConversation, 1);
  conv->id = conversation_id;
  conv->stream_id = stream_id;
  conv->offers = g_array_new (FALSE, FALSE, sizeof (RouterOffer));
  conv->offers_sorted = TRUE;
  conv->seq = self->next_seq++;
  conv->deadline.order = conv->seq;
  g_queue_push_tail (&self->arrivals, conv);
  conv->arrival_link = self->arrivals.tail;
  stream = g_hash_table_lookup (self->streams, &stream_id);
  g_queue_push_tail (&stream->convs, conv);
  conv->stream_link = stream->convs.tail;
  g_hash_table_insert (self->conversations, &conv->id, conv);
  return conv;
}

gboolean
fd_router_add (FdRouter  *self,
               gint64     conversation_id,
               gint64     stream_id,
               gint64     now,
               GArray    *out,
               GError   **error)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (router_ensure_queue (self, router_conv_stream (self, conv)->queue_id)->joined->len == 0)
    {
      router_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      router_forget_conversation (self, conv);
      return TRUE;
    }

  router_start_routing (self, conv, now, out);
  return TRUE;
}

gboolean
fd_router_restore (FdRouter  *self,
                   gint64     conversation_id,
                   gint64     stream_id,
                   gint64     reserved_by,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reserved_by >= 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (reserved_by != 0)
    conv->reserved_by = reserved_by;
  else
    router_start_routing (self, conv, now, out);
  return TRUE;
}

static void
apply_reserve_acd (FdRouter           *self,
                   RouterConversation *conv,
                   gint64              agent_id,
                   gint64              now,
                   GArray             *out)
{
  RouterStream *stream = router_conv_stream (self, conv);
  RouterOrg *org = g_hash_table_lookup (self->organizations, &stream->organization_id);
  RouterAgent *agent = router_ensure_agent (self, agent_id);
  FdRoutingDecision d = { 0 };

  router_agent_set_idle (agent, now);
  if (org == NULL || org->reserve_acd == FD_RESERVE_ACD_KEEP)
    return;

  d.kind = FD_ROUTING_ACD;
  d.conversation_id = conv->id;
  d.agent_id = agent_id;
  if (org->reserve_acd == FD_RESERVE_ACD_UNAVAILABLE)
    {
      d.acd_state = FD_ACD_UNAVAILABLE;
      d.acd_reason = RESERVE_UNAVAILABLE_REASON;
    }
  else
    {
      d.acd_state = FD_ACD_WRAP_UP;
    }
  if (agent->acd_state == d.acd_state)
    return;

  g_array_append_val (out, d);
  router_apply_acd (self, agent, d.acd_state, now, out);
}

gboolean
fd_router_reserve (FdRouter  *self,
                   gint64     conversation_id,
                   gint64     agent_id,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RouterConversation *conv;
  int index;
  gint64 previous = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = router_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = router_find_offer (self, conv, agent_id);
  if (conv->reserved_by != 0 && (conv->transfer_from == 0 || index < 0))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED,
                   "Another agent has already reserved this conversation.");
      return FALSE;
    }
  if (index < 0)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED,
                   "This conversation is not offered to you (any more).");
      return FALSE;
    }

  if (conv->transfer_from != 0)
    previous = conv->transfer_from;
  router_conv_remove_offer (self, conv, (guint) index);
  conv->reserved_by = agent_id;
  conv->transfer_from = 0;
  conv->phase_ends_at = 0;
  router_conv_update_deadline (self, conv);
  g_clear_pointer (&conv->tried, g_hash_table_unref);
  g_clear_pointer (&conv->rejected, g_hash_table_unref);

  router_emit (out, FD_ROUTING_RESERVED, conv->id, agent_id);
  router_withdraw_all (self, conv, FD_WITHDRAW_RESERVED_BY_OTHER, out);

  /* Handing a conversation over makes the transferring agent idle again. */
  if (previous != 0)
    router_agent_set_idle (router_ensure_agent (self, previous), now);
  apply_reserve_acd (self, conv, agent_id, now, out);
  return TRUE;
}

gboolean
fd_router_reject (FdRouter  *self,
                  gint64     conversation_id,
                  gint64     agent_id,
                  gint64     now,
                  GArray    *out,
                  GError   **error)
{
  RouterConversation *conv;
  int index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = router_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = router_find_offer (self, conv, agent_id);
  if (index < 0)
    {
      if (conv->reserved_by != 0)
        g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED,
                     "This conversation has already been reserved.");
      else
        g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED,
                     "This conversation is not offered to you (any more).");
      return FALSE;
    }

  router_drop_offer (self, conv, (guint) index, FD_WITHDRAW_REJECTED, now, out);
  return TRUE;
}

void
fd_router_close (FdRouter *self,
                 gint64    conversation_id,
                 gint64    now,
                 GArray   *out)
{
  RouterConversation *conv;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL)
    return;

  router_withdraw_all (self, conv, FD_WITHDRAW_CLOSED, out);
  if (conv->reserved_by != 0)
    router_agent_set_idle (router_ensure_agent (self, conv->reserved_by), now);
  router_forget_conversation (self, conv);
}


/* Withdraws every offer of the conversation (out = NULL: silently). */
void
router_withdraw_all (FdRouter           *self,
                     RouterConversation *conv,
                     FdWithdrawReason    reason,
                     GArray             *out)
{
  for (guint i = conv->first_offer; i < conv->offers->len; i++)
    {
      gint64 agent_id = g_array_index (conv->offers, RouterOffer, i).agent_id;
      RouterAgent *agent;

      if (agent_id == 0)
        continue;
      agent = g_hash_table_lookup (self->agents, &agent_id);
      g_hash_table_remove (agent->offers, conv);
      if (out != NULL)
        router_emit_withdraw (out, conv->id, agent_id, reason);
    }
  g_array_set_size (conv->offers, 0);
  conv->n_offers = 0;
  conv->first_offer = 0;
  conv->offers_sorted = TRUE;
  conv->offers_max_key = 0;
  router_conv_update_deadline (self, conv);
}
