#define G_LOG_DOMAIN "fd-router"

#include "fd-router.h"

G_DEFINE_QUARK (fd-routing-error-quark, fd_routing_error)

/* The reason the engine gives an agent made unavailable by a reservation. */
#define RESERVE_UNAVAILABLE_REASON "busy"

typedef struct {
  gint64        id;
  FdReserveAcd  reserve_acd;
} RouterOrg;

typedef struct {
  FdStrategy  strategy;
  GArray     *agent_ids;    /* gint64, no duplicates; empty = queue members */
  gint64      bounce_us;    /* 0 = never */
  gint64      duration_us;  /* 0 = until reserved */
  gint64      last_agent;   /* circular: the agent who got the last offer */
} RouterPhase;

typedef struct {
  gint64        id;
  gint64        organization_id;
  gint64        queue_id;
  FdStreamKind  kind;
  GPtrArray    *phases;     /* RouterPhase*, never empty */
} RouterStream;

typedef struct {
  gint64   id;
  GArray  *members;         /* gint64 in the configured order */
  GArray  *joined;          /* gint64 in join order */
} RouterQueue;

typedef struct {
  gint64      id;
  FdAcdState  acd_state;
  gint64      idle_since;
} RouterAgent;

typedef struct {
  gint64    agent_id;
  gint64    bounce_at;      /* 0 = none */
  gboolean  transfer;       /* offered by a transfer, not by a phase */
} RouterOffer;

typedef struct {
  gint64   id;
  gint64   stream_id;
  guint    phase;
  gint64   phase_ends_at;   /* 0 = none */
  GArray  *offers;          /* RouterOffer in offer order */
  GArray  *tried;           /* gint64: rejected or bounced in this phase pass */
  gint64   reserved_by;     /* 0 = unreserved */
  gint64   transfer_from;   /* while a transfer offer is out */
} RouterConversation;

struct _FdRouter {
  GHashTable  *organizations;  /* &id → RouterOrg* (owned) */
  GHashTable  *streams;        /* &id → RouterStream* (owned) */
  GHashTable  *queues;         /* &id → RouterQueue* (owned) */
  GHashTable  *agents;         /* &id → RouterAgent* (owned) */
  GHashTable  *conversations;  /* &id → RouterConversation* (borrowed) */
  GPtrArray   *arrivals;       /* RouterConversation* in arrival order (owned) */
};

static void route_conversation (FdRouter           *self,
                                RouterConversation *conv,
                                gint64              now,
                                GArray             *out);
static void apply_acd          (FdRouter           *self,
                                RouterAgent        *agent,
                                FdAcdState          state,
                                gint64              now,
                                GArray             *out);

/* Small helpers. */

