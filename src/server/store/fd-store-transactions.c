#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Transactions: one per call, nested ones as savepoints (docs/store.md). */

static gboolean
exec_cached (FdStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  return fd_store_run (self, stmt, error);
}

gboolean
fd_store_begin (FdStore  *self,
                GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* IMMEDIATE takes the write lock at once, so a transaction never fails
   * half-way with SQLITE_BUSY when it first writes. */
  if (!exec_cached (self, self->tx_depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT fd_nested", error))
    return FALSE;
  self->tx_depth++;
  return TRUE;
}

gboolean
fd_store_commit (FdStore  *self,
                 GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (!exec_cached (self, self->tx_depth == 1 ? "COMMIT" : "RELEASE fd_nested", error))
    {
      /* Leave no half-open transaction behind a failed commit. */
      fd_store_rollback (self);
      return FALSE;
    }
  self->tx_depth--;
  return TRUE;
}

void
fd_store_rollback (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->tx_depth > 0);

  if (self->tx_depth == 1)
    {
      if (sqlite3_get_autocommit (self->db) == 0 &&
          !exec_cached (self, "ROLLBACK", &error))
        g_warning ("Rolling back failed: %s", error->message);
    }
  else if (!exec_cached (self, "ROLLBACK TO fd_nested", &error) ||
           !exec_cached (self, "RELEASE fd_nested", &error))
    g_warning ("Rolling back to a savepoint failed: %s", error->message);
  self->tx_depth--;
}

gboolean
fd_store_in_transaction (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->tx_depth > 0;
}

gboolean
fd_store_end (FdStore   *self,
              gboolean   ok,
              GError   **error)
{
  if (ok)
    return fd_store_commit (self, error);
  fd_store_rollback (self);
  return FALSE;
}

