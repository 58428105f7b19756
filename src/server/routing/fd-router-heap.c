#define G_LOG_DOMAIN "fd-router"

#include "fd-router-heap.h"

/* A binary min-heap with index handles (see fd-router-heap.h). */

static gboolean
node_before (const FdRouterHeapNode *a,
             const FdRouterHeapNode *b)
{
  return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static void
place (FdRouterHeap     *heap,
       guint             position,
       FdRouterHeapNode *node)
{
  heap->nodes->pdata[position] = node;
  node->index = position + 1;
}

static void
sift_up (FdRouterHeap *heap,
         guint         position)
{
  FdRouterHeapNode *node = heap->nodes->pdata[position];

  while (position > 0)
    {
      guint parent = (position - 1) / 2;
      FdRouterHeapNode *above = heap->nodes->pdata[parent];

      if (!node_before (node, above))
        break;
      place (heap, position, above);
      position = parent;
    }
  place (heap, position, node);
}

static void
sift_down (FdRouterHeap *heap,
           guint         position)
{
  FdRouterHeapNode *node = heap->nodes->pdata[position];
  guint n = heap->nodes->len;

  for (;;)
    {
      guint child = 2 * position + 1;
      FdRouterHeapNode *below;

      if (child >= n)
        break;
      if (child + 1 < n && node_before (heap->nodes->pdata[child + 1], heap->nodes->pdata[child]))
        child++;
      below = heap->nodes->pdata[child];
      if (!node_before (below, node))
        break;
      place (heap, position, below);
      position = child;
    }
  place (heap, position, node);
}

void
fd_router_heap_init (FdRouterHeap *heap)
{
  heap->nodes = g_ptr_array_new ();
}

void
fd_router_heap_clear (FdRouterHeap *heap)
{
  for (guint i = 0; heap->nodes != NULL && i < heap->nodes->len; i++)
    ((FdRouterHeapNode *) heap->nodes->pdata[i])->index = 0;
  g_clear_pointer (&heap->nodes, g_ptr_array_unref);
}

void
fd_router_heap_set (FdRouterHeap     *heap,
                    FdRouterHeapNode *node,
                    gint64            at)
{
  gint64 before = node->at;

  node->at = at;
  if (node->index == 0)
    {
      g_ptr_array_add (heap->nodes, node);
      sift_up (heap, heap->nodes->len - 1);
    }
  else if (at < before)
    sift_up (heap, node->index - 1);
  else if (at > before)
    sift_down (heap, node->index - 1);
}

void
fd_router_heap_remove (FdRouterHeap     *heap,
                       FdRouterHeapNode *node)
{
  guint position;
  FdRouterHeapNode *last;

  if (node->index == 0)
    return;

  position = node->index - 1;
  node->index = 0;
  last = g_ptr_array_steal_index_fast (heap->nodes, heap->nodes->len - 1);
  if (last == node)
    return;
  /* The last node fills the hole and goes up or down from there. */
  place (heap, position, last);
  sift_up (heap, position);
  sift_down (heap, last->index - 1);
}

FdRouterHeapNode *
fd_router_heap_peek (FdRouterHeap *heap)
{
  return heap->nodes->len > 0 ? heap->nodes->pdata[0] : NULL;
}

guint
fd_router_heap_size (FdRouterHeap *heap)
{
  return heap->nodes->len;
}
