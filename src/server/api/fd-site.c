#define G_LOG_DOMAIN "fd-site"

/* Site documents: what export and import share, and the export. The
 * import is in fd-site-import.c. */

#include "fd-site-private.h"

#include <string.h>

G_DEFINE_QUARK (fd-site-error-quark, fd_site_error)

/* Members that only make sense inside one database: ids, creation times,
 * and live state. Export drops them; import ignores them. */
static const char * const local_members[] = {
  "id", "organization_id", "created_at", "queue_id", "stream_id", "owner_id",
  "member_ids", "agent_ids", "position", "deleted", "acd_state", "acd_reason",
  "idle_since", NULL
};

void
fd_site_drop_local_members (JsonObject *obj)
{
  for (guint i = 0; local_members[i] != NULL; i++)
    if (json_object_has_member (obj, local_members[i]))
      json_object_remove_member (obj, local_members[i]);
}

/* Takes an entity's codec JSON and makes it a site element. */
static JsonObject *
site_element (JsonNode *entity_json)
{
  JsonObject *obj = json_object_ref (json_node_get_object (entity_json));

  json_node_unref (entity_json);
  fd_site_drop_local_members (obj);
  return obj;
}

JsonNode *
fd_site_object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

/* --- Export -------------------------------------------------------------- */

static const char *
owner_name (FdLevel      level,
            gint64       owner_id,
            GHashTable  *queue_names,
            GHashTable  *stream_names,
            GHashTable  *agent_emails)
{
  switch (level)
    {
    case FD_LEVEL_QUEUE:
      return g_hash_table_lookup (queue_names, &owner_id);
    case FD_LEVEL_STREAM:
      return g_hash_table_lookup (stream_names, &owner_id);
    case FD_LEVEL_AGENT:
      return g_hash_table_lookup (agent_emails, &owner_id);
    case FD_LEVEL_ORGANIZATION:
    default:
      return NULL;
    }
}

static JsonArray *
email_array (GArray     *ids,
             GHashTable *agent_emails)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      const char *email = g_hash_table_lookup (agent_emails, &g_array_index (ids, gint64, i));

      if (email != NULL)
        json_array_add_string_element (array, email);
    }
  return array;
}

JsonNode *
fd_site_export (FdStore  *store,
                gint64    organization_id,
                GError  **error)
{
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GPtrArray) queues = NULL;
  g_autoptr(GPtrArray) streams = NULL;
  g_autoptr(GPtrArray) canned = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GHashTable) agent_emails = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) queue_names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) stream_names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(JsonObject) site = json_object_new ();
  JsonArray *array;

  g_return_val_if_fail (store != NULL, NULL);

  if ((org = fd_store_get_organization (store, organization_id, error)) == NULL ||
      (agents = fd_store_list_agents (store, organization_id, error)) == NULL ||
      (queues = fd_store_list_queues (store, organization_id, error)) == NULL ||
      (streams = fd_store_list_streams (store, organization_id, FALSE, error)) == NULL ||
      (canned = fd_store_list_canned_replies (store, organization_id, error)) == NULL ||
      (resources = fd_store_list_resources (store, organization_id, error)) == NULL)
    return NULL;

  json_object_set_string_member (site, "format", FD_SITE_FORMAT);
  json_object_set_int_member (site, "version", FD_SITE_VERSION);
  json_object_set_object_member (site, "organization", site_element (fd_organization_to_json (org)));

  array = json_array_new ();
  for (guint i = 0; i < agents->len; i++)
    {
      FdAgent *agent = agents->pdata[i];

      g_hash_table_insert (agent_emails, &agent->id, agent->email);
      json_array_add_object_element (array, site_element (fd_agent_to_json (agent)));
    }
  json_object_set_array_member (site, "agents", array);

  array = json_array_new ();
  for (guint i = 0; i < queues->len; i++)
    {
      FdQueue *queue = queues->pdata[i];
      JsonObject *obj = site_element (fd_queue_to_json (queue));

      g_hash_table_insert (queue_names, &queue->id, queue->name);
      json_object_set_array_member (obj, "members", email_array (queue->member_ids, agent_emails));
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (site, "queues", array);

  array = json_array_new ();
  for (guint i = 0; i < streams->len; i++)
    {
      FdStream *stream = streams->pdata[i];
      g_autoptr(GPtrArray) phases = NULL;
      JsonObject *obj;
      JsonArray *phase_array;

      phases = fd_store_list_phases (store, organization_id, stream->id, error);
      if (phases == NULL)
        return NULL;

      g_hash_table_insert (stream_names, &stream->id, stream->name);
      obj = site_element (fd_stream_to_json (stream));
      json_object_set_string_member (obj, "queue", g_hash_table_lookup (queue_names, &stream->queue_id));

      phase_array = json_array_new ();
      for (guint p = 0; p < phases->len; p++)
        {
          FdPhase *phase = phases->pdata[p];
          JsonObject *phase_obj = site_element (fd_phase_to_json (phase));

          json_object_set_array_member (phase_obj, "agents", email_array (phase->agent_ids, agent_emails));
          json_array_add_object_element (phase_array, phase_obj);
        }
      json_object_set_array_member (obj, "phases", phase_array);
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (site, "streams", array);

  /* A canned reply or resource of a soft-deleted stream has no owner left to
   * name, so it is not exported. */
  array = json_array_new ();
  for (guint i = 0; i < canned->len; i++)
    {
      FdCannedReply *reply = canned->pdata[i];
      const char *owner = owner_name (reply->level, reply->owner_id, queue_names, stream_names, agent_emails);
      JsonObject *obj;

      if (reply->level != FD_LEVEL_ORGANIZATION && owner == NULL)
        continue;
      obj = site_element (fd_canned_reply_to_json (reply));
      if (owner != NULL)
        json_object_set_string_member (obj, "owner", owner);
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (site, "canned_replies", array);

  array = json_array_new ();
  for (guint i = 0; i < resources->len; i++)
    {
      FdResource *resource = resources->pdata[i];
      const char *owner = owner_name (resource->level, resource->owner_id, queue_names, stream_names, agent_emails);
      JsonObject *obj;

      if (resource->level != FD_LEVEL_ORGANIZATION && owner == NULL)
        continue;
      obj = site_element (fd_resource_to_json (resource));
      if (owner != NULL)
        json_object_set_string_member (obj, "owner", owner);
      json_array_add_object_element (array, obj);
    }
  json_object_set_array_member (site, "resources", array);

  return fd_site_object_node (g_steal_pointer (&site));
}
