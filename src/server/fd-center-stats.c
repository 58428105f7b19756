#define G_LOG_DOMAIN "fd-center"

/* Statistics: the "stats" request of an agent and the "stats" events the
 * center publishes after a change (docs/architecture.md, "Decisions"). */

#include "fd-center-private.h"

#include "fd-protocol.h"

/* Statistics are pushed at most this often, and only after a change. */
#define FD_CENTER_STATS_SECONDS 5

gint64
fd_center_day_start (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) midnight = g_date_time_new_utc (g_date_time_get_year (now), g_date_time_get_month (now),
                                                       g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* One "stats" event per queue, seen by its members, with the queue's row and
 * its streams' rows. */
static gboolean
publish_stats (FdCenter  *self,
               gint64     organization_id,
               GError   **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) reports = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                         (GDestroyNotify) fd_stats_report_free);
  GHashTableIter iter;
  gpointer key, value;

  rows = fd_store_get_stats (self->store, organization_id, g_get_real_time (), fd_center_day_start (), error);
  if (rows == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);
      FdStatsReport *report = g_hash_table_lookup (reports, &row->queue_id);

      if (report == NULL)
        {
          report = fd_stats_report_new ();
          report->rows = fd_stats_list_new ();
          g_hash_table_insert (reports, &row->queue_id, report);
        }
      g_ptr_array_add (report->rows, fd_stats_copy (row));
    }

  if (!fd_center_begin (self, error))
    return FALSE;
  g_hash_table_iter_init (&iter, reports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!fd_center_emit (self, organization_id, "stats", *(gint64 *) key, 0, 0,
                           fd_stats_report_to_json (value), error))
        {
          fd_center_rollback (self);
          return FALSE;
        }
    }
  return fd_center_commit (self, error);
}

static gboolean
on_stats_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GHashTable) dirty = g_steal_pointer (&self->stats_dirty);
  GHashTableIter iter;
  gpointer key;

  self->stats_id = 0;
  self->stats_dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, dirty);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GError) error = NULL;

      if (!publish_stats (self, *(gint64 *) key, &error))
        g_warning ("Cannot publish the statistics of organization %" G_GINT64_FORMAT ": %s",
                   *(gint64 *) key, error->message);
    }
  return G_SOURCE_REMOVE;
}

void
fd_center_stats_changed (FdCenter *self,
                         gint64    organization_id)
{
  if (!g_hash_table_contains (self->stats_dirty, &organization_id))
    g_hash_table_add (self->stats_dirty, g_memdup2 (&organization_id, sizeof organization_id));
  if (self->stats_id == 0)
    self->stats_id = g_timeout_add_seconds (FD_CENTER_STATS_SECONDS, on_stats_cb, self);
}

FdStatsReport *
fd_center_stats (FdCenter       *self,
                 const FdAgent  *agent,
                 GError        **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(FdStatsReport) report = fd_stats_report_new ();

  rows = fd_store_get_stats (self->store, agent->organization_id, g_get_real_time (),
                             fd_center_day_start (), error);
  if (rows == NULL)
    return NULL;
  report->rows = fd_stats_list_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);

      if (fd_center_is_member (self, agent->organization_id, row->queue_id, agent->id))
        g_ptr_array_add (report->rows, fd_stats_copy (row));
    }
  return g_steal_pointer (&report);
}
