#define G_LOG_DOMAIN "route-bench"

/* route-bench: the routing engine at the size of issue 17 (docs/performance.md,
 * "Routing"). One queue, ring-all, N agents joined and available, W
 * conversations waiting, each offered to every agent (N × W offers). On that
 * state it measures, as the median over repetitions:
 *
 *   route.bounce_ms     one conversation's bounce: its N offers bounce at
 *                       once (fd_router_tick), and it starts a new pass
 *   route.join_ms       one more agent joins: offered the W conversations
 *   route.leave_ms      it leaves again: its W offers withdrawn
 *   route.available_ms  that agent becomes available again
 *   route.deadline_ms   fd_router_get_next_deadline after a routed action
 *   route.arrival_ms    a new conversation arrives: offered to the N agents
 *
 * and, on a second state (a longest-idle stream, the N agents joined at the
 * same instant, so that every pick is decided by the tie-break):
 *
 *   route.longest_idle_arrival_ms  a new conversation arrives: offered to
 *                       the agent idle longest (then reserved and closed,
 *                       untimed, so the next goes to the next agent)
 *
 * and checks each operation's decisions (exit status 1 when one is wrong).
 * --small is the size CI runs (suite bench); --reference runs the same on
 * the engine as it was before issue 17 (tests/routing/router-reference.c),
 * printing route.reference.* figures: slow at full size (minutes).
 * Figures go to stdout as `FIGURE key value unit`, the rest to stderr. */

#include <stdlib.h>
#include <time.h>

#include "fd-router.h"
#include "router-reference.h"

#define ORG 1
#define QUEUE 1
#define STREAM 1
#define BOUNCE_S 30
#define FIRST_AGENT 1000
#define FIRST_CONV 1

/* The engine under measure, behind one set of calls. */
typedef struct {
  const char *prefix;
  gpointer  (*new_router) (void);
  void      (*free_router) (gpointer r);
  void      (*set_organization) (gpointer r, gint64 org, FdReserveAcd acd);
  void      (*set_queue_members) (gpointer r, gint64 q, const gint64 *ids, guint n, gint64 now, GArray *out);
  gboolean  (*set_stream) (gpointer r, gint64 s, gint64 org, gint64 q, FdStreamKind kind,
                           const FdPhase *const *phases, guint n, gint64 now, GArray *out, GError **error);
  gboolean  (*join) (gpointer r, gint64 agent, gint64 q, gint64 now, GArray *out, GError **error);
  void      (*leave) (gpointer r, gint64 agent, gint64 q, gint64 now, GArray *out);
  void      (*set_acd) (gpointer r, gint64 agent, FdAcdState state, gint64 now, GArray *out);
  gboolean  (*add) (gpointer r, gint64 conv, gint64 s, gint64 now, GArray *out, GError **error);
  gboolean  (*reserve) (gpointer r, gint64 conv, gint64 agent, gint64 now, GArray *out, GError **error);
  gboolean  (*reject) (gpointer r, gint64 conv, gint64 agent, gint64 now, GArray *out, GError **error);
  void      (*close) (gpointer r, gint64 conv, gint64 now, GArray *out);
  void      (*tick) (gpointer r, gint64 now, GArray *out);
  gint64    (*next_deadline) (gpointer r);
} Engine;

#define ENGINE(prefix_, fn_) \
  static const Engine prefix_##_engine = { \
    #prefix_, \
    (gpointer (*) (void)) fn_##new, \
    (void (*) (gpointer)) fn_##free, \
    (void (*) (gpointer, gint64, FdReserveAcd)) fn_##set_organization, \
    (void (*) (gpointer, gint64, const gint64 *, guint, gint64, GArray *)) fn_##set_queue_members, \
    (gboolean (*) (gpointer, gint64, gint64, gint64, FdStreamKind, const FdPhase *const *, guint, gint64, GArray *, GError **)) fn_##set_stream, \
    (gboolean (*) (gpointer, gint64, gint64, gint64, GArray *, GError **)) fn_##join, \
    (void (*) (gpointer, gint64, gint64, gint64, GArray *)) fn_##leave, \
    (void (*) (gpointer, gint64, FdAcdState, gint64, GArray *)) fn_##set_acd, \
    (gboolean (*) (gpointer, gint64, gint64, gint64, GArray *, GError **)) fn_##add, \
    (gboolean (*) (gpointer, gint64, gint64, gint64, GArray *, GError **)) fn_##reserve, \
    (gboolean (*) (gpointer, gint64, gint64, gint64, GArray *, GError **)) fn_##reject, \
    (void (*) (gpointer, gint64, gint64, GArray *)) fn_##close, \
    (void (*) (gpointer, gint64, GArray *)) fn_##tick, \
    (gint64 (*) (gpointer)) fn_##get_next_deadline, \
  };

