#define G_LOG_DOMAIN "fd-protocol"

#include "fd-types.h"
#include "fd-messages.h"

/* --- enums: wire names indexed by value ---------------------------------- */

#define ENUM_INFO(var, what, ...) \
  static const char * const var##_names[] = { __VA_ARGS__ }; \
  const FdEnumInfo var = { what, var##_names, G_N_ELEMENTS (var##_names) }

ENUM_INFO (fd_role_enum, "role",
           [FD_ROLE_AGENT] = "agent",
           [FD_ROLE_SUPERVISOR] = "supervisor",
           [FD_ROLE_ADMIN] = "admin");
ENUM_INFO (fd_acd_state_enum, "ACD state",
           [FD_ACD_AVAILABLE] = "available",
           [FD_ACD_UNAVAILABLE] = "unavailable",
           [FD_ACD_WRAP_UP] = "wrap-up",
           [FD_ACD_OFFLINE] = "offline");
ENUM_INFO (fd_reserve_acd_enum, "reserve ACD setting",
           [FD_RESERVE_ACD_KEEP] = "keep",
           [FD_RESERVE_ACD_UNAVAILABLE] = "unavailable",
           [FD_RESERVE_ACD_WRAP_UP] = "wrap-up");
ENUM_INFO (fd_stream_kind_enum, "media stream kind",
           [FD_STREAM_WEBCHAT] = "webchat",
           [FD_STREAM_CALLBACK] = "callback",
           [FD_STREAM_EMAIL] = "email",
           [FD_STREAM_TWITTER] = "twitter");
ENUM_INFO (fd_strategy_enum, "routing strategy",
           [FD_STRATEGY_RING_ALL] = "ring-all",
           [FD_STRATEGY_CIRCULAR] = "circular",
           [FD_STRATEGY_LONGEST_IDLE] = "longest-idle");
ENUM_INFO (fd_conversation_state_enum, "conversation state",
           [FD_CONVERSATION_UNRESERVED] = "unreserved",
           [FD_CONVERSATION_RESERVED] = "reserved",
           [FD_CONVERSATION_CLOSED] = "closed",
           [FD_CONVERSATION_MISSED] = "missed");
ENUM_INFO (fd_direction_enum, "message direction",
           [FD_DIRECTION_IN] = "in",
           [FD_DIRECTION_OUT] = "out",
           [FD_DIRECTION_SYSTEM] = "system");
ENUM_INFO (fd_level_enum, "level",
           [FD_LEVEL_ORGANIZATION] = "organization",
           [FD_LEVEL_QUEUE] = "queue",
           [FD_LEVEL_STREAM] = "stream",
           [FD_LEVEL_AGENT] = "agent");

FD_DEFINE_ENUM (FdRole, fd_role, fd_role_enum)
FD_DEFINE_ENUM (FdAcdState, fd_acd_state, fd_acd_state_enum)
FD_DEFINE_ENUM (FdReserveAcd, fd_reserve_acd, fd_reserve_acd_enum)
FD_DEFINE_ENUM (FdStreamKind, fd_stream_kind, fd_stream_kind_enum)
FD_DEFINE_ENUM (FdStrategy, fd_strategy, fd_strategy_enum)
FD_DEFINE_ENUM (FdConversationState, fd_conversation_state, fd_conversation_state_enum)
FD_DEFINE_ENUM (FdDirection, fd_direction, fd_direction_enum)
FD_DEFINE_ENUM (FdLevel, fd_level, fd_level_enum)

/* --- field tables: one row per struct field ------------------------------ */

#define T FdOrganization
static const FdFieldInfo organization_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_ENUM (T, reserve_acd, FALSE, &fd_reserve_acd_enum),
  FD_F_TIME (T, created_at, FALSE),
  FD_F_STRV (T, blocked_extensions, FALSE, FD_LIMIT_ARRAY),
  FD_F_STRV (T, authorization_addresses, FALSE, FD_LIMIT_SMALL_ARRAY),
};
FD_TYPE_INFO (fd_organization_info, "organization", T, organization_fields, fd_organization_free);
FD_DEFINE_CODEC_TYPE (T, fd_organization, fd_organization_info)
#undef T

#define T FdAgent
static const FdFieldInfo agent_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_STRING (T, email, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_ENUM (T, role, FALSE, &fd_role_enum),
  FD_F_ENUM (T, acd_state, FALSE, &fd_acd_state_enum),
  FD_F_STRING (T, acd_reason, FALSE, FD_LIMIT_NAME),
  FD_F_TIME (T, idle_since, FALSE),
  FD_F_TIME (T, created_at, FALSE),
};
FD_TYPE_INFO (fd_agent_info, "agent", T, agent_fields, fd_agent_free);
FD_DEFINE_CODEC_TYPE (T, fd_agent, fd_agent_info)
#undef T

#define T FdQueue
static const FdFieldInfo queue_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_INT (T, service_level_seconds, FALSE),
  FD_F_INT64S (T, member_ids, FALSE, 10000),
};
FD_TYPE_INFO (fd_queue_info, "queue", T, queue_fields, fd_queue_free);
FD_DEFINE_CODEC_TYPE (T, fd_queue, fd_queue_info)
#undef T

