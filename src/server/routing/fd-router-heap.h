#pragma once

/* The routing engine's timer heap: a binary min-heap of nodes embedded in
 * the engine's records, ordered by (at, order), so that the next deadline
 * is read in O(1) and a deadline is added, moved or removed in O(log n).
 * Each node knows its position (index handle), so no search is needed. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64   at;      /* the deadline */
  guint64  order;   /* tie-break: the smaller comes first */
  guint    index;   /* position + 1 in the heap; 0 = not in it */
} FdRouterHeapNode;

typedef struct {
  GPtrArray *nodes;  /* FdRouterHeapNode*, borrowed */
} FdRouterHeap;

void              fd_router_heap_init    (FdRouterHeap     *heap);
void              fd_router_heap_clear   (FdRouterHeap     *heap);
/* Inserts the node with deadline at, or moves it there when it is in. */
void              fd_router_heap_set     (FdRouterHeap     *heap,
                                          FdRouterHeapNode *node,
                                          gint64            at);
/* Removes the node if it is in. */
void              fd_router_heap_remove  (FdRouterHeap     *heap,
                                          FdRouterHeapNode *node);
/* The earliest node (smallest at, then order), NULL when empty. */
FdRouterHeapNode *fd_router_heap_peek    (FdRouterHeap     *heap);
guint             fd_router_heap_size    (FdRouterHeap     *heap);

G_END_DECLS
