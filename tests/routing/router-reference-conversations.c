#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-conversations.c. */

#include "router-reference-private.h"

/* Conversations: arrival, restore after a restart, reserve (with the
 * organization's reserve ACD setting), reject and close. */

static RefRConversation *
insert_conversation (RefRouter  *self,
                     gint64     conversation_id,
                     gint64     stream_id,
                     GError   **error)
{
  RefRConversation *conv;

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

  conv = g_new0 (RefRConversation, 1);
  conv->id = conversation_id;
  conv->stream_id = stream_id;
  conv->offers = g_array_new (FALSE, FALSE, sizeof (RefROffer));
  conv->tried = refi_id_array_new ();
  conv->rejected = refi_id_array_new ();
  g_ptr_array_add (self->arrivals, conv);
  g_hash_table_insert (self->conversations, &conv->id, conv);
  return conv;
}

gboolean
ref_router_add (RefRouter  *self,
               gint64     conversation_id,
               gint64     stream_id,
               gint64     now,
               GArray    *out,
               GError   **error)
{
  RefRConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (refi_ensure_queue (self, refi_conv_stream (self, conv)->queue_id)->joined->len == 0)
    {
      refi_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      refi_forget_conversation (self, conv);
      return TRUE;
    }

  refi_start_routing (self, conv, now, out);
  return TRUE;
}

gboolean
ref_router_restore (RefRouter  *self,
                   gint64     conversation_id,
                   gint64     stream_id,
                   gint64     reserved_by,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RefRConversation *conv;

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
    refi_start_routing (self, conv, now, out);
  return TRUE;
}

static void
apply_reserve_acd (RefRouter           *self,
                   RefRConversation *conv,
                   gint64              agent_id,
                   gint64              now,
                   GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  RefROrg *org = g_hash_table_lookup (self->organizations, &stream->organization_id);
  RefRAgent *agent = refi_ensure_agent (self, agent_id);
  FdRoutingDecision d = { 0 };

  agent->idle_since = now;
  if (org == NULL || org->reserve_acd == FD_RESERVE_ACD_KEEP)
    return;

  d.kind = FD_ROUTING_ACD;
  d.conversation_id = conv->id;
  d.agent_id = agent_id;
  if (org->reserve_acd == FD_RESERVE_ACD_UNAVAILABLE)
    {
      d.acd_state = FD_ACD_UNAVAILABLE;
      d.acd_reason = REF_RESERVE_UNAVAILABLE_REASON;
    }
  else
    {
      d.acd_state = FD_ACD_WRAP_UP;
    }
  if (agent->acd_state == d.acd_state)
    return;

  g_array_append_val (out, d);
  refi_apply_acd (self, agent, d.acd_state, now, out);
}

gboolean
ref_router_reserve (RefRouter  *self,
                   gint64     conversation_id,
                   gint64     agent_id,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RefRConversation *conv;
  int index;
  gint64 previous = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = refi_find_offer (conv, agent_id);
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
  g_array_remove_index (conv->offers, (guint) index);
  conv->reserved_by = agent_id;
  conv->transfer_from = 0;
  conv->phase_ends_at = 0;
  g_array_set_size (conv->tried, 0);
  g_array_set_size (conv->rejected, 0);

  refi_emit (out, FD_ROUTING_RESERVED, conv->id, agent_id);
  refi_withdraw_all (conv, FD_WITHDRAW_RESERVED_BY_OTHER, out);

  /* Handing a conversation over makes the transferring agent idle again. */
  if (previous != 0)
    refi_ensure_agent (self, previous)->idle_since = now;
  apply_reserve_acd (self, conv, agent_id, now, out);
  return TRUE;
}

gboolean
ref_router_reject (RefRouter  *self,
                  gint64     conversation_id,
                  gint64     agent_id,
                  gint64     now,
                  GArray    *out,
                  GError   **error)
{
  RefRConversation *conv;
  int index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = refi_find_offer (conv, agent_id);
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

  refi_drop_offer (self, conv, (guint) index, FD_WITHDRAW_REJECTED, now, out);
  return TRUE;
}

void
ref_router_close (RefRouter *self,
                 gint64    conversation_id,
                 gint64    now,
                 GArray   *out)
{
  RefRConversation *conv;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL)
    return;

  refi_withdraw_all (conv, FD_WITHDRAW_CLOSED, out);
  if (conv->reserved_by != 0)
    refi_ensure_agent (self, conv->reserved_by)->idle_since = now;
  refi_forget_conversation (self, conv);
}


void
refi_withdraw_all (RefRConversation *conv,
                     FdWithdrawReason    reason,
                     GArray             *out)
{
  for (guint i = 0; i < conv->offers->len; i++)
    refi_emit_withdraw (out, conv->id, g_array_index (conv->offers, RefROffer, i).agent_id, reason);
  g_array_set_size (conv->offers, 0);
}
