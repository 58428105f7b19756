#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* Phases, callbacks, and who is eligible (joined, available, a member). */

/* When every agent of a phase has bounced, the next phase starts. */
static void
test_bounce_next_phase (Fixture       *f,
                        gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 10, 0, 10, 11, 0),
          phase (FD_STRATEGY_RING_ALL, 10, 0, 12, 0), NULL);
  join_all (f, 10, 11, 12, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10; offer 1>11 p0 b10");
  tick (f, 10);
  expect (f, "withdraw 1>10 bounced; withdraw 1>11 bounced; phase 1 p1; offer 1>12 p1 b20");
  int phase_index = -1;
  g_assert_true (fd_router_lookup (f->r, 1, &phase_index, NULL));
  g_assert_cmpint (phase_index, ==, 1);
}

/* A phase that ends unreserved withdraws its offers and the next phase
 * starts; after the last phase routing starts over from the first. */
static void
test_phase_duration (Fixture       *f,
                     gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 0, 30, 10, 11, 0),
          phase (FD_STRATEGY_CIRCULAR, 0, 20, 12, 13, 0), NULL);
  join_all (f, 10, 11, 12, 13, 0);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (30));
  tick (f, 29);
  expect (f, "");
  tick (f, 30);
  expect (f, "withdraw 1>10 phase-ended; withdraw 1>11 phase-ended; phase 1 p1; offer 1>12 p1");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (50));
  tick (f, 50);
  expect (f, "withdraw 1>12 phase-ended; phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (80));
}

/* A stream reconfigured with fewer phases while a conversation is reserved
 * in a later one: the conversation counts as in the first phase and can
 * still be transferred (the engine aborted on the phase index; found by
 * the property tests of issue 17). */
static void
test_reconfigure_fewer_phases_reserved (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  int phase_index = -1;

  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 0, 10, 10, 0),
          phase (FD_STRATEGY_RING_ALL, 0, 0, 11, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  tick (f, 10);
  expect (f, "withdraw 1>10 phase-ended; phase 1 p1; offer 1>11 p1");
  reserve (f, 1, 11);
  expect (f, "reserved 1>11");

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 5, 0, 0), NULL);
  expect (f, "");
  g_assert_true (fd_router_lookup (f->r, 1, &phase_index, NULL));
  g_assert_cmpint (phase_index, ==, 0);
  g_assert_true (fd_router_transfer (f->r, 1, 11, 10, f->now, f->out, &error));
  g_assert_no_error (error);
  expect (f, "offer 1>10 p0 b15");
}

/* Duration 0: the phase lasts until reserved. */
static void
test_phase_until_reserved (Fixture       *f,
                           gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 0, 0, 10, 0),
          phase (FD_STRATEGY_RING_ALL, 0, 0, 11, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
  tick (f, 100000);
  expect (f, "");
  assert_offers (f, 10, 1, 0);
}

/* At the end of the last phase nobody is joined any more: missed. While
 * agents are joined (even unavailable ones) it starts over instead. */
static void
test_last_phase_nobody_joined (Fixture       *f,
                               gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 10, 0), NULL);
  join_all (f, 10, 11, 0);
  acd (f, 11, FD_ACD_UNAVAILABLE);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");

  at (f, 1);
  acd (f, 10, FD_ACD_WRAP_UP);
  expect (f, "withdraw 1>10 unavailable");
  tick (f, 10);
  expect (f, "phase 1 p0");

  at (f, 11);
  leave (f, 10);
  leave (f, 11);
  expect (f, "");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (20));
  tick (f, 20);
  expect (f, "missed 1");
  g_assert_false (fd_router_lookup (f->r, 1, NULL, NULL));
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
}

/* A phase with nobody eligible is skipped. */
static void
test_phase_skipped (Fixture       *f,
                    gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 0, 30, 13, 0),
          phase (FD_STRATEGY_RING_ALL, 0, 30, 10, 0), NULL);
  join (f, 10);
  add (f, 1, 50);
  expect (f, "phase 1 p1; offer 1>10 p1");
  join (f, 13);
  expect (f, "");
  tick (f, 30);
  expect (f, "withdraw 1>10 phase-ended; phase 1 p0; offer 1>13 p0");
}

