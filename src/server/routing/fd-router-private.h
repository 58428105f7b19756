#pragma once

/* Shared by the routing engine's own files (fd-router*.c) only. */

#include "fd-router.h"
#include "fd-router-heap.h"
#include "fd-router-idle.h"

G_BEGIN_DECLS

/* The reason the engine gives an agent made unavailable by a reservation. */
#define RESERVE_UNAVAILABLE_REASON "busy"

typedef struct {
  gint64        id;
  FdReserveAcd  reserve_acd;
} RouterOrg;

typedef struct {
  FdStrategy  strategy;
  GArray     *agent_ids;    /* gint64, no duplicates; empty = queue members */
  GHashTable *agent_set;    /* the same ids as a set (router_id_set_*) */
  gint64      bounce_us;    /* 0 = never */
  gint64      duration_us;  /* 0 = until reserved */
  gint64      last_agent;   /* circular: the agent who got the last offer */
  /* Longest-idle phases of non-callback streams only (NULL otherwise): the
   * eligible candidates (joined to the stream's queue and available) by
   * (idle since, position in the candidates), and each candidate's
   * position (&id → GUINT_TO_POINTER (position + 1)). */
  FdRouterIdleOrder *idle_order;
  GHashTable        *idle_positions;
} RouterPhase;

typedef struct {
  gint64        id;
  gint64        organization_id;
  gint64        queue_id;
  FdStreamKind  kind;
  GPtrArray    *phases;     /* RouterPhase*, never empty */
  GQueue        convs;      /* RouterConversation* in arrival order */
} RouterStream;

typedef struct {
  gint64   id;
  GArray     *members;      /* gint64 in the configured order */
  GHashTable *member_set;   /* the same ids as a set */
  GArray     *joined;       /* gint64 in join order */
  GHashTable *joined_set;   /* the same ids as a set */
} RouterQueue;

typedef struct {
  gint64      id;
  FdAcdState  acd_state;
  gint64      idle_since;
  guint       n_joined;     /* queues joined */
  GHashTable *idle_phases;  /* RouterPhase* whose idle_order holds the agent */
  GHashTable *offers;       /* RouterConversation* offered to the agent →
                             * GUINT_TO_POINTER (its slot in conv->offers + 1) */
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
  GArray  *offers;          /* RouterOffer slots in offer order; agent_id 0
                             * = withdrawn (compacted now and then) */
  guint    n_offers;        /* the slots in use */
  guint    first_offer;     /* no slot in use before it */
  gboolean offers_sorted;   /* bounce_at nondecreasing in offer order */
  guint64  offers_max_key;  /* the latest bounce_at appended (0 = G_MAXUINT64) */
  GHashTable *tried;        /* id set, NULL = empty: bounced in this phase pass */
  GHashTable *rejected;     /* id set, NULL = empty: rejected since a phase
                             * last ended by its time; at most the queue's
                             * members */
  gint64   reserved_by;     /* 0 = unreserved */
  gint64   transfer_from;   /* while a transfer offer is out */
  guint64  seq;             /* arrival order */
  GList   *arrival_link;    /* in FdRouter.arrivals */
  GList   *stream_link;     /* in RouterStream.convs */
  FdRouterHeapNode deadline; /* in FdRouter.deadlines while it has one */
} RouterConversation;

struct _FdRouter {
  GHashTable  *organizations;  /* &id → RouterOrg* (owned) */
  GHashTable  *streams;        /* &id → RouterStream* (owned) */
  GHashTable  *queues;         /* &id → RouterQueue* (owned) */
  GHashTable  *agents;         /* &id → RouterAgent* (owned) */
  GHashTable  *conversations;  /* &id → RouterConversation* (borrowed) */
  GQueue       arrivals;       /* RouterConversation* in arrival order (owned) */
  guint64      next_seq;       /* the next arrival's RouterConversation.seq */
  FdRouterHeap deadlines;      /* conversations by their earliest deadline */
};

/* fd-router.c */
void router_phase_free (gpointer data);
gboolean router_id_array_contains (const GArray *ids,
                                   gint64        id);
gboolean router_id_array_remove (GArray *ids,
                                 gint64  id);
GArray *router_id_array_new (void);
void router_id_array_add_unique (GArray *ids,
                                 gint64  id);
/* Id sets: GHashTable of gint64; NULL is the empty set. */
GHashTable *router_id_set_new (void);
gboolean router_id_set_contains (GHashTable *set,
                                 gint64      id);
void router_id_set_add (GHashTable **set,
                        gint64       id);
gboolean router_id_set_remove (GHashTable *set,
                               gint64      id);
/* Indexes kept beside the conversations. */
void router_conv_add_offer (FdRouter           *self,
                            RouterConversation *conv,
                            RouterAgent        *agent,
                            const RouterOffer  *offer);
RouterOffer router_conv_remove_offer (FdRouter           *self,
                                      RouterConversation *conv,
                                      guint               index);
gboolean router_conv_has_offer (FdRouter           *self,
                                RouterConversation *conv,
                                gint64              agent_id);
void router_conv_update_deadline (FdRouter           *self,
                                  RouterConversation *conv);
gint64 router_conv_deadline (RouterConversation *conv,
                             guint              *offer_index,
                             gboolean           *is_phase_end);
GPtrArray *router_collect_conversations (FdRouter *self,
                                         gint64    queue_id,
                                         gint64    joined_agent_id);
