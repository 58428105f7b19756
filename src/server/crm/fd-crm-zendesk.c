#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-provider.h"

#include <string.h>

/* Zendesk (docs/crm.md, "Zendesk"): users/search.json for the lookup (the
 * email address, then the phone number; organizations sideloaded for the
 * company) and tickets.json for a log entry, sent with an Idempotency-Key
 * so that a retry after a crash never makes a second ticket. A 429 with
 * Retry-After is fd-crm-http.c's. */

static gboolean
check_instance (const char *instance_url, gboolean allow_http, GError **error)
{
  return fd_crm_check_origin (instance_url, allow_http, error);
}

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

typedef struct {
  FdCrmCall *call;
  char *email;
  char *phone;
  gboolean by_phone;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->email);
  g_free (lookup->phone);
  g_free (lookup);
}

static void on_search (GObject *source, GAsyncResult *result, gpointer user_data);

static void
send_search (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);
  const char *value = lookup->by_phone ? lookup->phone : lookup->email;
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/v2/users/search.json?include=organizations&query=", escaped, NULL);

  fd_crm_http_async (lookup->call, "GET", path, NULL, NULL, g_task_get_cancellable (task), on_search, task);
}

static FdCrmMatch *
read_users (Lookup *lookup, JsonNode *root, GError **error)
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
  match->record_url = g_strdup_printf ("%s/agent/users/%" G_GINT64_FORMAT, lookup->call->instance_url, id);
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

static void
on_search (GObject *source, GAsyncResult *result, gpointer user_data)
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
  match = read_users (lookup, root, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (match != NULL)
    g_task_return_pointer (task, match, (GDestroyNotify) fd_crm_match_free);
  else if (!lookup->by_phone && lookup->phone != NULL)
    {
      lookup->by_phone = TRUE;
      send_search (g_steal_pointer (&task));
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
  lookup->by_phone = email == NULL;
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);
  if (email == NULL && phone == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  send_search (task);
}

static void
on_ticket_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) root = fd_crm_http_finish (result, &error);
  JsonObject *ticket;
  gint64 id;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ticket = fd_crm_json_object (root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL,
                               "ticket");
  if (!member_id (ticket, "id", &id))
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_INVALID,
                               "Zendesk's answer to the new ticket has no numeric id.");
      return;
    }
  g_task_return_pointer (task, g_strdup_printf ("%" G_GINT64_FORMAT, id), g_free);
}

static gboolean
all_digits (const char *text, gint64 *value)
{
  return text != NULL && *text != '\0' && strspn (text, "0123456789") == strlen (text) &&
         g_ascii_string_to_signed (text, 10, 1, G_MAXINT64, value, NULL);
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
  body = json_builder_get_root (builder);
  fd_crm_http_async (call, "POST", "/api/v2/tickets.json", body, entry->idempotency_key, cancellable,
                     on_ticket_created, task);
}

const FdCrmProvider fd_crm_zendesk = {
  .id = "zendesk",
  .display_name = "Zendesk",
  .oauth_platform = FD_OAUTH_PLATFORM_ZENDESK,
  .check_instance = check_instance,
  .lookup_async = lookup_async,
  .log_async = log_async,
};
