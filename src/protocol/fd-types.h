#pragma once

/* The domain entities of Frontdesk, shared by the server's store, the wire
 * protocol, frontdeskctl and the agent app. Plain C structs: each has a field
 * table in fd-types.c that drives the JSON codec, copy and free, so a field is
 * declared in exactly two places (here and its table row).
 *
 * Conventions:
 *  - ids are SQLite rowids (gint64, > 0); 0 means "none/unset".
 *  - times are gint64 microseconds since the Unix epoch (g_get_real_time());
 *    0 means "not yet". On the wire they are RFC 3339 UTC strings.
 *  - strings are UTF-8, owned, NULL when absent.
 *  - every entity but FdOrganization carries organization_id: the server
 *    authorizes every action by it.
 */

#include <glib.h>
#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "fd-codec.h"

G_BEGIN_DECLS

typedef enum {
  FD_ROLE_AGENT,
  FD_ROLE_SUPERVISOR,
  FD_ROLE_ADMIN,
} FdRole;

typedef enum {
  FD_ACD_AVAILABLE,
  FD_ACD_UNAVAILABLE,     /* with acd_reason, e.g. "lunch", "busy" */
  FD_ACD_WRAP_UP,
  FD_ACD_OFFLINE,         /* reported only (agent state): no app connected;
                           * never set by set-acd nor stored */
} FdAcdState;

/* What reserving does to the agent's ACD state (organization setting). */
typedef enum {
  FD_RESERVE_ACD_KEEP,         /* nothing changes */
  FD_RESERVE_ACD_UNAVAILABLE,  /* unavailable, reason "busy" */
  FD_RESERVE_ACD_WRAP_UP,
} FdReserveAcd;

typedef enum {
  FD_STREAM_WEBCHAT,
  FD_STREAM_CALLBACK,
  FD_STREAM_EMAIL,
  FD_STREAM_TWITTER,
} FdStreamKind;

typedef enum {
  FD_STRATEGY_RING_ALL,
  FD_STRATEGY_CIRCULAR,
  FD_STRATEGY_LONGEST_IDLE,
} FdStrategy;

typedef enum {
  FD_CONVERSATION_UNRESERVED,
  FD_CONVERSATION_RESERVED,
  FD_CONVERSATION_CLOSED,
  FD_CONVERSATION_MISSED,
} FdConversationState;

typedef enum {
  FD_DIRECTION_IN,      /* from the customer */
  FD_DIRECTION_OUT,     /* from an agent */
  FD_DIRECTION_SYSTEM,  /* "Reserved by …", "Transferred to …" */
} FdDirection;

typedef enum {
  FD_LEVEL_ORGANIZATION,
  FD_LEVEL_QUEUE,
  FD_LEVEL_STREAM,
  FD_LEVEL_AGENT,
} FdLevel;

typedef struct {
  gint64        id;
  char         *name;
  FdReserveAcd  reserve_acd;
  gint64        created_at;
  char        **blocked_extensions;  /* attachment policy; NULL = the server's default */
  char        **authorization_addresses;  /* who gets the streams' authorization emails; NULL = none */
} FdOrganization;

typedef struct {
  gint64      id;
  gint64      organization_id;
  char       *email;          /* unique per server, case-folded */
  char       *name;
  FdRole      role;
  FdAcdState  acd_state;
  char       *acd_reason;
  gint64      idle_since;
  gint64      created_at;
} FdAgent;

typedef struct {
  gint64   id;
  gint64   organization_id;
  char    *name;
  gint     service_level_seconds; /* answered within this is "in service level";
                                   * 0 = the default (20 s) */
  GArray  *member_ids;        /* gint64 agent ids; may be NULL = not loaded */
} FdQueue;

typedef struct {
  gint64        id;
  gint64        organization_id;
  gint64        queue_id;
  FdStreamKind  kind;
  char         *name;
  char         *key;           /* public key the widget names (data-stream) */
  char        **departments;   /* web chat / callback department list */
  char        **allowed_origins;
  char         *settings_json; /* per-kind settings as a JSON object text:
                                * email: address, platform, imap/smtp hosts;
                                * twitter: handle, poll_seconds; never secrets */
  gboolean      deleted;
  gint64        created_at;
  char         *health;        /* email: "ok" or "needs-attention"; NULL = not watched */
  char         *health_reason; /* needs-attention: why, a sentence */
} FdStream;

typedef struct {
  gint64      id;
  gint64      organization_id;
  gint64      stream_id;
  gint        position;        /* 0-based order within the stream */
  FdStrategy  strategy;
  GArray     *agent_ids;       /* gint64; empty = all members of the queue */
  gint        bounce_seconds;  /* automatic bounce; 0 = never */
  gint        duration_seconds;/* phase duration; 0 = until reserved */
} FdPhase;

