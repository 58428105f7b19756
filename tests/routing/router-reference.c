#define G_LOG_DOMAIN "router-reference"

/* The routing engine as it was before issue 17 (rescans everything on
 * every event), kept as the reference the property tests compare the
 * event-driven engine with (test-router-property.c). Generated from
 * src/server/routing/ at that time by renaming; do not optimise it: its
 * value is that it is simple and obviously what docs/routing.md says. */

#include "router-reference.h"


/* The reason the engine gives an agent made unavailable by a reservation. */
#define REF_RESERVE_UNAVAILABLE_REASON "busy"

typedef struct {
  gint64        id;
  FdReserveAcd  reserve_acd;
} RefROrg;

typedef struct {
  FdStrategy  strategy;
  GArray     *agent_ids;    /* gint64, no duplicates; empty = queue members */
  gint64      bounce_us;    /* 0 = never */
  gint64      duration_us;  /* 0 = until reserved */
  gint64      last_agent;   /* circular: the agent who got the last offer */
} RefRPhase;

typedef struct {
  gint64        id;
  gint64        organization_id;
  gint64        queue_id;
  FdStreamKind  kind;
  GPtrArray    *phases;     /* RefRPhase*, never empty */
} RefRStream;

typedef struct {
  gint64   id;
  GArray  *members;         /* gint64 in the configured order */
  GArray  *joined;          /* gint64 in join order */
} RefRQueue;

typedef struct {
  gint64      id;
  FdAcdState  acd_state;
  gint64      idle_since;
} RefRAgent;

typedef struct {
  gint64    agent_id;
  gint64    bounce_at;      /* 0 = none */
  gboolean  transfer;       /* offered by a transfer, not by a phase */
} RefROffer;

typedef struct {
  gint64   id;
  gint64   stream_id;
  guint    phase;
  gint64   phase_ends_at;   /* 0 = none */
  GArray  *offers;          /* RefROffer in offer order */
  GArray  *tried;           /* gint64: bounced in this phase pass */
  GArray  *rejected;        /* gint64: rejected since a phase last ended by
                             * its time; at most the queue's members */
  gint64   reserved_by;     /* 0 = unreserved */
  gint64   transfer_from;   /* while a transfer offer is out */
} RefRConversation;

struct _RefRouter {
  GHashTable  *organizations;  /* &id → RefROrg* (owned) */
  GHashTable  *streams;        /* &id → RefRStream* (owned) */
  GHashTable  *queues;         /* &id → RefRQueue* (owned) */
  GHashTable  *agents;         /* &id → RefRAgent* (owned) */
  GHashTable  *conversations;  /* &id → RefRConversation* (borrowed) */
  GPtrArray   *arrivals;       /* RefRConversation* in arrival order (owned) */
};

/* fd-router.c */
void refi_phase_free (gpointer data);
gboolean refi_id_array_contains (const GArray *ids,
                                   gint64        id);
gboolean refi_id_array_remove (GArray *ids,
                                 gint64  id);
GArray *refi_id_array_new (void);
void refi_id_array_add_unique (GArray *ids,
                                 gint64  id);
void refi_emit (GArray                *out,
                  FdRoutingDecisionKind  kind,
                  gint64                 conversation_id,
                  gint64                 agent_id);
void refi_emit_withdraw (GArray           *out,
                           gint64            conversation_id,
                           gint64            agent_id,
                           FdWithdrawReason  reason);
RefRQueue *refi_ensure_queue (RefRouter *self,
                                   gint64    queue_id);
RefRAgent *refi_ensure_agent (RefRouter *self,
                                   gint64    agent_id);
gboolean refi_agent_joined_anywhere (RefRouter *self,
                                       gint64    agent_id);
RefRStream *refi_conv_stream (RefRouter           *self,
                                   RefRConversation *conv);
RefRPhase *refi_conv_phase (RefRouter           *self,
                                 RefRConversation *conv);
const GArray *refi_phase_candidates (RefRouter     *self,
                                        RefRStream *stream,
                                        RefRPhase  *phase);
gboolean refi_is_eligible (RefRouter     *self,
                             RefRStream *stream,
                             gint64        agent_id);
int refi_find_offer (RefRConversation *conv,
                       gint64              agent_id);
RefRConversation *refi_lookup_conversation (RefRouter  *self,
                                                 gint64     conversation_id,
                                                 GError   **error);
