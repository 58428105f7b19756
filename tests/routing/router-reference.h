#pragma once

/* The reference routing engine (router-reference.c): the engine before
 * issue 17, same API as fd-router.h with the prefix ref_router_. */

#include "fd-router.h"

G_BEGIN_DECLS

typedef struct _RefRouter RefRouter;

RefRouter   *ref_router_new                (void);
void        ref_router_free               (RefRouter            *self);

/* Configuration. */
void        ref_router_set_organization   (RefRouter            *self,
                                          gint64               organization_id,
                                          FdReserveAcd         reserve_acd);
/* Adds or replaces a stream. The phases are copied and ordered by their
 * position; n_phases = 0 means one ring-all phase over the queue's members
 * with neither bounce nor duration. Replacing a stream restarts the routing
 * of its unreserved conversations (withdraw reason RECONFIGURED). */
gboolean    ref_router_set_stream         (RefRouter            *self,
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
void        ref_router_remove_stream      (RefRouter            *self,
                                          gint64               stream_id,
                                          gint64               now,
                                          GArray              *out);
/* Replaces the queue's members (in the order ring-all and circular use).
 * Joined agents who are no longer members leave the queue. */
void        ref_router_set_queue_members  (RefRouter            *self,
                                          gint64               queue_id,
                                          const gint64        *agent_ids,
                                          guint                n_agents,
                                          gint64               now,
                                          GArray              *out);

/* Agents. An agent the engine has not seen is available. */
gboolean    ref_router_join               (RefRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
void        ref_router_leave              (RefRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id,
                                          gint64               now,
                                          GArray              *out);
void        ref_router_set_acd            (RefRouter            *self,
                                          gint64               agent_id,
                                          FdAcdState           state,
                                          gint64               now,
                                          GArray              *out);

/* Conversations. */
gboolean    ref_router_add                (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               stream_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
/* Brings back a conversation after a restart: reserved_by = 0 routes it like
 * ref_router_add() but never as missed (agents have not reconnected yet);
 * otherwise it is known as reserved by that agent, so it can be transferred. */
gboolean    ref_router_restore            (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               stream_id,
                                          gint64               reserved_by,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    ref_router_reserve            (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    ref_router_reject             (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
gboolean    ref_router_transfer           (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               from_agent_id,
                                          gint64               to_agent_id,
                                          gint64               now,
                                          GArray              *out,
                                          GError             **error);
/* Forgets the conversation, withdrawing its offers (reason CLOSED). Unknown
 * ids are ignored. */
void        ref_router_close              (RefRouter            *self,
                                          gint64               conversation_id,
                                          gint64               now,
                                          GArray              *out);

/* Carries out every bounce and phase end due at or before now. */
void        ref_router_tick               (RefRouter            *self,
                                          gint64               now,
                                          GArray              *out);
/* The earliest pending bounce or phase end; 0 = nothing pending. */
gint64      ref_router_get_next_deadline  (RefRouter            *self);

/* Inspection. */
GArray     *ref_router_dup_offers         (RefRouter            *self,
                                          gint64               agent_id);
gboolean    ref_router_lookup             (RefRouter            *self,
                                          gint64               conversation_id,
                                          int                 *phase,
                                          gint64              *reserved_by);
/* The colleague a transfer of the conversation is offered to, 0 = none. */
gint64      ref_router_get_transfer_to    (RefRouter            *self,
                                          gint64               conversation_id);
gboolean    ref_router_is_joined          (RefRouter            *self,
                                          gint64               agent_id,
                                          gint64               queue_id);
guint       ref_router_count_joined       (RefRouter            *self,
                                          gint64               queue_id);

G_END_DECLS