/* Phases are ordered by their position, not by the array order; no phases
 * at all means one ring-all phase over the queue without timers. */
static void
test_phase_order_and_default (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdPhase *second = phase (FD_STRATEGY_RING_ALL, 0, 0, 11, 0);
  FdPhase *first = phase (FD_STRATEGY_RING_ALL, 0, 0, 10, 0);
  const FdPhase *phases[] = { second, first };

  second->position = 1;
  first->position = 0;
  g_assert_true (fd_router_set_stream (f->r, 50, ORG, QUEUE, FD_STREAM_EMAIL, phases, 2,
                                       f->now, f->out, &error));
  g_assert_no_error (error);
  g_assert_true (fd_router_set_stream (f->r, 51, ORG, QUEUE, FD_STREAM_TWITTER, NULL, 0,
                                       f->now, f->out, &error));
  g_assert_no_error (error);
  phase_free (first);
  phase_free (second);

  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  add (f, 2, 51);
  expect (f, "phase 2 p0; offer 2>10 p0; offer 2>11 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
}

/* A callback stays offered to all eligible agents of its phase, whatever
 * the strategy, with neither bounce nor phase end, until reserved. */
static void
test_callback_stays_offered (Fixture       *f,
                             gconstpointer  data)
{
  stream (f, 52, FD_STREAM_CALLBACK,
          phase (FD_STRATEGY_CIRCULAR, 10, 10, 0),
          phase (FD_STRATEGY_RING_ALL, 10, 10, 13, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 52);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
  tick (f, 3600);
  expect (f, "");
  assert_offers (f, 10, 1, 0);

  /* A joining agent of the phase gets it too. */
  join (f, 12);
  expect (f, "offer 1>12 p0");

  /* Leaving removes it; re-joining shows it again. */
  leave (f, 10);
  expect (f, "withdraw 1>10 left-queue");
  join (f, 10);
  expect (f, "offer 1>10 p0");

  reserve (f, 1, 12);
  expect (f, "reserved 1>12; withdraw 1>11 reserved-by-other; withdraw 1>10 reserved-by-other");
}

/* A callback that everyone of its phase rejected goes to the next phase. */
static void
test_callback_all_rejected (Fixture       *f,
                            gconstpointer  data)
{
  stream (f, 52, FD_STREAM_CALLBACK,
          phase (FD_STRATEGY_LONGEST_IDLE, 10, 10, 10, 11, 0),
          phase (FD_STRATEGY_CIRCULAR, 10, 10, 12, 13, 0), NULL);
  join_all (f, 10, 11, 12, 13, 0);
  add (f, 1, 52);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected");
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected; phase 1 p1; offer 1>12 p1; offer 1>13 p1");
}

/* Joined but nobody available: the conversation waits in its phase and is
 * offered as soon as an agent becomes available. */
static void
test_waits_for_eligible (Fixture       *f,
                         gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 10, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  acd (f, 10, FD_ACD_UNAVAILABLE);
  acd (f, 11, FD_ACD_WRAP_UP);
  expect (f, "");

  add (f, 1, 50);
  expect (f, "phase 1 p0");
  g_assert_true (fd_router_lookup (f->r, 1, NULL, NULL));
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);

  at (f, 5);
  acd (f, 11, FD_ACD_AVAILABLE);
  expect (f, "offer 1>11 p0 b15");
}

/* Unavailable and wrap-up agents are skipped; becoming unavailable withdraws
 * unreserved offers and passes them on. */
static void
test_unavailable_skipped (Fixture       *f,
                          gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 0, 0, 0), NULL);
  stream (f, 51, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join_all (f, 10, 11, 12, 0);
  acd (f, 11, FD_ACD_UNAVAILABLE);

  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>12 p0");
  add (f, 3, 51);
  expect (f, "phase 3 p0; offer 3>10 p0; offer 3>12 p0");

  acd (f, 12, FD_ACD_WRAP_UP);
  expect (f, "withdraw 2>12 unavailable; offer 2>10 p0; withdraw 3>12 unavailable");
  acd (f, 11, FD_ACD_AVAILABLE);
  expect (f, "offer 3>11 p0");
}

