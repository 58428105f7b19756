#define G_LOG_DOMAIN "fd-admin-api"

/* The admin API's requests: answering, reading bodies, and checking that
 * the ids a body names are of the request's organization. */

#include "fd-admin-api-private.h"

#include "fd-codec.h"
#include "fd-http-guard.h"

#include <string.h>

/* --- Responses ----------------------------------------------------------- */

void
fd_admin_respond_error (SoupServerMessage *msg,
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

gsize
fd_admin_body_limit (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);

  return (gsize) fd_http_guard_route (soup_server_message_get_method (msg), g_uri_get_path (uri))->max_body;
}

JsonNode *
fd_admin_parse_body (Request  *req,
                     GError  **error)
{
  /* The guard's limit of this address (site documents are larger). */
  return fd_api_read_json (req->msg, fd_admin_body_limit (req->msg), error);
}

JsonObject *
fd_admin_parse_object_body (Request  *req,
                            GError  **error)
{
  g_autoptr(JsonNode) node = fd_api_require_object (fd_admin_parse_body (req, error), error);

  return node != NULL ? json_object_ref (json_node_get_object (node)) : NULL;
}

/* Members a client may send but never sets: the server assigns them. */
static const char * const server_members[] = {
  "id", "organization_id", "created_at", "key", "deleted", "health", "health_reason", "calls_today", NULL
};

void
fd_admin_drop_server_members (JsonObject *obj)
{
  for (guint i = 0; server_members[i] != NULL; i++)
    if (json_object_has_member (obj, server_members[i]))
      json_object_remove_member (obj, server_members[i]);
}

/* For PUT / PATCH: the entity's current JSON with the body's members laid
 * over it, so that absent members keep their value. */
JsonNode *
fd_admin_merge_json (JsonNode   *current,
                     JsonObject *changes)
{
  JsonObject *target = json_node_get_object (current);
  g_autoptr(GList) names = json_object_get_members (changes);

  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (target, l->data, json_object_dup_member (changes, l->data));
  return current;
}

gboolean
fd_admin_pop_password (JsonObject  *obj,
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

void
fd_admin_clear_password (char **password)
{
  if (*password != NULL)
    memset (*password, 0, strlen (*password));
  g_clear_pointer (password, g_free);
}

gboolean
fd_admin_require_text (const char  *value,
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
ref_found (Request     *req,
           gboolean     found,
           const char  *what,
           gint64       id,
           GError     **error)
{
  if (found)
    return TRUE;
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
               "No %s with id %" G_GINT64_FORMAT " in organization %" G_GINT64_FORMAT ".",
               what, id, req->org_id);
  return FALSE;
}

gboolean
fd_admin_check_ref (Request  *req,
                    FdLevel   level,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdAgent) agent = NULL;

  switch (level)
    {
    case FD_LEVEL_QUEUE:
      queue = fd_store_get_queue (req->store, req->org_id, id, NULL);
      return ref_found (req, queue != NULL, "queue", id, error);
    case FD_LEVEL_STREAM:
      stream = fd_store_get_stream (req->store, req->org_id, id, NULL);
      return ref_found (req, stream != NULL && !stream->deleted, "media stream", id, error);
    case FD_LEVEL_AGENT:
      agent = fd_store_get_agent (req->store, req->org_id, id, NULL);
      return ref_found (req, agent != NULL, "agent", id, error);
    case FD_LEVEL_ORGANIZATION:
    default:
      g_return_val_if_reached (FALSE);
    }
}

gboolean
fd_admin_check_owner (Request  *req,
                      FdLevel   level,
                      gint64   *owner_id,
                      GError  **error)
{
  if (level == FD_LEVEL_QUEUE || level == FD_LEVEL_STREAM || level == FD_LEVEL_AGENT)
    return fd_admin_check_ref (req, level, *owner_id, error);
  *owner_id = 0;
  return TRUE;
}

/* Makes the queue's members exactly @wanted. */
