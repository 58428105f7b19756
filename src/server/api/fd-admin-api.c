#define G_LOG_DOMAIN "fd-admin-api"

#include "fd-admin-api-private.h"

#include "fd-auth.h"
#include "fd-crm-provider.h"
#include "fd-codec.h"

#include <string.h>

struct _FdAdminApi
{
  GObject       parent_instance;

  FdCenter     *center;        /* writes every change */
  FdStore      *store;         /* the center's, for reading */
  GCancellable *cancellable;   /* password hashes in the pool */
  FdSecretBox  *secret_box;    /* seals stream passwords; the server's */
  FdAuthorize  *authorize;     /* authorization links; the server's, NULL before it starts */
  FdCrm        *crm;           /* the CRM connections (docs/crm.md); the server's */
};

G_DEFINE_FINAL_TYPE (FdAdminApi, fd_admin_api, G_TYPE_OBJECT)

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
  ROUTE_AUTHORIZATION,
  ROUTE_CRM,
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
  if (n == 3 && g_str_equal (seg[2], "crm"))
    return (Match) { ROUTE_CRM, "GET,PUT,DELETE", NULL, 0, 0 };

  m.klass = fd_admin_find_entity_class (seg[2]);
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
  else if (n == 5 && g_str_equal (m.klass->collection, "streams") && g_str_equal (seg[4], "authorization"))
    {
      m.route = ROUTE_AUTHORIZATION;
      m.methods = "POST";
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

/* GET / PUT / DELETE …/organizations/{o}/crm (docs/admin.md, "CRM"): the
 * connection writes on its own (FdCrm), not as routing configuration. */
static gboolean
serve_crm (Request  *req,
           GError  **error)
{
  FdCrm *crm = req->self->crm;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(JsonNode) status = NULL;

  org = fd_store_get_organization (req->store, req->org_id, error);
  if (org == NULL)
    return FALSE;
  if (crm == NULL)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "This server does not run the CRM integration.");
      return FALSE;
    }
  if (g_str_equal (req->method, "PUT"))
    {
      JsonObject *obj = fd_admin_parse_object_body (req, error);
      g_autofree char *url = NULL;
      g_autofree char *expires = NULL;
      gint64 expires_at = 0;
      JsonObject *answer;

      if (obj == NULL)
        return FALSE;
      url = fd_crm_connect (crm, req->org_id, fd_crm_json_string (obj, "provider"),
                            fd_crm_json_string (obj, "instance_url"),
                            fd_crm_json_string (obj, "client_id"),
                            fd_crm_json_string (obj, "client_secret"),
                            &expires_at, error);
      json_object_unref (obj);
      if (url == NULL)
        return FALSE;
      status = fd_crm_status (crm, req->org_id, error);
      if (status == NULL)
        return FALSE;
      answer = json_node_get_object (status);
      expires = fd_timestamp_to_string (expires_at);
      json_object_set_string_member (answer, "connect_url", url);
      json_object_set_string_member (answer, "connect_url_expires_at", expires);
      fd_api_respond_json (req->msg, SOUP_STATUS_OK, g_steal_pointer (&status));
      return TRUE;
    }
  if (g_str_equal (req->method, "DELETE"))
    {
      if (!fd_crm_disconnect (crm, req->org_id, error))
        return FALSE;
      soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
      return TRUE;
    }
  status = fd_crm_status (crm, req->org_id, error);
  if (status == NULL)
    return FALSE;
  fd_api_respond_json (req->msg, SOUP_STATUS_OK, g_steal_pointer (&status));
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
      return fd_admin_serve_organizations (req, error);
    case ROUTE_SITES:
      return fd_admin_serve_site (req, TRUE, error);
    case ROUTE_ORGANIZATION:
      return fd_admin_serve_organization (req, error);
    case ROUTE_SITE:
      return fd_admin_serve_site (req, FALSE, error);
    case ROUTE_COLLECTION:
      return fd_admin_serve_collection (req, m->klass, error);
    case ROUTE_ITEM:
      return fd_admin_serve_item (req, m->klass, m->id, error);
    case ROUTE_MEMBERS:
      return fd_admin_serve_members (req, m->id, 0, error);
    case ROUTE_MEMBER:
      return fd_admin_serve_members (req, m->id, m->sub_id, error);
    case ROUTE_PHASES:
      return fd_admin_serve_phases (req, m->id, error);
    case ROUTE_SESSIONS:
      return fd_admin_serve_sessions (req, m->id, error);
    case ROUTE_AUTHORIZATION:
      return fd_admin_serve_authorization (req, req->self->authorize, m->id, error);
    case ROUTE_CRM:
      return serve_crm (req, error);
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
    case ROUTE_AUTHORIZATION:
    case ROUTE_CRM:
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

  /* A new authorization link changes no configuration, and its email must
   * not leave before the link is committed: it writes on its own. */
  if (g_str_equal (req->method, "GET") || m->route == ROUTE_AUTHORIZATION || m->route == ROUTE_CRM)
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
        fd_admin_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "No organization with id %" G_GINT64_FORMAT ".",
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
  body = fd_admin_parse_body (req, NULL);
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
  g_autoptr(JsonNode) body = fd_admin_parse_body (req, NULL);
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
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) seg = g_ptr_array_new ();
  Request req = { self, self->store, msg, soup_server_message_get_method (msg), 0, NULL, 0, NULL };
  Match m;

  if (!check_admin_token (self, msg))
    return;

  /* The guard refused larger announced bodies before reading them. */
  if (!soup_message_body_get_accumulate (soup_server_message_get_request_body (msg)) ||
      (gsize) soup_server_message_get_request_body (msg)->length > fd_admin_body_limit (msg))
    {
      fd_admin_respond_error (msg, FD_WIRE_ERROR_TOO_LARGE, "The request body is larger than %" G_GSIZE_FORMAT " bytes.",
                              fd_admin_body_limit (msg));
      return;
    }

  parts = g_strsplit (path + strlen (FD_ADMIN_API_PREFIX), "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (seg, parts[i]);

  m = match_route (&req, (char **) seg->pdata, seg->len);
  if (m.route == ROUTE_NONE)
    {
      fd_admin_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is no admin API resource at %s.", path);
      return;
    }
  if (!method_is (req.method, m.methods))
    {
      fd_admin_respond_error (msg, FD_WIRE_ERROR_MALFORMED, "%s does not take %s; it takes %s.",
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
          fd_admin_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "No organization with id %" G_GINT64_FORMAT ".",
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
fd_admin_api_set_secret_box (FdAdminApi  *self,
                             FdSecretBox *box)
{
  g_return_if_fail (FD_IS_ADMIN_API (self));

  self->secret_box = box;
}

void
fd_admin_api_set_authorize (FdAdminApi  *self,
                            FdAuthorize *authorize)
{
  g_return_if_fail (FD_IS_ADMIN_API (self));

  self->authorize = authorize;
}

void
fd_admin_api_set_crm (FdAdminApi *self,
                      FdCrm      *crm)
{
  g_return_if_fail (FD_IS_ADMIN_API (self));

  self->crm = crm;
}

GBytes *
fd_admin_seal_secret (Request     *req,
                      const char  *plaintext,
                      GError     **error)
{
  g_autoptr(GBytes) plain = NULL;

  if (req->self->secret_box == NULL)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_INVALID_FIELD,
                           "This server keeps no secrets: its secret key could not be opened (see its log).");
      return NULL;
    }
  plain = g_bytes_new (plaintext, strlen (plaintext));
  return fd_secret_box_seal (req->self->secret_box, plain, error);
}

FdSecretBox *
fd_admin_secret_box (Request *req)
{
  return req->self->secret_box;
}

FdCenter *
fd_admin_center (Request *req)
{
  return req->self->center;
}

void
fd_admin_api_attach (FdAdminApi *self,
                     SoupServer *server)
{
  g_return_if_fail (FD_IS_ADMIN_API (self));
  g_return_if_fail (SOUP_IS_SERVER (server));

  soup_server_add_handler (server, FD_ADMIN_API_PREFIX, on_admin_request_cb, self, NULL);
}
