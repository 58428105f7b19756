#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm.h"
#include "fd-crm-private.h"
#include "fd-center-crm.h"
#include "fd-email-settings.h"
#include "fd-protocol.h"

#include <sodium.h>
#include <string.h>

/* See fd-crm.h and docs/crm.md. */

#define MAX_BACKOFF_MS   (3600 * 1000)

void
fd_crm_options_init (FdCrmOptions *options)
{
  memset (options, 0, sizeof *options);
  options->cache_seconds = 300;
  options->cache_entries = 10000;
  options->max_queued = 10000;
  options->backoff_ms = 5000;
  options->link_seconds = 24 * 3600;
}

/* --- organizations ---------------------------------------------------------- */

static void
wipe (char *text)
{
  if (text != NULL)
    sodium_memzero (text, strlen (text));
  g_free (text);
}

CrmOrg *
crm_org_ref (CrmOrg *org)
{
  org->ref++;
  return org;
}

void
crm_org_unref (CrmOrg *org)
{
  if (org == NULL || --org->ref > 0)
    return;
  g_free (org->instance_url);
  g_free (org->client_id);
  wipe (org->client_secret);
  g_clear_pointer (&org->tokens, fd_oauth_tokens_free);
  g_free (org->status);
  g_free (org->status_reason);
  g_clear_pointer (&org->oauth, fd_oauth_provider_unref);
  g_slist_free_full (org->refresh_waiters, g_object_unref);
  g_free (org);
}

static GBytes *
seal_text (FdCrm *self, const char *text, GError **error)
{
  g_autoptr(GBytes) plain = NULL;

  if (text == NULL)
    return NULL;
  plain = g_bytes_new (text, strlen (text));
  return fd_secret_box_seal (self->box, plain, error);
}

/* The opened text of a sealed blob (wipe it after use); NULL on failure. */
static char *
open_text (FdCrm *self, GBytes *sealed, GError **error)
{
  g_autoptr(GBytes) plain = NULL;
  gsize len;
  const char *data;

  if (sealed == NULL)
    return NULL;
  plain = fd_secret_box_open (self->box, sealed, error);
  if (plain == NULL)
    return NULL;
  data = g_bytes_get_data (plain, &len);
  return g_strndup (data, len);
}

void
fd_crm_call_init (FdCrm *self, CrmOrg *org, const char *instance_url, FdCrmCall *call, char **access_token)
{
  g_free (*access_token);
  *access_token = g_strdup (org->tokens != NULL ? org->tokens->access_token : NULL);
  call->session = self->session;
  call->instance_url = instance_url;
  call->access_token = *access_token;
  call->retry_after = 0;
}

GBytes *
fd_crm_seal_tokens (FdCrm *self, const FdOAuthTokens *tokens, GError **error)
{
  /* The form of an OAuth stream's sealed tokens (fd-email-settings.h). */
  char *text = fd_email_oauth_tokens_to_json (tokens);
  GBytes *sealed = seal_text (self, text, error);

  wipe (text);
  return sealed;
}

static FdOAuthTokens *
open_tokens (FdCrm *self, GBytes *sealed, GError **error)
{
  char *text = open_text (self, sealed, error);
  g_autoptr(JsonNode) root = NULL;
  FdOAuthTokens *tokens;
  JsonObject *object;

  if (text == NULL)
    return NULL;
  root = fd_json_parse (text, strlen (text), 64 * 1024, error);
  wipe (text);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_clear_error (error);
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "The stored CRM tokens cannot be read.");
      return NULL;
    }
  object = json_node_get_object (root);
  tokens = g_new0 (FdOAuthTokens, 1);
  tokens->access_token = g_strdup (fd_crm_json_string (object, "access_token"));
  tokens->refresh_token = g_strdup (fd_crm_json_string (object, "refresh_token"));
  tokens->expires_at = json_object_get_int_member_with_default (object, "expires_at", 0);
  return tokens;
}

void
fd_crm_forget_org (FdCrm *self, gint64 organization_id)
{
  CrmOrg *org = g_hash_table_lookup (self->orgs, &organization_id);

  if (org != NULL)
    org->gone = TRUE;
  g_hash_table_remove (self->orgs, &organization_id);
}

