#pragma once

/* Internals of FdCenter shared by its sibling files (fd-center*.c). The
 * routing engine is reached only through fd-center-routing.c
 * (fd_center_route_*), which carries out its decisions with the
 * fd_center_apply_* functions of fd-center-apply.c. Nothing here is for the
 * APIs: they use fd-center.h and fd-center-actions.h. */

#include "fd-center.h"
#include "fd-center-actions.h"
#include "fd-error.h"
#include "fd-frame.h"
#include "fd-store.h"
#include "fd-types.h"

G_BEGIN_DECLS

typedef struct _FdRouter FdRouter;
typedef struct _FdWallboard FdWallboard;

/* An outbox's sender told, from an idle, that there is work (the email and
 * the twitter outbox each have one; fd-center-delivery.c). */
typedef struct {
  void         (*notify) (gpointer data);
  gpointer       data;
  guint          idle_id;
} FdCenterOutboxNotifier;

/* A registered sink. */
typedef struct {
  const FdCenterSink *vtable;
  gpointer            data;
} FdCenterSinkEntry;

struct _FdCenter
{
  GObject        parent_instance;

  FdStore       *store;
  FdRouter      *router;
  guint          timer_id;
  guint          prune_id;        /* prunes the event log now and then */
  guint          stats_id;        /* publishes the statistics of stats_dirty */
  GHashTable    *stats_dirty;     /* gint64* organization ids whose statistics changed */
  gint64         timer_deadline;
  GHashTable    *conv_org;        /* conversation id → organization id (routed ones) */
  GHashTable    *agent_org;       /* agent id → organization id */
  GHashTable    *stream_config;   /* stream id → text of its routing configuration */
  GHashTable    *queue_config;    /* queue id → text of its member list */
  GHashTable    *members;         /* queue id → its organization and members (fd-center-members.c) */
  GHashTable    *member_orgs;     /* gint64* organizations whose members are loaded */
  GArray        *sinks;           /* FdCenterSinkEntry: who receives the pushes */
  GPtrArray     *pending;         /* pushes waiting for the commit */
  GError        *apply_error;     /* the first failure while carrying out decisions */
  FdCenterOutboxNotifier email_outbox;    /* FdEmail's sender (fd-center-email.c) */
  FdCenterOutboxNotifier twitter_outbox;  /* FdTwitter's sender (fd-center-twitter.c) */
  guint          group_commit_id; /* commits the open group (docs/architecture.md, "Durability") */
  guint          reload_id;       /* reloads routing after a lost group */
  gboolean       commit_after_sync; /* the open group commits when the sync in flight completed */
  guint64        groups_committed; /* groups whose COMMIT returned */
  guint64        groups_synced;   /* of those, the ones that ended (output sent) */
  guint          commit_window_ms; /* how long a group stays open; 0 = one main-loop turn */
  FdWallboard   *wallboard;       /* history, misses, the supervisors' table (fd-center-stats.c) */
  const FdCenterCrmHooks *crm_hooks; /* FdCrm (src/server/crm/fd-crm.c); NULL = none */
  gpointer       crm_hooks_data;
};

/* Raises a center error: @code is an FdWireError. */
#define fd_center_set_error(error, code, ...) \
  g_set_error ((error), FD_CENTER_ERROR, (code), __VA_ARGS__)

/* Midnight UTC of today: "missed today" and "closed today" count from it. */
gint64        fd_center_day_start             (void);

/* --- Transactions and events (fd-center.c) --------------------------------- */

gboolean      fd_center_begin                 (FdCenter    *self,
                                               GError     **error);
/* Commits, then pushes what the transaction queued; on failure rolls back and
 * drops the pushes. */
gboolean      fd_center_commit                (FdCenter    *self,
                                               GError     **error);
void          fd_center_rollback              (FdCenter    *self);
/* Commits when @ok, rolls back otherwise; returns whether all went well. */
gboolean      fd_center_finish                (FdCenter    *self,
                                               gboolean     ok,
                                               GError     **error);
/* Keeps the first failure of a decision so that the commit refuses. */
void          fd_center_note_apply_error      (FdCenter    *self,
                                               GError      *error);

/* Appends an event to the log (inside the caller's transaction) and queues
 * its frame for the agents allowed to see it. @type is an agent-side event
 * frame name ("offer"), @body_json its body (taken). */
gboolean      fd_center_emit                  (FdCenter    *self,
                                               gint64       organization_id,
                                               const char  *type,
                                               gint64       queue_id,
                                               gint64       agent_id,
                                               gint64       conversation_id,
                                               JsonNode    *body_json,
                                               GError     **error);
/* fd_center_emit() with the body already written as JSON text (taken):
 * a JSON object as fd_json_to_string() writes it. */
gboolean      fd_center_emit_text             (FdCenter    *self,
                                               gint64       organization_id,
                                               const char  *type,
                                               gint64       queue_id,
                                               gint64       agent_id,
                                               gint64       conversation_id,
                                               char        *payload,
                                               GError     **error);
