#define G_LOG_DOMAIN "fd-center"

/* The core of the live center: transactions with their pushes to the
 * sinks, the event log, changes of configuration, and the object itself
 * (docs/architecture.md). */

#include "fd-center-private.h"

#include "fd-protocol.h"
#include "fd-ws-budget.h"

/* How often the event log is pruned. */
#define FD_CENTER_PRUNE_SECONDS (10 * 60)

enum {
  SIGNAL_CONFIG_CHANGED,
  N_SIGNALS
};
static guint center_signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FdCenter, fd_center, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-center-error-quark, fd_center_error)

/* A frame to send once the transaction that produced it is committed. */
typedef struct {
  gint64  organization_id;
  gint64  seq;               /* agent events; 0 for visitor frames */
  gint64  queue_id;
  gint64  agent_id;
  gint64  conversation_id;   /* visitor frames: whose sockets */
  gboolean folded;           /* repeats what the event before carried */
  char   *text;
} Push;

static void
push_free (Push *push)
{
  g_free (push->text);
  g_free (push);
}

/* --- Transactions ------------------------------------------------------------ */

/* A group holds at most this many requests' changes: past it, the group
 * commits at once instead of at the end of the main loop's turn, which
 * bounds both the held output and the wait of the first request. */
#define FD_CENTER_GROUP_MAX 512

static gboolean
on_group_commit_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GError) error = NULL;

  self->group_commit_id = 0;
  /* While the last group's sync is in flight, committing this one would
   * not make it saved sooner (its sync starts after the one in flight):
   * it goes on taking requests and commits when that sync completed, so
   * that one COMMIT writes the pages they share once (on_group_cb). */
  if (fd_store_group_sync_pending (self->store))
    {
      self->commit_after_sync = TRUE;
      return G_SOURCE_REMOVE;
    }
  g_debug ("Committing a group of %u changes", fd_store_group_get_size (self->store));
  /* A failure was told to the group's sockets (on_group_cb). */
  fd_store_group_commit (self->store, &error);
  return G_SOURCE_REMOVE;
}

static gboolean load_organization (FdCenter  *self,
                                   gint64     organization_id,
                                   gboolean   restore,
                                   GError   **error);

static gboolean
on_reload_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  self->reload_id = 0;
  orgs = fd_store_list_organizations (self->store, &error);
  for (guint i = 0; orgs != NULL && i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);

      if (!load_organization (self, org->id, TRUE, &error))
        break;
    }
  if (error != NULL)
    g_warning ("Cannot reload the routing after lost changes: %s", error->message);
  return G_SOURCE_REMOVE;
}

/* The store opened or ended a group: output waits for it. */
static void
on_group_cb (FdStoreGroupEvent  event,
             const GError      *error,
             gpointer           user_data)
{
  FdCenter *self = user_data;
  guint64 upto;

  if (event == FD_STORE_GROUP_OPENED)
    {
      /* Output from now on may describe this group's changes: it is held
       * until the group is synced. */
      fd_ws_budget_hold (self->groups_committed + 1);
      /* At the default priority, after the sockets already readable in
       * this turn of the main loop: the requests that arrived together (or
       * during the last sync) share the next COMMIT. */
      if (self->group_commit_id == 0 && self->commit_window_ms > 0)
        self->group_commit_id = g_timeout_add (self->commit_window_ms, on_group_commit_cb, self);
      else if (self->group_commit_id == 0)
        self->group_commit_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_group_commit_cb, self, NULL);
      return;
    }
  if (event == FD_STORE_GROUP_COMMITTED)
    {
      /* Committed, its sync under way in the store's worker: until the
       * next group opens, output may still describe this group's changes
       * (read after its COMMIT), so it waits with the group's. */
      g_clear_handle_id (&self->group_commit_id, g_source_remove);
      self->commit_after_sync = FALSE;
      self->groups_committed++;
      fd_ws_budget_hold (self->groups_committed);
      return;
    }
  /* Ended: the oldest committed group was synced (or its sync failed),
   * or, when none waits for its sync, the open group was committed with
   * its sync or lost at its COMMIT. */
  if (self->groups_synced < self->groups_committed)
    upto = ++self->groups_synced;
  else
    {
      g_clear_handle_id (&self->group_commit_id, g_source_remove);
      upto = self->groups_committed + 1;
      if (error == NULL)
        self->groups_committed++;
      self->groups_synced = self->groups_committed;
    }
  fd_ws_budget_release (upto, error == NULL);
  /* The open group waited for this sync: it commits now, before the next
   * requests are read. */
  if (self->commit_after_sync && !fd_store_group_sync_pending (self->store) &&
      self->group_commit_id == 0)
    {
      self->commit_after_sync = FALSE;
      self->group_commit_id = g_idle_add_full (G_PRIORITY_HIGH, on_group_commit_cb, self, NULL);
    }
  /* The routing engine saw changes that are now undone: it learns the
   * saved state again, as at start-up, once the current request is over. */
  if (error != NULL && self->reload_id == 0)
    self->reload_id = g_idle_add_full (G_PRIORITY_HIGH, on_reload_cb, self, NULL);
}