ENGINE (route, fd_router_)
ENGINE (reference, ref_router_)

typedef struct {
  guint n_agents;
  guint n_waiting;
  guint reps;          /* of the operations that take milliseconds */
  guint fast_reps;     /* of those that take microseconds */
} Size;

static gboolean failed;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *ms)
{
  g_array_sort (ms, compare_double);
  return g_array_index (ms, double, ms->len / 2);
}

static void
figure (const Engine *e,
        const char   *name,
        GArray       *ms)
{
  double m;

  if (ms->len == 0)
    return;
  m = median (ms);

  if (e == &route_engine)
    g_print ("FIGURE route.%s %.6f ms\n", name, m);
  else
    g_print ("FIGURE route.reference.%s %.6f ms\n", name, m);
  g_printerr ("%s %s: median %.6f ms over %u (min %.6f, max %.6f)\n", e->prefix, name, m, ms->len,
              g_array_index (ms, double, 0), g_array_index (ms, double, ms->len - 1));
}

/* Counts the decisions of a kind (and reason, for withdrawals). */
static guint
count (GArray                *out,
       FdRoutingDecisionKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < out->len; i++)
    if (g_array_index (out, FdRoutingDecision, i).kind == kind)
      n++;
  return n;
}

static void
check (gboolean    ok,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("route-bench: wrong decisions: %s\n", what);
      failed = TRUE;
    }
}

static gint64
arrival_time (guint i)
{
  /* One microsecond apart, so that each conversation bounces alone. */
  return G_USEC_PER_SEC + i;
}

