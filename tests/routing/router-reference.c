#define G_LOG_DOMAIN "router-reference"

/* The routing engine as it was before issue 17 (rescans everything on
 * every event), kept as the reference the property tests compare the
 * event-driven engine with (test-router-property.c). Generated from
 * src/server/routing/ at that time by renaming; do not optimise it: its
 * value is that it is simple and obviously what docs/routing.md says. */

#include "router-reference-private.h"

/* The routing engine: construction, the lookups and small helpers the
 * other parts share, and inspection. The engine does no I/O and takes its
 * clock as an argument (docs/routing.md). */

/* Small helpers. */

gboolean
refi_id_array_contains (const GArray *ids,
                          gint64        id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

gboolean
refi_id_array_remove (GArray *ids,
                        gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        g_array_remove_index (ids, i);
        return TRUE;
      }
  return FALSE;
}

GArray *
refi_id_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

void
refi_id_array_add_unique (GArray *ids,
                            gint64  id)
{
  if (!refi_id_array_contains (ids, id))
    g_array_append_val (ids, id);
}

void
refi_emit (GArray                *out,
             FdRoutingDecisionKind  kind,
             gint64                 conversation_id,
             gint64                 agent_id)
{
  FdRoutingDecision d = { 0 };

  d.kind = kind;
  d.conversation_id = conversation_id;
  d.agent_id = agent_id;
  g_array_append_val (out, d);
}

void
refi_emit_withdraw (GArray           *out,
                      gint64            conversation_id,
                      gint64            agent_id,
                      FdWithdrawReason  reason)
{
  FdRoutingDecision d = { 0 };

  d.kind = FD_ROUTING_WITHDRAW;
  d.conversation_id = conversation_id;
  d.agent_id = agent_id;
  d.reason = reason;
  g_array_append_val (out, d);
}

/* Frees. */

void
refi_phase_free (gpointer data)
{
  RefRPhase *phase = data;

  g_array_unref (phase->agent_ids);
  g_free (phase);
}

static void
refi_stream_free (gpointer data)
{
  RefRStream *stream = data;

  g_ptr_array_unref (stream->phases);
  g_free (stream);
}

static void
refi_queue_free (gpointer data)
{
  RefRQueue *queue = data;

  g_array_unref (queue->members);
  g_array_unref (queue->joined);
  g_free (queue);
}

static void
refi_conversation_free (gpointer data)
{
  RefRConversation *conv = data;

  g_array_unref (conv->offers);
  g_array_unref (conv->tried);
  g_array_unref (conv->rejected);
  g_free (conv);
}

/* Lookups. */

RefRQueue *
refi_ensure_queue (RefRouter *self,
                     gint64    queue_id)
{
  RefRQueue *queue = g_hash_table_lookup (self->queues, &queue_id);

  if (queue == NULL)
    {
      queue = g_new0 (RefRQueue, 1);
      queue->id = queue_id;
      queue->members = refi_id_array_new ();
      queue->joined = refi_id_array_new ();
      g_hash_table_insert (self->queues, &queue->id, queue);
    }
  return queue;
}

RefRAgent *
refi_ensure_agent (RefRouter *self,
                     gint64    agent_id)
{
  RefRAgent *agent = g_hash_table_lookup (self->agents, &agent_id);

  if (agent == NULL)
    {
      agent = g_new0 (RefRAgent, 1);
      agent->id = agent_id;
      agent->acd_state = FD_ACD_AVAILABLE;
      g_hash_table_insert (self->agents, &agent->id, agent);
    }
  return agent;
}

gboolean
refi_agent_joined_anywhere (RefRouter *self,
                              gint64    agent_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (refi_id_array_contains (((RefRQueue *) value)->joined, agent_id))
      return TRUE;
  return FALSE;
}

RefRStream *
refi_conv_stream (RefRouter           *self,
                    RefRConversation *conv)
{
  RefRStream *stream = g_hash_table_lookup (self->streams, &conv->stream_id);

  /* Removing a stream removes its conversations first. */
  g_assert (stream != NULL);
  return stream;
}

