#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-provider.h"

#include <string.h>

/* Salesforce (docs/crm.md, "Salesforce"): the REST API's query resource
 * (SOQL) for the lookup, Contact first then Lead, and sobjects/Task for a
 * log entry. A 401 INVALID_SESSION_ID is fd-crm.c's to refresh. */

#define API "/services/data/v59.0"
/* Salesforce ids: 15 or 18 letters and digits. */
#define MAX_ID 18
/* A Task's Description holds 32 000 characters. */
#define MAX_DESCRIPTION 32000

/* A SOQL string literal: quotes and backslashes escaped, control
 * characters as their escapes (Salesforce SOQL reference, "Quoted String
 * Escape Sequences"). */
static void
append_soql_string (GString *soql, const char *value)
{
  g_string_append_c (soql, '\'');
  for (const char *p = value; *p != '\0'; p++)
    switch (*p)
      {
      case '\'': g_string_append (soql, "\\'"); break;
      case '"': g_string_append (soql, "\\\""); break;
      case '\\': g_string_append (soql, "\\\\"); break;
      case '\n': g_string_append (soql, "\\n"); break;
      case '\r': g_string_append (soql, "\\r"); break;
      case '\t': g_string_append (soql, "\\t"); break;
      case '\b': g_string_append (soql, "\\b"); break;
      case '\f': g_string_append (soql, "\\f"); break;
      default:
        if ((guchar) *p >= 0x20)
          g_string_append_c (soql, *p);
      }
  g_string_append_c (soql, '\'');
}

static gboolean
valid_id (const char *id)
{
  gsize len = id != NULL ? strlen (id) : 0;

  if (len != 15 && len != 18)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static gboolean
check_instance (const char *instance_url, gboolean allow_http, GError **error)
{
  return fd_crm_check_origin (instance_url, allow_http, error);
}

typedef struct {
  FdCrmCall *call;
  char *email;
  char *phone;
  gboolean leads;   /* the second query: Lead */
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->email);
  g_free (lookup->phone);
  g_free (lookup);
}

static char *
lookup_soql (Lookup *lookup)
{
  GString *soql = g_string_new (NULL);
  gboolean first = TRUE;

  if (lookup->leads)
    g_string_append (soql, "SELECT Id, Name, Company FROM Lead WHERE IsConverted = false AND (");
  else
    g_string_append (soql, "SELECT Id, Name, Account.Name FROM Contact WHERE (");
  if (lookup->email != NULL)
    {
      g_string_append (soql, "Email = ");
      append_soql_string (soql, lookup->email);
      first = FALSE;
    }
  if (lookup->phone != NULL)
    {
      g_string_append (soql, first ? "Phone = " : " OR Phone = ");
      append_soql_string (soql, lookup->phone);
      g_string_append (soql, " OR MobilePhone = ");
      append_soql_string (soql, lookup->phone);
    }
  g_string_append_printf (soql, ") ORDER BY LastModifiedDate DESC LIMIT %d", FD_CRM_LOOKUP_LIMIT);
  return g_string_free (soql, FALSE);
}

static void on_query (GObject *source, GAsyncResult *result, gpointer user_data);

static void
send_query (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  g_autofree char *soql = lookup_soql (lookup);
  g_autofree char *escaped = g_uri_escape_string (soql, NULL, FALSE);
  g_autofree char *path = g_strconcat (API "/query?q=", escaped, NULL);

  fd_crm_http_async (lookup->call, "GET", path, NULL, NULL, g_task_get_cancellable (task), on_query, task);
}

/* The first record of a query result {"totalSize","done","records":[…]}
 * as a match; NULL with FD_CRM_ERROR_INVALID for a result of another
 * shape, NULL without error for no record. */
