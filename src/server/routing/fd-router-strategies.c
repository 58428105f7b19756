#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Strategies: whom a phase offers a conversation to now (ring-all,
 * circular, longest-idle; callbacks ring everyone). */

void
router_offer_to_agent (FdRouter           *self,
                       RouterConversation *conv,
                       RouterStream       *stream,
                       RouterPhase        *phase,
                       RouterAgent        *agent,
                       gint64              now,
                       GArray             *out)
{
  RouterOffer offer = { 0 };
  FdRoutingDecision d = { 0 };

  offer.agent_id = agent->id;
  if (stream->kind != FD_STREAM_CALLBACK && phase->bounce_us > 0)
    offer.bounce_at = now + phase->bounce_us;
  router_conv_add_offer (self, conv, agent, &offer);

  d.kind = FD_ROUTING_OFFER;
  d.conversation_id = conv->id;
  d.agent_id = agent->id;
  d.bounce_at = offer.bounce_at;
  d.phase = (int) conv->phase;
  g_array_append_val (out, d);
}

void
router_offer_to (FdRouter           *self,
                 RouterConversation *conv,
                 gint64              agent_id,
                 gint64              now,
                 GArray             *out)
{
  router_offer_to_agent (self, conv, router_conv_stream (self, conv), router_conv_phase (self, conv),
                         router_ensure_agent (self, agent_id), now, out);
}

/* Every check is a hash lookup. */
gboolean
router_is_candidate_now (FdRouter           *self,
                         RouterStream       *stream,
                         RouterConversation *conv,
                         gint64              agent_id)
{
  return router_is_eligible (self, stream, agent_id) &&
         !router_id_set_contains (conv->tried, agent_id) &&
         !router_id_set_contains (conv->rejected, agent_id) &&
         !router_conv_has_offer (self, conv, agent_id);
}

static gint64
pick_circular (FdRouter           *self,
               RouterStream       *stream,
               RouterPhase        *phase,
               RouterConversation *conv)
{
  const GArray *candidates = router_phase_candidates (self, stream, phase);
  guint start = 0;

  for (guint i = 0; i < candidates->len; i++)
    if (g_array_index (candidates, gint64, i) == phase->last_agent)
      {
        start = i + 1;
        break;
      }

  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, (start + i) % candidates->len);

      if (router_is_candidate_now (self, stream, conv, agent_id))
        return agent_id;
    }
  return 0;
}

/* The longest-idle orders. Each longest-idle phase (of a stream that is
 * not a callback stream) holds its eligible candidates in the order it
 * offers to them, and each agent knows the phases that hold it, so that
 * an agent's change touches only its own entries. */

static void
idle_insert (RouterPhase *phase,
             RouterAgent *agent,
             guint        position)
{
  fd_router_idle_order_set (phase->idle_order, agent, agent->idle_since, position);
  g_hash_table_add (agent->idle_phases, phase);
}

static void
idle_remove (RouterPhase *phase,
             RouterAgent *agent)
{
  if (fd_router_idle_order_remove (phase->idle_order, agent))
    g_hash_table_remove (agent->idle_phases, phase);
}

void
router_agent_set_idle (RouterAgent *agent,
                       gint64       now)
{
  GHashTableIter iter;
  gpointer phase;

  agent->idle_since = now;
  g_hash_table_iter_init (&iter, agent->idle_phases);
  while (g_hash_table_iter_next (&iter, &phase, NULL))
    fd_router_idle_order_move (((RouterPhase *) phase)->idle_order, agent, now);
}

/* Puts the agent in the phase's order or takes it out, as its eligibility
 * for the queue's conversations says. */
static void
idle_sync_phase (FdRouter    *self,
                 RouterQueue *queue,
                 RouterPhase *phase,
                 RouterAgent *agent)
{
  gpointer position;

  if (phase->idle_order == NULL)
    return;
  position = g_hash_table_lookup (phase->idle_positions, &agent->id);
  if (position != NULL && router_eligible_agent (self, queue, agent->id) == agent)
    idle_insert (phase, agent, GPOINTER_TO_UINT (position) - 1);
  else
    idle_remove (phase, agent);
}

/* After the agent's eligibility changed in the queue (0 = in every queue):
 * the streams are configuration, few; the agents are not looked at. */
void
router_idle_sync_agent (FdRouter    *self,
                        RouterAgent *agent,
                        gint64       queue_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RouterStream *stream = value;
      RouterQueue *queue;

      if (queue_id != 0 && stream->queue_id != queue_id)
        continue;
      queue = router_ensure_queue (self, stream->queue_id);
      for (guint i = 0; i < stream->phases->len; i++)
        idle_sync_phase (self, queue, g_ptr_array_index (stream->phases, i), agent);
    }
}

static void
idle_forget_phase (gpointer item,
                   gpointer phase)
{
  g_hash_table_remove (((RouterAgent *) item)->idle_phases, phase);
}

void
router_idle_unindex_phase (RouterPhase *phase)
{
  if (phase->idle_order == NULL)
    return;
  fd_router_idle_order_foreach (phase->idle_order, idle_forget_phase, phase);
  g_clear_pointer (&phase->idle_order, fd_router_idle_order_free);
  g_clear_pointer (&phase->idle_positions, g_hash_table_unref);
}

