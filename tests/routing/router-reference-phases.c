#define G_LOG_DOMAIN "router-reference"

/* Reference engine (router-reference.c); mirrors fd-router-phases.c. */

#include "router-reference-private.h"

/* Phases: entering one, moving on to the next phase that has an eligible
 * agent, and routing again after an offer goes (rejected, bounced, the
 * agent left or became unavailable). */

/* Whether the phase has an eligible agent; exclude (may be NULL) lists
 * agents who do not count. */
static gboolean
phase_has_eligible (RefRouter     *self,
                    RefRStream *stream,
                    RefRPhase  *phase,
                    const GArray *exclude)
{
  const GArray *candidates = refi_phase_candidates (self, stream, phase);

  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);

      if (refi_is_eligible (self, stream, agent_id) &&
          (exclude == NULL || !refi_id_array_contains (exclude, agent_id)))
        return TRUE;
    }
  return FALSE;
}

/* The first phase, from start on and wrapping around, with an eligible
 * agent (a fresh pass, so earlier bounces do not count); -1 if none. With
 * conv, only agents who have not rejected it count: a conversation that
 * only they could take waits for its phase to end. */
int
refi_find_phase_from (RefRouter           *self,
                        RefRStream       *stream,
                        guint               start,
                        RefRConversation *conv)
{
  guint n = stream->phases->len;

  for (guint i = 0; i < n; i++)
    {
      guint index = (start + i) % n;
      if (phase_has_eligible (self, stream, g_ptr_array_index (stream->phases, index),
                              conv != NULL ? conv->rejected : NULL))
        return (int) index;
    }
  return -1;
}

void
refi_enter_phase (RefRouter           *self,
                    RefRConversation *conv,
                    guint               index,
                    gboolean            keep_rejected,
                    gint64              now,
                    GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  RefRPhase *phase;
  FdRoutingDecision d = { 0 };

  g_assert (conv->offers->len == 0);

  conv->phase = index;
  phase = refi_conv_phase (self, conv);
  g_array_set_size (conv->tried, 0);
  if (!keep_rejected)
    g_array_set_size (conv->rejected, 0);
  conv->phase_ends_at = 0;
  /* Callbacks stay in their phase until reserved. */
  if (stream->kind != FD_STREAM_CALLBACK && phase->duration_us > 0)
    conv->phase_ends_at = now + phase->duration_us;

  d.kind = FD_ROUTING_PHASE;
  d.conversation_id = conv->id;
  d.phase = (int) index;
  g_array_append_val (out, d);

  refi_offer_in_phase (self, conv, now, out);
}

/* Starts routing from the first phase with an eligible agent, or waits in
 * the first phase when there is none. */
void
refi_start_routing (RefRouter           *self,
                      RefRConversation *conv,
                      gint64              now,
                      GArray             *out)
{
  int index = refi_find_phase_from (self, refi_conv_stream (self, conv), 0, NULL);

  refi_enter_phase (self, conv, index >= 0 ? (guint) index : 0, FALSE, now, out);
}

/* Brings an unreserved conversation up to date after anything changed:
 * offers to newly eligible agents, the next agent, or, when nobody is left
 * in the phase, the next phase that has someone who has not rejected it
 * (the rejections go along: only a phase's end forgets them). When only
 * agents who rejected are left, the conversation waits unoffered until
 * someone else becomes eligible or the phase ends. */
void
refi_route_conversation (RefRouter           *self,
                           RefRConversation *conv,
                           gint64              now,
                           GArray             *out)
{
  RefRStream *stream;
  int index;

  if (conv->reserved_by != 0)
    return;

  refi_offer_in_phase (self, conv, now, out);
  if (conv->offers->len > 0)
    return;

  stream = refi_conv_stream (self, conv);
  index = refi_find_phase_from (self, stream, (conv->phase + 1) % stream->phases->len, conv);
  if (index >= 0)
    refi_enter_phase (self, conv, (guint) index, TRUE, now, out);
}

/* Removes one offer because its agent rejected it, it bounced, the agent
 * left or became unavailable, and moves the conversation on. */
void
refi_drop_offer (RefRouter           *self,
                   RefRConversation *conv,
                   guint               offer_index,
                   FdWithdrawReason    reason,
                   gint64              now,
                   GArray             *out)
{
  RefROffer offer = g_array_index (conv->offers, RefROffer, offer_index);

  g_array_remove_index (conv->offers, offer_index);
  refi_emit_withdraw (out, conv->id, offer.agent_id, reason);

  if (offer.transfer)
    {
      refi_return_transfer (self, conv, out);
      return;
    }
  if (reason == FD_WITHDRAW_REJECTED)
    refi_id_array_add_unique (conv->rejected, offer.agent_id);
  else if (reason == FD_WITHDRAW_BOUNCED)
    refi_id_array_add_unique (conv->tried, offer.agent_id);
  refi_route_conversation (self, conv, now, out);
}

/* Routes again every unreserved conversation of the queue's streams, in
 * arrival order. */
void
refi_route_queue (RefRouter *self,
                    gint64    queue_id,
                    gint64    now,
                    GArray   *out)
{
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (refi_conv_stream (self, conv)->queue_id == queue_id)
        refi_route_conversation (self, conv, now, out);
    }
}

/* Withdraws the agent's phase offers matching the filter (queue_id = 0 for
 * every queue) and moves those conversations on. Transfer offers are kept
 * unless the agent leaves the queue. */
void
refi_withdraw_agent_offers (RefRouter         *self,
                              gint64            agent_id,
                              gint64            queue_id,
                              FdWithdrawReason  reason,
                              gint64            now,
                              GArray           *out)
{
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);
      int index;

      if (queue_id != 0 && refi_conv_stream (self, conv)->queue_id != queue_id)
        continue;
      index = refi_find_offer (conv, agent_id);
      if (index < 0)
        continue;
      if (g_array_index (conv->offers, RefROffer, index).transfer &&
          reason != FD_WITHDRAW_LEFT_QUEUE)
        continue;
      refi_drop_offer (self, conv, (guint) index, reason, now, out);
    }
}

/* Forgets the agent's rejections of the queue's conversations (queue_id =
 * 0 for every queue): leaving and re-joining shows the queue afresh. */
void
refi_forget_rejections (RefRouter *self,
                          gint64    agent_id,
                          gint64    queue_id)
{
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (queue_id == 0 || refi_conv_stream (self, conv)->queue_id == queue_id)
        refi_id_array_remove (conv->rejected, agent_id);
    }
}
