#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <stdarg.h>

/* The statement cache and what every entity file uses to run a statement:
 * stepping and running it, the errors it maps, binding and reading values. */

void
fd_store_stmt_release (FdStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
fd_store_set_error (FdStore  *self,
                    int       rc,
                    gboolean  deleting,
                    GError  **error)
{
  /* sqlite3_errmsg names tables, columns and constraints, never bound
   * values, so it is safe to show. */
  const char *msg = self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc);

  switch (rc)
    {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT,
                   "The value is already taken (%s).", msg);
      return FALSE;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      if (deleting)
        g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CONFLICT,
                     "It is still in use: remove what refers to it first.");
      else
        g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                     "It refers to something that does not exist in this organization.");
      return FALSE;
    default:
      break;
    }

  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                   "The database refused a value (%s).", msg);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CORRUPT,
                   "The database file is damaged or is not a Frontdesk database (%s).", msg);
      break;
    default:
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "The database failed: %s.", msg);
      break;
    }
  return FALSE;
}

FdStoreStmt *
fd_store_prepare (FdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Nothing outside a group runs inside it, or before its sync: a read
   * would see, and a write would be answered with, changes not saved yet
   * (docs/architecture.md, "Durability"). */
  if (G_UNLIKELY ((self->group_open || self->groups_synced != self->groups_committed) &&
                  self->tx_depth == 0 && self->grouping == 0 && !self->group_committing))
    fd_store_group_settle (self);

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      fd_store_set_error (self, rc, FALSE, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  /* Keys are the static SQL texts of the callers: no copy needed. */
  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

FdStoreStmt *
fd_store_prepare_bound (FdStore           *self,
                        const char        *sql,
                        const FdStoreArg  *args,
                        guint              n_args,
                        GError           **error)
{
  FdStoreStmt *stmt = fd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  g_assert ((int) n_args <= sqlite3_bind_parameter_count (stmt));
  for (guint i = 0; i < n_args; i++)
    {
      int index = (int) i + 1;

      switch (args[i].type)
        {
        case FD_STORE_ARG_INT:
          sqlite3_bind_int64 (stmt, index, args[i].number);
          break;
        case FD_STORE_ARG_ID:
          fd_store_bind_id (stmt, index, args[i].number);
          break;
        case FD_STORE_ARG_TEXT:
          fd_store_bind_text (stmt, index, args[i].text);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return stmt;
}

typedef enum {
  RUN,
  RUN_UPDATE,
  RUN_DELETE,
} RunKind;

static gboolean
execute (FdStore           *self,
         RunKind            kind,
         const char        *sql,
         const char        *what,
         const FdStoreArg  *args,
         guint              n_args,
         GError           **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare_bound (self, sql, args, n_args, error);

  if (stmt == NULL)
    return FALSE;
  switch (kind)
    {
    case RUN:
      return fd_store_run (self, stmt, error);
    case RUN_UPDATE:
      return fd_store_run_update (self, stmt, what, error);
    case RUN_DELETE:
      return fd_store_run_delete (self, stmt, what, error);
    default:
      g_assert_not_reached ();
    }
}

gboolean
fd_store_execute (FdStore           *self,
                  const char        *sql,
                  const FdStoreArg  *args,
                  guint              n_args,
                  GError           **error)
{
  return execute (self, RUN, sql, NULL, args, n_args, error);
}

gboolean
fd_store_execute_update (FdStore           *self,
                         const char        *sql,
                         const char        *what,
                         const FdStoreArg  *args,
                         guint              n_args,
                         GError           **error)
{
  return execute (self, RUN_UPDATE, sql, what, args, n_args, error);
}

gboolean
fd_store_execute_delete (FdStore           *self,
                         const char        *sql,
                         const char        *what,
                         const FdStoreArg  *args,
                         guint              n_args,
                         GError           **error)
{
  return execute (self, RUN_DELETE, sql, what, args, n_args, error);
}

int
fd_store_step (FdStore      *self,
               FdStoreStmt  *stmt,
               gboolean      deleting,
               GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  /* With extended codes on, sqlite3_step returns the precise code. */
  fd_store_set_error (self, rc, deleting, error);
  return -1;
}

gboolean
fd_store_run (FdStore      *self,
              FdStoreStmt  *stmt,
              GError      **error)
{
  int rc = fd_store_step (self, stmt, FALSE, error);

  return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

gboolean
fd_store_run_delete (FdStore      *self,
                     FdStoreStmt  *stmt,
                     const char   *what,
                     GError      **error)
{
  int rc = fd_store_step (self, stmt, TRUE, error);

  if (rc < 0)
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return fd_store_not_found (what, error);
  return TRUE;
}

gboolean
fd_store_run_update (FdStore      *self,
                     FdStoreStmt  *stmt,
                     const char   *what,
                     GError      **error)
{
  int rc = fd_store_step (self, stmt, FALSE, error);

  if (rc < 0)
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return fd_store_not_found (what, error);
  return TRUE;
}

gboolean
fd_store_not_found (const char  *what,
                    GError     **error)
{
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND,
               "No such %s in this organization.", what);
  return FALSE;
}

gboolean
fd_store_invalid (GError     **error,
                  const char  *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (FD_STORE_ERROR, FD_STORE_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

void
fd_store_rephrase (GError     **error,
                   int          code,
                   int          new_code,
                   const char  *message)
{
  if (error == NULL || !g_error_matches (*error, FD_STORE_ERROR, code))
    return;
  g_clear_error (error);
  g_set_error_literal (error, FD_STORE_ERROR, new_code, message);
}

sqlite3_int64
fd_store_last_insert_id (FdStore *self)
{
  return sqlite3_last_insert_rowid (self->db);
}

int
fd_store_changes (FdStore *self)
{
  return sqlite3_changes (self->db);
}

/* Binding and reading. */

void
fd_store_bind_text (FdStoreStmt *stmt,
                    int          index,
                    const char  *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

void
fd_store_bind_id (FdStoreStmt *stmt,
                  int          index,
                  gint64       id)
{
  if (id == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, id);
}

char *
fd_store_col_text (FdStoreStmt *stmt,
                   int          column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

gint64
fd_store_col_int64 (FdStoreStmt *stmt,
                    int          column)
{
  return sqlite3_column_int64 (stmt, column);
}


gboolean
fd_store_step_row (FdStore      *self,
                   FdStoreStmt  *stmt,
                   GError      **error,
                   const char   *not_found,
                   ...)
{
  int rc = fd_store_step (self, stmt, FALSE, error);
  va_list args;

  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    return TRUE;
  va_start (args, not_found);
  if (error != NULL)
    *error = g_error_new_valist (FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, not_found, args);
  va_end (args);
  return FALSE;
}

gboolean
fd_store_query_int64 (FdStore           *self,
                      const char        *sql,
                      const FdStoreArg  *args,
                      guint              n_args,
                      gint64            *out_value,
                      GError           **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare_bound (self, sql, args, n_args, error);

  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "Not found."))
    return FALSE;
  *out_value = fd_store_col_int64 (stmt, 0);
  return TRUE;
}

GArray *
fd_store_query_ids (FdStore     *self,
                    const char  *sql,
                    gint64       id,
                    GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare_bound (self, sql, FD_STORE_ARGS (FD_ARG_INT (id)), error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 value = fd_store_col_int64 (stmt, 0);

      g_array_append_val (ids, value);
    }
  return rc < 0 ? NULL : g_steal_pointer (&ids);
}

gboolean
fd_store_load_ids (FdStore     *self,
                   GPtrArray   *rows,
                   const char  *sql,
                   gsize        id_offset,
                   gsize        ids_offset,
                   GError     **error)
{
  for (guint i = 0; i < rows->len; i++)
    {
      gpointer row = g_ptr_array_index (rows, i);
      GArray **ids = &G_STRUCT_MEMBER (GArray *, row, ids_offset);

      g_clear_pointer (ids, g_array_unref);
      *ids = fd_store_query_ids (self, sql, G_STRUCT_MEMBER (gint64, row, id_offset), error);
      if (*ids == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
fd_store_exists (FdStore     *self,
                 const char  *sql,
                 gint64       organization_id,
                 gint64       id,
                 GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, sql, FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (id)),
                                 error);
  return stmt != NULL && fd_store_step_row (self, stmt, error, "Not found.");
}
