#define G_LOG_DOMAIN "fd-protocol"

#include <string.h>

#include "fd-frame.h"

typedef struct {
  const char       *name;
  FdFrameSet        set;
  FdFrameRole       role;
  const FdTypeInfo *body;
  const FdTypeInfo *result;   /* requests: the body of their ack */
} FrameInfo;

#define AC FD_FRAMES_AGENT_CLIENT
#define AS FD_FRAMES_AGENT_SERVER
#define VC FD_FRAMES_VISITOR_CLIENT
#define VS FD_FRAMES_VISITOR_SERVER
#define REQ FD_FRAME_ROLE_REQUEST
#define REP FD_FRAME_ROLE_REPLY
#define EVT FD_FRAME_ROLE_EVENT
#define VIS FD_FRAME_ROLE_VISITOR

/* The one table of frame types: wire name, set, role, body and result. */
static const FrameInfo frames[FD_FRAME_N_TYPES] = {
  [FD_FRAME_HELLO]               = { "hello", AC, REQ, &fd_hello_info, &fd_welcome_info },
  [FD_FRAME_JOIN]                = { "join", AC, REQ, &fd_queue_ref_info, &fd_queue_state_info },
  [FD_FRAME_LEAVE]               = { "leave", AC, REQ, &fd_queue_ref_info, &fd_queue_state_info },
  [FD_FRAME_SET_ACD]             = { "set-acd", AC, REQ, &fd_set_acd_info, &fd_agent_info },
  [FD_FRAME_RESERVE]             = { "reserve", AC, REQ, &fd_conversation_ref_info, &fd_conversation_info },
  [FD_FRAME_REJECT]              = { "reject", AC, REQ, &fd_conversation_ref_info, NULL },
  [FD_FRAME_SEND_MESSAGE]        = { "send-message", AC, REQ, &fd_send_message_info, &fd_message_info },
  [FD_FRAME_TYPING]              = { "typing", AC, REQ, &fd_typing_info, NULL },
  [FD_FRAME_MARK_READ]           = { "mark-read", AC, REQ, &fd_mark_read_info, NULL },
  [FD_FRAME_TRANSFER]            = { "transfer", AC, REQ, &fd_transfer_info, NULL },
  [FD_FRAME_CLOSE]               = { "close", AC, REQ, &fd_conversation_ref_info, &fd_conversation_info },
  [FD_FRAME_LIST_CANNED_REPLIES] = { "list-canned-replies", AC, REQ, &fd_search_info, &fd_canned_replies_info },
  [FD_FRAME_LIST_RESOURCES]      = { "list-resources", AC, REQ, &fd_search_info, &fd_resources_info },
  [FD_FRAME_CONTACT_HISTORY]     = { "contact-history", AC, REQ, &fd_contact_ref_info, &fd_conversations_info },
  [FD_FRAME_GET_CONVERSATION]    = { "get-conversation", AC, REQ, &fd_conversation_ref_info, &fd_conversation_detail_info },
  [FD_FRAME_STATS]               = { "stats", AC, REQ, NULL, &fd_stats_report_info },
  [FD_FRAME_CALLBACK_ATTEMPT]    = { "callback-attempt", AC, REQ, &fd_callback_attempt_info, &fd_message_info },
  [FD_FRAME_CRM_LOG]             = { "crm-log", AC, REQ, &fd_crm_log_info, NULL },
  [FD_FRAME_DM_REQUEST]          = { "dm-request", AC, REQ, &fd_conversation_ref_info, &fd_message_info },
  [FD_FRAME_LIST_COLLEAGUES]     = { "list-colleagues", AC, REQ, &fd_conversation_ref_info, &fd_colleagues_info },
  [FD_FRAME_RETRY_DELIVERY]      = { "retry-delivery", AC, REQ, &fd_delivery_info, &fd_delivery_info },
  [FD_FRAME_LIST_STREAM_HEALTH]  = { "list-stream-health", AC, REQ, NULL, &fd_stream_health_list_info },
  [FD_FRAME_STATS_HISTORY]       = { "stats-history", AC, REQ, NULL, &fd_stats_history_info },
  [FD_FRAME_LIST_AGENT_STATES]   = { "list-agent-states", AC, REQ, NULL, &fd_agent_states_info },
  [FD_FRAME_LIST_CONVERSATION_LOG] = { "list-conversation-log", AC, REQ, &fd_log_query_info, &fd_log_page_info },
  [FD_FRAME_PING]                = { "ping", AC, REQ, NULL, NULL },

  [FD_FRAME_ACK]                 = { "ack", AS, REP, NULL, NULL },
  [FD_FRAME_ERROR]               = { "error", AS, REP, &fd_error_body_info, NULL },
  [FD_FRAME_PONG]                = { "pong", AS, REP, NULL, NULL },
  [FD_FRAME_SNAPSHOT]            = { "snapshot", AS, EVT, &fd_snapshot_info, NULL },
  [FD_FRAME_OFFER]               = { "offer", AS, EVT, &fd_offer_event_info, NULL },
  [FD_FRAME_WITHDRAW]            = { "withdraw", AS, EVT, &fd_withdraw_info, NULL },
  [FD_FRAME_CONVERSATION]        = { "conversation", AS, EVT, &fd_conversation_info, NULL },
  [FD_FRAME_MESSAGE]             = { "message", AS, EVT, &fd_message_info, NULL },
  [FD_FRAME_TYPING_EVENT]        = { "typing", AS, EVT, &fd_typing_info, NULL },
  [FD_FRAME_AGENT_STATE]         = { "agent-state", AS, EVT, &fd_agent_info, NULL },
  [FD_FRAME_QUEUE_STATE]         = { "queue-state", AS, EVT, &fd_queue_state_info, NULL },
  [FD_FRAME_STATS_EVENT]         = { "stats", AS, EVT, &fd_stats_report_info, NULL },
  [FD_FRAME_DELIVERY]            = { "delivery", AS, EVT, &fd_delivery_info, NULL },
  [FD_FRAME_STREAM_HEALTH]       = { "stream-health", AS, EVT, &fd_stream_health_info_info, NULL },
  [FD_FRAME_SUPERVISED_AGENT_STATE] = { "supervised-agent-state", AS, EVT, &fd_agent_state_info, NULL },

  [FD_FRAME_VISITOR_HELLO]        = { "hello", VC, VIS, &fd_visitor_hello_info, NULL },
  [FD_FRAME_VISITOR_SEND_MESSAGE] = { "send-message", VC, VIS, &fd_visitor_send_info, NULL },
  [FD_FRAME_VISITOR_TYPING]       = { "typing", VC, VIS, &fd_visitor_typing_info, NULL },
  [FD_FRAME_VISITOR_CLOSE]        = { "close", VC, VIS, &fd_rating_info, NULL },
  [FD_FRAME_VISITOR_RATE]         = { "rate", VC, VIS, &fd_rating_info, NULL },
  [FD_FRAME_VISITOR_PING]         = { "ping", VC, VIS, NULL, NULL },

  [FD_FRAME_VISITOR_WELCOME]       = { "welcome", VS, VIS, &fd_visitor_welcome_info, NULL },
  [FD_FRAME_VISITOR_MESSAGE]       = { "message", VS, VIS, &fd_message_info, NULL },
  [FD_FRAME_VISITOR_TYPING_EVENT]  = { "typing", VS, VIS, &fd_visitor_typing_info, NULL },
  [FD_FRAME_VISITOR_AGENT_JOINED]  = { "agent-joined", VS, VIS, &fd_agent_joined_info, NULL },
  [FD_FRAME_VISITOR_CLOSED]        = { "closed", VS, VIS, &fd_visitor_closed_info, NULL },
  [FD_FRAME_VISITOR_ERROR]         = { "error", VS, VIS, &fd_error_body_info, NULL },
  [FD_FRAME_VISITOR_PONG]          = { "pong", VS, VIS, NULL, NULL },
};