void refi_forget_conversation (RefRouter           *self,
                                 RefRConversation *conv);

/* fd-router-strategies.c */
void refi_offer_in_phase (RefRouter           *self,
                            RefRConversation *conv,
                            gint64              now,
                            GArray             *out);

/* fd-router-phases.c */
int refi_find_phase_from (RefRouter           *self,
                            RefRStream       *stream,
                            guint               start,
                            RefRConversation *conv);
void refi_enter_phase (RefRouter           *self,
                         RefRConversation *conv,
                         guint               index,
                         gboolean            keep_rejected,
                         gint64              now,
                         GArray             *out);
void refi_start_routing (RefRouter           *self,
                           RefRConversation *conv,
                           gint64              now,
                           GArray             *out);
void refi_route_conversation (RefRouter           *self,
                                RefRConversation *conv,
                                gint64              now,
                                GArray             *out);
void refi_drop_offer (RefRouter           *self,
                        RefRConversation *conv,
                        guint               offer_index,
                        FdWithdrawReason    reason,
                        gint64              now,
                        GArray             *out);
void refi_route_queue (RefRouter *self,
                         gint64    queue_id,
                         gint64    now,
                         GArray   *out);
void refi_withdraw_agent_offers (RefRouter         *self,
                                   gint64            agent_id,
                                   gint64            queue_id,
                                   FdWithdrawReason  reason,
                                   gint64            now,
                                   GArray           *out);

void refi_forget_rejections (RefRouter *self,
                               gint64    agent_id,
                               gint64    queue_id);

/* fd-router-agents.c */
void refi_apply_acd (RefRouter    *self,
                       RefRAgent *agent,
                       FdAcdState   state,
                       gint64       now,
                       GArray      *out);

/* fd-router-conversations.c */
void refi_withdraw_all (RefRConversation *conv,
                          FdWithdrawReason    reason,
                          GArray             *out);

/* fd-router-transfer.c */
void refi_return_transfer (RefRouter           *self,
                             RefRConversation *conv,
                             GArray             *out);

/* ---- from fd-router.c ---- */



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
/* ---- from fd-router-agents.c ---- */


/* Agents joining and leaving queues, and their ACD state. */

gboolean
ref_router_join (RefRouter  *self,
                gint64     agent_id,
                gint64     queue_id,
                gint64     now,
                GArray    *out,
                GError   **error)
{
  RefRQueue *queue;
  RefRAgent *agent;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !refi_id_array_contains (queue->members, agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER,
                   "The agent is not a member of this queue; an administrator can add them.");
      return FALSE;
    }
  if (refi_id_array_contains (queue->joined, agent_id))
    return TRUE;

  agent = refi_ensure_agent (self, agent_id);
  if (!refi_agent_joined_anywhere (self, agent_id))
    agent->idle_since = now;
  g_array_append_val (queue->joined, agent_id);

  refi_route_queue (self, queue_id, now, out);
  return TRUE;
}

void
ref_router_leave (RefRouter *self,
                 gint64    agent_id,
                 gint64    queue_id,
                 gint64    now,
                 GArray   *out)
{
  RefRQueue *queue;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  queue = g_hash_table_lookup (self->queues, &queue_id);
  if (queue == NULL || !refi_id_array_remove (queue->joined, agent_id))
    return;

  refi_withdraw_agent_offers (self, agent_id, queue_id, FD_WITHDRAW_LEFT_QUEUE, now, out);
  /* Re-joining shows the queue afresh, what the agent rejected included. */
  refi_forget_rejections (self, agent_id, queue_id);
}

void
refi_apply_acd (RefRouter    *self,
                  RefRAgent *agent,
                  FdAcdState   state,
                  gint64       now,
                  GArray      *out)
{
  if (agent->acd_state == state)
    return;
  agent->acd_state = state;

  if (state != FD_ACD_AVAILABLE)
    {
      refi_withdraw_agent_offers (self, agent->id, 0, FD_WITHDRAW_UNAVAILABLE, now, out);
      return;
    }

  agent->idle_since = now;
  /* Every unreserved conversation, in arrival order, so that the decisions
   * do not depend on hash table order. */
  for (guint i = 0; i < self->arrivals->len; i++)
    {
      RefRConversation *conv = g_ptr_array_index (self->arrivals, i);
      RefRQueue *queue = refi_ensure_queue (self, refi_conv_stream (self, conv)->queue_id);

      if (refi_id_array_contains (queue->joined, agent->id))
        refi_route_conversation (self, conv, now, out);
    }
}