#define T FdStream
static const FdFieldInfo stream_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, queue_id, FALSE),
  FD_F_ENUM (T, kind, FALSE, &fd_stream_kind_enum),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, key, FALSE, FD_LIMIT_ID),
  FD_F_STRV (T, departments, FALSE, FD_LIMIT_SMALL_ARRAY),
  FD_F_STRV (T, allowed_origins, FALSE, FD_LIMIT_SMALL_ARRAY),
  FD_F_STRING (T, settings_json, FALSE, FD_LIMIT_TEXT),
  FD_F_BOOL (T, deleted, FALSE),
  FD_F_TIME (T, created_at, FALSE),
  FD_F_STRING (T, health, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, health_reason, FALSE, FD_LIMIT_STRING),
};
FD_TYPE_INFO (fd_stream_info, "media stream", T, stream_fields, fd_stream_free);
FD_DEFINE_CODEC_TYPE (T, fd_stream, fd_stream_info)
#undef T

#define T FdPhase
static const FdFieldInfo phase_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, stream_id, FALSE),
  FD_F_INT (T, position, FALSE),
  FD_F_ENUM (T, strategy, FALSE, &fd_strategy_enum),
  FD_F_INT64S (T, agent_ids, FALSE, 10000),
  FD_F_INT (T, bounce_seconds, FALSE),
  FD_F_INT (T, duration_seconds, FALSE),
};
FD_TYPE_INFO (fd_phase_info, "routing phase", T, phase_fields, fd_phase_free);
FD_DEFINE_CODEC_TYPE (T, fd_phase, fd_phase_info)
#undef T

#define T FdContact
static const FdFieldInfo contact_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, email, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, phone, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, twitter_handle, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, crm_label, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, crm_provider, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, crm_record_url, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, crm_company, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, crm_kind, FALSE, FD_LIMIT_NAME),
};
FD_TYPE_INFO (fd_contact_info, "contact", T, contact_fields, fd_contact_free);
FD_DEFINE_CODEC_TYPE (T, fd_contact, fd_contact_info)
#undef T

#define T FdAttachment
static const FdFieldInfo attachment_fields[] = {
  FD_F_STRING (T, name, TRUE, FD_LIMIT_NAME),
  FD_F_STRING (T, url, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, mime_type, FALSE, FD_LIMIT_NAME),
  FD_F_INT64 (T, size, FALSE),
};
FD_TYPE_INFO (fd_attachment_info, "attachment", T, attachment_fields, fd_attachment_free);
FD_DEFINE_CODEC_TYPE (T, fd_attachment, fd_attachment_info)
#undef T

#define T FdMailHeaders
static const FdFieldInfo mail_headers_fields[] = {
  FD_F_STRING (T, from_name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, from, FALSE, FD_LIMIT_NAME),
  FD_F_STRV (T, to, FALSE, FD_LIMIT_SMALL_ARRAY),
  FD_F_STRV (T, cc, FALSE, FD_LIMIT_SMALL_ARRAY),
  FD_F_STRING (T, subject, FALSE, FD_LIMIT_STRING),
  FD_F_TIME (T, date, FALSE),
};
FD_TYPE_INFO (fd_mail_headers_info, "mail headers", T, mail_headers_fields, fd_mail_headers_free);
FD_DEFINE_CODEC_TYPE (T, fd_mail_headers, fd_mail_headers_info)
#undef T

#define T FdTweet
static const FdFieldInfo tweet_fields[] = {
  FD_F_STRING (T, id, FALSE, FD_LIMIT_ID),
  FD_F_BOOL (T, direct, FALSE),
  FD_F_STRING (T, author_handle, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, in_reply_to, FALSE, FD_LIMIT_ID),
  FD_F_STRING (T, url, FALSE, FD_LIMIT_STRING),
};
FD_TYPE_INFO (fd_tweet_info, "tweet", T, tweet_fields, fd_tweet_free);
FD_DEFINE_CODEC_TYPE (T, fd_tweet, fd_tweet_info)
#undef T

#define T FdMessage
static const FdFieldInfo message_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, conversation_id, FALSE),
  FD_F_ENUM (T, direction, FALSE, &fd_direction_enum),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_STRING (T, author_name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, text, FALSE, FD_LIMIT_TEXT),
  FD_F_STRING (T, note, FALSE, FD_LIMIT_ID),
  FD_F_STRING (T, client_id, FALSE, FD_LIMIT_ID),
  FD_F_OBJECTS (T, attachments, FALSE, FD_LIMIT_SMALL_ARRAY, &fd_attachment_info),
  FD_F_TIME (T, created_at, FALSE),
  FD_F_OBJECT (T, mail, FALSE, &fd_mail_headers_info),
  FD_F_OBJECT (T, tweet, FALSE, &fd_tweet_info),
  FD_F_OBJECT (T, delivery, FALSE, &fd_delivery_info),
  FD_F_OBJECT (T, conversation, FALSE, &fd_conversation_info),
};
FD_TYPE_INFO (fd_message_info, "message", T, message_fields, fd_message_free);
FD_DEFINE_CODEC_TYPE (T, fd_message, fd_message_info)
#undef T

