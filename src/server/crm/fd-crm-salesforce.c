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

/* The search for @email or @phone among Contacts, or Leads with @leads. */
static char *
lookup_soql (const char *email,
             const char *phone,
             gboolean    leads)
{
  GString *soql = g_string_new (NULL);
  gboolean first = TRUE;

  if (leads)
    g_string_append (soql, "SELECT Id, Name, Company FROM Lead WHERE IsConverted = false AND (");
  else
    g_string_append (soql, "SELECT Id, Name, Account.Name FROM Contact WHERE (");
  if (email != NULL)
    {
      g_string_append (soql, "Email = ");
      append_soql_string (soql, email);
      first = FALSE;
    }
  if (phone != NULL)
    {
      g_string_append (soql, first ? "Phone = " : " OR Phone = ");
      append_soql_string (soql, phone);
      g_string_append (soql, " OR MobilePhone = ");
      append_soql_string (soql, phone);
    }
  g_string_append_printf (soql, ") ORDER BY LastModifiedDate DESC LIMIT %d", FD_CRM_LOOKUP_LIMIT);
  return g_string_free (soql, FALSE);
}

static char *
query_path (const char *email,
            const char *phone,
            gboolean    leads)
{
  g_autofree char *soql = lookup_soql (email, phone, leads);
  g_autofree char *escaped = g_uri_escape_string (soql, NULL, FALSE);

  return g_strconcat (API "/query?q=", escaped, NULL);
}

/* The first record of a query result {"totalSize","done","records":[…]}
 * as a match (search 0: Contacts, 1: Leads); NULL with
 * FD_CRM_ERROR_INVALID for a result of another shape, NULL without error
 * for no record. */
static FdCrmMatch *
read_result (FdCrmCall *call, guint index, JsonNode *root, GError **error)
{
  gboolean leads = index == 1;
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
  match->kind = g_strdup (leads ? "Lead" : "Contact");
  match->label = g_strdup (leads ? "(Salesforce Lead)" : "(Salesforce Contact)");
  match->record_url = g_strdup_printf ("%s/lightning/r/%s/%s/view", call->instance_url, match->kind, id);
  match->name = g_strdup (fd_crm_json_string (record, "Name"));
  if (leads)
    match->company = g_strdup (fd_crm_json_string (record, "Company"));
  else
    match->company = g_strdup (fd_crm_json_string (fd_crm_json_object (record, "Account"), "Name"));
  return match;
}

/* Contacts first, then Leads. */
static char **
lookup_paths (const char *email, const char *phone)
{
  char **paths = g_new0 (char *, 3);

  if (email != NULL || phone != NULL)
    {
      paths[0] = query_path (email, phone, FALSE);
      paths[1] = query_path (email, phone, TRUE);
    }
  return paths;
}

static char *
read_task_id (JsonObject *answer, GError **error)
{
  const char *id = fd_crm_json_string (answer, "id");

  if (!valid_id (id))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Salesforce's answer to the new Task has no valid id.");
      return NULL;
    }
  return g_strdup (id);
}

static JsonNode *
log_body (const FdCrmEntryRequest *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
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
  return json_builder_get_root (builder);
}

const FdCrmProvider fd_crm_salesforce = {
  .id = "salesforce",
  .display_name = "Salesforce",
  .oauth_platform = FD_OAUTH_PLATFORM_SALESFORCE,
  .check_instance = fd_crm_check_origin,
  .lookup_paths = lookup_paths,
  .read_match = read_result,
  /* Salesforce's REST API takes no idempotency key: see docs/crm.md,
   * "Exactly once", for the window of a duplicate. */
  .log_path = API "/sobjects/Task",
  .log_idempotency_key = FALSE,
  .log_body = log_body,
  .read_log_id = read_task_id,
};
