#define G_LOG_DOMAIN "test-router"

/* Unit tests of the routing engine's timer heap (fd-router-heap.c) against
 * a plain array: random inserts, moves and removals, the minimum and the
 * index handles checked after each. */

#include "fd-router-heap.h"

#define N_NODES 200

static void
check_heap (FdRouterHeap     *heap,
            FdRouterHeapNode *nodes)
{
  FdRouterHeapNode *best = NULL;
  guint in = 0;

  for (guint i = 0; i < N_NODES; i++)
    {
      FdRouterHeapNode *node = &nodes[i];

      if (node->index == 0)
        continue;
      in++;
      /* The handle points at the node's place. */
      g_assert_true (heap->nodes->pdata[node->index - 1] == node);
      if (best == NULL || node->at < best->at || (node->at == best->at && node->order < best->order))
        best = node;
    }
  g_assert_cmpuint (fd_router_heap_size (heap), ==, in);
  g_assert_true (fd_router_heap_peek (heap) == best);
  /* The heap property itself. */
  for (guint i = 1; i < heap->nodes->len; i++)
    {
      FdRouterHeapNode *child = heap->nodes->pdata[i];
      FdRouterHeapNode *parent = heap->nodes->pdata[(i - 1) / 2];

      g_assert_true (parent->at < child->at || (parent->at == child->at && parent->order < child->order));
    }
}

static void
test_heap_random (void)
{
  for (guint32 seed = 1; seed <= 50; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      FdRouterHeapNode nodes[N_NODES] = { { 0 } };
      FdRouterHeap heap;

      fd_router_heap_init (&heap);
      for (guint i = 0; i < N_NODES; i++)
        nodes[i].order = i;
      for (guint step = 0; step < 2000; step++)
        {
          FdRouterHeapNode *node = &nodes[g_rand_int_range (rand, 0, N_NODES)];

          /* Few distinct times, so ties are broken by order. */
          if (g_rand_int_range (rand, 0, 3) == 0)
            fd_router_heap_remove (&heap, node);
          else
            fd_router_heap_set (&heap, node, g_rand_int_range (rand, 1, 30));
          check_heap (&heap, nodes);
        }
      /* Draining gives (at, order) order. */
      for (FdRouterHeapNode *prev = NULL, *next; (next = fd_router_heap_peek (&heap)) != NULL; prev = next)
        {
          if (prev != NULL)
            g_assert_true (prev->at < next->at || (prev->at == next->at && prev->order < next->order));
          fd_router_heap_remove (&heap, next);
          g_assert_cmpuint (next->index, ==, 0);
          /* The removed node's values stay for the comparison. */
        }
      fd_router_heap_clear (&heap);
    }
}

static void
test_heap_clear (void)
{
  FdRouterHeapNode a = { 0 }, b = { 0 };
  FdRouterHeap heap;

  fd_router_heap_init (&heap);
  g_assert_null (fd_router_heap_peek (&heap));
  fd_router_heap_set (&heap, &a, 5);
  fd_router_heap_set (&heap, &b, 3);
  g_assert_true (fd_router_heap_peek (&heap) == &b);
  /* Moving later, earlier, and to the same time. */
  fd_router_heap_set (&heap, &b, 9);
  g_assert_true (fd_router_heap_peek (&heap) == &a);
  fd_router_heap_set (&heap, &b, 1);
  g_assert_true (fd_router_heap_peek (&heap) == &b);
  fd_router_heap_set (&heap, &b, 1);
  g_assert_true (fd_router_heap_peek (&heap) == &b);
  /* Removing twice is harmless. */
  fd_router_heap_remove (&heap, &b);
  fd_router_heap_remove (&heap, &b);
  g_assert_true (fd_router_heap_peek (&heap) == &a);
  fd_router_heap_clear (&heap);
  /* Clearing forgets the handles. */
  g_assert_cmpuint (a.index, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/routing/heap/random", test_heap_random);
  g_test_add_func ("/routing/heap/set-remove-clear", test_heap_clear);
  return g_test_run ();
}
