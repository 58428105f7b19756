#define G_LOG_DOMAIN "test-router"

/* Unit tests of the routing engine's longest-idle order (fd-router-idle.c)
 * against a plain array: random inserts, moves and removals with few
 * distinct idle times (so that ties are the rule), the order, the size and
 * the first item not skipped checked after each. */

#include "fd-router-idle.h"

#define N_ITEMS 150

typedef struct {
  gboolean in;
  gint64   idle_since;
  guint    position;
  gboolean skip;
} Item;

static gboolean
before (const Item *a,
        const Item *b)
{
  return a->idle_since < b->idle_since ||
         (a->idle_since == b->idle_since && a->position < b->position);
}

static gboolean
skip_marked (gpointer item,
             gpointer user_data)
{
  (void) user_data;
  return ((Item *) item)->skip;
}

typedef struct {
  Item *prev;
  guint n;
} Walk;

static void
walk_item (gpointer item,
           gpointer user_data)
{
  Walk *walk = user_data;
  Item *it = item;

  g_assert_true (it->in);
  if (walk->prev != NULL)
    g_assert_true (before (walk->prev, it));
  walk->prev = it;
  walk->n++;
}

static void
check_order (FdRouterIdleOrder *order,
             Item              *items)
{
  Item *first = NULL, *first_free = NULL;
  guint in = 0, skipped_before = 0, n_skipped = G_MAXUINT;
  Walk walk = { NULL, 0 };

  for (guint i = 0; i < N_ITEMS; i++)
    {
      Item *it = &items[i];

      g_assert_cmpint (fd_router_idle_order_contains (order, it), ==, it->in);
      if (!it->in)
        continue;
      in++;
      if (first == NULL || before (it, first))
        first = it;
      if (!it->skip && (first_free == NULL || before (it, first_free)))
        first_free = it;
    }
  for (guint i = 0; first_free != NULL && i < N_ITEMS; i++)
    if (items[i].in && items[i].skip && before (&items[i], first_free))
      skipped_before++;
  if (first_free == NULL)
    for (guint i = 0; i < N_ITEMS; i++)
      skipped_before += items[i].in;

  g_assert_cmpuint (fd_router_idle_order_size (order), ==, in);
  g_assert_true (fd_router_idle_order_find_first (order, NULL, NULL, NULL) == first);
  g_assert_true (fd_router_idle_order_find_first (order, skip_marked, NULL, &n_skipped) == first_free);
  /* Only the items before the answer are looked at. */
  g_assert_cmpuint (n_skipped, ==, skipped_before);
  fd_router_idle_order_foreach (order, walk_item, &walk);
  g_assert_cmpuint (walk.n, ==, in);
}

static void
test_idle_random (void)
{
  for (guint32 seed = 1; seed <= 40; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      Item items[N_ITEMS] = { { 0 } };
      FdRouterIdleOrder *order = fd_router_idle_order_new ();

      for (guint i = 0; i < N_ITEMS; i++)
        items[i].position = (guint) g_rand_int_range (rand, 0, 1000) * N_ITEMS + i;
      for (guint step = 0; step < 1500; step++)
        {
          Item *it = &items[g_rand_int_range (rand, 0, N_ITEMS)];
          guint roll = (guint) g_rand_int_range (rand, 0, 10);
          /* Few distinct times, so ties are broken by position. */
          gint64 at = g_rand_int_range (rand, 1, 8);

          if (roll < 3)
            {
              g_assert_cmpint (fd_router_idle_order_remove (order, it), ==, it->in);
              it->in = FALSE;
            }
          else if (roll < 6)
            {
              g_assert_cmpint (fd_router_idle_order_move (order, it, at), ==, it->in);
              if (it->in)
                it->idle_since = at;
            }
          else if (roll < 9)
            {
              fd_router_idle_order_set (order, it, at, it->position);
              it->in = TRUE;
              it->idle_since = at;
            }
          else
            {
              /* A new place in the list (the members reordered). */
              it->position = (guint) g_rand_int_range (rand, 0, 1000) * N_ITEMS + (guint) (it - items);
              if (it->in)
                fd_router_idle_order_set (order, it, it->idle_since, it->position);
            }
          for (guint i = 0; i < N_ITEMS; i++)
            items[i].skip = g_rand_int_range (rand, 0, 3) == 0;
          check_order (order, items);
        }
      fd_router_idle_order_free (order);
    }
}

static void
test_idle_ties (void)
{
  Item items[4] = { { 0 } };
  FdRouterIdleOrder *order = fd_router_idle_order_new ();
  guint n_skipped = 0;

  /* Equal idle times: the earlier position first, whatever the insertion
   * order. */
  fd_router_idle_order_set (order, &items[2], 5, 2);
  fd_router_idle_order_set (order, &items[0], 5, 0);
  fd_router_idle_order_set (order, &items[1], 5, 1);
  g_assert_true (fd_router_idle_order_find_first (order, NULL, NULL, NULL) == &items[0]);
  /* Idle again later: to the back. */
  g_assert_true (fd_router_idle_order_move (order, &items[0], 9));
  g_assert_true (fd_router_idle_order_find_first (order, NULL, NULL, NULL) == &items[1]);
  /* Skipped ones are counted. */
  items[1].skip = TRUE;
  g_assert_true (fd_router_idle_order_find_first (order, skip_marked, NULL, &n_skipped) == &items[2]);
  g_assert_cmpuint (n_skipped, ==, 1);
  items[2].skip = items[0].skip = TRUE;
  g_assert_null (fd_router_idle_order_find_first (order, skip_marked, NULL, &n_skipped));
  g_assert_cmpuint (n_skipped, ==, 3);
  /* Not in: moving and removing say so and change nothing. */
  g_assert_false (fd_router_idle_order_move (order, &items[3], 1));
  g_assert_false (fd_router_idle_order_remove (order, &items[3]));
  g_assert_cmpuint (fd_router_idle_order_size (order), ==, 3);
  g_assert_true (fd_router_idle_order_remove (order, &items[1]));
  g_assert_false (fd_router_idle_order_remove (order, &items[1]));
  g_assert_cmpuint (fd_router_idle_order_size (order), ==, 2);
  /* Freeing with items in (ASan checks the frees). */
  fd_router_idle_order_free (order);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/routing/idle/random", test_idle_random);
  g_test_add_func ("/routing/idle/ties", test_idle_ties);
  return g_test_run ();
}
