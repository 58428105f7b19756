#define G_LOG_DOMAIN "fd-agent-socket"

#include "fd-center-crm.h"
#include "fd-store-crm.h"
#include "fd-agent-socket.h"
#include "fd-api-http.h"
#include "fd-center-email.h"
#include "fd-center-twitter.h"
#include "fd-center-actions.h"
#include "fd-center-log.h"

#include "fd-auth.h"
#include "fd-protocol.h"

#include <string.h>

static void
send_frame (FdAgentConn *self,
            FdFrame     *frame)
{
  fd_api_socket_send (self->budget, frame);
}

static void
send_error (FdAgentConn  *self,
            const char   *id,
            const GError *error)
{
  send_frame (self, fd_api_error_frame (FD_FRAME_ERROR, id, error, "Agent request",
                                        "The server could not handle this request; try again later."));
}

static void
send_error_literal (FdAgentConn *self,
                    const char  *id,
                    FdWireError  code,
                    const char  *message)
{
  send_frame (self, fd_frame_new_error (FD_FRAME_ERROR, id, code, message));
}

static void
count_bad_frame (FdAgentConn *self)
{
  gint64 now = g_get_monotonic_time ();

  if (now - self->bad_window_start >= 60 * G_USEC_PER_SEC)
    {
      self->bad_window_start = now;
      self->bad_frames = 0;
    }
  if (++self->bad_frames >= FD_AGENT_SOCKET_MAX_BAD)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                     "Too many frames that could not be read");
}

/* --- the token --------------------------------------------------------------- */

/* Checks the socket's token again before every request and when it is due
 * to expire: a token revoked (sign-out, password change, admin), expired
 * or whose agent is gone closes the socket with 4401 and a sentence the app
 * shows. Returns the agent as stored now, or NULL when the socket closes. */
static FdAgent *
check_token (FdAgentConn *self)
{
  g_autoptr(GError) error = NULL;
  FdAgent *agent = NULL;
  gint64 expires_at = 0;
  gint64 delay;

  if (!fd_auth_check_agent_token_hash (fd_center_get_store (self->center), self->token_hash, &agent, &expires_at, &error))
    {
      if (fd_api_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
        {
          g_warning ("Cannot check an agent's token: %s", error->message);
          soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_SERVER_ERROR,
                                           "The server failed; reconnect");
        }
      else
        soup_websocket_connection_close (self->conn, 4401, error->domain == FD_AUTH_ERROR ? error->message
                                         : "This session ended; sign in again.");
      return NULL;
    }
  /* The API's one timer checks again when it expires. */
  delay = expires_at - g_get_real_time ();
  self->expiry_due = g_get_monotonic_time () + CLAMP (delay, 0, (gint64) 24 * 3600 * G_USEC_PER_SEC);
  fd_agent_api_schedule_expiry (self->api, self->expiry_due);
  return agent;
}

/* Checks the token now and re-arms the expiry timer. */
static void
recheck_token (FdAgentConn *self)
{
  g_autoptr(FdAgent) agent = NULL;

  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    agent = check_token (self);
}

void
fd_agent_socket_check_expiry (FdAgentConn *self)
{
  self->expiry_due = 0;
  recheck_token (self);
}

/* Rotation at hello: past half its lifetime, the socket's token is
 * replaced by a new one that the welcome carries; the socket goes on under
 * the new token, and the old one lives for the grace period only. */
static void
rotate_token (FdAgentConn *self,
              FdWelcome   *welcome)
{
  g_autoptr(GPtrArray) revoked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *new_hash = NULL;

  welcome->token = fd_auth_rotate_agent_token (fd_center_get_store (self->center), self->token_hash, &new_hash, revoked, &error);
  if (welcome->token == NULL)
    {
      /* The old token still works: rotation is tried at the next hello. */
      if (error != NULL)
        g_warning ("Cannot rotate an agent's token: %s", error->message);
      return;
    }
  g_free (self->token_hash);
  self->token_hash = g_steal_pointer (&new_hash);
  for (guint i = 0; i < revoked->len; i++)
    fd_center_close_token_sockets (self->center, revoked->pdata[i]);
  recheck_token (self);
}

/* --- hello ------------------------------------------------------------------- */

/* The frames of the events after @after_seq this agent may see, or NULL
 * with *@out_too_many when they are more than a resume may replay (the
 * socket then gets a snapshot: one bounded frame instead of an unbounded
 * burst), or NULL with @error. */
