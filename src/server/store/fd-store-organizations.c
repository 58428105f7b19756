#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-file-policy.h"
#include "fd-mail-compose.h"
#include "fd-store-private.h"

#include <string.h>

/* Organizations: the scope of every other row. */

#define ORG_COLUMNS "id, name, reserve_acd, created_at, blocked_extensions, authorization_addresses"

/* Organizations are the scope: their get and list are not scoped. */
static const FdStoreTable org_table = {
  .what = "organization",
  .info = &fd_organization_info,
};

/* The authorization addresses (docs/admin.md, "Email streams"): each a
 * plain address, at most FD_ORG_MAX_AUTHORIZATION_ADDRESSES; in
 * @out_addresses as the JSON text to store (NULL: none). */
static gboolean
check_authorization_addresses (const FdOrganization  *org,
                               char                 **out_addresses,
                               GError               **error)
{
  guint n = org->authorization_addresses != NULL ? g_strv_length (org->authorization_addresses) : 0;

  *out_addresses = NULL;
  if (n > FD_ORG_MAX_AUTHORIZATION_ADDRESSES)
    return fd_store_invalid (error, "An organization has at most %d authorization addresses, not %u.",
                             FD_ORG_MAX_AUTHORIZATION_ADDRESSES, n);
  for (guint i = 0; i < n; i++)
    {
      const char *address = org->authorization_addresses[i];

      if (strlen (address) > FD_STORE_MAX_NAME || !fd_mail_address_is_plain (address))
        return fd_store_invalid (error, "The authorization address “%s” is not a plain email address "
                                 "(local@domain).", strlen (address) > 64 ? "…" : address);
      for (guint j = 0; j < i; j++)
        if (g_ascii_strcasecmp (org->authorization_addresses[j], address) == 0)
          return fd_store_invalid (error, "The authorization address “%s” is given twice.", address);
    }
  if (n > 0)
    *out_addresses = fd_store_strv_to_json (org->authorization_addresses);
  return TRUE;
}

/* Checks @org; its blocked extensions, normalized (".EXE" → "exe"), in
 * @out_blocked as the JSON text to store (NULL: the default list), and its
 * authorization addresses in @out_addresses. */
static gboolean
check_org (const FdOrganization  *org,
           char                 **out_blocked,
           char                 **out_addresses,
           GError               **error)
{
  g_auto(GStrv) blocked = NULL;
  g_autoptr(GError) policy_error = NULL;

  *out_blocked = NULL;
  if (!check_authorization_addresses (org, out_addresses, error))
    return FALSE;
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
  g_autofree char *addresses = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, &addresses, error))
    return FALSE;
  if (org->created_at == 0)
    org->created_at = g_get_real_time ();
  if (!fd_store_execute (self,
                         "INSERT INTO organizations (name, reserve_acd, created_at, blocked_extensions, "
                         "authorization_addresses) VALUES (?1, ?2, ?3, ?4, ?5)",
                         FD_STORE_ARGS (FD_ARG_TEXT (org->name),
                                        FD_ARG_TEXT (fd_reserve_acd_to_string (org->reserve_acd)),
                                        FD_ARG_INT (org->created_at),
                                        FD_ARG_TEXT (blocked), FD_ARG_TEXT (addresses)), error))
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
  g_autofree char *addresses = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, &addresses, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE organizations SET name = ?2, reserve_acd = ?3, blocked_extensions = ?4, "
                                  "authorization_addresses = ?5 WHERE id = ?1",
                                  "organization",
                                  FD_STORE_ARGS (FD_ARG_INT (org->id), FD_ARG_TEXT (org->name),
                                                 FD_ARG_TEXT (fd_reserve_acd_to_string (org->reserve_acd)),
                                                 FD_ARG_TEXT (blocked), FD_ARG_TEXT (addresses)), error);
}

gboolean
fd_store_delete_organization (FdStore  *self,
                              gint64    id,
                              GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* The messages go with the organization (ON DELETE CASCADE); their
   * entries of the full-text index are taken out first, in the same
   * transaction (an external-content index needs the old text), once
   * every message is in it (it is kept in batches, fd-store-log.c). */
  if (!fd_store_begin (self, error))
    return FALSE;
  return fd_store_end (self,
                       fd_store_log_index_messages (self, error) &&
                       fd_store_execute (self,
                                         "INSERT INTO messages_fts (messages_fts, rowid, text) "
                                         "SELECT 'delete', id, text FROM messages "
                                         "WHERE organization_id = ?1 AND text IS NOT NULL",
                                         FD_STORE_ARGS (FD_ARG_INT (id)), error) &&
                       fd_store_execute_delete (self, "DELETE FROM organizations WHERE id = ?1",
                                                "organization",
                                                FD_STORE_ARGS (FD_ARG_INT (id)), error),
                       error);
}

