#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-private.h"
#include "fd-center-crm.h"

#include <string.h>

/* The lookup of each new conversation's customer (docs/crm.md, "Lookup"):
 * queued by the center's hook, run a few at a time, never in the routing's
 * way; results (found or not) cached for cache_seconds; a failing or
 * rate-limited CRM pauses its organization's lookups (back-off). */

#define MAX_LOOKUP_ATTEMPTS 3

typedef struct {
  gint64 organization_id;
  gint64 conversation_id;
  gint   attempts;
} Lookup;

typedef struct {
  gint64      expires_at;   /* monotonic µs */
  FdCrmMatch *match;        /* NULL = not found */
} CacheEntry;

static void
cache_entry_free (CacheEntry *entry)
{
  fd_crm_match_free (entry->match);
  g_free (entry);
}

char *
fd_crm_normalise_phone (const char *phone)
{
  GString *out;
  guint digits = 0;

  if (phone == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    {
      if (*p == '+' && out->len == 0)
        g_string_append_c (out, '+');
      else if (g_ascii_isdigit (*p))
        {
          g_string_append_c (out, *p);
          digits++;
        }
    }
  if (digits < 5 || digits > 15)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

void
fd_crm_lookup_init (FdCrm *self)
{
  self->lookups = g_queue_new ();
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cache_entry_free);
  self->cache_order = g_queue_new ();
}

void
fd_crm_lookup_clear (FdCrm *self)
{
  g_clear_handle_id (&self->lookup_idle_id, g_source_remove);
  g_queue_free_full (self->lookups, g_free);
  g_queue_free_full (self->cache_order, g_free);
  g_hash_table_unref (self->cache);
}

static char *
cache_key (gint64 organization_id, const char *email, const char *phone)
{
  g_autofree char *folded = email != NULL ? g_utf8_casefold (email, -1) : NULL;

  return g_strdup_printf ("%" G_GINT64_FORMAT "\n%s\n%s", organization_id, folded != NULL ? folded : "",
                          phone != NULL ? phone : "");
}

static void
cache_put (FdCrm *self, const char *key, const FdCrmMatch *match)
{
  CacheEntry *entry;

  if (self->options.cache_seconds == 0 || self->options.cache_entries == 0)
    return;
  if (!g_hash_table_contains (self->cache, key))
    {
      /* Bounded: the oldest key goes first. */
      while (g_queue_get_length (self->cache_order) >= self->options.cache_entries)
        {
          char *old = g_queue_pop_head (self->cache_order);
          g_hash_table_remove (self->cache, old);
          g_free (old);
        }
      g_queue_push_tail (self->cache_order, g_strdup (key));
    }
  entry = g_new0 (CacheEntry, 1);
  entry->expires_at = g_get_monotonic_time () + (gint64) self->options.cache_seconds * G_USEC_PER_SEC;
  if (match != NULL)
    {
      entry->match = g_new0 (FdCrmMatch, 1);
      entry->match->record_id = g_strdup (match->record_id);
      entry->match->kind = g_strdup (match->kind);
      entry->match->label = g_strdup (match->label);
      entry->match->record_url = g_strdup (match->record_url);
      entry->match->company = g_strdup (match->company);
      entry->match->name = g_strdup (match->name);
    }
  g_hash_table_replace (self->cache, g_strdup (key), entry);
}

static gboolean
on_lookup_idle (gpointer data)
{
  FdCrm *self = data;

  self->lookup_idle_id = 0;
  fd_crm_lookup_pump (self);
  return G_SOURCE_REMOVE;
}

void
fd_crm_lookup_queue (FdCrm *self, gint64 organization_id, gint64 conversation_id)
{
  Lookup *lookup;

  if (!g_hash_table_contains (self->orgs, &organization_id))
    return;
  if (g_queue_get_length (self->lookups) >= FD_CRM_MAX_PENDING_LOOKUPS)
    {
      g_free (g_queue_pop_head (self->lookups));
      g_message ("Too many CRM lookups waiting: the oldest was dropped");
    }
  lookup = g_new0 (Lookup, 1);
  lookup->organization_id = organization_id;
  lookup->conversation_id = conversation_id;
  g_queue_push_tail (self->lookups, lookup);
  /* Later: the caller's transaction commits first, and routing goes on. */
  if (self->lookup_idle_id == 0)
    self->lookup_idle_id = g_idle_add_full (G_PRIORITY_LOW, on_lookup_idle, self, NULL);
}

static void
apply (FdCrm *self, const Lookup *lookup, const FdCrmMatch *match, const char *provider_id)
{
  FdContact fields = { 0 };
  g_autoptr(GError) error = NULL;

  if (match != NULL)
    {
      fields.crm_label = match->label;
      fields.crm_provider = (char *) provider_id;
      fields.crm_kind = match->kind;
      fields.crm_company = match->company;
      /* The app opens only https: a record URL of another scheme (a test
       * instance on http) is not sent. */
      fields.crm_record_url = g_str_has_prefix (match->record_url, "https://") ? match->record_url : NULL;
      if (fields.crm_company != NULL && g_utf8_strlen (fields.crm_company, -1) > FD_LIMIT_NAME)
        fields.crm_company = NULL;
    }
  if (!fd_center_set_contact_crm (self->center, lookup->organization_id, lookup->conversation_id, &fields,
                                  match != NULL ? match->record_id : NULL, &error))
    g_message ("Conversation %" G_GINT64_FORMAT ": the CRM result cannot be stored: %s",
               lookup->conversation_id, error->message);
}

typedef struct {
  FdCrm *crm;
  CrmOrg *org;
  Lookup *lookup;
  char *key;
  char *email;
  char *phone;
  char *instance_url;
  char *access_token;
  FdCrmCall call;
  gboolean refreshed;
} Op;

static void
op_free (Op *op)
{
  crm_org_unref (op->org);
  g_free (op->lookup);
  g_free (op->key);
  g_free (op->email);
  g_free (op->phone);
  g_free (op->instance_url);
  g_free (op->access_token);
  g_free (op);
}

static void op_start (Op *op);

static void
on_refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_crm_refresh_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          op->crm->lookups_in_flight--;
          fd_crm_lookup_pump (op->crm);
        }
      op_free (op);
      return;
    }
  op->refreshed = TRUE;
  op_start (op);
}

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  FdCrm *self = op->crm;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdCrmMatch) match = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      op_free (op);
      return;
    }
  if (error != NULL && g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_UNAUTHORIZED) && !op->refreshed &&
      !op->org->gone)
    {
      fd_crm_refresh_async (self, op->org, on_refreshed, op);
      return;
    }
  self->lookups_in_flight--;
  if (error != NULL)
    {
      if (!g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_REFUSED) &&
          !g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_UNAUTHORIZED))
        fd_crm_org_failed (self, op->org, error, op->call.retry_after);
      else
        g_message ("Conversation %" G_GINT64_FORMAT ": CRM lookup refused: %s",
                   op->lookup->conversation_id, error->message);
      /* Looked up again after the pause, a few times at most. */
      if (++op->lookup->attempts < MAX_LOOKUP_ATTEMPTS && !op->org->gone &&
          g_queue_get_length (self->lookups) < FD_CRM_MAX_PENDING_LOOKUPS &&
          !g_error_matches (error, FD_CRM_ERROR, FD_CRM_ERROR_REFUSED))
        g_queue_push_tail (self->lookups, g_steal_pointer (&op->lookup));
    }
  else if (!op->org->gone)
    {
      fd_crm_org_succeeded (op->org);
      cache_put (self, op->key, match);
      apply (self, op->lookup, match, op->org->provider->id);
    }
  op_free (op);
  fd_crm_lookup_pump (self);
}

