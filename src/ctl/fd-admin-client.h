#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FD_ADMIN_CLIENT_ERROR (fd_admin_client_error_quark ())

/* How a request to the admin API failed. The codes follow the HTTP status
 * the server answered with; the GError message is the server's sentence. */
typedef enum {
  FD_ADMIN_CLIENT_ERROR_CONNECT,       /* the server could not be reached */
  FD_ADMIN_CLIENT_ERROR_BAD_RESPONSE,  /* the answer was not the expected JSON */
  FD_ADMIN_CLIENT_ERROR_INVALID,       /* 400: malformed body or invalid field */
  FD_ADMIN_CLIENT_ERROR_UNAUTHORIZED,  /* 401 */
  FD_ADMIN_CLIENT_ERROR_FORBIDDEN,     /* 403 */
  FD_ADMIN_CLIENT_ERROR_NOT_FOUND,     /* 404 */
  FD_ADMIN_CLIENT_ERROR_CONFLICT,      /* 409 */
  FD_ADMIN_CLIENT_ERROR_TOO_LARGE,     /* 413 */
  FD_ADMIN_CLIENT_ERROR_INTERNAL,      /* 5xx and anything else */
} FdAdminClientError;

GQuark fd_admin_client_error_quark (void);

#define FD_TYPE_ADMIN_CLIENT (fd_admin_client_get_type ())
G_DECLARE_FINAL_TYPE (FdAdminClient, fd_admin_client, FD, ADMIN_CLIENT, GObject)

FdAdminClient *fd_admin_client_new     (const char     *base_url,
                                        const char     *token);
const char    *fd_admin_client_get_url (FdAdminClient  *self);

/* Sends @method to @path (below /api/admin/v1, e.g. "/organizations/1/agents")
 * with @body as JSON when not NULL, and returns the parsed answer: a JSON node,
 * or a JSON null node for "204 No Content". */
JsonNode      *fd_admin_client_request (FdAdminClient  *self,
                                        const char     *method,
                                        const char     *path,
                                        JsonNode       *body,
                                        GError        **error);

G_END_DECLS