static gboolean
type_valid (FdFrameType type)
{
  return (guint) type < FD_FRAME_N_TYPES;
}

const char *
fd_frame_type_to_string (FdFrameType type)
{
  g_return_val_if_fail (type_valid (type), NULL);
  return frames[type].name;
}

gboolean
fd_frame_type_from_string (FdFrameSet   set,
                           const char  *name,
                           FdFrameType *out)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < FD_FRAME_N_TYPES; i++)
    {
      if (frames[i].set == set && strcmp (frames[i].name, name) == 0)
        {
          if (out != NULL)
            *out = (FdFrameType) i;
          return TRUE;
        }
    }
  return FALSE;
}

FdFrameSet
fd_frame_type_get_set (FdFrameType type)
{
  g_return_val_if_fail (type_valid (type), FD_FRAMES_AGENT_CLIENT);
  return frames[type].set;
}

FdFrameRole
fd_frame_type_get_role (FdFrameType type)
{
  g_return_val_if_fail (type_valid (type), FD_FRAME_ROLE_VISITOR);
  return frames[type].role;
}

const FdTypeInfo *
fd_frame_type_get_body_info (FdFrameType type)
{
  g_return_val_if_fail (type_valid (type), NULL);
  return frames[type].body;
}

const FdTypeInfo *
fd_frame_type_get_result_info (FdFrameType request)
{
  g_return_val_if_fail (type_valid (request), NULL);
  return frames[request].result;
}

