#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* The strategies: ring-all, circular and longest-idle. */
/* ring-all offers to every eligible agent of the phase at once, in the
 * phase's order (or the queue's member order when the phase lists none). */
static void
test_ring_all (Fixture       *f,
               gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 30, 0, 0), NULL);
  stream (f, 51, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 30, 0, 12, 10, 0), NULL);
  join_all (f, 10, 11, 12, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b30; offer 1>11 p0 b30; offer 1>12 p0 b30");
  add (f, 2, 51);
  expect (f, "phase 2 p0; offer 2>12 p0 b30; offer 2>10 p0 b30");

  /* A late joiner gets the offers of its phases, with its own bounce. */
  at (f, 5);
  join (f, 13);
  expect (f, "offer 1>13 p0 b35");
  assert_offers (f, 13, 1, 0);
  assert_offers (f, 10, 1, 2, 0);
  assert_offers (f, 11, 1, 0);
}

/* circular offers to one agent at a time; each conversation starts after the
 * agent who got the previous one; agents not joined are skipped. */
static void
test_circular_rotation (Fixture       *f,
                        gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 0, 0, 0), NULL);
  join_all (f, 10, 11, 12, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>11 p0");
  add (f, 3, 50);
  expect (f, "phase 3 p0; offer 3>12 p0");
  add (f, 4, 50);
  expect (f, "phase 4 p0; offer 4>10 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
}

/* A bounce passes a circular conversation to the next agent; when everyone
 * of the only phase has bounced, it starts over with a new pass. */
static void
test_circular_bounce (Fixture       *f,
                      gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 10, 0, 0), NULL);
  join_all (f, 10, 11, 12, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (10));
  tick (f, 9);
  expect (f, "");
  tick (f, 10);
  expect (f, "withdraw 1>10 bounced; offer 1>11 p0 b20");
  tick (f, 20);
  expect (f, "withdraw 1>11 bounced; offer 1>12 p0 b30");
  tick (f, 30);
  expect (f, "withdraw 1>12 bounced; phase 1 p0; offer 1>10 p0 b40");
}

/* A reject passes at once; the rejecting agent is not offered the same
 * conversation again in that pass, even when it comes round again. */
static void
test_circular_reject (Fixture       *f,
                      gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_CIRCULAR, 10, 0, 10, 11, 0),
          phase (FD_STRATEGY_RING_ALL, 0, 0, 12, 0), NULL);
  join_all (f, 10, 11, 12, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10");
  at (f, 1);
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected; offer 1>11 p0 b11");
  assert_offers (f, 10, 0);
  /* The next conversation starts after 11, so it comes to 10. */
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>10 p0 b11");
  at (f, 2);
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected; phase 1 p1; offer 1>12 p1");
}

/* longest-idle offers to the agent idle longest: idle since joining, since
 * reserving, since closing their conversation or since becoming available. */
static void
test_longest_idle (Fixture       *f,
                   gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_LONGEST_IDLE, 10, 0, 0), NULL);
  at (f, 0);
  join (f, 12);
  at (f, 1);
  join (f, 10);
  at (f, 2);
  join (f, 11);

  at (f, 3);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>12 p0 b13");
  at (f, 4);
  reserve (f, 1, 12);
  expect (f, "reserved 1>12");

  at (f, 5);
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>10 p0 b15");
  at (f, 6);
  reject (f, 2, 10);
  expect (f, "withdraw 2>10 rejected; offer 2>11 p0 b16");
  at (f, 7);
  reserve (f, 2, 11);
  expect (f, "reserved 2>11");

  /* Now: 10 idle since 1, 12 since 4, 11 since 7. */
  at (f, 8);
  fd_router_close (f->r, 1, f->now, f->out);   /* 12 idle since 8 */
  at (f, 9);
  fd_router_close (f->r, 2, f->now, f->out);   /* 11 idle since 9 */
  expect (f, "");
  at (f, 10);
  acd (f, 10, FD_ACD_UNAVAILABLE);
  acd (f, 10, FD_ACD_AVAILABLE);               /* 10 idle since 10 */
  expect (f, "");

  at (f, 11);
  add (f, 3, 50);
  expect (f, "phase 3 p0; offer 3>12 p0 b21");
  reject (f, 3, 12);
  expect (f, "withdraw 3>12 rejected; offer 3>11 p0 b21");
  reject (f, 3, 11);
  expect (f, "withdraw 3>11 rejected; offer 3>10 p0 b21");
}

/* Equal idle times go to the agent listed first. */
static void
test_longest_idle_tie (Fixture       *f,
                       gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_LONGEST_IDLE, 0, 0, 12, 11, 0), NULL);
  join_all (f, 11, 12, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>12 p0");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ROUTER_TEST_ADD ("ring-all", test_ring_all);
  ROUTER_TEST_ADD ("circular/rotation", test_circular_rotation);
  ROUTER_TEST_ADD ("circular/bounce", test_circular_bounce);
  ROUTER_TEST_ADD ("circular/reject", test_circular_reject);
  ROUTER_TEST_ADD ("longest-idle/order", test_longest_idle);
  ROUTER_TEST_ADD ("longest-idle/tie", test_longest_idle_tie);

  return g_test_run ();
}
