#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-private.h"
#include "fd-center-crm.h"
#include "fd-store-crm.h"

/* The sender of the durable log entry outbox (docs/crm.md, "Log
 * entries"): one entry at a time, oldest due first. An attempt is written
 * (attempts + 1, the next attempt's time) BEFORE the request leaves, so a
 * crash at any point leaves the entry queued and due again; the CRM's id
 * is written when it accepts. Zendesk gets the entry's Idempotency-Key;
 * Salesforce may see a duplicate only if frontdeskd dies between its
 * answer and the commit (docs/crm.md, "Exactly once"). */

#define MAX_ENTRY_BACKOFF_SECONDS 3600
#define OUTBOX_BATCH_SIZE 16
/* An entry whose organization cannot send looks again this often. */
#define WAIT_SECONDS 60

typedef struct {
  FdCrm *crm;
  CrmOrg *org;
  FdStoreCrmEntry *entry;
  char *record_id;
  char *customer_name;
  char *customer_email;
  char *instance_url;
  char *access_token;
  FdCrmCall call;
  gboolean refreshed;
} Send;

static void
send_free (Send *send)
{
  crm_org_unref (send->org);
  fd_store_crm_entry_free (send->entry);
  g_free (send->record_id);
  g_free (send->customer_name);
  g_free (send->customer_email);
  g_free (send->instance_url);
  g_free (send->access_token);
  g_free (send);
}

static gboolean
on_outbox_timer (gpointer data)
{
  FdCrm *self = data;

  self->outbox_id = 0;
  fd_crm_outbox_pump (self);
  return G_SOURCE_REMOVE;
}

void
fd_crm_outbox_kick (FdCrm *self)
{
  g_clear_handle_id (&self->outbox_id, g_source_remove);
  self->outbox_id = g_idle_add_full (G_PRIORITY_LOW, on_outbox_timer, self, NULL);
}

void
fd_crm_outbox_clear (FdCrm *self)
{
  g_clear_handle_id (&self->outbox_id, g_source_remove);
}

/* Wakes up for the next due entry. */
static void
schedule_next (FdCrm *self)
{
  g_autoptr(GError) error = NULL;
  gint64 next = fd_store_next_crm_attempt (fd_center_get_store (self->center), &error);
  gint64 now = g_get_real_time ();

  if (next <= 0 || self->sending)
    return;
  g_clear_handle_id (&self->outbox_id, g_source_remove);
  self->outbox_id = g_timeout_add ((guint) CLAMP ((next - now) / 1000 + 1, 1, G_MAXINT32 / 2), on_outbox_timer, self);
}

typedef struct {
  gint64 id;
  gint64 next_attempt_at;
  const char *reason;
  const char *remote_id;
} EntryWrite;

static gboolean
write_retry (FdStore *store, gpointer data, GError **error)
{
  EntryWrite *w = data;
  return fd_store_crm_entry_retry (store, w->id, w->next_attempt_at, w->reason, error);
}

static gboolean
write_sent (FdStore *store, gpointer data, GError **error)
{
  EntryWrite *w = data;
  return fd_store_crm_entry_sent (store, w->id, w->remote_id, error);
}

static void
retry_at (FdCrm *self, gint64 id, gint64 when, const char *reason)
{
  EntryWrite w = { id, when, reason, NULL };
  g_autoptr(GError) error = NULL;

  if (!fd_center_crm_write (self->center, write_retry, &w, &error))
    g_warning ("CRM entry %" G_GINT64_FORMAT ": cannot be rescheduled: %s", id, error->message);
}

/* backoff_ms after the first attempt, doubled after each, at most 1 h. */
static gint64
entry_delay_us (FdCrm *self, gint attempts)
{
  gint64 ms = MAX (1, self->options.backoff_ms);

  for (gint i = 1; i < attempts && ms < MAX_ENTRY_BACKOFF_SECONDS * 1000; i++)
    ms *= 2;
  return MIN (ms, MAX_ENTRY_BACKOFF_SECONDS * 1000) * 1000;
}

static void send_start (Send *send);

