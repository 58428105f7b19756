#pragma once

/* The admin HTTP+JSON API under /api/admin/v1 (docs/admin.md): every request
 * carries "Authorization: Bearer <admin token>"; bodies are the entities'
 * JSON from fd-types.h; errors are {"error": {"code", "message"}}. */

#include <libsoup/soup.h>

#include "fd-authorize.h"
#include "fd-crm.h"
#include "fd-center.h"
#include "fd-secret-box.h"

G_BEGIN_DECLS

#define FD_ADMIN_API_PREFIX   "/api/admin/v1"
/* Request bodies above this answer 413 with the code "too-large" (site
 * documents may be larger: see fd-http-guard.c). */
#define FD_ADMIN_API_MAX_BODY (1024 * 1024)
/* Agents with a password in one site import (hashed on the main loop). */
#define FD_ADMIN_API_MAX_IMPORT_PASSWORDS 100

#define FD_TYPE_ADMIN_API (fd_admin_api_get_type ())
G_DECLARE_FINAL_TYPE (FdAdminApi, fd_admin_api, FD, ADMIN_API, GObject)

/* Every change goes through @center (fd_center_change_config()), which must
 * outlive the API object; the server owns both. */
FdAdminApi *fd_admin_api_new    (FdCenter    *center);
/* The box that seals stream passwords (owned by the server, outlives the
 * API); without one a stream password is refused. */
void        fd_admin_api_set_secret_box (FdAdminApi  *self,
                                         FdSecretBox *box);
/* The stream authorization flow (owned by the server; NULL: none), for
 * POST …/streams/{id}/authorization. */
void        fd_admin_api_set_authorize (FdAdminApi  *self,
                                        FdAuthorize *authorize);
/* The CRM connections (owned by the server; NULL: none), for
 * …/organizations/{id}/crm (docs/admin.md, "CRM"). */
void        fd_admin_api_set_crm       (FdAdminApi  *self,
                                        FdCrm       *crm);
/* Adds the API's handlers to @server. */
void        fd_admin_api_attach (FdAdminApi  *self,
                                 SoupServer  *server);

G_END_DECLS