gsize
fd_frame_set_max_size (FdFrameSet set)
{
  switch (set)
    {
    case FD_FRAMES_AGENT_SERVER:
    case FD_FRAMES_VISITOR_SERVER:
      return FD_LIMIT_SERVER_FRAME_SIZE;
    case FD_FRAMES_AGENT_CLIENT:
    case FD_FRAMES_VISITOR_CLIENT:
    default:
      return FD_LIMIT_FRAME_SIZE;
    }
}

/* The table of this frame's body: the request's result for an ack. */
static const FdTypeInfo *
frame_body_info (const FdFrame *frame)
{
  if (frame->type == FD_FRAME_ACK)
    return frames[frame->ack_for].result;
  return frames[frame->type].body;
}

static FdFrame *
frame_new_full (FdFrameType  type,
                const char  *id,
                gint64       seq,
                FdFrameType  ack_for,
                gpointer     body)
{
  FdFrame *frame = g_new0 (FdFrame, 1);
  const FdTypeInfo *info;

  frame->type = type;
  frame->id = g_strdup (id);
  frame->seq = seq;
  frame->ack_for = ack_for;
  info = frame_body_info (frame);
  if (info == NULL)
    {
      /* A body for a type without one would leak or be freed wrongly. */
      g_warn_if_fail (body == NULL);
      frame->body = NULL;
    }
  else
    frame->body = body != NULL ? body : fd_codec_new (info);
  return frame;
}

FdFrame *
fd_frame_new (FdFrameType type,
              gpointer    body)
{
  g_return_val_if_fail (type_valid (type) && type != FD_FRAME_ACK, NULL);
  return frame_new_full (type, NULL, 0, FD_FRAME_PING, body);
}

FdFrame *
fd_frame_new_request (FdFrameType  type,
                      const char  *id,
                      gpointer     body)
{
  g_return_val_if_fail (type_valid (type) && type != FD_FRAME_ACK, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return frame_new_full (type, id, 0, FD_FRAME_PING, body);
}

FdFrame *
fd_frame_new_event (FdFrameType type,
                    gint64      seq,
                    gpointer    body)
{
  g_return_val_if_fail (type_valid (type) && frames[type].role == FD_FRAME_ROLE_EVENT, NULL);
  g_return_val_if_fail (seq > 0, NULL);
  return frame_new_full (type, NULL, seq, FD_FRAME_PING, body);
}

FdFrame *
fd_frame_new_ack (const char  *id,
                  FdFrameType  request,
                  gpointer     result)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (type_valid (request) && frames[request].role == FD_FRAME_ROLE_REQUEST, NULL);
  return frame_new_full (FD_FRAME_ACK, id, 0, request, result);
}

