#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

G_DEFINE_QUARK (fd-routing-error-quark, fd_routing_error)

/* The routing engine: construction, the lookups and small helpers the
 * other parts share, and inspection. The engine does no I/O and takes its
 * clock as an argument (docs/routing.md). */

/* Small helpers. */

gboolean
router_id_array_contains (const GArray *ids,
                          gint64        id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

gboolean
router_id_array_remove (GArray *ids,
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
router_id_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

void
router_id_array_add_unique (GArray *ids,
                            gint64  id)
{
  if (!router_id_array_contains (ids, id))
    g_array_append_val (ids, id);
}

void
router_emit (GArray                *out,
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
router_emit_withdraw (GArray           *out,
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
router_phase_free (gpointer data)
{
  RouterPhase *phase = data;

  g_array_unref (phase->agent_ids);
  g_free (phase);
}

static void
router_stream_free (gpointer data)
{
  RouterStream *stream = data;

  g_ptr_array_unref (stream->phases);
  g_free (stream);
}

static void
router_queue_free (gpointer data)
{
  RouterQueue *queue = data;

  g_array_unref (queue->members);
  g_array_unref (queue->joined);
  g_free (queue);
}

static void
router_conversation_free (gpointer data)
{
  RouterConversation *conv = data;

  g_array_unref (conv->offers);
  g_array_unref (conv->tried);
  g_array_unref (conv->rejected);
  g_free (conv);
}

/* Public names of the enums, for logs and the wire. */

const char *
fd_routing_decision_kind_to_string (FdRoutingDecisionKind kind)
{
  switch (kind)
    {
    case FD_ROUTING_OFFER: return "offer";
    case FD_ROUTING_WITHDRAW: return "withdraw";
    case FD_ROUTING_RESERVED: return "reserved";
    case FD_ROUTING_MISSED: return "missed";
    case FD_ROUTING_PHASE: return "phase";
    case FD_ROUTING_ACD: return "acd";
    default: return NULL;
    }
}

GArray *
fd_routing_decisions_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (FdRoutingDecision));
}

/* Lookups. */

RouterQueue *
router_ensure_queue (FdRouter *self,
                     gint64    queue_id)
{
  RouterQueue *queue = g_hash_table_lookup (self->queues, &queue_id);

  if (queue == NULL)
    {
      queue = g_new0 (RouterQueue, 1);
      queue->id = queue_id;
      queue->members = router_id_array_new ();
      queue->joined = router_id_array_new ();
      g_hash_table_insert (self->queues, &queue->id, queue);
    }
  return queue;
}

RouterAgent *
router_ensure_agent (FdRouter *self,
                     gint64    agent_id)
{
  RouterAgent *agent = g_hash_table_lookup (self->agents, &agent_id);

  if (agent == NULL)
    {
      agent = g_new0 (RouterAgent, 1);
      agent->id = agent_id;
      agent->acd_state = FD_ACD_AVAILABLE;
      g_hash_table_insert (self->agents, &agent->id, agent);
    }
  return agent;
}

gboolean
router_agent_joined_anywhere (FdRouter *self,
                              gint64    agent_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (router_id_array_contains (((RouterQueue *) value)->joined, agent_id))
      return TRUE;
  return FALSE;
}

RouterStream *
router_conv_stream (FdRouter           *self,
                    RouterConversation *conv)
{
  RouterStream *stream = g_hash_table_lookup (self->streams, &conv->stream_id);

  /* Removing a stream removes its conversations first. */
  g_assert (stream != NULL);
  return stream;
}

RouterPhase *
router_conv_phase (FdRouter           *self,
                   RouterConversation *conv)
{
  RouterStream *stream = router_conv_stream (self, conv);

  g_assert (conv->phase < stream->phases->len);
  return g_ptr_array_index (stream->phases, conv->phase);
}

const GArray *
router_phase_candidates (FdRouter     *self,
                         RouterStream *stream,
                         RouterPhase  *phase)
{
  if (phase->agent_ids->len > 0)
    return phase->agent_ids;
  return router_ensure_queue (self, stream->queue_id)->members;
}

/* Eligible for a new offer: joined to the stream's queue and available. */
gboolean
router_is_eligible (FdRouter     *self,
                    RouterStream *stream,
                    gint64        agent_id)
{
  RouterQueue *queue = router_ensure_queue (self, stream->queue_id);
  RouterAgent *agent;

  if (!router_id_array_contains (queue->joined, agent_id))
    return FALSE;
  agent = g_hash_table_lookup (self->agents, &agent_id);
  return agent != NULL && agent->acd_state == FD_ACD_AVAILABLE;
}

int
router_find_offer (RouterConversation *conv,
                   gint64              agent_id)
{
  for (guint i = 0; i < conv->offers->len; i++)
    if (g_array_index (conv->offers, RouterOffer, i).agent_id == agent_id)
      return (int) i;
  return -1;
}

RouterConversation *
router_lookup_conversation (FdRouter  *self,
                            gint64     conversation_id,
                            GError   **error)
{
  RouterConversation *conv = g_hash_table_lookup (self->conversations, &conversation_id);

  if (conv == NULL)
    g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND,
                 "The conversation is not waiting for an agent any more; it may have been closed.");
  return conv;
}

void
router_forget_conversation (FdRouter           *self,
                            RouterConversation *conv)
{
  g_hash_table_remove (self->conversations, &conv->id);
  g_ptr_array_remove (self->arrivals, conv);
}
/* Construction. */

FdRouter *
fd_router_new (void)
{
  FdRouter *self = g_new0 (FdRouter, 1);

  self->organizations = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, router_stream_free);
  self->queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, router_queue_free);
  self->agents = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->conversations = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->arrivals = g_ptr_array_new_with_free_func (router_conversation_free);
  return self;
}

void
fd_router_free (FdRouter *self)
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
fd_router_dup_offers (FdRouter *self,
                      gint64    agent_id)
{
  GArray *ids;

  g_return_val_if_fail (self != NULL, NULL);

  ids = router_id_array_new ();
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (router_find_offer (conv, agent_id) >= 0)
        g_array_append_val (ids, conv->id);
    }
  return ids;
}

gboolean
fd_router_lookup (FdRouter *self,
                  gint64    conversation_id,
                  int      *phase,
                  gint64   *reserved_by)
{
  RouterConversation *conv;

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
fd_router_get_transfer_to (FdRouter *self,
                           gint64    conversation_id)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, 0);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL || conv->transfer_from == 0)
    return 0;
  for (guint i = 0; i < conv->offers->len; i++)
    {
      const RouterOffer *offer = &g_array_index (conv->offers, RouterOffer, i);

      if (offer->transfer)
        return offer->agent_id;
    }
  return 0;
}

gboolean
fd_router_is_joined (FdRouter *self,
                     gint64    agent_id,
                     gint64    queue_id)
{
  RouterQueue *queue;

  g_return_val_if_fail (self != NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  return queue != NULL && router_id_array_contains (queue->joined, agent_id);
}

guint
fd_router_count_joined (FdRouter *self,
                        gint64    queue_id)
{
  RouterQueue *queue;

  g_return_val_if_fail (self != NULL, 0);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  return queue != NULL ? queue->joined->len : 0;
}