RefRPhase *
refi_conv_phase (RefRouter           *self,
                   RefRConversation *conv)
{
  RefRStream *stream = refi_conv_stream (self, conv);

  g_assert (conv->phase < stream->phases->len);
  return g_ptr_array_index (stream->phases, conv->phase);
}

const GArray *
refi_phase_candidates (RefRouter     *self,
                         RefRStream *stream,
                         RefRPhase  *phase)
{
  if (phase->agent_ids->len > 0)
    return phase->agent_ids;
  return refi_ensure_queue (self, stream->queue_id)->members;
}

/* Eligible for a new offer: joined to the stream's queue and available. */
gboolean
refi_is_eligible (RefRouter     *self,
                    RefRStream *stream,
                    gint64        agent_id)
{
  RefRQueue *queue = refi_ensure_queue (self, stream->queue_id);
  RefRAgent *agent;

  if (!refi_id_array_contains (queue->joined, agent_id))
    return FALSE;
  agent = g_hash_table_lookup (self->agents, &agent_id);
  return agent != NULL && agent->acd_state == FD_ACD_AVAILABLE;
}

int
refi_find_offer (RefRConversation *conv,
                   gint64              agent_id)
{
  for (guint i = 0; i < conv->offers->len; i++)
    if (g_array_index (conv->offers, RefROffer, i).agent_id == agent_id)
      return (int) i;
  return -1;
}

RefRConversation *
refi_lookup_conversation (RefRouter  *self,
                            gint64     conversation_id,
                            GError   **error)
{
  RefRConversation *conv = g_hash_table_lookup (self->conversations, &conversation_id);

  if (conv == NULL)
    g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND,
                 "The conversation is not waiting for an agent any more; it may have been closed.");
  return conv;
}

void
refi_forget_conversation (RefRouter           *self,
                            RefRConversation *conv)
{
  g_hash_table_remove (self->conversations, &conv->id);
  g_ptr_array_remove (self->arrivals, conv);
}
/* Construction. */

RefRouter *
ref_router_new (void)
{
  RefRouter *self = g_new0 (RefRouter, 1);

  self->organizations = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, refi_stream_free);
  self->queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, refi_queue_free);
  self->agents = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->conversations = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->arrivals = g_ptr_array_new_with_free_func (refi_conversation_free);
  return self;
}

void
ref_router_free (RefRouter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->conversations);
  g_ptr_array_unref (self->arrivals);
  g_hash_table_unref (self->organizations);
  g_hash_table_unref (self->streams);
  g_hash_table_unref (self->queues);
  g_hash_table_unref (self->agents);
  g_free (self);
}

/* Inspection. */

GArray *
ref_router_dup_offers (RefRouter *self,
                      gint64    agent_id)
{
  GArray *ids;

  g_return_val_if_fail (self != NULL, NULL);

  ids = refi_id_array_new ();
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (refi_find_offer (conv, agent_id) >= 0)
        g_array_append_val (ids, conv->id);
    }
  return ids;
}

gboolean
ref_router_lookup (RefRouter *self,
                  gint64    conversation_id,
                  int      *phase,
                  gint64   *reserved_by)
{
  RefRConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL)
    return FALSE;
  if (phase != NULL)
    *phase = (int) conv->phase;
  if (reserved_by != NULL)
    *reserved_by = conv->reserved_by;
  return TRUE;
}

gint64
ref_router_get_transfer_to (RefRouter *self,
                           gint64    conversation_id)
{
  RefRConversation *conv;

  g_return_val_if_fail (self != NULL, 0);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL || conv->transfer_from == 0)
    return 0;
  for (guint i = 0; i < conv->offers->len; i++)
    {
      const RefROffer *offer = &g_array_index (conv->offers, RefROffer, i);

      if (offer->transfer)
        return offer->agent_id;
    }
  return 0;
}

gboolean
ref_router_is_joined (RefRouter *self,
                     gint64    agent_id,
                     gint64    queue_id)
{
  RefRQueue *queue;

  g_return_val_if_fail (self != NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  return queue != NULL && refi_id_array_contains (queue->joined, agent_id);
}

guint
ref_router_count_joined (RefRouter *self,
                        gint64    queue_id)
{
  RefRQueue *queue;

  g_return_val_if_fail (self != NULL, 0);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  return queue != NULL ? queue->joined->len : 0;
}