static GPtrArray *
collect_missed_events (FdAgentConn  *self,
                       gint64        after_seq,
                       gboolean     *out_too_many,
                       GError      **error)
{
  FdCenter *center = self->center;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) events = NULL;
  gsize bytes = 0;

  *out_too_many = FALSE;
  events = fd_store_list_events_since (fd_center_get_store (center), self->organization_id, after_seq,
                                       FD_AGENT_SOCKET_MAX_REPLAY_EVENTS + 1, error);
  if (events == NULL)
    return NULL;
  if (events->len > FD_AGENT_SOCKET_MAX_REPLAY_EVENTS)
    {
      *out_too_many = TRUE;
      return NULL;
    }
  for (guint i = 0; i < events->len; i++)
    {
      FdStoreEvent *event = g_ptr_array_index (events, i);
      char *text;

      if (!fd_center_agent_may_see (center, self->organization_id, self->agent_id,
                                    event->queue_id, event->agent_id))
        continue;
      text = fd_center_event_text (event->type, event->seq, event->payload_json);
      bytes += strlen (text);
      g_ptr_array_add (texts, text);
      if (bytes > FD_AGENT_SOCKET_MAX_REPLAY_BYTES)
        {
          *out_too_many = TRUE;
          return NULL;
        }
    }
  return g_steal_pointer (&texts);
}

static void
handle_hello (FdAgentConn   *self,
              const FdFrame *frame,
              const FdAgent *agent)
{
  FdCenter *center = self->center;
  const FdHello *hello = frame->body;
  g_autoptr(FdWelcome) welcome = fd_welcome_new ();
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;
  gint64 oldest = 0;
  g_autoptr(GPtrArray) missed = NULL;
  gboolean resumed;

  if (hello->protocol < FD_PROTOCOL_VERSION)
    {
      send_error_literal (self, frame->id, FD_WIRE_ERROR_INVALID_FIELD,
                          "This server speaks protocol version 1; update the app.");
      return;
    }
  if (!fd_center_current_seq (center, agent, &seq, &error) ||
      !fd_store_get_oldest_event_seq (fd_center_get_store (center), agent->organization_id, &oldest, &error))
    {
      send_error (self, frame->id, error);
      return;
    }
  resumed = hello->last_seq > 0 && hello->last_seq <= seq && hello->last_seq + 1 >= oldest;
  if (resumed)
    {
      gboolean too_many = FALSE;

      missed = collect_missed_events (self, hello->last_seq, &too_many, &error);
      if (missed == NULL && !too_many)
        {
          g_warning ("Cannot replay events: %s", error->message);
          send_error (self, frame->id, error);
          return;
        }
      resumed = missed != NULL;
    }

  welcome->protocol = FD_PROTOCOL_VERSION;
  welcome->seq = seq;
  welcome->resumed = resumed;
  welcome->agent = fd_agent_copy (agent);
  welcome->organization = fd_store_get_organization (fd_center_get_store (center), agent->organization_id, &error);
  if (welcome->organization == NULL)
    {
      send_error (self, frame->id, error);
      return;
    }
  rotate_token (self, welcome);
  {
    g_autoptr(FdStoreCrmConnection) crm = fd_store_get_crm_connection (fd_center_get_store (center),
                                                                       agent->organization_id, NULL);
    if (crm != NULL)
      welcome->crm_provider = g_strdup (crm->provider);
  }

  if (resumed)
    {
      send_frame (self, fd_frame_new_ack (frame->id, FD_FRAME_HELLO, g_steal_pointer (&welcome)));
      for (guint i = 0; i < missed->len; i++)
        if (!fd_ws_budget_send (self->budget, g_ptr_array_index (missed, i)))
          break;
    }
  else
    {
      g_autoptr(FdSnapshot) snapshot = fd_center_snapshot (center, agent, &error);

      if (snapshot == NULL)
        {
          send_error (self, frame->id, error);
          return;
        }
      g_autoptr(GPtrArray) pages = NULL;

      send_frame (self, fd_frame_new_ack (frame->id, FD_FRAME_HELLO, g_steal_pointer (&welcome)));
      /* One frame, or pages sent back to back (no live event between
       * them: this runs on the server's one thread). */
      pages = fd_center_snapshot_frames (snapshot, seq, FD_SNAPSHOT_PAGE_ITEMS);
      for (guint i = 0; i < pages->len; i++)
        if (!fd_ws_budget_send (self->budget, g_ptr_array_index (pages, i)))
          break;
    }
  self->last_seq = MAX (self->last_seq, seq);
  self->message_conversation = hello->message_conversation;
  self->hello_done = TRUE;
  g_clear_handle_id (&self->hello_timeout_id, g_source_remove);
  fd_center_agent_presence_changed (center, self->organization_id, self->agent_id);
}

/* --- requests ---------------------------------------------------------------- */

