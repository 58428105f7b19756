#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-provider.h"

#include <string.h>

/* Zendesk (docs/crm.md, "Zendesk"): users/search.json for the lookup (the
 * email address, then the phone number; organizations sideloaded for the
 * company) and tickets.json for a log entry, sent with an Idempotency-Key
 * so that a retry after a crash never makes a second ticket. A 429 with
 * Retry-After is fd-crm-http.c's. */

/* Zendesk ids are JSON numbers. */
static gboolean
member_id (JsonObject *object, const char *name, gint64 *id)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *id = json_node_get_int (node);
  return *id > 0;
}

static char *
search_path (const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  return g_strconcat ("/api/v2/users/search.json?include=organizations&query=", escaped, NULL);
}

static FdCrmMatch *
read_users (FdCrmCall *call, guint index, JsonNode *root, GError **error)
{
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *users = fd_crm_json_array (object, "users");
  JsonArray *organizations = fd_crm_json_array (object, "organizations");
  JsonObject *user;
  gint64 id, organization_id;
  FdCrmMatch *match;

  if (users == NULL)
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Zendesk's user search answer has no users list.");
      return NULL;
    }
  if (json_array_get_length (users) == 0)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (users, 0)) ||
      !member_id ((user = json_array_get_object_element (users, 0)), "id", &id))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Zendesk's user has no numeric id.");
      return NULL;
    }
  match = g_new0 (FdCrmMatch, 1);
  match->record_id = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  match->kind = g_strdup ("user");
  match->label = g_strdup ("(Zendesk user)");
  match->record_url = g_strdup_printf ("%s/agent/users/%" G_GINT64_FORMAT, call->instance_url, id);
  match->name = g_strdup (fd_crm_json_string (user, "name"));
  if (organizations != NULL && member_id (user, "organization_id", &organization_id))
    for (guint i = 0; i < json_array_get_length (organizations); i++)
      {
        JsonNode *node = json_array_get_element (organizations, i);
        gint64 oid;
        if (JSON_NODE_HOLDS_OBJECT (node) && member_id (json_node_get_object (node), "id", &oid) &&
            oid == organization_id)
          {
            match->company = g_strdup (fd_crm_json_string (json_node_get_object (node), "name"));
            break;
          }
      }
  return match;
}

/* The email address first, then the phone number. */
static char **
lookup_paths (const char *email, const char *phone)
{
  char **paths = g_new0 (char *, 3);
  guint n = 0;

  if (email != NULL)
    paths[n++] = search_path (email);
  if (phone != NULL)
    paths[n++] = search_path (phone);
  return paths;
}

static char *
read_ticket_id (JsonObject *answer, GError **error)
{
  gint64 id;

  if (!member_id (fd_crm_json_object (answer, "ticket"), "id", &id))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_INVALID, "Zendesk's answer to the new ticket has no numeric id.");
      return NULL;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT, id);
}

static gboolean
all_digits (const char *text, gint64 *value)
{
  return text != NULL && *text != '\0' && strspn (text, "0123456789") == strlen (text) &&
         g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, value, NULL);
}

static JsonNode *
log_body (const FdCrmEntryRequest *entry)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 requester, author;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ticket");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, entry->subject);
  /* A log entry records what is done: the ticket is made solved. */
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "solved");
  if (all_digits (entry->record_id, &requester))
    {
      json_builder_set_member_name (builder, "requester_id");
      json_builder_add_int_value (builder, requester);
    }
  else if (entry->customer_email != NULL)
    {
      json_builder_set_member_name (builder, "requester");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "email");
      json_builder_add_string_value (builder, entry->customer_email);
      if (entry->customer_name != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, entry->customer_name);
        }
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "comment");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, entry->body);
  json_builder_set_member_name (builder, "public");
  json_builder_add_boolean_value (builder, FALSE);
  /* The agent's own Zendesk user (its numeric id) writes the comment. */
  if (all_digits (entry->crm_user, &author))
    {
      json_builder_set_member_name (builder, "author_id");
      json_builder_add_int_value (builder, author);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

const FdCrmProvider fd_crm_zendesk = {
  .id = "zendesk",
  .display_name = "Zendesk",
  .oauth_platform = FD_OAUTH_PLATFORM_ZENDESK,
  .check_instance = fd_crm_check_origin,
  .lookup_paths = lookup_paths,
  .read_match = read_users,
  .log_path = "/api/v2/tickets.json",
  .log_idempotency_key = TRUE,
  .log_body = log_body,
  .read_log_id = read_ticket_id,
};