typedef struct {
  gint64  id;
  gint64  organization_id;
  char   *name;
  char   *email;
  char   *phone;
  char   *twitter_handle;
  char   *crm_label;           /* "(Salesforce Lead)", NULL without a CRM */
  char   *crm_provider;        /* FD_CRM_PROVIDER_*; NULL without a match */
  char   *crm_record_url;      /* https URL of the record in the CRM's web UI */
  char   *crm_company;         /* the record's company / organization; NULL = none */
  char   *crm_kind;            /* "Contact", "Lead", "user"; NULL without a match */
} FdContact;

/* The CRM providers (docs/crm.md); a string on the wire so that a third
 * provider is one more server file, not a protocol change. */
#define FD_CRM_PROVIDER_SALESFORCE "salesforce"
#define FD_CRM_PROVIDER_ZENDESK    "zendesk"

typedef struct {
  char   *name;
  char   *url;
  char   *mime_type;
  gint64  size;
} FdAttachment;

/* The mail an email message is (docs/protocol.md, "Message"): what a
 * person reads in its header. Every address is one mailbox as written,
 * "Name <local@domain>" or "local@domain". */
typedef struct {
  char   *from_name;      /* the sender's display name; NULL = none */
  char   *from;           /* the sender's address */
  char  **to;
  char  **cc;
  char   *subject;        /* as sent or received, token included */
  gint64  date;           /* the Date header (received) or when queued (sent) */
} FdMailHeaders;

/* What an X (Twitter) message is (docs/protocol.md, "Message"): a public
 * post (a mention, or the stream's reply) or a direct message. Ids are
 * X's, decimal strings (they exceed 2^53). */
typedef struct {
  char     *id;             /* the post's or the DM event's id; NULL while an
                             * agent's reply is not posted yet */
  gboolean  direct;         /* a direct message, not a public post */
  char     *author_handle;  /* the author's @handle, without the @ */
  char     *in_reply_to;    /* public: the post this one answers; NULL = none */
  char     *url;            /* https://x.com/<handle>/status/<id>; NULL for DMs */
} FdTweet;

/* Defined with the agent protocol's bodies (fd-messages.h): an email
 * reply's place in the outbox, also carried by its message. */
typedef struct _FdDelivery FdDelivery;

/* The kinds of system notes (FdMessage.note; docs/protocol.md, "Message"):
 * author_name names the agent who has the conversation now. */
#define FD_NOTE_RESERVED     "reserved"     /* an agent reserved it from the queue */
#define FD_NOTE_TRANSFERRED  "transferred"  /* a colleague took it over */

typedef struct {
  gint64               id;
  gint64               organization_id;
  gint64               stream_id;
  gint64               queue_id;
  char                *stream_name;     /* for display ("To"): the server fills it */
  FdStreamKind         kind;
  FdConversationState  state;
  gint64               contact_id;
  FdContact           *contact;         /* may be NULL = not loaded */
  /* What the visitor typed for this conversation (NULL when nothing was
   * typed, or before schema v4). The linked contact keeps its own name:
   * a typed name is never written into it. */
  char                *visitor_name;
  char                *visitor_email;
  gboolean             address_verified; /* the channel proved the address;
                                          * never for typed ones */
  gint64               agent_id;        /* reserving agent, 0 while unreserved */
  gint64               transfer_to;     /* live routing state, not stored: the colleague a
                                         * transfer is offered to, 0 = none */
  char                *subject;         /* email subject, NULL otherwise */
  /* Visitor details captured when a web chat / callback starts. */
  char                *department;
  char                *page_url;
  char                *ip;
  char                *browser;
  char                *os;
  /* Callback request. */
  char                *callback_number;
  char                *callback_time;   /* customer's preferred time, free text */
  /* Times. */
  gint64               created_at;
  gint64               first_assigned_at;
  gint64               reserved_at;
  gint64               first_reply_at;
  gint64               last_customer_message_at; /* unreplied, 0 when replied */
  gint64               closed_at;
  gint                 rating;          /* 1..5, 0 = none */
  char                *comment;
  gint                 unread;          /* customer messages since the agent last read */
  gboolean             dm_requested;    /* twitter: the Direct Message request was sent */
} FdConversation;

typedef struct {
  gint64        id;
  gint64        organization_id;
  gint64        conversation_id;
  FdDirection   direction;
  gint64        agent_id;      /* author when direction is OUT */
  char         *author_name;
  char         *text;
  /* What a system message notes, as a FD_NOTE_* name; NULL for other
   * messages, for notes without a kind (call attempts) and for system
   * messages stored before schema version 5. A client words a kind it
   * knows itself and shows text for any other. */
  char         *note;
  char         *client_id;     /* idempotency key chosen by the sender */
  GPtrArray    *attachments;   /* FdAttachment*; may be NULL */
  gint64        created_at;
  FdMailHeaders *mail;         /* email messages; NULL otherwise */
  FdTweet       *tweet;        /* twitter messages; NULL otherwise */
  FdDelivery    *delivery;     /* an agent's email or X reply; NULL otherwise */
  /* Only in a `message` event to agents whose hello asked for it
   * (docs/protocol.md, "message event"): the conversation as this message
   * left it (unread count, unreplied time), so that no `conversation`
   * event has to follow. Never stored with the message. */
  FdConversation *conversation;
} FdMessage;

