#define G_LOG_DOMAIN "test-router"

/* The scenario helpers of the routing tests (router-test.h). */

#include "router-test.h"

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
char *
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

void
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

void
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
FdPhase *
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

void
phase_free (gpointer data)
{
  FdPhase *p = data;

  g_array_unref (p->agent_ids);
  g_free (p);
}

/* Configures a stream of QUEUE with the phases that follow, NULL-terminated. */
void
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

void
at (Fixture *f,
    int      secs)
{
  f->now = S (secs);
}

void
join (Fixture *f,
      gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_join (f->r, agent, QUEUE, f->now, f->out, &error));
  g_assert_no_error (error);
}

/* Joins the agents that follow, in order, ending with 0. */
void
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

void
leave (Fixture *f,
       gint64   agent)
{
  fd_router_leave (f->r, agent, QUEUE, f->now, f->out);
}

void
add (Fixture *f,
     gint64   conv,
     gint64   stream_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_add (f->r, conv, stream_id, f->now, f->out, &error));
  g_assert_no_error (error);
}

void
reserve (Fixture *f,
         gint64   conv,
         gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_reserve (f->r, conv, agent, f->now, f->out, &error));
  g_assert_no_error (error);
}

void
reject (Fixture *f,
        gint64   conv,
        gint64   agent)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_router_reject (f->r, conv, agent, f->now, f->out, &error));
  g_assert_no_error (error);
}

void
tick (Fixture *f,
      int      secs)
{
  at (f, secs);
  fd_router_tick (f->r, f->now, f->out);
}

void
acd (Fixture    *f,
     gint64      agent,
     FdAcdState  state)
{
  fd_router_set_acd (f->r, agent, state, f->now, f->out);
}

gint64
reserved_by (Fixture *f,
             gint64   conv)
{
  gint64 agent = -1;

  g_assert_true (fd_router_lookup (f->r, conv, NULL, &agent));
  return agent;
}

void
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

