#define G_LOG_DOMAIN "test-router"

/* Property tests of the routing engine (issue 17): random workloads run on
 * the event-driven engine and on the reference engine (router-reference.c,
 * the engine as it was, rescanning everything) side by side; after every
 * step both must have made the same decisions in the same order, returned
 * the same results and errors, and agree on the next deadline, every
 * agent's offers and every conversation's state. Seeded and reproducible:
 * a failure prints the seed and the step; FD_ROUTER_SEED=n reruns one. */

#include <string.h>

#include "fd-router.h"
#include "router-reference.h"

#define ORG 7
#define FIRST_AGENT 10
#define FIRST_STREAM 100
#define N_QUEUES 2
#define N_STREAMS 3

typedef struct {
  guint      n_agents;
  guint      n_steps;
  guint      ring_all_weight;  /* extra chance of ring-all phases, in % */
  gboolean   start_joined;     /* every agent joins both queues first */
  guint      longest_idle_weight; /* extra chance of longest-idle phases, in % */
  guint      still_weight;     /* chance that a tick leaves the clock, in %:
                                * many agents then share their idle since */
  gboolean   shuffle_members;  /* the queues list their members in random
                                * order, so that ties do not follow ids */
} Workload;

typedef struct {
  const Workload *w;
  FdRouter   *r;
  RefRouter  *ref;
  GArray     *out;
  GArray     *ref_out;
  GRand      *rand;
  guint32     seed;
  guint       step;
  const char *op;
  gint64      now;
  gint64      next_conv;
  GArray     *convs;        /* gint64: every id ever added */
  gboolean    stream_exists[N_STREAMS];
} Pair;

static void
describe (GString                 *s,
          const FdRoutingDecision *d)
{
  g_string_append_printf (s, "  %s conv=%" G_GINT64_FORMAT " agent=%" G_GINT64_FORMAT
                          " bounce_at=%" G_GINT64_FORMAT " phase=%d reason=%d acd=%d/%s\n",
                          fd_routing_decision_kind_to_string (d->kind), d->conversation_id,
                          d->agent_id, d->bounce_at, d->phase, (int) d->reason,
                          (int) d->acd_state, d->acd_reason != NULL ? d->acd_reason : "-");
}

static G_NORETURN void
mismatch (Pair       *p,
          const char *what)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "seed %u step %u (%s): %s differs\n engine:\n", p->seed, p->step, p->op, what);
  for (guint i = 0; i < p->out->len; i++)
    describe (s, &g_array_index (p->out, FdRoutingDecision, i));
  g_string_append (s, " reference:\n");
  for (guint i = 0; i < p->ref_out->len; i++)
    describe (s, &g_array_index (p->ref_out, FdRoutingDecision, i));
  g_printerr ("%s", s->str);
  g_test_message ("%s", s->str);
  g_error ("routing property failed: seed %u step %u (%s): %s", p->seed, p->step, p->op, what);
}

static void
compare_decisions (Pair *p)
{
  if (p->out->len != p->ref_out->len)
    mismatch (p, "number of decisions");
  for (guint i = 0; i < p->out->len; i++)
    {
      const FdRoutingDecision *a = &g_array_index (p->out, FdRoutingDecision, i);
      const FdRoutingDecision *b = &g_array_index (p->ref_out, FdRoutingDecision, i);

      if (a->kind != b->kind || a->conversation_id != b->conversation_id ||
          a->agent_id != b->agent_id || a->bounce_at != b->bounce_at ||
          a->phase != b->phase || a->reason != b->reason ||
          a->acd_state != b->acd_state || g_strcmp0 (a->acd_reason, b->acd_reason) != 0)
        mismatch (p, "a decision");
    }
  g_array_set_size (p->out, 0);
  g_array_set_size (p->ref_out, 0);
}

static void
compare_results (Pair     *p,
                 gboolean  ok,
                 GError   *error,
                 gboolean  ref_ok,
                 GError   *ref_error)
{
  if (ok != ref_ok)
    mismatch (p, "the result");
  if ((error == NULL) != (ref_error == NULL) ||
      (error != NULL && (error->domain != ref_error->domain || error->code != ref_error->code)))
    mismatch (p, "the error");
}

