/* Tests of the live center (src/server/fd-center*.c and the agent and visitor
 * APIs) against a real frontdeskd: sign-in, the websocket handshake, the
 * conversation lifecycle, idempotent sends, resume and missed chats. */

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-visitor-api.h"

#include <sqlite3.h>
#include <string.h>

static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Live Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"ann@live.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"},"
  "{\"email\":\"bob@live.example\",\"name\":\"Bob\",\"role\":\"agent\",\"password\":\"bob-password\"},"
  "{\"email\":\"cid@live.example\",\"name\":\"Cid\",\"role\":\"agent\",\"password\":\"cid-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@live.example\",\"bob@live.example\"]},"
  "{\"name\":\"Other\",\"members\":[\"cid@live.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"live-chat\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]},"
  "{\"kind\":\"callback\",\"name\":\"Callback\",\"queue\":\"Chat\",\"key\":\"live-callback\","
  "\"departments\":[],\"allowed_origins\":[],\"phases\":[]}]}";

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
  char         *chat_key;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) streams = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;

  f->server = fd_test_server_new_started ();
  f->org_id = fd_test_admin_import_site (f->server, site);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat");

  /* The stream key the server gave the chat stream. */
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  streams = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (streams));
  array = json_node_get_array (streams);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *stream = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (stream, "kind", ""), "webchat") == 0)
        f->chat_key = g_strdup (json_object_get_string_member (stream, "key"));
    }
  g_assert_nonnull (f->chat_key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->chat_key);
  fd_test_server_free (f->server);
}

/* The code of a flat error body {"code", "message", "retry_after"}. */
static const char *
error_code (JsonNode *answer)
{
  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  return json_object_get_string_member_with_default (json_node_get_object (answer), "code", "");
}

static char *
agent_socket_url (Fixture *f)
{
  return g_strconcat (fd_test_server_get_ws_url (f->server), "/api/agent/v1/socket", NULL);
}

static FdTestAgent *
connect_and_join (Fixture    *f,
                  const char *email,
                  const char *password)
{
  g_autoptr(FdFrame) snapshot = NULL;
  FdTestAgent *agent = fd_test_agent_sign_in_and_join (f->server, email, password, f->queue_id, &snapshot);

  g_assert_cmpint (snapshot->seq, >, 0);
  return agent;
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) malformed = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(FdTestAgent) ann = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestSocket) refused = NULL;
  g_autofree char *url = agent_socket_url (f);
  guint status = 0;

  bad = fd_test_http_request (f->server, NULL, "POST", "/api/agent/v1/sessions",
                              "{\"email\":\"ann@live.example\",\"password\":\"wrong-password\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (bad), ==, "unauthorized");

  malformed = fd_test_http_request (f->server, NULL, "POST", "/api/agent/v1/sessions", "{\"email\":", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (error_code (malformed), ==, "malformed");

  ann = fd_test_agent_sign_in (f->server, "ann@live.example", "ann-password");
  g_assert_nonnull (ann->token);
  g_assert_cmpstr (ann->agent->name, ==, "Ann");
  g_assert_cmpint (ann->agent->organization_id, ==, f->org_id);
  g_assert_cmpstr (ann->organization->name, ==, "Live Test");

  /* Signing out revokes the token: its open socket closes with 4401 and a
   * new one is refused at the handshake. */
  fd_test_agent_connect (ann);
  out = fd_test_http_request (f->server, ann->token, "DELETE", "/api/agent/v1/sessions/current", NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  fd_test_socket_wait_closed (ann->socket, FD_TEST_TIMEOUT_MS);
  g_assert_cmpuint (fd_test_socket_get_close_code (ann->socket), ==, 4401);
  refused = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, ann->token, &status, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, 401);
  again = fd_test_http_request (f->server, ann->token, "DELETE", "/api/agent/v1/sessions/current", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
}

static void
test_socket_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *url = agent_socket_url (f);
  g_autofree char *visitor_url = fd_test_visitor_socket_url (f->server, "fdv_not-a-real-token");
  const char *tokens[] = { NULL, "fda_not-a-real-token", "" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdTestSocket) socket = NULL;
      guint status = 0;

      socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, tokens[i], &status, &error);
      g_assert_null (socket);
      g_assert_nonnull (error);
      g_assert_cmpuint (status, ==, 401);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdTestSocket) socket = NULL;
    guint status = 0;

    socket = fd_test_socket_open (visitor_url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
    g_assert_null (socket);
    g_assert_cmpuint (status, ==, 401);
  }
}

