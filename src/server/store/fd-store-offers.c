#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Offers: a conversation offered to an agent by the routing engine, kept so
 * that a restart restores them. */

#define OFFER_COLUMNS "conversation_id, agent_id, phase, offered_at, bounce_at"

static const FdStoreTable offer_table = {
  .what = "offer",
  .info = &fd_offer_info,
};

gboolean
fd_store_put_offer (FdStore        *self,
                    gint64          organization_id,
                    const FdOffer  *offer,
                    GError        **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (offer != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "INSERT INTO offers (organization_id, conversation_id, agent_id, phase, "
                           "offered_at, bounce_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                           "ON CONFLICT (conversation_id, agent_id) DO UPDATE SET "
                           "phase = excluded.phase, offered_at = excluded.offered_at, "
                           "bounce_at = excluded.bounce_at "
                           "WHERE offers.organization_id = excluded.organization_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, offer->conversation_id);
  sqlite3_bind_int64 (stmt, 3, offer->agent_id);
  sqlite3_bind_int (stmt, 4, offer->phase);
  sqlite3_bind_int64 (stmt, 5, offer->offered_at);
  sqlite3_bind_int64 (stmt, 6, offer->bounce_at);
  if (!fd_store_run (self, stmt, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND,
                         "No such conversation or agent in this organization.");
      return FALSE;
    }
  if (fd_store_changes (self) == 0)
    return fd_store_not_found ("conversation", error);
  return TRUE;
}

gboolean
fd_store_delete_offer (FdStore  *self,
                       gint64    organization_id,
                       gint64    conversation_id,
                       gint64    agent_id,
                       GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Deleting an offer that is gone already is not an error: a bounce and a
   * reserve may both clear it. */
  stmt = fd_store_prepare (self,
                           "DELETE FROM offers WHERE organization_id = ?1 AND conversation_id = ?2 "
                           "AND (?3 = 0 OR agent_id = ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  return fd_store_run (self, stmt, error);
}

GPtrArray *
fd_store_list_offers_by_agent (FdStore  *self,
                               gint64    organization_id,
                               gint64    agent_id,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " OFFER_COLUMNS " FROM offers "
                           "WHERE organization_id = ?1 AND agent_id = ?2 "
                           "ORDER BY offered_at, conversation_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, agent_id);
  return fd_store_table_collect (self, &offer_table, stmt, error);
}

GPtrArray *
fd_store_list_offers (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " OFFER_COLUMNS " FROM offers "
                           "WHERE ?1 = 0 OR organization_id = ?1 "
                           "ORDER BY offered_at, conversation_id, agent_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  return fd_store_table_collect (self, &offer_table, stmt, error);
}
