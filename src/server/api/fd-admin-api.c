#define G_LOG_DOMAIN "fd-admin-api"

#include "fd-admin-api.h"

#include "fd-api-http.h"

#include "fd-auth.h"
#include "fd-codec.h"
#include "fd-error.h"
#include "fd-http-guard.h"
#include "fd-site.h"
#include "fd-types.h"

#include <string.h>

struct _FdAdminApi
{
  GObject       parent_instance;

  FdCenter     *center;        /* writes every change */
  FdStore      *store;         /* the center's, for reading */
  GCancellable *cancellable;   /* password hashes in the pool */
};

G_DEFINE_FINAL_TYPE (FdAdminApi, fd_admin_api, G_TYPE_OBJECT)

/* One request being served: the route's parsed ids and the body. */
typedef struct {
  FdAdminApi        *self;
  FdStore           *store;
  SoupServerMessage *msg;
  const char        *method;
  gint64             org_id;
  char              *password_hash;      /* of the body's "password", hashed in the pool */
  gint64             signed_out_agent;   /* whose sessions the request ended */
  const char        *signed_out_reason;
} Request;

/* --- Responses ----------------------------------------------------------- */

static void
respond_error (SoupServerMessage *msg,
               FdWireError        code,
               const char        *format,
               ...) G_GNUC_PRINTF (3, 4);

static void
respond_error (SoupServerMessage *msg,
               FdWireError        code,
               const char        *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  fd_api_respond_admin_error (msg, code, message);
}

/* --- Requests ------------------------------------------------------------ */

static gsize
body_limit (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);

  return (gsize) fd_http_guard_route (soup_server_message_get_method (msg), g_uri_get_path (uri))->max_body;
}

static JsonNode *
parse_body (Request  *req,
            GError  **error)
{
  /* The guard's limit of this address (site documents are larger). */
  return fd_api_read_json (req->msg, body_limit (req->msg), error);
}

static JsonObject *
parse_object_body (Request  *req,
                   GError  **error)
{
  g_autoptr(JsonNode) node = fd_api_require_object (parse_body (req, error), error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

/* Members a client may send but never sets: the server assigns them. */
static const char * const server_members[] = {
  "id", "organization_id", "created_at", "key", "deleted", NULL
};

static void
drop_server_members (JsonObject *obj)
{
  for (guint i = 0; server_members[i] != NULL; i++)
    if (json_object_has_member (obj, server_members[i]))
      json_object_remove_member (obj, server_members[i]);
}

/* For PUT / PATCH: the entity's current JSON with the body's members laid
 * over it, so that absent members keep their value. */
static JsonNode *
merge_json (JsonNode   *current,
            JsonObject *changes)
{
  JsonObject *target = json_node_get_object (current);
  g_autoptr(GList) names = json_object_get_members (changes);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (target, l->data, json_object_dup_member (changes, l->data));
  return current;
}

static gboolean
pop_password (JsonObject  *obj,
              char       **out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "password");

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "“password” must be a string.");
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  json_object_remove_member (obj, "password");
  return TRUE;
}

static void
clear_password (char **password)
{
  if (*password != NULL)
    memset (*password, 0, strlen (*password));
  g_clear_pointer (password, g_free);
}

static gboolean
require_text (const char  *value,
              const char  *member,
              const char  *what,
              GError     **error)
{
  if (value != NULL && *value != '\0')
    return TRUE;
  g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MISSING_FIELD,
               "A %s needs a non-empty “%s”.", what, member);
  return FALSE;
}

/* Ids a body names must be of the request's organization: another
 * organization's ids are "not found", exactly like ids that do not exist. */
static gboolean
check_queue (Request *req, gint64 queue_id, GError **error)
{
  g_autoptr(FdQueue) queue = fd_store_get_queue (req->store, req->org_id, queue_id, NULL);

  if (queue != NULL)
    return TRUE;
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
               "No queue with id %" G_GINT64_FORMAT " in organization %" G_GINT64_FORMAT ".",
               queue_id, req->org_id);
  return FALSE;
}

static gboolean
check_agent (Request *req, gint64 agent_id, GError **error)
{
  g_autoptr(FdAgent) agent = fd_store_get_agent (req->store, req->org_id, agent_id, NULL);

  if (agent != NULL)
    return TRUE;
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
               "No agent with id %" G_GINT64_FORMAT " in organization %" G_GINT64_FORMAT ".",
               agent_id, req->org_id);
  return FALSE;
}

