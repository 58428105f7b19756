#define G_LOG_DOMAIN "fd-router"

#include "fd-router-idle.h"

/* The longest-idle order (see fd-router-idle.h): a GSequence of entries
 * sorted by their key, and a hash table item → its entry's iterator. */

typedef struct {
  gpointer item;
  gint64   idle_since;
  guint    position;
} IdleEntry;

struct _FdRouterIdleOrder {
  GSequence  *entries;  /* IdleEntry* (owned), in order */
  GHashTable *iters;    /* item → GSequenceIter* in entries */
};

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const IdleEntry *x = a;
  const IdleEntry *y = b;

  (void) user_data;
  if (x->idle_since != y->idle_since)
    return x->idle_since < y->idle_since ? -1 : 1;
  return (x->position > y->position) - (x->position < y->position);
}

FdRouterIdleOrder *
fd_router_idle_order_new (void)
{
  FdRouterIdleOrder *order = g_new0 (FdRouterIdleOrder, 1);

  order->entries = g_sequence_new (g_free);
  order->iters = g_hash_table_new (NULL, NULL);
  return order;
}

void
fd_router_idle_order_free (FdRouterIdleOrder *order)
{
  if (order == NULL)
    return;
  g_hash_table_unref (order->iters);
  g_sequence_free (order->entries);
  g_free (order);
}

void
fd_router_idle_order_set (FdRouterIdleOrder *order,
                          gpointer           item,
                          gint64             idle_since,
                          guint              position)
{
  GSequenceIter *iter;
  IdleEntry *entry;

  g_return_if_fail (order != NULL);
  g_return_if_fail (item != NULL);

  iter = g_hash_table_lookup (order->iters, item);
  if (iter != NULL)
    {
      entry = g_sequence_get (iter);
      if (entry->idle_since == idle_since && entry->position == position)
        return;
      entry->idle_since = idle_since;
      entry->position = position;
      g_sequence_sort_changed (iter, compare_entries, NULL);
      return;
    }

  entry = g_new (IdleEntry, 1);
  entry->item = item;
  entry->idle_since = idle_since;
  entry->position = position;
  iter = g_sequence_insert_sorted (order->entries, entry, compare_entries, NULL);
  g_hash_table_insert (order->iters, item, iter);
}

gboolean
fd_router_idle_order_move (FdRouterIdleOrder *order,
                           gpointer           item,
                           gint64             idle_since)
{
  GSequenceIter *iter;

  g_return_val_if_fail (order != NULL, FALSE);

  iter = g_hash_table_lookup (order->iters, item);
  if (iter == NULL)
    return FALSE;
  fd_router_idle_order_set (order, item, idle_since, ((IdleEntry *) g_sequence_get (iter))->position);
  return TRUE;
}

gboolean
fd_router_idle_order_remove (FdRouterIdleOrder *order,
                             gpointer           item)
{
  GSequenceIter *iter;

  g_return_val_if_fail (order != NULL, FALSE);

  iter = g_hash_table_lookup (order->iters, item);
  if (iter == NULL)
    return FALSE;
  g_hash_table_remove (order->iters, item);
  g_sequence_remove (iter);
  return TRUE;
}

gboolean
fd_router_idle_order_contains (FdRouterIdleOrder *order,
                               gpointer           item)
{
  g_return_val_if_fail (order != NULL, FALSE);

  return g_hash_table_contains (order->iters, item);
}

guint
fd_router_idle_order_size (FdRouterIdleOrder *order)
{
  g_return_val_if_fail (order != NULL, 0);

  return g_hash_table_size (order->iters);
}

gpointer
fd_router_idle_order_find_first (FdRouterIdleOrder    *order,
                                 FdRouterIdleSkipFunc  skip,
                                 gpointer              user_data,
                                 guint                *n_skipped)
{
  guint skipped = 0;
  gpointer found = NULL;

  g_return_val_if_fail (order != NULL, NULL);

  for (GSequenceIter *iter = g_sequence_get_begin_iter (order->entries);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      IdleEntry *entry = g_sequence_get (iter);

      if (skip == NULL || !skip (entry->item, user_data))
        {
          found = entry->item;
          break;
        }
      skipped++;
    }
  if (n_skipped != NULL)
    *n_skipped = skipped;
  return found;
}

void
fd_router_idle_order_foreach (FdRouterIdleOrder *order,
                              GFunc              func,
                              gpointer           user_data)
{
  g_return_if_fail (order != NULL);
  g_return_if_fail (func != NULL);

  for (GSequenceIter *iter = g_sequence_get_begin_iter (order->entries);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    func (((IdleEntry *) g_sequence_get (iter))->item, user_data);
}
