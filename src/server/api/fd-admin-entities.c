#define G_LOG_DOMAIN "fd-admin-api"

/* The per-organization entities of the admin API (agents, queues, media
 * streams, canned replies, resources): one table says what differs, and the
 * same routes serve them all (docs/admin.md, "Resources"). */

#include "fd-admin-api-private.h"
#include "fd-center-twitter.h"

#include "fd-auth.h"
#include "fd-codec.h"
#include "fd-center-email.h"
#include "fd-email-settings.h"
#include "fd-store-email.h"
#include "twitter/fd-x-settings.h"

#include <string.h>

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

      if (!fd_admin_check_ref (req, FD_LEVEL_AGENT, agent_id, error) ||
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
gboolean
fd_admin_serve_sessions (Request  *req,
                         gint64    agent_id,
                         GError  **error)
{
  if (!fd_admin_check_ref (req, FD_LEVEL_AGENT, agent_id, error) ||
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

  if (!fd_admin_pop_password (extra, &password, error) ||
      !fd_admin_require_text (agent->email, "email", "agent", error) ||
      !fd_admin_require_text (agent->name, "name", "agent", error) ||
      !fd_admin_require_text (password, "password", "new agent", error))
    return FALSE;
  ok = req->password_hash != NULL ? fd_store_create_agent (req->store, agent, req->password_hash, error)
                                  : fd_auth_create_agent (req->store, agent, password, error);
  fd_admin_clear_password (&password);
  return ok;
}

static gboolean
agent_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdAgent *agent = entity;
  g_autofree char *password = NULL;
  gboolean ok;

  if (!fd_admin_pop_password (extra, &password, error) ||
      !fd_admin_require_text (agent->email, "email", "agent", error) ||
      !fd_admin_require_text (agent->name, "name", "agent", error))
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
  fd_admin_clear_password (&password);
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

  if (!fd_admin_require_text (queue->name, "name", "queue", error) ||
      !fd_store_create_queue (req->store, queue, error))
    return FALSE;
  return members == NULL || sync_members (req, queue, members, error);
}

static gboolean
queue_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  FdQueue *queue = entity;

  if (!fd_admin_require_text (queue->name, "name", "queue", error) ||
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

/* A deleted stream needs nobody any more: its health is cleared first, so
 * that supervisors' apps drop it from their strip (stream-health, ok). */
static gboolean
stream_remove (Request *req, gint64 id, GError **error)
{
  return fd_admin_check_ref (req, FD_LEVEL_STREAM, id, error) &&
         fd_center_set_stream_health (fd_admin_center (req), req->org_id, id, NULL, NULL, error) &&
         fd_store_delete_stream (req->store, req->org_id, id, error);
}

/* An email stream's settings are checked by the one reader the workers use
 * (fd-email-settings.c); what is missing leaves the stream needing
 * attention, what is wrong is refused. */
static gboolean
validate_email_settings (const FdStream  *stream,
                         JsonNode        *settings,
                         GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  if (stream->kind != FD_STREAM_EMAIL || settings == NULL)
    return TRUE;
  if (!fd_email_settings_check (stream->settings_json, &local_error))
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* A twitter stream's settings (twitter/fd-x-settings.c): what is
 * there must be well-formed, and the handle is stored with its "@". */
static gboolean
validate_twitter_settings (FdStream  *stream,
                           JsonNode  *settings,
                           GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  char *normalized;

  if (stream->kind != FD_STREAM_TWITTER || settings == NULL)
    return TRUE;
  normalized = fd_x_settings_normalize (stream->settings_json, &local_error);
  if (normalized == NULL)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD, local_error->message);
      return FALSE;
    }
  g_free (stream->settings_json);
  stream->settings_json = normalized;
  return TRUE;
}

static gboolean
validate_stream (Request *req, FdStream *stream, GError **error)
{
  g_autoptr(JsonNode) settings = NULL;

  if (!fd_admin_require_text (stream->name, "name", "media stream", error))
    return FALSE;
  if (stream->settings_json != NULL)
    {
      settings = fd_json_parse (stream->settings_json, strlen (stream->settings_json), FD_LIMIT_TEXT, NULL);

      if (settings == NULL || !JSON_NODE_HOLDS_OBJECT (settings))
        {
          g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                               "“settings_json” must be the text of a JSON object.");
          return FALSE;
        }
    }
  return validate_email_settings (stream, settings, error) &&
         validate_twitter_settings (stream, settings, error) &&
         fd_admin_check_ref (req, FD_LEVEL_QUEUE, stream->queue_id, error);
}

/* The write-only members of a body (never in an entity's JSON): a stream's
 * or agent's "password", an email stream's "oauth_client_secret" and
 * "oauth_tokens". */