static void
run (const Engine *e,
     const Size   *size)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ms2 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  FdPhase phase = { 0 };
  const FdPhase *phases[] = { &phase };
  gint64 extra = FIRST_AGENT + size->n_agents;
  gint64 next_conv = FIRST_CONV + size->n_waiting;
  gint64 now, t0;
  gpointer r = e->new_router ();

  g_printerr ("%s: %u agents, %u waiting (ring-all, %u offers)\n", e->prefix,
              size->n_agents, size->n_waiting, size->n_agents * size->n_waiting);

  /* The state: N agents joined and available, W waiting, each offered to
   * all; one more member (extra) not joined yet. */
  for (guint a = 0; a <= size->n_agents; a++)
    {
      gint64 id = FIRST_AGENT + a;

      g_array_append_val (members, id);
    }
  phase.strategy = FD_STRATEGY_RING_ALL;
  phase.bounce_seconds = BOUNCE_S;
  phase.agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  e->set_organization (r, ORG, FD_RESERVE_ACD_KEEP);
  e->set_queue_members (r, QUEUE, (const gint64 *) members->data, members->len, 0, out);
  if (!e->set_stream (r, STREAM, ORG, QUEUE, FD_STREAM_WEBCHAT, phases, 1, 0, out, &error))
    g_error ("set_stream: %s", error->message);
  for (guint a = 0; a < size->n_agents; a++)
    if (!e->join (r, FIRST_AGENT + a, QUEUE, 0, out, &error))
      g_error ("join: %s", error->message);
  t0 = now_ns ();
  for (guint i = 0; i < size->n_waiting; i++)
    {
      g_array_set_size (out, 0);
      if (!e->add (r, FIRST_CONV + i, STREAM, arrival_time (i), out, &error))
        g_error ("add: %s", error->message);
      if (i == 0)
        check (count (out, FD_ROUTING_OFFER) == size->n_agents, "an arrival offers to every agent");
    }
  g_printerr ("%s: state built in %.1f s\n", e->prefix, (now_ns () - t0) / 1e9);
  now = arrival_time (size->n_waiting);

  /* route.bounce_ms: conversation i's offers all bounce at its bounce
   * time; nothing else is due then. */
  g_array_set_size (ms, 0);
  for (guint i = 0; i < size->reps && i < size->n_waiting; i++)
    {
      now = arrival_time (i) + BOUNCE_S * G_USEC_PER_SEC;
      g_array_set_size (out, 0);
      t0 = now_ns ();
      e->tick (r, now, out);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      /* Every agent bounced; a new pass offers it to every agent again. */
      check (count (out, FD_ROUTING_WITHDRAW) == size->n_agents &&
             count (out, FD_ROUTING_OFFER) == size->n_agents &&
             count (out, FD_ROUTING_PHASE) == 1, "a bounce");
    }
  figure (e, "bounce_ms", ms);

  /* route.deadline_ms: after each routed action (a reject), the next
   * deadline is the earliest bounce of all. */
  g_array_set_size (ms, 0);
  for (guint i = 0; i < size->fast_reps; i++)
    {
      gint64 conv = FIRST_CONV + size->reps + (i % (size->n_waiting - size->reps));
      gint64 agent = FIRST_AGENT + (i / (size->n_waiting - size->reps)) % size->n_agents;
      gint64 next;

      g_array_set_size (out, 0);
      if (!e->reject (r, conv, agent, now, out, &error))
        g_error ("reject: %s", error->message);
      t0 = now_ns ();
      next = e->next_deadline (r);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      check (next == arrival_time (size->reps) + BOUNCE_S * G_USEC_PER_SEC, "the next deadline");
    }
  figure (e, "deadline_ms", ms);

  /* route.join_ms and route.leave_ms: the extra member joins and leaves
   * again; then route.available_ms: it goes unavailable and back. */
  g_array_set_size (ms, 0);
  g_array_set_size (ms2, 0);
  for (guint i = 0; i < size->reps; i++)
    {
      g_array_set_size (out, 0);
      t0 = now_ns ();
      if (!e->join (r, extra, QUEUE, now, out, &error))
        g_error ("join: %s", error->message);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      check (count (out, FD_ROUTING_OFFER) == size->n_waiting, "a join");
      if (i + 1 < size->reps)
        {
          g_array_set_size (out, 0);
          t0 = now_ns ();
          e->leave (r, extra, QUEUE, now, out);
          g_array_append_val (ms2, (double) { (now_ns () - t0) / 1e6 });
          check (count (out, FD_ROUTING_WITHDRAW) == size->n_waiting, "a leave");
        }
    }
  figure (e, "join_ms", ms);
  figure (e, "leave_ms", ms2);

  g_array_set_size (ms, 0);
  for (guint i = 0; i < size->reps; i++)
    {
      g_array_set_size (out, 0);
      e->set_acd (r, extra, FD_ACD_UNAVAILABLE, now, out);
      check (count (out, FD_ROUTING_WITHDRAW) == size->n_waiting, "unavailable");
      g_array_set_size (out, 0);
      t0 = now_ns ();
      e->set_acd (r, extra, FD_ACD_AVAILABLE, now, out);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      check (count (out, FD_ROUTING_OFFER) == size->n_waiting, "available");
    }
  figure (e, "available_ms", ms);

  /* route.arrival_ms: a conversation arrives (closed again untimed). */
  g_array_set_size (ms, 0);
  for (guint i = 0; i < size->fast_reps; i++)
    {
      gint64 conv = next_conv++;

      g_array_set_size (out, 0);
      t0 = now_ns ();
      if (!e->add (r, conv, STREAM, now, out, &error))
        g_error ("add: %s", error->message);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      check (count (out, FD_ROUTING_OFFER) == size->n_agents + 1, "an arrival");
      g_array_set_size (out, 0);
      e->close (r, conv, now, out);
    }
  figure (e, "arrival_ms", ms);

  g_array_unref (phase.agent_ids);
  e->free_router (r);
}

/* route.longest_idle_arrival_ms: one queue whose stream routes by
 * longest idle, N agents joined at once (all idle since the same instant:
 * ties go to the member listed first). Each arrival is offered to one
 * agent, who reserves and closes it, so becomes idle latest: the arrivals
 * go round the members in their order. */
