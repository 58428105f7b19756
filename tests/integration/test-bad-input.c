#define G_LOG_DOMAIN "test-it-bad-input"

/* Scenario 4: bad frames get typed errors and change nothing; races and
 * wrong states get conflict / invalid-state / forbidden. */

#include "fd-integration.h"

#include <string.h>

/* Sends raw @text and returns the error that answers it. */
static FdFrame *
send_bad (FdTestAgent *agent,
          const char  *text,
          FdWireError  code,
          const char  *expected_id)
{
  FdFrame *reply;

  fd_test_socket_send_text (agent->socket, text);
  reply = fd_test_socket_wait (agent->socket, FD_FRAME_ERROR, FD_TEST_TIMEOUT_MS, "the error answering a bad frame");
  fd_test_assert_error_frame (reply, code);
  g_assert_cmpstr (reply->id, ==, expected_id);
  return reply;
}

static void
assert_still_usable (FdTestAgent *agent)
{
  g_autoptr(FdFrame) pong = fd_test_agent_request (agent, FD_FRAME_PING, NULL);

  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);
  g_assert_false (fd_test_socket_is_closed (agent->socket));
}

static void
test_bad_frames (FdItDemo      *demo,
                 gconstpointer  data)
{
  gint64 other_org = fd_test_admin_import_site (demo->server, fd_it_other_site);
  gint64 other_queue = fd_test_admin_find_id (demo->server, other_org, "queues", "Other Queue");
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) olga = fd_it_connect_agent (demo->server, FD_IT_OLGA);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdTestVisitor) other_visitor = NULL;
  g_autoptr(FdConversationDetail) before = NULL;
  g_autoptr(FdConversationDetail) after = NULL;
  g_autoptr(FdFrame) ack = NULL;
  gint64 conversation_id;
  FdFrame *ignored;

  fd_test_agent_join (natalie, demo->sales);
  fd_test_agent_join (olga, other_queue);
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  fd_it_wait_offer (natalie, conversation_id);
  other_visitor = fd_it_start_visitor (demo->server, FD_IT_OTHER_KEY, "Otto Visitor");
  fd_it_wait_offer (olga, other_visitor->conversation_id);
  before = fd_test_agent_get_conversation (natalie, conversation_id);
  /* From here on, nothing Natalie sends may cause an event. What came
   * before may still: the agents' states for supervisors are published
   * by a timer (FD_CENTER_AGENT_STATES_SECONDS, 1 s, a whole second of
   * GLib's) after the joins and offers above, so the window opens 2.5 s
   * later, after that publish, whose frames are drained below (a slow ASan
   * run once saw it arrive inside the window). */
  fd_test_socket_settle (natalie->socket, 2500);
  while ((ignored = fd_test_socket_pop (natalie->socket)) != NULL)
    fd_frame_free (ignored);

  /* Undecodable frames: fewer than ten, so the socket stays open. */
  fd_frame_free (send_bad (natalie, "{not json", FD_WIRE_ERROR_MALFORMED, NULL));
  fd_frame_free (send_bad (natalie, "[1, 2, 3]", FD_WIRE_ERROR_MALFORMED, NULL));
  fd_frame_free (send_bad (natalie, "{\"type\":\"fly-away\",\"id\":\"u1\",\"body\":{}}",
                           FD_WIRE_ERROR_UNKNOWN_TYPE, "u1"));
  fd_frame_free (send_bad (natalie, "{\"type\":\"join\",\"id\":\"w1\",\"body\":{\"queue_id\":\"sales\"}}",
                           FD_WIRE_ERROR_INVALID_FIELD, "w1"));
  fd_frame_free (send_bad (natalie, "{\"type\":\"reserve\",\"id\":\"w2\",\"body\":{\"conversation_id\":1.5}}",
                           FD_WIRE_ERROR_INVALID_FIELD, "w2"));
  fd_frame_free (send_bad (natalie, "{\"type\":\"reserve\",\"id\":\"w3\"}", FD_WIRE_ERROR_INVALID_FIELD, "w3"));
  assert_still_usable (natalie);

  /* Unknown ids. */
  fd_test_agent_expect_error (natalie, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (987654321),
                              FD_WIRE_ERROR_NOT_FOUND);
  fd_test_agent_expect_error (natalie, FD_FRAME_JOIN, fd_test_queue_ref (987654321), FD_WIRE_ERROR_NOT_FOUND);

  /* Another organization's ids: its data is neither visible nor touchable. */
  {
    g_autoptr(FdFrame) get = fd_test_agent_request (natalie, FD_FRAME_GET_CONVERSATION,
                                                    fd_test_conversation_ref (other_visitor->conversation_id));
    g_autoptr(FdFrame) reserve = fd_test_agent_request (natalie, FD_FRAME_RESERVE,
                                                        fd_test_conversation_ref (other_visitor->conversation_id));
    g_autoptr(FdFrame) join = fd_test_agent_request (natalie, FD_FRAME_JOIN, fd_test_queue_ref (other_queue));

    fd_it_assert_refused (get, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_NOT_FOUND);
    g_assert_cmpint (reserve->type, ==, FD_FRAME_ERROR);
    g_assert_cmpint (join->type, ==, FD_FRAME_ERROR);
    fd_it_assert_refused (join, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_NOT_FOUND);
  }
  assert_still_usable (natalie);

  /* Nothing changed: no event was caused, the conversation is as before and
   * Olga still holds her offer. */
  fd_test_socket_settle (natalie->socket, 200);
  fd_test_socket_assert_empty (natalie->socket, FD_FRAME_STATS_EVENT);
  after = fd_test_agent_get_conversation (natalie, conversation_id);
  g_assert_true (fd_conversation_detail_equal (before, after));
  ack = fd_test_agent_expect_ack (olga, FD_FRAME_RESERVE, fd_test_conversation_ref (other_visitor->conversation_id));
  g_assert_cmpint (((FdConversation *) ack->body)->agent_id, ==, olga->agent->id);
}