void
ref_router_set_acd (RefRouter   *self,
                   gint64      agent_id,
                   FdAcdState  state,
                   gint64      now,
                   GArray     *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((int) state >= 0 && (int) state <= FD_ACD_WRAP_UP);
  g_return_if_fail (out != NULL);

  refi_apply_acd (self, refi_ensure_agent (self, agent_id), state, now, out);
}
/* ---- from fd-router-config.c ---- */


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
/* ---- from fd-router-conversations.c ---- */


/* Conversations: arrival, restore after a restart, reserve (with the
 * organization's reserve ACD setting), reject and close. */

static RefRConversation *
insert_conversation (RefRouter  *self,
                     gint64     conversation_id,
                     gint64     stream_id,
                     GError   **error)
{
  RefRConversation *conv;

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

  conv = g_new0 (RefRConversation, 1);
  conv->id = conversation_id;
  conv->stream_id = stream_id;
  conv->offers = g_array_new (FALSE, FALSE, sizeof (RefROffer));
  conv->tried = refi_id_array_new ();
  conv->rejected = refi_id_array_new ();
  g_ptr_array_add (self->arrivals, conv);
  g_hash_table_insert (self->conversations, &conv->id, conv);
  return conv;
}

gboolean
ref_router_add (RefRouter  *self,
               gint64     conversation_id,
               gint64     stream_id,
               gint64     now,
               GArray    *out,
               GError   **error)
{
  RefRConversation *conv;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = insert_conversation (self, conversation_id, stream_id, error);
  if (conv == NULL)
    return FALSE;

  if (refi_ensure_queue (self, refi_conv_stream (self, conv)->queue_id)->joined->len == 0)
    {
      refi_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      refi_forget_conversation (self, conv);
      return TRUE;
    }

  refi_start_routing (self, conv, now, out);
  return TRUE;
}

gboolean
ref_router_restore (RefRouter  *self,
                   gint64     conversation_id,
                   gint64     stream_id,
                   gint64     reserved_by,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RefRConversation *conv;

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
    refi_start_routing (self, conv, now, out);
  return TRUE;
}

static void
apply_reserve_acd (RefRouter           *self,
                   RefRConversation *conv,
                   gint64              agent_id,
                   gint64              now,
                   GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  RefROrg *org = g_hash_table_lookup (self->organizations, &stream->organization_id);
  RefRAgent *agent = refi_ensure_agent (self, agent_id);
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
      d.acd_reason = REF_RESERVE_UNAVAILABLE_REASON;
    }
  else
    {
      d.acd_state = FD_ACD_WRAP_UP;
    }
  if (agent->acd_state == d.acd_state)
    return;

  g_array_append_val (out, d);
  refi_apply_acd (self, agent, d.acd_state, now, out);
}

gboolean
ref_router_reserve (RefRouter  *self,
                   gint64     conversation_id,
                   gint64     agent_id,
                   gint64     now,
                   GArray    *out,
                   GError   **error)
{
  RefRConversation *conv;
  int index;
  gint64 previous = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = refi_find_offer (conv, agent_id);
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
  g_array_set_size (conv->rejected, 0);

  refi_emit (out, FD_ROUTING_RESERVED, conv->id, agent_id);
  refi_withdraw_all (conv, FD_WITHDRAW_RESERVED_BY_OTHER, out);

  /* Handing a conversation over makes the transferring agent idle again. */
  if (previous != 0)
    refi_ensure_agent (self, previous)->idle_since = now;
  apply_reserve_acd (self, conv, agent_id, now, out);
  return TRUE;
}

gboolean
ref_router_reject (RefRouter  *self,
                  gint64     conversation_id,
                  gint64     agent_id,
                  gint64     now,
                  GArray    *out,
                  GError   **error)
{
  RefRConversation *conv;
  int index;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
  if (conv == NULL)
    return FALSE;

  index = refi_find_offer (conv, agent_id);
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

  refi_drop_offer (self, conv, (guint) index, FD_WITHDRAW_REJECTED, now, out);
  return TRUE;
}

