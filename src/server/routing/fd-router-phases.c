#define G_LOG_DOMAIN "fd-router"

#include "fd-router-private.h"

/* Phases: entering one, moving on to the next phase that has an eligible
 * agent, and routing again after an offer goes (rejected, bounced, the
 * agent left or became unavailable). */

/* Whether the phase has an eligible agent; exclude (may be NULL) lists
 * agents who do not count. */
static gboolean
phase_has_eligible (FdRouter     *self,
                    RouterStream *stream,
                    RouterPhase  *phase,
                    GHashTable   *exclude)
{
  const GArray *candidates = router_phase_candidates (self, stream, phase);

  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);

      if (router_is_eligible (self, stream, agent_id) &&
          !router_id_set_contains (exclude, agent_id))
        return TRUE;
    }
  return FALSE;
}

/* The first phase, from start on and wrapping around, with an eligible
 * agent (a fresh pass, so earlier bounces do not count); -1 if none. With
 * conv, only agents who have not rejected it count: a conversation that
 * only they could take waits for its phase to end. */
int
router_find_phase_from (FdRouter           *self,
                        RouterStream       *stream,
                        guint               start,
                        RouterConversation *conv)
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
router_enter_phase (FdRouter           *self,
                    RouterConversation *conv,
                    guint               index,
                    gboolean            keep_rejected,
                    gint64              now,
                    GArray             *out)
{
  RouterStream *stream = router_conv_stream (self, conv);
  RouterPhase *phase;
  FdRoutingDecision d = { 0 };

  g_assert (conv->n_offers == 0);

  conv->phase = index;
  phase = router_conv_phase (self, conv);
  g_clear_pointer (&conv->tried, g_hash_table_unref);
  if (!keep_rejected)
    g_clear_pointer (&conv->rejected, g_hash_table_unref);
  conv->phase_ends_at = 0;
  /* Callbacks stay in their phase until reserved. */
  if (stream->kind != FD_STREAM_CALLBACK && phase->duration_us > 0)
    conv->phase_ends_at = now + phase->duration_us;
  router_conv_update_deadline (self, conv);

  d.kind = FD_ROUTING_PHASE;
  d.conversation_id = conv->id;
  d.phase = (int) index;
  g_array_append_val (out, d);

  router_offer_in_phase (self, conv, now, out);
}

/* Starts routing from the first phase with an eligible agent, or waits in
 * the first phase when there is none. */
void
router_start_routing (FdRouter           *self,
                      RouterConversation *conv,
                      gint64              now,
                      GArray             *out)
{
  int index = router_find_phase_from (self, router_conv_stream (self, conv), 0, NULL);

  router_enter_phase (self, conv, index >= 0 ? (guint) index : 0, FALSE, now, out);
}

static gboolean
phase_rings_all (RouterStream *stream,
                 RouterPhase  *phase)
{
  return stream->kind == FD_STREAM_CALLBACK || phase->strategy == FD_STRATEGY_RING_ALL;
}

/* When nobody holds an offer of the conversation any more: the next phase
 * that has someone who has not rejected it (the rejections go along: only
 * a phase's end forgets them). When only agents who rejected are left, the
 * conversation waits unoffered until someone else becomes eligible or the
 * phase ends. */
static void
move_on_if_unoffered (FdRouter           *self,
                      RouterConversation *conv,
                      gint64              now,
                      GArray             *out)
{
  RouterStream *stream;
  int index;

  if (conv->n_offers > 0)
    return;

  stream = router_conv_stream (self, conv);
  index = router_find_phase_from (self, stream, (conv->phase + 1) % stream->phases->len, conv);
  if (index >= 0)
    router_enter_phase (self, conv, (guint) index, TRUE, now, out);
}

/* Brings an unreserved conversation up to date after anything changed:
 * offers to newly eligible agents, the next agent, or, when nobody is left
 * in the phase, the next phase (move_on_if_unoffered). */
void
router_route_conversation (FdRouter           *self,
                           RouterConversation *conv,
                           gint64              now,
                           GArray             *out)
{
  if (conv->reserved_by != 0)
    return;

  router_offer_in_phase (self, conv, now, out);
  move_on_if_unoffered (self, conv, now, out);
}

/* The same when only agent_id became eligible (joined, available). A
 * ring-all phase offers to every candidate as soon as it can take the
 * conversation, so every other candidate holds an offer already or cannot
 * take it: only agent_id is looked at, not the whole list. */
