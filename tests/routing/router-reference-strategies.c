#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-strategies.c. */

#include "router-reference-private.h"

/* Strategies: whom a phase offers a conversation to now (ring-all,
 * circular, longest-idle; callbacks ring everyone). */

static void
offer_to (RefRouter           *self,
          RefRConversation *conv,
          gint64              agent_id,
          gint64              now,
          GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  RefRPhase *phase = refi_conv_phase (self, conv);
  RefROffer offer = { 0 };
  FdRoutingDecision d = { 0 };

  offer.agent_id = agent_id;
  if (stream->kind != FD_STREAM_CALLBACK && phase->bounce_us > 0)
    offer.bounce_at = now + phase->bounce_us;
  g_array_append_val (conv->offers, offer);

  d.kind = FD_ROUTING_OFFER;
  d.conversation_id = conv->id;
  d.agent_id = agent_id;
  d.bounce_at = offer.bounce_at;
  d.phase = (int) conv->phase;
  g_array_append_val (out, d);
}

static gboolean
is_candidate_now (RefRouter           *self,
                  RefRStream       *stream,
                  RefRConversation *conv,
                  gint64              agent_id)
{
  return refi_is_eligible (self, stream, agent_id) &&
         !refi_id_array_contains (conv->tried, agent_id) &&
         !refi_id_array_contains (conv->rejected, agent_id) &&
         refi_find_offer (conv, agent_id) < 0;
}

static gint64
pick_circular (RefRouter           *self,
               RefRStream       *stream,
               RefRPhase        *phase,
               RefRConversation *conv)
{
  const GArray *candidates = refi_phase_candidates (self, stream, phase);
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

      if (is_candidate_now (self, stream, conv, agent_id))
        return agent_id;
    }
  return 0;
}

static gint64
pick_longest_idle (RefRouter           *self,
                   RefRStream       *stream,
                   RefRPhase        *phase,
                   RefRConversation *conv)
{
  const GArray *candidates = refi_phase_candidates (self, stream, phase);
  RefRAgent *best = NULL;

  /* Ties go to the agent listed first. */
  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);
      RefRAgent *agent;

      if (!is_candidate_now (self, stream, conv, agent_id))
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
refi_offer_in_phase (RefRouter           *self,
                       RefRConversation *conv,
                       gint64              now,
                       GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  RefRPhase *phase = refi_conv_phase (self, conv);
  FdStrategy strategy = phase->strategy;
  gint64 agent_id = 0;

  /* A callback waits on every list of its phase, whatever the strategy. */
  if (stream->kind == FD_STREAM_CALLBACK)
    strategy = FD_STRATEGY_RING_ALL;

  switch (strategy)
    {
    case FD_STRATEGY_RING_ALL:
      {
        const GArray *candidates = refi_phase_candidates (self, stream, phase);

        for (guint i = 0; i < candidates->len; i++)
          {
            gint64 id = g_array_index (candidates, gint64, i);

            if (is_candidate_now (self, stream, conv, id))
              offer_to (self, conv, id, now, out);
          }
      }
      return;

    case FD_STRATEGY_CIRCULAR:
      if (conv->offers->len == 0)
        agent_id = pick_circular (self, stream, phase, conv);
      if (agent_id != 0)
        phase->last_agent = agent_id;
      break;

    case FD_STRATEGY_LONGEST_IDLE:
      if (conv->offers->len == 0)
        agent_id = pick_longest_idle (self, stream, phase, conv);
      break;

    default:
      g_assert_not_reached ();
    }

  if (agent_id != 0)
    offer_to (self, conv, agent_id, now, out);
}