static gboolean
check_stream (Request *req, gint64 stream_id, GError **error)
{
  g_autoptr(FdStream) stream = fd_store_get_stream (req->store, req->org_id, stream_id, NULL);

  if (stream != NULL && !stream->deleted)
    return TRUE;
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
               "No media stream with id %" G_GINT64_FORMAT " in organization %" G_GINT64_FORMAT ".",
               stream_id, req->org_id);
  return FALSE;
}

static gboolean
check_owner (Request  *req,
             FdLevel   level,
             gint64   *owner_id,
             GError  **error)
{
  switch (level)
    {
    case FD_LEVEL_QUEUE:
      return check_queue (req, *owner_id, error);
    case FD_LEVEL_STREAM:
      return check_stream (req, *owner_id, error);
    case FD_LEVEL_AGENT:
      return check_agent (req, *owner_id, error);
    case FD_LEVEL_ORGANIZATION:
    default:
      *owner_id = 0;
      return TRUE;
    }
}

/* Makes the queue's members exactly @wanted. */
static gboolean
sync_members (Request  *req,
              FdQueue  *queue,
              GArray   *wanted,
              GError  **error)
{
  g_autoptr(FdQueue) current = fd_store_get_queue (req->store, req->org_id, queue->id, error);

  if (current == NULL)
    return FALSE;

  for (guint i = 0; wanted != NULL && i < wanted->len; i++)
    {
      gint64 agent_id = g_array_index (wanted, gint64, i);

      if (!check_agent (req, agent_id, error) ||
          !fd_store_add_queue_member (req->store, req->org_id, queue->id, agent_id, error))
        return FALSE;
    }

  for (guint i = 0; current->member_ids != NULL && i < current->member_ids->len; i++)
    {
      gint64 agent_id = g_array_index (current->member_ids, gint64, i);
      gboolean keep = FALSE;

      for (guint j = 0; wanted != NULL && j < wanted->len && !keep; j++)
        keep = g_array_index (wanted, gint64, j) == agent_id;
      if (!keep && !fd_store_remove_queue_member (req->store, req->org_id, queue->id, agent_id, error))
        return FALSE;
    }
  return TRUE;
}

/* --- Per-organization entities ------------------------------------------- */

/* What differs between agents, queues, streams, canned replies and
 * resources; the routes are the same for all of them. */
typedef struct {
  const char *collection;
  const char *what;
  gboolean    routing;       /* a change reaches the routing engine */
  GPtrArray *(*list)         (Request *req, GError **error);
  gpointer   (*get)          (Request *req, gint64 id, GError **error);
  gboolean   (*remove)       (Request *req, gint64 id, GError **error);
  JsonNode  *(*to_json)      (gconstpointer entity);
  JsonNode  *(*list_to_json) (GPtrArray *list);
  gpointer   (*from_json)    (JsonNode *node, GError **error);
  void       (*free)         (gpointer entity);
  /* @extra holds members the codec does not know (the password). */
  gboolean   (*create)       (Request *req, gpointer entity, JsonObject *extra, GError **error);
  gboolean   (*update)       (Request *req, gpointer entity, JsonObject *extra, GError **error);
} EntityClass;

/* Agents. */

static GPtrArray *
agent_list (Request *req, GError **error)
{
  return fd_store_list_agents (req->store, req->org_id, error);
}

static gpointer
agent_get (Request *req, gint64 id, GError **error)
{
  return fd_store_get_agent (req->store, req->org_id, id, error);
}

static gboolean
agent_remove (Request *req, gint64 id, GError **error)
{
  req->signed_out_agent = id;
  req->signed_out_reason = "Your account was removed from this contact center.";
  return fd_store_delete_agent (req->store, req->org_id, id, error);
}

/* DELETE …/agents/{id}/sessions: signs the agent out everywhere. */
static gboolean
serve_sessions (Request  *req,
                gint64    agent_id,
                GError  **error)
{
  if (!check_agent (req, agent_id, error) ||
      !fd_auth_revoke_agent_tokens (req->store, req->org_id, agent_id, error))
    return FALSE;
  req->signed_out_agent = agent_id;
  req->signed_out_reason = "An administrator signed you out; sign in again.";
  soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
  return TRUE;
}

