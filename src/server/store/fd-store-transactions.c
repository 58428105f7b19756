#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Transactions: one per call, nested ones as savepoints (docs/store.md);
 * and group commit: many transactions as savepoints of one shared
 * transaction, committed (and synced) once (docs/architecture.md,
 * "Durability"). */

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

/* --- Group commit ------------------------------------------------------------ */

static void
group_ended (FdStore      *self,
             const GError *error)
{
  self->group_open = FALSE;
  self->group_size = 0;
  if (self->group_func != NULL)
    self->group_func (FD_STORE_GROUP_ENDED, error, self->group_data);
}

/* SQLite may roll back the whole transaction on its own after some errors
 * (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): then the group is lost. */
static void
check_group_alive (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->group_open || sqlite3_get_autocommit (self->db) == 0)
    return;
  g_set_error (&error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
               "The database rolled back a group of changes after an error; nothing of it was saved.");
  g_warning ("%s", error->message);
  group_ended (self, error);
}

void
fd_store_set_group_func (FdStore          *self,
                         FdStoreGroupFunc  func,
                         gpointer          user_data)
{
  g_return_if_fail (self != NULL);
  self->group_func = func;
  self->group_data = user_data;
}

void
fd_store_group_enter (FdStore *self)
{
  g_return_if_fail (self != NULL);
  self->grouping++;
}

void
fd_store_group_leave (FdStore *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->grouping > 0);
  self->grouping--;
}

gboolean
fd_store_group_is_open (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->group_open;
}

guint
fd_store_group_get_size (FdStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->group_size;
}

gboolean
fd_store_group_commit (FdStore  *self,
                       GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth == 0, FALSE);

  if (!self->group_open)
    return TRUE;
  self->group_committing = TRUE;
  ok = exec_cached (self, "COMMIT", &local_error);
  self->group_committing = FALSE;
  if (!ok)
    {
      g_warning ("Cannot commit a group of %u changes: %s", self->group_size, local_error->message);
      /* A COMMIT that failed may leave the transaction open (SQLITE_BUSY,
       * SQLITE_FULL): undo it, so that what was not acknowledged is not
       * saved later by the next group's COMMIT either. */
      if (sqlite3_get_autocommit (self->db) == 0)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      group_ended (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  group_ended (self, NULL);
  return TRUE;
}

/* --- Transactions ------------------------------------------------------------ */

gboolean
fd_store_begin (FdStore  *self,
                GError  **error)
{
  const char *sql = "SAVEPOINT fd_nested";

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->tx_depth == 0)
    check_group_alive (self);
  if (self->tx_depth == 0 && self->grouping > 0)
    {
      if (!self->group_open)
        {
          /* IMMEDIATE takes the write lock at once, so a transaction
           * never fails half-way with SQLITE_BUSY when it first writes. */
          if (!exec_cached (self, "BEGIN IMMEDIATE", error))
            return FALSE;
          self->group_open = TRUE;
          self->group_size = 0;
          if (self->group_func != NULL)
            self->group_func (FD_STORE_GROUP_OPENED, NULL, self->group_data);
        }
      sql = "SAVEPOINT fd_grouped";
    }
  else if (self->tx_depth == 0)
    {
      /* Not part of the group: what the group holds is committed first,
       * so this transaction's COMMIT covers only itself. */
      if (self->group_open && !fd_store_group_commit (self, error))
        return FALSE;
      sql = "BEGIN IMMEDIATE";
    }
  if (!exec_cached (self, sql, error))
    {
      check_group_alive (self);
      return FALSE;
    }
  self->tx_depth++;
  return TRUE;
}

gboolean
fd_store_commit (FdStore  *self,
                 GError  **error)
{
  const char *sql;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth > 1)
    sql = "RELEASE fd_nested";
  else if (self->group_open)
    sql = "RELEASE fd_grouped";
  else
    sql = "COMMIT";
  if (!exec_cached (self, sql, error))
    {
      /* Leave no half-open transaction behind a failed commit. */
      fd_store_rollback (self);
      return FALSE;
    }
  self->tx_depth--;
  if (self->tx_depth == 0 && self->group_open)
    self->group_size++;
  return TRUE;
}

void
fd_store_rollback (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->tx_depth > 0);

  if (self->tx_depth == 1 && self->group_open)
    {
      /* One member of the group undone: its neighbours stay. */
      if (sqlite3_get_autocommit (self->db) == 0 &&
          (!exec_cached (self, "ROLLBACK TO fd_grouped", &error) ||
           !exec_cached (self, "RELEASE fd_grouped", &error)))
        g_warning ("Rolling back to a savepoint failed: %s", error->message);
      self->tx_depth--;
      check_group_alive (self);
      return;
    }
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
