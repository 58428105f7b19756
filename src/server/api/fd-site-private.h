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

/* Canned replies and resources are both owned by the organization, a queue,
 * a stream or an agent (level + owner_id); one description of each kind
 * serves export and import alike. */
typedef struct {
  const char       *section;        /* the site document's member */
  const FdTypeInfo *info;
  gsize             organization_offset;
  gsize             level_offset;
  gsize             owner_offset;
  GPtrArray      *(*list)   (FdStore *store, gint64 organization_id, GError **error);
  gboolean        (*create) (FdStore *store, gpointer item, GError **error);
} FdSiteOwnedKind;

enum { FD_SITE_CANNED_REPLIES, FD_SITE_RESOURCES, FD_SITE_N_OWNED };
extern const FdSiteOwnedKind fd_site_owned_kinds[FD_SITE_N_OWNED];

/* What of an organization a site document carries. */
typedef struct {
  FdOrganization *organization;
  GPtrArray      *agents;
  GPtrArray      *queues;
  GPtrArray      *streams;
  GPtrArray      *owned[FD_SITE_N_OWNED];
} FdSiteContents;

/* Loads @contents (cleared with fd_site_contents_clear()); @with_deleted
 * includes soft-deleted streams. */
gboolean  fd_site_contents_load      (FdStore        *store,
                                      gint64          organization_id,
                                      gboolean        with_deleted,
                                      FdSiteContents *contents,
                                      GError        **error);
void      fd_site_contents_clear     (FdSiteContents *contents);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FdSiteContents, fd_site_contents_clear)

G_END_DECLS