static gboolean
agent_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdAgent *agent = entity;
  g_autofree char *password = NULL;
  gboolean ok;

  if (!pop_password (extra, &password, error) ||
      !require_text (agent->email, "email", "agent", error) ||
      !require_text (agent->name, "name", "agent", error) ||
      !require_text (password, "password", "new agent", error))
    return FALSE;
  ok = req->password_hash != NULL ? fd_store_create_agent (req->store, agent, req->password_hash, error)
                                  : fd_auth_create_agent (req->store, agent, password, error);
  clear_password (&password);
  return ok;
}

static gboolean
agent_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdAgent *agent = entity;
  g_autofree char *password = NULL;
  gboolean ok;

  if (!pop_password (extra, &password, error) ||
      !require_text (agent->email, "email", "agent", error) ||
      !require_text (agent->name, "name", "agent", error))
    return FALSE;
  if (!fd_store_update_agent (req->store, agent, error))
    return FALSE;
  if (password == NULL)
    return TRUE;

  /* A new password signs the agent out everywhere, open sockets included. */
  ok = (req->password_hash != NULL
        ? fd_store_set_agent_password_hash (req->store, req->org_id, agent->id, req->password_hash, error)
        : fd_auth_set_agent_password (req->store, req->org_id, agent->id, password, error)) &&
       fd_auth_revoke_agent_tokens (req->store, req->org_id, agent->id, error);
  clear_password (&password);
  req->signed_out_agent = agent->id;
  req->signed_out_reason = "Your password was changed; sign in with the new one.";
  return ok;
}

/* Queues. */

static GPtrArray *
queue_list (Request *req, GError **error)
{
  return fd_store_list_queues (req->store, req->org_id, error);
}

static gpointer
queue_get (Request *req, gint64 id, GError **error)
{
  return fd_store_get_queue (req->store, req->org_id, id, error);
}

static gboolean
queue_remove (Request *req, gint64 id, GError **error)
{
  return fd_store_delete_queue (req->store, req->org_id, id, error);
}

static gboolean
queue_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdQueue *queue = entity;
  g_autoptr(GArray) members = queue->member_ids ? g_array_ref (queue->member_ids) : NULL;

  if (!require_text (queue->name, "name", "queue", error) ||
      !fd_store_create_queue (req->store, queue, error))
    return FALSE;
  return members == NULL || sync_members (req, queue, members, error);
}

static gboolean
queue_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdQueue *queue = entity;

  if (!require_text (queue->name, "name", "queue", error) ||
      !fd_store_update_queue (req->store, queue, error))
    return FALSE;
  return queue->member_ids == NULL || sync_members (req, queue, queue->member_ids, error);
}

/* Media streams. */

static GPtrArray *
stream_list (Request *req, GError **error)
{
  return fd_store_list_streams (req->store, req->org_id, FALSE, error);
}

static gpointer
stream_get (Request *req, gint64 id, GError **error)
{
  FdStream *stream = fd_store_get_stream (req->store, req->org_id, id, error);

  /* A soft-deleted stream stays in the database for its old conversations
   * but is gone as far as administration is concerned. */
  if (stream != NULL && stream->deleted)
    {
      fd_stream_free (stream);
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "deleted");
      return NULL;
    }
  return stream;
}

static gboolean
stream_remove (Request *req, gint64 id, GError **error)
{
  return check_stream (req, id, error) &&
         fd_store_delete_stream (req->store, req->org_id, id, error);
}

static gboolean
validate_stream (Request *req, FdStream *stream, GError **error)
{
  if (!require_text (stream->name, "name", "media stream", error))
    return FALSE;
  if (stream->settings_json != NULL)
    {
      g_autoptr(JsonNode) settings = fd_json_parse (stream->settings_json, strlen (stream->settings_json),
                                                    FD_LIMIT_TEXT, NULL);

      if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
        {
          g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                               "“settings_json” must be the text of a JSON object.");
          return FALSE;
        }
    }
  return check_queue (req, stream->queue_id, error);
}

static gboolean
stream_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return validate_stream (req, entity, error) &&
         fd_store_create_stream (req->store, entity, error);
}

static gboolean
stream_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return validate_stream (req, entity, error) &&
         fd_store_update_stream (req->store, entity, error);
}

/* Canned replies. */

static GPtrArray *
canned_list (Request *req, GError **error)
{
  return fd_store_list_canned_replies (req->store, req->org_id, error);
}

static gpointer
canned_get (Request *req, gint64 id, GError **error)
{
  return fd_store_get_canned_reply (req->store, req->org_id, id, error);
}

static gboolean
canned_remove (Request *req, gint64 id, GError **error)
{
  return fd_store_delete_canned_reply (req->store, req->org_id, id, error);
}

