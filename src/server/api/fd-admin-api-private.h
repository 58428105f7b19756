#pragma once

/* Internals of the admin API shared by its files: fd-admin-api.c (routes,
 * dispatch, the object), fd-admin-request.c (reading bodies, answering,
 * checking ids), fd-admin-entities.c (the per-entity routes, table-driven)
 * and fd-admin-config.c (members, phases, organizations, sites). */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-admin-api.h"
#include "fd-api-http.h"
#include "fd-error.h"
#include "fd-store.h"
#include "fd-types.h"

G_BEGIN_DECLS

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

/* Every entity struct but FdOrganization starts with id and organization_id
 * (fd-types.h); the generic routes set them through this view. */
typedef struct {
  gint64 id;
  gint64 organization_id;
} EntityHead;

/* Seals a stream's secret with the server's FdSecretBox (fd-admin-api.c). */
GBytes     *fd_admin_seal_secret          (Request           *req,
                                           const char        *plaintext,
                                           GError           **error);
/* The server's FdSecretBox, NULL when its key could not be opened. */
FdSecretBox *fd_admin_secret_box          (Request           *req);
/* The server's FdCenter (the change runs inside its transaction). */
FdCenter    *fd_admin_center              (Request           *req);

/* --- Answers and bodies (fd-admin-request.c) -------------------------------- */

void        fd_admin_respond_error        (SoupServerMessage *msg,
                                           FdWireError        code,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (3, 4);
/* The body limit of the request's address (fd-http-guard.c's table). */
gsize       fd_admin_body_limit           (SoupServerMessage *msg);
JsonNode   *fd_admin_parse_body           (Request           *req,
                                           GError           **error);
JsonObject *fd_admin_parse_object_body    (Request           *req,
                                           GError           **error);
/* Drops the members a client may send but never sets. */
void        fd_admin_drop_server_members  (JsonObject        *obj);
/* For PUT / PATCH: @current with @changes laid over it. */
JsonNode   *fd_admin_merge_json           (JsonNode          *current,
                                           JsonObject        *changes);
gboolean    fd_admin_pop_password         (JsonObject        *obj,
                                           char             **out,
                                           GError           **error);
void        fd_admin_clear_password       (char             **password);
gboolean    fd_admin_require_text         (const char        *value,
                                           const char        *member,
                                           const char        *what,
                                           GError           **error);
/* Ids a body names must be of the request's organization: @id is a queue,
 * a (not deleted) media stream or an agent, as @level says. */
gboolean    fd_admin_check_ref            (Request           *req,
                                           FdLevel            level,
                                           gint64             id,
                                           GError           **error);
gboolean    fd_admin_check_owner          (Request           *req,
                                           FdLevel            level,
                                           gint64            *owner_id,
                                           GError           **error);

/* --- Entities (fd-admin-entities.c) ----------------------------------------- */

const EntityClass *fd_admin_find_entity_class (const char        *collection);
gboolean    fd_admin_serve_collection     (Request           *req,
                                           const EntityClass *klass,
                                           GError           **error);
gboolean    fd_admin_serve_item           (Request           *req,
                                           const EntityClass *klass,
                                           gint64             id,
                                           GError           **error);
gboolean    fd_admin_serve_sessions       (Request           *req,
                                           gint64             agent_id,
                                           GError           **error);

/* --- Configuration (fd-admin-config.c) -------------------------------------- */

gboolean    fd_admin_serve_members        (Request           *req,
                                           gint64             queue_id,
                                           gint64             agent_id,
                                           GError           **error);
/* POST …/streams/{s}/authorization: a new authorization link, emailed. */
gboolean    fd_admin_serve_authorization  (Request           *req,
                                           FdAuthorize       *authorize,
                                           gint64             stream_id,
                                           GError           **error);
gboolean    fd_admin_serve_phases         (Request           *req,
                                           gint64             stream_id,
                                           GError           **error);
gboolean    fd_admin_serve_organizations  (Request           *req,
                                           GError           **error);
gboolean    fd_admin_serve_organization   (Request           *req,
                                           GError           **error);
gboolean    fd_admin_serve_site           (Request           *req,
                                           gboolean           into_new,
                                           GError           **error);

G_END_DECLS