/* Queues a frame text for the visitor sockets of a conversation (taken). */
void          fd_center_push_visitor          (FdCenter    *self,
                                               gint64       conversation_id,
                                               char        *frame_text);

/* --- Queue members in memory (fd-center-members.c) ------------------------- */

void          fd_center_members_init          (FdCenter    *self);
void          fd_center_members_clear         (FdCenter    *self);
/* (Re)reads an organization's queue members, inside the caller's
 * transaction. With @tell, every member of a queue whose members changed
 * is sent its "queue-state". */
gboolean      fd_center_members_load          (FdCenter    *self,
                                               gint64       organization_id,
                                               gboolean     tell,
                                               GError     **error);
/* Reads them again after a rollback (forgets them if that fails). */
void          fd_center_members_reload        (FdCenter    *self,
                                               gint64       organization_id);
/* Forgets the organizations that are gone and closes their agents' sockets. */
void          fd_center_members_drop_gone     (FdCenter    *self);
void          fd_center_members_set_joined    (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       queue_id,
                                               gint64       agent_id,
                                               gboolean     joined);
gboolean      fd_center_members_is_joined     (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       queue_id,
                                               gint64       agent_id);
/* Of @queue_id's members, how many joined it and how many of those are in
 * @available (a set of gint64* agent ids), from memory. */
void          fd_center_members_count         (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       queue_id,
                                               GHashTable  *available,
                                               gint        *out_joined,
                                               gint        *out_available);
/* The queues each agent of the organization joined: gint64* agent id →
 * GArray of gint64 queue ids, ascending; agents who joined none are absent. */
GHashTable   *fd_center_members_joined_queues (FdCenter    *self,
                                               gint64       organization_id);
/* Whether @agent_id is a member of @queue_id (an answer from memory). */
gboolean      fd_center_is_member             (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       queue_id,
                                               gint64       agent_id);

/* Emits a "conversation" event for @conv with its live transfer state. */
gboolean      fd_center_emit_conversation     (FdCenter             *self,
                                               const FdConversation *conv,
                                               GError              **error);
/* TRUE when the agent has a socket past its hello (asks the sinks). */
gboolean      fd_center_agent_is_online       (FdCenter    *self,
                                               gint64       agent_id);

/* Marks the statistics of an organization as changed: a "stats" event
 * follows within FD_CENTER_STATS_SECONDS (fd-center-stats.c). */
void          fd_center_stats_changed         (FdCenter    *self,
                                               gint64       organization_id);

/* --- The wallboard's live figures (fd-center-stats.c) ---------------------- */

void          fd_center_wallboard_init        (FdCenter    *self);
void          fd_center_wallboard_clear       (FdCenter    *self);
/* An event of @type was logged: a change of a conversation, an agent's ACD
 * state or a queue's members may change the supervisors' table of agents
 * (published within FD_CENTER_AGENT_STATES_SECONDS). Only marks. */
void          fd_center_wallboard_event       (FdCenter    *self,
                                               gint64       organization_id,
                                               const char  *type);
/* An offer to @agent_id was withdrawn for @reason: counts the agent's
 * misses today (bounced, rejected). Memory only. */
void          fd_center_wallboard_withdrawn   (FdCenter    *self,
                                               gint64       agent_id,
                                               FdWithdrawReason reason,
                                               gint64       now);
/* @agent_id's ACD state or reason changed at @now. */
void          fd_center_wallboard_acd_changed (FdCenter    *self,
                                               gint64       agent_id,
                                               gint64       now);

/* --- Decisions of the routing engine, carried out (fd-center-apply.c) ------ */

/* Appends a message, sends its event to the agents and its frame to the
 * visitor (inside a transaction). */
FdMessage    *fd_center_add_message           (FdCenter         *self,
                                               const FdMessage  *msg,
                                               gint64            queue_id,
                                               gboolean         *out_duplicate,
                                               GError          **error);
/* Changes @conv for a new message @stored (fd_center_add_message_to()). */
typedef void (*FdCenterConvUpdate) (FdConversation  *conv,
                                    const FdMessage *stored);
/* fd_center_add_message() for a message that changes @conv: when the
 * message is new, @update changes @conv, @conv is saved, and the `message`
 * event carries it (a folded `conversation` event follows for the apps
 * that do not read it there). */
FdMessage    *fd_center_add_message_to        (FdCenter            *self,
                                               const FdMessage     *msg,
                                               FdConversation      *conv,
                                               FdCenterConvUpdate   update,
                                               gboolean            *out_duplicate,
                                               GError             **error);
/* What an agent's reply changes in its conversation (an FdCenterConvUpdate):
 * the first reply's time, and no customer message waiting. */
void          fd_center_reply_update          (FdConversation  *conv,
                                               const FdMessage *stored);

/* --- Replies' delivery, email's and twitter's (fd-center-delivery.c) ------- */

/* Sets or clears (@notify NULL: a scheduled call dropped) who is told. */
void          fd_center_outbox_notifier_set   (FdCenterOutboxNotifier *notifier,
                                               void                  (*notify) (gpointer data),
                                               gpointer                data);