static gboolean
id_array_contains (const GArray *ids,
                   gint64        id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static gboolean
id_array_remove (GArray *ids,
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

static GArray *
id_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
id_array_add_unique (GArray *ids,
                     gint64  id)
{
  if (!id_array_contains (ids, id))
    g_array_append_val (ids, id);
}

static void
emit (GArray                *out,
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

static void
emit_withdraw (GArray           *out,
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

static void
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

static RouterQueue *
ensure_queue (FdRouter *self,
              gint64    queue_id)
{
  RouterQueue *queue = g_hash_table_lookup (self->queues, &queue_id);

  if (queue == NULL)
    {
      queue = g_new0 (RouterQueue, 1);
      queue->id = queue_id;
      queue->members = id_array_new ();
      queue->joined = id_array_new ();
      g_hash_table_insert (self->queues, &queue->id, queue);
    }
  return queue;
}

static RouterAgent *
ensure_agent (FdRouter *self,
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

static gboolean
agent_joined_anywhere (FdRouter *self,
                       gint64    agent_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (id_array_contains (((RouterQueue *) value)->joined, agent_id))
      return TRUE;
  return FALSE;
}

static RouterStream *
conv_stream (FdRouter           *self,
             RouterConversation *conv)
{
  RouterStream *stream = g_hash_table_lookup (self->streams, &conv->stream_id);

  /* Removing a stream removes its conversations first. */
  g_assert (stream != NULL);
  return stream;
}

static RouterPhase *
conv_phase (FdRouter           *self,
            RouterConversation *conv)
{
  RouterStream *stream = conv_stream (self, conv);

  g_assert (conv->phase < stream->phases->len);
  return g_ptr_array_index (stream->phases, conv->phase);
}

static const GArray *
phase_candidates (FdRouter     *self,
                  RouterStream *stream,
                  RouterPhase  *phase)
{
  if (phase->agent_ids->len > 0)
    return phase->agent_ids;
  return ensure_queue (self, stream->queue_id)->members;
}

/* Eligible for a new offer: joined to the stream's queue and available. */
static gboolean
is_eligible (FdRouter     *self,
             RouterStream *stream,
             gint64        agent_id)
{
  RouterQueue *queue = ensure_queue (self, stream->queue_id);
  RouterAgent *agent;

  if (!id_array_contains (queue->joined, agent_id))
    return FALSE;
  agent = g_hash_table_lookup (self->agents, &agent_id);
  return agent != NULL && agent->acd_state == FD_ACD_AVAILABLE;
}

static int
find_offer (RouterConversation *conv,
            gint64              agent_id)
{
  for (guint i = 0; i < conv->offers->len; i++)
    if (g_array_index (conv->offers, RouterOffer, i).agent_id == agent_id)
      return (int) i;
  return -1;
}

static gboolean
phase_has_eligible (FdRouter     *self,
                    RouterStream *stream,
                    RouterPhase  *phase)
{
  const GArray *candidates = phase_candidates (self, stream, phase);

  for (guint i = 0; i < candidates->len; i++)
    if (is_eligible (self, stream, g_array_index (candidates, gint64, i)))
      return TRUE;
  return FALSE;
}

/* The first phase, from start on and wrapping around, with an eligible
 * agent (a fresh pass, so earlier rejections do not count); -1 if none. */
static int
find_phase_from (FdRouter     *self,
                 RouterStream *stream,
                 guint         start)
{
  guint n = stream->phases->len;

  for (guint i = 0; i < n; i++)
    {
      guint index = (start + i) % n;

      if (phase_has_eligible (self, stream, g_ptr_array_index (stream->phases, index)))
        return (int) index;
    }
  return -1;
}

/* Offers. */

static void
offer_to (FdRouter           *self,
          RouterConversation *conv,
          gint64              agent_id,
          gint64              now,
          GArray             *out)
{
  RouterStream *stream = conv_stream (self, conv);
  RouterPhase *phase = conv_phase (self, conv);
  RouterOffer offer = { 0 };
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
is_candidate_now (FdRouter           *self,
                  RouterStream       *stream,
                  RouterConversation *conv,
                  gint64              agent_id)
{
  return is_eligible (self, stream, agent_id) &&
         !id_array_contains (conv->tried, agent_id) &&
         find_offer (conv, agent_id) < 0;
}

static gint64
pick_circular (FdRouter           *self,
               RouterStream       *stream,
               RouterPhase        *phase,
               RouterConversation *conv)
{
  const GArray *candidates = phase_candidates (self, stream, phase);
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
pick_longest_idle (FdRouter           *self,
                   RouterStream       *stream,
                   RouterPhase        *phase,
                   RouterConversation *conv)
{
  const GArray *candidates = phase_candidates (self, stream, phase);
  RouterAgent *best = NULL;

  /* Ties go to the agent listed first. */
  for (guint i = 0; i < candidates->len; i++)
    {
      gint64 agent_id = g_array_index (candidates, gint64, i);
      RouterAgent *agent;

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
static void
offer_in_phase (FdRouter           *self,
                RouterConversation *conv,
                gint64              now,
                GArray             *out)
{
  RouterStream *stream = conv_stream (self, conv);
  RouterPhase *phase = conv_phase (self, conv);
  FdStrategy strategy = phase->strategy;
  gint64 agent_id = 0;

  /* A callback waits on every list of its phase, whatever the strategy. */
  if (stream->kind == FD_STREAM_CALLBACK)
    strategy = FD_STRATEGY_RING_ALL;

  switch (strategy)
    {
    case FD_STRATEGY_RING_ALL:
      {
        const GArray *candidates = phase_candidates (self, stream, phase);

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

static void
enter_phase (FdRouter           *self,
             RouterConversation *conv,
             guint               index,
             gint64              now,
             GArray             *out)
{
  RouterStream *stream = conv_stream (self, conv);
  RouterPhase *phase;
  FdRoutingDecision d = { 0 };

  g_assert (conv->offers->len == 0);

  conv->phase = index;
  phase = conv_phase (self, conv);
  g_array_set_size (conv->tried, 0);
  conv->phase_ends_at = 0;
  /* Callbacks stay in their phase until reserved. */
  if (stream->kind != FD_STREAM_CALLBACK && phase->duration_us > 0)
    conv->phase_ends_at = now + phase->duration_us;

  d.kind = FD_ROUTING_PHASE;
  d.conversation_id = conv->id;
  d.phase = (int) index;
  g_array_append_val (out, d);

  offer_in_phase (self, conv, now, out);
}

/* Starts routing from the first phase with an eligible agent, or waits in
 * the first phase when there is none. */
static void
start_routing (FdRouter           *self,
               RouterConversation *conv,
               gint64              now,
               GArray             *out)
{
  int index = find_phase_from (self, conv_stream (self, conv), 0);

  enter_phase (self, conv, index >= 0 ? (guint) index : 0, now, out);
}

/* Brings an unreserved conversation up to date after anything changed:
 * offers to newly eligible agents, the next agent, or, when nobody is left
 * in the phase, the next phase that has someone. */
static void
route_conversation (FdRouter           *self,
                    RouterConversation *conv,
                    gint64              now,
                    GArray             *out)
{
  RouterStream *stream;
  int index;

  if (conv->reserved_by != 0)
    return;

  offer_in_phase (self, conv, now, out);
  if (conv->offers->len > 0)
    return;

  stream = conv_stream (self, conv);
  index = find_phase_from (self, stream, (conv->phase + 1) % stream->phases->len);
  if (index >= 0)
    enter_phase (self, conv, (guint) index, now, out);
}

static RouterConversation *
lookup_conversation (FdRouter  *self,
                     gint64     conversation_id,
                     GError   **error)
{
  RouterConversation *conv = g_hash_table_lookup (self->conversations, &conversation_id);

  if (conv == NULL)
    g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND,
                 "The conversation is not waiting for an agent any more; it may have been closed.");
  return conv;
}

static void
forget_conversation (FdRouter           *self,
                     RouterConversation *conv)
{
  g_hash_table_remove (self->conversations, &conv->id);
  g_ptr_array_remove (self->arrivals, conv);
}

static void
withdraw_all (RouterConversation *conv,
              FdWithdrawReason    reason,
              GArray             *out)
{
  for (guint i = 0; i < conv->offers->len; i++)
    emit_withdraw (out, conv->id, g_array_index (conv->offers, RouterOffer, i).agent_id, reason);
  g_array_set_size (conv->offers, 0);
}

/* A transfer offer went away unanswered: the transferring agent keeps it. */
static void
return_transfer (FdRouter           *self,
                 RouterConversation *conv,
                 GArray             *out)
{
  g_assert (conv->reserved_by != 0);
  conv->transfer_from = 0;
  emit (out, FD_ROUTING_RESERVED, conv->id, conv->reserved_by);
}

/* Removes one offer because its agent rejected it, it bounced, the agent
 * left or became unavailable, and moves the conversation on. */
static void
drop_offer (FdRouter           *self,
            RouterConversation *conv,
            guint               offer_index,
            FdWithdrawReason    reason,
            gint64              now,
            GArray             *out)
{
  RouterOffer offer = g_array_index (conv->offers, RouterOffer, offer_index);

  g_array_remove_index (conv->offers, offer_index);
  emit_withdraw (out, conv->id, offer.agent_id, reason);

  if (offer.transfer)
    {
      return_transfer (self, conv, out);
      return;
    }
  if (reason == FD_WITHDRAW_REJECTED || reason == FD_WITHDRAW_BOUNCED)
    id_array_add_unique (conv->tried, offer.agent_id);
  route_conversation (self, conv, now, out);
}

/* Routes again every unreserved conversation of the queue's streams, in
 * arrival order. */
static void
route_queue (FdRouter *self,
             gint64    queue_id,
             gint64    now,
             GArray   *out)
{
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (conv_stream (self, conv)->queue_id == queue_id)
        route_conversation (self, conv, now, out);
    }
}

/* Withdraws the agent's phase offers matching the filter (queue_id = 0 for
 * every queue) and moves those conversations on. Transfer offers are kept
 * unless the agent leaves the queue. */
static void
withdraw_agent_offers (FdRouter         *self,
                       gint64            agent_id,
                       gint64            queue_id,
                       FdWithdrawReason  reason,
                       gint64            now,
                       GArray           *out)
{
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);
      int index;

      if (queue_id != 0 && conv_stream (self, conv)->queue_id != queue_id)
        continue;
      index = find_offer (conv, agent_id);
      if (index < 0)
        continue;
      if (g_array_index (conv->offers, RouterOffer, index).transfer &&
          reason != FD_WITHDRAW_LEFT_QUEUE)
        continue;
      drop_offer (self, conv, (guint) index, reason, now, out);
    }
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

/* Configuration. */

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
  phase->agent_ids = id_array_new ();
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

          if (agent_id > 0)
            id_array_add_unique (phase->agent_ids, agent_id);
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
  ensure_queue (self, queue_id);

  /* The old phase indexes and agents mean nothing under the new
   * configuration: start the waiting conversations over. */
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (conv->stream_id != stream_id || conv->reserved_by != 0)
        continue;
      withdraw_all (conv, FD_WITHDRAW_RECONFIGURED, out);
      start_routing (self, conv, now, out);
    }

  return TRUE;
}

void
fd_router_remove_stream (FdRouter *self,
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
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i - 1);

      if (conv->stream_id == stream_id)
        {
          withdraw_all (conv, FD_WITHDRAW_STREAM_REMOVED, out);
          forget_conversation (self, conv);
        }
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
  g_autoptr(GArray) leaving = id_array_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (queue_id > 0);
  g_return_if_fail (agent_ids != NULL || n_agents == 0);
  g_return_if_fail (out != NULL);

  queue = ensure_queue (self, queue_id);
  g_array_set_size (queue->members, 0);
  for (guint i = 0; i < n_agents; i++)
    if (agent_ids[i] > 0)
      id_array_add_unique (queue->members, agent_ids[i]);

  for (guint i = 0; i < queue->joined->len; i++)
    {
      gint64 agent_id = g_array_index (queue->joined, gint64, i);

      if (!id_array_contains (queue->members, agent_id))
        g_array_append_val (leaving, agent_id);
    }
  for (guint i = 0; i < leaving->len; i++)
    fd_router_leave (self, g_array_index (leaving, gint64, i), queue_id, now, out);
}

/* Agents. */

gboolean
fd_router_join (FdRouter  *self,
                gint64     agent_id,
                gint64     queue_id,
                gint64     now,
                GArray    *out,
                GError   **error)
{
  RouterQueue *queue;
  RouterAgent *agent;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !id_array_contains (queue->members, agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER,
                   "The agent is not a member of this queue; an administrator can add them.");
      return FALSE;
    }
  if (id_array_contains (queue->joined, agent_id))
    return TRUE;

  agent = ensure_agent (self, agent_id);
  if (!agent_joined_anywhere (self, agent_id))
    agent->idle_since = now;
  g_array_append_val (queue->joined, agent_id);

  route_queue (self, queue_id, now, out);
  return TRUE;
}

void
fd_router_leave (FdRouter *self,
                 gint64    agent_id,
                 gint64    queue_id,
                 gint64    now,
                 GArray   *out)
{
  RouterQueue *queue;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !id_array_remove (queue->joined, agent_id))
    return;

  withdraw_agent_offers (self, agent_id, queue_id, FD_WITHDRAW_LEFT_QUEUE, now, out);
}

static void
apply_acd (FdRouter    *self,
           RouterAgent *agent,
           FdAcdState   state,
           gint64       now,
           GArray      *out)
{
  if (agent->acd_state == state)
    return;
  agent->acd_state = state;

  if (state != FD_ACD_AVAILABLE)
    {
      withdraw_agent_offers (self, agent->id, 0, FD_WITHDRAW_UNAVAILABLE, now, out);
      return;
    }

  agent->idle_since = now;
  /* Every unreserved conversation, in arrival order, so that the decisions
   * do not depend on hash table order. */
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);
      RouterQueue *queue = ensure_queue (self, conv_stream (self, conv)->queue_id);

      if (id_array_contains (queue->joined, agent->id))
        route_conversation (self, conv, now, out);
    }
}

void
fd_router_set_acd (FdRouter   *self,
                   gint64      agent_id,
                   FdAcdState  state,
                   gint64      now,
                   GArray     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((int) state >= 0 && (int) state <= FD_ACD_WRAP_UP);
  g_return_if_fail (out != NULL);

  apply_acd (self, ensure_agent (self, agent_id), state, now, out);
}

/* Conversations. */

static RouterConversation *
insert_conversation (FdRouter  *self,
                     gint64     conversation_id,
                     gint64     stream_id,
                     GError   **error)
{
  RouterConversation *conv;

  if (conversation_id <= 0 || g_hash_table_contains (self->conversations, &conversation_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "The conversation is already being routed.");
      return NULL;
    }
  if (!g_hash_table_contains (self->streams, &stream_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND,
                   "The conversation's media stream is not configured for routing.");
      return NULL;
    }

  conv = g_new0 (RouterConversation, 1);
  conv->id = conversation_id;
  conv->stream_id = stream_id;
  conv->offers = g_array_new (FALSE, FALSE, sizeof (RouterOffer));
  conv->tried = id_array_new ();
  g_ptr_array_add (self->arrivals, conv);
  g_hash_table_insert (self->conversations, &conv->id, conv);
  return conv;
}

gboolean
fd_router_add (FdRouter  *self,
               gint64     conversation_id,
               gint64     stream_id,
               gint64     now,
               GArray    *out,
               GError   **error)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (ensure_queue (self, conv_stream (self, conv)->queue_id)->joined->len == 0)
    {
      emit (out, FD_ROUTING_MISSED, conv->id, 0);
      forget_conversation (self, conv);
      return TRUE;
    }

  start_routing (self, conv, now, out);
  return TRUE;
}

gboolean
fd_router_restore (FdRouter  *self,
                   gint64     conversation_id,
                   gint64     stream_id,
                   gint64     reserved_by,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RouterConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reserved_by >= 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (reserved_by != 0)
    conv->reserved_by = reserved_by;
  else
    start_routing (self, conv, now, out);
  return TRUE;
}

static void
apply_reserve_acd (FdRouter           *self,
                   RouterConversation *conv,
                   gint64              agent_id,
                   gint64              now,
                   GArray             *out)
{
  RouterStream *stream = conv_stream (self, conv);
  RouterOrg *org = g_hash_table_lookup (self->organizations, &stream->organization_id);
  RouterAgent *agent = ensure_agent (self, agent_id);
  FdRoutingDecision d = { 0 };

  agent->idle_since = now;
  if (org == NULL || org->reserve_acd == FD_RESERVE_ACD_KEEP)
    return;

  d.kind = FD_ROUTING_ACD;
  d.conversation_id = conv->id;
  d.agent_id = agent_id;
  if (org->reserve_acd == FD_RESERVE_ACD_UNAVAILABLE)
    {
      d.acd_state = FD_ACD_UNAVAILABLE;
      d.acd_reason = RESERVE_UNAVAILABLE_REASON;
    }
  else
    {
      d.acd_state = FD_ACD_WRAP_UP;
    }
  if (agent->acd_state == d.acd_state)
    return;

  g_array_append_val (out, d);
  apply_acd (self, agent, d.acd_state, now, out);
}

gboolean
fd_router_reserve (FdRouter  *self,
                   gint64     conversation_id,
                   gint64     agent_id,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RouterConversation *conv;
  int index;
  gint64 previous = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = find_offer (conv, agent_id);
  if (conv->reserved_by != 0 && (conv->transfer_from == 0 || index < 0))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED,
                   "Another agent has already reserved this conversation.");
      return FALSE;
    }
  if (index < 0)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED,
                   "This conversation is not offered to you (any more).");
      return FALSE;
    }

  if (conv->transfer_from != 0)
    previous = conv->transfer_from;
  g_array_remove_index (conv->offers, (guint) index);
  conv->reserved_by = agent_id;
  conv->transfer_from = 0;
  conv->phase_ends_at = 0;
  g_array_set_size (conv->tried, 0);

  emit (out, FD_ROUTING_RESERVED, conv->id, agent_id);
  withdraw_all (conv, FD_WITHDRAW_RESERVED_BY_OTHER, out);

  /* Handing a conversation over makes the transferring agent idle again. */
  if (previous != 0)
    ensure_agent (self, previous)->idle_since = now;
  apply_reserve_acd (self, conv, agent_id, now, out);
  return TRUE;
}

