#define G_LOG_DOMAIN "fd-protocol"

#include "fd-messages.h"

#define ENUM_INFO(var, what, ...) \
  static const char * const var##_names[] = { __VA_ARGS__ }; \
  const FdEnumInfo var = { what, var##_names, G_N_ELEMENTS (var##_names) }

ENUM_INFO (fd_withdraw_reason_enum, "withdrawal reason",
           [FD_WITHDRAW_RESERVED_BY_OTHER] = "reserved-by-other",
           [FD_WITHDRAW_REJECTED] = "rejected",
           [FD_WITHDRAW_BOUNCED] = "bounced",
           [FD_WITHDRAW_PHASE_ENDED] = "phase-ended",
           [FD_WITHDRAW_LEFT_QUEUE] = "left-queue",
           [FD_WITHDRAW_CLOSED] = "closed",
           [FD_WITHDRAW_UNAVAILABLE] = "unavailable",
           [FD_WITHDRAW_STREAM_REMOVED] = "stream-removed",
           [FD_WITHDRAW_RECONFIGURED] = "reconfigured");
ENUM_INFO (fd_call_outcome_enum, "call outcome",
           [FD_CALL_ANSWERED] = "answered",
           [FD_CALL_NO_ANSWER] = "no-answer",
           [FD_CALL_BUSY] = "busy",
           [FD_CALL_VOICEMAIL] = "voicemail",
           [FD_CALL_FAILED] = "failed");
ENUM_INFO (fd_closed_by_enum, "closer",
           [FD_CLOSED_BY_AGENT] = "agent",
           [FD_CLOSED_BY_VISITOR] = "visitor",
           [FD_CLOSED_BY_SYSTEM] = "system");
ENUM_INFO (fd_delivery_state_enum, "delivery state",
           [FD_DELIVERY_QUEUED] = "queued",
           [FD_DELIVERY_SENT] = "sent",
           [FD_DELIVERY_FAILED] = "failed");
ENUM_INFO (fd_stream_health_enum, "stream health",
           [FD_STREAM_HEALTH_OK] = "ok",
           [FD_STREAM_HEALTH_NEEDS_ATTENTION] = "needs-attention",
           [FD_STREAM_HEALTH_NEEDS_AUTHORIZATION] = "needs-authorization");
ENUM_INFO (fd_log_sort_enum, "log sort",
           [FD_LOG_SORT_ASSIGNED] = "assigned",
           [FD_LOG_SORT_TYPE] = "type",
           [FD_LOG_SORT_QUEUE] = "queue",
           [FD_LOG_SORT_DURATION] = "duration",
           [FD_LOG_SORT_REMOTE_PARTY] = "remote-party");

const char *
fd_withdraw_reason_to_string (FdWithdrawReason value)
{
  return fd_enum_to_string (&fd_withdraw_reason_enum, (int) value);
}

gboolean
fd_withdraw_reason_from_string (const char       *str,
                                FdWithdrawReason *out)
{
  int v;

  if (!fd_enum_from_string (&fd_withdraw_reason_enum, str, &v))
    return FALSE;
  if (out != NULL)
    *out = (FdWithdrawReason) v;
  return TRUE;
}

FD_DEFINE_ENUM (FdCallOutcome, fd_call_outcome, fd_call_outcome_enum)
FD_DEFINE_ENUM (FdClosedBy, fd_closed_by, fd_closed_by_enum)
FD_DEFINE_ENUM (FdDeliveryState, fd_delivery_state, fd_delivery_state_enum)
FD_DEFINE_ENUM (FdStreamHealth, fd_stream_health, fd_stream_health_enum)
FD_DEFINE_ENUM (FdLogSort, fd_log_sort, fd_log_sort_enum)

/* BODY (TypeName, type_name, "what", rows…) declares the table, its info and
 * the typed functions in one go. */
#define BODY(TypeName, type_name, what, ...) \
  static const FdFieldInfo type_name##_fields[] = { __VA_ARGS__ }; \
  FD_TYPE_INFO (type_name##_info, what, TypeName, type_name##_fields, type_name##_free); \
  FD_DEFINE_CODEC_TYPE (TypeName, type_name, type_name##_info)

/* --- agent requests ------------------------------------------------------ */

#define T FdHello
BODY (T, fd_hello, "hello",
      FD_F_INT (T, protocol, TRUE),
      FD_F_INT64 (T, last_seq, FALSE),
      FD_F_STRING (T, client, FALSE, FD_LIMIT_NAME),
      FD_F_BOOL (T, message_conversation, FALSE))
#undef T

#define T FdQueueRef
BODY (T, fd_queue_ref, "queue reference",
      FD_F_INT64 (T, queue_id, TRUE))
#undef T

#define T FdSetAcd
BODY (T, fd_set_acd, "ACD state change",
      FD_F_ENUM (T, state, TRUE, &fd_acd_state_enum),
      FD_F_STRING (T, reason, FALSE, FD_LIMIT_NAME))
#undef T

#define T FdConversationRef
BODY (T, fd_conversation_ref, "conversation reference",
      FD_F_INT64 (T, conversation_id, TRUE))
#undef T

#define T FdContactRef
BODY (T, fd_contact_ref, "contact reference",
      FD_F_INT64 (T, contact_id, TRUE))
#undef T

#define T FdSendMessage
BODY (T, fd_send_message, "message to send",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_STRING (T, client_id, TRUE, FD_LIMIT_ID),
      FD_F_STRING (T, text, FALSE, FD_LIMIT_TEXT),
      FD_F_STRING (T, subject, FALSE, FD_LIMIT_STRING),
      FD_F_STRV (T, to, FALSE, FD_LIMIT_SMALL_ARRAY),
      FD_F_STRV (T, cc, FALSE, FD_LIMIT_SMALL_ARRAY),
      FD_F_OBJECTS (T, attachments, FALSE, FD_LIMIT_SMALL_ARRAY, &fd_attachment_info),
      FD_F_BOOL (T, direct, FALSE))
#undef T

#define T FdTyping
BODY (T, fd_typing, "typing notice",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_BOOL (T, typing, FALSE))
#undef T

#define T FdMarkRead
BODY (T, fd_mark_read, "read mark",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_INT64 (T, message_id, FALSE))
#undef T

#define T FdTransfer
BODY (T, fd_transfer, "transfer",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_INT64 (T, agent_id, TRUE),
      FD_F_STRING (T, note, FALSE, FD_LIMIT_STRING))
#undef T

#define T FdSearch
BODY (T, fd_search, "search",
      FD_F_STRING (T, search, FALSE, FD_LIMIT_NAME),
      FD_F_INT64 (T, conversation_id, FALSE),
      FD_F_INT (T, limit, FALSE))
#undef T

#define T FdCallbackAttempt
BODY (T, fd_callback_attempt, "call attempt",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_ENUM (T, outcome, TRUE, &fd_call_outcome_enum),
      FD_F_STRING (T, note, FALSE, FD_LIMIT_STRING))
#undef T

#define T FdCrmLog
BODY (T, fd_crm_log, "CRM log entry",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_STRING (T, subject, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, text, TRUE, FD_LIMIT_TEXT),
      FD_F_STRING (T, crm_user, FALSE, FD_LIMIT_NAME))
#undef T

/* --- agent results and events -------------------------------------------- */

#define T FdWelcome
BODY (T, fd_welcome, "welcome",
      FD_F_INT (T, protocol, TRUE),
      FD_F_INT64 (T, seq, TRUE),
      FD_F_BOOL (T, resumed, FALSE),
      FD_F_OBJECT (T, agent, FALSE, &fd_agent_info),
      FD_F_OBJECT (T, organization, FALSE, &fd_organization_info),
      FD_F_STRING (T, token, FALSE, FD_LIMIT_ID),
      FD_F_STRING (T, crm_provider, FALSE, FD_LIMIT_NAME))
#undef T

#define T FdCannedReplies
BODY (T, fd_canned_replies, "canned reply list",
      FD_F_OBJECTS (T, items, TRUE, 0, &fd_canned_reply_info))
#undef T

#define T FdColleague
BODY (T, fd_colleague, "colleague",
      FD_F_INT64 (T, agent_id, TRUE),
      FD_F_STRING (T, name, TRUE, FD_LIMIT_NAME),
      FD_F_ENUM (T, acd_state, TRUE, &fd_acd_state_enum),
      FD_F_BOOL (T, online, FALSE),
      FD_F_BOOL (T, joined, FALSE))
#undef T

#define T FdColleagues
BODY (T, fd_colleagues, "colleague list",
      FD_F_OBJECTS (T, items, TRUE, 0, &fd_colleague_info))
#undef T

#define T FdResources
BODY (T, fd_resources, "resource list",
      FD_F_OBJECTS (T, items, TRUE, 0, &fd_resource_info))
#undef T

#define T FdConversations
BODY (T, fd_conversations, "conversation list",
      FD_F_OBJECTS (T, conversations, TRUE, 0, &fd_conversation_info))
#undef T

#define T FdConversationDetail
BODY (T, fd_conversation_detail, "conversation with messages",
      FD_F_OBJECT (T, conversation, TRUE, &fd_conversation_info),
      FD_F_OBJECTS (T, messages, FALSE, 0, &fd_message_info))
#undef T

#define T FdAgentStats
BODY (T, fd_agent_stats, "agent stats",
      FD_F_INT (T, closed_today, FALSE),
      FD_F_INT (T, held, FALSE),
      FD_F_INT (T, missed_today, FALSE),
      FD_F_INT (T, average_handle_seconds, FALSE),
      FD_F_INT (T, average_first_reply_seconds, FALSE),
      FD_F_INT (T, average_rating_x100, FALSE),
      FD_F_INT (T, rated_today, FALSE),
      FD_F_ENUM (T, acd_state, FALSE, &fd_acd_state_enum),
      FD_F_STRING (T, acd_reason, FALSE, FD_LIMIT_NAME),
      FD_F_TIME (T, state_since, FALSE))
#undef T

#define T FdStatsReport
BODY (T, fd_stats_report, "stats report",
      FD_F_OBJECTS (T, rows, TRUE, 0, &fd_stats_info),
      FD_F_OBJECT (T, agent, FALSE, &fd_agent_stats_info))
#undef T

#define T FdStatsHistory
BODY (T, fd_stats_history, "stats history",
      FD_F_OBJECTS (T, samples, TRUE, FD_LIMIT_STATS_SAMPLES, &fd_stats_info))
#undef T

#define T FdAgentState
BODY (T, fd_agent_state, "agent state",
      FD_F_INT64 (T, agent_id, TRUE),
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
      FD_F_ENUM (T, acd_state, FALSE, &fd_acd_state_enum),
      FD_F_STRING (T, acd_reason, FALSE, FD_LIMIT_NAME),
      FD_F_TIME (T, state_since, FALSE),
      FD_F_INT (T, held, FALSE),
      FD_F_INT64S (T, joined_queue_ids, FALSE, FD_LIMIT_ARRAY))
#undef T

#define T FdAgentStates
BODY (T, fd_agent_states, "agent state list",
      FD_F_OBJECTS (T, agents, TRUE, FD_LIMIT_ARRAY, &fd_agent_state_info))
#undef T

#define T FdQueueState
BODY (T, fd_queue_state, "queue state",
      FD_F_INT64 (T, queue_id, TRUE),
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
      FD_F_BOOL (T, joined, FALSE),
      FD_F_INT (T, members, FALSE),
      FD_F_INT (T, members_joined, FALSE))
#undef T

#define T FdOfferEvent
BODY (T, fd_offer_event, "offer event",
      FD_F_OBJECT (T, offer, TRUE, &fd_offer_info),
      FD_F_OBJECT (T, conversation, TRUE, &fd_conversation_info))
#undef T

#define T FdWithdraw
BODY (T, fd_withdraw, "withdrawal",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_ENUM (T, reason, TRUE, &fd_withdraw_reason_enum))
#undef T

#define T FdDelivery
BODY (T, fd_delivery, "delivery",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_INT64 (T, message_id, TRUE),
      FD_F_ENUM (T, state, FALSE, &fd_delivery_state_enum),
      FD_F_STRING (T, reason, FALSE, FD_LIMIT_STRING),
      FD_F_INT (T, attempts, FALSE),
      FD_F_OBJECT (T, tweet, FALSE, &fd_tweet_info))
#undef T

#define T FdStreamHealthInfo
BODY (T, fd_stream_health_info, "stream health",
      FD_F_INT64 (T, stream_id, TRUE),
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
      FD_F_ENUM (T, kind, FALSE, &fd_stream_kind_enum),
      FD_F_ENUM (T, health, TRUE, &fd_stream_health_enum),
      FD_F_STRING (T, reason, FALSE, FD_LIMIT_STRING),
      FD_F_INT (T, calls_today, FALSE))
#undef T

#define T FdStreamHealthList
BODY (T, fd_stream_health_list, "stream health list",
      FD_F_OBJECTS (T, items, TRUE, 0, &fd_stream_health_info_info))
#undef T

#define T FdLogQuery
BODY (T, fd_log_query, "conversation log query",
      FD_F_ENUM (T, sort, FALSE, &fd_log_sort_enum),
      FD_F_BOOL (T, descending, FALSE),
      FD_F_STRV (T, kinds, FALSE, FD_LOG_MAX_KINDS),
      FD_F_INT64 (T, queue_id, FALSE),
      FD_F_TIME (T, from, FALSE),
      FD_F_TIME (T, to, FALSE),
      FD_F_STRING (T, search, FALSE, FD_LOG_MAX_SEARCH),
      FD_F_INT (T, limit, FALSE),
      FD_F_STRING (T, cursor, FALSE, FD_LOG_MAX_CURSOR))
#undef T

#define T FdLogEntry
BODY (T, fd_log_entry, "conversation log entry",
      FD_F_INT64 (T, id, TRUE),
      FD_F_TIME (T, first_assigned_at, FALSE),
      FD_F_TIME (T, created_at, FALSE),
      FD_F_TIME (T, closed_at, FALSE),
      FD_F_ENUM (T, kind, FALSE, &fd_stream_kind_enum),
      FD_F_ENUM (T, state, FALSE, &fd_conversation_state_enum),
      FD_F_INT64 (T, queue_id, FALSE),
      FD_F_STRING (T, queue_name, FALSE, FD_LIMIT_NAME),
      FD_F_INT64 (T, handle_seconds, FALSE),
      FD_F_STRING (T, remote_party, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, remote_party_label, FALSE, FD_LIMIT_NAME),
      FD_F_INT64 (T, agent_id, FALSE),
      FD_F_INT (T, rating, FALSE))
#undef T

#define T FdLogPage
BODY (T, fd_log_page, "conversation log page",
      FD_F_OBJECTS (T, items, TRUE, FD_LOG_MAX_LIMIT, &fd_log_entry_info),
      FD_F_STRING (T, next_cursor, FALSE, FD_LOG_MAX_CURSOR))
#undef T

#define T FdSnapshot
BODY (T, fd_snapshot, "snapshot",
      FD_F_OBJECT (T, agent, TRUE, &fd_agent_info),
      FD_F_OBJECTS (T, queues, TRUE, 0, &fd_queue_state_info),
      FD_F_OBJECTS (T, conversations, TRUE, 0, &fd_conversation_detail_info),
      FD_F_OBJECTS (T, offers, TRUE, 0, &fd_offer_info),
      FD_F_INT (T, page, FALSE),
      FD_F_BOOL (T, more, FALSE))
#undef T

#define T FdErrorBody
BODY (T, fd_error_body, "error",
      FD_F_ENUM (T, code, TRUE, &fd_wire_error_enum),
      FD_F_STRING (T, message, FALSE, FD_LIMIT_STRING),
      FD_F_INT (T, retry_after, FALSE))
#undef T

/* --- agent HTTP API: sign-in --------------------------------------------- */

#define T FdSignInRequest
BODY (T, fd_sign_in_request, "sign-in request",
      FD_F_STRING (T, email, TRUE, FD_LIMIT_NAME),
      FD_F_STRING (T, password, TRUE, FD_LIMIT_NAME))
#undef T

#define T FdSignIn
BODY (T, fd_sign_in, "sign-in",
      FD_F_STRING (T, token, TRUE, FD_LIMIT_ID),
      FD_F_OBJECT (T, agent, FALSE, &fd_agent_info),
      FD_F_OBJECT (T, organization, FALSE, &fd_organization_info))
#undef T

/* --- visitor HTTP API ---------------------------------------------------- */

#define T FdVisitorSessionRequest
BODY (T, fd_visitor_session_request, "chat request",
      FD_F_STRING (T, stream_key, TRUE, FD_LIMIT_ID),
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, email, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, phone, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, department, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, page_url, FALSE, FD_LIMIT_STRING))
#undef T

#define T FdVisitorSession
BODY (T, fd_visitor_session, "visitor session",
      FD_F_STRING (T, token, TRUE, FD_LIMIT_ID),
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_STRING (T, socket_url, FALSE, FD_LIMIT_STRING))
#undef T

#define T FdCallbackRequest
BODY (T, fd_callback_request, "callback request",
      FD_F_STRING (T, stream_key, TRUE, FD_LIMIT_ID),
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, number, TRUE, FD_LIMIT_NAME),
      FD_F_STRING (T, department, FALSE, FD_LIMIT_NAME),
      FD_F_STRING (T, preferred_time, FALSE, FD_LIMIT_NAME))
#undef T

#define T FdCallbackCreated
BODY (T, fd_callback_created, "callback",
      FD_F_INT64 (T, conversation_id, TRUE))
#undef T

/* --- visitor websocket --------------------------------------------------- */

#define T FdVisitorHello
BODY (T, fd_visitor_hello, "visitor hello",
      FD_F_INT64 (T, last_message_id, FALSE))
#undef T

#define T FdVisitorSend
BODY (T, fd_visitor_send, "visitor message to send",
      FD_F_STRING (T, client_id, TRUE, FD_LIMIT_ID),
      FD_F_STRING (T, text, TRUE, FD_LIMIT_TEXT))
#undef T

#define T FdVisitorTyping
BODY (T, fd_visitor_typing, "visitor typing notice",
      FD_F_BOOL (T, typing, FALSE))
#undef T

#define T FdRating
BODY (T, fd_rating, "rating",
      FD_F_INT (T, rating, FALSE),
      FD_F_STRING (T, comment, FALSE, FD_LIMIT_STRING))
#undef T

#define T FdVisitorWelcome
BODY (T, fd_visitor_welcome, "visitor welcome",
      FD_F_INT64 (T, conversation_id, TRUE),
      FD_F_ENUM (T, state, FALSE, &fd_conversation_state_enum),
      FD_F_STRING (T, agent_name, FALSE, FD_LIMIT_NAME),
      FD_F_OBJECTS (T, messages, FALSE, 0, &fd_message_info))
#undef T

#define T FdAgentJoined
BODY (T, fd_agent_joined, "agent joined",
      FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME))
#undef T

#define T FdVisitorClosed
BODY (T, fd_visitor_closed, "closed",
      FD_F_ENUM (T, by, FALSE, &fd_closed_by_enum),
      FD_F_BOOL (T, ask_rating, FALSE))
#undef T

FdErrorBody *
fd_error_body_new_full (FdWireError  code,
                        const char  *message)
{
  FdErrorBody *self = fd_error_body_new ();

  self->code = code;
  self->message = g_strdup (message);
  return self;
}
