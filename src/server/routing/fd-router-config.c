#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Configuration: organizations, media streams with their phases, and
 * queue members, as the store holds them. */

void
fd_router_set_organization (FdRouter     *self,
                            gint64        organization_id,
                            FdReserveAcd  reserve_acd)
{
  RouterOrg *org;

  g_return_if_fail (self != NULL);
  g_return_if_fail (organization_id > 0);
  g_return_if_fail ((int) reserve_acd >= 0 && (int) reserve_acd <= FD_RESERVE_ACD_WRAP_UP);

  org = g_hash_table_lookup (self->organizations, &organization_id);
  if (org == NULL)
    {
      org = g_new0 (RouterOrg, 1);
      org->id = organization_id;
      g_hash_table_insert (self->organizations, &org->id, org);
    }
  org->reserve_acd = reserve_acd;
}

static gint
compare_phase_position (gconstpointer a,
                        gconstpointer b)
{
  const FdPhase *pa = *(const FdPhase *const *) a;
  const FdPhase *pb = *(const FdPhase *const *) b;

  return (pa->position > pb->position) - (pa->position < pb->position);
}

static RouterPhase *
router_phase_new (FdStrategy strategy,
                  gint64     bounce_us,
                  gint64     duration_us)
{
  RouterPhase *phase = g_new0 (RouterPhase, 1);

  phase->strategy = strategy;
  phase->agent_ids = router_id_array_new ();
  phase->bounce_us = bounce_us;
  phase->duration_us = duration_us;
  return phase;
}

gboolean
fd_router_set_stream (FdRouter             *self,
                      gint64                stream_id,
                      gint64                organization_id,
                      gint64                queue_id,
                      FdStreamKind          kind,
                      const FdPhase *const *phases,
                      guint                 n_phases,
                      gint64                now,
                      GArray               *out,
                      GError              **error)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  RouterStream *stream;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream_id > 0, FALSE);
  g_return_val_if_fail (phases != NULL || n_phases == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (queue_id <= 0 || (int) kind < 0 || (int) kind > FD_STREAM_TWITTER)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "The media stream needs a queue and a known kind.");
      return FALSE;
    }

  /* Sort a copy of the pointers: stable, so equal positions keep their order. */
  sorted = g_ptr_array_new ();
  for (guint i = 0; i < n_phases; i++)
    {
      const FdPhase *p = phases[i];

      if (p == NULL || (int) p->strategy < 0 || (int) p->strategy > FD_STRATEGY_LONGEST_IDLE ||
          p->bounce_seconds < 0 || p->duration_seconds < 0)
        {
          g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                       "Routing phase %u is invalid: it needs a known strategy and durations of zero seconds or more.",
                       i + 1);
          return FALSE;
        }
      g_ptr_array_add (sorted, (gpointer) p);
    }
  g_ptr_array_sort (sorted, compare_phase_position);

  copies = g_ptr_array_new_with_free_func (router_phase_free);
  for (guint i = 0; i < sorted->len; i++)
    {
      const FdPhase *p = g_ptr_array_index (sorted, i);
      RouterPhase *phase = router_phase_new (p->strategy,
                                             (gint64) p->bounce_seconds * G_USEC_PER_SEC,
                                             (gint64) p->duration_seconds * G_USEC_PER_SEC);

      for (guint j = 0; p->agent_ids != NULL && j < p->agent_ids->len; j++)
        {
          gint64 agent_id = g_array_index (p->agent_ids, gint64, j);

          if (agent_id > 0 && !router_id_set_contains (phase->agent_set, agent_id))
            {
              g_array_append_val (phase->agent_ids, agent_id);
              router_id_set_add (&phase->agent_set, agent_id);
            }
        }
      g_ptr_array_add (copies, phase);
    }
  if (copies->len == 0)
    g_ptr_array_add (copies, router_phase_new (FD_STRATEGY_RING_ALL, 0, 0));

  stream = g_hash_table_lookup (self->streams, &stream_id);
  if (stream == NULL)
    {
      stream = g_new0 (RouterStream, 1);
      stream->id = stream_id;
      g_queue_init (&stream->convs);
      g_hash_table_insert (self->streams, &stream->id, stream);
    }
  else
    {
      g_ptr_array_unref (stream->phases);
    }
  stream->organization_id = organization_id;
  stream->queue_id = queue_id;
  stream->kind = kind;
  stream->phases = g_steal_pointer (&copies);
  router_ensure_queue (self, queue_id);
  router_idle_index_stream (self, stream);

  /* The old phase indexes and agents mean nothing under the new
   * configuration: start the waiting conversations over. */
  for (GList *l = stream->convs.head; l != NULL; l = l->next)
    {
      RouterConversation *conv = l->data;

      if (conv->reserved_by != 0)
        {
          /* A reserved conversation keeps its phase for a transfer's
           * bounce; one that is gone means the first. */
          if (conv->phase >= stream->phases->len)
            conv->phase = 0;
          continue;
        }
      router_withdraw_all (self, conv, FD_WITHDRAW_RECONFIGURED, out);
      router_start_routing (self, conv, now, out);
    }

  return TRUE;
}

void
fd_router_remove_stream (FdRouter *self,
                         gint64    stream_id,
                         gint64    now,
                         GArray   *out)
{
  RouterStream *stream;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  stream = g_hash_table_lookup (self->streams, &stream_id);
  if (stream == NULL)
    return;

  /* Latest arrival first. */
  while (stream->convs.tail != NULL)
    {
      RouterConversation *conv = stream->convs.tail->data;

      router_withdraw_all (self, conv, FD_WITHDRAW_STREAM_REMOVED, out);
      router_forget_conversation (self, conv);
    }
  g_hash_table_remove (self->streams, &stream_id);
}

void
fd_router_set_queue_members (FdRouter     *self,
                             gint64        queue_id,
                             const gint64 *agent_ids,
                             guint         n_agents,
                             gint64        now,
                             GArray       *out)
{
  RouterQueue *queue;
  g_autoptr(GArray) leaving = router_id_array_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (queue_id > 0);
  g_return_if_fail (agent_ids != NULL || n_agents == 0);
  g_return_if_fail (out != NULL);

  queue = router_ensure_queue (self, queue_id);
  g_array_set_size (queue->members, 0);
  g_hash_table_remove_all (queue->member_set);
  for (guint i = 0; i < n_agents; i++)
    if (agent_ids[i] > 0 && !router_id_set_contains (queue->member_set, agent_ids[i]))
      {
        g_array_append_val (queue->members, agent_ids[i]);
        router_id_set_add (&queue->member_set, agent_ids[i]);
      }
  /* The members' order is the candidates' order of the phases that list
   * nobody: their longest-idle orders start over. */
  router_idle_index_queue (self, queue_id);

  for (guint i = 0; i < queue->joined->len; i++)
    {
      gint64 agent_id = g_array_index (queue->joined, gint64, i);

      if (!router_id_set_contains (queue->member_set, agent_id))
        g_array_append_val (leaving, agent_id);
    }
  for (guint i = 0; i < leaving->len; i++)
    fd_router_leave (self, g_array_index (leaving, gint64, i), queue_id, now, out);
}