void
fd_center_group_enter (FdCenter *self)
{
  g_return_if_fail (FD_IS_CENTER (self));
  fd_store_group_enter (self->store);
}

void
fd_center_group_leave (FdCenter *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FD_IS_CENTER (self));
  fd_store_group_leave (self->store);
  if (fd_store_group_get_size (self->store) >= FD_CENTER_GROUP_MAX &&
      !fd_store_in_transaction (self->store))
    fd_store_group_commit (self->store, &error);
}

void
fd_center_set_commit_window (FdCenter *self,
                             guint     ms)
{
  g_return_if_fail (FD_IS_CENTER (self));
  self->commit_window_ms = ms;
}

gboolean
fd_center_group_commit (FdCenter  *self,
                        GError   **error)
{
  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);
  return fd_store_group_commit (self->store, error);
}

gboolean
fd_center_begin (FdCenter  *self,
                 GError   **error)
{
  return fd_store_begin (self->store, error);
}

/* Hands what a committed transaction produced to the sinks, in order. */
static void
flush_pending (FdCenter *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) push_free);
  for (guint i = 0; i < pending->len; i++)
    {
      Push *push = g_ptr_array_index (pending, i);

      for (guint j = 0; j < self->sinks->len; j++)
        {
          const FdCenterSinkEntry *sink = &g_array_index (self->sinks, FdCenterSinkEntry, j);

          if (push->seq == 0 && sink->vtable->visitor_frame != NULL)
            sink->vtable->visitor_frame (sink->data, push->conversation_id, push->text);
          else if (push->seq != 0 && sink->vtable->agent_event != NULL)
            sink->vtable->agent_event (sink->data, push->organization_id, push->seq, push->queue_id,
                                       push->agent_id, push->folded, push->text);
        }
    }
}

gboolean
fd_center_commit (FdCenter  *self,
                  GError   **error)
{
  if (self->apply_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->apply_error));
      fd_center_rollback (self);
      return FALSE;
    }
  if (!fd_store_commit (self->store, error))
    {
      if (!fd_store_in_transaction (self->store))
        g_ptr_array_set_size (self->pending, 0);
      return FALSE;
    }
  if (!fd_store_in_transaction (self->store))
    flush_pending (self);
  return TRUE;
}

void
fd_center_rollback (FdCenter *self)
{
  fd_store_rollback (self->store);
  if (!fd_store_in_transaction (self->store))
    {
      g_ptr_array_set_size (self->pending, 0);
      g_clear_error (&self->apply_error);
    }
}

gboolean
fd_center_finish (FdCenter  *self,
                  gboolean   ok,
                  GError   **error)
{
  if (!ok)
    {
      fd_center_rollback (self);
      return FALSE;
    }
  return fd_center_commit (self, error);
}