static void
run_longest_idle (const Engine *e,
                  const Size   *size)
{
  g_autoptr(GArray) out = fd_routing_decisions_new ();
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;
  FdPhase phase = { 0 };
  const FdPhase *phases[] = { &phase };
  gint64 now = G_USEC_PER_SEC, t0;
  gpointer r = e->new_router ();

  g_printerr ("%s: %u agents, longest idle\n", e->prefix, size->n_agents);
  /* Members listed from the last id to the first, so that the tie-break
   * (the place in the list) is not the ids' order. */
  for (guint a = size->n_agents; a > 0; a--)
    {
      gint64 id = FIRST_AGENT + a - 1;

      g_array_append_val (members, id);
    }
  phase.strategy = FD_STRATEGY_LONGEST_IDLE;
  phase.bounce_seconds = BOUNCE_S;
  phase.agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  e->set_organization (r, ORG, FD_RESERVE_ACD_KEEP);
  e->set_queue_members (r, QUEUE, (const gint64 *) members->data, members->len, 0, out);
  if (!e->set_stream (r, STREAM, ORG, QUEUE, FD_STREAM_WEBCHAT, phases, 1, 0, out, &error))
    g_error ("set_stream: %s", error->message);
  for (guint a = 0; a < size->n_agents; a++)
    if (!e->join (r, FIRST_AGENT + a, QUEUE, 0, out, &error))
      g_error ("join: %s", error->message);

  for (guint i = 0; i < size->fast_reps; i++)
    {
      gint64 conv = FIRST_CONV + i;
      gint64 expected = g_array_index (members, gint64, i % members->len);
      const FdRoutingDecision *offer = NULL;

      now += G_USEC_PER_SEC;
      g_array_set_size (out, 0);
      t0 = now_ns ();
      if (!e->add (r, conv, STREAM, now, out, &error))
        g_error ("add: %s", error->message);
      g_array_append_val (ms, (double) { (now_ns () - t0) / 1e6 });
      for (guint d = 0; d < out->len; d++)
        if (g_array_index (out, FdRoutingDecision, d).kind == FD_ROUTING_OFFER)
          offer = &g_array_index (out, FdRoutingDecision, d);
      check (count (out, FD_ROUTING_OFFER) == 1 && offer->agent_id == expected,
             "a longest-idle arrival goes to the agent idle longest");
      g_array_set_size (out, 0);
      if (!e->reserve (r, conv, expected, now, out, &error))
        {
          check (FALSE, "the agent offered a longest-idle arrival reserves it");
          g_clear_error (&error);
        }
      e->close (r, conv, now, out);
    }
  figure (e, "longest_idle_arrival_ms", ms);

  g_array_unref (phase.agent_ids);
  e->free_router (r);
}

int
main (int    argc,
      char **argv)
{
  gboolean small = FALSE;
  gboolean reference = FALSE;
  int n_agents = 1000, n_waiting = 10000;
  GOptionEntry entries[] = {
    { "small", 0, 0, G_OPTION_ARG_NONE, &small, "CI size: 100 agents, 1,000 waiting", NULL },
    { "reference", 0, 0, G_OPTION_ARG_NONE, &reference, "Also run the engine as it was (slow)", NULL },
    { "agents", 0, 0, G_OPTION_ARG_INT, &n_agents, "Agents joined (default 1000)", "N" },
    { "waiting", 0, 0, G_OPTION_ARG_INT, &n_waiting, "Conversations waiting (default 10000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— routing engine benchmark (issue 17)");
  g_autoptr(GError) error = NULL;
  Size size;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (small)
    {
      n_agents = 100;
      n_waiting = 1000;
    }
  if (n_agents < 2 || n_waiting < 40 || n_agents > 100000 || n_waiting > 1000000)
    {
      g_printerr ("route-bench: --agents must be 2–100000 and --waiting 40–1000000\n");
      return 2;
    }
  size.n_agents = (guint) n_agents;
  size.n_waiting = (guint) n_waiting;
  size.reps = 15;
  size.fast_reps = 301;

  run (&route_engine, &size);
  run_longest_idle (&route_engine, &size);
  if (reference)
    {
      /* The old engine rescans: one repetition of what takes seconds. */
      size.reps = n_agents * (gint64) n_waiting > 1000000 ? 1 : 5;
      size.fast_reps = n_agents * (gint64) n_waiting > 1000000 ? 5 : 31;
      run (&reference_engine, &size);
      size.fast_reps = 301;
      run_longest_idle (&reference_engine, &size);
    }
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