/* Tells the sender from an idle, once however often it is called before. */
void          fd_center_outbox_notifier_schedule (FdCenterOutboxNotifier *notifier);
/* The "delivery" event of a reply, in the caller's transaction. */
gboolean      fd_center_emit_delivery         (FdCenter         *self,
                                               gint64            organization_id,
                                               gint64            queue_id,
                                               gint64            conversation_id,
                                               gint64            message_id,
                                               FdDeliveryState   state,
                                               const char       *reason,
                                               gint              attempts,
                                               const FdTweet    *tweet,
                                               GError          **error);
/* Where a reply is (ids and state): the ack of a reply queued or retried. */
FdDelivery   *fd_center_delivery_new          (gint64            conversation_id,
                                               gint64            message_id,
                                               FdDeliveryState   state);
/* A reply can be sent again only when it failed. */
gboolean      fd_center_check_retry           (FdDeliveryState   state,
                                               GError          **error);

/* Marks the event just emitted as folded (FdCenterSink.agent_event). */
void          fd_center_fold_last_event       (FdCenter         *self);
/* Queues @frame (taken) for the visitor sockets of the conversation. */
void          fd_center_push_visitor_frame    (FdCenter         *self,
                                               gint64            conversation_id,
                                               FdFrame          *frame);
/* Writes an agent's ACD state and tells the agent's sockets. */
gboolean      fd_center_store_acd             (FdCenter         *self,
                                               gint64            organization_id,
                                               gint64            agent_id,
                                               FdAcdState        state,
                                               const char       *reason,
                                               gint64            now,
                                               FdAgent         **out_agent,
                                               GError          **error);
/* Ends a conversation: routing forgets it and the visitor is told. */
gboolean      fd_center_close_conversation    (FdCenter         *self,
                                               FdConversation   *conv,
                                               FdClosedBy        by,
                                               const FdRating   *rating,
                                               GError          **error);


void          fd_center_apply_offer           (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               gint64       agent_id,
                                               int          phase,
                                               gint64       bounce_at,
                                               gint64       now);
void          fd_center_apply_withdraw        (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               gint64       agent_id,
                                               const char  *reason,
                                               gint64       now);
void          fd_center_apply_reserved        (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               gint64       agent_id,
                                               gint64       now);
void          fd_center_apply_missed          (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               gint64       now);
void          fd_center_apply_acd             (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       agent_id,
                                               FdAcdState   state,
                                               const char  *reason,
                                               gint64       now);

/* --- The routing engine (fd-center-routing.c) ------------------------------ */

FdRouter     *fd_center_route_new             (void);
void          fd_center_route_free            (FdRouter    *router);
/* Loads (or reloads) one organization's configuration; with @restore also
 * its joined agents, ACD states and open conversations (start-up). */
gboolean      fd_center_route_load            (FdCenter    *self,
                                               gint64       organization_id,
                                               gboolean     restore,
                                               GError     **error);
gboolean      fd_center_route_join            (FdCenter    *self,
                                               gint64       agent_id,
                                               gint64       queue_id,
                                               GError     **error);
void          fd_center_route_leave           (FdCenter    *self,
                                               gint64       agent_id,
                                               gint64       queue_id);
void          fd_center_route_set_acd         (FdCenter    *self,
                                               gint64       agent_id,
                                               FdAcdState   state);
gboolean      fd_center_route_add             (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               gint64       stream_id,
                                               GError     **error);
gboolean      fd_center_route_reserve         (FdCenter    *self,
                                               gint64       conversation_id,
                                               gint64       agent_id,
                                               GError     **error);
gboolean      fd_center_route_reject          (FdCenter    *self,
                                               gint64       conversation_id,
                                               gint64       agent_id,
                                               GError     **error);
gboolean      fd_center_route_transfer        (FdCenter    *self,
                                               gint64       conversation_id,
                                               gint64       from_agent_id,
                                               gint64       to_agent_id,
                                               GError     **error);
void          fd_center_route_close           (FdCenter    *self,
                                               gint64       conversation_id);
/* The colleague a transfer of the conversation is offered to, 0 = none. */
gint64        fd_center_route_transfer_to     (FdCenter    *self,
                                               gint64       conversation_id);
gboolean      fd_center_route_is_joined       (FdCenter    *self,
                                               gint64       agent_id,
                                               gint64       queue_id);
guint         fd_center_route_count_joined    (FdCenter    *self,
                                               gint64       queue_id);
/* Re-arms the one timer for the engine's next deadline. */
void          fd_center_route_rearm           (FdCenter    *self);

/* --- Helpers of the actions (fd-center-actions.c) ------------------------- */

/* A message already stored with this client id, if any. */
FdMessage    *fd_center_find_by_client_id     (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       conversation_id,
                                               const char  *client_id);
gboolean      fd_center_same_sender           (const FdMessage *message,
                                               FdDirection      direction,
                                               gint64           agent_id);
FdQueueState *fd_center_queue_state           (FdCenter      *self,
                                               const FdAgent *agent,
                                               const FdQueue *queue);

G_END_DECLS
