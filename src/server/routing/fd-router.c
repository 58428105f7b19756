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

/* Id sets. */

GHashTable *
router_id_set_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

gboolean
router_id_set_contains (GHashTable *set,
                        gint64      id)
{
  return set != NULL && g_hash_table_contains (set, &id);
}

void
router_id_set_add (GHashTable **set,
                   gint64       id)
{
  if (*set == NULL)
    *set = router_id_set_new ();
  if (!g_hash_table_contains (*set, &id))
    g_hash_table_add (*set, g_memdup2 (&id, sizeof id));
}

gboolean
router_id_set_remove (GHashTable *set,
                      gint64      id)
{
  return set != NULL && g_hash_table_remove (set, &id);
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

  router_idle_unindex_phase (phase);
  g_array_unref (phase->agent_ids);
  g_clear_pointer (&phase->agent_set, g_hash_table_unref);
  g_free (phase);
}

static void
router_stream_free (gpointer data)
{
  RouterStream *stream = data;

  g_ptr_array_unref (stream->phases);
  /* Its conversations went first (fd_router_free, remove_stream). */
  g_queue_clear (&stream->convs);
  g_free (stream);
}

static void
router_queue_free (gpointer data)
{
  RouterQueue *queue = data;

  g_array_unref (queue->members);
  g_hash_table_unref (queue->member_set);
  g_array_unref (queue->joined);
  g_hash_table_unref (queue->joined_set);
  g_free (queue);
}

static void
router_conversation_free (gpointer data)
{
  RouterConversation *conv = data;

  g_array_unref (conv->offers);
  g_clear_pointer (&conv->tried, g_hash_table_unref);
  g_clear_pointer (&conv->rejected, g_hash_table_unref);
  g_free (conv);
}

static void
router_agent_free (gpointer data)
{
  RouterAgent *agent = data;

  g_clear_pointer (&agent->offers, g_hash_table_unref);
  g_clear_pointer (&agent->idle_phases, g_hash_table_unref);
  g_free (agent);
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
      queue->member_set = router_id_set_new ();
      queue->joined = router_id_array_new ();
      queue->joined_set = router_id_set_new ();
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
      agent->offers = g_hash_table_new (NULL, NULL);
      agent->idle_phases = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->agents, &agent->id, agent);
    }
  return agent;
}