void
fd_center_note_apply_error (FdCenter *self,
                            GError   *error)
{
  if (error == NULL)
    return;
  g_warning ("Cannot carry out a routing decision: %s", error->message);
  if (self->apply_error == NULL)
    self->apply_error = error;
  else
    g_error_free (error);
}

/* --- Events ------------------------------------------------------------------ */

char *
fd_center_event_text (const char *type,
                      gint64      seq,
                      const char *payload_json)
{
  return g_strdup_printf ("{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"body\":%s}",
                          type, seq, payload_json != NULL ? payload_json : "{}");
}

gboolean
fd_center_emit (FdCenter    *self,
                gint64       organization_id,
                const char  *type,
                gint64       queue_id,
                gint64       agent_id,
                gint64       conversation_id,
                JsonNode    *body_json,
                GError     **error)
{
  g_autoptr(JsonNode) body = body_json;

  return fd_center_emit_text (self, organization_id, type, queue_id, agent_id, conversation_id,
                              fd_json_to_string (body, NULL), error);
}

gboolean
fd_center_emit_text (FdCenter    *self,
                     gint64       organization_id,
                     const char  *type,
                     gint64       queue_id,
                     gint64       agent_id,
                     gint64       conversation_id,
                     char        *payload_text,
                     GError     **error)
{
  g_autofree char *payload = payload_text;
  Push *push;
  gint64 seq = 0;

  if (!fd_store_append_event_encoded (self->store, organization_id, type, queue_id, agent_id,
                              conversation_id, payload, &seq, error))
    return FALSE;

  push = g_new0 (Push, 1);
  push->organization_id = organization_id;
  push->seq = seq;
  push->queue_id = queue_id;
  push->agent_id = agent_id;
  push->conversation_id = conversation_id;
  push->text = fd_center_event_text (type, seq, payload);
  g_ptr_array_add (self->pending, push);

  /* Whatever happens to a conversation may change the statistics. */
  if (conversation_id != 0)
    fd_center_stats_changed (self, organization_id);
  fd_center_wallboard_event (self, organization_id, type);
  return TRUE;
}

/* Marks the event just emitted as one that only repeats what the event
 * before it carried (FdCenterSink.agent_event's @folded). */
void
fd_center_fold_last_event (FdCenter *self)
{
  Push *push;

  g_assert (self->pending->len > 0);
  push = g_ptr_array_index (self->pending, self->pending->len - 1);
  g_assert (push->seq != 0);
  push->folded = TRUE;
}

void
fd_center_push_visitor (FdCenter   *self,
                        gint64      conversation_id,
                        char       *frame_text)
{
  Push *push = g_new0 (Push, 1);

  push->conversation_id = conversation_id;
  push->text = frame_text;
  g_ptr_array_add (self->pending, push);
}

gboolean
fd_center_agent_may_see (FdCenter *self,
                         gint64    organization_id,
                         gint64    agent_id,
                         gint64    event_queue_id,
                         gint64    event_agent_id)
{
  if (event_agent_id != 0)
    return event_agent_id == agent_id;
  /* From memory (fd-center-members.c): no query per socket and event. */
  if (event_queue_id != 0)
    return fd_center_is_member (self, organization_id, event_queue_id, agent_id);
  return TRUE;
}

/* --- Sinks ------------------------------------------------------------------- */

void
fd_center_add_sink (FdCenter           *self,
                    const FdCenterSink *vtable,
                    gpointer            data)
{
  FdCenterSinkEntry entry = { vtable, data };

  g_return_if_fail (FD_IS_CENTER (self));
  g_return_if_fail (vtable != NULL);
  g_array_append_val (self->sinks, entry);
}

void
fd_center_remove_sink (FdCenter *self,
                       gpointer  data)
{
  g_return_if_fail (FD_IS_CENTER (self));

  for (guint i = 0; i < self->sinks->len; i++)
    if (g_array_index (self->sinks, FdCenterSinkEntry, i).data == data)
      {
        g_array_remove_index (self->sinks, i);
        return;
      }
}

