#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-file-policy.h"
#include "fd-store-private.h"

/* Organizations: the scope of every other row. */

#define ORG_COLUMNS "id, name, reserve_acd, created_at, blocked_extensions"

/* Organizations are the scope: their get and list are not scoped. */
static const FdStoreTable org_table = {
  .what = "organization",
  .info = &fd_organization_info,
};

/* Checks @org; its blocked extensions, normalized (".EXE" → "exe"), in
 * @out_blocked as the JSON text to store (NULL: the default list). */
static gboolean
check_org (const FdOrganization  *org,
           char                 **out_blocked,
           GError               **error)
{
  g_auto(GStrv) blocked = NULL;
  g_autoptr(GError) policy_error = NULL;

  *out_blocked = NULL;
  if (!fd_store_check_string (org->name, "organization name", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_enum (fd_reserve_acd_to_string (org->reserve_acd), "reserve setting", error))
    return FALSE;
  if (!fd_file_policy_normalize_list (org->blocked_extensions, &blocked, &policy_error))
    return fd_store_invalid (error, "%s", policy_error->message);
  *out_blocked = fd_store_strv_to_json (blocked);
  return TRUE;
}

gboolean
fd_store_create_organization (FdStore         *self,
                              FdOrganization  *org,
                              GError         **error)
{
  g_autofree char *blocked = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, error))
    return FALSE;
  if (org->created_at == 0)
    org->created_at = g_get_real_time ();
  if (!fd_store_execute (self,
                         "INSERT INTO organizations (name, reserve_acd, created_at, blocked_extensions) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         FD_STORE_ARGS (FD_ARG_TEXT (org->name),
                                        FD_ARG_TEXT (fd_reserve_acd_to_string (org->reserve_acd)),
                                        FD_ARG_INT (org->created_at),
                                        FD_ARG_TEXT (blocked)), error))
    return FALSE;
  org->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdOrganization *
fd_store_get_organization (FdStore  *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  FdOrganization *org;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self, "SELECT " ORG_COLUMNS " FROM organizations WHERE id = ?1",
                                 FD_STORE_ARGS (FD_ARG_INT (id)), error);
  if (stmt == NULL)
    return NULL;
  org = fd_store_table_first (self, &org_table, stmt, error);
  if (org == NULL)
    fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND, "No such organization.");
  return org;
}

GPtrArray *
fd_store_list_organizations (FdStore  *self,
                             GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self, "SELECT " ORG_COLUMNS " FROM organizations ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &org_table, stmt, error);
}

gboolean
fd_store_update_organization (FdStore               *self,
                              const FdOrganization  *org,
                              GError               **error)
{
  g_autofree char *blocked = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE organizations SET name = ?2, reserve_acd = ?3, blocked_extensions = ?4 "
                                  "WHERE id = ?1",
                                  "organization",
                                  FD_STORE_ARGS (FD_ARG_INT (org->id), FD_ARG_TEXT (org->name),
                                                 FD_ARG_TEXT (fd_reserve_acd_to_string (org->reserve_acd)),
                                                 FD_ARG_TEXT (blocked)), error);
}

gboolean
fd_store_delete_organization (FdStore  *self,
                              gint64    id,
                              GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_delete (self, "DELETE FROM organizations WHERE id = ?1",
                                  "organization",
                                  FD_STORE_ARGS (FD_ARG_INT (id)), error);
}

