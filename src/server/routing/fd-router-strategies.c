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

static gint64
pick_longest_idle (FdRouter           *self,
                   RouterStream       *stream,
                   RouterPhase        *phase,
                   RouterConversation *conv)
{
  const GArray *candidates = router_phase_candidates (self, stream, phase);
  RouterAgent *best = NULL;

  /* Ties go to the agent listed first. */
  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);
      RouterAgent *agent;

      if (!router_is_candidate_now (self, stream, conv, agent_id))
        continue;
      agent = g_hash_table_lookup (self->agents, &agent_id);
      if (best == NULL || agent->idle_since < best->idle_since)
        best = agent;
    }
  return best != NULL ? best->id : 0;
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
        agent_id = pick_longest_idle (self, stream, phase, conv);
      break;

    default:
      g_assert_not_reached ();
    }

  if (agent_id != 0)
    router_offer_to (self, conv, agent_id, now, out);
}