gboolean
fd_router_reject (FdRouter  *self,
                  gint64     conversation_id,
                  gint64     agent_id,
                  gint64     now,
                  GArray    *out,
                  GError   **error)
{
  RouterConversation *conv;
  int index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = find_offer (conv, agent_id);
  if (index < 0)
    {
      if (conv->reserved_by != 0)
        g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED,
                     "This conversation has already been reserved.");
      else
        g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED,
                     "This conversation is not offered to you (any more).");
      return FALSE;
    }

  drop_offer (self, conv, (guint) index, FD_WITHDRAW_REJECTED, now, out);
  return TRUE;
}

gboolean
fd_router_transfer (FdRouter  *self,
                    gint64     conversation_id,
                    gint64     from_agent_id,
                    gint64     to_agent_id,
                    gint64     now,
                    GArray    *out,
                    GError   **error)
{
  RouterConversation *conv;
  RouterStream *stream;
  RouterQueue *queue;
  RouterPhase *phase;
  RouterOffer offer = { 0 };
  FdRoutingDecision d = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  if (conv->reserved_by == 0 || conv->reserved_by != from_agent_id)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_RESERVED_BY_AGENT,
                   "Only the agent who reserved a conversation can transfer it.");
      return FALSE;
    }
  if (conv->transfer_from != 0)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "This conversation is already being transferred; wait for the colleague's answer.");
      return FALSE;
    }
  if (to_agent_id == from_agent_id)
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID,
                   "Choose a colleague to transfer the conversation to.");
      return FALSE;
    }

  stream = conv_stream (self, conv);
  queue = ensure_queue (self, stream->queue_id);
  if (!id_array_contains (queue->joined, to_agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_JOINED,
                   "The colleague is not joined to this conversation's queue; choose someone who is.");
      return FALSE;
    }

  phase = conv_phase (self, conv);
  offer.agent_id = to_agent_id;
  offer.transfer = TRUE;
  if (stream->kind != FD_STREAM_CALLBACK && phase->bounce_us > 0)
    offer.bounce_at = now + phase->bounce_us;
  g_array_append_val (conv->offers, offer);
  conv->transfer_from = from_agent_id;

  d.kind = FD_ROUTING_OFFER;
  d.conversation_id = conv->id;
  d.agent_id = to_agent_id;
  d.bounce_at = offer.bounce_at;
  d.phase = (int) conv->phase;
  g_array_append_val (out, d);
  return TRUE;
}