static gboolean
is_withdraw_of (const FdFrame *frame,
                gpointer       user_data)
{
  return frame->type == FD_FRAME_WITHDRAW &&
         ((FdWithdraw *) frame->body)->conversation_id == *(gint64 *) user_data;
}

static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestAgent) bob = connect_and_join (f, "bob@live.example", "bob-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer_a = NULL;
  g_autoptr(FdFrame) offer_b = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(FdFrame) joined = NULL;
  g_autoptr(FdFrame) in_event = NULL;
  g_autoptr(FdFrame) sent = NULL;
  g_autoptr(FdFrame) resent = NULL;
  g_autoptr(FdFrame) to_visitor = NULL;
  g_autoptr(FdFrame) closed_ack = NULL;
  g_autoptr(FdFrame) closed = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdVisitorWelcome *welcome;
  FdConversation *conv;
  FdMessage *msg;
  guint outs = 0;
  gint64 id;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Natalie");
  id = visitor->conversation_id;
  welcome = fd_test_visitor_connect (visitor);
  g_assert_cmpint (welcome->state, ==, FD_CONVERSATION_UNRESERVED);

  /* Ring-all: both agents are offered the chat. */
  offer_a = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  offer_b = fd_test_agent_wait_event (bob, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) offer_a->body)->offer->conversation_id, ==, id);
  g_assert_cmpint (((FdOfferEvent *) offer_b->body)->offer->conversation_id, ==, id);
  /* The test client's User-Agent names no known browser: none is sent. */
  g_assert_null (((FdOfferEvent *) offer_a->body)->conversation->browser);
  g_assert_cmpstr (((FdOfferEvent *) offer_a->body)->conversation->ip, ==, "127.0.0.1");

  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));
  conv = reserved->body;
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (conv->agent_id, ==, ann->agent->id);
  g_assert_cmpint (conv->reserved_at, >, 0);
  g_assert_cmpint (conv->first_assigned_at, >, 0);
  withdraw = fd_test_socket_wait_match (bob->socket, is_withdraw_of, &id, FD_TEST_TIMEOUT_MS, "withdraw");
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_RESERVED_BY_OTHER);
  fd_test_agent_expect_error (bob, FD_FRAME_RESERVE, fd_test_conversation_ref (id), FD_WIRE_ERROR_CONFLICT);
  /* Reserving again is acknowledged. */
  g_clear_pointer (&reserved, fd_frame_free);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));

  joined = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_AGENT_JOINED);
  g_assert_cmpstr (((FdAgentJoined *) joined->body)->name, ==, "Ann");

  /* The visitor writes; the agent sees it. */
  fd_test_visitor_send (visitor, "w-1", "Do you ship to Norway?");
  in_event = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
  while (((FdMessage *) in_event->body)->direction != FD_DIRECTION_IN)
    {
      g_clear_pointer (&in_event, fd_frame_free);
      in_event = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
    }
  g_assert_cmpstr (((FdMessage *) in_event->body)->text, ==, "Do you ship to Norway?");
  g_assert_cmpstr (((FdMessage *) in_event->body)->client_id, ==, "w-1");

  /* Bob holds nothing: he may not write into Ann's chat. */
  fd_test_agent_expect_error (bob, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "b-1", "Hi"), FD_WIRE_ERROR_FORBIDDEN);

  /* The agent answers; a resend with the same client id is stored once. */
  sent = fd_test_agent_expect_ack (ann, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "c-1", "Yes, we do."));
  resent = fd_test_agent_expect_ack (ann, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "c-1", "Yes, we do."));
  g_assert_cmpint (((FdMessage *) sent->body)->id, >, 0);
  g_assert_cmpint (((FdMessage *) sent->body)->id, ==, ((FdMessage *) resent->body)->id);
  g_assert_cmpint (((FdMessage *) sent->body)->created_at, ==, ((FdMessage *) resent->body)->created_at);

  to_visitor = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
  while (((FdMessage *) to_visitor->body)->direction != FD_DIRECTION_OUT)
    {
      g_clear_pointer (&to_visitor, fd_frame_free);
      to_visitor = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
    }
  g_assert_cmpstr (((FdMessage *) to_visitor->body)->text, ==, "Yes, we do.");
  g_assert_cmpint (((FdMessage *) to_visitor->body)->agent_id, ==, 0);

  /* The agent closes; the visitor is asked for a rating and gives it. */
  closed_ack = fd_test_agent_expect_ack (ann, FD_FRAME_CLOSE, fd_test_conversation_ref (id));
  g_assert_cmpint (((FdConversation *) closed_ack->body)->state, ==, FD_CONVERSATION_CLOSED);
  closed = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_CLOSED);
  g_assert_cmpint (((FdVisitorClosed *) closed->body)->by, ==, FD_CLOSED_BY_AGENT);
  g_assert_true (((FdVisitorClosed *) closed->body)->ask_rating);
  {
    g_autoptr(FdFrame) rate = NULL;
    FdRating *rating = fd_rating_new ();

    rating->rating = 5;
    rating->comment = g_strdup ("Quick and friendly.");
    rate = fd_frame_new (FD_FRAME_VISITOR_RATE, rating);
    fd_test_socket_send (visitor->socket, rate);
  }
  /* Wait for the stored rating to reach the agent as a conversation event. */
  for (;;)
    {
      g_autoptr(FdFrame) update = fd_test_agent_wait_event (ann, FD_FRAME_CONVERSATION);

      if (((FdConversation *) update->body)->id == id && ((FdConversation *) update->body)->rating != 0)
        break;
    }

  detail = fd_test_agent_get_conversation (ann, id);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (detail->conversation->first_reply_at, >, 0);
  g_assert_cmpint (detail->conversation->closed_at, >, 0);
  g_assert_cmpint (detail->conversation->last_customer_message_at, ==, 0);
  g_assert_cmpint (detail->conversation->rating, ==, 5);
  g_assert_cmpstr (detail->conversation->comment, ==, "Quick and friendly.");
  for (guint i = 0; i < detail->messages->len; i++)
    {
      msg = g_ptr_array_index (detail->messages, i);
      if (msg->direction == FD_DIRECTION_OUT)
        outs++;
      if (i == 0)
        {
          g_assert_cmpint (msg->direction, ==, FD_DIRECTION_SYSTEM);
          g_assert_cmpstr (msg->text, ==, "Reserved by Ann");
          /* The kind the app words in the agent's language. */
          g_assert_cmpstr (msg->note, ==, FD_NOTE_RESERVED);
          /* The widget words the note for the customer from this name. */
          g_assert_cmpstr (msg->author_name, ==, "Ann");
        }
    }
  g_assert_cmpuint (outs, ==, 1);

  /* Rating twice is refused. */
  {
    g_autoptr(FdFrame) rate = NULL;
    g_autoptr(FdFrame) error = NULL;
    FdRating *rating = fd_rating_new ();

    rating->rating = 4;
    rate = fd_frame_new (FD_FRAME_VISITOR_RATE, rating);
    fd_test_socket_send (visitor->socket, rate);
    error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
    fd_test_assert_error_frame (error, FD_WIRE_ERROR_INVALID_STATE);
  }
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) missed = NULL;
  FdWelcome *welcome;
  gint64 seen;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  fd_test_socket_settle (ann->socket, 100);
  seen = fd_test_agent_get_last_seq (ann);
  g_assert_cmpint (seen, >, 0);

  fd_test_agent_disconnect (ann);
  fd_test_visitor_send (visitor, "w-away", "Are you still there?");
  /* Let the server store it before the agent comes back. */
  {
    g_autoptr(FdFrame) echo = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);

    while (((FdMessage *) echo->body)->direction != FD_DIRECTION_IN)
      {
        g_clear_pointer (&echo, fd_frame_free);
        echo = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
      }
  }

  welcome = fd_test_agent_connect (ann);
  g_assert_true (welcome->resumed);
  g_assert_cmpint (welcome->seq, >, seen);
  missed = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
  g_assert_cmpint (missed->seq, >, seen);
  g_assert_cmpstr (((FdMessage *) missed->body)->client_id, ==, "w-away");
  g_assert_cmpuint (fd_test_socket_drop (ann->socket, FD_FRAME_SNAPSHOT), ==, 0);
}