static void
test_frame_limits (FdItDemo      *demo,
                   gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  g_autoptr(FdFrame) pong = NULL;
  GString *text = g_string_new ("{\"type\":\"ping\",\"id\":\"big\",\"padding\":\"");
  g_autofree char *huge = NULL;

  /* A frame just under the limit is fine (unknown members are ignored)... */
  while (text->len < FD_LIMIT_FRAME_SIZE - 1024)
    g_string_append (text, "0123456789abcdef");
  g_string_append (text, "\"}");
  fd_test_socket_send_text (natalie->socket, text->str);
  pong = fd_test_socket_wait_reply (natalie->socket, "big", FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);

  /* ...one over it closes the socket with 1009. */
  g_string_truncate (text, text->len - 2);
  while (text->len < FD_LIMIT_FRAME_SIZE + 1024)
    g_string_append (text, "0123456789abcdef");
  g_string_append (text, "\"}");
  huge = g_string_free (text, FALSE);
  fd_test_socket_send_text (natalie->socket, huge);
  fd_test_socket_wait_closed (natalie->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (natalie->socket, SOUP_WEBSOCKET_CLOSE_TOO_BIG);

  /* Ten undecodable frames within a minute close with 1008. */
  for (guint i = 0; i < 10; i++)
    fd_test_socket_send_text (jenna->socket, "{broken");
  fd_test_socket_wait_closed (jenna->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (jenna->socket, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);

  /* The server itself carries on. */
  fd_test_agent_disconnect (natalie);
  fd_test_agent_connect (natalie);
  assert_still_usable (natalie);
}

static void
test_first_request_must_be_hello (FdItDemo      *demo,
                                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_test_agent_sign_in (demo->server, FD_IT_NATALIE);
  g_autofree char *url = g_strconcat (fd_test_server_get_ws_url (demo->server), "/api/agent/v1/socket", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) reply = NULL;

  natalie->socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, natalie->token, NULL, &error);
  g_assert_no_error (error);
  reply = fd_test_agent_request (natalie, FD_FRAME_STATS, NULL);
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_INVALID_STATE);
}

