#define G_LOG_DOMAIN "fd-test-client"

/* The test client's agent (FdTestAgent): sign-in, its websocket and hello,
 * requests and their acks or errors, the events awaited, and the request
 * bodies of the agent protocol. */

#include "fd-test-client-private.h"

#include "fd-config.h"

#define AGENT_SESSIONS_PATH   "/api/agent/v1/sessions"
#define AGENT_SOCKET_PATH     "/api/agent/v1/socket"

/* --- agents -------------------------------------------------------------- */

FdTestAgent *
fd_test_agent_sign_in (FdTestServer *server,
                       const char   *email,
                       const char   *password)
{
  g_autoptr(FdSignInRequest) request = fd_sign_in_request_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdSignIn) sign_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("Signing in %s", email);
  FdTestAgent *self;

  request->email = g_strdup (email);
  request->password = g_strdup (password);
  answer = test_client_post_expect (server, AGENT_SESSIONS_PATH, fd_sign_in_request_to_json (request),
                                    SOUP_STATUS_OK, what);
  sign_in = fd_sign_in_from_json (answer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sign_in->token);

  self = g_new0 (FdTestAgent, 1);
  self->server = server;
  self->email = g_strdup (email);
  self->password = g_strdup (password);
  self->token = g_steal_pointer (&sign_in->token);
  self->agent = g_steal_pointer (&sign_in->agent);
  self->organization = g_steal_pointer (&sign_in->organization);
  return self;
}

static char *
agent_socket_url (FdTestServer *server)
{
  return g_strconcat (fd_test_server_get_ws_url (server), AGENT_SOCKET_PATH, NULL);
}

FdWelcome *
fd_test_agent_connect (FdTestAgent *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = agent_socket_url (self->server);
  g_autoptr(FdFrame) reply = NULL;
  FdHello *hello;
  guint status = 0;

  g_assert_null (self->socket);
  self->socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, self->token, &status, &error);
  if (self->socket == NULL)
    g_error ("The agent websocket of %s was refused (HTTP %u): %s", self->email, status, error->message);

  hello = fd_hello_new ();
  hello->protocol = FD_PROTOCOL_VERSION;
  hello->last_seq = self->last_seq;
  hello->client = g_strdup ("frontdesk-tests/" PACKAGE_VERSION);
  hello->message_conversation = self->message_conversation;
  reply = fd_test_agent_request (self, FD_FRAME_HELLO, hello);
  if (reply->type == FD_FRAME_ERROR)
    g_error ("hello was answered by an error: %s", ((FdErrorBody *) reply->body)->message);
  g_assert_cmpint (reply->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (reply->ack_for, ==, FD_FRAME_HELLO);
  g_clear_pointer (&self->welcome, fd_welcome_free);
  self->welcome = g_steal_pointer (&reply->body);
  g_assert_nonnull (self->welcome);
  return self->welcome;
}

void
fd_test_agent_disconnect (FdTestAgent *self)
{
  if (self->socket == NULL)
    return;
  self->last_seq = MAX (self->last_seq, self->socket->last_seq);
  g_clear_pointer (&self->socket, fd_test_socket_free);
}

gint64
fd_test_agent_get_last_seq (FdTestAgent *self)
{
  if (self->socket != NULL)
    self->last_seq = MAX (self->last_seq, self->socket->last_seq);
  return self->last_seq;
}

void
fd_test_agent_free (FdTestAgent *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->socket, fd_test_socket_free);
  g_free (self->email);
  g_free (self->password);
  g_free (self->token);
  g_clear_pointer (&self->agent, fd_agent_free);
  g_clear_pointer (&self->organization, fd_organization_free);
  g_clear_pointer (&self->welcome, fd_welcome_free);
  g_free (self);
}

char *
fd_test_agent_send_request (FdTestAgent *self,
                            FdFrameType  type,
                            gpointer     body)
{
  g_autoptr(FdFrame) frame = NULL;
  char *id;

  g_assert_nonnull (self->socket);
  id = g_strdup_printf ("t%u", ++self->socket->next_id);
  frame = fd_frame_new_request (type, id, body);
  fd_test_socket_send (self->socket, frame);
  return id;
}

FdFrame *
fd_test_agent_request (FdTestAgent *self,
                       FdFrameType  type,
                       gpointer     body)
{
  g_autofree char *id = fd_test_agent_send_request (self, type, body);

  return fd_test_socket_wait_reply (self->socket, id, FD_TEST_TIMEOUT_MS);
}