typedef struct {
  gint64   id;
  gint64   organization_id;
  FdLevel  level;
  gint64   owner_id;           /* queue, stream or agent id; 0 for organization */
  char    *name;
  char    *text;
} FdCannedReply;

typedef struct {
  gint64   id;
  gint64   organization_id;
  FdLevel  level;
  gint64   owner_id;
  char    *name;
  char    *url;                /* a link, or the server URL of an uploaded file */
  char    *description;
  char    *mime_type;          /* uploaded files only */
  gint64   size;
} FdResource;

/* An offer of a conversation to one agent (routing state, persisted so a
 * restart keeps it). */
typedef struct {
  gint64  conversation_id;
  gint64  agent_id;
  gint    phase;
  gint64  offered_at;
  gint64  bounce_at;           /* 0 = no automatic bounce (callbacks) */
} FdOffer;

/* One row of the stats snapshot, per queue and per stream, and one sample
 * of the last hour's history (docs/statistics.md says what each figure
 * means). Integers only: the codec has no floating type. */
typedef struct {
  gint64  queue_id;
  gint64  stream_id;           /* 0 for the queue's total row */
  gint64  at;                  /* when the figures were computed */
  gint    waiting;
  gint    longest_wait_seconds;
  gint    reserved;
  gint    missed_today;
  gint    closed_today;
  gint    average_first_reply_seconds;
  gint    agents_joined;
  gint    agents_available;
  gint    offered_today;
  gint    answered_today;
  gint    average_handle_seconds;
  gint    average_rating_x100;  /* 0 = no rating */
  gint    rated_today;
  gint    service_level_seconds;
  gint    service_level_percent; /* -1 = nothing answered or abandoned yet */
} FdStats;

/* Wire names of the enums ("webchat", "ring-all", …); _from_string returns
 * FALSE for a name it does not know and leaves *out alone. */
FD_DECLARE_ENUM (FdRole, fd_role)
FD_DECLARE_ENUM (FdAcdState, fd_acd_state)
FD_DECLARE_ENUM (FdReserveAcd, fd_reserve_acd)
FD_DECLARE_ENUM (FdStreamKind, fd_stream_kind)
FD_DECLARE_ENUM (FdStrategy, fd_strategy)
FD_DECLARE_ENUM (FdConversationState, fd_conversation_state)
FD_DECLARE_ENUM (FdDirection, fd_direction)
FD_DECLARE_ENUM (FdLevel, fd_level)

extern const FdEnumInfo fd_role_enum;
extern const FdEnumInfo fd_acd_state_enum;
extern const FdEnumInfo fd_reserve_acd_enum;
extern const FdEnumInfo fd_stream_kind_enum;
extern const FdEnumInfo fd_strategy_enum;
extern const FdEnumInfo fd_conversation_state_enum;
extern const FdEnumInfo fd_direction_enum;
extern const FdEnumInfo fd_level_enum;

/* For every entity: fd_x_new, _free, _copy, _equal, _to_json, _from_json,
 * _list_new, _list_to_json, _list_from_json and g_autoptr support. The
 * FdTypeInfo tables let frame bodies embed entities. */
#define FD_ENTITY(TypeName, type_name) \
  FD_DECLARE_CODEC_TYPE (TypeName, type_name) \
  extern const FdTypeInfo type_name##_info;

FD_ENTITY (FdOrganization, fd_organization)
FD_ENTITY (FdAgent, fd_agent)
FD_ENTITY (FdQueue, fd_queue)
FD_ENTITY (FdStream, fd_stream)
FD_ENTITY (FdPhase, fd_phase)
FD_ENTITY (FdContact, fd_contact)
FD_ENTITY (FdAttachment, fd_attachment)
FD_ENTITY (FdMailHeaders, fd_mail_headers)
FD_ENTITY (FdTweet, fd_tweet)
FD_ENTITY (FdMessage, fd_message)
FD_ENTITY (FdConversation, fd_conversation)
FD_ENTITY (FdCannedReply, fd_canned_reply)
FD_ENTITY (FdResource, fd_resource)
FD_ENTITY (FdOffer, fd_offer)
FD_ENTITY (FdStats, fd_stats)

#undef FD_ENTITY

G_END_DECLS
