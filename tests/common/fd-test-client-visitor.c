#define G_LOG_DOMAIN "fd-test-client"

/* The test client's visitor (FdTestVisitor): a web chat session started
 * over HTTP, its websocket and hello, what it sends and awaits. */

#include "fd-test-client-private.h"

#define VISITOR_SESSIONS_PATH "/api/visitor/v1/sessions"
#define VISITOR_SOCKET_PATH   "/api/visitor/v1/socket"

/* --- visitors ------------------------------------------------------------ */

FdTestVisitor *
fd_test_visitor_start (FdTestServer *server,
                       const char   *stream_key,
                       const char   *name)
{
  return fd_test_visitor_start_with_email (server, stream_key, name, NULL);
}

FdTestVisitor *
fd_test_visitor_start_with_email (FdTestServer *server,
                                  const char   *stream_key,
                                  const char   *name,
                                  const char   *email)
{
  return fd_test_visitor_start_full (server, stream_key, name, email, "https://kakapo.example/pricing");
}

FdTestVisitor *
fd_test_visitor_start_full (FdTestServer *server,
                            const char   *stream_key,
                            const char   *name,
                            const char   *email,
                            const char   *page_url)
{
  g_autoptr(FdVisitorSessionRequest) request = fd_visitor_session_request_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdVisitorSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("Starting a chat on “%s”", stream_key);
  FdTestVisitor *self;

  request->stream_key = g_strdup (stream_key);
  request->name = g_strdup (name);
  request->email = g_strdup (email);
  request->page_url = g_strdup (page_url);
  answer = test_client_post_expect (server, VISITOR_SESSIONS_PATH, fd_visitor_session_request_to_json (request),
                                    SOUP_STATUS_CREATED, what);
  session = fd_visitor_session_from_json (answer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session->token);
  g_assert_cmpint (session->conversation_id, >, 0);

  self = g_new0 (FdTestVisitor, 1);
  self->server = server;
  self->token = g_steal_pointer (&session->token);
  self->conversation_id = session->conversation_id;
  self->socket_url = g_steal_pointer (&session->socket_url);
  return self;
}

static gboolean
is_agent_text (const FdFrame *frame,
               gpointer       user_data)
{
  const FdMessage *message = frame->body;

  return frame->type == FD_FRAME_VISITOR_MESSAGE && message->direction == FD_DIRECTION_OUT &&
         g_strcmp0 (message->text, user_data) == 0;
}

void
fd_test_visitor_expect_text (FdTestVisitor *self,
                             const char    *text,
                             guint          timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("the visitor to receive “%s”", text);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (self->socket, is_agent_text, (gpointer) text,
                                                        timeout_ms, what);

  g_assert_nonnull (frame);
}

char *
fd_test_visitor_socket_url (FdTestServer *server,
                            const char   *token)
{
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

  return g_strconcat (fd_test_server_get_ws_url (server), VISITOR_SOCKET_PATH "?token=", escaped, NULL);
}

FdVisitorWelcome *
fd_test_visitor_connect (FdTestVisitor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fd_test_visitor_socket_url (self->server, self->token);
  g_autoptr(FdFrame) hello = fd_frame_new (FD_FRAME_VISITOR_HELLO, NULL);
  g_autoptr(FdFrame) welcome = NULL;
  guint status = 0;

  g_assert_null (self->socket);
  self->socket = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
  if (self->socket == NULL)
    g_error ("The visitor websocket was refused (HTTP %u): %s", status, error->message);
  fd_test_socket_send (self->socket, hello);
  welcome = fd_test_socket_wait (self->socket, FD_FRAME_VISITOR_WELCOME, FD_TEST_TIMEOUT_MS,
                                 "the visitor's welcome");
  g_clear_pointer (&self->welcome, fd_visitor_welcome_free);
  self->welcome = g_steal_pointer (&welcome->body);
  g_assert_cmpint (self->welcome->conversation_id, ==, self->conversation_id);
  return self->welcome;
}

void
fd_test_visitor_send (FdTestVisitor *self,
                      const char    *client_id,
                      const char    *text)
{
  FdVisitorSend *send = fd_visitor_send_new ();
  g_autoptr(FdFrame) frame = NULL;

  send->client_id = g_strdup (client_id);
  send->text = g_strdup (text);
  frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, send);
  fd_test_socket_send (self->socket, frame);
}

void
fd_test_visitor_close (FdTestVisitor *self,
                       gint           rating,
                       const char    *comment)
{
  FdRating *body = fd_rating_new ();
  g_autoptr(FdFrame) frame = NULL;

  body->rating = rating;
  body->comment = g_strdup (comment);
  frame = fd_frame_new (FD_FRAME_VISITOR_CLOSE, body);
  fd_test_socket_send (self->socket, frame);
}

FdFrame *
fd_test_visitor_wait (FdTestVisitor *self,
                      FdFrameType    type)
{
  g_autofree char *what = g_strdup_printf ("a “%s” frame for the visitor",
                                           fd_frame_type_to_string (type));

  g_assert_nonnull (self->socket);
  return fd_test_socket_wait (self->socket, type, FD_TEST_TIMEOUT_MS, what);
}

void
fd_test_visitor_disconnect (FdTestVisitor *self)
{
  g_clear_pointer (&self->socket, fd_test_socket_free);
}

void
fd_test_visitor_free (FdTestVisitor *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->socket, fd_test_socket_free);
  g_free (self->token);
  g_free (self->socket_url);
  g_clear_pointer (&self->welcome, fd_visitor_welcome_free);
  g_free (self);
}