FdFrame *
fd_frame_new_error (FdFrameType  type,
                    const char  *id,
                    FdWireError  code,
                    const char  *message)
{
  g_return_val_if_fail (type == FD_FRAME_ERROR || type == FD_FRAME_VISITOR_ERROR, NULL);
  return frame_new_full (type, id, 0, FD_FRAME_PING, fd_error_body_new_full (code, message));
}

FdFrame *
fd_frame_new_error_from_gerror (FdFrameType   type,
                                const char   *id,
                                const GError *error)
{
  FdWireError code;

  g_return_val_if_fail (error != NULL, NULL);

  code = fd_wire_error_from_gerror (error);
  /* Only codec errors describe the peer's own input; anything else may
   * carry internal details. */
  return fd_frame_new_error (type, id, code,
                             code == FD_WIRE_ERROR_INTERNAL
                               ? "The server could not handle this request; try again later."
                               : error->message);
}

void
fd_frame_free (FdFrame *frame)
{
  const FdTypeInfo *info;

  if (frame == NULL)
    return;
  info = frame_body_info (frame);
  if (info != NULL && frame->body != NULL)
    fd_codec_free (info, frame->body);
  g_free (frame->id);
  g_free (frame);
}

FdFrame *
fd_frame_copy (const FdFrame *frame)
{
  const FdTypeInfo *info;
  FdFrame *copy;

  g_return_val_if_fail (frame != NULL, NULL);

  copy = g_new0 (FdFrame, 1);
  *copy = *frame;
  copy->id = g_strdup (frame->id);
  info = frame_body_info (frame);
  copy->body = info != NULL ? fd_codec_copy (info, frame->body) : NULL;
  return copy;
}

gboolean
fd_frame_equal (const FdFrame *a,
                const FdFrame *b)
{
  const FdTypeInfo *info;

  if (a == NULL || b == NULL)
    return a == b;
  if (a->type != b->type || a->seq != b->seq || g_strcmp0 (a->id, b->id) != 0)
    return FALSE;
  if (a->type == FD_FRAME_ACK && a->ack_for != b->ack_for)
    return FALSE;
  info = frame_body_info (a);
  return info == NULL || fd_codec_equal (info, a->body, b->body);
}

JsonNode *
fd_frame_to_json (const FdFrame *frame)
{
  g_autoptr(JsonObject) obj = NULL;
  const FdTypeInfo *info;
  JsonNode *node;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (type_valid (frame->type), NULL);

  obj = json_object_new ();
  json_object_set_string_member (obj, "type", frames[frame->type].name);
  if (frame->id != NULL)
    json_object_set_string_member (obj, "id", frame->id);
  if (frame->type == FD_FRAME_ACK)
    json_object_set_string_member (obj, "for", frames[frame->ack_for].name);
  if (frame->seq != 0)
    json_object_set_int_member (obj, "seq", frame->seq);
  info = frame_body_info (frame);
  if (info != NULL && frame->body != NULL)
    json_object_set_member (obj, "body", fd_codec_to_json (info, frame->body));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, obj);
  return node;
}

/* The text of fd_json_to_string (fd_frame_to_json (@frame)), written
 * straight from the struct (fd_codec_write_json()). */
char *
fd_frame_encode (const FdFrame *frame,
                 gsize         *len)
{
  const FdTypeInfo *info;
  GString *out;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (type_valid (frame->type), NULL);

  out = g_string_sized_new (256);
  g_string_append (out, "{\"type\":");
  fd_json_write_string (out, frames[frame->type].name);
  if (frame->id != NULL)
    {
      g_string_append (out, ",\"id\":");
      fd_json_write_string (out, frame->id);
    }
  if (frame->type == FD_FRAME_ACK)
    {
      g_string_append (out, ",\"for\":");
      fd_json_write_string (out, frames[frame->ack_for].name);
    }
  if (frame->seq != 0)
    g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT, frame->seq);
  info = frame_body_info (frame);
  if (info != NULL && frame->body != NULL)
    {
      g_string_append (out, ",\"body\":");
      fd_codec_write_json (info, frame->body, out);
    }
  g_string_append_c (out, '}');
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}