gboolean
fd_center_agent_is_online (FdCenter *self,
                           gint64    agent_id)
{
  for (guint i = 0; i < self->sinks->len; i++)
    {
      const FdCenterSinkEntry *sink = &g_array_index (self->sinks, FdCenterSinkEntry, i);

      if (sink->vtable->agent_online != NULL && sink->vtable->agent_online (sink->data, agent_id))
        return TRUE;
    }
  return FALSE;
}

void
fd_center_close_token_sockets (FdCenter   *self,
                               const char *token_hash)
{
  g_return_if_fail (FD_IS_CENTER (self));
  g_return_if_fail (token_hash != NULL);

  for (guint i = 0; i < self->sinks->len; i++)
    {
      const FdCenterSinkEntry *sink = &g_array_index (self->sinks, FdCenterSinkEntry, i);

      if (sink->vtable->close_token != NULL)
        sink->vtable->close_token (sink->data, token_hash, 4401, "Signed out");
    }
}

void
fd_center_close_agent_sockets (FdCenter   *self,
                               gint64      organization_id,
                               gint64      agent_id,
                               const char *reason)
{
  g_return_if_fail (FD_IS_CENTER (self));
  g_return_if_fail (reason != NULL);

  for (guint i = 0; i < self->sinks->len; i++)
    {
      const FdCenterSinkEntry *sink = &g_array_index (self->sinks, FdCenterSinkEntry, i);

      if (sink->vtable->close_agent != NULL)
        sink->vtable->close_agent (sink->data, organization_id, agent_id, 4401, reason);
    }
}

/* --- Object ------------------------------------------------------------------ */

static void
fd_center_finalize (GObject *object)
{
  FdCenter *self = FD_CENTER (object);
  g_autoptr(GError) error = NULL;

  /* Save what the last group holds; its sockets are gone by now. */
  if (self->store != NULL && !fd_store_in_transaction (self->store) &&
      !fd_store_group_commit (self->store, &error))
    g_warning ("Cannot save the last changes: %s", error->message);
  if (self->store != NULL)
    fd_store_group_wait_synced (self->store);
  if (self->store != NULL)
    fd_store_set_group_func (self->store, NULL, NULL);
  g_clear_handle_id (&self->group_commit_id, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->prune_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->email_outbox.idle_id, g_source_remove);
  g_clear_handle_id (&self->twitter_outbox.idle_id, g_source_remove);
  g_clear_pointer (&self->stats_dirty, g_hash_table_unref);
  fd_center_wallboard_clear (self);
  /* The APIs unregister their sinks before the center goes. */
  g_warn_if_fail (self->sinks->len == 0);
  g_clear_pointer (&self->router, fd_center_route_free);
  g_clear_pointer (&self->conv_org, g_hash_table_unref);
  g_clear_pointer (&self->agent_org, g_hash_table_unref);
  g_clear_pointer (&self->stream_config, g_hash_table_unref);
  g_clear_pointer (&self->queue_config, g_hash_table_unref);
  fd_center_members_clear (self);
  g_clear_pointer (&self->sinks, g_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_error (&self->apply_error);

  G_OBJECT_CLASS (fd_center_parent_class)->finalize (object);
}

void
fd_center_set_crm_hooks (FdCenter               *self,
                         const FdCenterCrmHooks *hooks,
                         gpointer                data)
{
  g_return_if_fail (FD_IS_CENTER (self));
  self->crm_hooks = hooks;
  self->crm_hooks_data = data;
}

void
fd_center_crm_started (FdCenter *self,
                       gint64    organization_id,
                       gint64    conversation_id)
{
  if (self->crm_hooks != NULL && self->crm_hooks->started != NULL)
    self->crm_hooks->started (self->crm_hooks_data, organization_id, conversation_id);
}

static void
fd_center_class_init (FdCenterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_center_finalize;

  /* FdCenter::config-changed (organization_id): a configuration change was
   * committed (organization_id 0: one that concerns no routing, such as a
   * stream's password). Emitted on the main loop after the commit. */
  center_signals[SIGNAL_CONFIG_CHANGED] =
    g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
fd_center_init (FdCenter *self)
{
  self->conv_org = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->agent_org = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->stream_config = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->queue_config = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  fd_center_members_init (self);
  self->sinks = g_array_new (FALSE, FALSE, sizeof (FdCenterSinkEntry));
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) push_free);
}

