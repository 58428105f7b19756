#define G_LOG_DOMAIN "fd-visitor-socket"

/* One visitor websocket (docs/protocol.md, "Visitor websocket"): decodes
 * the widget's frames, answers them through the center and receives the
 * frames the center pushes (through the visitor API's sink). It frees
 * itself when the socket closes. */

#include "fd-visitor-api-private.h"

#include "fd-api-http.h"
#include "fd-center-actions.h"
#include "fd-listener.h"
#include "fd-protocol.h"

static void
send_frame (FdVisitorConn *self,
            FdFrame       *frame)
{
  fd_api_socket_send (self->budget, frame);
}

static void
send_error (FdVisitorConn *self,
            const char    *id,
            const GError  *error)
{
  send_frame (self, fd_api_error_frame (FD_FRAME_VISITOR_ERROR, id, error, "Visitor request",
                                        "The server could not handle this; try again later."));
}

/* FALSE when the conversation spent its tokens of @limit; @retry_after
 * tells when one comes back. */
static gboolean
conversation_within (FdVisitorConn *self,
                     FdRateLimit   *limit,
                     guint         *retry_after)
{
  char key[32];

  g_snprintf (key, sizeof key, "%" G_GINT64_FORMAT, self->conversation_id);
  return fd_rate_limit_take (limit, key, retry_after);
}

static void
handle_frame (FdVisitorConn *self,
              const FdFrame *frame)
{
  FdCenter *center = self->center;
  FdVisitorApi *api = self->api;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  guint retry_after = 0;

  if (frame->type != FD_FRAME_VISITOR_HELLO && !self->hello_done)
    {
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                                            "Send hello first."));
      return;
    }

  switch (frame->type)
    {
    case FD_FRAME_VISITOR_HELLO:
      /* Once per socket: a repeated hello would resend the transcript for
       * a few bytes from the client. */
      if (self->hello_done)
        {
          send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                                                "This chat has said hello already; to resync, reconnect."));
          break;
        }
      {
        FdVisitorWelcome *welcome = fd_center_visitor_welcome (center, self->organization_id,
                                                               self->conversation_id,
                                                               ((FdVisitorHello *) frame->body)->last_message_id,
                                                               &error);

        ok = welcome != NULL;
        if (ok)
          {
            send_frame (self, fd_frame_new (FD_FRAME_VISITOR_WELCOME, welcome));
            self->hello_done = TRUE;
            g_clear_handle_id (&self->hello_timeout_id, g_source_remove);
          }
      }
      break;
    case FD_FRAME_VISITOR_SEND_MESSAGE:
      {
        g_autoptr(FdMessage) msg = NULL;
        gboolean duplicate = FALSE;

        /* Refused, not stored: the widget keeps the message and resends it
         * with the same client_id after retry_after, so nothing is lost. */
        if (!conversation_within (self, api->message_limit, &retry_after))
          {
            FdFrame *refusal = fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_RATE_LIMITED,
                                                   "Too many messages at once; this one will be sent in a moment.");

            ((FdErrorBody *) refusal->body)->retry_after = (gint) retry_after;
            send_frame (self, refusal);
            break;
          }
        msg = fd_center_send_visitor_message (center, self->organization_id, self->conversation_id,
                                              frame->body, &duplicate, &error);
        ok = msg != NULL;
        /* A new message was echoed by the push; a resend is echoed here. */
        if (ok && duplicate)
          {
            msg->agent_id = 0;
            msg->organization_id = 0;
            send_frame (self, fd_frame_new (FD_FRAME_VISITOR_MESSAGE, g_steal_pointer (&msg)));
          }
      }
      break;
    case FD_FRAME_VISITOR_TYPING:
      /* Typing is a hint that the next one replaces: over the limit it is
       * dropped without a word. */
      if (!conversation_within (self, api->typing_limit, &retry_after))
        break;
      ok = fd_center_visitor_typing (center, self->organization_id, self->conversation_id,
                                     ((FdVisitorTyping *) frame->body)->typing, &error);
      break;
    case FD_FRAME_VISITOR_CLOSE:
      ok = fd_center_visitor_close (center, self->organization_id, self->conversation_id, frame->body, &error);
      break;
    case FD_FRAME_VISITOR_RATE:
      ok = fd_center_visitor_rate (center, self->organization_id, self->conversation_id, frame->body, &error);
      break;
    case FD_FRAME_VISITOR_PING:
      send_frame (self, fd_frame_new (FD_FRAME_VISITOR_PONG, NULL));
      break;
    default:
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_UNKNOWN_TYPE,
                                            "The server does not take this frame."));
      break;
    }
  if (!ok)
    send_error (self, frame->id, error);
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  FdVisitorConn *self = user_data;
  FdCenter *center;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;
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
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, NULL, FD_WIRE_ERROR_MALFORMED,
                                            "Frames are websocket text messages."));
      return;
    }
  frame = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, data, len, &error);
  if (frame == NULL)
    {
      g_autofree char *id = fd_api_peek_frame_id (data, len);

      send_frame (self, fd_frame_new_error_from_gerror (FD_FRAME_VISITOR_ERROR, id, error));
      return;
    }
  /* The request's changes join the group commit; its answers wait for it
   * (docs/architecture.md, "Durability"). */
  center = self->center;
  fd_center_group_enter (center);
  handle_frame (self, frame);
  fd_center_group_leave (center);
}

void
fd_visitor_socket_free (FdVisitorConn *self)
{
  fd_visitor_api_remove_socket (self->api, self);
  g_clear_handle_id (&self->hello_timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_pointer (&self->budget, fd_ws_budget_free);
  g_clear_object (&self->conn);
  g_free (self);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  fd_visitor_socket_free (user_data);
}

static gboolean
on_hello_timeout_cb (gpointer user_data)
{
  FdVisitorConn *self = user_data;

  self->hello_timeout_id = 0;
  if (!self->hello_done && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, 4408, "No hello");
  return G_SOURCE_REMOVE;
}

FdVisitorConn *
fd_visitor_socket_new (FdVisitorApi            *api,
                       FdCenter                *center,
                       SoupWebsocketConnection *connection,
                       gint64                   organization_id,
                       gint64                   conversation_id)
{
  FdVisitorConn *conn = g_new0 (FdVisitorConn, 1);

  conn->api = api;
  conn->center = center;
  conn->conn = g_object_ref (connection);
  fd_listener_websocket_started (connection, FALSE);
  conn->budget = fd_ws_budget_new (connection);
  conn->organization_id = organization_id;
  conn->conversation_id = conversation_id;
  soup_websocket_connection_set_max_incoming_payload_size (connection, FD_API_WEBSOCKET_MAX_PAYLOAD);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), conn);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed_cb), conn);
  conn->hello_timeout_id = g_timeout_add_seconds (FD_VISITOR_SOCKET_HELLO_TIMEOUT, on_hello_timeout_cb, conn);
  return conn;
}
