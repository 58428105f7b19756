#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Canned replies and resources: texts and links at organization, queue,
 * stream or agent level. */

/* The visibility rule shared by both tables ("x" is the row): ?1 the
 * organization, ?2 the agent, ?3 the search pattern or NULL, ?4..?7 the
 * level names. */
#define VISIBLE_TO_AGENT \
  "x.organization_id = ?1 AND (" \
  "  x.level = ?4" \
  "  OR (x.level = ?5 AND x.owner_id IN " \
  "      (SELECT queue_id FROM queue_members WHERE organization_id = ?1 AND agent_id = ?2))" \
  "  OR (x.level = ?6 AND x.owner_id IN " \
  "      (SELECT s.id FROM streams s JOIN queue_members m ON m.queue_id = s.queue_id " \
  "       WHERE m.organization_id = ?1 AND m.agent_id = ?2 AND s.deleted = 0))" \
  "  OR (x.level = ?7 AND x.owner_id = ?2))"

/* The owner must exist in the organization (organization level: owner 0). */
static gboolean
check_owner (FdStore  *self,
             gint64    organization_id,
             FdLevel   level,
             gint64    owner_id,
             GError  **error)
{
  const char *sql = NULL;

  if (!fd_store_check_enum (fd_level_to_string (level), "level", error))
    return FALSE;
  switch (level)
    {
    case FD_LEVEL_ORGANIZATION:
      if (owner_id != 0)
        return fd_store_invalid (error, "An organization-level item has no owner.");
      return TRUE;
    case FD_LEVEL_QUEUE:
      sql = "SELECT 1 FROM queues WHERE organization_id = ?1 AND id = ?2";
      break;
    case FD_LEVEL_STREAM:
      sql = "SELECT 1 FROM streams WHERE organization_id = ?1 AND id = ?2";
      break;
    case FD_LEVEL_AGENT:
      sql = "SELECT 1 FROM agents WHERE organization_id = ?1 AND id = ?2";
      break;
    default:
      g_assert_not_reached ();
    }
  if (!fd_store_exists (self, sql, organization_id, owner_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_INVALID,
                         "The owner (queue, media stream or agent) does not exist in this organization.");
      return FALSE;
    }
  return TRUE;
}

/* What canned replies and resources share: a table of items with the
 * same id, organization, level and owner columns, and the search of the
 * items an agent can see. */
typedef struct {
  FdStoreTable  table;
  const char   *visible_sql;  /* VISIBLE_TO_AGENT's parameters */
} LibraryKind;

/* ?3: the search as a folded LIKE pattern, or NULL for all. */
#define MATCHES(column) " OR fd_fold (x." column ") LIKE ?3 ESCAPE '\\'"
#define VISIBLE_SQL(table, columns, matches)                                              \
  "SELECT " columns " FROM " table " x WHERE " VISIBLE_TO_AGENT " AND (?3 IS NULL" matches ") " \
  "ORDER BY fd_fold (x.name), x.id"

/* The items the agent can see, matching @search in the kind's search
 * columns, by name. */
static GPtrArray *
list_visible_items (FdStore            *self,
                    const LibraryKind  *kind,
                    gint64              organization_id,
                    gint64              agent_id,
                    const char         *search,
                    GError            **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *pattern = NULL;

  if (!fd_store_check_string (search, "search text", FD_STORE_MAX_NAME, FALSE, error))
    return NULL;
  pattern = fd_store_like_pattern (search);
  stmt = fd_store_prepare_bound (self, kind->visible_sql,
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                                FD_ARG_TEXT (pattern),
                                                FD_ARG_TEXT (fd_level_to_string (FD_LEVEL_ORGANIZATION)),
                                                FD_ARG_TEXT (fd_level_to_string (FD_LEVEL_QUEUE)),
                                                FD_ARG_TEXT (fd_level_to_string (FD_LEVEL_STREAM)),
                                                FD_ARG_TEXT (fd_level_to_string (FD_LEVEL_AGENT))), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &kind->table, stmt, error);
}

/* Canned replies. */

#define REPLY_COLUMNS "id, organization_id, level, owner_id, name, text"

static const LibraryKind reply_kind = {
  .table = {
    .what = "canned reply",
    .info = &fd_canned_reply_info,
    FD_STORE_TABLE_SQL ("canned_replies", REPLY_COLUMNS),
  },
  .visible_sql = VISIBLE_SQL ("canned_replies", REPLY_COLUMNS, MATCHES ("name") MATCHES ("text")),
};

static gboolean
check_reply (FdStore              *self,
             const FdCannedReply  *reply,
             GError              **error)
{
  return fd_store_check_string (reply->name, "canned reply name", FD_STORE_MAX_NAME, TRUE, error) &&
         fd_store_check_string (reply->text, "canned reply text", FD_STORE_MAX_TEXT, TRUE, error) &&
         check_owner (self, reply->organization_id, reply->level, reply->owner_id, error);
}

gboolean
fd_store_create_canned_reply (FdStore        *self,
                              FdCannedReply  *reply,
                              GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  if (!check_reply (self, reply, error))
    return FALSE;
  if (!fd_store_execute (self,
                         "INSERT INTO canned_replies (organization_id, level, owner_id, name, text, "
                         "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         FD_STORE_ARGS (FD_ARG_INT (reply->organization_id),
                                        FD_ARG_TEXT (fd_level_to_string (reply->level)),
                                        FD_ARG_INT (reply->owner_id),
                                        FD_ARG_TEXT (reply->name),
                                        FD_ARG_TEXT (reply->text),
                                        FD_ARG_INT (g_get_real_time ())), error))
    return FALSE;
  reply->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdCannedReply *
fd_store_get_canned_reply (FdStore  *self,
                           gint64    organization_id,
                           gint64    id,
                           GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &reply_kind.table, organization_id, id, error);
}

