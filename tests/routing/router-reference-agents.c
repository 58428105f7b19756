#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-agents.c. */

#include "router-reference-private.h"

/* Agents joining and leaving queues, and their ACD state. */

gboolean
ref_router_join (RefRouter  *self,
                gint64     agent_id,
                gint64     queue_id,
                gint64     now,
                GArray    *out,
                GError   **error)
{
  RefRQueue *queue;
  RefRAgent *agent;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !refi_id_array_contains (queue->members, agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER,
                   "The agent is not a member of this queue; an administrator can add them.");
      return FALSE;
    }
  if (refi_id_array_contains (queue->joined, agent_id))
    return TRUE;

  agent = refi_ensure_agent (self, agent_id);
  if (!refi_agent_joined_anywhere (self, agent_id))
    agent->idle_since = now;
  g_array_append_val (queue->joined, agent_id);

  refi_route_queue (self, queue_id, now, out);
  return TRUE;
}

void
ref_router_leave (RefRouter *self,
                 gint64    agent_id,
                 gint64    queue_id,
                 gint64    now,
                 GArray   *out)
{
  RefRQueue *queue;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !refi_id_array_remove (queue->joined, agent_id))
    return;

  refi_withdraw_agent_offers (self, agent_id, queue_id, FD_WITHDRAW_LEFT_QUEUE, now, out);
  /* Re-joining shows the queue afresh, what the agent rejected included. */
  refi_forget_rejections (self, agent_id, queue_id);
}

void
refi_apply_acd (RefRouter    *self,
                  RefRAgent *agent,
                  FdAcdState   state,
                  gint64       now,
                  GArray      *out)
{
  if (agent->acd_state == state)
    return;
  agent->acd_state = state;

  if (state != FD_ACD_AVAILABLE)
    {
      refi_withdraw_agent_offers (self, agent->id, 0, FD_WITHDRAW_UNAVAILABLE, now, out);
      return;
    }

  agent->idle_since = now;
  /* Every unreserved conversation, in arrival order, so that the decisions
   * do not depend on hash table order. */
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);
      RefRQueue *queue = refi_ensure_queue (self, refi_conv_stream (self, conv)->queue_id);

      if (refi_id_array_contains (queue->joined, agent->id))
        refi_route_conversation (self, conv, now, out);
    }
}

void
ref_router_set_acd (RefRouter   *self,
                   gint64      agent_id,
                   FdAcdState  state,
                   gint64      now,
                   GArray     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((int) state >= 0 && (int) state <= FD_ACD_WRAP_UP);
  g_return_if_fail (out != NULL);

  refi_apply_acd (self, refi_ensure_agent (self, agent_id), state, now, out);
}
