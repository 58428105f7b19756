#define G_LOG_DOMAIN "fd-server"

#include "fd-stream-workers.h"

/* FdEmail's and FdTwitter's workers and sender kept going (fd-stream-workers.h). */

void
fd_stream_workers_reconcile (FdStreamWorkers *self)
{
  const FdStreamWorkersClass *klass = self->klass;
  gpointer owner = self->owner;
  FdStore *store = self->store;
  GHashTable *running = self->running;
  g_autoptr(GPtrArray) orgs = fd_store_list_organizations (store, NULL);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GPtrArray) streams_all = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_stream_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; orgs != NULL && i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);
      g_autoptr(GPtrArray) streams = fd_store_list_streams (store, org->id, FALSE, NULL);

      for (guint j = 0; streams != NULL && j < streams->len; j++)
        {
          FdStream *stream = g_ptr_array_index (streams, j);

          if (stream->kind != klass->kind)
            continue;
          g_hash_table_insert (wanted, g_memdup2 (&stream->id, sizeof stream->id),
                               klass->fingerprint (owner, stream));
          g_ptr_array_add (streams_all, fd_stream_copy (stream));
        }
    }

  /* Stop what is gone or changed. */
  g_hash_table_iter_init (&iter, running);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *fingerprint = g_hash_table_lookup (wanted, key);

      if (fingerprint == NULL || g_strcmp0 (fingerprint, klass->running_fingerprint (value)) != 0)
        g_hash_table_iter_remove (&iter);
    }

  /* Start what is new or changed. */
  for (guint i = 0; i < streams_all->len; i++)
    {
      FdStream *stream = g_ptr_array_index (streams_all, i);

      if (g_hash_table_contains (running, &stream->id))
        continue;
      klass->start (owner, stream, g_strdup (g_hash_table_lookup (wanted, &stream->id)));
    }
}

static void
on_config_changed_cb (FdCenter *center,
                      gint64    organization_id,
                      gpointer  data)
{
  fd_stream_workers_reconcile (data);
}

static void
on_outbox_notify_cb (gpointer data)
{
  FdStreamWorkers *self = data;

  self->klass->pump (self->owner);
}

static gboolean
on_tick_cb (gpointer data)
{
  FdStreamWorkers *self = data;

  self->klass->pump (self->owner);
  return G_SOURCE_CONTINUE;
}

void
fd_stream_workers_start (FdStreamWorkers            *self,
                         const FdStreamWorkersClass *klass,
                         gpointer                    owner,
                         FdCenter                   *center,
                         GHashTable                 *running)
{
  g_return_if_fail (self->config_id == 0);

  self->klass = klass;
  self->owner = owner;
  self->center = center;
  self->store = fd_center_get_store (center);
  self->running = running;
  self->config_id = g_signal_connect (center, "config-changed", G_CALLBACK (on_config_changed_cb), self);
  klass->set_outbox_notify (center, on_outbox_notify_cb, self);
  self->tick_id = g_timeout_add_seconds (FD_STREAM_WORKERS_TICK_SECONDS, on_tick_cb, self);
  fd_stream_workers_reconcile (self);
  klass->pump (owner);
}

void
fd_stream_workers_stop (FdStreamWorkers *self)
{
  if (self->klass == NULL)
    return;
  g_clear_signal_handler (&self->config_id, self->center);
  self->klass->set_outbox_notify (self->center, NULL, NULL);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->klass = NULL;
}
