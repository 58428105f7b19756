#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Agents joining and leaving queues, and their ACD state. */

gboolean
fd_router_join (FdRouter  *self,
                gint64     agent_id,
                gint64     queue_id,
                gint64     now,
                GArray    *out,
                GError   **error)
{
  RouterQueue *queue;
  RouterAgent *agent;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !router_id_set_contains (queue->member_set, agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER,
                   "The agent is not a member of this queue; an administrator can add them.");
      return FALSE;
    }
  if (router_id_set_contains (queue->joined_set, agent_id))
    return TRUE;

  agent = router_ensure_agent (self, agent_id);
  if (!router_agent_joined_anywhere (self, agent_id))
    router_agent_set_idle (agent, now);
  g_array_append_val (queue->joined, agent_id);
  router_id_set_add (&queue->joined_set, agent_id);
  agent->n_joined++;
  router_idle_sync_agent (self, agent, queue_id);

  /* Only this agent became eligible: the queue's conversations are offered
   * to it, nobody else is looked at again. */
  router_route_queue_for (self, queue_id, agent_id, now, out);
  return TRUE;
}

void
fd_router_leave (FdRouter *self,
                 gint64    agent_id,
                 gint64    queue_id,
                 gint64    now,
                 GArray   *out)
{
  RouterQueue *queue;
  RouterAgent *agent;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !router_id_set_remove (queue->joined_set, agent_id))
    return;
  router_id_array_remove (queue->joined, agent_id);
  agent = router_ensure_agent (self, agent_id);
  agent->n_joined--;
  router_idle_sync_agent (self, agent, queue_id);

  router_withdraw_agent_offers (self, agent_id, queue_id, FD_WITHDRAW_LEFT_QUEUE, now, out);
  /* Re-joining shows the queue afresh, what the agent rejected included. */
  router_forget_rejections (self, agent_id, queue_id);
}

void
router_apply_acd (FdRouter    *self,
                  RouterAgent *agent,
                  FdAcdState   state,
                  gint64       now,
                  GArray      *out)
{
  g_autoptr(GPtrArray) convs = NULL;
  RouterRouteFor with = { 0 };

  if (agent->acd_state == state)
    return;
  agent->acd_state = state;

  if (state != FD_ACD_AVAILABLE)
    {
      router_idle_sync_agent (self, agent, 0);
      router_withdraw_agent_offers (self, agent->id, 0, FD_WITHDRAW_UNAVAILABLE, now, out);
      return;
    }

  router_agent_set_idle (agent, now);
  if (agent->n_joined == 0)
    return;
  router_idle_sync_agent (self, agent, 0);
  /* The conversations of the queues the agent is joined to, in arrival
   * order, so that the decisions do not depend on hash table order; only
   * this agent changed, so only it is looked at. */
  convs = router_collect_conversations (self, 0, agent->id);
  /* Joined to each of their queues and available: eligible in all. */
  with.eligible = agent;
  for (guint i = 0; i < convs->len; i++)
    router_route_conversation_for (self, convs->pdata[i], &with, now, out);
}

void
fd_router_set_acd (FdRouter   *self,
                   gint64      agent_id,
                   FdAcdState  state,
                   gint64      now,
                   GArray     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((int) state >= 0 && (int) state <= FD_ACD_WRAP_UP);
  g_return_if_fail (out != NULL);

  router_apply_acd (self, router_ensure_agent (self, agent_id), state, now, out);
}