static gboolean
canned_validate (Request *req, FdCannedReply *reply, GError **error)
{
  return require_text (reply->name, "name", "canned reply", error) &&
         require_text (reply->text, "text", "canned reply", error) &&
         check_owner (req, reply->level, &reply->owner_id, error);
}

static gboolean
canned_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return canned_validate (req, entity, error) &&
         fd_store_create_canned_reply (req->store, entity, error);
}

static gboolean
canned_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return canned_validate (req, entity, error) &&
         fd_store_update_canned_reply (req->store, entity, error);
}

/* Resources. */

static GPtrArray *
resource_list (Request *req, GError **error)
{
  return fd_store_list_resources (req->store, req->org_id, error);
}

static gpointer
resource_get (Request *req, gint64 id, GError **error)
{
  return fd_store_get_resource (req->store, req->org_id, id, error);
}

static gboolean
resource_remove (Request *req, gint64 id, GError **error)
{
  return fd_store_delete_resource (req->store, req->org_id, id, error);
}

static gboolean
resource_validate (Request *req, FdResource *resource, GError **error)
{
  return require_text (resource->name, "name", "resource", error) &&
         require_text (resource->url, "url", "resource", error) &&
         check_owner (req, resource->level, &resource->owner_id, error);
}

static gboolean
resource_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return resource_validate (req, entity, error) &&
         fd_store_create_resource (req->store, entity, error);
}

static gboolean
resource_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return resource_validate (req, entity, error) &&
         fd_store_update_resource (req->store, entity, error);
}

#define ENTITY_CODEC(type_name) \
  .to_json = (JsonNode *(*) (gconstpointer)) type_name##_to_json, \
  .list_to_json = type_name##_list_to_json, \
  .from_json = (gpointer (*) (JsonNode *, GError **)) type_name##_from_json, \
  .free = (void (*) (gpointer)) type_name##_free

static const EntityClass entity_classes[] = {
  { "agents", "agent", TRUE, agent_list, agent_get, agent_remove, ENTITY_CODEC (fd_agent),
    .create = agent_create, .update = agent_update },
  { "queues", "queue", TRUE, queue_list, queue_get, queue_remove, ENTITY_CODEC (fd_queue),
    .create = queue_create, .update = queue_update },
  { "streams", "media stream", TRUE, stream_list, stream_get, stream_remove, ENTITY_CODEC (fd_stream),
    .create = stream_create, .update = stream_update },
  { "canned-replies", "canned reply", FALSE, canned_list, canned_get, canned_remove, ENTITY_CODEC (fd_canned_reply),
    .create = canned_create, .update = canned_update },
  { "resources", "resource", FALSE, resource_list, resource_get, resource_remove, ENTITY_CODEC (fd_resource),
    .create = resource_create, .update = resource_update },
};

/* Every entity struct but FdOrganization starts with id and organization_id
 * (fd-types.h); the generic routes set them through this view. */
typedef struct {
  gint64 id;
  gint64 organization_id;
} EntityHead;

static void
respond_not_found (Request           *req,
                   const EntityClass *klass,
                   gint64             id)
{
  respond_error (req->msg, FD_WIRE_ERROR_NOT_FOUND,
                 "No %s with id %" G_GINT64_FORMAT " in organization %" G_GINT64_FORMAT ".",
                 klass->what, id, req->org_id);
}

static gboolean
respond_current (Request           *req,
                 const EntityClass *klass,
                 gint64             id,
                 guint              status,
                 GError           **error)
{
  gpointer entity = klass->get (req, id, error);

  if (entity == NULL)
    return FALSE;
  fd_api_respond_json (req->msg, status, klass->to_json (entity));
  klass->free (entity);
  return TRUE;
}

static gboolean
serve_collection (Request           *req,
                  const EntityClass *klass,
                  GError           **error)
{
  if (g_str_equal (req->method, "GET"))
    {
      g_autoptr(GPtrArray) list = klass->list (req, error);

      if (list == NULL)
        return FALSE;
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, klass->list_to_json (list));
      return TRUE;
    }
  else
    {
      g_autoptr(JsonObject) body = parse_object_body (req, error);
      g_autoptr(JsonObject) extra = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      gpointer entity;
      gint64 id;
      gboolean ok;

      if (body == NULL)
        return FALSE;
      drop_server_members (body);
      if (json_object_has_member (body, "password"))
        {
          json_object_set_member (extra, "password", json_object_dup_member (body, "password"));
          json_object_remove_member (body, "password");
        }

      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, body);
      entity = klass->from_json (node, error);
      if (entity == NULL)
        return FALSE;
      ((EntityHead *) entity)->organization_id = req->org_id;
      ok = klass->create (req, entity, extra, error);
      id = ((EntityHead *) entity)->id;
      klass->free (entity);
      return ok && respond_current (req, klass, id, SOUP_STATUS_CREATED, error);
    }
}

