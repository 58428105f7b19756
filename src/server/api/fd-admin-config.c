#define G_LOG_DOMAIN "fd-admin-api"

/* The admin API's routes beyond the entity table: queue members, routing
 * phases, organizations and site import/export. */

#include "fd-admin-api-private.h"

#include "fd-codec.h"
#include "fd-site.h"

gboolean
fd_admin_serve_members (Request  *req,
                        gint64    queue_id,
                        gint64    agent_id,
                        GError  **error)
{
  g_autoptr(FdQueue) queue = NULL;

  if (!fd_admin_check_ref (req, FD_LEVEL_QUEUE, queue_id, error))
    return FALSE;

  if (agent_id == 0)
    {
      g_autoptr(GPtrArray) agents = fd_agent_list_new ();

      queue = fd_store_get_queue (req->store, req->org_id, queue_id, error);
      if (queue == NULL)
        return FALSE;
      for (guint i = 0; queue->member_ids != NULL && i < queue->member_ids->len; i++)
        {
          FdAgent *agent = fd_store_get_agent (req->store, req->org_id,
                                               g_array_index (queue->member_ids, gint64, i), error);

          if (agent == NULL)
            return FALSE;
          g_ptr_array_add (agents, agent);
        }
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_agent_list_to_json (agents));
      return TRUE;
    }

  if (!fd_admin_check_ref (req, FD_LEVEL_AGENT, agent_id, error))
    return FALSE;
  if (g_str_equal (req->method, "PUT"))
    {
      if (!fd_store_add_queue_member (req->store, req->org_id, queue_id, agent_id, error))
        return FALSE;
    }
  else if (!fd_store_remove_queue_member (req->store, req->org_id, queue_id, agent_id, error))
    return FALSE;

  queue = fd_store_get_queue (req->store, req->org_id, queue_id, error);
  if (queue == NULL)
    return FALSE;
  fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_queue_to_json (queue));
  return TRUE;
}

/* POST …/streams/{s}/authorization (docs/admin.md, "Email streams"): a new
 * link for the stream, its old one void; mailed to the organization's
 * authorization addresses when the server has a relay. The answer carries
 * the link: the admin token may do anything an authorization does. */
gboolean
fd_admin_serve_authorization (Request      *req,
                              FdAuthorize  *authorize,
                              gint64        stream_id,
                              GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) sent_to = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expires = NULL;
  gint64 expires_at = 0;

  if (!fd_admin_check_ref (req, FD_LEVEL_STREAM, stream_id, error))
    return FALSE;
  if (authorize == NULL)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "This server does not run the authorization flow.");
      return FALSE;
    }
  url = fd_authorize_new_link (authorize, req->org_id, stream_id, &expires_at, &sent_to, error);
  if (url == NULL)
    {
      if (error != NULL && *error != NULL && (*error)->domain == FD_STORE_ERROR &&
          (*error)->code == FD_STORE_ERROR_INVALID)
        {
          g_autofree char *message = g_strdup ((*error)->message);

          g_clear_error (error);
          g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD, message);
        }
      return FALSE;
    }
  expires = fd_timestamp_to_string (expires_at);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "stream_id");
  json_builder_add_int_value (builder, stream_id);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_string_value (builder, expires);
  json_builder_set_member_name (builder, "sent_to");
  json_builder_begin_array (builder);
  for (guint i = 0; sent_to != NULL && sent_to[i] != NULL; i++)
    json_builder_add_string_value (builder, sent_to[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  fd_api_respond_json (req->msg, SOUP_STATUS_CREATED, g_steal_pointer (&root));
  return TRUE;
}

/* GET / PUT …/streams/{s}/phases: the whole ordered list at once. */
gboolean
fd_admin_serve_phases (Request  *req,
                       gint64    stream_id,
                       GError  **error)
{
  g_autoptr(GPtrArray) phases = NULL;

  if (!fd_admin_check_ref (req, FD_LEVEL_STREAM, stream_id, error))
    return FALSE;

  if (g_str_equal (req->method, "PUT"))
    {
      g_autoptr(JsonNode) body = fd_admin_parse_body (req, error);

      if (body == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_ARRAY (body))
        {
          g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                               "The body must be a JSON array of routing phases, in order.");
          return FALSE;
        }
      phases = fd_phase_list_from_json (body, error);
      if (phases == NULL)
        return FALSE;
      for (guint i = 0; i < phases->len; i++)
        {
          FdPhase *phase = phases->pdata[i];

          phase->id = 0;
          phase->organization_id = req->org_id;
          phase->stream_id = stream_id;
          phase->position = (gint) i;
          if (phase->bounce_seconds < 0 || phase->duration_seconds < 0)
            {
              g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "Phase %u: bounce and duration are seconds, 0 or more.", i + 1);
              return FALSE;
            }
          for (guint a = 0; phase->agent_ids != NULL && a < phase->agent_ids->len; a++)
            if (!fd_admin_check_ref (req, FD_LEVEL_AGENT, g_array_index (phase->agent_ids, gint64, a), error))
              return FALSE;
        }
      if (!fd_store_replace_phases (req->store, req->org_id, stream_id, phases, error))
        return FALSE;
      g_clear_pointer (&phases, g_ptr_array_unref);
    }

  phases = fd_store_list_phases (req->store, req->org_id, stream_id, error);
  if (phases == NULL)
    return FALSE;
  fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_phase_list_to_json (phases));
  return TRUE;
}