gboolean router_phase_has_candidate (FdRouter     *self,
                                     RouterStream *stream,
                                     RouterPhase  *phase,
                                     gint64        agent_id);
void router_emit (GArray                *out,
                  FdRoutingDecisionKind  kind,
                  gint64                 conversation_id,
                  gint64                 agent_id);
void router_emit_withdraw (GArray           *out,
                           gint64            conversation_id,
                           gint64            agent_id,
                           FdWithdrawReason  reason);
RouterQueue *router_ensure_queue (FdRouter *self,
                                   gint64    queue_id);
RouterAgent *router_ensure_agent (FdRouter *self,
                                   gint64    agent_id);
gboolean router_agent_joined_anywhere (FdRouter *self,
                                       gint64    agent_id);
RouterStream *router_conv_stream (FdRouter           *self,
                                   RouterConversation *conv);
RouterPhase *router_conv_phase (FdRouter           *self,
                                 RouterConversation *conv);
const GArray *router_phase_candidates (FdRouter     *self,
                                        RouterStream *stream,
                                        RouterPhase  *phase);
RouterAgent *router_eligible_agent (FdRouter    *self,
                                    RouterQueue *queue,
                                    gint64       agent_id);
gboolean router_is_eligible (FdRouter     *self,
                             RouterStream *stream,
                             gint64        agent_id);
int router_find_offer (FdRouter           *self,
                       RouterConversation *conv,
                       gint64              agent_id);
RouterConversation *router_lookup_conversation (FdRouter  *self,
                                                 gint64     conversation_id,
                                                 GError   **error);
void router_forget_conversation (FdRouter           *self,
                                 RouterConversation *conv);

int router_compare_arrival (gconstpointer a,
                            gconstpointer b);

/* fd-router-strategies.c */
gboolean router_is_candidate_now (FdRouter           *self,
                                  RouterStream       *stream,
                                  RouterConversation *conv,
                                  gint64              agent_id);
void router_offer_to_agent (FdRouter           *self,
                            RouterConversation *conv,
                            RouterStream       *stream,
                            RouterPhase        *phase,
                            RouterAgent        *agent,
                            gint64              now,
                            GArray             *out);
void router_offer_to (FdRouter           *self,
                      RouterConversation *conv,
                      gint64              agent_id,
                      gint64              now,
                      GArray             *out);
void router_offer_in_phase (FdRouter           *self,
                            RouterConversation *conv,
                            gint64              now,
                            GArray             *out);

/* fd-router-phases.c */
int router_find_phase_from (FdRouter           *self,
                            RouterStream       *stream,
                            guint               start,
                            RouterConversation *conv);
void router_enter_phase (FdRouter           *self,
                         RouterConversation *conv,
                         guint               index,
                         gboolean            keep_rejected,
                         gint64              now,
                         GArray             *out);
void router_start_routing (FdRouter           *self,
                           RouterConversation *conv,
                           gint64              now,
                           GArray             *out);
void router_route_conversation (FdRouter           *self,
                                RouterConversation *conv,
                                gint64              now,
                                GArray             *out);
/* What router_route_conversation_for() keeps between the conversations
 * of one event (they mostly share their stream and phase). */
typedef struct {
  RouterAgent  *eligible;    /* the agent, NULL if not eligible */
  RouterStream *stream;
  RouterPhase  *phase;
  gboolean      candidate;   /* the agent is a candidate of phase */
} RouterRouteFor;

void router_route_conversation_for (FdRouter           *self,
                                    RouterConversation *conv,
                                    RouterRouteFor     *with,
                                    gint64              now,
                                    GArray             *out);
void router_route_queue_for (FdRouter *self,
                             gint64    queue_id,
                             gint64    agent_id,
                             gint64    now,
                             GArray   *out);
void router_drop_offer (FdRouter           *self,
                        RouterConversation *conv,
                        guint               offer_index,
                        FdWithdrawReason    reason,
                        gint64              now,
                        GArray             *out);
void router_withdraw_agent_offers (FdRouter         *self,
                                   gint64            agent_id,
                                   gint64            queue_id,
                                   FdWithdrawReason  reason,
                                   gint64            now,
                                   GArray           *out);

void router_forget_rejections (FdRouter *self,
                               gint64    agent_id,
                               gint64    queue_id);

/* The longest-idle orders (fd-router-strategies.c), kept up to date by
 * every change of an agent's idle since or eligibility, and of the
 * candidates (members, stream configuration). */
void router_agent_set_idle (RouterAgent *agent,
                            gint64       now);
void router_idle_sync_agent (FdRouter    *self,
                             RouterAgent *agent,
                             gint64       queue_id);
void router_idle_index_stream (FdRouter     *self,
                               RouterStream *stream);
void router_idle_index_queue (FdRouter *self,
                              gint64    queue_id);
void router_idle_unindex_phase (RouterPhase *phase);

/* fd-router-agents.c */
void router_apply_acd (FdRouter    *self,
                       RouterAgent *agent,
                       FdAcdState   state,
                       gint64       now,
                       GArray      *out);

/* fd-router-conversations.c */
void router_withdraw_all (FdRouter           *self,
                          RouterConversation *conv,
                          FdWithdrawReason    reason,
                          GArray             *out);

/* fd-router-transfer.c */
void router_return_transfer (FdRouter           *self,
                             RouterConversation *conv,
                             GArray             *out);

G_END_DECLS