static gboolean
serve_item (Request           *req,
            const EntityClass *klass,
            gint64             id,
            GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gpointer current = klass->get (req, id, &local_error);

  if (current == NULL)
    {
      if (g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          respond_not_found (req, klass, id);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_str_equal (req->method, "GET"))
    {
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, klass->to_json (current));
      klass->free (current);
      return TRUE;
    }

  if (g_str_equal (req->method, "DELETE"))
    {
      klass->free (current);
      if (!klass->remove (req, id, error))
        return FALSE;
      soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
      return TRUE;
    }

  /* PUT and PATCH: members absent from the body keep their value. */
  {
    g_autoptr(JsonObject) body = parse_object_body (req, error);
    g_autoptr(JsonObject) extra = json_object_new ();
    g_autoptr(JsonNode) merged = NULL;
    gpointer entity;
    gboolean ok;

    if (body == NULL)
      {
        klass->free (current);
        return FALSE;
      }
    drop_server_members (body);
    if (json_object_has_member (body, "password"))
      {
        json_object_set_member (extra, "password", json_object_dup_member (body, "password"));
        json_object_remove_member (body, "password");
      }

    merged = merge_json (klass->to_json (current), body);
    klass->free (current);
    entity = klass->from_json (merged, error);
    if (entity == NULL)
      return FALSE;
    ((EntityHead *) entity)->id = id;
    ((EntityHead *) entity)->organization_id = req->org_id;
    ok = klass->update (req, entity, extra, error);
    klass->free (entity);
    return ok && respond_current (req, klass, id, SOUP_STATUS_OK, error);
  }
}