/* (Re)loads the organization's connection from the store. */
CrmOrg *
fd_crm_load_org (FdCrm *self, gint64 organization_id)
{
  g_autoptr(FdStoreCrmConnection) c = NULL;
  g_autoptr(GError) error = NULL;
  const FdCrmProvider *provider;
  CrmOrg *org;

  fd_crm_forget_org (self, organization_id);
  c = fd_store_get_crm_connection (fd_center_get_store (self->center), organization_id, &error);
  if (c == NULL)
    return NULL;
  provider = fd_crm_provider_find (c->provider);
  if (provider == NULL)
    {
      g_warning ("Organization %" G_GINT64_FORMAT ": unknown CRM provider; ignored", organization_id);
      return NULL;
    }
  org = g_new0 (CrmOrg, 1);
  org->ref = 1;
  org->organization_id = organization_id;
  org->provider = provider;
  org->instance_url = g_strdup (c->instance_url);
  org->client_id = g_strdup (c->client_id);
  org->status = g_strdup (c->status);
  org->status_reason = g_strdup (c->status_reason);
  org->oauth = fd_oauth_provider_new_for_base (provider->oauth_platform, NULL, c->instance_url);
  if (c->client_secret != NULL)
    {
      org->client_secret = open_text (self, c->client_secret, &error);
      if (org->client_secret == NULL)
        g_warning ("Organization %" G_GINT64_FORMAT ": the CRM client secret cannot be opened: %s",
                   organization_id, error->message);
      g_clear_error (&error);
    }
  if (c->tokens != NULL)
    {
      org->tokens = open_tokens (self, c->tokens, &error);
      if (org->tokens == NULL)
        g_warning ("Organization %" G_GINT64_FORMAT ": the CRM tokens cannot be opened: %s",
                   organization_id, error->message);
    }
  g_hash_table_insert (self->orgs, &org->organization_id, org);
  return org;
}

gboolean
fd_crm_org_usable (CrmOrg *org)
{
  return org != NULL && !org->gone && org->tokens != NULL &&
         g_strcmp0 (org->status, FD_CRM_STATUS_CONNECTED) == 0;
}

typedef struct {
  gint64 organization_id;
  const char *status;
  const char *reason;
  GBytes *tokens;     /* NULL = keep */
} StatusWrite;

static gboolean
write_status (FdStore *store, gpointer data, GError **error)
{
  StatusWrite *w = data;
  g_autoptr(FdStoreCrmConnection) c = fd_store_get_crm_connection (store, w->organization_id, error);

  if (c == NULL)
    return FALSE;
  g_free (c->status);
  c->status = g_strdup (w->status);
  g_free (c->status_reason);
  c->status_reason = g_strdup (w->reason);
  if (w->tokens != NULL)
    {
      g_clear_pointer (&c->tokens, g_bytes_unref);
      c->tokens = g_bytes_ref (w->tokens);
    }
  return fd_store_put_crm_connection (store, c, error);
}

void
fd_crm_set_status (FdCrm *self, CrmOrg *org, const char *status, const char *reason)
{
  StatusWrite w = { org->organization_id, status, reason, NULL };
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (org->status, status) == 0 && g_strcmp0 (org->status_reason, reason) == 0)
    return;
  g_free (org->status);
  org->status = g_strdup (status);
  g_free (org->status_reason);
  org->status_reason = g_strdup (reason);
  if (!org->gone && !fd_center_crm_write (self->center, write_status, &w, &error))
    g_warning ("Organization %" G_GINT64_FORMAT ": the CRM status cannot be saved: %s",
               org->organization_id, error->message);
}

/* --- back-off --------------------------------------------------------------- */

void
fd_crm_org_failed (FdCrm *self, CrmOrg *org, const GError *error, gint retry_after)
{
  gint64 delay_ms;

  if (retry_after > 0)
    delay_ms = (gint64) retry_after * 1000;
  else
    {
      org->backoff_ms = org->backoff_ms == 0 ? self->options.backoff_ms : MIN (org->backoff_ms * 2, MAX_BACKOFF_MS);
      delay_ms = org->backoff_ms;
    }
  org->backoff_until = g_get_monotonic_time () + delay_ms * 1000;
  g_message ("Organization %" G_GINT64_FORMAT ": %s CRM paused for %" G_GINT64_FORMAT " ms: %s",
             org->organization_id, org->provider->display_name, delay_ms, error->message);
  fd_crm_schedule_pumps (self);
}