static FdCrmMatch *
read_result (Lookup *lookup, JsonNode *root, GError **error)
{
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *records = fd_crm_json_array (object, "records");
  JsonObject *record;
  const char *id;
  FdCrmMatch *match;

  if (records == NULL)
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID,
                   "Salesforce's query result has no records list.");
      return NULL;
    }
  if (json_array_get_length (records) == 0)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (records, 0)))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Salesforce's query result holds a record that is not an object.");
      return NULL;
    }
  record = json_array_get_object_element (records, 0);
  id = fd_crm_json_string (record, "Id");
  if (!valid_id (id))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Salesforce's record has no valid Id.");
      return NULL;
    }
  match = g_new0 (FdCrmMatch, 1);
  match->record_id = g_strdup (id);
  match->kind = g_strdup (lookup->leads ? "Lead" : "Contact");
  match->label = g_strdup (lookup->leads ? "(Salesforce Lead)" : "(Salesforce Contact)");
  match->record_url = g_strdup_printf ("%s/lightning/r/%s/%s/view", lookup->call->instance_url, match->kind, id);
  match->name = g_strdup (fd_crm_json_string (record, "Name"));
  if (lookup->leads)
    match->company = g_strdup (fd_crm_json_string (record, "Company"));
  else
    match->company = g_strdup (fd_crm_json_string (fd_crm_json_object (record, "Account"), "Name"));
  return match;
}

static void
on_query (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = fd_crm_http_finish (result, &error);
  FdCrmMatch *match;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  match = read_result (lookup, root, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (match != NULL)
    g_task_return_pointer (task, match, (GDestroyNotify) fd_crm_match_free);
  else if (!lookup->leads)
    {
      lookup->leads = TRUE;
      send_query (g_steal_pointer (&task));
    }
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
lookup_async (FdCrmCall           *call,
              const char          *email,
              const char          *phone,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->call = call;
  lookup->email = g_strdup (email);
  lookup->phone = g_strdup (phone);
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);
  if (email == NULL && phone == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  send_query (task);
}

static void
on_task_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) root = fd_crm_http_finish (result, &error);
  JsonObject *object;
  const char *id;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  id = fd_crm_json_string (object, "id");
  if (!valid_id (id))
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_INVALID,
                               "Salesforce's answer to the new Task has no valid id.");
      return;
    }
  g_task_return_pointer (task, g_strdup (id), g_free);
}

static void
log_async (FdCrmCall                *call,
           const FdCrmEntryRequest  *entry,
           GCancellable             *cancellable,
           GAsyncReadyCallback       callback,
           gpointer                  user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *description = NULL;

  if (g_utf8_strlen (entry->body, -1) > MAX_DESCRIPTION)
    description = g_utf8_substring (entry->body, 0, MAX_DESCRIPTION);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Subject");
  json_builder_add_string_value (builder, entry->subject);
  json_builder_set_member_name (builder, "Description");
  json_builder_add_string_value (builder, description != NULL ? description : entry->body);
  json_builder_set_member_name (builder, "Status");
  json_builder_add_string_value (builder, "Completed");
  if (valid_id (entry->record_id))
    {
      json_builder_set_member_name (builder, "WhoId");
      json_builder_add_string_value (builder, entry->record_id);
    }
  /* The agent's own user (a 005… id) owns the Task; anything else is
   * ignored and the connected user owns it. */
  if (valid_id (entry->crm_user) && g_str_has_prefix (entry->crm_user, "005"))
    {
      json_builder_set_member_name (builder, "OwnerId");
      json_builder_add_string_value (builder, entry->crm_user);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  /* Salesforce's REST API takes no idempotency key: see docs/crm.md,
   * "Exactly once", for the window of a duplicate. */
  fd_crm_http_async (call, "POST", API "/sobjects/Task", body, NULL, cancellable, on_task_created, task);
}

const FdCrmProvider fd_crm_salesforce = {
  .id = "salesforce",
  .display_name = "Salesforce",
  .oauth_platform = FD_OAUTH_PLATFORM_SALESFORCE,
  .check_instance = check_instance,
  .lookup_async = lookup_async,
  .log_async = log_async,
};