void
ref_router_close (RefRouter *self,
                 gint64    conversation_id,
                 gint64    now,
                 GArray   *out)
{
  RefRConversation *conv;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  conv = g_hash_table_lookup (self->conversations, &conversation_id);
  if (conv == NULL)
    return;

  refi_withdraw_all (conv, FD_WITHDRAW_CLOSED, out);
  if (conv->reserved_by != 0)
    refi_ensure_agent (self, conv->reserved_by)->idle_since = now;
  refi_forget_conversation (self, conv);
}


void
refi_withdraw_all (RefRConversation *conv,
                     FdWithdrawReason    reason,
                     GArray             *out)
{
  for (guint i = 0; i < conv->offers->len; i++)
    refi_emit_withdraw (out, conv->id, g_array_index (conv->offers, RefROffer, i).agent_id, reason);
  g_array_set_size (conv->offers, 0);
}
/* ---- from fd-router-deadlines.c ---- */


/* Deadlines: offers that bounce and phases that end, driven by
 * ref_router_tick() with the caller's clock. */

static void
end_phase (RefRouter           *self,
           RefRConversation *conv,
           gint64              now,
           GArray             *out)
{
  RefRStream *stream = refi_conv_stream (self, conv);
  guint next = conv->phase + 1;
  gboolean wrapped = next == stream->phases->len;
  int index;

  refi_withdraw_all (conv, FD_WITHDRAW_PHASE_ENDED, out);
  conv->phase_ends_at = 0;
  next %= stream->phases->len;

  /* Starting over keeps a customer waiting only while someone could answer. */
  if (wrapped && refi_ensure_queue (self, stream->queue_id)->joined->len == 0)
    {
      refi_emit (out, FD_ROUTING_MISSED, conv->id, 0);
      refi_forget_conversation (self, conv);
      return;
    }

  /* The phase is over: whoever rejected in it is a candidate again. */
  index = refi_find_phase_from (self, stream, next, NULL);
  refi_enter_phase (self, conv, index >= 0 ? (guint) index : next, FALSE, now, out);
}

/* The earliest deadline of the conversation and whether it is its phase end
 * (otherwise it is the bounce of offer *offer_index). */
static gint64
conversation_deadline (RefRConversation *conv,
                       guint              *offer_index,
                       gboolean           *is_phase_end)
{
  gint64 best = conv->phase_ends_at;

  *is_phase_end = best != 0;
  *offer_index = 0;
  for (guint i = 0; i < conv->offers->len; i++)
    {
      gint64 at = g_array_index (conv->offers, RefROffer, i).bounce_at;

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
ref_router_get_next_deadline (RefRouter *self)
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
ref_router_tick (RefRouter *self,
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
      RefRConversation *due = NULL;
      gint64 due_at = 0;
      guint due_offer = 0;
      gboolean due_phase_end = FALSE;

      for (guint i = 0; i < self->arrivals->len; i++)
        {
          RefRConversation *conv = g_ptr_array_index (self->arrivals, i);
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
        refi_drop_offer (self, due, due_offer, FD_WITHDRAW_BOUNCED, now, out);
    }
}
/* ---- from fd-router-phases.c ---- */


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
/* ---- from fd-router-strategies.c ---- */


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
/* ---- from fd-router-transfer.c ---- */


/* Transfer: an agent offers a reserved conversation to a colleague, and
 * keeps it when the offer goes unanswered. */

/* A transfer offer went away unanswered: the transferring agent keeps it. */
void
refi_return_transfer (RefRouter           *self,
                        RefRConversation *conv,
                        GArray             *out)
{
  g_assert (conv->reserved_by != 0);
  conv->transfer_from = 0;
  refi_emit (out, FD_ROUTING_RESERVED, conv->id, conv->reserved_by);
}

gboolean
ref_router_transfer (RefRouter  *self,
                    gint64     conversation_id,
                    gint64     from_agent_id,
                    gint64     to_agent_id,
                    gint64     now,
                    GArray    *out,
                    GError   **error)
{
  RefRConversation *conv;
  RefRStream *stream;
  RefRQueue *queue;
  RefRPhase *phase;
  RefROffer offer = { 0 };
  FdRoutingDecision d = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conv = refi_lookup_conversation (self, conversation_id, error);
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

  stream = refi_conv_stream (self, conv);
  queue = refi_ensure_queue (self, stream->queue_id);
  if (!refi_id_array_contains (queue->joined, to_agent_id))
    {
      g_set_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_JOINED,
                   "The colleague is not joined to this conversation's queue; choose someone who is.");
      return FALSE;
    }

  phase = refi_conv_phase (self, conv);
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