static void
compare_state (Pair *p)
{
  if (fd_router_get_next_deadline (p->r) != ref_router_get_next_deadline (p->ref))
    mismatch (p, "the next deadline");

  for (guint a = 0; a < p->w->n_agents; a++)
    {
      gint64 agent_id = FIRST_AGENT + a;
      g_autoptr(GArray) offers = fd_router_dup_offers (p->r, agent_id);
      g_autoptr(GArray) ref_offers = ref_router_dup_offers (p->ref, agent_id);

      if (offers->len != ref_offers->len ||
          (offers->len > 0 && memcmp (offers->data, ref_offers->data, offers->len * sizeof (gint64)) != 0))
        mismatch (p, "an agent's offers");
      for (gint64 q = 1; q <= N_QUEUES; q++)
        if (fd_router_is_joined (p->r, agent_id, q) != ref_router_is_joined (p->ref, agent_id, q))
          mismatch (p, "joined");
    }
  for (gint64 q = 1; q <= N_QUEUES; q++)
    if (fd_router_count_joined (p->r, q) != ref_router_count_joined (p->ref, q))
      mismatch (p, "the count of joined agents");

  for (guint i = 0; i < p->convs->len; i++)
    {
      gint64 id = g_array_index (p->convs, gint64, i);
      int phase = -1, ref_phase = -1;
      gint64 by = -1, ref_by = -1;

      if (fd_router_lookup (p->r, id, &phase, &by) != ref_router_lookup (p->ref, id, &ref_phase, &ref_by) ||
          phase != ref_phase || by != ref_by)
        mismatch (p, "a conversation's state");
      if (fd_router_get_transfer_to (p->r, id) != ref_router_get_transfer_to (p->ref, id))
        mismatch (p, "a transfer");
    }
}

static gint64
random_agent (Pair *p)
{
  /* Now and then one the queues do not know. */
  return FIRST_AGENT + g_rand_int_range (p->rand, 0, (gint32) p->w->n_agents + 1);
}

static gint64
random_conv (Pair *p)
{
  if (p->convs->len == 0 || g_rand_int_range (p->rand, 0, 20) == 0)
    return p->next_conv + 1;  /* unknown */
  return g_array_index (p->convs, gint64, g_rand_int_range (p->rand, 0, (gint32) p->convs->len));
}

static void
phase_free (gpointer data)
{
  FdPhase *phase = data;

  g_array_unref (phase->agent_ids);
  g_free (phase);
}

static void
op_set_stream (Pair *p)
{
  g_autoptr(GPtrArray) phases = g_ptr_array_new_with_free_func (phase_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) ref_error = NULL;
  guint s = (guint) g_rand_int_range (p->rand, 0, N_STREAMS);
  guint n = (guint) g_rand_int_range (p->rand, 0, 4);
  static const FdStreamKind kinds[] = { FD_STREAM_WEBCHAT, FD_STREAM_CALLBACK, FD_STREAM_EMAIL };
  FdStreamKind kind = kinds[g_rand_int_range (p->rand, 0, G_N_ELEMENTS (kinds))];
  gint64 queue_id = 1 + (s % N_QUEUES);
  gboolean ok, ref_ok;

  for (guint i = 0; i < n; i++)
    {
      FdPhase *phase = g_new0 (FdPhase, 1);

      phase->position = g_rand_int_range (p->rand, 0, 5);
      phase->strategy = (FdStrategy) g_rand_int_range (p->rand, 0, 3);
      if ((guint) g_rand_int_range (p->rand, 0, 100) < p->w->ring_all_weight)
        phase->strategy = FD_STRATEGY_RING_ALL;
      else if ((guint) g_rand_int_range (p->rand, 0, 100) < p->w->longest_idle_weight)
        phase->strategy = FD_STRATEGY_LONGEST_IDLE;
      phase->bounce_seconds = g_rand_int_range (p->rand, 0, 3) == 0 ? 0 : g_rand_int_range (p->rand, 1, 6);
      phase->duration_seconds = g_rand_int_range (p->rand, 0, 3) == 0 ? 0 : g_rand_int_range (p->rand, 1, 12);
      phase->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (g_rand_boolean (p->rand))
        for (guint a = 0; a < p->w->n_agents + 1; a++)
          if (g_rand_int_range (p->rand, 0, 3) == 0)
            {
              gint64 id = random_agent (p);

              g_array_append_val (phase->agent_ids, id);
            }
      g_ptr_array_add (phases, phase);
    }

  p->op = "set_stream";
  ok = fd_router_set_stream (p->r, FIRST_STREAM + s, ORG, queue_id, kind,
                             (const FdPhase *const *) phases->pdata, n, p->now, p->out, &error);
  ref_ok = ref_router_set_stream (p->ref, FIRST_STREAM + s, ORG, queue_id, kind,
                                  (const FdPhase *const *) phases->pdata, n, p->now, p->ref_out, &ref_error);
  compare_results (p, ok, error, ref_ok, ref_error);
  p->stream_exists[s] = TRUE;
}