#define T FdConversation
static const FdFieldInfo conversation_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, stream_id, FALSE),
  FD_F_INT64 (T, queue_id, FALSE),
  FD_F_STRING (T, stream_name, FALSE, FD_LIMIT_NAME),
  FD_F_ENUM (T, kind, FALSE, &fd_stream_kind_enum),
  FD_F_ENUM (T, state, FALSE, &fd_conversation_state_enum),
  FD_F_INT64 (T, contact_id, FALSE),
  FD_F_OBJECT (T, contact, FALSE, &fd_contact_info),
  FD_F_STRING (T, visitor_name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, visitor_email, FALSE, FD_LIMIT_NAME),
  FD_F_BOOL (T, address_verified, FALSE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_INT64 (T, transfer_to, FALSE),
  FD_F_STRING (T, subject, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, department, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, page_url, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, ip, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, browser, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, os, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, callback_number, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, callback_time, FALSE, FD_LIMIT_NAME),
  FD_F_TIME (T, created_at, FALSE),
  FD_F_TIME (T, first_assigned_at, FALSE),
  FD_F_TIME (T, reserved_at, FALSE),
  FD_F_TIME (T, first_reply_at, FALSE),
  FD_F_TIME (T, last_customer_message_at, FALSE),
  FD_F_TIME (T, closed_at, FALSE),
  FD_F_INT (T, rating, FALSE),
  FD_F_STRING (T, comment, FALSE, FD_LIMIT_STRING),
  FD_F_INT (T, unread, FALSE),
  FD_F_BOOL (T, dm_requested, FALSE),
};
FD_TYPE_INFO (fd_conversation_info, "conversation", T, conversation_fields, fd_conversation_free);
FD_DEFINE_CODEC_TYPE (T, fd_conversation, fd_conversation_info)
#undef T

#define T FdCannedReply
static const FdFieldInfo canned_reply_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_ENUM (T, level, FALSE, &fd_level_enum),
  FD_F_INT64 (T, owner_id, FALSE),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, text, FALSE, FD_LIMIT_TEXT),
};
FD_TYPE_INFO (fd_canned_reply_info, "canned reply", T, canned_reply_fields, fd_canned_reply_free);
FD_DEFINE_CODEC_TYPE (T, fd_canned_reply, fd_canned_reply_info)
#undef T

#define T FdResource
static const FdFieldInfo resource_fields[] = {
  FD_F_INT64 (T, id, FALSE),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_ENUM (T, level, FALSE, &fd_level_enum),
  FD_F_INT64 (T, owner_id, FALSE),
  FD_F_STRING (T, name, FALSE, FD_LIMIT_NAME),
  FD_F_STRING (T, url, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, description, FALSE, FD_LIMIT_STRING),
  FD_F_STRING (T, mime_type, FALSE, FD_LIMIT_NAME),
  FD_F_INT64 (T, size, FALSE),
};
FD_TYPE_INFO (fd_resource_info, "resource", T, resource_fields, fd_resource_free);
FD_DEFINE_CODEC_TYPE (T, fd_resource, fd_resource_info)
#undef T

#define T FdOffer
static const FdFieldInfo offer_fields[] = {
  FD_F_INT64 (T, conversation_id, TRUE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_INT (T, phase, FALSE),
  FD_F_TIME (T, offered_at, FALSE),
  FD_F_TIME (T, bounce_at, FALSE),
};
FD_TYPE_INFO (fd_offer_info, "offer", T, offer_fields, fd_offer_free);
FD_DEFINE_CODEC_TYPE (T, fd_offer, fd_offer_info)
#undef T

#define T FdStats
static const FdFieldInfo stats_fields[] = {
  FD_F_INT64 (T, queue_id, TRUE),
  FD_F_INT64 (T, stream_id, FALSE),
  FD_F_TIME (T, at, FALSE),
  FD_F_INT (T, waiting, FALSE),
  FD_F_INT (T, longest_wait_seconds, FALSE),
  FD_F_INT (T, reserved, FALSE),
  FD_F_INT (T, missed_today, FALSE),
  FD_F_INT (T, closed_today, FALSE),
  FD_F_INT (T, average_first_reply_seconds, FALSE),
  FD_F_INT (T, agents_joined, FALSE),
  FD_F_INT (T, agents_available, FALSE),
  FD_F_INT (T, offered_today, FALSE),
  FD_F_INT (T, answered_today, FALSE),
  FD_F_INT (T, average_handle_seconds, FALSE),
  FD_F_INT (T, average_rating_x100, FALSE),
  FD_F_INT (T, rated_today, FALSE),
  FD_F_INT (T, service_level_seconds, FALSE),
  FD_F_INT (T, service_level_percent, FALSE),
};
FD_TYPE_INFO (fd_stats_info, "stats row", T, stats_fields, fd_stats_free);
FD_DEFINE_CODEC_TYPE (T, fd_stats, fd_stats_info)
#undef T
