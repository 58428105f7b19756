#pragma once

/* The bodies of the agent and visitor protocol frames and of the visitor
 * HTTP API (docs/protocol.md). Each is a plain struct with a field table in
 * fd-messages.c and the typed API of FD_DECLARE_CODEC_TYPE; entities inside
 * them use the tables of fd-types.c. */

#include "fd-error.h"
#include "fd-types.h"

G_BEGIN_DECLS

typedef enum {
  FD_WITHDRAW_RESERVED_BY_OTHER,
  FD_WITHDRAW_REJECTED,
  FD_WITHDRAW_BOUNCED,
  FD_WITHDRAW_PHASE_ENDED,
  FD_WITHDRAW_LEFT_QUEUE,
  FD_WITHDRAW_CLOSED,
  FD_WITHDRAW_UNAVAILABLE,     /* the agent became unavailable or wrap-up */
  FD_WITHDRAW_STREAM_REMOVED,  /* the media stream was deleted */
  FD_WITHDRAW_RECONFIGURED,    /* the stream's routing phases changed */
} FdWithdrawReason;

typedef enum {
  FD_CALL_ANSWERED,
  FD_CALL_NO_ANSWER,
  FD_CALL_BUSY,
  FD_CALL_VOICEMAIL,
  FD_CALL_FAILED,
} FdCallOutcome;

typedef enum {
  FD_CLOSED_BY_AGENT,
  FD_CLOSED_BY_VISITOR,
  FD_CLOSED_BY_SYSTEM,
} FdClosedBy;

/* Where an email reply is in the durable outbox (docs/protocol.md,
 * "Email delivery"). */
typedef enum {
  FD_DELIVERY_QUEUED,
  FD_DELIVERY_SENT,
  FD_DELIVERY_FAILED,
} FdDeliveryState;

/* The health of a media stream as the agent protocol tells supervisors
 * (docs/protocol.md, "stream health"); the store keeps it as text. */
typedef enum {
  FD_STREAM_HEALTH_OK,
  FD_STREAM_HEALTH_NEEDS_ATTENTION,
  FD_STREAM_HEALTH_NEEDS_AUTHORIZATION,
} FdStreamHealth;

/* The columns the Activity Log sorts by (docs/protocol.md,
 * "list-conversation-log"). */
typedef enum {
  FD_LOG_SORT_ASSIGNED,
  FD_LOG_SORT_TYPE,
  FD_LOG_SORT_QUEUE,
  FD_LOG_SORT_DURATION,
  FD_LOG_SORT_REMOTE_PARTY,
} FdLogSort;

FD_DECLARE_ENUM (FdWithdrawReason, fd_withdraw_reason)
FD_DECLARE_ENUM (FdCallOutcome, fd_call_outcome)
FD_DECLARE_ENUM (FdClosedBy, fd_closed_by)
FD_DECLARE_ENUM (FdDeliveryState, fd_delivery_state)
FD_DECLARE_ENUM (FdStreamHealth, fd_stream_health)
FD_DECLARE_ENUM (FdLogSort, fd_log_sort)
extern const FdEnumInfo fd_withdraw_reason_enum;
extern const FdEnumInfo fd_call_outcome_enum;
extern const FdEnumInfo fd_closed_by_enum;
extern const FdEnumInfo fd_delivery_state_enum;
extern const FdEnumInfo fd_stream_health_enum;
extern const FdEnumInfo fd_log_sort_enum;
extern const FdEnumInfo fd_wire_error_enum;

/* --- agent protocol: requests -------------------------------------------- */

typedef struct {
  gint         protocol;       /* FD_PROTOCOL_VERSION the client speaks */
  gint64       last_seq;       /* last event seq seen; 0 = new session */
  char        *client;         /* "frontdesk/0.1.0" */
  /* The client applies the conversation a `message` event carries: the
   * server leaves out the `conversation` event that would only repeat it
   * (docs/protocol.md, "hello"). */
  gboolean     message_conversation;
} FdHello;

typedef struct {
  gint64       queue_id;
} FdQueueRef;

typedef struct {
  FdAcdState   state;
  char        *reason;         /* unavailable only: "lunch", "busy", … */
} FdSetAcd;

typedef struct {
  gint64       conversation_id;
} FdConversationRef;

typedef struct {
  gint64       contact_id;
} FdContactRef;