static void
op_start (Op *op)
{
  fd_crm_call_init (op->crm, op->org, op->instance_url, &op->call, &op->access_token);
  fd_crm_lookup_async (op->org->provider, &op->call, op->email, op->phone, op->crm->cancellable,
                       on_looked_up, op);
}

/* Starts the lookups that may run: their organization connected and not
 * paused, FD_CRM_MAX_LOOKUPS_IN_FLIGHT at most. */
void
fd_crm_lookup_pump (FdCrm *self)
{
  GList *l = self->lookups->head;

  while (l != NULL && self->lookups_in_flight < FD_CRM_MAX_LOOKUPS_IN_FLIGHT)
    {
      Lookup *lookup = l->data;
      GList *next = l->next;
      CrmOrg *org = g_hash_table_lookup (self->orgs, &lookup->organization_id);
      g_autoptr(FdConversation) conv = NULL;
      g_autofree char *phone = NULL;
      g_autofree char *key = NULL;
      const char *email;
      CacheEntry *cached;
      Op *op;

      if (org != NULL && fd_crm_org_paused (org))
        {
          l = next;
          continue;
        }
      g_queue_delete_link (self->lookups, l);
      l = next;
      if (!fd_crm_org_usable (org))
        {
          g_free (lookup);
          continue;
        }
      conv = fd_store_get_conversation (fd_center_get_store (self->center), lookup->organization_id,
                                        lookup->conversation_id, TRUE, NULL);
      if (conv == NULL || conv->contact == NULL)
        {
          g_free (lookup);
          continue;
        }
      email = conv->contact->email != NULL && *conv->contact->email != '\0' ? conv->contact->email : NULL;
      phone = fd_crm_normalise_phone (conv->contact->phone != NULL ? conv->contact->phone : conv->callback_number);
      if (email == NULL && phone == NULL)
        {
          g_free (lookup);
          continue;
        }
      key = cache_key (lookup->organization_id, email, phone);
      cached = g_hash_table_lookup (self->cache, key);
      if (cached != NULL && cached->expires_at > g_get_monotonic_time ())
        {
          apply (self, lookup, cached->match, org->provider->id);
          g_free (lookup);
          continue;
        }
      op = g_new0 (Op, 1);
      op->crm = self;
      op->org = crm_org_ref (org);
      op->lookup = lookup;
      op->key = g_steal_pointer (&key);
      op->email = g_strdup (email);
      op->phone = g_steal_pointer (&phone);
      op->instance_url = g_strdup (org->instance_url);
      self->lookups_in_flight++;
      op_start (op);
    }
  fd_crm_schedule_pumps (self);
}