/* Leaving a queue loses its unreserved offers (circular passes them on);
 * re-joining gets back those still in a phase that includes the agent;
 * reserved conversations stay. */
static void
test_leave_rejoin (Fixture       *f,
                   gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  stream (f, 51, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_CIRCULAR, 0, 0, 10, 11, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");
  add (f, 2, 51);
  expect (f, "phase 2 p0; offer 2>10 p0");
  add (f, 3, 51);
  expect (f, "phase 3 p0; offer 3>11 p0");
  reserve (f, 3, 11);
  expect (f, "reserved 3>11");

  leave (f, 10);
  expect (f, "withdraw 1>10 left-queue; withdraw 2>10 left-queue; offer 2>11 p0");
  g_assert_false (fd_router_is_joined (f->r, 10, QUEUE));
  g_assert_cmpuint (fd_router_count_joined (f->r, QUEUE), ==, 1);
  leave (f, 10);
  expect (f, "");

  leave (f, 11);
  expect (f, "withdraw 1>11 left-queue; withdraw 2>11 left-queue");
  g_assert_cmpint (reserved_by (f, 3), ==, 11);

  join (f, 10);
  expect (f, "offer 1>10 p0; offer 2>10 p0");
  g_assert_true (fd_router_is_joined (f->r, 10, QUEUE));
  assert_offers (f, 10, 1, 2, 0);
}

/* Removing an agent from the queue's members makes it leave. */
static void
test_queue_members (Fixture       *f,
                    gconstpointer  data)
{
  static const gint64 members[] = { 11, 12 };
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0");

  fd_router_set_queue_members (f->r, QUEUE, members, G_N_ELEMENTS (members), f->now, f->out);
  expect (f, "withdraw 1>10 left-queue");
  g_assert_false (fd_router_is_joined (f->r, 10, QUEUE));
  g_assert_false (fd_router_join (f->r, 10, QUEUE, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER);
  g_clear_error (&error);
  g_assert_false (fd_router_join (f->r, 10, 999, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER);
  g_clear_error (&error);

  /* The new member order is the ring-all order. */
  join (f, 12);
  expect (f, "offer 1>12 p0");
  add (f, 2, 50);
  expect (f, "phase 2 p0; offer 2>11 p0; offer 2>12 p0");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ROUTER_TEST_ADD ("phase/reconfigure-fewer-reserved", test_reconfigure_fewer_phases_reserved);
  ROUTER_TEST_ADD ("phase/bounce-next-phase", test_bounce_next_phase);
  ROUTER_TEST_ADD ("phase/duration", test_phase_duration);
  ROUTER_TEST_ADD ("phase/until-reserved", test_phase_until_reserved);
  ROUTER_TEST_ADD ("phase/last-nobody-joined", test_last_phase_nobody_joined);
  ROUTER_TEST_ADD ("phase/skipped", test_phase_skipped);
  ROUTER_TEST_ADD ("phase/order-and-default", test_phase_order_and_default);
  ROUTER_TEST_ADD ("eligibility/waits", test_waits_for_eligible);
  ROUTER_TEST_ADD ("eligibility/unavailable-skipped", test_unavailable_skipped);
  ROUTER_TEST_ADD ("queue/leave-rejoin", test_leave_rejoin);
  ROUTER_TEST_ADD ("queue/members", test_queue_members);
  ROUTER_TEST_ADD ("callback/stays-offered", test_callback_stays_offered);
  ROUTER_TEST_ADD ("callback/all-rejected", test_callback_all_rejected);

  return g_test_run ();
}
