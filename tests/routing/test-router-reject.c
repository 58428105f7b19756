#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* Reject: an agent who rejected a conversation is not offered it again in
 * that routing phase, whatever the strategy; the end of a phase, or
 * leaving and re-joining the queue, make them a candidate again. */

static const FdStrategy strategies[] = {
  FD_STRATEGY_RING_ALL, FD_STRATEGY_CIRCULAR, FD_STRATEGY_LONGEST_IDLE,
};

/* The only joined agent rejects: nothing is offered until the phase ends,
 * then the phase starts over and the agent gets it again. */
static void
test_only_agent (Fixture       *f,
                 gconstpointer  data)
{
  FdStrategy strategy = strategies[GPOINTER_TO_INT (data)];

  stream (f, 50, FD_STREAM_WEBCHAT, phase (strategy, 30, 60, 0), NULL);
  join (f, 10);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b30");

  at (f, 1);
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");
  assert_offers (f, 10, 0);
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (60));

  /* Becoming available again is no way round it. */
  at (f, 10);
  acd (f, 10, FD_ACD_UNAVAILABLE);
  acd (f, 10, FD_ACD_AVAILABLE);
  tick (f, 59);
  expect (f, "");
  assert_offers (f, 10, 0);

  tick (f, 60);
  expect (f, "phase 1 p0; offer 1>10 p0 b90");
}

/* The rejection lasts until the phase ends: when the next phase has nobody
 * else, the conversation waits for that, and the next phase offers it to
 * the same agent again. */
static void
test_next_phase (Fixture       *f,
                 gconstpointer  data)
{
  FdStrategy strategy = strategies[GPOINTER_TO_INT (data)];

  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (strategy, 30, 60, 10, 0),
          phase (strategy, 30, 60, 11, 10, 0), NULL);
  join (f, 10);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b30");
  at (f, 1);
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");
  tick (f, 59);
  expect (f, "");
  tick (f, 60);
  expect (f, "phase 1 p1; offer 1>10 p1 b90");

  /* Rejected in the second phase too: after it, the first one. */
  at (f, 61);
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");
  tick (f, 120);
  expect (f, "phase 1 p0; offer 1>10 p0 b150");

  /* Someone else in the next phase: it moves on at once, and the agent who
   * rejected stays out of it until a phase ends. */
  at (f, 121);
  join (f, 11);
  expect (f, "");
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected; phase 1 p1; offer 1>11 p1 b151");
}

/* Two agents, one rejects: the other is offered it, and when the other
 * bounces, the new pass of the phase offers it to the other again, never to
 * the agent who rejected. */
static void
test_other_agent (Fixture       *f,
                  gconstpointer  data)
{
  FdStrategy strategy = strategies[GPOINTER_TO_INT (data)];

  stream (f, 50, FD_STREAM_WEBCHAT, phase (strategy, 30, 0, 10, 11, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  if (strategy == FD_STRATEGY_RING_ALL)
    {
      expect (f, "phase 1 p0; offer 1>10 p0 b30; offer 1>11 p0 b30");
      at (f, 1);
      reject (f, 1, 10);
      expect (f, "withdraw 1>10 rejected");
      tick (f, 30);
      expect (f, "withdraw 1>11 bounced; phase 1 p0; offer 1>11 p0 b60");
    }
  else
    {
      expect (f, "phase 1 p0; offer 1>10 p0 b30");
      at (f, 1);
      reject (f, 1, 10);
      expect (f, "withdraw 1>10 rejected; offer 1>11 p0 b31");
      tick (f, 31);
      expect (f, "withdraw 1>11 bounced; phase 1 p0; offer 1>11 p0 b61");
    }
  assert_offers (f, 10, 0);
  assert_offers (f, 11, 1, 0);

  /* The other agent rejects too: it waits, offered to nobody. */
  at (f, 40);
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
  assert_offers (f, 10, 0);
  assert_offers (f, 11, 0);

  /* An agent the phase does not list changes nothing. */
  at (f, 41);
  join (f, 12);
  expect (f, "");
}

/* A new agent of the phase is offered what the only other agent rejected;
 * leaving and re-joining shows the queue afresh, rejections included. */
static void
test_join_and_rejoin (Fixture       *f,
                      gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 0, 0, 0), NULL);
  join (f, 10);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");

  at (f, 5);
  join (f, 11);
  expect (f, "offer 1>11 p0");
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected");

  at (f, 6);
  leave (f, 10);
  join (f, 10);
  expect (f, "offer 1>10 p0");
}

/* A reserve ends routing and its rejections: the agent who rejected can
 * still be chosen for a transfer. */
static void
test_transfer_after_reject (Fixture       *f,
                            gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");
  reserve (f, 1, 11);
  expect (f, "reserved 1>11");
  g_assert_true (fd_router_transfer (f->r, 1, 11, 10, f->now, f->out, NULL));
  expect (f, "offer 1>10 p0");
}

int
main (int    argc,
      char **argv)
{
  const char *names[] = { "ring-all", "circular", "longest-idle" };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (strategies); i++)
    {
      g_autofree char *only = g_strdup_printf ("/routing/reject/%s/only-agent", names[i]);
      g_autofree char *next = g_strdup_printf ("/routing/reject/%s/next-phase", names[i]);
      g_autofree char *other = g_strdup_printf ("/routing/reject/%s/other-agent", names[i]);

      g_test_add (only, Fixture, GINT_TO_POINTER (i), fixture_setup, test_only_agent, fixture_teardown);
      g_test_add (next, Fixture, GINT_TO_POINTER (i), fixture_setup, test_next_phase, fixture_teardown);
      g_test_add (other, Fixture, GINT_TO_POINTER (i), fixture_setup, test_other_agent, fixture_teardown);
    }
  ROUTER_TEST_ADD ("reject/join-and-rejoin", test_join_and_rejoin);
  ROUTER_TEST_ADD ("reject/transfer", test_transfer_after_reject);

  return g_test_run ();
}
