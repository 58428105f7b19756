#define G_LOG_DOMAIN "test-router"

/* The routing engine, driven by a simulated clock. Every test asserts the
 * exact decisions, in order, written compactly:
 *   "offer C>A pN bT"   offer conversation C to agent A in phase N, bounce at T s
 *   "withdraw C>A why"  "reserved C>A"  "missed C"  "phase C pN"
 *   "acd A state [reason]"
 */

#include <stdarg.h>

#include "fd-router.h"

#define QUEUE 100
#define OTHER_QUEUE 200
#define ORG 1
#define S(secs) ((gint64) (secs) * G_USEC_PER_SEC)

typedef struct {
  FdRouter *r;
  GArray   *out;
  gint64    now;
} Fixture;

static const char *
acd_name (FdAcdState state)
{
  switch (state)
    {
    case FD_ACD_AVAILABLE: return "available";
    case FD_ACD_UNAVAILABLE: return "unavailable";
    case FD_ACD_WRAP_UP: return "wrap-up";
    default: return "?";
    }
}

/* Formats and clears the decisions emitted so far. */
static char *
take (Fixture *f)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < f->out->len; i++)
    {
      const FdRoutingDecision *d = &g_array_index (f->out, FdRoutingDecision, i);
      const char *c = fd_routing_decision_kind_to_string (d->kind);
      gint64 conv = d->conversation_id;
      gint64 agent = d->agent_id;

      if (s->len > 0)
        g_string_append (s, "; ");
      switch (d->kind)
        {
        case FD_ROUTING_OFFER:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT ">%" G_GINT64_FORMAT " p%d", c, conv, agent, d->phase);
          if (d->bounce_at != 0)
            {
              g_assert_cmpint (d->bounce_at % G_USEC_PER_SEC, ==, 0);
              g_string_append_printf (s, " b%" G_GINT64_FORMAT, d->bounce_at / G_USEC_PER_SEC);
            }
          break;
        case FD_ROUTING_WITHDRAW:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT ">%" G_GINT64_FORMAT " %s", c, conv, agent,
                                  fd_withdraw_reason_to_string (d->reason));
          break;
        case FD_ROUTING_RESERVED:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT ">%" G_GINT64_FORMAT, c, conv, agent);
          break;
        case FD_ROUTING_MISSED:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT, c, conv);
          break;
        case FD_ROUTING_PHASE:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT " p%d", c, conv, d->phase);
          break;
        case FD_ROUTING_ACD:
          g_string_append_printf (s, "%s %" G_GINT64_FORMAT " %s", c, agent, acd_name (d->acd_state));
          if (d->acd_reason != NULL)
            g_string_append_printf (s, " %s", d->acd_reason);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_array_set_size (f->out, 0);
  return g_string_free (s, FALSE);
}

#define expect(f, expected) \
  G_STMT_START { \
    g_autofree char *got__ = take (f); \
    g_assert_cmpstr (got__, ==, (expected)); \
  } G_STMT_END

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const gint64 members[] = { 10, 11, 12, 13 };

  f->r = fd_router_new ();
  f->out = fd_routing_decisions_new ();
  f->now = 0;
  fd_router_set_organization (f->r, ORG, FD_RESERVE_ACD_KEEP);
  fd_router_set_queue_members (f->r, QUEUE, members, G_N_ELEMENTS (members), 0, f->out);
  fd_router_set_queue_members (f->r, OTHER_QUEUE, members, G_N_ELEMENTS (members), 0, f->out);
  expect (f, "");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Every test consumes what it caused. */
  expect (f, "");
  g_clear_pointer (&f->r, fd_router_free);
  g_array_unref (f->out);
}

/* A phase: strategy, bounce and duration in seconds, then agent ids ending
 * with 0 (none = all members of the queue). */
static FdPhase *
phase (FdStrategy strategy,
       int        bounce,
       int        duration,
       ...)
{
  FdPhase *p = g_new0 (FdPhase, 1);
  va_list ap;
  int id;

  p->strategy = strategy;
  p->bounce_seconds = bounce;
  p->duration_seconds = duration;
  p->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  va_start (ap, duration);
  while ((id = va_arg (ap, int)) != 0)
    {
      gint64 id64 = id;

      g_array_append_val (p->agent_ids, id64);
    }
  va_end (ap);
  return p;
}