static void
send_done (FdCrm *self)
{
  self->sending = FALSE;
  fd_crm_outbox_kick (self);
}

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Send *send = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_crm_refresh_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        send_done (send->crm);
      send_free (send);
      return;
    }
  send->refreshed = TRUE;
  send_start (send);
}

static void
on_logged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Send *send = user_data;
  FdCrm *self = send->crm;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_id = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      send_free (send);
      return;
    }
  if (g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_UNAUTHORIZED) && !send->refreshed && !send->org->gone)
    {
      fd_crm_refresh_async (self, send->org, on_refreshed, send);
      return;
    }
  if (error == NULL)
    {
      EntryWrite w = { send->entry->id, 0, NULL, remote_id };
      g_autoptr(GError) write_error = NULL;

      fd_crm_org_succeeded (send->org);
      if (!fd_center_crm_write (self->center, write_sent, &w, &write_error))
        g_warning ("CRM entry %" G_GINT64_FORMAT ": accepted as %s but not recorded: %s",
                   send->entry->id, remote_id, write_error->message);
    }
  else
    {
      gint64 when = g_get_real_time () + entry_delay_us (self, send->entry->attempts + 1);

      if (g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_RATE_LIMITED) ||
          g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_UNAVAILABLE) ||
          g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID))
        fd_crm_org_failed (self, send->org, error, send->call.retry_after);
      if (send->call.retry_after > 0)
        when = g_get_real_time () + (gint64) send->call.retry_after * G_USEC_PER_SEC;
      retry_at (self, send->entry->id, when, error->message);
    }
  send_free (send);
  send_done (self);
}

static void
send_start (Send *send)
{
  FdCrmEntryRequest request = {
    .record_id = send->record_id,
    .customer_name = send->customer_name,
    .customer_email = send->customer_email,
    .subject = send->entry->subject,
    .body = send->entry->body,
    .crm_user = send->entry->crm_user,
    .idempotency_key = send->entry->idempotency_key,
  };

  fd_crm_call_init (send->crm, send->org, send->instance_url, &send->call, &send->access_token);
  fd_crm_log_async (send->org->provider, &send->call, &request, send->crm->cancellable, on_logged, send);
}

void
fd_crm_outbox_pump (FdCrm *self)
{
  FdStore *store = fd_center_get_store (self->center);
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  gboolean paused = FALSE;

  if (self->sending)
    return;
  due = fd_store_list_due_crm_entries (store, now, OUTBOX_BATCH_SIZE, &error);
  if (due == NULL)
    {
      g_warning ("The CRM outbox cannot be read: %s", error->message);
      return;
    }
  for (guint i = 0; i < due->len; i++)
    {
      FdStoreCrmEntry *entry = g_ptr_array_index (due, i);
      CrmOrg *org = g_hash_table_lookup (self->orgs, &entry->organization_id);
      g_autoptr(FdConversation) conv = NULL;
      Send *send;

      /* A paused organization's back-off timer pumps again. */
      if (org != NULL && fd_crm_org_paused (org))
        {
          paused = TRUE;
          continue;
        }
      if (!fd_crm_org_usable (org))
        {
          /* Kept (never dropped) until the organization is connected again. */
          retry_at (self, entry->id, now + WAIT_SECONDS * G_USEC_PER_SEC,
                    org == NULL ? "No CRM is connected." : "The CRM connection needs authorization.");
          continue;
        }
      /* The attempt is recorded before the request leaves (see above). */
      retry_at (self, entry->id, now + entry_delay_us (self, entry->attempts + 1), "sending");
      send = g_new0 (Send, 1);
      send->crm = self;
      send->org = crm_org_ref (org);
      send->entry = g_steal_pointer (&due->pdata[i]);
      send->instance_url = g_strdup (org->instance_url);
      conv = fd_store_get_conversation (store, entry->organization_id, entry->conversation_id, TRUE, NULL);
      if (conv != NULL && conv->contact != NULL)
        {
          send->record_id = fd_store_get_contact_crm_record (store, entry->organization_id, conv->contact->id, NULL);
          send->customer_name = g_strdup (conv->contact->name);
          send->customer_email = g_strdup (conv->contact->email);
        }
      self->sending = TRUE;
      send_start (send);
      return;
    }
  if (!paused)
    schedule_next (self);
}
