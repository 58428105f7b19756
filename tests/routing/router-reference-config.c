#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-config.c. */

#include "router-reference-private.h"

/* Configuration: organizations, media streams with their phases, and
 * queue members, as the store holds them. */

void
ref_router_set_organization (RefRouter     *self,
                            gint64        organization_id,
                            FdReserveAcd  reserve_acd)
{
  RefROrg *org;

  g_return_if_fail (self != NULL);
  g_return_if_fail (organization_id > 0);
  g_return_if_fail ((int) reserve_acd >= 0 && (int) reserve_acd <= FD_RESERVE_ACD_WRAP_UP);

  org = g_hash_table_lookup (self->organizations, &organization_id);
  if (org == NULL)
    {
      org = g_new0 (RefROrg, 1);
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

static RefRPhase *
refi_phase_new (FdStrategy strategy,
                  gint64     bounce_us,
                  gint64     duration_us)
{
  RefRPhase *phase = g_new0 (RefRPhase, 1);

  phase->strategy = strategy;
  phase->agent_ids = refi_id_array_new ();
  phase->bounce_us = bounce_us;
  phase->duration_us = duration_us;
  return phase;
}

gboolean
ref_router_set_stream (RefRouter             *self,
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
  RefRStream *stream;

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

  copies = g_ptr_array_new_with_free_func (refi_phase_free);
  for (guint i = 0; i < sorted->len; i++)
    {
      const FdPhase *p = g_ptr_array_index (sorted, i);
      RefRPhase *phase = refi_phase_new (p->strategy,
                                             (gint64) p->bounce_seconds * G_USEC_PER_SEC,
                                             (gint64) p->duration_seconds * G_USEC_PER_SEC);

      for (guint j = 0; p->agent_ids != NULL && j < p->agent_ids->len; j++)
        {
          gint64 agent_id = g_array_index (p->agent_ids, gint64, j);

          if (agent_id > 0)
            refi_id_array_add_unique (phase->agent_ids, agent_id);
        }
      g_ptr_array_add (copies, phase);
    }
  if (copies->len == 0)
    g_ptr_array_add (copies, refi_phase_new (FD_STRATEGY_RING_ALL, 0, 0));

  stream = g_hash_table_lookup (self->streams, &stream_id);
  if (stream == NULL)
    {
      stream = g_new0 (RefRStream, 1);
      stream->id = stream_id;
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
  refi_ensure_queue (self, queue_id);

  /* The old phase indexes and agents mean nothing under the new
   * configuration: start the waiting conversations over. */
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (conv->stream_id != stream_id || conv->reserved_by != 0)
        {
          /* A reserved conversation keeps its phase for a transfer's
           * bounce; one that is gone means the first. */
          if (conv->stream_id == stream_id && conv->phase >= stream->phases->len)
            conv->phase = 0;
          continue;
        }
      refi_withdraw_all (conv, FD_WITHDRAW_RECONFIGURED, out);
      refi_start_routing (self, conv, now, out);
    }

  return TRUE;
}

void
ref_router_remove_stream (RefRouter *self,
                         gint64    stream_id,
                         gint64    now,
                         GArray   *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  if (!g_hash_table_contains (self->streams, &stream_id))
    return;

  for (guint i = self->arrivals->len; i > 0; i--)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i - 1);

      if (conv->stream_id == stream_id)
        {
          refi_withdraw_all (conv, FD_WITHDRAW_STREAM_REMOVED, out);
          refi_forget_conversation (self, conv);
        }
    }
  g_hash_table_remove (self->streams, &stream_id);
}

void
ref_router_set_queue_members (RefRouter     *self,
                             gint64        queue_id,
                             const gint64 *agent_ids,
                             guint         n_agents,
                             gint64        now,
                             GArray       *out)
{
  RefRQueue *queue;
  g_autoptr(GArray) leaving = refi_id_array_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (queue_id > 0);
  g_return_if_fail (agent_ids != NULL || n_agents == 0);
  g_return_if_fail (out != NULL);

  queue = refi_ensure_queue (self, queue_id);
  g_array_set_size (queue->members, 0);
  for (guint i = 0; i < n_agents; i++)
    if (agent_ids[i] > 0)
      refi_id_array_add_unique (queue->members, agent_ids[i]);

  for (guint i = 0; i < queue->joined->len; i++)
    {
      gint64 agent_id = g_array_index (queue->joined, gint64, i);

      if (!refi_id_array_contains (queue->members, agent_id))
        g_array_append_val (leaving, agent_id);
    }
  for (guint i = 0; i < leaving->len; i++)
    ref_router_leave (self, g_array_index (leaving, gint64, i), queue_id, now, out);
}
