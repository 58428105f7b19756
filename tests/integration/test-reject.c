#define G_LOG_DOMAIN "test-it-reject"

/* Issue 18: the only joined agent rejects a chat and is not offered it
 * again in that routing phase (docs/routing.md, "Phases, bounce, reject").
 * The demo's Website Chat rings Natalie and Jenna for 60 s, then every
 * member of Sales: without the rule, Natalie got it straight back from the
 * next phase. */

#include "fd-integration.h"

static void
test_reject_only_agent (FdItDemo      *demo,
                        gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) rejected = NULL;
  gint64 conversation_id;

  fd_test_agent_join (natalie, demo->sales);
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  g_assert_cmpint (visitor->welcome->state, ==, FD_CONVERSATION_UNRESERVED);
  fd_it_wait_offer (natalie, conversation_id);

  rejected = fd_test_agent_expect_ack (natalie, FD_FRAME_REJECT,
                                       fd_test_conversation_ref (conversation_id));
  /* Well within the phase's 60 s: no offer comes back. */
  fd_test_socket_settle (natalie->socket, 1500);
  g_assert_cmpuint (fd_test_socket_drop (natalie->socket, FD_FRAME_OFFER), ==, 0);

  /* The chat still waits: a colleague who joins is offered it, and Natalie
   * still is not. */
  fd_test_agent_join (jenna, demo->sales);
  fd_it_wait_offer (jenna, conversation_id);
  fd_test_socket_settle (natalie->socket, 300);
  g_assert_cmpuint (fd_test_socket_drop (natalie->socket, FD_FRAME_OFFER), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/reject/only-agent", test_reject_only_agent, FD_IT_WITH_SALES);
  return g_test_run ();
}