static void
move_write_only (JsonObject *body,
                 JsonObject *extra)
{
  static const char * const names[] = { "password", "oauth_client_secret", "oauth_tokens" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (json_object_has_member (body, names[i]))
      {
        json_object_set_member (extra, names[i], json_object_dup_member (body, names[i]));
        json_object_remove_member (body, names[i]);
      }
}

/* An email or twitter stream's write-only OAuth members, sealed into the
 * store: "oauth_client_secret" (a string) and "oauth_tokens" (an object
 * with "refresh_token", and optionally "access_token" and "expires_at"). */
static gboolean
store_stream_oauth (Request *req, FdStream *stream, JsonObject *extra, GError **error)
{
  static const char * const names[] = { "oauth_client_secret", "oauth_tokens" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (extra, names[i]);
      g_autoptr(GBytes) sealed = NULL;
      g_autofree char *plain = NULL;

      if (node == NULL)
        continue;
      if (stream->kind != FD_STREAM_EMAIL && stream->kind != FD_STREAM_TWITTER)
        {
          g_set_error (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                       "Only an email or twitter stream has “%s”.", names[i]);
          return FALSE;
        }
      if (i == 0)
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
              *json_node_get_string (node) == '\0')
            {
              g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                                   "“oauth_client_secret” must be a string that is not empty.");
              return FALSE;
            }
          plain = g_strdup (json_node_get_string (node));
        }
      else
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autoptr(FdOAuthTokens) tokens = NULL;
          g_autoptr(GError) local_error = NULL;

          json_generator_set_root (generator, node);
          plain = json_generator_to_data (generator, NULL);
          tokens = JSON_NODE_HOLDS_OBJECT (node) ? fd_email_oauth_tokens_parse (plain, strlen (plain), &local_error) : NULL;
          if (tokens == NULL)
            {
              memset (plain, 0, strlen (plain));
              g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                                   local_error != NULL ? local_error->message
                                                       : "“oauth_tokens” must be an object.");
              return FALSE;
            }
        }
      sealed = fd_admin_seal_secret (req, plain, error);
      memset (plain, 0, strlen (plain));
      if (sealed == NULL ||
          !fd_store_set_stream_secret (req->store, req->org_id, stream->id, names[i], sealed, error))
        return FALSE;
    }
  return TRUE;
}

/* The write-only "password" of an email stream: sealed into the store, never
 * in settings_json, never answered, never logged. */
static gboolean
store_stream_password (Request *req, FdStream *stream, JsonObject *extra, GError **error)
{
  g_autofree char *password = NULL;
  g_autoptr(GBytes) sealed = NULL;
  gboolean ok;

  if (!fd_admin_pop_password (extra, &password, error))
    return FALSE;
  if (password == NULL)
    return TRUE;
  if (stream->kind != FD_STREAM_EMAIL || *password == '\0')
    {
      fd_admin_clear_password (&password);
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "Only an email stream has a “password”, and it cannot be empty.");
      return FALSE;
    }
  sealed = fd_admin_seal_secret (req, password, error);
  fd_admin_clear_password (&password);
  ok = sealed != NULL &&
       fd_store_set_stream_secret (req->store, req->org_id, stream->id, "password", sealed, error);
  return ok;
}

static gboolean
stream_create (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return validate_stream (req, entity, error) &&
         fd_store_create_stream (req->store, entity, error) &&
         store_stream_password (req, entity, extra, error) &&
         store_stream_oauth (req, entity, extra, error);
}

static gboolean
stream_update (Request *req, gpointer entity, JsonObject *extra, GError **error)
{
  return validate_stream (req, entity, error) &&
         fd_store_update_stream (req->store, entity, error) &&
         store_stream_password (req, entity, extra, error) &&
         store_stream_oauth (req, entity, extra, error);
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
  return fd_admin_require_text (reply->name, "name", "canned reply", error) &&
         fd_admin_require_text (reply->text, "text", "canned reply", error) &&
         fd_admin_check_owner (req, reply->level, &reply->owner_id, error);
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
  return fd_admin_require_text (resource->name, "name", "resource", error) &&
         fd_admin_require_text (resource->url, "url", "resource", error) &&
         fd_admin_check_owner (req, resource->level, &resource->owner_id, error);
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

static void
respond_not_found (Request           *req,
                   const EntityClass *klass,
                   gint64             id)
{
  fd_admin_respond_error (req->msg, FD_WIRE_ERROR_NOT_FOUND,
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

gboolean
fd_admin_serve_collection (Request           *req,
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
      g_autoptr(JsonObject) body = fd_admin_parse_object_body (req, error);
      g_autoptr(JsonObject) extra = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      gpointer entity;
      gint64 id;
      gboolean ok;

      if (body == NULL)
        return FALSE;
      fd_admin_drop_server_members (body);
      move_write_only (body, extra);

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

gboolean
fd_admin_serve_item (Request           *req,
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
      JsonNode *node = klass->to_json (current);

      /* A twitter stream's X API calls today (X bills reads): what an
       * administrator weighs when choosing poll_seconds (docs/twitter.md). */
      if (klass->get == (gpointer) stream_get && ((FdStream *) current)->kind == FD_STREAM_TWITTER)
        json_object_set_int_member (json_node_get_object (node), "calls_today",
                                    fd_center_x_calls_today (fd_admin_center (req), req->org_id, id));
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, node);
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
    g_autoptr(JsonObject) body = fd_admin_parse_object_body (req, error);
    g_autoptr(JsonObject) extra = json_object_new ();
    g_autoptr(JsonNode) merged = NULL;
    gpointer entity;
    gboolean ok;

    if (body == NULL)
      {
        klass->free (current);
        return FALSE;
      }
    fd_admin_drop_server_members (body);
    move_write_only (body, extra);

    merged = fd_admin_merge_json (klass->to_json (current), body);
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

const EntityClass *
fd_admin_find_entity_class (const char *collection)
{
  for (guint i = 0; i < G_N_ELEMENTS (entity_classes); i++)
    if (g_str_equal (entity_classes[i].collection, collection))
      return &entity_classes[i];
  return NULL;
}