static void
ack (FdAgentConn   *self,
     const FdFrame *frame,
     gpointer       result)
{
  send_frame (self, fd_frame_new_ack (frame->id, frame->type, result));
}

/* Answers a request whose call returned @result (NULL = failed with @error). */
#define ANSWER(result_expr)                                  \
  G_STMT_START {                                             \
    gpointer result_ = (result_expr);                        \
    if (result_ == NULL)                                     \
      send_error (self, frame->id, error);                   \
    else                                                     \
      ack (self, frame, result_);                            \
  } G_STMT_END

#define ANSWER_BOOL(ok_expr)                                 \
  G_STMT_START {                                             \
    if (!(ok_expr))                                          \
      send_error (self, frame->id, error);                   \
    else                                                     \
      ack (self, frame, NULL);                               \
  } G_STMT_END

static void
handle_request (FdAgentConn   *self,
                const FdFrame *frame,
                const FdAgent *agent)
{
  FdCenter *center = self->center;
  g_autoptr(GError) error = NULL;

  switch (frame->type)
    {
    case FD_FRAME_HELLO:
      /* Once per socket: a repeated hello would resend a whole snapshot
       * or replay for a few bytes from the client. */
      if (self->hello_done)
        send_error_literal (self, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                            "This socket has said hello already; to resync, reconnect.");
      else
        handle_hello (self, frame, agent);
      break;
    case FD_FRAME_JOIN:
      ANSWER (fd_center_join (center, agent, ((FdQueueRef *) frame->body)->queue_id, TRUE, &error));
      break;
    case FD_FRAME_LEAVE:
      ANSWER (fd_center_join (center, agent, ((FdQueueRef *) frame->body)->queue_id, FALSE, &error));
      break;
    case FD_FRAME_SET_ACD:
      ANSWER (fd_center_set_acd (center, agent, frame->body, &error));
      break;
    case FD_FRAME_RESERVE:
      ANSWER (fd_center_reserve (center, agent, ((FdConversationRef *) frame->body)->conversation_id, &error));
      break;
    case FD_FRAME_REJECT:
      ANSWER_BOOL (fd_center_reject (center, agent, ((FdConversationRef *) frame->body)->conversation_id, &error));
      break;
    case FD_FRAME_SEND_MESSAGE:
      ANSWER (fd_center_send_agent_message (center, agent, frame->body, &error));
      break;
    case FD_FRAME_TYPING:
      ANSWER_BOOL (fd_center_agent_typing (center, agent, frame->body, &error));
      break;
    case FD_FRAME_MARK_READ:
      ANSWER_BOOL (fd_center_mark_read (center, agent, frame->body, &error));
      break;
    case FD_FRAME_TRANSFER:
      ANSWER_BOOL (fd_center_transfer (center, agent, frame->body, &error));
      break;
    case FD_FRAME_RETRY_DELIVERY:
      if (fd_center_is_twitter_conversation (center, agent->organization_id,
                                             ((FdDelivery *) frame->body)->conversation_id))
        ANSWER (fd_center_twitter_retry_delivery (center, agent, frame->body, &error));
      else
        ANSWER (fd_center_retry_delivery (center, agent, frame->body, &error));
      break;
    case FD_FRAME_LIST_STREAM_HEALTH:
      ANSWER (fd_center_list_stream_health (center, agent, &error));
      break;
    case FD_FRAME_LIST_CONVERSATION_LOG:
      ANSWER (fd_center_list_conversation_log (center, agent, frame->body, g_get_real_time (), &error));
      break;
    case FD_FRAME_LIST_COLLEAGUES:
      ANSWER (fd_center_list_colleagues (center, agent, ((FdConversationRef *) frame->body)->conversation_id, &error));
      break;
    case FD_FRAME_CLOSE:
      ANSWER (fd_center_close (center, agent, ((FdConversationRef *) frame->body)->conversation_id, &error));
      break;
    case FD_FRAME_LIST_CANNED_REPLIES:
      ANSWER (fd_center_list_canned_replies (center, agent, frame->body, &error));
      break;
    case FD_FRAME_LIST_RESOURCES:
      ANSWER (fd_center_list_resources (center, agent, frame->body, &error));
      break;
    case FD_FRAME_CONTACT_HISTORY:
      ANSWER (fd_center_contact_history (center, agent, ((FdContactRef *) frame->body)->contact_id, &error));
      break;
    case FD_FRAME_GET_CONVERSATION:
      ANSWER (fd_center_get_detail (center, agent, ((FdConversationRef *) frame->body)->conversation_id, &error));
      break;
    case FD_FRAME_STATS:
      ANSWER (fd_center_stats (center, agent, &error));
      break;
    case FD_FRAME_STATS_HISTORY:
      ANSWER (fd_center_stats_history (center, agent, &error));
      break;
    case FD_FRAME_LIST_AGENT_STATES:
      ANSWER (fd_center_list_agent_states (center, agent, &error));
      break;
    case FD_FRAME_CALLBACK_ATTEMPT:
      ANSWER (fd_center_callback_attempt (center, agent, frame->body, &error));
      break;
    case FD_FRAME_CRM_LOG:
      ANSWER_BOOL (fd_center_crm_log (center, agent, frame->body, &error));
      break;
    case FD_FRAME_DM_REQUEST:
      ANSWER (fd_center_dm_request (center, agent, frame->body, &error));
      break;
    case FD_FRAME_PING:
      send_frame (self, fd_frame_new_request (FD_FRAME_PONG, frame->id, NULL));
      break;
    default:
      send_error_literal (self, frame->id, FD_WIRE_ERROR_UNKNOWN_TYPE, "The server does not take this frame.");
      break;
    }
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  FdAgentConn *self = user_data;
  FdCenter *center;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;
  g_autoptr(FdAgent) agent = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  /* Over the limit: close with 1009, since the peer's framing state cannot
   * be trusted any more (docs/protocol.md, "Limits"). */
  if (len > FD_LIMIT_FRAME_SIZE)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "Frame too large");
      return;
    }
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      send_error_literal (self, NULL, FD_WIRE_ERROR_MALFORMED, "Frames are websocket text messages.");
      count_bad_frame (self);
      return;
    }
  frame = fd_frame_decode (FD_FRAMES_AGENT_CLIENT, data, len, &error);
  if (frame == NULL)
    {
      g_autofree char *id = fd_api_peek_frame_id (data, len);

      send_frame (self, fd_frame_new_error_from_gerror (FD_FRAME_ERROR, id, error));
      count_bad_frame (self);
      return;
    }
  if (frame->type != FD_FRAME_HELLO && !self->hello_done)
    {
      send_error_literal (self, frame->id, FD_WIRE_ERROR_INVALID_STATE, "Send hello first.");
      return;
    }

  /* Check the token and read the agent again: the session may have been
   * revoked or have expired, the agent's name or role may have changed, or
   * it may be gone. */
  /* The request's changes join the group commit; its answers wait for it
   * (docs/architecture.md, "Durability"). @center, not self->center:
   * nothing of @self is touched after the request. */
  center = self->center;
  fd_center_group_enter (center);
  agent = check_token (self);
  if (agent != NULL)
    handle_request (self, frame, agent);
  fd_center_group_leave (center);
}