static void
test_missed_and_bad_input (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(FdTestAgent) cid = fd_test_agent_sign_in (f->server, "cid@live.example", "cid-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) malformed = NULL;
  g_autoptr(FdFrame) unknown = NULL;
  g_autoptr(FdFrame) pong = NULL;
  g_autoptr(FdFrame) early = NULL;
  g_autoptr(JsonNode) inactive = NULL;
  g_autofree char *url = agent_socket_url (f);
  g_autoptr(FdTestSocket) raw = NULL;
  FdVisitorWelcome *welcome;
  guint status = 0;

  /* Nobody is joined: the chat is missed and the visitor told. */
  visitor = fd_test_visitor_start (f->server, f->chat_key, "Late");
  welcome = fd_test_visitor_connect (visitor);
  g_assert_cmpint (welcome->state, ==, FD_CONVERSATION_MISSED);

  /* The widget's preflight from another site is allowed. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *sessions_url = g_strconcat (fd_test_server_get_url (f->server), "/api/visitor/v1/sessions", NULL);
    g_autoptr(SoupMessage) preflight = soup_message_new ("OPTIONS", sessions_url);
    g_autoptr(GBytes) body = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (preflight), "Origin", "https://shop.example");
    soup_message_headers_replace (soup_message_get_request_headers (preflight), "Access-Control-Request-Method", "POST");
    body = soup_session_send_and_read (session, preflight, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (preflight), ==, 204);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (preflight),
                                                   "Access-Control-Allow-Origin"), ==, "https://shop.example");
  }

  inactive = fd_test_http_request (f->server, NULL, "POST", "/api/visitor/v1/sessions",
                                   "{\"stream_key\":\"no-such-key\"}", &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (error_code (inactive), ==, "stream-inactive");

  /* A request before hello, then junk: typed errors, the socket stays. */
  raw = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, cid->token, NULL, NULL);
  g_assert_nonnull (raw);
  fd_test_socket_send_text (raw, "{\"type\":\"ping\",\"id\":\"p0\"}");
  early = fd_test_socket_wait_reply (raw, "p0", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (early, FD_WIRE_ERROR_INVALID_STATE);
  fd_test_socket_send_text (raw, "{\"type\":\"hello\",\"id\":\"h\",\"body\":{\"protocol\":1}}");
  g_clear_pointer (&early, fd_frame_free);
  early = fd_test_socket_wait_reply (raw, "h", FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (early->type, ==, FD_FRAME_ACK);

  fd_test_socket_send_text (raw, "{\"type\":");
  malformed = fd_test_socket_wait (raw, FD_FRAME_ERROR, FD_TEST_TIMEOUT_MS, "error for malformed JSON");
  fd_test_assert_error_frame (malformed, FD_WIRE_ERROR_MALFORMED);
  fd_test_socket_send_text (raw, "{\"type\":\"fly\",\"id\":\"u1\"}");
  unknown = fd_test_socket_wait_reply (raw, "u1", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_UNKNOWN_TYPE);

  /* Cid is not a member of the chat queue. */
  fd_test_socket_send_text (raw, "{\"type\":\"join\",\"id\":\"j1\",\"body\":{\"queue_id\":999999}}");
  g_clear_pointer (&unknown, fd_frame_free);
  unknown = fd_test_socket_wait_reply (raw, "j1", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_NOT_FOUND);
  {
    g_autofree char *text = g_strdup_printf ("{\"type\":\"get-conversation\",\"id\":\"g1\","
                                             "\"body\":{\"conversation_id\":%" G_GINT64_FORMAT "}}",
                                             visitor->conversation_id);

    fd_test_socket_send_text (raw, text);
    g_clear_pointer (&unknown, fd_frame_free);
    unknown = fd_test_socket_wait_reply (raw, "g1", FD_TEST_TIMEOUT_MS);
    fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_FORBIDDEN);
  }

  fd_test_socket_send_text (raw, "{\"type\":\"ping\",\"id\":\"p1\"}");
  pong = fd_test_socket_wait_reply (raw, "p1", FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);
  g_assert_false (fd_test_socket_is_closed (raw));
}

typedef struct {
  gint64 conversation_id;
  gint64 transfer_to;
} TransferWait;

/* A conversation event of the conversation with that transfer state. */
static gboolean
is_transfer_state (const FdFrame *frame,
                   gpointer       user_data)
{
  const TransferWait *wait = user_data;
  const FdConversation *conv = frame->body;

  return frame->type == FD_FRAME_CONVERSATION && conv->id == wait->conversation_id &&
         conv->transfer_to == wait->transfer_to;
}

static void
test_transfer_and_callback (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestAgent) bob = connect_and_join (f, "bob@live.example", "bob-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) transfer_offer = NULL;
  g_autoptr(FdFrame) taken = NULL;
  g_autoptr(FdFrame) attempt = NULL;
  g_autoptr(FdFrame) done = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdTransfer *transfer;
  FdCallbackAttempt *call;
  FdMessage *last;
  gint64 id;
  gint64 callback_id;
  guint status = 0;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Tess");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer to Ann");
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));

  /* The colleagues to choose from: Bob, joined and online; Cid is not in
   * the queue. Only the holder may ask. */
  {
    g_autoptr(FdFrame) listed = fd_test_agent_expect_ack (ann, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id));
    FdColleagues *colleagues = listed->body;
    FdColleague *first;
    g_autoptr(FdFrame) offline = NULL;

    g_assert_cmpuint (colleagues->items->len, ==, 1);
    first = g_ptr_array_index (colleagues->items, 0);
    g_assert_cmpint (first->agent_id, ==, bob->agent->id);
    g_assert_cmpstr (first->name, ==, "Bob");
    g_assert_true (first->online);
    g_assert_true (first->joined);
    fd_test_agent_expect_error (bob, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id), FD_WIRE_ERROR_FORBIDDEN);

    /* Bob's app goes away: still joined, listed as offline once the
     * server has seen the socket close (it may take a moment). */
    fd_test_agent_disconnect (bob);
    for (guint attempt_no = 0; attempt_no < 50; attempt_no++)
      {
        g_clear_pointer (&offline, fd_frame_free);
        offline = fd_test_agent_expect_ack (ann, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id));
        colleagues = offline->body;
        g_assert_cmpuint (colleagues->items->len, ==, 1);
        if (!((FdColleague *) g_ptr_array_index (colleagues->items, 0))->online)
          break;
        fd_test_socket_settle (ann->socket, 100);
      }
    g_assert_false (((FdColleague *) g_ptr_array_index (colleagues->items, 0))->online);
    fd_test_agent_connect (bob);
  }

  /* Only the holder may transfer, and only to a joined colleague. */
  transfer = fd_transfer_new ();
  transfer->conversation_id = id;
  transfer->agent_id = ann->agent->id;
  fd_test_agent_expect_error (bob, FD_FRAME_TRANSFER, transfer, FD_WIRE_ERROR_FORBIDDEN);
  /* Ann's apps see the offer go out, and come back when Bob declines:
   * she keeps the conversation. */
  {
    TransferWait out = { id, bob->agent->id };
    TransferWait back = { id, 0 };
    g_autoptr(FdFrame) sent = NULL;
    g_autoptr(FdFrame) returned = NULL;
    g_autoptr(FdFrame) declined = NULL;

    fd_test_socket_drop (ann->socket, FD_FRAME_CONVERSATION);
    transfer = fd_transfer_new ();
    transfer->conversation_id = id;
    transfer->agent_id = bob->agent->id;
    done = fd_test_agent_expect_ack (ann, FD_FRAME_TRANSFER, transfer);
    sent = fd_test_socket_wait_match (ann->socket, is_transfer_state, &out, FD_TEST_TIMEOUT_MS,
                                      "the conversation offered to Bob");
    g_assert_cmpint (((FdConversation *) sent->body)->agent_id, ==, ann->agent->id);
    /* A second transfer while the first is out is refused. */
    transfer = fd_transfer_new ();
    transfer->conversation_id = id;
    transfer->agent_id = bob->agent->id;
    fd_test_agent_expect_error (ann, FD_FRAME_TRANSFER, transfer, FD_WIRE_ERROR_INVALID_STATE);
    g_clear_pointer (&transfer_offer, fd_frame_free);
    transfer_offer = fd_test_socket_wait_match (bob->socket, fd_test_frame_is_offer_of,
                                                &id, FD_TEST_TIMEOUT_MS, "transfer offer");
    declined = fd_test_agent_expect_ack (bob, FD_FRAME_REJECT, fd_test_conversation_ref (id));
    returned = fd_test_socket_wait_match (ann->socket, is_transfer_state, &back, FD_TEST_TIMEOUT_MS,
                                          "the declined transfer coming back");
    g_assert_cmpint (((FdConversation *) returned->body)->agent_id, ==, ann->agent->id);
    g_assert_cmpint (((FdConversation *) returned->body)->state, ==, FD_CONVERSATION_RESERVED);
  }

  transfer = fd_transfer_new ();
  transfer->conversation_id = id;
  transfer->agent_id = bob->agent->id;
  transfer->note = g_strdup ("Billing question");
  g_clear_pointer (&done, fd_frame_free);
  done = fd_test_agent_expect_ack (ann, FD_FRAME_TRANSFER, transfer);
  g_clear_pointer (&transfer_offer, fd_frame_free);
  transfer_offer = fd_test_socket_wait_match (bob->socket, fd_test_frame_is_offer_of,
                                              &id, FD_TEST_TIMEOUT_MS, "transfer offer");
  taken = fd_test_agent_expect_ack (bob, FD_FRAME_RESERVE, fd_test_conversation_ref (id));
  g_assert_cmpint (((FdConversation *) taken->body)->agent_id, ==, bob->agent->id);
  detail = fd_test_agent_get_conversation (bob, id);
  last = g_ptr_array_index (detail->messages, detail->messages->len - 1);
  g_assert_cmpint (last->direction, ==, FD_DIRECTION_SYSTEM);
  g_assert_cmpstr (last->text, ==, "Transferred to Bob");
  g_assert_cmpstr (last->note, ==, FD_NOTE_TRANSFERRED);
  g_assert_cmpstr (last->author_name, ==, "Bob");
  /* Ann no longer holds it. */
  fd_test_agent_expect_error (ann, FD_FRAME_CLOSE, fd_test_conversation_ref (id), FD_WIRE_ERROR_FORBIDDEN);

  /* A callback request is offered, reserved and its call attempt recorded. */
  created = fd_test_http_request (f->server, NULL, "POST", "/api/visitor/v1/callbacks",
                                  "{\"stream_key\":\"live-callback\",\"name\":\"Carl\",\"number\":\"+47 555 0100\","
                                  "\"preferred_time\":\"after 3pm\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  callback_id = json_object_get_int_member (json_node_get_object (created), "conversation_id");
  g_assert_cmpint (callback_id, >, 0);
  g_clear_pointer (&offer, fd_frame_free);
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &callback_id, FD_TEST_TIMEOUT_MS, "callback offer");
  g_assert_cmpint (((FdOfferEvent *) offer->body)->offer->bounce_at, ==, 0);
  g_assert_cmpstr (((FdOfferEvent *) offer->body)->conversation->callback_number, ==, "+47 555 0100");
  g_assert_cmpstr (((FdOfferEvent *) offer->body)->conversation->callback_time, ==, "after 3pm");
  g_clear_pointer (&reserved, fd_frame_free);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (callback_id));
  call = fd_callback_attempt_new ();
  call->conversation_id = callback_id;
  call->outcome = FD_CALL_NO_ANSWER;
  attempt = fd_test_agent_expect_ack (ann, FD_FRAME_CALLBACK_ATTEMPT, call);
  g_assert_cmpstr (((FdMessage *) attempt->body)->text, ==, "Call attempt: no-answer");
  g_assert_cmpint (((FdMessage *) attempt->body)->direction, ==, FD_DIRECTION_SYSTEM);
  /* No kind: clients show the text. */
  g_assert_null (((FdMessage *) attempt->body)->note);
  /* A chat is not a callback. */
  call = fd_callback_attempt_new ();
  call->conversation_id = id;
  call->outcome = FD_CALL_ANSWERED;
  fd_test_agent_expect_error (bob, FD_FRAME_CALLBACK_ATTEMPT, call, FD_WIRE_ERROR_INVALID_STATE);
}