/* PUT / DELETE …/queues/{q}/members/{a}; GET …/queues/{q}/members. */
static gboolean
serve_members (Request  *req,
               gint64    queue_id,
               gint64    agent_id,
               GError  **error)
{
  g_autoptr(FdQueue) queue = NULL;

  if (!check_queue (req, queue_id, error))
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

  if (!check_agent (req, agent_id, error))
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

/* GET / PUT …/streams/{s}/phases: the whole ordered list at once. */
static gboolean
serve_phases (Request  *req,
              gint64    stream_id,
              GError  **error)
{
  g_autoptr(GPtrArray) phases = NULL;

  if (!check_stream (req, stream_id, error))
    return FALSE;

  if (g_str_equal (req->method, "PUT"))
    {
      g_autoptr(JsonNode) body = parse_body (req, error);

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
            if (!check_agent (req, g_array_index (phase->agent_ids, gint64, a), error))
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

/* --- Organizations and sites --------------------------------------------- */

static gboolean
serve_organizations (Request  *req,
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
      g_autoptr(JsonObject) body = parse_object_body (req, error);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(FdOrganization) org = NULL;

      if (body == NULL)
        return FALSE;
      drop_server_members (body);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, body);
      org = fd_organization_from_json (node, error);
      if (org == NULL ||
          !require_text (org->name, "name", "organization", error) ||
          !fd_store_create_organization (req->store, org, error))
        return FALSE;
      req->org_id = org->id;
      fd_api_respond_json (req->msg, SOUP_STATUS_CREATED, fd_organization_to_json (org));
      return TRUE;
    }
}

static gboolean
serve_organization (Request  *req,
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
    g_autoptr(JsonObject) body = parse_object_body (req, error);
    g_autoptr(JsonNode) merged = NULL;
    g_autoptr(FdOrganization) updated = NULL;

    if (body == NULL)
      return FALSE;
    drop_server_members (body);
    merged = merge_json (fd_organization_to_json (org), body);
    updated = fd_organization_from_json (merged, error);
    if (updated == NULL || !require_text (updated->name, "name", "organization", error))
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

/* A site import hashes its agents' passwords on the main loop (fd-site.c,
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

static gboolean
serve_site (Request  *req,
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

  body = parse_body (req, error);
  if (body == NULL || !check_import_passwords (body, error))
    return FALSE;
  org = fd_site_import (req->store, body, into_new ? 0 : req->org_id, error);
  if (org == NULL)
    return FALSE;
  req->org_id = org->id;
  fd_api_respond_json (req->msg, into_new ? SOUP_STATUS_CREATED : SOUP_STATUS_OK,
                  fd_organization_to_json (org));
  return TRUE;
}

/* --- Routing ------------------------------------------------------------- */

static gboolean
parse_path_id (const char *text,
               gint64     *out)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

static gboolean
method_is (const char *method,
           const char *allowed)
{
  g_auto(GStrv) names = g_strsplit (allowed, ",", -1);

  return g_strv_contains ((const char * const *) names, method);
}

static const EntityClass *
find_entity_class (const char *collection)
{
  for (guint i = 0; i < G_N_ELEMENTS (entity_classes); i++)
    if (g_str_equal (entity_classes[i].collection, collection))
      return &entity_classes[i];
  return NULL;
}

typedef enum {
  ROUTE_NONE,
  ROUTE_ORGANIZATIONS,
  ROUTE_SITES,
  ROUTE_ORGANIZATION,
  ROUTE_SITE,
  ROUTE_COLLECTION,
  ROUTE_ITEM,
  ROUTE_MEMBERS,
  ROUTE_MEMBER,
  ROUTE_PHASES,
  ROUTE_SESSIONS,
} Route;

typedef struct {
  Route              route;
  const char        *methods;
  const EntityClass *klass;
  gint64             id;
  gint64             sub_id;
} Match;

static Match
match_route (Request    *req,
             char      **seg,
             guint       n)
{
  Match m = { ROUTE_NONE, NULL, NULL, 0, 0 };

  if (n == 1 && g_str_equal (seg[0], "organizations"))
    return (Match) { ROUTE_ORGANIZATIONS, "GET,POST", NULL, 0, 0 };
  if (n == 1 && g_str_equal (seg[0], "sites"))
    return (Match) { ROUTE_SITES, "POST", NULL, 0, 0 };
  if (n < 2 || !g_str_equal (seg[0], "organizations") || !parse_path_id (seg[1], &req->org_id))
    return m;
  if (n == 2)
    return (Match) { ROUTE_ORGANIZATION, "GET,PUT,PATCH,DELETE", NULL, 0, 0 };
  if (n == 3 && g_str_equal (seg[2], "site"))
    return (Match) { ROUTE_SITE, "GET,PUT", NULL, 0, 0 };

  m.klass = find_entity_class (seg[2]);
  if (m.klass == NULL)
    return m;
  if (n == 3)
    {
      m.route = ROUTE_COLLECTION;
      m.methods = "GET,POST";
      return m;
    }
  if (!parse_path_id (seg[3], &m.id))
    return m;
  if (n == 4)
    {
      m.route = ROUTE_ITEM;
      m.methods = "GET,PUT,PATCH,DELETE";
    }
  else if (n == 5 && g_str_equal (m.klass->collection, "queues") && g_str_equal (seg[4], "members"))
    {
      m.route = ROUTE_MEMBERS;
      m.methods = "GET";
    }
  else if (n == 6 && g_str_equal (m.klass->collection, "queues") && g_str_equal (seg[4], "members") &&
           parse_path_id (seg[5], &m.sub_id))
    {
      m.route = ROUTE_MEMBER;
      m.methods = "PUT,DELETE";
    }
  else if (n == 5 && g_str_equal (m.klass->collection, "agents") && g_str_equal (seg[4], "sessions"))
    {
      m.route = ROUTE_SESSIONS;
      m.methods = "DELETE";
    }
  else if (n == 5 && g_str_equal (m.klass->collection, "streams") && g_str_equal (seg[4], "phases"))
    {
      m.route = ROUTE_PHASES;
      m.methods = "GET,PUT";
    }
  return m;
}

static gboolean
check_admin_token (FdAdminApi        *self,
                   SoupServerMessage *msg)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  g_autoptr(GError) error = NULL;

  if (token == NULL)
    {
      fd_api_respond_admin_error (msg, FD_WIRE_ERROR_UNAUTHORIZED,
                                  "This API needs “Authorization: Bearer <admin token>”.");
      return FALSE;
    }
  if (!fd_auth_check_admin_token (self->store, token, &error))
    {
      fd_api_respond_admin_error (msg, FD_WIRE_ERROR_UNAUTHORIZED,
                                  "The admin token is not valid; frontdeskd writes a valid one beside its database.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
dispatch (Request      *req,
          const Match  *m,
          GError      **error)
{
  switch (m->route)
    {
    case ROUTE_ORGANIZATIONS:
      return serve_organizations (req, error);
    case ROUTE_SITES:
      return serve_site (req, TRUE, error);
    case ROUTE_ORGANIZATION:
      return serve_organization (req, error);
    case ROUTE_SITE:
      return serve_site (req, FALSE, error);
    case ROUTE_COLLECTION:
      return serve_collection (req, m->klass, error);
    case ROUTE_ITEM:
      return serve_item (req, m->klass, m->id, error);
    case ROUTE_MEMBERS:
      return serve_members (req, m->id, 0, error);
    case ROUTE_MEMBER:
      return serve_members (req, m->id, m->sub_id, error);
    case ROUTE_PHASES:
      return serve_phases (req, m->id, error);
    case ROUTE_SESSIONS:
      return serve_sessions (req, m->id, error);
    case ROUTE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* The organization whose routing a committed change of @m concerns, 0 when
 * routing does not depend on what it changed. */
static gint64
routing_organization (const Request *req,
                      const Match   *m)
{
  switch (m->route)
    {
    case ROUTE_ORGANIZATION:
      return g_str_equal (req->method, "DELETE") ? 0 : req->org_id;
    case ROUTE_ORGANIZATIONS:
    case ROUTE_SITES:
    case ROUTE_SITE:
    case ROUTE_MEMBER:
    case ROUTE_PHASES:
      return req->org_id;
    case ROUTE_COLLECTION:
    case ROUTE_ITEM:
      return m->klass->routing ? req->org_id : 0;
    case ROUTE_MEMBERS:
    case ROUTE_SESSIONS:
    case ROUTE_NONE:
    default:
      return 0;
    }
}

typedef struct {
  Request     *req;
  const Match *m;
} Change;

/* Runs inside the center's transaction (fd_center_change_config). */
static gboolean
write_change (gpointer   user_data,
              gint64    *out_organization_id,
              GError   **error)
{
  Change *change = user_data;

  if (!dispatch (change->req, change->m, error))
    return FALSE;
  *out_organization_id = routing_organization (change->req, change->m);
  return TRUE;
}

/* Carries out a checked request. A change goes through the center, the one
 * writer of configuration: one transaction however many rows it touches,
 * and routing follows in the same transaction. */
static void
serve (FdAdminApi  *self,
       Request     *req,
       const Match *m)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GError) error = NULL;
  Change change = { req, m };
  gboolean ok;

  if (g_str_equal (req->method, "GET"))
    ok = dispatch (req, m, &error);
  else
    ok = fd_center_change_config (self->center, write_change, &change, &error);

  /* Revoked tokens are refused from now on; their open sockets go too. */
  if (ok && req->signed_out_agent != 0)
    fd_center_close_agent_sockets (self->center, req->org_id, req->signed_out_agent, req->signed_out_reason);

  if (!ok && error != NULL)
    {
      if (m->route == ROUTE_ORGANIZATION &&
          g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "No organization with id %" G_GINT64_FORMAT ".",
                       req->org_id);
      else
        fd_api_respond_admin_gerror (msg, error);
    }
}

/* Agent creation and password changes: the body's password is hashed in the
 * pool while the message waits, then the request is served with the hash. */
static gboolean
needs_hash (Request     *req,
            const Match *m)
{
  g_autoptr(JsonNode) body = NULL;
  JsonNode *password;

  if (m->klass == NULL || !g_str_equal (m->klass->collection, "agents") ||
      !((m->route == ROUTE_COLLECTION && g_str_equal (req->method, "POST")) ||
        (m->route == ROUTE_ITEM && (g_str_equal (req->method, "PUT") || g_str_equal (req->method, "PATCH")))))
    return FALSE;
  body = parse_body (req, NULL);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return FALSE;
  password = json_object_get_member (json_node_get_object (body), "password");
  return password != NULL && JSON_NODE_HOLDS_VALUE (password) &&
         json_node_get_value_type (password) == G_TYPE_STRING;
}

typedef struct {
  FdAdminApi        *self;
  Request            req;
  Match              m;
  gboolean           gone;   /* the client disconnected meanwhile */
} HashCall;

static void
on_hash_disconnected_cb (SoupServerMessage *msg,
                         HashCall          *call)
{
  call->gone = TRUE;
}

static void
on_password_hashed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  HashCall *call = user_data;
  SoupServerMessage *msg = call->req.msg;
  g_autoptr(GError) error = NULL;

  call->req.password_hash = fd_auth_hash_password_finish (result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !call->gone)
    {
      if (g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BUSY))
        {
          fd_api_respond_admin_error (msg, FD_WIRE_ERROR_RATE_LIMITED, error->message);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "2");
        }
      else if (error != NULL)
        fd_api_respond_admin_gerror (msg, error);
      else
        serve (call->self, &call->req, &call->m);
      soup_server_message_unpause (msg);
    }
  g_signal_handlers_disconnect_by_data (msg, call);
  g_clear_pointer (&call->req.password_hash, g_free);
  g_object_unref (msg);
  g_free (call);
}

static void
hash_then_serve (FdAdminApi  *self,
                 Request     *req,
                 const Match *m)
{
  g_autoptr(JsonNode) body = parse_body (req, NULL);
  HashCall *call = g_new0 (HashCall, 1);

  call->self = self;
  call->req = *req;
  call->m = *m;
  g_object_ref (req->msg);
  g_signal_connect (req->msg, "disconnected", G_CALLBACK (on_hash_disconnected_cb), call);
  soup_server_message_pause (req->msg);
  fd_auth_hash_password_async (json_object_get_string_member (json_node_get_object (body), "password"),
                               self->cancellable, on_password_hashed_cb, call);
}

static void
on_admin_request_cb (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  FdAdminApi *self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) seg = g_ptr_array_new ();
  Request req = { self, self->store, msg, soup_server_message_get_method (msg), 0, NULL, 0, NULL };
  Match m;

  if (!check_admin_token (self, msg))
    return;

  /* The guard refused larger announced bodies before reading them. */
  if (!soup_message_body_get_accumulate (soup_server_message_get_request_body (msg)) ||
      (gsize) soup_server_message_get_request_body (msg)->length > body_limit (msg))
    {
      respond_error (msg, FD_WIRE_ERROR_TOO_LARGE, "The request body is larger than %" G_GSIZE_FORMAT " bytes.",
                     body_limit (msg));
      return;
    }

  parts = g_strsplit (path + strlen (FD_ADMIN_API_PREFIX), "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (seg, parts[i]);

  m = match_route (&req, (char **) seg->pdata, seg->len);
  if (m.route == ROUTE_NONE)
    {
      respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is no admin API resource at %s.", path);
      return;
    }
  if (!method_is (req.method, m.methods))
    {
      respond_error (msg, FD_WIRE_ERROR_MALFORMED, "%s does not take %s; it takes %s.",
                     path, req.method, m.methods);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", m.methods);
      return;
    }

  /* Every route below an organization first makes sure it exists, so that
   * a wrong organization id says so rather than "no agent …". */
  if (req.org_id != 0 && m.route != ROUTE_ORGANIZATION)
    {
      g_autoptr(FdOrganization) org = fd_store_get_organization (self->store, req.org_id, NULL);

      if (org == NULL)
        {
          respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "No organization with id %" G_GINT64_FORMAT ".",
                         req.org_id);
          return;
        }
    }

  /* Argon2 of a new password runs in the pool, not here. */
  if (needs_hash (&req, &m))
    {
      hash_then_serve (self, &req, &m);
      return;
    }
  serve (self, &req, &m);
}

static void fd_admin_api_dispose (GObject *object);

static void
fd_admin_api_class_init (FdAdminApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_admin_api_dispose;
}

static void
fd_admin_api_dispose (GObject *object)
{
  FdAdminApi *self = FD_ADMIN_API (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (fd_admin_api_parent_class)->dispose (object);
}

static void
fd_admin_api_init (FdAdminApi *self)
{
  self->cancellable = g_cancellable_new ();
}

FdAdminApi *
fd_admin_api_new (FdCenter *center)
{
  FdAdminApi *self;

  g_return_val_if_fail (FD_IS_CENTER (center), NULL);

  self = g_object_new (FD_TYPE_ADMIN_API, NULL);
  self->center = center;
  self->store = fd_center_get_store (center);
  return self;
}

void
fd_admin_api_attach (FdAdminApi *self,
                     SoupServer *server)
{
  g_return_if_fail (FD_IS_ADMIN_API (self));
  g_return_if_fail (SOUP_IS_SERVER (server));

  soup_server_add_handler (server, FD_ADMIN_API_PREFIX, on_admin_request_cb, self, NULL);
}
