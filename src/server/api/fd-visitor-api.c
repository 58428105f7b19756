#define G_LOG_DOMAIN "fd-visitor-api"

#include "fd-visitor-api.h"
#include "fd-agent-api.h"
#include "fd-center-actions.h"

#include "fd-auth.h"
#include "fd-protocol.h"

#include <string.h>

struct _FdVisitorApi
{
  FdCenter   *center;
  SoupServer *server;
  gulong      request_read_id;
};

/* --- User-Agent -------------------------------------------------------------- */

typedef struct {
  const char *needle;
  const char *name;
} UaRule;

/* Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". */
static const UaRule browsers[] = {
  { "Edg/", "Edge" },
  { "Edge/", "Edge" },
  { "OPR/", "Opera" },
  { "Opera", "Opera" },
  { "SamsungBrowser/", "Samsung Internet" },
  { "Firefox/", "Firefox" },
  { "FxiOS/", "Firefox" },
  { "CriOS/", "Chrome" },
  { "Chromium/", "Chromium" },
  { "Chrome/", "Chrome" },
  { "Safari/", "Safari" },
  { "MSIE ", "Internet Explorer" },
  { "Trident/", "Internet Explorer" },
};

static const UaRule systems[] = {
  { "Windows", "Windows" },
  { "iPhone", "iOS" },
  { "iPad", "iOS" },
  { "Android", "Android" },
  { "CrOS", "ChromeOS" },
  { "Mac OS X", "macOS" },
  { "Macintosh", "macOS" },
  { "Linux", "Linux" },
  { "FreeBSD", "FreeBSD" },
};

static const char *
match_rule (const UaRule *rules,
            guint         n_rules,
            const char   *user_agent)
{
  for (guint i = 0; user_agent != NULL && i < n_rules; i++)
    if (strstr (user_agent, rules[i].needle) != NULL)
      return rules[i].name;
  return "Unknown";
}

void
fd_visitor_parse_user_agent (const char  *user_agent,
                             char       **out_browser,
                             char       **out_os)
{
  g_return_if_fail (out_browser != NULL && out_os != NULL);

  *out_browser = g_strdup (match_rule (browsers, G_N_ELEMENTS (browsers), user_agent));
  *out_os = g_strdup (match_rule (systems, G_N_ELEMENTS (systems), user_agent));
}

/* --- HTTP -------------------------------------------------------------------- */

static void allow_origin (SoupServerMessage *msg, const FdStream *stream);

static void
respond_inactive (SoupServerMessage *msg)
{
  /* Any site may learn that the channel is gone: the widget shows it. */
  allow_origin (msg, NULL);
  fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
}

static const char *
request_origin (SoupServerMessage *msg)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
}

/* CORS: the widget runs on the business's site. A preflight is answered for
 * any origin (it names no stream); the answer itself is readable only by
 * the stream's allowed origins (any when the list is empty). */
static void
allow_origin (SoupServerMessage *msg,
              const FdStream    *stream)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *origin = request_origin (msg);

  if (origin == NULL)
    return;
  if (stream != NULL && stream->allowed_origins != NULL && stream->allowed_origins[0] != NULL &&
      !g_strv_contains ((const char * const *) stream->allowed_origins, origin))
    return;
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (headers, "Vary", "Origin");
}

static void
answer_preflight (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  allow_origin (msg, NULL);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "POST");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
  soup_message_headers_replace (headers, "Access-Control-Max-Age", "600");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* The one place where a visitor request is admitted for a stream. Origin
 * checks against stream->allowed_origins and rate limits belong here. */
static FdStream *
admit (FdVisitorApi       *self,
       SoupServerMessage  *msg,
       const char         *stream_key,
       FdStreamKind        kind)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = fd_store_get_stream_by_key (self->center->store, stream_key, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        respond_inactive (msg);
      else
        fd_api_respond_gerror (msg, error);
      return NULL;
    }
  allow_origin (msg, stream);
  if (stream->kind != kind)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD,
                            kind == FD_STREAM_WEBCHAT ? "This channel does not take chats."
                                                      : "This channel does not take callback requests.", 0);
      return NULL;
    }
  return g_steal_pointer (&stream);
}