static gboolean
on_hello_timeout_cb (gpointer user_data)
{
  FdAgentConn *self = user_data;

  self->hello_timeout_id = 0;
  if (!self->hello_done && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, 4408, "No hello");
  return G_SOURCE_REMOVE;
}

void
fd_agent_socket_free (FdAgentConn *self)
{
  fd_agent_api_remove_socket (self->api, self);
  if (self->hello_done)
    fd_center_agent_presence_changed (self->center, self->organization_id, self->agent_id);
  g_clear_handle_id (&self->hello_timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_pointer (&self->budget, fd_ws_budget_free);
  g_clear_object (&self->conn);
  g_clear_pointer (&self->token_hash, g_free);
  g_free (self);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  fd_agent_socket_free (user_data);
}

FdAgentConn *
fd_agent_socket_new (FdAgentApi              *api,
                     FdCenter                *center,
                     SoupWebsocketConnection *conn,
                     const FdAgent           *agent,
                     const char              *token_hash)
{
  FdAgentConn *self = g_new0 (FdAgentConn, 1);

  self->api = api;
  self->center = center;
  self->conn = g_object_ref (conn);
  self->budget = fd_ws_budget_new (conn);
  self->organization_id = agent->organization_id;
  self->agent_id = agent->id;
  self->token_hash = g_strdup (token_hash);

  soup_websocket_connection_set_max_incoming_payload_size (conn, FD_API_WEBSOCKET_MAX_PAYLOAD);
  g_signal_connect (conn, "message", G_CALLBACK (on_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed_cb), self);
  /* The API pings it and checks its silence (FdWsSilence). */
  self->hello_timeout_id = g_timeout_add_seconds (FD_AGENT_SOCKET_HELLO_TIMEOUT, on_hello_timeout_cb, self);
  fd_agent_api_add_socket (api, self);
  /* Arms the expiry timer (the handshake checked the token just now). */
  recheck_token (self);
  return self;
}