void
fd_crm_org_succeeded (CrmOrg *org)
{
  org->backoff_ms = 0;
  org->backoff_until = 0;
}

gboolean
fd_crm_org_paused (CrmOrg *org)
{
  return org->backoff_until > g_get_monotonic_time ();
}

/* --- tokens ------------------------------------------------------------------ */

static void
finish_refresh (CrmOrg *org, const GError *error)
{
  GSList *waiters = org->refresh_waiters;

  org->refresh_waiters = NULL;
  org->refreshing = FALSE;
  for (GSList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;
      if (error == NULL)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_error_copy (error));
    }
  g_slist_free_full (waiters, g_object_unref);
}

typedef struct {
  FdCrm *crm;
  CrmOrg *org;
} RefreshData;

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RefreshData *data = user_data;
  FdCrm *self = data->crm;
  CrmOrg *org = data->org;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) tokens = fd_oauth_refresh_finish (result, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      finish_refresh (org, error);
      crm_org_unref (org);
      return;
    }
  if (tokens != NULL && !org->gone)
    {
      g_autoptr(GError) seal_error = NULL;
      g_autoptr(GBytes) sealed = fd_crm_seal_tokens (self, tokens, &seal_error);
      StatusWrite w = { org->organization_id, FD_CRM_STATUS_CONNECTED, NULL, sealed };

      /* Rotation: the refresh token answered (new or the same) is saved at
       * once; the old one may already be void at the CRM. */
      if (sealed == NULL || !fd_center_crm_write (self->center, write_status, &w, &seal_error))
        g_warning ("Organization %" G_GINT64_FORMAT ": the refreshed CRM tokens cannot be saved: %s",
                   org->organization_id, seal_error->message);
      g_clear_pointer (&org->tokens, fd_oauth_tokens_free);
      org->tokens = g_steal_pointer (&tokens);
      g_free (org->status);
      org->status = g_strdup (FD_CRM_STATUS_CONNECTED);
      g_clear_pointer (&org->status_reason, g_free);
      finish_refresh (org, NULL);
    }
  else if (tokens != NULL)
    {
      g_autoptr(GError) gone = g_error_new_literal (FD_CRM_ERROR, FD_CRM_ERROR_REFUSED, "The CRM was disconnected.");
      finish_refresh (org, gone);
    }
  else
    {
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        fd_crm_set_status (self, org, FD_CRM_STATUS_NEEDS_AUTHORIZATION,
                           "The CRM refused to renew the authorization (it was revoked or expired); "
                           "an administrator must connect again (frontdeskctl crm connect).");
      else
        fd_crm_org_failed (self, org, error, 0);
      finish_refresh (org, error);
    }
  crm_org_unref (org);
}

/* Renews the organization's access token; concurrent callers share one
 * refresh (a rotated refresh token can be used once). */
void
fd_crm_refresh_async (FdCrm *self, CrmOrg *org, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, self->cancellable, callback, user_data);
  RefreshData *data;

  if (org->tokens == NULL || org->tokens->refresh_token == NULL)
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_UNAUTHORIZED, "The CRM connection has no refresh token.");
      g_object_unref (task);
      return;
    }
  org->refresh_waiters = g_slist_append (org->refresh_waiters, task);
  if (org->refreshing)
    return;
  org->refreshing = TRUE;
  data = g_new0 (RefreshData, 1);
  data->crm = self;
  data->org = crm_org_ref (org);
  fd_oauth_refresh_async (org->oauth, self->session, org->client_id, org->client_secret, org->tokens,
                          self->cancellable, on_refreshed, data);
}

gboolean
fd_crm_refresh_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- the object ------------------------------------------------------------- */

static void
on_started (gpointer data, gint64 organization_id, gint64 conversation_id)
{
  fd_crm_lookup_queue (data, organization_id, conversation_id);
}