void
fd_router_close (FdRouter *self,
                 gint64    conversation_id,
                 gint64    now,
                 GArray   *out)
{
  RouterConversation *conv;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL)
    return;

  withdraw_all (conv, FD_WITHDRAW_CLOSED, out);
  if (conv->reserved_by != 0)
    ensure_agent (self, conv->reserved_by)->idle_since = now;
  forget_conversation (self, conv);
}

/* Timers. */

static void
end_phase (FdRouter           *self,
           RouterConversation *conv,
           gint64              now,
           GArray             *out)
{
  RouterStream *stream = conv_stream (self, conv);
  guint next = conv->phase + 1;
  gboolean wrapped = next == stream->phases->len;
  int index;

  withdraw_all (conv, FD_WITHDRAW_PHASE_ENDED, out);
  conv->phase_ends_at = 0;
  next %= stream->phases->len;

  /* Starting over keeps a customer waiting only while someone could answer. */
  if (wrapped && ensure_queue (self, stream->queue_id)->joined->len == 0)
    {
      emit (out, FD_ROUTING_MISSED, conv->id, 0);
      forget_conversation (self, conv);
      return;
    }

  index = find_phase_from (self, stream, next);
  enter_phase (self, conv, index >= 0 ? (guint) index : next, now, out);
}

