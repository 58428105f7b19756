#pragma once

/* The routing engine of frontdeskd: decides which agent is offered which
 * conversation, following each media stream's routing phases.
 *
 * It is pure: no I/O, no main loop, no timers and no clock of its own. Every
 * call that can change routing takes the time as `now` (microseconds, any
 * monotonic origin) and appends what the caller must carry out to `out`, a
 * GArray of FdRoutingDecision (see fd_routing_decisions_new()), in the order
 * the caller must carry it out. The caller arms one timer for
 * fd_router_get_next_deadline() and calls fd_router_tick() when it fires.
 *
 * The rules as implemented are written down in docs/routing.md. */

#include <glib.h>

#include "fd-messages.h"   /* FdWithdrawReason, the wire names of withdrawals */

G_BEGIN_DECLS

#define FD_ROUTING_ERROR (fd_routing_error_quark ())

typedef enum {
  FD_ROUTING_ERROR_NOT_FOUND,              /* unknown conversation or stream */
  FD_ROUTING_ERROR_NOT_OFFERED,            /* reserve/reject without an offer */
  FD_ROUTING_ERROR_ALREADY_RESERVED,       /* somebody reserved it already */
  FD_ROUTING_ERROR_NOT_RESERVED_BY_AGENT,  /* transfer of someone else's conversation */
  FD_ROUTING_ERROR_NOT_JOINED,             /* transfer target not joined to the queue */
  FD_ROUTING_ERROR_NOT_MEMBER,             /* join of a queue the agent is not a member of */
  FD_ROUTING_ERROR_INVALID,                /* bad argument or state */
} FdRoutingError;

GQuark fd_routing_error_quark (void);

typedef enum {
  FD_ROUTING_OFFER,     /* offer conversation_id to agent_id in phase; bounce_at (0 = none) */
  FD_ROUTING_WITHDRAW,  /* withdraw agent_id's offer of conversation_id; reason */
  FD_ROUTING_RESERVED,  /* conversation_id is (now, or again) reserved by agent_id */
  FD_ROUTING_MISSED,    /* nobody answered: the engine forgot conversation_id */
  FD_ROUTING_PHASE,     /* conversation_id entered phase (a new pass of it) */
  FD_ROUTING_ACD,       /* set agent_id's ACD state to acd_state/acd_reason */
} FdRoutingDecisionKind;

typedef struct {
  FdRoutingDecisionKind  kind;
  gint64                 conversation_id;
  gint64                 agent_id;    /* OFFER, WITHDRAW, RESERVED, ACD */
  gint64                 bounce_at;   /* OFFER: 0 = no automatic bounce */
  int                    phase;       /* OFFER, PHASE: 0-based phase index */
  FdWithdrawReason       reason;      /* WITHDRAW */
  FdAcdState             acd_state;   /* ACD */
  const char            *acd_reason;  /* ACD: static string, NULL = none */
} FdRoutingDecision;

/* An empty GArray of FdRoutingDecision, zero-terminated off. */
GArray     *fd_routing_decisions_new            (void);
const char *fd_routing_decision_kind_to_string  (FdRoutingDecisionKind kind);

typedef struct _FdRouter FdRouter;

FdRouter   *fd_router_new                (void);
void        fd_router_free               (FdRouter            *self);

/* Configuration. */
void        fd_router_set_organization   (FdRouter            *self,
                                          gint64               organization_id,
                                          FdReserveAcd         reserve_acd);
/* Adds or replaces a stream. The phases are copied and ordered by their
 * position; n_phases = 0 means one ring-all phase over the queue's members
 * with neither bounce nor duration. Replacing a stream restarts the routing
 * of its unreserved conversations (withdraw reason RECONFIGURED). */
gboolean    fd_router_set_stream         (FdRouter            *self,
                                          gint64               stream_id,
                                          gint64               organization_id,
                                          gint64               queue_id,
                                          FdStreamKind         kind,
                                          const FdPhase *const *phases,
                                          guint                n_phases,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
/* Forgets the stream and all its conversations; unreserved offers are
 * withdrawn (reason STREAM_REMOVED). */
void        fd_router_remove_stream      (FdRouter            *self,
                                          gint64               stream_id,
                                          gint64               now,
                                          GArray              *out);
/* Replaces the queue's members (in the order ring-all and circular use).
 * Joined agents who are no longer members leave the queue. */
void        fd_router_set_queue_members  (FdRouter            *self,
                                          gint64               queue_id,
                                          const gint64        *agent_ids,
                                          guint                n_agents,
                                          gint64               now,
                                          GArray              *out);

/* Agents. An agent the engine has not seen is available. */
gboolean    fd_router_join               (FdRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
void        fd_router_leave              (FdRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id,
                                          gint64               now,
                                          GArray              *out);
void        fd_router_set_acd            (FdRouter            *self,
                                          gint64               agent_id,
                                          FdAcdState           state,
                                          gint64               now,
                                          GArray              *out);

/* Conversations. */
gboolean    fd_router_add                (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               stream_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
/* Brings back a conversation after a restart: reserved_by = 0 routes it like
 * fd_router_add() but never as missed (agents have not reconnected yet);
 * otherwise it is known as reserved by that agent, so it can be transferred. */
gboolean    fd_router_restore            (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               stream_id,
                                          gint64               reserved_by,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    fd_router_reserve            (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    fd_router_reject             (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    fd_router_transfer           (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               from_agent_id,
                                          gint64               to_agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
/* Forgets the conversation, withdrawing its offers (reason CLOSED). Unknown
 * ids are ignored. */
void        fd_router_close              (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               now,
                                          GArray              *out);

/* Carries out every bounce and phase end due at or before now. */
void        fd_router_tick               (FdRouter            *self,
                                          gint64               now,
                                          GArray              *out);
/* The earliest pending bounce or phase end; 0 = nothing pending. */
gint64      fd_router_get_next_deadline  (FdRouter            *self);

/* Inspection. */
GArray     *fd_router_dup_offers         (FdRouter            *self,
                                          gint64               agent_id);
gboolean    fd_router_lookup             (FdRouter            *self,
                                          gint64               conversation_id,
                                          int                 *phase,
                                          gint64              *reserved_by);
/* Whether the agent holds an offer of the conversation (O(1)). */
gboolean    fd_router_is_offered         (FdRouter            *self,
                                          gint64               conversation_id,
                                          gint64               agent_id);
/* The colleague a transfer of the conversation is offered to, 0 = none. */
gint64      fd_router_get_transfer_to    (FdRouter            *self,
                                          gint64               conversation_id);
gboolean    fd_router_is_joined          (FdRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id);
guint       fd_router_count_joined       (FdRouter            *self,
                                          gint64               queue_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdRouter, fd_router_free)

G_END_DECLS
