#pragma once

/* The routing engine's longest-idle order: the items (agents) of one
 * longest-idle phase ordered by (idle since, position in the phase's
 * list), kept in a balanced tree (GSequence) with a handle per item, so
 * that an item is added, moved or removed in O(log n) and the first item
 * a conversation may take is found in O(log n) plus the items skipped. */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FdRouterIdleOrder FdRouterIdleOrder;

/* TRUE = skip the item (it cannot take the conversation). */
typedef gboolean (*FdRouterIdleSkipFunc) (gpointer item,
                                          gpointer user_data);

FdRouterIdleOrder *fd_router_idle_order_new        (void);
void               fd_router_idle_order_free       (FdRouterIdleOrder    *order);
/* Inserts the item with that key, or moves it there when it is in. */
void               fd_router_idle_order_set        (FdRouterIdleOrder    *order,
                                                    gpointer              item,
                                                    gint64                idle_since,
                                                    guint                 position);
/* Moves the item to a new idle since, keeping its position; FALSE (and
 * nothing done) when it is not in. */
gboolean           fd_router_idle_order_move       (FdRouterIdleOrder    *order,
                                                    gpointer              item,
                                                    gint64                idle_since);
/* Removes the item; FALSE when it was not in. */
gboolean           fd_router_idle_order_remove     (FdRouterIdleOrder    *order,
                                                    gpointer              item);
gboolean           fd_router_idle_order_contains   (FdRouterIdleOrder    *order,
                                                    gpointer              item);
guint              fd_router_idle_order_size       (FdRouterIdleOrder    *order);
/* The first item in order (smallest idle since, then position) for which
 * skip (may be NULL) returns FALSE, NULL when none; *n_skipped (may be
 * NULL) counts the items skipped. */
gpointer           fd_router_idle_order_find_first (FdRouterIdleOrder    *order,
                                                    FdRouterIdleSkipFunc  skip,
                                                    gpointer              user_data,
                                                    guint                *n_skipped);
/* Calls func on every item, in order. */
void               fd_router_idle_order_foreach    (FdRouterIdleOrder    *order,
                                                    GFunc                 func,
                                                    gpointer              user_data);

G_END_DECLS