static void
test_restart_reoffers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) again = NULL;
  FdWelcome *welcome;
  gint64 id;
  gint64 seen;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rolf");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer");
  fd_test_socket_settle (ann->socket, 100);
  seen = fd_test_agent_get_last_seq (ann);
  fd_test_agent_disconnect (ann);

  fd_test_server_stop (f->server);
  fd_test_server_start (f->server);

  /* Still joined after the restart, and offered the waiting chat again. */
  welcome = fd_test_agent_connect (ann);
  g_assert_true (welcome->resumed);
  again = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer after restart");
  g_assert_cmpint (again->seq, >, seen);
  g_assert_cmpint (((FdOfferEvent *) again->body)->offer->agent_id, ==, ann->agent->id);
}

static gboolean
frame_is_withdraw_of (const FdFrame *frame,
                      gpointer       conversation_id)
{
  const FdWithdraw *withdraw = frame->body;

  return frame->type == FD_FRAME_WITHDRAW && withdraw->conversation_id == *(gint64 *) conversation_id;
}

/* An offer that is not made again after a restart is withdrawn (reason
 * phase-ended): here the agent was set unavailable in the database while
 * the server was down. The server asks the routing engine whether an old
 * offer was made again (issue 17: it queried the store per old offer). */
static void
test_restart_withdraws_old_offer (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gint64 id;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rolf");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer");
  fd_test_socket_settle (ann->socket, 100);
  fd_test_agent_disconnect (ann);

  fd_test_server_stop (f->server);
  g_assert_cmpint (sqlite3_open (fd_test_server_get_db_path (f->server), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE agents SET acd_state = 'unavailable', acd_reason = 'lunch' "
                                     "WHERE email = 'ann@live.example'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
  fd_test_server_start (f->server);

  g_assert_true (fd_test_agent_connect (ann)->resumed);
  withdraw = fd_test_socket_wait_match (ann->socket, frame_is_withdraw_of,
                                        &id, FD_TEST_TIMEOUT_MS, "withdraw after restart");
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_PHASE_ENDED);
  /* Nothing offered any more. */
  g_assert_cmpint (sqlite3_open_v2 (fd_test_server_get_db_path (f->server), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM offers WHERE conversation_id = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_user_agent (void)
{
  const struct { const char *ua; const char *browser; const char *os; } cases[] = {
    { "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "Firefox", "Linux" },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0", "Edge", "Windows" },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.1 Safari/605.1.15", "Safari", "macOS" },
    { "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36",
      "Chrome", "Android" },
    { "curl/8.0", NULL, NULL },
    { NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *browser = NULL;
      g_autofree char *os = NULL;

      fd_visitor_parse_user_agent (cases[i].ua, &browser, &os);
      g_assert_cmpstr (browser, ==, cases[i].browser);
      g_assert_cmpstr (os, ==, cases[i].os);
    }
}

/* An administrator taking an agent out of a queue takes effect at once: the
 * agent's unreserved offers of that queue are withdrawn, without waiting for
 * some later join or conversation to reload the organization. */
static void
test_admin_change_reroutes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  FdWithdraw *body;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                          "/members/%" G_GINT64_FORMAT, f->org_id, f->queue_id, ann->agent->id);
  answer = fd_test_admin_expect (f->server, "DELETE", path, NULL, 200);

  withdraw = fd_test_agent_wait_event (ann, FD_FRAME_WITHDRAW);
  body = withdraw->body;
  g_assert_cmpint (body->conversation_id, ==, visitor->conversation_id);
  g_assert_cmpint (body->reason, ==, FD_WITHDRAW_LEFT_QUEUE);
}

/* What an administrator changes reaches routing at once, with no join or
 * new conversation to reload the organization first: an agent added to a
 * queue can join it and is offered its next chat, and a stream created
 * with its phases routes its first chat to the joined agents. */
static void
test_admin_change_routes_at_once (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) cid = fd_test_agent_sign_in (f->server, "cid@live.example", "cid-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdTestVisitor) second = NULL;
  g_autoptr(FdFrame) snapshot = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) second_offer = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stream = NULL;
  g_autoptr(JsonNode) phases = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *new_key = NULL;
  FdQueueRef *ref = fd_queue_ref_new ();
  gint64 stream_id;

  fd_test_agent_connect (cid);
  snapshot = fd_test_agent_wait_event (cid, FD_FRAME_SNAPSHOT);
  ref->queue_id = f->queue_id;
  fd_test_agent_expect_error (cid, FD_FRAME_JOIN, ref, FD_WIRE_ERROR_FORBIDDEN);

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                          "/members/%" G_GINT64_FORMAT, f->org_id, f->queue_id, cid->agent->id);
  answer = fd_test_admin_expect (f->server, "PUT", path, NULL, 200);
  fd_test_agent_join (cid, f->queue_id);
  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (cid, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) offer->body)->offer->conversation_id, ==, visitor->conversation_id);

  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  body = g_strdup_printf ("{\"kind\":\"webchat\",\"name\":\"New\",\"queue_id\":%" G_GINT64_FORMAT "}",
                          f->queue_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  new_key = g_strdup (json_object_get_string_member (json_node_get_object (stream), "key"));
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, stream_id);
  phases = fd_test_admin_expect (f->server, "PUT", path,
                                 "[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,"
                                 "\"duration_seconds\":0}]", 200);
  second = fd_test_visitor_start (f->server, new_key, "Sam");
  second_offer = fd_test_agent_wait_event (cid, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) second_offer->body)->offer->conversation_id, ==, second->conversation_id);
}

