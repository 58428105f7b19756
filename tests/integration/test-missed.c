#define G_LOG_DOMAIN "test-it-missed"

/* Scenario 5: a chat that arrives with no agent joined to its queue is
 * missed at once. */

#include "fd-integration.h"

static void
test_missed (FdItDemo      *demo,
             gconstpointer  data)
{
  gint64 support = fd_test_admin_find_id (demo->server, demo->org_id, "queues", "Support");
  gint64 stream = fd_test_admin_find_id (demo->server, demo->org_id, "streams", "Website Chat");
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) stats = NULL;
  FdStatsReport *report;
  gboolean found = FALSE;

  /* Joined to another queue only: that does not count. */
  fd_test_agent_join (natalie, support);
  visitor = fd_test_visitor_start (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  fd_test_visitor_connect (visitor);
  g_assert_cmpint (visitor->welcome->state, ==, FD_CONVERSATION_MISSED);

  stats = fd_test_agent_expect_ack (natalie, FD_FRAME_STATS, NULL);
  report = stats->body;
  for (guint i = 0; i < report->rows->len; i++)
    {
      FdStats *row = report->rows->pdata[i];

      if (row->queue_id == demo->sales && row->stream_id == stream)
        {
          g_assert_cmpint (row->missed_today, ==, 1);
          g_assert_cmpint (row->waiting, ==, 0);
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* Joining afterwards brings no offer of the missed chat. */
  fd_test_agent_join (natalie, demo->sales);
  fd_test_socket_settle (natalie->socket, 300);
  g_assert_cmpuint (fd_test_socket_drop (natalie->socket, FD_FRAME_OFFER), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/missed", test_missed, FD_IT_WITH_SALES);
  return g_test_run ();
}