static void
phase_free (gpointer data)
{
  FdPhase *p = data;

  g_array_unref (p->agent_ids);
  g_free (p);
}

/* Configures a stream of QUEUE with the phases that follow, NULL-terminated. */
static void
stream (Fixture      *f,
        gint64        stream_id,
        FdStreamKind  kind,
        ...)
{
  g_autoptr(GPtrArray) phases = g_ptr_array_new_with_free_func (phase_free);
  g_autoptr(GError) error = NULL;
  FdPhase *p;
  va_list ap;

  va_start (ap, kind);
  while ((p = va_arg (ap, FdPhase *)) != NULL)
    {
      p->position = (gint) phases->len;
      g_ptr_array_add (phases, p);
    }
  va_end (ap);

  g_assert_true (fd_router_set_stream (f->r, stream_id, ORG, QUEUE, kind,
                                       (const FdPhase *const *) phases->pdata, phases->len,
                                       f->now, f->out, &error));
  g_assert_no_error (error);
}

static void
at (Fixture *f,
    int      secs)
{
  f->now = S (secs);
}

static void
join (Fixture *f,
      gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_join (f->r, agent, QUEUE, f->now, f->out, &error));
  g_assert_no_error (error);
}

/* Joins the agents that follow, in order, ending with 0. */
static void
join_all (Fixture *f,
          ...)
{
  va_list ap;
  int agent;

  va_start (ap, f);
  while ((agent = va_arg (ap, int)) != 0)
    join (f, agent);
  va_end (ap);
}

static void
leave (Fixture *f,
       gint64   agent)
{
  fd_router_leave (f->r, agent, QUEUE, f->now, f->out);
}

static void
add (Fixture *f,
     gint64   conv,
     gint64   stream_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_add (f->r, conv, stream_id, f->now, f->out, &error));
  g_assert_no_error (error);
}

static void
reserve (Fixture *f,
         gint64   conv,
         gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_reserve (f->r, conv, agent, f->now, f->out, &error));
  g_assert_no_error (error);
}

static void
reject (Fixture *f,
        gint64   conv,
        gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_reject (f->r, conv, agent, f->now, f->out, &error));
  g_assert_no_error (error);
}

static void
tick (Fixture *f,
      int      secs)
{
  at (f, secs);
  fd_router_tick (f->r, f->now, f->out);
}

static void
acd (Fixture    *f,
     gint64      agent,
     FdAcdState  state)
{
  fd_router_set_acd (f->r, agent, state, f->now, f->out);
}

static gint64
reserved_by (Fixture *f,
             gint64   conv)
{
  gint64 agent = -1;

  g_assert_true (fd_router_lookup (f->r, conv, NULL, &agent));
  return agent;
}

static void
assert_offers (Fixture *f,
               gint64   agent,
               ...)
{
  g_autoptr(GArray) offers = fd_router_dup_offers (f->r, agent);
  va_list ap;
  guint n = 0;
  int conv;

  va_start (ap, agent);
  while ((conv = va_arg (ap, int)) != 0)
    {
      g_assert_cmpuint (n, <, offers->len);
      g_assert_cmpint (g_array_index (offers, gint64, n), ==, conv);
      n++;
    }
  va_end (ap);
  g_assert_cmpuint (offers->len, ==, n);
}

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

/* Random sequences of everything, checking after each step that the
 * decisions alone describe the offers (what the server relies on), that
 * nobody waits while an agent could take the conversation, and that ticks
 * leave nothing overdue. */
#define N_AGENTS 4
#define N_STREAMS 3

typedef struct {
  GHashTable *offers;               /* "conv>agent" as emitted */
  FdAcdState  acd[N_AGENTS];
  GHashTable *open;                 /* &conv → stream id, unreserved or reserved */
  GHashTable *reserved;             /* &conv → agent */
} Model;