typedef struct {
  gint64       conversation_id;
  char        *client_id;      /* idempotency key, unique per sender */
  char        *text;
  char        *subject;        /* email */
  char       **to;             /* email; NULL = reply to the customer */
  char       **cc;             /* email */
  GPtrArray   *attachments;    /* FdAttachment*, uploaded before sending */
  gboolean     direct;         /* twitter: as a direct message, not a reply */
} FdSendMessage;

typedef struct {
  gint64       conversation_id;
  gboolean     typing;
} FdTyping;

typedef struct {
  gint64       conversation_id;
  gint64       message_id;     /* last message read; 0 = all */
} FdMarkRead;

typedef struct {
  gint64       conversation_id;
  gint64       agent_id;       /* colleague joined to the same media stream */
  char        *note;
} FdTransfer;

/* The "delivery" event of an email reply, and the body of "retry-delivery"
 * (which reads only the two ids). */
struct _FdDelivery {
  gint64           conversation_id;
  gint64           message_id;
  FdDeliveryState  state;
  char            *reason;     /* failed: the mail server's or X's answer */
  gint             attempts;
  FdTweet         *tweet;      /* an X reply sent: its post or DM as stored (X's id, url); NULL otherwise */
};

/* The "stream-health" event, and an item of the ack of
 * "list-stream-health": a media stream that needs a supervisor, or is
 * fine again (ok). */
typedef struct {
  gint64          stream_id;
  char           *name;
  FdStreamKind    kind;
  FdStreamHealth  health;
  char           *reason;      /* what is wrong and what to do; NULL when ok */
  gint            calls_today; /* twitter: X API calls made since 00:00 UTC */
} FdStreamHealthInfo;

typedef struct {
  GPtrArray   *items;          /* FdStreamHealthInfo* */
} FdStreamHealthList;

/* The Activity Log (docs/protocol.md, "list-conversation-log"): a page
 * of the conversations the agent may see in the log. */
#define FD_LOG_DEFAULT_LIMIT  50
#define FD_LOG_MAX_LIMIT      200
#define FD_LOG_MAX_KINDS      4
#define FD_LOG_MAX_SEARCH     FD_LIMIT_NAME
#define FD_LOG_MAX_CURSOR     FD_LIMIT_STRING

typedef struct {
  FdLogSort    sort;
  gboolean     descending;
  char       **kinds;          /* stream kinds to keep; NULL or empty = all */
  gint64       queue_id;       /* 0 = every queue */
  gint64       from;           /* assigned at or after; 0 = no bound */
  gint64       to;             /* assigned before; 0 = no bound */
  char        *search;         /* words of the messages' text; NULL = none */
  gint         limit;          /* 0 = FD_LOG_DEFAULT_LIMIT */
  char        *cursor;         /* next_cursor of the previous page */
} FdLogQuery;

typedef struct {
  gint64               id;
  gint64               first_assigned_at;
  gint64               created_at;
  gint64               closed_at;
  FdStreamKind         kind;
  FdConversationState  state;
  gint64               queue_id;
  char                *queue_name;
  gint64               handle_seconds;      /* -1 = never assigned */
  char                *remote_party;
  char                *remote_party_label;  /* the CRM's label; NULL = none */
  gint64               agent_id;
  gint                 rating;
} FdLogEntry;

typedef struct {
  GPtrArray   *items;          /* FdLogEntry* */
  char        *next_cursor;    /* NULL on the last page */
} FdLogPage;

typedef struct {
  char        *search;         /* matched against name and text; NULL = all */
  gint64       conversation_id;/* levels visible from this conversation; 0 = all */
  gint         limit;          /* 0 = server default */
} FdSearch;

typedef struct {
  gint64         conversation_id;
  FdCallOutcome  outcome;
  char          *note;
} FdCallbackAttempt;

typedef struct {
  gint64       conversation_id;
  char        *subject;
  char        *text;
  char        *crm_user;       /* the agent's own CRM user id/username; NULL = none */
} FdCrmLog;

/* --- agent protocol: results and events ---------------------------------- */

typedef struct {
  gint             protocol;
  gint64           seq;        /* the organization's current event seq */
  gboolean         resumed;    /* TRUE: missed events follow; FALSE: a snapshot */
  FdAgent         *agent;
  FdOrganization  *organization;
  char            *token;      /* a rotated token that replaces the app's; NULL = keep it */
  char            *crm_provider; /* the organization's connected CRM; NULL = none */
} FdWelcome;

typedef struct {
  GPtrArray   *items;          /* FdCannedReply* */
} FdCannedReplies;