gboolean
router_agent_joined_anywhere (FdRouter *self,
                              gint64    agent_id)
{
  RouterAgent *agent = g_hash_table_lookup (self->agents, &agent_id);

  return agent != NULL && agent->n_joined > 0;
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

/* The agent if eligible for a new offer of the queue's conversations
 * (joined to it and available), NULL otherwise. */
RouterAgent *
router_eligible_agent (FdRouter    *self,
                       RouterQueue *queue,
                       gint64       agent_id)
{
  RouterAgent *agent;

  if (!router_id_set_contains (queue->joined_set, agent_id))
    return NULL;
  agent = g_hash_table_lookup (self->agents, &agent_id);
  return agent != NULL && agent->acd_state == FD_ACD_AVAILABLE ? agent : NULL;
}

gboolean
router_is_eligible (FdRouter     *self,
                    RouterStream *stream,
                    gint64        agent_id)
{
  return router_eligible_agent (self, router_ensure_queue (self, stream->queue_id), agent_id) != NULL;
}

/* The slot of the agent's offer of the conversation, -1 if none: one hash
 * lookup in the agent's offers. */
int
router_find_offer (FdRouter           *self,
                   RouterConversation *conv,
                   gint64              agent_id)
{
  RouterAgent *agent = g_hash_table_lookup (self->agents, &agent_id);
  gpointer slot;

  if (agent == NULL || (slot = g_hash_table_lookup (agent->offers, conv)) == NULL)
    return -1;
  return (int) GPOINTER_TO_UINT (slot) - 1;
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
  RouterStream *stream = router_conv_stream (self, conv);

  router_withdraw_all (self, conv, FD_WITHDRAW_CLOSED, NULL);
  fd_router_heap_remove (&self->deadlines, &conv->deadline);
  g_queue_delete_link (&stream->convs, conv->stream_link);
  g_queue_delete_link (&self->arrivals, conv->arrival_link);
  g_hash_table_remove (self->conversations, &conv->id);
  router_conversation_free (conv);
}

/* The indexes beside the conversations: each offer is also in its agent's
 * set of offers, and each conversation with a deadline is in the timer
 * heap at its earliest one. */

void
router_conv_add_offer (FdRouter           *self,
                       RouterConversation *conv,
                       RouterAgent        *agent,
                       const RouterOffer  *offer)
{
  guint64 key = offer->bounce_at != 0 ? (guint64) offer->bounce_at : G_MAXUINT64;

  g_assert (offer->agent_id > 0 && offer->agent_id == agent->id);
  if (conv->n_offers == 0)
    {
      g_array_set_size (conv->offers, 0);
      conv->first_offer = 0;
      conv->offers_sorted = TRUE;
    }
  else if (key < conv->offers_max_key)
    conv->offers_sorted = FALSE;
  conv->offers_max_key = MAX (conv->offers_max_key, key);
  g_hash_table_insert (agent->offers, conv, GUINT_TO_POINTER (conv->offers->len + 1));
  g_array_append_val (conv->offers, *offer);
  conv->n_offers++;
  /* Only a first offer or a clock gone back moves the deadline. */
  if (conv->n_offers == 1 || !conv->offers_sorted)
    router_conv_update_deadline (self, conv);
}

/* Moves the offers in use to the front once most slots are withdrawn, so
 * that the slots stay proportional to the offers (amortised O(1)). */
static void
compact_offers (FdRouter           *self,
                RouterConversation *conv)
{
  guint to = 0;

  for (guint from = conv->first_offer; from < conv->offers->len; from++)
    {
      RouterOffer *offer = &g_array_index (conv->offers, RouterOffer, from);
      RouterAgent *agent;

      if (offer->agent_id == 0)
        continue;
      agent = g_hash_table_lookup (self->agents, &offer->agent_id);
      g_hash_table_insert (agent->offers, conv, GUINT_TO_POINTER (to + 1));
      g_array_index (conv->offers, RouterOffer, to) = *offer;
      to++;
    }
  g_array_set_size (conv->offers, to);
  conv->first_offer = 0;
}

RouterOffer
router_conv_remove_offer (FdRouter           *self,
                          RouterConversation *conv,
                          guint               index)
{
  RouterOffer offer = g_array_index (conv->offers, RouterOffer, index);
  RouterAgent *agent = g_hash_table_lookup (self->agents, &offer.agent_id);

  g_assert (agent != NULL && offer.agent_id != 0);
  g_array_index (conv->offers, RouterOffer, index).agent_id = 0;
  g_hash_table_remove (agent->offers, conv);
  conv->n_offers--;
  if (conv->n_offers == 0)
    {
      g_array_set_size (conv->offers, 0);
      conv->first_offer = 0;
      conv->offers_sorted = TRUE;
      conv->offers_max_key = 0;
    }
  else
    {
      while (g_array_index (conv->offers, RouterOffer, conv->first_offer).agent_id == 0)
        conv->first_offer++;
      if (conv->offers->len >= 32 && conv->n_offers < (conv->offers->len - conv->first_offer) / 4)
        compact_offers (self, conv);
    }
  router_conv_update_deadline (self, conv);
  return offer;
}

gboolean
router_conv_has_offer (FdRouter           *self,
                       RouterConversation *conv,
                       gint64              agent_id)
{
  RouterAgent *agent = g_hash_table_lookup (self->agents, &agent_id);

  return agent != NULL && g_hash_table_contains (agent->offers, conv);
}

/* The earliest deadline of the conversation and whether it is its phase end
 * (otherwise it is the bounce of offer *offer_index, the first with the
 * earliest bounce). O(1) while the offers are in bounce order, which they
 * are unless the caller's clock went back. */
gint64
router_conv_deadline (RouterConversation *conv,
                      guint              *offer_index,
                      gboolean           *is_phase_end)
{
  gint64 best = conv->phase_ends_at;
  guint n = conv->offers->len;

  *is_phase_end = best != 0;
  *offer_index = 0;
  if (conv->offers_sorted && n > conv->first_offer)
    n = conv->first_offer + 1;
  for (guint i = conv->first_offer; i < n; i++)
    {
      const RouterOffer *offer = &g_array_index (conv->offers, RouterOffer, i);
      gint64 at = offer->bounce_at;

      if (offer->agent_id != 0 && at != 0 && (best == 0 || at < best))
        {
          best = at;
          *offer_index = i;
          *is_phase_end = FALSE;
        }
    }
  return best;
}

void
router_conv_update_deadline (FdRouter           *self,
                             RouterConversation *conv)
{
  guint offer_index;
  gboolean is_phase_end;
  gint64 at = router_conv_deadline (conv, &offer_index, &is_phase_end);

  if (at == 0)
    fd_router_heap_remove (&self->deadlines, &conv->deadline);
  else
    fd_router_heap_set (&self->deadlines, &conv->deadline, at);
}

int
router_compare_arrival (gconstpointer a,
             gconstpointer b)
{
  const RouterConversation *x = *(RouterConversation *const *) a;
  const RouterConversation *y = *(RouterConversation *const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The conversations of the streams of a queue (queue_id != 0) or of every
 * queue the agent is joined to (joined_agent_id != 0), in arrival order:
 * the streams' own lists merged, never a scan of every conversation. */
GPtrArray *
router_collect_conversations (FdRouter *self,
                              gint64    queue_id,
                              gint64    joined_agent_id)
{
  GPtrArray *convs = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint n_streams = 0;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RouterStream *stream = value;

      if (stream->convs.length == 0)
        continue;
      if (queue_id != 0 && stream->queue_id != queue_id)
        continue;
      if (joined_agent_id != 0)
        {
          RouterQueue *queue = g_hash_table_lookup (self->queues, &stream->queue_id);

          if (queue == NULL || !router_id_set_contains (queue->joined_set, joined_agent_id))
            continue;
        }
      for (GList *l = stream->convs.head; l != NULL; l = l->next)
        g_ptr_array_add (convs, l->data);
      n_streams++;
    }
  if (n_streams > 1)
    g_ptr_array_sort (convs, router_compare_arrival);
  return convs;
}

gboolean
router_phase_has_candidate (FdRouter     *self,
                            RouterStream *stream,
                            RouterPhase  *phase,
                            gint64        agent_id)
{
  if (phase->agent_ids->len > 0)
    return router_id_set_contains (phase->agent_set, agent_id);
  return router_id_set_contains (router_ensure_queue (self, stream->queue_id)->member_set, agent_id);
}
/* Construction. */

FdRouter *
fd_router_new (void)
{
  FdRouter *self = g_new0 (FdRouter, 1);

  self->organizations = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, router_stream_free);
  self->queues = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, router_queue_free);
  self->agents = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, router_agent_free);
  self->conversations = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_queue_init (&self->arrivals);
  fd_router_heap_init (&self->deadlines);
  return self;
}

