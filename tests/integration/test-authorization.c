#define G_LOG_DOMAIN "test-it-authorization"

/* Scenario 3: who may see and do what. Agents outside a queue or of another
 * organization get no offer and are refused; a visitor's token opens only
 * its own conversation; sockets without a valid token are refused at the
 * handshake. */

#include "fd-integration.h"

#include <string.h>

static void
assert_handshake_refused (FdTestServer *server,
                          const char   *url,
                          FdFrameSet    set,
                          const char   *token)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestSocket) socket = NULL;
  guint status = 0;

  socket = fd_test_socket_open (url, set, token, &status, &error);
  if (socket != NULL)
    g_error ("The websocket %s accepted %s", url, token ? "a wrong token" : "no token");
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_UNAUTHORIZED);
}

static void
test_handshake (FdItDemo      *demo,
                gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_test_agent_sign_in (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (demo->server, FD_IT_CHAT_KEY, "Vera");
  g_autofree char *agent_url = g_strconcat (fd_test_server_get_ws_url (demo->server), "/api/agent/v1/socket", NULL);
  g_autofree char *visitor_no_token = g_strconcat (fd_test_server_get_ws_url (demo->server), "/api/visitor/v1/socket", NULL);
  g_autofree char *visitor_wrong = fd_test_visitor_socket_url (demo->server, "fdv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_autofree char *visitor_with_agent_token = fd_test_visitor_socket_url (demo->server, natalie->token);
  g_autofree char *tampered = g_strdup (natalie->token);
  guint status = 0;
  g_autoptr(JsonNode) answer = NULL;

  /* Flip one character of a real token. */
  tampered[strlen (tampered) - 2] = tampered[strlen (tampered) - 2] == 'A' ? 'B' : 'A';

  assert_handshake_refused (demo->server, agent_url, FD_FRAMES_AGENT_SERVER, NULL);
  assert_handshake_refused (demo->server, agent_url, FD_FRAMES_AGENT_SERVER, "fda_not-a-token");
  assert_handshake_refused (demo->server, agent_url, FD_FRAMES_AGENT_SERVER, tampered);
  assert_handshake_refused (demo->server, agent_url, FD_FRAMES_AGENT_SERVER, visitor->token);
  assert_handshake_refused (demo->server, visitor_no_token, FD_FRAMES_VISITOR_SERVER, NULL);
  assert_handshake_refused (demo->server, visitor_wrong, FD_FRAMES_VISITOR_SERVER, NULL);
  assert_handshake_refused (demo->server, visitor_with_agent_token, FD_FRAMES_VISITOR_SERVER, NULL);

  /* A wrong password is refused with the same answer as an unknown email. */
  answer = fd_test_http_request (demo->server, NULL, "POST", "/api/agent/v1/sessions",
                                 "{\"email\":\"natalie@kakapo.example\",\"password\":\"wrong-password\"}",
                                 &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "unauthorized");
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_http_request (demo->server, NULL, "POST", "/api/agent/v1/sessions",
                                 "{\"email\":\"nobody@kakapo.example\",\"password\":\"wrong-password\"}",
                                 &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "unauthorized");

  /* The real tokens still work. */
  fd_test_agent_connect (natalie);
  fd_test_visitor_connect (visitor);
}

/* Checks that @agent can neither take, read nor write @conversation_id. */
static void
assert_locked_out (FdTestAgent *agent,
                   gint64       conversation_id)
{
  g_autoptr(FdFrame) reserve = NULL;
  g_autoptr(FdFrame) get = NULL;
  g_autoptr(FdFrame) send = NULL;
  g_autoptr(FdFrame) close = NULL;

  /* No offer: reserve needs one [invalid-state]; for a conversation the
   * agent may not see at all, forbidden or not-found are as right. */
  g_assert_cmpuint (fd_test_socket_drop (agent->socket, FD_FRAME_OFFER), ==, 0);
  reserve = fd_test_agent_request (agent, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  if (reserve->type != FD_FRAME_ERROR)
    g_error ("%s could reserve conversation %" G_GINT64_FORMAT, agent->email, conversation_id);
  g_assert_true (((FdErrorBody *) reserve->body)->code == FD_WIRE_ERROR_INVALID_STATE ||
                 ((FdErrorBody *) reserve->body)->code == FD_WIRE_ERROR_FORBIDDEN ||
                 ((FdErrorBody *) reserve->body)->code == FD_WIRE_ERROR_NOT_FOUND);
  get = fd_test_agent_request (agent, FD_FRAME_GET_CONVERSATION, fd_test_conversation_ref (conversation_id));
  fd_it_assert_refused (get, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_NOT_FOUND);
  send = fd_test_agent_request (agent, FD_FRAME_SEND_MESSAGE,
                                fd_test_send_message (conversation_id, "intruder-1", "Let me in"));
  if (send->type != FD_FRAME_ERROR)
    g_error ("%s could write to conversation %" G_GINT64_FORMAT, agent->email, conversation_id);
  g_assert_true (((FdErrorBody *) send->body)->code == FD_WIRE_ERROR_INVALID_STATE ||
                 ((FdErrorBody *) send->body)->code == FD_WIRE_ERROR_FORBIDDEN ||
                 ((FdErrorBody *) send->body)->code == FD_WIRE_ERROR_NOT_FOUND);
  close = fd_test_agent_request (agent, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id));
  if (close->type != FD_FRAME_ERROR)
    g_error ("%s could close conversation %" G_GINT64_FORMAT, agent->email, conversation_id);
}

static void
test_outsiders (FdItDemo      *demo,
                gconstpointer  data)
{
  gint64 other_org = fd_test_admin_import_site (demo->server, fd_it_other_site);
  gint64 support = fd_test_admin_find_id (demo->server, demo->org_id, "queues", "Support");
  gint64 other_queue = fd_test_admin_find_id (demo->server, other_org, "queues", "Other Queue");
  gint64 oscar_id = fd_test_admin_create_agent (demo->server, demo->org_id, "oscar@kakapo.example", "Oscar Outside",
                                                "oscar-password");
  g_autofree char *member_path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                                                  "/members/%" G_GINT64_FORMAT, demo->org_id, support, oscar_id);
  g_autoptr(JsonNode) member = fd_test_admin_expect (demo->server, "PUT", member_path, NULL, 200);
  (void) member; /* held for its cleanup only */
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) oscar = fd_it_connect_agent (demo->server, "oscar@kakapo.example", "oscar-password");
  g_autoptr(FdTestAgent) olga = fd_it_connect_agent (demo->server, FD_IT_OLGA);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) join = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;

  g_assert_cmpint (olga->agent->organization_id, ==, other_org);
  fd_test_agent_join (natalie, demo->sales);
  fd_test_agent_join (oscar, support);
  fd_test_agent_join (olga, other_queue);

  /* Neither can join a queue they are not a member of. */
  join = fd_test_agent_request (oscar, FD_FRAME_JOIN, fd_test_queue_ref (demo->sales));
  fd_it_assert_refused (join, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_FORBIDDEN);
  g_clear_pointer (&join, fd_frame_free);
  join = fd_test_agent_request (olga, FD_FRAME_JOIN, fd_test_queue_ref (demo->sales));
  fd_it_assert_refused (join, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_NOT_FOUND);
  g_clear_pointer (&join, fd_frame_free);
  join = fd_test_agent_request (natalie, FD_FRAME_JOIN, fd_test_queue_ref (other_queue));
  fd_it_assert_refused (join, FD_WIRE_ERROR_FORBIDDEN, FD_WIRE_ERROR_NOT_FOUND);

  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  fd_it_wait_offer (natalie, visitor->conversation_id);
  fd_test_socket_settle (oscar->socket, 300);
  fd_test_socket_settle (olga->socket, 1);

  assert_locked_out (oscar, visitor->conversation_id);
  assert_locked_out (olga, visitor->conversation_id);

  /* Nothing changed: Natalie still has the offer and can take it, and no
   * intruder's message was stored. */
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  g_assert_cmpint (((FdConversation *) ack->body)->agent_id, ==, natalie->agent->id);
  detail = fd_test_agent_get_conversation (natalie, visitor->conversation_id);
  g_assert_cmpuint (fd_it_count_client_id (detail, "intruder-1"), ==, 0);

  /* And once it is reserved, the outsiders are still locked out. */
  assert_locked_out (oscar, visitor->conversation_id);
  assert_locked_out (olga, visitor->conversation_id);
}