static void
op_set_members (Pair *p)
{
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 queue_id = g_rand_int_range (p->rand, 1, N_QUEUES + 1);

  for (guint a = 0; a < p->w->n_agents; a++)
    if (g_rand_int_range (p->rand, 0, 5) != 0)
      {
        gint64 id = random_agent (p);

        g_array_append_val (members, id);
      }
  p->op = "set_queue_members";
  fd_router_set_queue_members (p->r, queue_id, (const gint64 *) members->data, members->len, p->now, p->out);
  ref_router_set_queue_members (p->ref, queue_id, (const gint64 *) members->data, members->len, p->now, p->ref_out);
}

static void
step (Pair *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) ref_error = NULL;
  gboolean ok = TRUE, ref_ok = TRUE;
  guint roll = (guint) g_rand_int_range (p->rand, 0, 100);
  gint64 agent = random_agent (p);
  gint64 queue_id = g_rand_int_range (p->rand, 1, N_QUEUES + 1);

  if (roll < 20)
    {
      gint64 stream_id = FIRST_STREAM + g_rand_int_range (p->rand, 0, N_STREAMS);
      gint64 id = ++p->next_conv;

      p->op = "add";
      g_array_append_val (p->convs, id);
      ok = fd_router_add (p->r, id, stream_id, p->now, p->out, &error);
      ref_ok = ref_router_add (p->ref, id, stream_id, p->now, p->ref_out, &ref_error);
    }
  else if (roll < 23)
    {
      gint64 stream_id = FIRST_STREAM + g_rand_int_range (p->rand, 0, N_STREAMS);
      gint64 id = ++p->next_conv;
      gint64 by = g_rand_boolean (p->rand) ? 0 : agent;

      p->op = "restore";
      g_array_append_val (p->convs, id);
      ok = fd_router_restore (p->r, id, stream_id, by, p->now, p->out, &error);
      ref_ok = ref_router_restore (p->ref, id, stream_id, by, p->now, p->ref_out, &ref_error);
    }
  else if (roll < 35)
    {
      p->op = "join";
      ok = fd_router_join (p->r, agent, queue_id, p->now, p->out, &error);
      ref_ok = ref_router_join (p->ref, agent, queue_id, p->now, p->ref_out, &ref_error);
    }
  else if (roll < 40)
    {
      p->op = "leave";
      fd_router_leave (p->r, agent, queue_id, p->now, p->out);
      ref_router_leave (p->ref, agent, queue_id, p->now, p->ref_out);
    }
  else if (roll < 49)
    {
      FdAcdState state = (FdAcdState) g_rand_int_range (p->rand, 0, 3);

      if (g_rand_boolean (p->rand))
        state = FD_ACD_AVAILABLE;
      p->op = "set_acd";
      fd_router_set_acd (p->r, agent, state, p->now, p->out);
      ref_router_set_acd (p->ref, agent, state, p->now, p->ref_out);
    }
  else if (roll < 67)
    {
      gint64 conv = random_conv (p);
      g_autoptr(GArray) offered = ref_router_dup_offers (p->ref, agent);

      /* Mostly an agent who holds an offer of it. */
      for (guint i = 0; i < offered->len && g_rand_int_range (p->rand, 0, 4) != 0; i++)
        conv = g_array_index (offered, gint64, i);
      if (roll < 59)
        {
          p->op = "reserve";
          ok = fd_router_reserve (p->r, conv, agent, p->now, p->out, &error);
          ref_ok = ref_router_reserve (p->ref, conv, agent, p->now, p->ref_out, &ref_error);
        }
      else
        {
          p->op = "reject";
          ok = fd_router_reject (p->r, conv, agent, p->now, p->out, &error);
          ref_ok = ref_router_reject (p->ref, conv, agent, p->now, p->ref_out, &ref_error);
        }
    }
  else if (roll < 71)
    {
      gint64 conv = random_conv (p);
      gint64 from = random_agent (p);

      /* Mostly by the agent who holds it. */
      if (g_rand_int_range (p->rand, 0, 5) != 0)
        ref_router_lookup (p->ref, conv, NULL, &from);
      p->op = "transfer";
      ok = fd_router_transfer (p->r, conv, from, agent, p->now, p->out, &error);
      ref_ok = ref_router_transfer (p->ref, conv, from, agent, p->now, p->ref_out, &ref_error);
    }
  else if (roll < 75)
    {
      gint64 conv = random_conv (p);

      p->op = "close";
      fd_router_close (p->r, conv, p->now, p->out);
      ref_router_close (p->ref, conv, p->now, p->ref_out);
    }
  else if (roll < 91)
    {
      gint64 next = fd_router_get_next_deadline (p->r);

      /* Exactly to the next deadline, or some seconds on; now and then
       * back (a caller's clock should not, but the engine must stay
       * right: offers then no longer bounce in offer order). */
      if ((guint) g_rand_int_range (p->rand, 0, 100) < p->w->still_weight)
        ;
      else if (next > p->now && g_rand_boolean (p->rand))
        p->now = next;
      else if (g_rand_int_range (p->rand, 0, 12) == 0)
        p->now = MAX (G_USEC_PER_SEC, p->now - g_rand_int_range (p->rand, 1, 4) * G_USEC_PER_SEC);
      else
        p->now += g_rand_int_range (p->rand, 0, 4) * G_USEC_PER_SEC;
      p->op = "tick";
      fd_router_tick (p->r, p->now, p->out);
      ref_router_tick (p->ref, p->now, p->ref_out);
    }
  else if (roll < 94)
    op_set_members (p);
  else if (roll < 97)
    op_set_stream (p);
  else if (roll < 98)
    {
      guint s = (guint) g_rand_int_range (p->rand, 0, N_STREAMS);

      p->op = "remove_stream";
      fd_router_remove_stream (p->r, FIRST_STREAM + s, p->now, p->out);
      ref_router_remove_stream (p->ref, FIRST_STREAM + s, p->now, p->ref_out);
      p->stream_exists[s] = FALSE;
    }
  else
    {
      FdReserveAcd mode = (FdReserveAcd) g_rand_int_range (p->rand, 0, 3);

      p->op = "set_organization";
      fd_router_set_organization (p->r, ORG, mode);
      ref_router_set_organization (p->ref, ORG, mode);
    }

  compare_results (p, ok, error, ref_ok, ref_error);
  compare_decisions (p);
  if (fd_router_get_next_deadline (p->r) != ref_router_get_next_deadline (p->ref))
    mismatch (p, "the next deadline");
  /* Everything else every few steps: it allocates, and ASan's full
   * unwinding on every allocation makes it the test's cost. */
  if (p->step % 8 == 0 || p->step + 1 == p->w->n_steps)
    compare_state (p);
}