static void
test_races_and_states (FdItDemo      *demo,
                       gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) reply_n = NULL;
  g_autoptr(FdFrame) reply_j = NULL;
  g_autoptr(FdFrame) again = NULL;
  g_autoptr(FdFrame) close_other = NULL;
  g_autoptr(FdFrame) closed = NULL;
  g_autoptr(FdFrame) close_twice = NULL;
  g_autofree char *id_n = NULL;
  g_autofree char *id_j = NULL;
  FdTestAgent *winner, *loser;
  gint64 conversation_id;

  fd_test_agent_join (natalie, demo->sales);
  fd_test_agent_join (jenna, demo->sales);
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  fd_it_wait_offer (natalie, conversation_id);
  fd_it_wait_offer (jenna, conversation_id);

  /* Closing an unreserved conversation is not possible yet. */
  fd_test_agent_expect_error (natalie, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id),
                              FD_WIRE_ERROR_INVALID_STATE);

  /* Both reserve at the same moment: exactly one wins. */
  id_n = fd_test_agent_send_request (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  id_j = fd_test_agent_send_request (jenna, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  reply_n = fd_test_socket_wait_reply (natalie->socket, id_n, FD_TEST_TIMEOUT_MS);
  reply_j = fd_test_socket_wait_reply (jenna->socket, id_j, FD_TEST_TIMEOUT_MS);
  if ((reply_n->type == FD_FRAME_ACK) == (reply_j->type == FD_FRAME_ACK))
    g_error ("Two simultaneous reserves gave %s and %s; exactly one must win",
             fd_frame_type_to_string (reply_n->type), fd_frame_type_to_string (reply_j->type));
  winner = reply_n->type == FD_FRAME_ACK ? natalie : jenna;
  loser = winner == natalie ? jenna : natalie;
  fd_test_assert_error_frame (winner == natalie ? reply_j : reply_n, FD_WIRE_ERROR_CONFLICT);
  g_assert_cmpint (((FdConversation *) (winner == natalie ? reply_n : reply_j)->body)->agent_id, ==,
                   winner->agent->id);

  /* Reserving it again: the loser conflicts, the winner is acked. */
  fd_test_agent_expect_error (loser, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id),
                              FD_WIRE_ERROR_CONFLICT);
  again = fd_test_agent_expect_ack (winner, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  g_assert_cmpint (((FdConversation *) again->body)->agent_id, ==, winner->agent->id);

  /* Closing someone else's conversation is refused. */
  close_other = fd_test_agent_request (loser, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id));
  fd_it_assert_refused (close_other, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_INVALID_STATE);

  /* The winner closes it; closing again is acked too (idempotent). */
  closed = fd_test_agent_expect_ack (winner, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id));
  g_assert_cmpint (((FdConversation *) closed->body)->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (((FdConversation *) closed->body)->closed_at, >, 0);
  close_twice = fd_test_agent_expect_ack (winner, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id));
  g_assert_cmpint (((FdConversation *) close_twice->body)->state, ==, FD_CONVERSATION_CLOSED);

  /* The visitor learns it was closed by the agent, and may rate once. */
  {
    g_autoptr(FdFrame) visitor_closed = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_CLOSED);
    g_autoptr(FdFrame) rate = NULL;
    g_autoptr(FdFrame) rate_again = NULL;
    g_autoptr(FdFrame) error = NULL;
    FdRating *rating = fd_rating_new ();
    FdRating *rating2 = fd_rating_new ();

    g_assert_cmpint (((FdVisitorClosed *) visitor_closed->body)->by, ==, FD_CLOSED_BY_AGENT);
    g_assert_true (((FdVisitorClosed *) visitor_closed->body)->ask_rating);
    rating->rating = 5;
    rate = fd_frame_new_request (FD_FRAME_VISITOR_RATE, "rate-1", rating);
    fd_test_socket_send (visitor->socket, rate);
    rating2->rating = 1;
    rate_again = fd_frame_new_request (FD_FRAME_VISITOR_RATE, "rate-2", rating2);
    fd_test_socket_send (visitor->socket, rate_again);
    error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
    fd_test_assert_error_frame (error, FD_WIRE_ERROR_INVALID_STATE);
    g_assert_cmpstr (error->id, ==, "rate-2");
  }
  {
    g_autoptr(FdConversationDetail) detail = fd_test_agent_get_conversation (winner, conversation_id);

    g_assert_cmpint (detail->conversation->rating, ==, 5);
  }
}

static void
test_visitor_bad_input (FdItDemo      *demo,
                        gconstpointer  data)
{
  g_autoptr(FdTestVisitor) visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdFrame) error = NULL;
  g_autoptr(FdFrame) pong = NULL;
  guint status = 0;

  /* Unknown stream key: 404 stream-inactive. */
  answer = fd_test_http_request (demo->server, NULL, "POST", "/api/visitor/v1/sessions",
                                 "{\"stream_key\":\"no-such-stream\"}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "stream-inactive");
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_http_request (demo->server, NULL, "POST", "/api/visitor/v1/sessions", "{\"stream_key\":", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "malformed");
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_http_request (demo->server, NULL, "POST", "/api/visitor/v1/sessions", "{\"stream_key\":42}", &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");

  /* Bad widget frames get typed errors, with the id when there is one. */
  fd_test_socket_send_text (visitor->socket, "{\"type\":\"send-message\",\"id\":\"m1\",\"body\":{\"text\":\"no client id\"}}");
  error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
  fd_test_assert_error_frame (error, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_cmpstr (error->id, ==, "m1");
  g_clear_pointer (&error, fd_frame_free);
  fd_test_socket_send_text (visitor->socket, "{\"type\":\"reserve\",\"id\":\"m2\",\"body\":{}}");
  error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
  fd_test_assert_error_frame (error, FD_WIRE_ERROR_UNKNOWN_TYPE);
  g_clear_pointer (&error, fd_frame_free);
  fd_test_socket_send_text (visitor->socket, "{\"type\":\"close\",\"id\":\"m3\",\"body\":{\"rating\":9}}");
  error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
  fd_test_assert_error_frame (error, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_cmpstr (error->id, ==, "m3");

  fd_test_socket_send_text (visitor->socket, "{\"type\":\"ping\",\"id\":\"p\"}");
  pong = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_PONG);
  g_assert_false (fd_test_socket_is_closed (visitor->socket));
  g_assert_cmpuint (fd_test_socket_drop (visitor->socket, FD_FRAME_VISITOR_MESSAGE), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/bad-input/frames", test_bad_frames, FD_IT_WITH_SALES);
  fd_it_add ("/integration/bad-input/frame-limits", test_frame_limits, FD_IT_SERVER_ONLY);
  fd_it_add ("/integration/bad-input/first-request-must-be-hello", test_first_request_must_be_hello,
             FD_IT_SERVER_ONLY);
  fd_it_add ("/integration/bad-input/races-and-states", test_races_and_states, FD_IT_WITH_SALES);
  fd_it_add ("/integration/bad-input/visitor", test_visitor_bad_input, FD_IT_SERVER_ONLY);
  return g_test_run ();
}
