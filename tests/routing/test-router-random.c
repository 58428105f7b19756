#define G_LOG_DOMAIN "test-router"

#include "router-test.h"

/* Random operations against a model of what the engine must hold. */

/* Random sequences of everything, checking after each step that the
 * decisions alone describe the offers (what the server relies on), that
 * nobody waits while an agent who has not rejected it could take the
 * conversation, and that ticks
 * leave nothing overdue. */
#define N_AGENTS 4
#define N_STREAMS 3

typedef struct {
  GHashTable *offers;               /* "conv>agent" as emitted */
  FdAcdState  acd[N_AGENTS];
  GHashTable *open;                 /* &conv → stream id, unreserved or reserved */
  GHashTable *reserved;             /* &conv → agent */
  GHashTable *rejected;             /* "conv>agent" ever rejected (the engine
                                     * forgets some, at a phase's end) */
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
          if (d->reason == FD_WITHDRAW_REJECTED)
            g_hash_table_add (m->rejected, g_steal_pointer (&key));
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
   * and available (every stream here can reach every member) who has not
   * rejected it; only its offers are made to joined, available agents. */
  g_hash_table_iter_init (&iter, m->open);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 conv = *(gint64 *) key;
      gint64 agent = -1;
      gboolean offered = FALSE;
      gboolean someone = FALSE;
      gboolean someone_fresh = FALSE;

      for (gint64 a = 10; a < 10 + N_AGENTS; a++)
        if (fd_router_is_joined (f->r, a, QUEUE) && m->acd[a - 10] == FD_ACD_AVAILABLE)
          {
            g_autofree char *k = g_strdup_printf ("%" G_GINT64_FORMAT ">%" G_GINT64_FORMAT, conv, a);

            someone = TRUE;
            someone_fresh |= !g_hash_table_contains (m->rejected, k);
          }

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
      if (offered)
        g_assert_true (someone);
      else
        g_assert_false (someone_fresh);
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
  m.rejected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

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
  g_hash_table_unref (m.rejected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ROUTER_TEST_ADD ("random", test_random);

  return g_test_run ();
}