static gboolean
check_department (SoupServerMessage *msg,
                  const FdStream    *stream,
                  const char        *department)
{
  if (department == NULL || stream->departments == NULL || stream->departments[0] == NULL ||
      g_strv_contains ((const char * const *) stream->departments, department))
    return TRUE;
  fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "This channel has no such department.", 0);
  return FALSE;
}

static char *
socket_url (SoupServerMessage *msg,
            const char        *token)
{
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host");
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

  if (host == NULL || *host == '\0')
    host = g_uri_get_host (uri);
  return g_strdup_printf ("%s://%s" FD_VISITOR_API_SOCKET "?token=%s",
                          g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? "wss" : "ws", host, escaped);
}

static void
start_session (FdVisitorApi      *self,
               SoupServerMessage *msg)
{
  FdStore *store = self->center->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdVisitorSessionRequest) request = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdVisitorSession) session = fd_visitor_session_new ();
  const char *user_agent;

  node = fd_api_read_body (msg, &error);
  request = node != NULL ? fd_visitor_session_request_from_json (node, &error) : NULL;
  if (request == NULL)
    {
      allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_WEBCHAT);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv->organization_id = stream->organization_id;
  conv->stream_id = stream->id;
  conv->contact = fd_contact_new ();
  conv->contact->organization_id = stream->organization_id;
  conv->contact->name = g_strdup (request->name);
  conv->contact->email = g_strdup (request->email);
  conv->contact->phone = g_strdup (request->phone);
  conv->department = g_strdup (request->department);
  conv->page_url = g_strdup (request->page_url);
  conv->ip = g_strdup (soup_server_message_get_remote_host (msg));
  user_agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent");
  fd_visitor_parse_user_agent (user_agent, &conv->browser, &conv->os);

  stored = fd_center_start_conversation (self->center, conv, &error);
  if (stored == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  session->token = fd_auth_create_visitor_token (store, stored->organization_id, stored->id, &error);
  if (session->token == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  session->conversation_id = stored->id;
  session->socket_url = socket_url (msg, session->token);
  fd_api_respond_json (msg, SOUP_STATUS_CREATED, fd_visitor_session_to_json (session));
}

static void
request_callback (FdVisitorApi      *self,
                  SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdCallbackRequest) request = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdCallbackCreated) created = fd_callback_created_new ();

  node = fd_api_read_body (msg, &error);
  request = node != NULL ? fd_callback_request_from_json (node, &error) : NULL;
  if (request == NULL)
    {
      allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  if (g_strstrip (request->number)[0] == '\0')
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "A callback needs a phone number.", 0);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_CALLBACK);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv->organization_id = stream->organization_id;
  conv->stream_id = stream->id;
  conv->contact = fd_contact_new ();
  conv->contact->organization_id = stream->organization_id;
  conv->contact->name = g_strdup (request->name);
  conv->contact->phone = g_strdup (request->number);
  conv->department = g_strdup (request->department);
  conv->callback_number = g_strdup (request->number);
  conv->callback_time = g_strdup (request->preferred_time);
  conv->ip = g_strdup (soup_server_message_get_remote_host (msg));

  stored = fd_center_start_conversation (self->center, conv, &error);
  if (stored == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  created->conversation_id = stored->id;
  fd_api_respond_json (msg, SOUP_STATUS_CREATED, fd_callback_created_to_json (created));
}

static void
on_http_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FdVisitorApi *self = user_data;
  gboolean post = g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0;

  if ((g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 || g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0) &&
      g_strcmp0 (soup_server_message_get_method (msg), "OPTIONS") == 0)
    answer_preflight (msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 && post)
    start_session (self, msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0 && post)
    request_callback (self, msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 || g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "This method is not allowed here.", 0);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else
    fd_api_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is nothing at this address.", 0);
}

/* --- The websocket ----------------------------------------------------------- */

static void
send_frame (FdVisitorConn *self,
            FdFrame       *frame)
{
  g_autoptr(FdFrame) owned = frame;
  g_autofree char *text = fd_frame_encode (owned, NULL);

  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->conn, text);
}

static void
send_error (FdVisitorConn *self,
            const char    *id,
            const GError  *error)
{
  FdWireError code = fd_center_wire_error_for (error);

  if (code == FD_WIRE_ERROR_INTERNAL)
    g_warning ("Visitor request failed: %s", error->message);
  send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, id, code,
                                        code == FD_WIRE_ERROR_INTERNAL
                                          ? "The server could not handle this; try again later."
                                          : error->message));
}

