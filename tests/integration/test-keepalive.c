#define G_LOG_DOMAIN "test-it-keepalive"

/* Agent and visitor sockets are pinged by their API's one timer
 * (FdWsSilence; docs/protocol.md, "Agent websocket" and "Visitor
 * websocket"; docs/architecture.md, "Fan-out from memory"): every 30 s
 * each open socket gets a websocket ping, and a socket that sent nothing,
 * not even a pong, for 90 s is closed with 1001. frontdeskd runs with
 * FRONTDESKD_TEST_AGENT_KEEPALIVE and FRONTDESKD_TEST_VISITOR_KEEPALIVE
 * "1 3" (a ping a second, silence after 3 s) so that the test need not
 * wait 90 s. The test's client is
 * libsoup's, which answers a ping with a pong whenever its main loop
 * runs. */

#include "fd-integration.h"

typedef struct {
  FdTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_setenv ("FRONTDESKD_TEST_AGENT_KEEPALIVE", "1 3", TRUE);
  g_setenv ("FRONTDESKD_TEST_VISITOR_KEEPALIVE", "1 3", TRUE);
  fx->server = fd_it_start_server (NULL);
  g_unsetenv ("FRONTDESKD_TEST_AGENT_KEEPALIVE");
  g_unsetenv ("FRONTDESKD_TEST_VISITOR_KEEPALIVE");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->server, fd_test_server_free);
}

/* An agent that sends nothing but answers the pings stays connected well
 * past the silence: the server did ping it (only its pongs count). */
static void
test_answered (Fixture       *fx,
               gconstpointer  data)
{
  FdTestAgent *agent = fd_it_connect_agent (fx->server, FD_IT_NATALIE);

  fd_test_spin (7000);
  g_assert_false (fd_test_socket_is_closed (agent->socket));
  /* And the socket still works. */
  fd_test_agent_join (agent, fd_test_admin_find_id (fx->server, agent->organization->id, "queues", "Sales"));
  fd_test_agent_free (agent);
}

/* An agent whose client stops reading (a frozen machine, a dead network)
 * answers no ping: the server closes its socket with 1001 once it was
 * silent for 3 s, and says why. */
static void
test_silent_closed (Fixture       *fx,
                    gconstpointer  data)
{
  FdTestAgent *agent = fd_it_connect_agent (fx->server, FD_IT_NATALIE);

  /* The client's main loop does not run: nothing is read or answered. */
  g_usleep (6 * G_USEC_PER_SEC);
  fd_test_socket_wait_closed (agent->socket, 10000);
  fd_test_socket_assert_close_code (agent->socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  fd_test_agent_free (agent);
}

/* A visitor's widget that says nothing but whose browser answers the
 * pings keeps its socket; the socket still carries messages. (An agent is
 * joined so that the chat itself waits rather than ends for want of one.) */
static void
test_visitor_answered (Fixture       *fx,
                       gconstpointer  data)
{
  FdTestAgent *agent = fd_it_connect_agent (fx->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdMessage) echo = NULL;

  fd_test_agent_join (agent, fd_test_admin_find_id (fx->server, agent->organization->id, "queues", "Sales"));
  visitor = fd_it_start_visitor (fx->server, FD_IT_CHAT_KEY, "Quiet Visitor");
  fd_test_spin (7000);
  g_assert_false (fd_test_socket_is_closed (visitor->socket));
  fd_test_visitor_send (visitor, "keepalive-1", "Still here");
  echo = fd_it_visitor_wait_message (visitor, "keepalive-1");
  g_assert_cmpstr (echo->text, ==, "Still here");
  fd_test_agent_free (agent);
}

/* A widget on a dead tab or network answers no ping: its socket is closed
 * with 1001 once silent for 3 s, and says why, so the server does not
 * keep it until TCP gives up. */
static void
test_visitor_silent_closed (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr(FdTestVisitor) visitor = fd_it_start_visitor (fx->server, FD_IT_CHAT_KEY, "Gone Visitor");

  g_usleep (6 * G_USEC_PER_SEC);
  fd_test_socket_wait_closed (visitor->socket, 10000);
  fd_test_socket_assert_close_code (visitor->socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
}

int
main (int argc, char **argv)
{
  fd_it_init (&argc, &argv);
  g_test_add ("/it/keepalive/answered", Fixture, NULL, fixture_set_up, test_answered, fixture_tear_down);
  g_test_add ("/it/keepalive/silent-closed", Fixture, NULL, fixture_set_up, test_silent_closed, fixture_tear_down);
  g_test_add ("/it/keepalive/visitor-answered", Fixture, NULL, fixture_set_up, test_visitor_answered,
              fixture_tear_down);
  g_test_add ("/it/keepalive/visitor-silent-closed", Fixture, NULL, fixture_set_up, test_visitor_silent_closed,
              fixture_tear_down);
  return g_test_run ();
}