/* A member of a conversation's queue: one it can be transferred to when
 * @joined, listed as unavailable otherwise. */
typedef struct {
  gint64       agent_id;
  char        *name;
  FdAcdState   acd_state;
  gboolean     online;         /* the app is connected right now */
  gboolean     joined;         /* joined to the conversation's queue */
} FdColleague;

typedef struct {
  GPtrArray   *items;          /* FdColleague* */
} FdColleagues;

typedef struct {
  GPtrArray   *items;          /* FdResource* */
} FdResources;

typedef struct {
  GPtrArray   *conversations;  /* FdConversation*, newest first */
} FdConversations;

typedef struct {
  FdConversation *conversation;
  GPtrArray      *messages;    /* FdMessage*, oldest first */
} FdConversationDetail;

/* The asking agent's own figures today (docs/statistics.md). */
typedef struct {
  gint         closed_today;
  gint         held;           /* reserved by this agent now */
  gint         missed_today;   /* offers to this agent that bounced or were rejected */
  gint         average_handle_seconds;
  gint         average_first_reply_seconds;
  gint         average_rating_x100;  /* 0 = no rating */
  gint         rated_today;
  FdAcdState   acd_state;
  char        *acd_reason;
  gint64       state_since;
} FdAgentStats;

typedef struct {
  GPtrArray    *rows;          /* FdStats* */
  FdAgentStats *agent;         /* the ack of "stats" only; NULL in the event */
} FdStatsReport;

/* The history the server keeps for "stats-history": one sample per row per
 * minute for FD_STATS_HISTORY_MINUTES minutes, for at most
 * FD_STATS_HISTORY_ROWS rows of an organization, so that the ack stays far
 * below FD_LIMIT_SERVER_FRAME_SIZE. */
#define FD_STATS_HISTORY_MINUTES   60
#define FD_STATS_HISTORY_ROWS      100
#define FD_LIMIT_STATS_SAMPLES     (FD_STATS_HISTORY_MINUTES * FD_STATS_HISTORY_ROWS)

/* The ack of "stats-history": the last hour, one sample per row per
 * minute, oldest first. */
typedef struct {
  GPtrArray   *samples;        /* FdStats* with their at */
} FdStatsHistory;

/* One row of a supervisor's table of agents: the ack of
 * "list-agent-states" lists them, the "supervised-agent-state" event
 * replaces one. */
typedef struct {
  gint64       agent_id;
  char        *name;
  FdAcdState   acd_state;      /* FD_ACD_OFFLINE when no app is connected */
  char        *acd_reason;
  gint64       state_since;
  gint         held;           /* conversations reserved by the agent now */
  GArray      *joined_queue_ids; /* gint64 */
} FdAgentState;

typedef struct {
  GPtrArray   *agents;         /* FdAgentState*, by name */
} FdAgentStates;

typedef struct {
  gint64       queue_id;
  char        *name;
  gboolean     joined;         /* this agent is joined */
  gint         members;
  gint         members_joined;
} FdQueueState;

typedef struct {
  FdOffer        *offer;
  FdConversation *conversation;
} FdOfferEvent;

typedef struct {
  gint64            conversation_id;
  FdWithdrawReason  reason;
} FdWithdraw;

typedef struct {
  FdAgent     *agent;
  GPtrArray   *queues;         /* FdQueueState* */
  GPtrArray   *conversations;  /* FdConversationDetail*: offered and reserved */
  GPtrArray   *offers;         /* FdOffer* to this agent */
  gint         page;           /* 1, 2, …: the page of a paged snapshot (0 reads as 1) */
  gboolean     more;           /* TRUE: another page of this snapshot follows */
} FdSnapshot;

typedef struct {
  FdWireError  code;
  char        *message;        /* a sentence for a person */
  gint         retry_after;    /* seconds, rate-limited only */
} FdErrorBody;

/* --- agent HTTP API: sign-in --------------------------------------------- */

typedef struct {
  char        *email;
  char        *password;       /* never logged */
} FdSignInRequest;

typedef struct {
  char            *token;      /* bearer token of the agent websocket */
  FdAgent         *agent;
  FdOrganization  *organization;
} FdSignIn;

/* --- visitor HTTP API ---------------------------------------------------- */

typedef struct {
  char        *stream_key;
  char        *name;
  char        *email;
  char        *phone;
  char        *department;
  char        *page_url;
} FdVisitorSessionRequest;