/* A change to a conversation is followed, within the throttle of 5 s, by a
 * "stats" event for the members of its queue. */
static void
test_stats_event (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) stats = NULL;
  FdStatsReport *report;
  gboolean found = FALSE;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  stats = fd_test_socket_wait (ann->socket, FD_FRAME_STATS_EVENT, 10000, "a stats event");
  g_assert_cmpint (stats->seq, >, offer->seq);
  report = stats->body;
  for (guint i = 0; i < report->rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (report->rows, i);

      g_assert_cmpint (row->queue_id, ==, f->queue_id);
      if (row->stream_id == 0)
        {
          g_assert_cmpint (row->waiting, ==, 1);
          found = TRUE;
        }
    }
  g_assert_true (found);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/live/user-agent", test_user_agent);
  g_test_add ("/live/sign-in", Fixture, NULL, fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/live/socket-refused", Fixture, NULL, fixture_set_up, test_socket_refused, fixture_tear_down);
  g_test_add ("/live/lifecycle", Fixture, NULL, fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/live/resume", Fixture, NULL, fixture_set_up, test_resume, fixture_tear_down);
  g_test_add ("/live/missed-and-bad-input", Fixture, NULL, fixture_set_up, test_missed_and_bad_input,
              fixture_tear_down);

  g_test_add ("/live/transfer-and-callback", Fixture, NULL, fixture_set_up, test_transfer_and_callback,
              fixture_tear_down);
  g_test_add ("/live/admin-change-reroutes", Fixture, NULL, fixture_set_up, test_admin_change_reroutes,
              fixture_tear_down);
  g_test_add ("/live/admin-change-routes-at-once", Fixture, NULL, fixture_set_up,
              test_admin_change_routes_at_once, fixture_tear_down);
  g_test_add ("/live/stats-event", Fixture, NULL, fixture_set_up, test_stats_event, fixture_tear_down);
  g_test_add ("/live/restart-reoffers", Fixture, NULL, fixture_set_up, test_restart_reoffers, fixture_tear_down);
  g_test_add ("/live/restart-withdraws-old-offer", Fixture, NULL, fixture_set_up,
              test_restart_withdraws_old_offer, fixture_tear_down);

  return g_test_run ();
}