static void
run_seed (const Workload *w,
          guint32         seed)
{
  Pair p = { 0 };
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));

  p.w = w;
  p.seed = seed;
  p.rand = g_rand_new_with_seed (seed);
  p.r = fd_router_new ();
  p.ref = ref_router_new ();
  p.out = fd_routing_decisions_new ();
  p.ref_out = fd_routing_decisions_new ();
  p.convs = g_array_new (FALSE, FALSE, sizeof (gint64));
  p.now = G_USEC_PER_SEC;

  fd_router_set_organization (p.r, ORG, FD_RESERVE_ACD_KEEP);
  ref_router_set_organization (p.ref, ORG, FD_RESERVE_ACD_KEEP);
  for (guint a = 0; a < w->n_agents; a++)
    {
      gint64 id = FIRST_AGENT + a;

      g_array_append_val (members, id);
    }
  for (guint a = members->len; w->shuffle_members && a > 1; a--)
    {
      guint other = (guint) g_rand_int_range (p.rand, 0, (gint32) a);
      gint64 id = g_array_index (members, gint64, a - 1);

      g_array_index (members, gint64, a - 1) = g_array_index (members, gint64, other);
      g_array_index (members, gint64, other) = id;
    }
  p.op = "setup";
  for (gint64 q = 1; q <= N_QUEUES; q++)
    {
      fd_router_set_queue_members (p.r, q, (const gint64 *) members->data, members->len, p.now, p.out);
      ref_router_set_queue_members (p.ref, q, (const gint64 *) members->data, members->len, p.now, p.ref_out);
    }
  for (guint s = 0; s < N_STREAMS; s++)
    op_set_stream (&p);
  compare_decisions (&p);
  p.op = "setup join";
  for (guint a = 0; w->start_joined && a < w->n_agents; a++)
    for (gint64 q = 1; q <= N_QUEUES; q++)
      {
        g_assert_true (fd_router_join (p.r, FIRST_AGENT + a, q, p.now, p.out, NULL));
        g_assert_true (ref_router_join (p.ref, FIRST_AGENT + a, q, p.now, p.ref_out, NULL));
        compare_decisions (&p);
      }

  for (p.step = 0; p.step < w->n_steps; p.step++)
    step (&p);

  /* Both forget everything without leaking (ASan checks the frees). */
  g_clear_pointer (&p.r, fd_router_free);
  g_clear_pointer (&p.ref, ref_router_free);
  g_array_unref (p.out);
  g_array_unref (p.ref_out);
  g_array_unref (p.convs);
  g_rand_free (p.rand);
}

