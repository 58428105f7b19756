#pragma once

/* Site export and import: a whole organization as one JSON document whose
 * references are names and emails, not ids, so that an export imports into
 * another server (docs/admin.md, "Site format"). */

#include <json-glib/json-glib.h>

#include "fd-secret-box.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_SITE_ERROR (fd_site_error_quark ())

typedef enum {
  FD_SITE_ERROR_INVALID,    /* the document is not a valid site */
  FD_SITE_ERROR_NOT_EMPTY,  /* import into an organization that already has content */
} FdSiteError;

GQuark fd_site_error_quark (void);

/* The "format" and "version" members of every site document. */
#define FD_SITE_FORMAT  "frontdesk-site"
#define FD_SITE_VERSION 1

/* The organization @organization_id as a site document (no password hashes,
 * no soft-deleted streams). */
JsonNode       *fd_site_export (FdStore     *store,
                                gint64       organization_id,
                                GError     **error);

/* Imports @site in one transaction: into a new organization when
 * @organization_id is 0, otherwise into that organization, which must be
 * empty (no agents, queues, streams, canned replies or resources). Returns
 * the organization. Agents with a "password" member get that password;
 * agents without one cannot sign in until an admin sets one. An email
 * stream's write-only "password", "oauth_client_secret" and "oauth_tokens"
 * are sealed with @box into the store (with @box NULL such a document is
 * refused); export never has them. */
FdOrganization *fd_site_import (FdStore     *store,
                                FdSecretBox *box,
                                JsonNode    *site,
                                gint64       organization_id,
                                GError     **error);

G_END_DECLS