GPtrArray *
fd_store_list_canned_replies (FdStore  *self,
                              gint64    organization_id,
                              GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_list (self, &reply_kind.table, organization_id, error);
}

gboolean
fd_store_update_canned_reply (FdStore              *self,
                              const FdCannedReply  *reply,
                              GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);

  if (!check_reply (self, reply, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE canned_replies SET level = ?3, owner_id = ?4, name = ?5, text = ?6 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "canned reply",
                                  FD_STORE_ARGS (FD_ARG_INT (reply->organization_id),
                                                 FD_ARG_INT (reply->id),
                                                 FD_ARG_TEXT (fd_level_to_string (reply->level)),
                                                 FD_ARG_INT (reply->owner_id),
                                                 FD_ARG_TEXT (reply->name),
                                                 FD_ARG_TEXT (reply->text)), error);
}

gboolean
fd_store_delete_canned_reply (FdStore  *self,
                              gint64    organization_id,
                              gint64    id,
                              GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_table_delete (self, &reply_kind.table, organization_id, id, error);
}

GPtrArray *
fd_store_list_visible_canned_replies (FdStore     *self,
                                      gint64       organization_id,
                                      gint64       agent_id,
                                      const char  *search,
                                      GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return list_visible_items (self, &reply_kind, organization_id, agent_id, search, error);
}

/* Resources. */

#define RESOURCE_COLUMNS "id, organization_id, level, owner_id, name, url, description, " \
                         "mime_type, size"

static const LibraryKind resource_kind = {
  .table = {
    .what = "resource",
    .info = &fd_resource_info,
    FD_STORE_TABLE_SQL ("resources", RESOURCE_COLUMNS),
  },
  .visible_sql = VISIBLE_SQL ("resources", RESOURCE_COLUMNS,
                              MATCHES ("name") MATCHES ("url") MATCHES ("description")),
};

static gboolean
check_resource (FdStore           *self,
                const FdResource  *resource,
                GError           **error)
{
  if (!fd_store_check_string (resource->name, "resource name", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (resource->url, "resource address", FD_STORE_MAX_STRING, TRUE, error) ||
      !fd_store_check_string (resource->description, "resource description", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (resource->mime_type, "resource type", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  if (resource->size < 0)
    return fd_store_invalid (error, "A resource's size cannot be negative.");
  return check_owner (self, resource->organization_id, resource->level, resource->owner_id, error);
}

gboolean
fd_store_create_resource (FdStore     *self,
                          FdResource  *resource,
                          GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  if (!check_resource (self, resource, error))
    return FALSE;
  if (!fd_store_execute (self,
                         "INSERT INTO resources (organization_id, level, owner_id, name, url, "
                         "description, mime_type, size, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         FD_STORE_ARGS (FD_ARG_INT (resource->organization_id),
                                        FD_ARG_TEXT (fd_level_to_string (resource->level)),
                                        FD_ARG_INT (resource->owner_id),
                                        FD_ARG_TEXT (resource->name),
                                        FD_ARG_TEXT (resource->url),
                                        FD_ARG_TEXT (resource->description),
                                        FD_ARG_TEXT (resource->mime_type),
                                        FD_ARG_INT (resource->size),
                                        FD_ARG_INT (g_get_real_time ())), error))
    return FALSE;
  resource->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdResource *
fd_store_get_resource (FdStore  *self,
                       gint64    organization_id,
                       gint64    id,
                       GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &resource_kind.table, organization_id, id, error);
}

GPtrArray *
fd_store_list_resources (FdStore  *self,
                         gint64    organization_id,
                         GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_list (self, &resource_kind.table, organization_id, error);
}

gboolean
fd_store_update_resource (FdStore           *self,
                          const FdResource  *resource,
                          GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  if (!check_resource (self, resource, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE resources SET level = ?3, owner_id = ?4, name = ?5, url = ?6, "
                                  "description = ?7, mime_type = ?8, size = ?9 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "resource",
                                  FD_STORE_ARGS (FD_ARG_INT (resource->organization_id),
                                                 FD_ARG_INT (resource->id),
                                                 FD_ARG_TEXT (fd_level_to_string (resource->level)),
                                                 FD_ARG_INT (resource->owner_id),
                                                 FD_ARG_TEXT (resource->name),
                                                 FD_ARG_TEXT (resource->url),
                                                 FD_ARG_TEXT (resource->description),
                                                 FD_ARG_TEXT (resource->mime_type),
                                                 FD_ARG_INT (resource->size)), error);
}

gboolean
fd_store_delete_resource (FdStore  *self,
                          gint64    organization_id,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_table_delete (self, &resource_kind.table, organization_id, id, error);
}

GPtrArray *
fd_store_list_visible_resources (FdStore     *self,
                                 gint64       organization_id,
                                 gint64       agent_id,
                                 const char  *search,
                                 GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return list_visible_items (self, &resource_kind, organization_id, agent_id, search, error);
}

/* Items name their owner by (level, owner_id), without a foreign key: they
 * go with their agent or queue here. */
gboolean
fd_store_delete_owned_items (FdStore  *self,
                             gint64    organization_id,
                             FdLevel   level,
                             gint64    owner_id,
                             GError  **error)
{
  static const char * const sql[] = {
    "DELETE FROM canned_replies WHERE organization_id = ?1 AND level = ?2 AND owner_id = ?3",
    "DELETE FROM resources WHERE organization_id = ?1 AND level = ?2 AND owner_id = ?3",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
    
      if (!fd_store_execute (self, sql[i],
                             FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                            FD_ARG_TEXT (fd_level_to_string (level)),
                                            FD_ARG_INT (owner_id)), error))
        return FALSE;
    }
  return TRUE;
}