/* The earliest deadline of the conversation and whether it is its phase end
 * (otherwise it is the bounce of offer *offer_index). */
static gint64
conversation_deadline (RouterConversation *conv,
                       guint              *offer_index,
                       gboolean           *is_phase_end)
{
  gint64 best = conv->phase_ends_at;

  *is_phase_end = best != 0;
  *offer_index = 0;
  for (guint i = 0; i < conv->offers->len; i++)
    {
      gint64 at = g_array_index (conv->offers, RouterOffer, i).bounce_at;

      if (at != 0 && (best == 0 || at < best))
        {
          best = at;
          *offer_index = i;
          *is_phase_end = FALSE;
        }
    }
  return best;
}

gint64
fd_router_get_next_deadline (FdRouter *self)
{
  gint64 best = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->arrivals->len; i++)
    {
      guint offer_index;
      gboolean is_phase_end;
      gint64 at = conversation_deadline (g_ptr_array_index (self->arrivals, i),
                                         &offer_index, &is_phase_end);

      if (at != 0 && (best == 0 || at < best))
        best = at;
    }
  return best;
}

void
fd_router_tick (FdRouter *self,
                gint64    now,
                GArray   *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  /* One due event at a time, earliest first (ties: arrival order, phase end
   * before bounce), because each may change what the next one does. New
   * deadlines lie after now, so this ends. */
  for (;;)
    {
      RouterConversation *due = NULL;
      gint64 due_at = 0;
      guint due_offer = 0;
      gboolean due_phase_end = FALSE;

      for (guint i = 0; i < self->arrivals->len; i++)
        {
          RouterConversation *conv = g_ptr_array_index (self->arrivals, i);
          guint offer_index;
          gboolean is_phase_end;
          gint64 at = conversation_deadline (conv, &offer_index, &is_phase_end);

          if (at != 0 && at <= now && (due == NULL || at < due_at))
            {
              due = conv;
              due_at = at;
              due_offer = offer_index;
              due_phase_end = is_phase_end;
            }
        }
      if (due == NULL)
        return;

      if (due_phase_end)
        end_phase (self, due, now, out);
      else
        drop_offer (self, due, due_offer, FD_WITHDRAW_BOUNCED, now, out);
    }
}

/* Inspection. */

GArray *
fd_router_dup_offers (FdRouter *self,
                      gint64    agent_id)
{
  GArray *ids;

  g_return_val_if_fail (self != NULL, NULL);

  ids = id_array_new ();
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RouterConversation *conv = g_ptr_array_index (self->arrivals, i);

      if (find_offer (conv, agent_id) >= 0)
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
  return queue != NULL && id_array_contains (queue->joined, agent_id);
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