static void
on_closed (gpointer data, gint64 organization_id, gint64 conversation_id)
{
  FdCrm *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conv = fd_store_get_conversation (fd_center_get_store (self->center), organization_id,
                                                              conversation_id, TRUE, &error);

  if (conv == NULL || !fd_center_crm_queue_automatic (self->center, conv, &error))
    {
      g_warning ("Conversation %" G_GINT64_FORMAT ": the automatic CRM entry cannot be queued: %s",
                 conversation_id, error->message);
      return;
    }
  fd_crm_outbox_kick (self);
}

static void
on_queued (gpointer data)
{
  fd_crm_outbox_kick (data);
}

static guint
on_max_queued (gpointer data)
{
  return ((FdCrm *) data)->options.max_queued;
}

static const FdCenterCrmHooks hooks = {
  .started = on_started,
  .closed = on_closed,
  .queued = on_queued,
  .max_queued = on_max_queued,
};

FdCrm *
fd_crm_new (FdCenter           *center,
            FdSecretBox        *box,
            const FdCrmOptions *options,
            const char         *listener_url)
{
  FdCrm *self = g_new0 (FdCrm, 1);
  g_autoptr(GPtrArray) connections = NULL;
  g_autoptr(GError) error = NULL;

  self->center = center;
  self->box = box;
  if (options != NULL)
    self->options = *options;
  else
    fd_crm_options_init (&self->options);
  self->public_url = g_strdup (self->options.public_url != NULL ? self->options.public_url : listener_url);
  while (self->public_url != NULL && g_str_has_suffix (self->public_url, "/"))
    self->public_url[strlen (self->public_url) - 1] = '\0';
  self->options.public_url = NULL;
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("timeout", FD_CRM_TIMEOUT, "idle-timeout", 60,
                                                 "max-conns", 8, "max-conns-per-host", 4,
                                                 "user-agent", "frontdeskd-crm", NULL);
  self->orgs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) crm_org_unref);
  fd_crm_lookup_init (self);
  fd_crm_page_init (self);
  connections = fd_store_list_crm_connections (fd_center_get_store (center), &error);
  for (guint i = 0; connections != NULL && i < connections->len; i++)
    fd_crm_load_org (self, ((FdStoreCrmConnection *) g_ptr_array_index (connections, i))->organization_id);
  if (connections == NULL)
    g_warning ("The CRM connections cannot be read: %s", error->message);
  fd_center_set_crm_hooks (center, &hooks, self);
  fd_crm_outbox_kick (self);
  return self;
}

void
fd_crm_free (FdCrm *self)
{
  if (self == NULL)
    return;
  fd_center_set_crm_hooks (self->center, NULL, NULL);
  g_cancellable_cancel (self->cancellable);
  /* Cancelled operations finish in later main-loop turns: they hold
   * references to their organizations, not to this object. */
  fd_crm_lookup_clear (self);
  fd_crm_outbox_clear (self);
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_hash_table_unref (self->orgs);
  g_object_unref (self->session);
  g_object_unref (self->cancellable);
  fd_crm_page_clear (self);
  g_free (self->public_url);
  g_free (self);
}

guint
fd_crm_get_max_queued (FdCrm *self)
{
  return self->options.max_queued;
}

static gboolean
on_pump (gpointer data)
{
  FdCrm *self = data;

  self->pump_id = 0;
  fd_crm_lookup_pump (self);
  fd_crm_outbox_pump (self);
  return G_SOURCE_REMOVE;
}

/* Runs the pumps when the earliest back-off of an organization ends. */
void
fd_crm_schedule_pumps (FdCrm *self)
{
  GHashTableIter iter;
  CrmOrg *org;
  gint64 earliest = 0, now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->orgs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &org))
    if (org->backoff_until > now && (earliest == 0 || org->backoff_until < earliest))
      earliest = org->backoff_until;
  if (earliest == 0)
    return;
  g_clear_handle_id (&self->pump_id, g_source_remove);
  self->pump_id = g_timeout_add ((guint) MAX (1, (earliest - now) / 1000 + 1), on_pump, self);
}
