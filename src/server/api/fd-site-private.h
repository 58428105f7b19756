#pragma once

/* What site export (fd-site.c) and import (fd-site-import.c) share. */

#include "fd-site.h"

G_BEGIN_DECLS

/* Drops the members that only make sense inside one database (ids,
 * creation times, live state): export leaves them out, import ignores
 * them. */
void      fd_site_drop_local_members (JsonObject *obj);
/* A node holding @obj (taken). */
JsonNode *fd_site_object_node        (JsonObject *obj);

G_END_DECLS