typedef struct {
  char        *token;
  gint64       conversation_id;
  char        *socket_url;
} FdVisitorSession;

typedef struct {
  char        *stream_key;
  char        *name;
  char        *number;
  char        *department;
  char        *preferred_time;
} FdCallbackRequest;

typedef struct {
  gint64       conversation_id;
} FdCallbackCreated;

/* --- visitor websocket --------------------------------------------------- */

typedef struct {
  gint64       last_message_id;  /* 0 = all messages */
} FdVisitorHello;

typedef struct {
  char        *client_id;
  char        *text;
} FdVisitorSend;

typedef struct {
  gboolean     typing;
} FdVisitorTyping;

typedef struct {
  gint         rating;         /* 1..5, 0 = none */
  char        *comment;
} FdRating;

typedef struct {
  gint64               conversation_id;
  FdConversationState  state;
  char                *agent_name;  /* NULL until an agent reserved it */
  GPtrArray           *messages;    /* FdMessage* after last_message_id */
} FdVisitorWelcome;

typedef struct {
  char        *name;
} FdAgentJoined;

typedef struct {
  FdClosedBy   by;
  gboolean     ask_rating;
} FdVisitorClosed;

#define FD_BODY(TypeName, type_name) \
  FD_DECLARE_CODEC_TYPE (TypeName, type_name) \
  extern const FdTypeInfo type_name##_info;

FD_BODY (FdHello, fd_hello)
FD_BODY (FdQueueRef, fd_queue_ref)
FD_BODY (FdSetAcd, fd_set_acd)
FD_BODY (FdConversationRef, fd_conversation_ref)
FD_BODY (FdContactRef, fd_contact_ref)
FD_BODY (FdSendMessage, fd_send_message)
FD_BODY (FdTyping, fd_typing)
FD_BODY (FdMarkRead, fd_mark_read)
FD_BODY (FdTransfer, fd_transfer)
FD_BODY (FdSearch, fd_search)
FD_BODY (FdCallbackAttempt, fd_callback_attempt)
FD_BODY (FdCrmLog, fd_crm_log)
FD_BODY (FdWelcome, fd_welcome)
FD_BODY (FdCannedReplies, fd_canned_replies)
FD_BODY (FdColleague, fd_colleague)
FD_BODY (FdColleagues, fd_colleagues)
FD_BODY (FdResources, fd_resources)
FD_BODY (FdConversations, fd_conversations)
FD_BODY (FdConversationDetail, fd_conversation_detail)
FD_BODY (FdAgentStats, fd_agent_stats)
FD_BODY (FdStatsReport, fd_stats_report)
FD_BODY (FdStatsHistory, fd_stats_history)
FD_BODY (FdAgentState, fd_agent_state)
FD_BODY (FdAgentStates, fd_agent_states)
FD_BODY (FdQueueState, fd_queue_state)
FD_BODY (FdOfferEvent, fd_offer_event)
FD_BODY (FdWithdraw, fd_withdraw)
FD_BODY (FdSnapshot, fd_snapshot)
FD_BODY (FdErrorBody, fd_error_body)
FD_BODY (FdDelivery, fd_delivery)
FD_BODY (FdStreamHealthInfo, fd_stream_health_info)
FD_BODY (FdStreamHealthList, fd_stream_health_list)
FD_BODY (FdLogQuery, fd_log_query)
FD_BODY (FdLogEntry, fd_log_entry)
FD_BODY (FdLogPage, fd_log_page)
FD_BODY (FdSignInRequest, fd_sign_in_request)
FD_BODY (FdSignIn, fd_sign_in)
FD_BODY (FdVisitorSessionRequest, fd_visitor_session_request)
FD_BODY (FdVisitorSession, fd_visitor_session)
FD_BODY (FdCallbackRequest, fd_callback_request)
FD_BODY (FdCallbackCreated, fd_callback_created)
FD_BODY (FdVisitorHello, fd_visitor_hello)
FD_BODY (FdVisitorSend, fd_visitor_send)
FD_BODY (FdVisitorTyping, fd_visitor_typing)
FD_BODY (FdRating, fd_rating)
FD_BODY (FdVisitorWelcome, fd_visitor_welcome)
FD_BODY (FdAgentJoined, fd_agent_joined)
FD_BODY (FdVisitorClosed, fd_visitor_closed)

#undef FD_BODY

/* An error body with a code and a sentence. */
FdErrorBody *fd_error_body_new_full (FdWireError  code,
                                     const char  *message);

G_END_DECLS