static void
model_apply (Fixture *f,
             Model   *m)
{
  for (guint i = 0; i < f->out->len; i++)
    {
      const FdRoutingDecision *d = &g_array_index (f->out, FdRoutingDecision, i);
      g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT,
                                              d->conversation_id, d->agent_id);
      gint64 *conv = g_new (gint64, 1);

      *conv = d->conversation_id;
      switch (d->kind)
        {
        case FD_ROUTING_OFFER:
          g_assert_true (g_hash_table_contains (m->open, conv));
          g_assert_true (g_hash_table_add (m->offers, g_steal_pointer (&key)));
          break;
        case FD_ROUTING_WITHDRAW:
          g_assert_true (g_hash_table_remove (m->offers, key));
          break;
        case FD_ROUTING_RESERVED:
          g_hash_table_remove (m->offers, key);
          g_hash_table_insert (m->reserved, g_memdup2 (conv, sizeof *conv),
                               g_memdup2 (&d->agent_id, sizeof d->agent_id));
          break;
        case FD_ROUTING_MISSED:
          g_assert_false (g_hash_table_contains (m->reserved, conv));
          g_hash_table_remove (m->open, conv);
          break;
        case FD_ROUTING_PHASE:
          g_assert_cmpint (d->phase, >=, 0);
          break;
        case FD_ROUTING_ACD:
          g_assert_cmpint (d->agent_id, >=, 10);
          g_assert_cmpint (d->agent_id, <, 10 + N_AGENTS);
          m->acd[d->agent_id - 10] = d->acd_state;
          break;
        default:
          g_assert_not_reached ();
        }
      g_free (conv);
    }
  g_array_set_size (f->out, 0);
}

static void
model_check (Fixture *f,
             Model   *m)
{
  GHashTableIter iter;
  gpointer key, value;
  guint total = 0;

  /* The engine's offers are exactly those the decisions announced. */
  for (gint64 agent = 10; agent < 10 + N_AGENTS; agent++)
    {
      g_autoptr(GArray) offers = fd_router_dup_offers (f->r, agent);

      for (guint i = 0; i < offers->len; i++)
        {
          g_autofree char *k = g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT,
                                                g_array_index (offers, gint64, i), agent);

          g_assert_true (g_hash_table_contains (m->offers, k));
        }
      total += offers->len;
    }
  g_assert_cmpuint (total, ==, g_hash_table_size (m->offers));

  /* An unreserved conversation has an offer whenever some agent is joined
   * and available (every stream here can reach every member). */
  gboolean someone = FALSE;
  for (gint64 agent = 10; agent < 10 + N_AGENTS; agent++)
    if (fd_router_is_joined (f->r, agent, QUEUE) && m->acd[agent - 10] == FD_ACD_AVAILABLE)
      someone = TRUE;

  g_hash_table_iter_init (&iter, m->open);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 conv = *(gint64 *) key;
      gint64 agent = -1;
      gboolean offered = FALSE;

      g_assert_true (fd_router_lookup (f->r, conv, NULL, &agent));
      if (agent != 0)
        {
          g_assert_cmpint (*(gint64 *) g_hash_table_lookup (m->reserved, &conv), ==, agent);
          continue;
        }
      for (gint64 a = 10; a < 10 + N_AGENTS; a++)
        {
          g_autofree char *k = g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT, conv, a);

          offered |= g_hash_table_contains (m->offers, k);
          /* Phase offers go to joined, available agents only. */
          if (g_hash_table_contains (m->offers, k))
            {
              g_assert_true (fd_router_is_joined (f->r, a, QUEUE));
              g_assert_cmpint (m->acd[a - 10], ==, FD_ACD_AVAILABLE);
            }
        }
      g_assert_true (offered == someone);
    }
}

