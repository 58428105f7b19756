#pragma once

/* Shared by the reference engine's own files (router-reference*.c) only;
 * see router-reference.c. */

#include "router-reference.h"

G_BEGIN_DECLS

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

/* router-reference.c */
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

/* router-reference-strategies.c */
void refi_offer_in_phase (RefRouter           *self,
                            RefRConversation *conv,
                            gint64              now,
                            GArray             *out);

/* router-reference-phases.c */
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

/* router-reference-agents.c */
void refi_apply_acd (RefRouter    *self,
                       RefRAgent *agent,
                       FdAcdState   state,
                       gint64       now,
                       GArray      *out);

/* router-reference-conversations.c */
void refi_withdraw_all (RefRConversation *conv,
                          FdWithdrawReason    reason,
                          GArray             *out);

/* router-reference-transfer.c */
void refi_return_transfer (RefRouter           *self,
                             RefRConversation *conv,
                             GArray             *out);

G_END_DECLS