/* (Re)builds the phase's order from its candidates: O(n log n), on a
 * configuration change only. */
static void
idle_index_phase (FdRouter     *self,
                  RouterStream *stream,
                  RouterPhase  *phase)
{
  RouterQueue *queue = router_ensure_queue (self, stream->queue_id);
  const GArray *candidates;

  router_idle_unindex_phase (phase);
  if (phase->strategy != FD_STRATEGY_LONGEST_IDLE || stream->kind == FD_STREAM_CALLBACK)
    return;

  phase->idle_order = fd_router_idle_order_new ();
  phase->idle_positions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  candidates = router_phase_candidates (self, stream, phase);
  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);
      RouterAgent *agent;

      /* The candidates have no duplicates (members and phase lists are
       * deduplicated); the first place would win a tie anyway. */
      if (g_hash_table_contains (phase->idle_positions, &agent_id))
        continue;
      g_hash_table_insert (phase->idle_positions, g_memdup2 (&agent_id, sizeof agent_id),
                           GUINT_TO_POINTER (i + 1));
      agent = router_eligible_agent (self, queue, agent_id);
      if (agent != NULL)
        idle_insert (phase, agent, i);
    }
}

void
router_idle_index_stream (FdRouter     *self,
                          RouterStream *stream)
{
  for (guint i = 0; i < stream->phases->len; i++)
    idle_index_phase (self, stream, g_ptr_array_index (stream->phases, i));
}

/* After the queue's members changed: the phases whose candidates are the
 * members (they list nobody) start over; listed phases keep their order
 * (an agent who stops being a member leaves, which takes it out). */
void
router_idle_index_queue (FdRouter *self,
                         gint64    queue_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RouterStream *stream = value;

      if (stream->queue_id != queue_id)
        continue;
      for (guint i = 0; i < stream->phases->len; i++)
        {
          RouterPhase *phase = g_ptr_array_index (stream->phases, i);

          if (phase->agent_ids->len == 0)
            idle_index_phase (self, stream, phase);
        }
    }
}

typedef struct {
  FdRouter           *self;
  RouterConversation *conv;
} IdlePick;

/* Everyone in the order is eligible: skip who bounced or rejected it in
 * this pass, or holds an offer of it. */
static gboolean
idle_skip (gpointer item,
           gpointer user_data)
{
  RouterAgent *agent = item;
  IdlePick *pick = user_data;

  g_assert (agent->acd_state == FD_ACD_AVAILABLE);
  return router_id_set_contains (pick->conv->tried, agent->id) ||
         router_id_set_contains (pick->conv->rejected, agent->id) ||
         g_hash_table_contains (agent->offers, pick->conv);
}

/* The eligible candidate idle longest, ties to the one listed first: the
 * first of the phase's order who may take it. */
static gint64
pick_longest_idle (FdRouter           *self,
                   RouterPhase        *phase,
                   RouterConversation *conv)
{
  IdlePick pick = { self, conv };
  RouterAgent *agent;

  g_assert (phase->idle_order != NULL);
  agent = fd_router_idle_order_find_first (phase->idle_order, idle_skip, &pick, NULL);
  return agent != NULL ? agent->id : 0;
}

/* Makes the offers the current phase calls for now: to every eligible agent
 * not yet offered (ring-all, callbacks), or to the next one when nobody holds
 * an offer (circular, longest-idle). */
void
router_offer_in_phase (FdRouter           *self,
                       RouterConversation *conv,
                       gint64              now,
                       GArray             *out)
{
  RouterStream *stream = router_conv_stream (self, conv);
  RouterPhase *phase = router_conv_phase (self, conv);
  FdStrategy strategy = phase->strategy;
  gint64 agent_id = 0;

  /* A callback waits on every list of its phase, whatever the strategy. */
  if (stream->kind == FD_STREAM_CALLBACK)
    strategy = FD_STRATEGY_RING_ALL;

  switch (strategy)
    {
    case FD_STRATEGY_RING_ALL:
      {
        const GArray *candidates = router_phase_candidates (self, stream, phase);
        RouterQueue *queue = router_ensure_queue (self, stream->queue_id);
        /* Nobody offered, bounced or rejected yet (a new pass): eligible is
         * enough, as the candidates are distinct. */
        gboolean fresh = conv->n_offers == 0 && conv->tried == NULL && conv->rejected == NULL;

        for (guint i = 0; i < candidates->len; i++)
          {
            gint64 id = g_array_index (candidates, gint64, i);
            RouterAgent *agent = router_eligible_agent (self, queue, id);

            if (agent == NULL)
              continue;
            if (fresh || router_is_candidate_now (self, stream, conv, id))
              router_offer_to_agent (self, conv, stream, phase, agent, now, out);
          }
      }
      return;

    case FD_STRATEGY_CIRCULAR:
      if (conv->n_offers == 0)
        agent_id = pick_circular (self, stream, phase, conv);
      if (agent_id != 0)
        phase->last_agent = agent_id;
      break;

    case FD_STRATEGY_LONGEST_IDLE:
      if (conv->n_offers == 0)
        agent_id = pick_longest_idle (self, phase, conv);
      break;

    default:
      g_assert_not_reached ();
    }

  if (agent_id != 0)
    router_offer_to (self, conv, agent_id, now, out);
}