static void
test_random (Fixture       *f,
             gconstpointer  data)
{
  Model m = { 0 };
  gint64 next_conv = 1;
  int clock = 0;

  m.offers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m.open = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  m.reserved = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  stream (f, 50, FD_STREAM_WEBCHAT,
          phase (FD_STRATEGY_RING_ALL, 7, 20, 10, 11, 0),
          phase (FD_STRATEGY_CIRCULAR, 5, 15, 0), NULL);
  stream (f, 51, FD_STREAM_EMAIL,
          phase (FD_STRATEGY_LONGEST_IDLE, 3, 0, 0),
          phase (FD_STRATEGY_RING_ALL, 0, 9, 12, 13, 0), NULL);
  stream (f, 52, FD_STREAM_CALLBACK,
          phase (FD_STRATEGY_CIRCULAR, 4, 4, 0), NULL);

  for (int step = 0; step < 1000; step++)
    {
      gint64 agent = 10 + g_test_rand_int_range (0, N_AGENTS);
      gint64 other = 10 + g_test_rand_int_range (0, N_AGENTS);
      gint64 conv = g_test_rand_int_range (1, (int) next_conv + 1);
      g_autoptr(GError) error = NULL;

      switch (g_test_rand_int_range (0, 11))
        {
        case 0:
          fd_router_join (f->r, agent, QUEUE, f->now, f->out, &error);
          g_assert_no_error (error);
          break;
        case 1:
          leave (f, agent);
          break;
        case 2:
          {
            FdAcdState state = (FdAcdState) g_test_rand_int_range (0, 3);

            m.acd[agent - 10] = state;
            acd (f, agent, state);
          }
          break;
        case 3:
        case 4:
          {
            gint64 *key = g_new (gint64, 1);

            *key = next_conv++;
            g_hash_table_insert (m.open, key, g_memdup2 (key, sizeof *key));
            add (f, *key, 50 + g_test_rand_int_range (0, N_STREAMS));
          }
          break;
        case 5:
          if (fd_router_reserve (f->r, conv, agent, f->now, f->out, &error))
            g_assert_no_error (error);
          else
            g_assert_true (error != NULL && error->domain == FD_ROUTING_ERROR);
          break;
        case 6:
          if (fd_router_reject (f->r, conv, agent, f->now, f->out, &error))
            g_assert_no_error (error);
          else
            g_assert_true (error != NULL && error->domain == FD_ROUTING_ERROR);
          break;
        case 7:
          if (fd_router_transfer (f->r, conv, agent, other, f->now, f->out, &error))
            g_assert_no_error (error);
          else
            g_assert_true (error != NULL && error->domain == FD_ROUTING_ERROR);
          break;
        case 8:
          fd_router_close (f->r, conv, f->now, f->out);
          g_hash_table_remove (m.open, &conv);
          g_hash_table_remove (m.reserved, &conv);
          break;
        case 9:
          fd_router_set_organization (f->r, ORG, (FdReserveAcd) g_test_rand_int_range (0, 3));
          break;
        default:
          clock += g_test_rand_int_range (1, 6);
          tick (f, clock);
          {
            gint64 deadline = fd_router_get_next_deadline (f->r);

            g_assert_true (deadline == 0 || deadline > f->now);
          }
          break;
        }
      at (f, clock);
      model_apply (f, &m);
      model_check (f, &m);
    }

  g_hash_table_unref (m.offers);
  g_hash_table_unref (m.open);
  g_hash_table_unref (m.reserved);
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

#define ADD(path, func) \
  g_test_add ("/routing/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("ring-all", test_ring_all);
  ADD ("circular/rotation", test_circular_rotation);
  ADD ("circular/bounce", test_circular_bounce);
  ADD ("circular/reject", test_circular_reject);
  ADD ("longest-idle/order", test_longest_idle);
  ADD ("longest-idle/tie", test_longest_idle_tie);
  ADD ("phase/bounce-next-phase", test_bounce_next_phase);
  ADD ("phase/duration", test_phase_duration);
  ADD ("phase/until-reserved", test_phase_until_reserved);
  ADD ("phase/last-nobody-joined", test_last_phase_nobody_joined);
  ADD ("phase/skipped", test_phase_skipped);
  ADD ("phase/order-and-default", test_phase_order_and_default);
  ADD ("reject", test_reject);
  ADD ("reserve/withdraws-others", test_reserve_withdraws_others);
  ADD ("reserve/double", test_double_reserve);
  ADD ("reserve/acd", test_reserve_acd);
  ADD ("missed", test_missed);
  ADD ("eligibility/waits", test_waits_for_eligible);
  ADD ("eligibility/unavailable-skipped", test_unavailable_skipped);
  ADD ("queue/leave-rejoin", test_leave_rejoin);
  ADD ("queue/members", test_queue_members);
  ADD ("callback/stays-offered", test_callback_stays_offered);
  ADD ("callback/all-rejected", test_callback_all_rejected);
  ADD ("transfer", test_transfer);
  ADD ("close", test_close);
  ADD ("timers/next-deadline", test_next_deadline);
  ADD ("timers/late-tick", test_late_tick);
  ADD ("stream/remove", test_remove_stream);
  ADD ("stream/reconfigure", test_reconfigure_stream);
  ADD ("invalid", test_invalid);
  ADD ("restore", test_restore);
  ADD ("names", test_names);
  ADD ("random", test_random);

  return g_test_run ();
}
