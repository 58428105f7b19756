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
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (offer != NULL, FALSE);

  if (!fd_store_execute (self,
                         "INSERT INTO offers (organization_id, conversation_id, agent_id, phase, "
                         "offered_at, bounce_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                         "ON CONFLICT (conversation_id, agent_id) DO UPDATE SET "
                         "phase = excluded.phase, offered_at = excluded.offered_at, "
                         "bounce_at = excluded.bounce_at "
                         "WHERE offers.organization_id = excluded.organization_id",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                        FD_ARG_INT (offer->conversation_id),
                                        FD_ARG_INT (offer->agent_id),
                                        FD_ARG_INT (offer->phase),
                                        FD_ARG_INT (offer->offered_at),
                                        FD_ARG_INT (offer->bounce_at)), error))
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
  g_return_val_if_fail (self != NULL, FALSE);

  /* Deleting an offer that is gone already is not an error: a bounce and a
   * reserve may both clear it. */
  return fd_store_execute (self,
                           "DELETE FROM offers WHERE organization_id = ?1 AND conversation_id = ?2 "
                           "AND (?3 = 0 OR agent_id = ?3)",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                          FD_ARG_INT (conversation_id),
                                          FD_ARG_INT (agent_id)), error);
}

GPtrArray *
fd_store_list_offers_by_agent (FdStore  *self,
                               gint64    organization_id,
                               gint64    agent_id,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " OFFER_COLUMNS " FROM offers "
                                 "WHERE organization_id = ?1 AND agent_id = ?2 "
                                 "ORDER BY offered_at, conversation_id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (agent_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &offer_table, stmt, error);
}

GPtrArray *
fd_store_list_offers (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " OFFER_COLUMNS " FROM offers "
                                 "WHERE ?1 = 0 OR organization_id = ?1 "
                                 "ORDER BY offered_at, conversation_id, agent_id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &offer_table, stmt, error);
}
