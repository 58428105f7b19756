#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* A conversation's life: reject, reserve, missed, transfer, close, restore, refused calls. */

/* Reject of a ring-all offer withdraws only that one; when the last agent
 * of the phase rejects, the next phase starts. */
static void
test_reject (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 30, 0, 10, 11, 0),
          phase (FD_STRATEGY_RING_ALL, 30, 0, 12, 0), NULL);
  join_all (f, 10, 11, 12, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b30; offer 1>11 p0 b30");

  at (f, 1);
  reject (f, 1, 10);
  expect (f, "withdraw 1>10 rejected");
  g_assert_false (fd_router_reject (f->r, 1, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED);
  g_clear_error (&error);
  g_assert_false (fd_router_reject (f->r, 99, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  expect (f, "");

  at (f, 2);
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected; phase 1 p1; offer 1>12 p1 b32");
}

/* Reserve stops routing and withdraws every other offer. */
static void
test_reserve_withdraws_others (Fixture       *f,
                               gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 30, 60, 0), NULL);
  join_all (f, 10, 11, 12, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b30; offer 1>11 p0 b30; offer 1>12 p0 b30");

  at (f, 5);
  reserve (f, 1, 11);
  expect (f, "reserved 1>11; withdraw 1>10 reserved-by-other; withdraw 1>12 reserved-by-other");
  g_assert_cmpint (reserved_by (f, 1), ==, 11);
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
  assert_offers (f, 10, 0);
  assert_offers (f, 11, 0);
  tick (f, 1000);
  expect (f, "");
}

/* Of two reserves exactly one wins. */
static void
test_double_reserve (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 10, 11, 0), NULL);
  join_all (f, 10, 11, 12, 0);
  add (f, 1, 50);
  add (f, 2, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0; phase 2 p0; offer 2>10 p0; offer 2>11 p0");

  reserve (f, 1, 10);
  expect (f, "reserved 1>10; withdraw 1>11 reserved-by-other");
  g_assert_false (fd_router_reserve (f->r, 1, 11, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED);
  g_clear_error (&error);
  g_assert_false (fd_router_reserve (f->r, 1, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED);
  g_clear_error (&error);
  g_assert_false (fd_router_reject (f->r, 1, 11, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED);
  g_clear_error (&error);
  /* 12 is joined but not in the phase. */
  g_assert_false (fd_router_reserve (f->r, 2, 12, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_OFFERED);
  g_clear_error (&error);
  g_assert_false (fd_router_reserve (f->r, 99, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  expect (f, "");
  g_assert_cmpint (reserved_by (f, 1), ==, 10);
  g_assert_cmpint (reserved_by (f, 2), ==, 0);
}

/* Reserving changes the agent's ACD state per the organization's setting;
 * its other offers are then withdrawn as for any unavailable agent. */
static void
test_reserve_acd (Fixture       *f,
                  gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  add (f, 2, 50);
  expect (f, "phase 1 p0; offer 1>10 p0; offer 1>11 p0; phase 2 p0; offer 2>10 p0; offer 2>11 p0");

  fd_router_set_organization (f->r, ORG, FD_RESERVE_ACD_WRAP_UP);
  reserve (f, 1, 10);
  expect (f, "reserved 1>10; withdraw 1>11 reserved-by-other; acd 10 wrap-up; withdraw 2>10 unavailable");

  fd_router_set_organization (f->r, ORG, FD_RESERVE_ACD_UNAVAILABLE);
  reserve (f, 2, 11);
  expect (f, "reserved 2>11; acd 11 unavailable busy");

  fd_router_set_organization (f->r, ORG, FD_RESERVE_ACD_KEEP);
  acd (f, 10, FD_ACD_AVAILABLE);
  add (f, 3, 50);
  expect (f, "phase 3 p0; offer 3>10 p0");
  reserve (f, 3, 10);
  expect (f, "reserved 3>10");

  /* An unavailable agent loses its offers; the reserving one becomes busy. */
  fd_router_set_organization (f->r, ORG, FD_RESERVE_ACD_UNAVAILABLE);
  acd (f, 11, FD_ACD_AVAILABLE);
  add (f, 4, 50);
  expect (f, "phase 4 p0; offer 4>10 p0; offer 4>11 p0");
  acd (f, 11, FD_ACD_UNAVAILABLE);
  expect (f, "withdraw 4>11 unavailable");
  reserve (f, 4, 10);
  expect (f, "reserved 4>10; acd 10 unavailable busy");
}

/* With nobody joined to the stream's queue a new conversation is missed
 * (agents joined to another queue do not count). */
static void
test_missed (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 10, 10, 0), NULL);
  g_assert_true (fd_router_join (f->r, 10, OTHER_QUEUE, f->now, f->out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fd_router_count_joined (f->r, QUEUE), ==, 0);
  g_assert_cmpuint (fd_router_count_joined (f->r, OTHER_QUEUE), ==, 1);

  add (f, 1, 50);
  expect (f, "missed 1");
  g_assert_false (fd_router_lookup (f->r, 1, NULL, NULL));
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);

  /* The engine forgot it: the id may come back (e.g. a new attempt). */
  join (f, 11);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>11 p0 b10");
}

/* Transfer offers a reserved conversation to a joined colleague; reject or
 * bounce gives it back to the transferring agent; reserve hands it over. */
static void
test_transfer (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 20, 0, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b20; offer 1>11 p0 b20");
  at (f, 1);
  reserve (f, 1, 10);
  expect (f, "reserved 1>10; withdraw 1>11 reserved-by-other");

  g_assert_false (fd_router_transfer (f->r, 1, 11, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_RESERVED_BY_AGENT);
  g_clear_error (&error);
  g_assert_false (fd_router_transfer (f->r, 1, 10, 12, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_JOINED);
  g_clear_error (&error);
  g_assert_false (fd_router_transfer (f->r, 1, 10, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_transfer (f->r, 99, 10, 11, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND);
  g_clear_error (&error);
  expect (f, "");

  /* Rejected: back to 10. */
  at (f, 2);
  g_assert_true (fd_router_transfer (f->r, 1, 10, 11, f->now, f->out, &error));
  g_assert_no_error (error);
  expect (f, "offer 1>11 p0 b22");
  assert_offers (f, 11, 1, 0);
  g_assert_false (fd_router_transfer (f->r, 1, 10, 11, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_reserve (f->r, 1, 10, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_ALREADY_RESERVED);
  g_clear_error (&error);
  reject (f, 1, 11);
  expect (f, "withdraw 1>11 rejected; reserved 1>10");

  /* Bounced: back to 10. */
  at (f, 3);
  g_assert_true (fd_router_transfer (f->r, 1, 10, 11, f->now, f->out, &error));
  expect (f, "offer 1>11 p0 b23");
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, S (23));
  tick (f, 23);
  expect (f, "withdraw 1>11 bounced; reserved 1>10");

  /* Target leaves: back to 10. */
  g_assert_true (fd_router_transfer (f->r, 1, 10, 11, f->now, f->out, &error));
  expect (f, "offer 1>11 p0 b43");
  leave (f, 11);
  expect (f, "withdraw 1>11 left-queue; reserved 1>10");
  join (f, 11);
  expect (f, "");

  /* Reserved by the target: 11 has it now; unavailable targets may take it. */
  acd (f, 11, FD_ACD_UNAVAILABLE);
  g_assert_true (fd_router_transfer (f->r, 1, 10, 11, f->now, f->out, &error));
  expect (f, "offer 1>11 p0 b43");
  reserve (f, 1, 11);
  expect (f, "reserved 1>11");
  g_assert_cmpint (reserved_by (f, 1), ==, 11);
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);

  /* Closing during a transfer withdraws the transfer offer. */
  g_assert_true (fd_router_transfer (f->r, 1, 11, 10, f->now, f->out, &error));
  expect (f, "offer 1>10 p0 b43");
  fd_router_close (f->r, 1, f->now, f->out);
  expect (f, "withdraw 1>10 closed");
  g_assert_no_error (error);
}

/* Closing removes the conversation and its offers. */
static void
test_close (Fixture       *f,
            gconstpointer  data)
{
  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 10, 20, 0), NULL);
  join_all (f, 10, 11, 0);
  add (f, 1, 50);
  add (f, 2, 50);
  expect (f, "phase 1 p0; offer 1>10 p0 b10; offer 1>11 p0 b10; phase 2 p0; offer 2>10 p0 b10; offer 2>11 p0 b10");

  fd_router_close (f->r, 1, f->now, f->out);
  expect (f, "withdraw 1>10 closed; withdraw 1>11 closed");
  g_assert_false (fd_router_lookup (f->r, 1, NULL, NULL));
  assert_offers (f, 10, 2, 0);
  fd_router_close (f->r, 1, f->now, f->out);
  expect (f, "");

  reserve (f, 2, 11);
  expect (f, "reserved 2>11; withdraw 2>10 reserved-by-other");
  fd_router_close (f->r, 2, f->now, f->out);
  expect (f, "");
  g_assert_false (fd_router_lookup (f->r, 2, NULL, NULL));
  g_assert_cmpint (fd_router_get_next_deadline (f->r), ==, 0);
}

/* After a restart: unreserved conversations wait for agents instead of
 * being missed; reserved ones can be transferred. */
static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  g_assert_true (fd_router_restore (f->r, 1, 50, 0, f->now, f->out, &error));
  g_assert_true (fd_router_restore (f->r, 2, 50, 10, f->now, f->out, &error));
  g_assert_no_error (error);
  expect (f, "phase 1 p0");
  g_assert_cmpint (reserved_by (f, 2), ==, 10);
  g_assert_false (fd_router_restore (f->r, 2, 50, 0, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);

  join (f, 10);
  expect (f, "offer 1>10 p0");
  join (f, 11);
  expect (f, "offer 1>11 p0");
  g_assert_true (fd_router_transfer (f->r, 2, 10, 11, f->now, f->out, &error));
  g_assert_no_error (error);
  expect (f, "offer 2>11 p0");
}

/* Bad input gives a typed error and changes nothing. */
static void
test_invalid (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdPhase *bad_bounce = phase (FD_STRATEGY_RING_ALL, -1, 0, 0);
  FdPhase *bad_strategy = phase ((FdStrategy) 42, 0, 0, 0);
  const FdPhase *one[] = { bad_bounce };
  const FdPhase *two[] = { bad_strategy };
  const FdPhase *null_phase[] = { NULL };

  g_assert_false (fd_router_set_stream (f->r, 50, ORG, QUEUE, FD_STREAM_WEBCHAT, one, 1,
                                        f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_set_stream (f->r, 50, ORG, QUEUE, FD_STREAM_WEBCHAT, two, 1,
                                        f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_set_stream (f->r, 50, ORG, QUEUE, FD_STREAM_WEBCHAT, null_phase, 1,
                                        f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_set_stream (f->r, 50, ORG, 0, FD_STREAM_WEBCHAT, NULL, 0,
                                        f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_set_stream (f->r, 50, ORG, QUEUE, (FdStreamKind) 9, NULL, 0,
                                        f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  phase_free (bad_bounce);
  phase_free (bad_strategy);

  /* None of those created the stream. */
  g_assert_false (fd_router_add (f->r, 1, 50, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_FOUND);
  g_clear_error (&error);

  stream (f, 50, FD_STREAM_WEBCHAT, phase (FD_STRATEGY_RING_ALL, 0, 0, 0), NULL);
  join (f, 10);
  g_assert_false (fd_router_join (f->r, 77, QUEUE, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_NOT_MEMBER);
  g_clear_error (&error);
  add (f, 1, 50);
  expect (f, "phase 1 p0; offer 1>10 p0");
  g_assert_false (fd_router_add (f->r, 1, 50, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fd_router_add (f->r, 0, 50, f->now, f->out, &error));
  g_assert_error (error, FD_ROUTING_ERROR, FD_ROUTING_ERROR_INVALID);
  g_clear_error (&error);
  expect (f, "");

  /* Joining twice is harmless. */
  join (f, 10);
  expect (f, "");
  g_assert_cmpuint (fd_router_count_joined (f->r, QUEUE), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ROUTER_TEST_ADD ("reject", test_reject);
  ROUTER_TEST_ADD ("reserve/withdraws-others", test_reserve_withdraws_others);
  ROUTER_TEST_ADD ("reserve/double", test_double_reserve);
  ROUTER_TEST_ADD ("reserve/acd", test_reserve_acd);
  ROUTER_TEST_ADD ("missed", test_missed);
  ROUTER_TEST_ADD ("transfer", test_transfer);
  ROUTER_TEST_ADD ("close", test_close);
  ROUTER_TEST_ADD ("invalid", test_invalid);
  ROUTER_TEST_ADD ("restore", test_restore);

  return g_test_run ();
}