gboolean
fd_admin_serve_organizations (Request  *req,
                              GError  **error)
{
  if (g_str_equal (req->method, "GET"))
    {
      g_autoptr(GPtrArray) list = fd_store_list_organizations (req->store, error);

      if (list == NULL)
        return FALSE;
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_organization_list_to_json (list));
      return TRUE;
    }
  else
    {
      g_autoptr(JsonObject) body = fd_admin_parse_object_body (req, error);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(FdOrganization) org = NULL;

      if (body == NULL)
        return FALSE;
      fd_admin_drop_server_members (body);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, body);
      org = fd_organization_from_json (node, error);
      if (org == NULL ||
          !fd_admin_require_text (org->name, "name", "organization", error) ||
          !fd_store_create_organization (req->store, org, error))
        return FALSE;
      req->org_id = org->id;
      fd_api_respond_json (req->msg, SOUP_STATUS_CREATED, fd_organization_to_json (org));
      return TRUE;
    }
}

gboolean
fd_admin_serve_organization (Request  *req,
                             GError  **error)
{
  g_autoptr(FdOrganization) org = fd_store_get_organization (req->store, req->org_id, error);

  if (org == NULL)
    return FALSE;

  if (g_str_equal (req->method, "GET"))
    {
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_organization_to_json (org));
      return TRUE;
    }
  if (g_str_equal (req->method, "DELETE"))
    {
      if (!fd_store_delete_organization (req->store, req->org_id, error))
        return FALSE;
      soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
      return TRUE;
    }

  {
    g_autoptr(JsonObject) body = fd_admin_parse_object_body (req, error);
    g_autoptr(JsonNode) merged = NULL;
    g_autoptr(FdOrganization) updated = NULL;

    if (body == NULL)
      return FALSE;
    fd_admin_drop_server_members (body);
    merged = fd_admin_merge_json (fd_organization_to_json (org), body);
    updated = fd_organization_from_json (merged, error);
    if (updated == NULL || !fd_admin_require_text (updated->name, "name", "organization", error))
      return FALSE;
    updated->id = req->org_id;
    if (!fd_store_update_organization (req->store, updated, error))
      return FALSE;
    g_clear_pointer (&org, fd_organization_free);
    org = fd_store_get_organization (req->store, req->org_id, error);
    if (org == NULL)
      return FALSE;
    fd_api_respond_json (req->msg, SOUP_STATUS_OK, fd_organization_to_json (org));
    return TRUE;
  }
}

/* A site import hashes its agents' passwords on the main loop (fd-site-import.c,
 * inside the import's transaction), about 20 ms each: bounded, so that an
 * import stalls the center for two seconds at most (docs/store.md). */
static gboolean
check_import_passwords (JsonNode  *site,
                        GError   **error)
{
  JsonNode *agents;
  guint n = 0;

  if (!JSON_NODE_HOLDS_OBJECT (site))
    return TRUE;
  agents = json_object_get_member (json_node_get_object (site), "agents");
  if (agents == NULL || !JSON_NODE_HOLDS_ARRAY (agents))
    return TRUE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (agents)); i++)
    {
      JsonNode *agent = json_array_get_element (json_node_get_array (agents), i);

      if (JSON_NODE_HOLDS_OBJECT (agent) && json_object_has_member (json_node_get_object (agent), "password"))
        n++;
    }
  if (n <= FD_ADMIN_API_MAX_IMPORT_PASSWORDS)
    return TRUE;
  g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
               "A site import sets at most %u agents' passwords (this one has %u): import the agents "
               "without “password” and set them with “frontdeskctl agent update --password”.",
               FD_ADMIN_API_MAX_IMPORT_PASSWORDS, n);
  return FALSE;
}

gboolean
fd_admin_serve_site (Request  *req,
                     gboolean  into_new,
                     GError  **error)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(FdOrganization) org = NULL;

  if (g_str_equal (req->method, "GET"))
    {
      JsonNode *site = fd_site_export (req->store, req->org_id, error);

      if (site == NULL)
        return FALSE;
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, site);
      return TRUE;
    }

  body = fd_admin_parse_body (req, error);
  if (body == NULL || !check_import_passwords (body, error))
    return FALSE;
  org = fd_site_import (req->store, fd_admin_secret_box (req), body, into_new ? 0 : req->org_id, error);
  if (org == NULL)
    return FALSE;
  req->org_id = org->id;
  fd_api_respond_json (req->msg, into_new ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                  fd_organization_to_json (org));
  return TRUE;
}
