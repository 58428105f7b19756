#define G_LOG_DOMAIN "test-it-keepalive"

/* Agent sockets are pinged by the agent API's one timer (docs/protocol.md,
 * "Agent websocket"; docs/architecture.md, "Fan-out from memory"): every
 * FD_AGENT_SOCKET_KEEPALIVE seconds each open socket gets a websocket
 * ping, and a socket that sent nothing, not even a pong, for
 * FD_AGENT_SOCKET_SILENCE seconds is closed with 1001. frontdeskd runs
 * with FRONTDESKD_TEST_AGENT_KEEPALIVE="1 3" (a ping a second, silence
 * after 3 s) so that the test need not wait 90 s. The test's client is
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
  fx->server = fd_it_start_server (NULL);
  g_unsetenv ("FRONTDESKD_TEST_AGENT_KEEPALIVE");
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

int
main (int argc, char **argv)
{
  fd_it_init (&argc, &argv);
  g_test_add ("/it/keepalive/answered", Fixture, NULL, fixture_set_up, test_answered, fixture_tear_down);
  g_test_add ("/it/keepalive/silent-closed", Fixture, NULL, fixture_set_up, test_silent_closed, fixture_tear_down);
  return g_test_run ();
}