/* Keeps the event log to the store's defaults (at least the last
 * FD_STORE_EVENTS_KEEP events of a day), so resume works and the log stays
 * small. */
static gboolean
on_prune_cb (gpointer user_data)
{
  FdCenter *self = user_data;
  g_autoptr(GError) error = NULL;
  guint pruned = 0;

  if (!fd_store_prune_events (self->store, g_get_real_time (), 0, 0, &pruned, &error))
    g_warning ("Cannot prune the event log: %s", error->message);
  else if (pruned > 0)
    g_debug ("Pruned %u events", pruned);
  return G_SOURCE_CONTINUE;
}

static gboolean
load_organization (FdCenter  *self,
                   gint64     organization_id,
                   gboolean   restore,
                   GError   **error)
{
  if (!fd_center_begin (self, error))
    return FALSE;
  if (!fd_center_members_load (self, organization_id, FALSE, error) ||
      !fd_center_route_load (self, organization_id, restore, error))
    {
      fd_center_rollback (self);
      return FALSE;
    }
  return fd_center_commit (self, error);
}

FdCenter *
fd_center_new (FdStore  *store,
               GError  **error)
{
  g_autoptr(FdCenter) self = NULL;
  g_autoptr(GPtrArray) orgs = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (FD_TYPE_CENTER, NULL);
  self->store = store;
  fd_store_set_group_func (store, on_group_cb, self);
  /* A group's sync runs beside the next group (docs/architecture.md,
   * "Durability"). */
  fd_store_set_background_sync (store, TRUE);
  self->router = fd_center_route_new ();
  self->stats_dirty = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  fd_center_wallboard_init (self);

  orgs = fd_store_list_organizations (store, error);
  if (orgs == NULL)
    return NULL;
  for (guint i = 0; i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);

      if (!load_organization (self, org->id, TRUE, error))
        {
          g_prefix_error (error, "Cannot restore the routing of organization %" G_GINT64_FORMAT ": ", org->id);
          return NULL;
        }
    }
  on_prune_cb (self);
  self->prune_id = g_timeout_add_seconds (FD_CENTER_PRUNE_SECONDS, on_prune_cb, self);
  return g_steal_pointer (&self);
}

FdStore *
fd_center_get_store (FdCenter *self)
{
  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  return self->store;
}

/* --- Configuration ----------------------------------------------------------- */

gboolean
fd_center_change_config (FdCenter             *self,
                         FdCenterConfigWrite   write,
                         gpointer              user_data,
                         GError              **error)
{
  gint64 organization_id = 0;
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);
  g_return_val_if_fail (write != NULL, FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  ok = write (user_data, &organization_id, error);
  /* The engine learns what changed at once, in the same transaction: no
   * request has to reload the organization to catch up. */
  if (ok && organization_id > 0)
    ok = fd_center_route_load (self, organization_id, FALSE, error) &&
         fd_center_members_load (self, organization_id, TRUE, error);
  if (!fd_center_finish (self, ok, error))
    {
      /* The members read inside the transaction may not have been kept. */
      if (organization_id > 0)
        fd_center_members_reload (self, organization_id);
      return FALSE;
    }
  /* A deleted organization concerns no routing (0): drop it here. */
  if (organization_id == 0)
    fd_center_members_drop_gone (self);
  /* After the commit: the email workers follow their streams' settings. */
  g_signal_emit (self, center_signals[SIGNAL_CONFIG_CHANGED], 0, organization_id);
  return TRUE;
}
