#pragma once

/* Internals of FdCenter shared by its sibling files and the agent and visitor
 * APIs. The routing engine is reached only through fd-center-routing.c
 * (fd_center_route_*), which carries out its decisions with the
 * fd_center_apply_* functions. */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-error.h"
#include "fd-store.h"
#include "fd-types.h"
#include "fd-ws-budget.h"

G_BEGIN_DECLS

/* What libsoup itself accepts on a websocket: frames up to this size reach
 * the sockets, which close anything over FD_LIMIT_FRAME_SIZE with 1009 in a
 * proper close handshake; beyond it libsoup drops the connection. */
#define FD_WEBSOCKET_MAX_PAYLOAD (4 * FD_LIMIT_FRAME_SIZE)

typedef struct _FdRouter FdRouter;
typedef struct _FdAgentApi FdAgentApi;
typedef struct _FdVisitorApi FdVisitorApi;

/* One connected agent websocket (owned by fd-agent-socket.c). */
typedef struct {
  FdCenter                *center;
  SoupWebsocketConnection *conn;
  FdWsBudget              *budget;         /* every frame goes through it */
  gint64                   organization_id;
  gint64                   agent_id;
  char                    *token_hash;     /* to close it on sign-out */
  gboolean                 hello_done;     /* events flow only after hello */
  gint64                   last_seq;       /* last event seq sent */
  guint                    hello_timeout_id;
  guint                    silence_id;     /* checks the socket still talks */
  guint                    expiry_id;      /* checks the token again when it expires */
  gint64                   last_activity;  /* monotonic time of the last frame or pong */
  gint64                   bad_window_start;
  guint                    bad_frames;
} FdAgentConn;

/* One connected visitor websocket (owned by fd-visitor-api.c). */
typedef struct {
  FdCenter                *center;
  SoupWebsocketConnection *conn;
  FdWsBudget              *budget;         /* every frame goes through it */
  gint64                   organization_id;
  gint64                   conversation_id;
  gboolean                 hello_done;
} FdVisitorConn;

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
  GPtrArray     *agent_conns;     /* FdAgentConn*, not owned */
  GPtrArray     *visitor_conns;   /* FdVisitorConn*, not owned */
  GPtrArray     *pending;         /* pushes waiting for the commit */
  GError        *apply_error;     /* the first failure while carrying out decisions */
  FdAgentApi    *agent_api;
  FdVisitorApi  *visitor_api;
};

/* Raises a center error: @code is an FdWireError. */
#define fd_center_set_error(error, code, ...) \
  g_set_error ((error), FD_CENTER_ERROR, (code), __VA_ARGS__)

/* The wire code for an error of any domain the center meets. */
FdWireError   fd_center_wire_error_for        (const GError *error);

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
/* Queues a frame text for the visitor sockets of a conversation (taken). */
void          fd_center_push_visitor          (FdCenter    *self,
                                               gint64       conversation_id,
                                               char        *frame_text);
/* The text of an event frame as the log stores it. */
char         *fd_center_event_text            (const char  *type,
                                               gint64       seq,
                                               const char  *payload_json);
/* Whether an agent may see an event of (@queue_id, @agent_id). */
gboolean      fd_center_agent_may_see         (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       agent_id,
                                               gint64       event_queue_id,
                                               gint64       event_agent_id);
gboolean      fd_center_is_member             (FdCenter    *self,
                                               gint64       organization_id,
                                               gint64       queue_id,
                                               gint64       agent_id);

void          fd_center_add_agent_conn        (FdCenter    *self,
                                               FdAgentConn *conn);
void          fd_center_remove_agent_conn     (FdCenter    *self,
                                               FdAgentConn *conn);
void          fd_center_add_visitor_conn      (FdCenter    *self,
                                               FdVisitorConn *conn);
void          fd_center_remove_visitor_conn   (FdCenter    *self,
                                               FdVisitorConn *conn);
/* Closes every socket of a revoked token. */
/* Emits a "conversation" event for @conv with its live transfer state. */
gboolean      fd_center_emit_conversation     (FdCenter             *self,
                                               const FdConversation *conv,
                                               GError              **error);
/* TRUE when the agent has a socket past its hello. */
gboolean      fd_center_agent_is_online       (FdCenter    *self,
                                               gint64       agent_id);
void          fd_center_close_token_sockets   (FdCenter    *self,
                                               const char  *token_hash);

/* --- Decisions of the routing engine, carried out (fd-center.c) ------------ */

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

/* --- The APIs -------------------------------------------------------------- */

FdAgentApi   *fd_agent_api_new                (FdCenter    *center);
void          fd_agent_api_attach             (FdAgentApi  *self,
                                               SoupServer  *server);
void          fd_agent_api_free               (FdAgentApi  *self);
FdVisitorApi *fd_visitor_api_new              (FdCenter    *center);
void          fd_visitor_api_attach           (FdVisitorApi *self,
                                               SoupServer  *server);
void          fd_visitor_api_free             (FdVisitorApi *self);

G_END_DECLS