static void
handle_frame (FdVisitorConn *self,
              const FdFrame *frame)
{
  FdCenter *center = self->center;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (frame->type != FD_FRAME_VISITOR_HELLO && !self->hello_done)
    {
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                                            "Send hello first."));
      return;
    }

  switch (frame->type)
    {
    case FD_FRAME_VISITOR_HELLO:
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
          }
      }
      break;
    case FD_FRAME_VISITOR_SEND_MESSAGE:
      {
        g_autoptr(FdMessage) msg = NULL;
        gboolean duplicate = FALSE;

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
  handle_frame (self, frame);
}

void
fd_visitor_socket_free (FdVisitorConn *self)
{
  fd_center_remove_visitor_conn (self->center, self);
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_object (&self->conn);
  g_free (self);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  fd_visitor_socket_free (user_data);
}

static char *
dup_query_token (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  g_autoptr(GHashTable) params = NULL;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  return params != NULL ? g_strdup (g_hash_table_lookup (params, "token")) : NULL;
}

static gboolean
check_token (FdVisitorApi      *self,
             SoupServerMessage *msg,
             gint64            *out_conversation_id,
             gint64            *out_organization_id,
             GError           **error)
{
  g_autofree char *token = dup_query_token (msg);

  if (token == NULL)
    {
      g_set_error_literal (error, FD_CENTER_ERROR, FD_WIRE_ERROR_UNAUTHORIZED,
                           "The visitor websocket needs its token in the query.");
      return FALSE;
    }
  return fd_auth_check_visitor_token (self->center->store, token, out_conversation_id, out_organization_id, error);
}

static void
on_request_read_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  FdVisitorApi *self = user_data;
  g_autoptr(GError) error = NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  gint64 conv = 0;
  gint64 org = 0;

  if (uri == NULL || g_strcmp0 (g_uri_get_path (uri), FD_VISITOR_API_SOCKET) != 0)
    return;
  if (!check_token (self, msg, &conv, &org, &error))
    {
      if (fd_center_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
        fd_api_respond_gerror (msg, error);
      else
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, "The visitor token is wrong.", 0);
    }
}

static void
on_socket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  FdVisitorApi *self = user_data;
  FdVisitorConn *conn;
  gint64 conversation_id = 0;
  gint64 organization_id = 0;

  if (!check_token (self, msg, &conversation_id, &organization_id, NULL))
    {
      soup_websocket_connection_close (connection, 4401, "Unauthorized");
      return;
    }
  conn = g_new0 (FdVisitorConn, 1);
  conn->center = self->center;
  conn->conn = g_object_ref (connection);
  conn->organization_id = organization_id;
  conn->conversation_id = conversation_id;
  soup_websocket_connection_set_max_incoming_payload_size (connection, FD_WEBSOCKET_MAX_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), conn);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed_cb), conn);
  fd_center_add_visitor_conn (self->center, conn);
}

FdVisitorApi *
fd_visitor_api_new (FdCenter *center)
{
  FdVisitorApi *self = g_new0 (FdVisitorApi, 1);

  self->center = center;
  return self;
}

void
fd_visitor_api_attach (FdVisitorApi *self,
                       SoupServer   *server)
{
  self->server = g_object_ref (server);
  self->request_read_id = g_signal_connect (server, "request-read", G_CALLBACK (on_request_read_cb), self);
  soup_server_add_handler (server, FD_VISITOR_API_SESSIONS, on_http_cb, self, NULL);
  soup_server_add_handler (server, FD_VISITOR_API_CALLBACKS, on_http_cb, self, NULL);
  soup_server_add_websocket_handler (server, FD_VISITOR_API_SOCKET, NULL, NULL, on_socket_cb, self, NULL);
}

void
fd_visitor_api_free (FdVisitorApi *self)
{
  if (self->server != NULL)
    {
      g_clear_signal_handler (&self->request_read_id, self->server);
      soup_server_remove_handler (self->server, FD_VISITOR_API_SESSIONS);
      soup_server_remove_handler (self->server, FD_VISITOR_API_CALLBACKS);
      soup_server_remove_handler (self->server, FD_VISITOR_API_SOCKET);
      g_clear_object (&self->server);
    }
  g_free (self);
}