static void
test_visitor_isolation (FdItDemo      *demo,
                        gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) first = NULL;
  g_autoptr(FdTestVisitor) second = NULL;
  g_autoptr(FdMessage) echo = NULL;
  g_autoptr(FdMessage) echo2 = NULL;
  FdVisitorWelcome *welcome;

  fd_test_agent_join (natalie, demo->sales);
  first = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "First Visitor");
  second = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Second Visitor");
  g_assert_cmpint (first->conversation_id, !=, second->conversation_id);
  g_assert_cmpstr (first->token, !=, second->token);

  fd_test_visitor_send (first, "f-1", "A secret of the first visitor");
  echo = fd_it_visitor_wait_message (first, "f-1");
  g_assert_cmpint (echo->conversation_id, ==, first->conversation_id);
  fd_test_visitor_send (second, "s-1", "A secret of the second visitor");
  echo2 = fd_it_visitor_wait_message (second, "s-1");
  g_assert_cmpint (echo2->conversation_id, ==, second->conversation_id);

  /* Neither sees the other's message, live or on reconnecting. */
  fd_test_socket_settle (first->socket, 300);
  g_assert_cmpuint (fd_test_socket_drop (first->socket, FD_FRAME_VISITOR_MESSAGE), ==, 0);
  g_assert_cmpuint (fd_test_socket_drop (second->socket, FD_FRAME_VISITOR_MESSAGE), ==, 0);
  fd_test_visitor_disconnect (first);
  welcome = fd_test_visitor_connect (first);
  g_assert_cmpint (welcome->conversation_id, ==, first->conversation_id);
  g_assert_nonnull (welcome->messages);
  for (guint i = 0; i < welcome->messages->len; i++)
    {
      FdMessage *msg = welcome->messages->pdata[i];

      g_assert_cmpint (msg->conversation_id, ==, first->conversation_id);
      g_assert_cmpstr (msg->client_id, !=, "s-1");
    }
  fd_test_visitor_disconnect (second);
  welcome = fd_test_visitor_connect (second);
  for (guint i = 0; welcome->messages != NULL && i < welcome->messages->len; i++)
    g_assert_cmpstr (((FdMessage *) welcome->messages->pdata[i])->client_id, !=, "f-1");
  fd_test_socket_settle (first->socket, 200);
  g_assert_cmpuint (fd_test_socket_drop (first->socket, FD_FRAME_VISITOR_MESSAGE), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/authorization/handshake", test_handshake, FD_IT_SERVER_ONLY);
  fd_it_add ("/integration/authorization/outsiders", test_outsiders, FD_IT_WITH_SALES);
  fd_it_add ("/integration/authorization/visitor-isolation", test_visitor_isolation, FD_IT_WITH_SALES);
  return g_test_run ();
}