FdFrame *
fd_test_agent_expect_ack (FdTestAgent *self,
                          FdFrameType  type,
                          gpointer     body)
{
  FdFrame *reply = fd_test_agent_request (self, type, body);

  if (reply->type == FD_FRAME_ERROR)
    {
      FdErrorBody *err = reply->body;

      g_error ("%s of %s answered %s: %s", fd_frame_type_to_string (type), self->email,
               fd_wire_error_to_string (err->code), err->message);
    }
  g_assert_cmpint (reply->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (reply->ack_for, ==, type);
  return reply;
}

void
fd_test_assert_error_frame (const FdFrame *frame,
                            FdWireError    code)
{
  const FdErrorBody *err;

  g_assert_nonnull (frame);
  if (frame->type != FD_FRAME_ERROR && frame->type != FD_FRAME_VISITOR_ERROR)
    g_error ("Expected an error “%s”, got a “%s” frame", fd_wire_error_to_string (code),
             fd_frame_type_to_string (frame->type));
  err = frame->body;
  if (err->code != code)
    g_error ("Expected the error code “%s”, got “%s” (%s)", fd_wire_error_to_string (code),
             fd_wire_error_to_string (err->code), err->message);
  g_assert_nonnull (err->message);
  g_assert_cmpstr (err->message, !=, "");
}

void
fd_test_agent_expect_error (FdTestAgent *self,
                            FdFrameType  type,
                            gpointer     body,
                            FdWireError  code)
{
  g_autoptr(FdFrame) reply = fd_test_agent_request (self, type, body);

  fd_test_assert_error_frame (reply, code);
}

FdFrame *
fd_test_agent_wait_event (FdTestAgent *self,
                          FdFrameType  type)
{
  g_autofree char *what = g_strdup_printf ("a “%s” event for %s", fd_frame_type_to_string (type),
                                           self->email);

  g_assert_nonnull (self->socket);
  return fd_test_socket_wait (self->socket, type, FD_TEST_TIMEOUT_MS, what);
}

void
fd_test_agent_join (FdTestAgent *self,
                    gint64       queue_id)
{
  FdQueueRef *ref = fd_queue_ref_new ();
  g_autoptr(FdFrame) ack = NULL;
  FdQueueState *state;

  ref->queue_id = queue_id;
  ack = fd_test_agent_expect_ack (self, FD_FRAME_JOIN, ref);
  state = ack->body;
  g_assert_nonnull (state);
  g_assert_cmpint (state->queue_id, ==, queue_id);
  g_assert_true (state->joined);
}

FdTestAgent *
fd_test_agent_sign_in_and_join (FdTestServer *server,
                                const char   *email,
                                const char   *password,
                                gint64        queue_id,
                                FdFrame     **out_snapshot)
{
  FdTestAgent *agent = fd_test_agent_sign_in (server, email, password);
  g_autoptr(FdFrame) snapshot = NULL;

  fd_test_agent_connect (agent);
  snapshot = fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT);
  fd_test_agent_join (agent, queue_id);
  if (out_snapshot != NULL)
    *out_snapshot = g_steal_pointer (&snapshot);
  return agent;
}

FdTestVisitor *
fd_test_agent_reserve_new_chat (FdTestAgent  *self,
                                FdTestServer *server,
                                const char   *stream_key,
                                const char   *name)
{
  FdTestVisitor *visitor = fd_test_visitor_start (server, stream_key, name);
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;

  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (self, FD_FRAME_OFFER);
  reserved = fd_test_agent_expect_ack (self, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  return visitor;
}

FdConversationDetail *
fd_test_agent_get_conversation (FdTestAgent *self,
                                gint64       conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();
  g_autoptr(FdFrame) ack = NULL;

  ref->conversation_id = conversation_id;
  ack = fd_test_agent_expect_ack (self, FD_FRAME_GET_CONVERSATION, ref);
  g_assert_nonnull (ack->body);
  return g_steal_pointer (&ack->body);
}

FdOfferEvent *
fd_test_agent_wait_offer (FdTestAgent *self,
                          guint        timeout_ms,
                          const char  *what)
{
  FdFrame *frame = fd_test_socket_wait (self->socket, FD_FRAME_OFFER, timeout_ms, what);
  FdOfferEvent *offer = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return offer;
}

typedef struct {
  gint64      conversation_id;
  const char *text;
} MessageMatch;

static gboolean
is_customer_message (const FdFrame *frame,
                     gpointer       data)
{
  MessageMatch *match = data;
  const FdMessage *msg = frame->body;

  return frame->type == FD_FRAME_MESSAGE && msg->direction == FD_DIRECTION_IN &&
         g_strcmp0 (msg->text, match->text) == 0 &&
         (match->conversation_id == 0 || msg->conversation_id == match->conversation_id);
}

FdMessage *
fd_test_agent_wait_customer_message (FdTestAgent *self,
                                     gint64       conversation_id,
                                     const char  *text,
                                     guint        timeout_ms)
{
  MessageMatch match = { conversation_id, text };
  FdFrame *frame = fd_test_socket_wait_match (self->socket, is_customer_message, &match, timeout_ms,
                                              "customer message");
  FdMessage *msg = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return msg;
}

typedef struct {
  gint64          message_id;
  FdDeliveryState state;
} DeliveryMatch;

static gboolean
is_delivery (const FdFrame *frame,
             gpointer       data)
{
  DeliveryMatch *match = data;
  const FdDelivery *delivery = frame->body;

  return frame->type == FD_FRAME_DELIVERY && delivery->state == match->state &&
         (match->message_id == 0 || delivery->message_id == match->message_id);
}

FdFrame *
fd_test_agent_wait_delivery (FdTestAgent     *self,
                             gint64           message_id,
                             FdDeliveryState  state,
                             guint            timeout_ms)
{
  DeliveryMatch match = { message_id, state };
  g_autofree char *what = g_strdup_printf ("delivery %s of message %" G_GINT64_FORMAT,
                                           state == FD_DELIVERY_SENT ? "sent" :
                                           state == FD_DELIVERY_FAILED ? "failed" : "queued", message_id);

  return fd_test_socket_wait_match (self->socket, is_delivery, &match, timeout_ms, what);
}

FdConversationRef *
fd_test_conversation_ref (gint64 conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();

  ref->conversation_id = conversation_id;
  return ref;
}

FdQueueRef *
fd_test_queue_ref (gint64 queue_id)
{
  FdQueueRef *ref = fd_queue_ref_new ();

  ref->queue_id = queue_id;
  return ref;
}

FdSendMessage *
fd_test_send_message (gint64      conversation_id,
                      const char *client_id,
                      const char *text)
{
  FdSendMessage *send = fd_send_message_new ();

  send->conversation_id = conversation_id;
  send->client_id = g_strdup (client_id);
  send->text = g_strdup (text);
  return send;
}