static gboolean
get_string_member (JsonObject  *obj,
                   const char  *name,
                   const char **out,
                   GError     **error)
{
  JsonNode *member = json_object_get_member (obj, name);

  *out = NULL;
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                   "The frame’s “%s” must be a string.", name);
      return FALSE;
    }
  *out = json_node_get_string (member);
  return TRUE;
}

FdFrame *
fd_frame_from_json (FdFrameSet  set,
                    JsonNode   *node,
                    GError    **error)
{
  g_autoptr(FdFrame) frame = NULL;
  JsonObject *obj;
  JsonNode *member;
  const char *type_name, *id, *for_name;
  const FdTypeInfo *info;
  FdFrameType type;
  FdFrameRole role;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "A frame must be a JSON object.");
      return NULL;
    }
  obj = json_node_get_object (node);

  member = json_object_get_member (obj, "type");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_STRING)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                   "A frame must have a string “type”.");
      return NULL;
    }
  type_name = json_node_get_string (member);
  if (!fd_frame_type_from_string (set, type_name, &type))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_UNKNOWN_TYPE,
                   "This side of the protocol has no frame of this type.");
      return NULL;
    }
  role = frames[type].role;

  frame = g_new0 (FdFrame, 1);
  frame->type = type;
  frame->ack_for = FD_FRAME_PING;

  if (!get_string_member (obj, "id", &id, error))
    return NULL;
  if (id != NULL)
    {
      if (!g_utf8_validate (id, -1, NULL) || g_utf8_strlen (id, -1) > FD_LIMIT_ID || *id == '\0')
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "The frame’s “id” must be 1 to %d characters of text.", FD_LIMIT_ID);
          return NULL;
        }
      frame->id = g_strdup (id);
    }
  else if (role == FD_FRAME_ROLE_REQUEST ||
           (role == FD_FRAME_ROLE_REPLY && type != FD_FRAME_ERROR))
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
                   "A “%s” frame must have an “id”.", frames[type].name);
      return NULL;
    }

  member = json_object_get_member (obj, "seq");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
          json_node_get_int (member) < 0)
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "The frame’s “seq” must be a positive integer.");
          return NULL;
        }
      /* Only events are numbered; a seq elsewhere is ignored. */
      if (role == FD_FRAME_ROLE_EVENT)
        frame->seq = json_node_get_int (member);
    }
  if (role == FD_FRAME_ROLE_EVENT && frame->seq <= 0)
    {
      g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
                   "A “%s” event must have a positive “seq”.", frames[type].name);
      return NULL;
    }

  if (type == FD_FRAME_ACK)
    {
      FdFrameType request;

      if (!get_string_member (obj, "for", &for_name, error))
        return NULL;
      if (for_name == NULL)
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
                       "An “ack” frame must say which request it is “for”.");
          return NULL;
        }
      if (!fd_frame_type_from_string (FD_FRAMES_AGENT_CLIENT, for_name, &request))
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "The “for” of an “ack” frame is not a known request.");
          return NULL;
        }
      frame->ack_for = request;
    }

  info = frame_body_info (frame);
  if (info != NULL)
    {
      g_autoptr(JsonNode) empty = NULL;

      member = json_object_get_member (obj, "body");
      /* An absent body reads as an empty object, so that bodies whose fields
       * are all optional may be left out. */
      if (member == NULL || JSON_NODE_HOLDS_NULL (member))
        {
          empty = json_node_new (JSON_NODE_OBJECT);
          json_node_take_object (empty, json_object_new ());
          member = empty;
        }
      frame->body = fd_codec_from_json_at (info, member, "body", error);
      if (frame->body == NULL)
        return NULL;
    }

  return g_steal_pointer (&frame);
}

FdFrame *
fd_frame_decode (FdFrameSet   set,
                 const char  *data,
                 gsize        len,
                 GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = fd_json_parse (data, len, fd_frame_set_max_size (set), error);
  if (root == NULL)
    return NULL;
  return fd_frame_from_json (set, root, error);
}