static void
run_workload (gconstpointer data)
{
  const Workload *w = data;
  const char *one = g_getenv ("FD_ROUTER_SEED");
  guint n_seeds = g_test_slow () ? 2000 : 60;

  if (one != NULL)
    {
      run_seed (w, (guint32) g_ascii_strtoull (one, NULL, 10));
      return;
    }
  for (guint32 seed = 1; seed <= n_seeds; seed++)
    run_seed (w, seed);
}

int
main (int    argc,
      char **argv)
{
  static const Workload few = { 5, 400, 0, FALSE };
  static const Workload team = { 24, 300, 50, FALSE };
  /* Everybody joined, more agents than the engine's offer slots compact
   * at (32): withdrawals leave most slots blank. */
  static const Workload crowd = { 40, 200, 80, TRUE };
  /* Longest-idle phases over many agents who mostly share their idle
   * since (joined together, the clock often still): the order kept
   * incrementally must break ties as the reference does, by the place in
   * the phase's list or the queue's (shuffled) members. */
  static const Workload idle = { 120, 300, 0, TRUE, 85, 60, TRUE };

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/routing/property/few-agents", &few, run_workload);
  g_test_add_data_func ("/routing/property/team-ring-all", &team, run_workload);
  g_test_add_data_func ("/routing/property/crowd-ring-all", &crowd, run_workload);
  g_test_add_data_func ("/routing/property/longest-idle-ties", &idle, run_workload);
  return g_test_run ();
}
