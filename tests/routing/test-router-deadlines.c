#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* Deadlines and ticks, streams removed or reconfigured, and the public names. */

/* The next deadline is the earliest bounce or phase end of all. */
static void
test_next_deadline (Fixture       *f,
                    gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 10, 25, 0), NULL);
  stream (f, 51, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 7, 0), NULL);
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
  join (f, 10);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (10));
  at (f, 4);
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>10 p0 b14");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (10));
  add (f, 3, 51);
  expect (f, "phase 3 p0; offer 3>10 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (10));

  /* 3's phase ends at 11 (after 1's bounce at 10); the only phase starts over. */
  tick (f, 10);
  expect (f, "withdraw 1>10 bounced; phase 1 p0; offer 1>10 p0 b20");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (11));
  tick (f, 11);
  expect (f, "withdraw 3>10 phase-ended; phase 3 p0; offer 3>10 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (14));

  reserve (f, 2, 10);
  expect (f, "reserved 2>10");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (18));
}

/* A late tick carries out every due event, earliest first; deadlines it
 * creates count from the tick's time. */
static void
test_late_tick (Fixture       *f,
                gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 10, 0, 10, 0),
          phase (FD_STRATEGY_RING_ALL, 10, 0, 11, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  at (f, 3);
  add (f, 2, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10; phase 2 p0; offer 2>10 p0 b13");
  tick (f, 25);
  expect (f, "withdraw 1>10 bounced; phase 1 p1; offer 1>11 p1 b35; "
             "withdraw 2>10 bounced; phase 2 p1; offer 2>11 p1 b35");
}

/* Removing a stream forgets its conversations and withdraws their offers. */
static void
test_remove_stream (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 10, 0, 0), NULL);
  stream (f, 51, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 20, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  add (f, 2, 51);
  add (f, 3, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10; offer 1>11 p0 b10; "
             "phase 2 p0; offer 2>10 p0 b20; offer 2>11 p0 b20; "
             "phase 3 p0; offer 3>10 p0 b10; offer 3>11 p0 b10");
  reserve (f, 3, 11);
  expect (f, "reserved 3>11; withdraw 3>10 reserved-by-other");

  fd_router_remove_stream (f->r, 50, f->now, f->out);
  expect (f, "withdraw 1>10 stream-removed; withdraw 1>11 stream-removed");
  g_assert_false (fd_router_lookup (f->r, 1, NULL, NULL));
  g_assert_false (fd_router_lookup (f->r, 3, NULL, NULL));
  g_assert_true (fd_router_lookup (f->r, 2, NULL, NULL));
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (20));

  g_assert_false (fd_router_add (f->r, 4, 50, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND);
  fd_router_remove_stream (f->r, 50, f->now, f->out);
  expect (f, "");
}

/* Replacing a stream's configuration starts its waiting conversations over. */
static void
test_reconfigure_stream (Fixture       *f,
                         gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  add (f, 2, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0; phase 2 p0; offer 2>10 p0; offer 2>11 p0");
  reserve (f, 2, 10);
  expect (f, "reserved 2>10; withdraw 2>11 reserved-by-other");

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 5, 0, 11, 0), NULL);
  expect (f, "withdraw 1>10 reconfigured; withdraw 1>11 reconfigured; phase 1 p0; offer 1>11 p0 b5");
  g_assert_cmpint (reserved_by (f, 2), ==, 10);
}

/* The names the server uses on the wire and in logs. */
static void
test_names (Fixture       *f,
            gconstpointer  data)
{
  g_assert_cmpstr (fd_withdraw_reason_to_string (FD_WITHDRAW_RESERVED_BY_OTHER), ==, "reserved-by-other");
  g_assert_cmpstr (fd_withdraw_reason_to_string (FD_WITHDRAW_LEFT_QUEUE), ==, "left-queue");
  g_assert_null (fd_withdraw_reason_to_string ((FdWithdrawReason) 99));
  g_assert_cmpstr (fd_routing_decision_kind_to_string (FD_ROUTING_MISSED), ==, "missed");
  g_assert_null (fd_routing_decision_kind_to_string ((FdRoutingDecisionKind) 99));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ROUTER_TEST_ADD ("timers/next-deadline", test_next_deadline);
  ROUTER_TEST_ADD ("timers/late-tick", test_late_tick);
  ROUTER_TEST_ADD ("stream/remove", test_remove_stream);
  ROUTER_TEST_ADD ("stream/reconfigure", test_reconfigure_stream);
  ROUTER_TEST_ADD ("names", test_names);

  return g_test_run ();
}
