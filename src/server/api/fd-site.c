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

static gboolean
create_canned_reply (FdStore   *store,
                     gpointer   item,
                     GError   **error)
{
  return fd_store_create_canned_reply (store, item, error);
}

static gboolean
create_resource (FdStore   *store,
                 gpointer   item,
                 GError   **error)
{
  return fd_store_create_resource (store, item, error);
}

const FdSiteOwnedKind fd_site_owned_kinds[FD_SITE_N_OWNED] = {
  [FD_SITE_CANNED_REPLIES] = {
    "canned_replies", &fd_canned_reply_info,
    G_STRUCT_OFFSET (FdCannedReply, organization_id), G_STRUCT_OFFSET (FdCannedReply, level),
    G_STRUCT_OFFSET (FdCannedReply, owner_id), fd_store_list_canned_replies, create_canned_reply,
  },
  [FD_SITE_RESOURCES] = {
    "resources", &fd_resource_info,
    G_STRUCT_OFFSET (FdResource, organization_id), G_STRUCT_OFFSET (FdResource, level),
    G_STRUCT_OFFSET (FdResource, owner_id), fd_store_list_resources, create_resource,
  },
};

gboolean
fd_site_contents_load (FdStore        *store,
                       gint64          organization_id,
                       gboolean        with_deleted,
                       FdSiteContents *contents,
                       GError        **error)
{
  *contents = (FdSiteContents) { 0 };
  if ((contents->organization = fd_store_get_organization (store, organization_id, error)) == NULL ||
      (contents->agents = fd_store_list_agents (store, organization_id, error)) == NULL ||
      (contents->queues = fd_store_list_queues (store, organization_id, error)) == NULL ||
      (contents->streams = fd_store_list_streams (store, organization_id, with_deleted, error)) == NULL)
    return FALSE;
  for (guint k = 0; k < FD_SITE_N_OWNED; k++)
    if ((contents->owned[k] = fd_site_owned_kinds[k].list (store, organization_id, error)) == NULL)
      return FALSE;
  return TRUE;
}

void
fd_site_contents_clear (FdSiteContents *contents)
{
  g_clear_pointer (&contents->organization, fd_organization_free);
  g_clear_pointer (&contents->agents, g_ptr_array_unref);
  g_clear_pointer (&contents->queues, g_ptr_array_unref);
  g_clear_pointer (&contents->streams, g_ptr_array_unref);
  for (guint k = 0; k < FD_SITE_N_OWNED; k++)
    g_clear_pointer (&contents->owned[k], g_ptr_array_unref);
}

/* A canned reply or resource of a soft-deleted stream has no owner left to
 * name, so it is not exported. */
static JsonArray *
export_owned (const FdSiteOwnedKind *kind,
              GPtrArray             *items,
              GHashTable            *queue_names,
              GHashTable            *stream_names,
              GHashTable            *agent_emails)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < items->len; i++)
    {
      gpointer item = items->pdata[i];
      FdLevel level = G_STRUCT_MEMBER (FdLevel, item, kind->level_offset);
      const char *owner = owner_name (level, G_STRUCT_MEMBER (gint64, item, kind->owner_offset),
                                      queue_names, stream_names, agent_emails);
      JsonObject *obj;

      if (level != FD_LEVEL_ORGANIZATION && owner == NULL)
        continue;
      obj = site_element (fd_codec_to_json (kind->info, item));
      if (owner != NULL)
        json_object_set_string_member (obj, "owner", owner);
      json_array_add_object_element (array, obj);
    }
  return array;
}

JsonNode *
fd_site_export (FdStore  *store,
                gint64    organization_id,
                GError  **error)
{
  g_auto(FdSiteContents) contents = { 0 };
  g_autoptr(GHashTable) agent_emails = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) queue_names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) stream_names = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(JsonObject) site = json_object_new ();
  GPtrArray *agents, *queues, *streams;
  JsonArray *array;

  g_return_val_if_fail (store != NULL, NULL);

  if (!fd_site_contents_load (store, organization_id, FALSE, &contents, error))
    return NULL;
  agents = contents.agents;
  queues = contents.queues;
  streams = contents.streams;

  json_object_set_string_member (site, "format", FD_SITE_FORMAT);
  json_object_set_int_member (site, "version", FD_SITE_VERSION);
  json_object_set_object_member (site, "organization", site_element (fd_organization_to_json (contents.organization)));

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

  for (guint k = 0; k < FD_SITE_N_OWNED; k++)
    json_object_set_array_member (site, fd_site_owned_kinds[k].section,
                                  export_owned (&fd_site_owned_kinds[k], contents.owned[k],
                                                queue_names, stream_names, agent_emails));

  return fd_site_object_node (g_steal_pointer (&site));
}