void
fd_router_free (FdRouter *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->conversations);
  fd_router_heap_clear (&self->deadlines);
  g_queue_clear_full (&self->arrivals, router_conversation_free);
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
  g_autoptr(GPtrArray) convs = NULL;
  GHashTableIter iter;
  gpointer key;
  RouterAgent *agent;
  GArray *ids;

  g_return_val_if_fail (self != NULL, NULL);

  ids = router_id_array_new ();
  agent = g_hash_table_lookup (self->agents, &agent_id);
  if (agent == NULL)
    return ids;
  convs = g_ptr_array_sized_new (g_hash_table_size (agent->offers));
  g_hash_table_iter_init (&iter, agent->offers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (convs, key);
  g_ptr_array_sort (convs, router_compare_arrival);
  for (guint i = 0; i < convs->len; i++)
    g_array_append_val (ids, ((RouterConversation *) convs->pdata[i])->id);
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

gboolean
fd_router_is_offered (FdRouter *self,
                      gint64    conversation_id,
                      gint64    agent_id)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  return conv != NULL && router_find_offer (self, conv, agent_id) >= 0;
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
  for (guint i = conv->first_offer; i < conv->offers->len; i++)
    {
      const RouterOffer *offer = &g_array_index (conv->offers, RouterOffer, i);

      if (offer->agent_id != 0 && offer->transfer)
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
  return queue != NULL && router_id_set_contains (queue->joined_set, agent_id);
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
