#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-transfer.c. */

#include "router-reference-private.h"

/* Transfer: an agent offers a reserved conversation to a colleague, and
 * keeps it when the offer goes unanswered. */

/* A transfer offer went away unanswered: the transferring agent keeps it. */
void
refi_return_transfer (RefRouter           *self,
                        RefRConversation *conv,
                        GArray             *out)
{
  g_assert (conv->reserved_by != 0);
  conv->transfer_from = 0;
  refi_emit (out, FD_ROUTING_RESERVED, conv->id, conv->reserved_by);
}

gboolean
ref_router_transfer (RefRouter  *self,
                    gint64     conversation_id,
                    gint64     from_agent_id,
                    gint64     to_agent_id,
                    gint64     now,
                    GArray    *out,
                    GError   **error)
{
  RefRConversation *conv;
  RefRStream *stream;
  RefRQueue *queue;
  RefRPhase *phase;
  RefROffer offer = { 0 };
  FdRoutingDecision d = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  if (conv->reserved_by == 0 || conv->reserved_by != from_agent_id)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_RESERVED_BY_AGENT,
                   "Only the agent who reserved a conversation can transfer it.");
      return FALSE;
    }
  if (conv->transfer_from != 0)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "This conversation is already being transferred; wait for the colleague's answer.");
      return FALSE;
    }
  if (to_agent_id == from_agent_id)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "Choose a colleague to transfer the conversation to.");
      return FALSE;
    }

  stream = refi_conv_stream (self, conv);
  queue = refi_ensure_queue (self, stream->queue_id);
  if (!refi_id_array_contains (queue->joined, to_agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_JOINED,
                   "The colleague is not joined to this conversation's queue; choose someone who is.");
      return FALSE;
    }

  phase = refi_conv_phase (self, conv);
  offer.agent_id = to_agent_id;
  offer.transfer = TRUE;
  if (stream->kind != FD_STREAM_CALLBACK && phase->bounce_us > 0)
    offer.bounce_at = now + phase->bounce_us;
  g_array_append_val (conv->offers, offer);
  conv->transfer_from = from_agent_id;

  d.kind = FD_ROUTING_OFFER;
  d.conversation_id = conv->id;
  d.agent_id = to_agent_id;
  d.bounce_at = offer.bounce_at;
  d.phase = (int) conv->phase;
  g_array_append_val (out, d);
  return TRUE;
}