void
router_route_conversation_for (FdRouter           *self,
                               RouterConversation *conv,
                               RouterRouteFor     *with,
                               gint64              now,
                               GArray             *out)
{
  RouterStream *stream;
  RouterPhase *phase;
  RouterAgent *agent = with->eligible;

  if (conv->reserved_by != 0)
    return;

  stream = with->stream != NULL && with->stream->id == conv->stream_id
           ? with->stream : router_conv_stream (self, conv);
  g_assert (conv->phase < stream->phases->len);
  phase = g_ptr_array_index (stream->phases, conv->phase);
  if (!phase_rings_all (stream, phase))
    router_offer_in_phase (self, conv, now, out);
  else if (agent != NULL)
    {
      if (with->phase != phase)
        {
          with->stream = stream;
          with->phase = phase;
          with->candidate = router_phase_has_candidate (self, stream, phase, agent->id);
        }
      if (with->candidate &&
          !router_id_set_contains (conv->tried, agent->id) &&
          !router_id_set_contains (conv->rejected, agent->id) &&
          !g_hash_table_contains (agent->offers, conv))
        router_offer_to_agent (self, conv, stream, phase, agent, now, out);
    }
  move_on_if_unoffered (self, conv, now, out);
}

/* Removes one offer because its agent rejected it, it bounced, the agent
 * left or became unavailable, and moves the conversation on. */
void
router_drop_offer (FdRouter           *self,
                   RouterConversation *conv,
                   guint               offer_index,
                   FdWithdrawReason    reason,
                   gint64              now,
                   GArray             *out)
{
  RouterOffer offer = router_conv_remove_offer (self, conv, offer_index);
  RouterStream *stream;

  router_emit_withdraw (out, conv->id, offer.agent_id, reason);

  if (offer.transfer)
    {
      router_return_transfer (self, conv, out);
      return;
    }
  if (reason == FD_WITHDRAW_REJECTED)
    router_id_set_add (&conv->rejected, offer.agent_id);
  else if (reason == FD_WITHDRAW_BOUNCED)
    router_id_set_add (&conv->tried, offer.agent_id);
  if (conv->reserved_by != 0)
    return;
  /* Ring-all: the agent who went cannot take it again now (bounced,
   * rejected, left, unavailable) and every other candidate holds an offer
   * or cannot take it, so there is nobody new to offer it to. */
  stream = router_conv_stream (self, conv);
  g_assert (conv->phase < stream->phases->len);
  if (!phase_rings_all (stream, g_ptr_array_index (stream->phases, conv->phase)))
    router_offer_in_phase (self, conv, now, out);
  move_on_if_unoffered (self, conv, now, out);
}

/* Routes again every unreserved conversation of the queue's streams, in
 * arrival order, for an agent who joined it. */
void
router_route_queue_for (FdRouter *self,
                        gint64    queue_id,
                        gint64    agent_id,
                        gint64    now,
                        GArray   *out)
{
  g_autoptr(GPtrArray) convs = router_collect_conversations (self, queue_id, 0);
  RouterRouteFor with = { 0 };

  /* Routing these conversations changes nobody's eligibility. */
  with.eligible = router_eligible_agent (self, router_ensure_queue (self, queue_id), agent_id);
  for (guint i = 0; i < convs->len; i++)
    router_route_conversation_for (self, convs->pdata[i], &with, now, out);
}

/* Withdraws the agent's phase offers matching the filter (queue_id = 0 for
 * every queue) and moves those conversations on, in arrival order. Only
 * the agent's own offers are looked at. Transfer offers are kept unless the
 * agent leaves the queue. */
void
router_withdraw_agent_offers (FdRouter         *self,
                              gint64            agent_id,
                              gint64            queue_id,
                              FdWithdrawReason  reason,
                              gint64            now,
                              GArray           *out)
{
  RouterAgent *agent = g_hash_table_lookup (self->agents, &agent_id);
  g_autoptr(GPtrArray) convs = NULL;
  GHashTableIter iter;
  gpointer key;

  if (agent == NULL || g_hash_table_size (agent->offers) == 0)
    return;

  convs = g_ptr_array_sized_new (g_hash_table_size (agent->offers));
  g_hash_table_iter_init (&iter, agent->offers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (queue_id == 0 || router_conv_stream (self, key)->queue_id == queue_id)
      g_ptr_array_add (convs, key);
  g_ptr_array_sort (convs, router_compare_arrival);

  for (guint i = 0; i < convs->len; i++)
    {
      RouterConversation *conv = convs->pdata[i];
      int index = router_find_offer (self, conv, agent_id);

      if (index < 0)
        continue;
      if (g_array_index (conv->offers, RouterOffer, index).transfer &&
          reason != FD_WITHDRAW_LEFT_QUEUE)
        continue;
      router_drop_offer (self, conv, (guint) index, reason, now, out);
    }
}

/* Forgets the agent's rejections of the queue's conversations (queue_id =
 * 0 for every queue): leaving and re-joining shows the queue afresh. */
void
router_forget_rejections (FdRouter *self,
                          gint64    agent_id,
                          gint64    queue_id)
{
  for (GList *l = self->arrivals.head; l != NULL; l = l->next)
    {
      RouterConversation *conv = l->data;

      if (conv->rejected != NULL &&
          (queue_id == 0 || router_conv_stream (self, conv)->queue_id == queue_id))
        router_id_set_remove (conv->rejected, agent_id);
    }
}
