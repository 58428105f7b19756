#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store.h"
#include "fd-store-private.h"
#include "fd-store-schema.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opening the store: the database file and its permissions, the
 * connection's settings, and the schema migrations. The statement cache is
 * in fd-store-statements.c, transactions in fd-store-transactions.c, the
 * reading of rows in fd-store-table.c. */

G_DEFINE_QUARK (fd-store-error-quark, fd_store_error)

G_STATIC_ASSERT (G_N_ELEMENTS (fd_store_migrations) == FD_STORE_SCHEMA_VERSION);

/* How long a statement waits for a lock held by another connection (a
 * backup, the sqlite3 shell) before failing. */
#define BUSY_TIMEOUT_MS 5000

static void
stmt_finalize (gpointer data)
{
  sqlite3_finalize (data);
}

static void
sql_fold (sqlite3_context  *ctx,
          int               argc,
          sqlite3_value   **argv)
{
  const char *text = (const char *) sqlite3_value_text (argv[0]);

  if (text == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  sqlite3_result_text (ctx, fd_store_fold (text), -1, g_free);
}

/* Opening and migrations. */

static gboolean
pragma_int (FdStore     *self,
            const char  *sql,
            int         *out,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Not cached: these run once, before and during migration. */
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    fd_store_set_error (self, rc, FALSE, error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

static gboolean
exec_script (FdStore     *self,
             const char  *sql,
             GError     **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &errmsg);

  sqlite3_free (errmsg);
  if (rc != SQLITE_OK)
    return fd_store_set_error (self, sqlite3_extended_errcode (self->db), FALSE, error);
  return TRUE;
}

static gboolean
check_version (FdStore  *self,
               int       version,
               int       app_id,
               int       n_tables,
               GError  **error)
{
  if (version > FD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_TOO_NEW,
                   "The database has schema version %d, but this frontdeskd knows "
                   "versions up to %d: run a newer frontdeskd, or restore a backup "
                   "made for this version.", version, FD_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if ((version > 0 && app_id != FD_STORE_APPLICATION_ID) ||
      (version == 0 && n_tables > 0))
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CORRUPT,
                   "The file is an SQLite database of another application, "
                   "not a Frontdesk database.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (FdStore  *self,
         GError  **error)
{
  int version = 0, app_id = 0, n_tables = 0;
  gboolean ok = TRUE;

  if (!pragma_int (self, "PRAGMA user_version", &version, error) ||
      !pragma_int (self, "PRAGMA application_id", &app_id, error) ||
      !pragma_int (self, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", &n_tables, error) ||
      !check_version (self, version, app_id, n_tables, error))
    return FALSE;

  if (version == FD_STORE_SCHEMA_VERSION)
    {
      self->schema_version = version;
      return TRUE;
    }

  /* All steps in one transaction: a failure or a crash half-way leaves the
   * database at its old version, untouched. */
  if (!fd_store_begin (self, error))
    return FALSE;
  /* Read again under the write lock: another process may have migrated. */
  ok = pragma_int (self, "PRAGMA user_version", &version, error) &&
       check_version (self, version, version > 0 ? FD_STORE_APPLICATION_ID : 0, 0, error);
  for (int v = version; ok && v < FD_STORE_SCHEMA_VERSION; v++)
    {
      g_debug ("Migrating the database from schema version %d to %d", v, v + 1);
      ok = exec_script (self, fd_store_migrations[v], error);
    }
  if (ok)
    {
      g_autoptr(FdStoreStmt) check = fd_store_prepare (self, "PRAGMA foreign_key_check", error);

      /* A step that leaves dangling references is a bug: refuse it. */
      ok = check != NULL;
      if (ok && sqlite3_step (check) == SQLITE_ROW)
        ok = fd_store_invalid (error, "Migrating the database left broken references.");
    }
  if (!fd_store_end (self, ok, error))
    return FALSE;
  self->schema_version = FD_STORE_SCHEMA_VERSION;
  return TRUE;
}

/* The database holds password hashes and customers' data: its files are
 * the server user's alone (docs/store.md, "File permissions"). A missing
 * directory is created 0700 and a missing file 0600 before SQLite opens it;
 * SQLite then gives the -wal and -shm files the database file's mode. A
 * file or side file found readable by others is tightened, with a warning. */
static gboolean
tighten_file (const char  *path,
              GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return TRUE;   /* not there (yet): nothing to tighten */
  if (!S_ISREG (st.st_mode) || (st.st_mode & 0077) == 0)
    return TRUE;
  g_warning ("%s was readable by other users (mode %04o): setting it to 0600", path,
             (guint) (st.st_mode & 07777));
  if (g_chmod (path, 0600) != 0)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot make %s private to the server's user (chmod 0600): %s.", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare_files (const char  *path,
               GError     **error)
{
  static const char * const side_files[] = { "-wal", "-shm", "-journal" };
  g_autofree char *dir = NULL;
  int fd;

  /* In-memory and URI databases have no file of ours to look after. */
  if (path[0] == '\0' || g_str_equal (path, ":memory:") || g_str_has_prefix (path, "file:"))
    return TRUE;

  /* Only the last level: a mistyped path does not grow a tree. */
  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_EXISTS) && g_mkdir (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot create the database directory %s: %s.", dir, g_strerror (saved));
      return FALSE;
    }

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
  else if (errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot create the database file %s: %s.", path, g_strerror (saved));
      return FALSE;
    }

  if (!tighten_file (path, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (side_files); i++)
    {
      g_autofree char *side = g_strconcat (path, side_files[i], NULL);

      if (!tighten_file (side, error))
        return FALSE;
    }
  return TRUE;
}

FdStore *
fd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(FdStore) self = NULL;
  g_autofree char *journal = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "The cryptography library could not start.");
      return NULL;
    }

  if (!prepare_files (path, error))
    return NULL;

  self = g_new0 (FdStore, 1);
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, stmt_finalize);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot open the database file: %s.",
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* The first statement reads the file header: a file that is not SQLite
   * fails here with SQLITE_NOTADB. WAL lets readers (backups, the sqlite3
   * shell) run beside the server. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          journal = fd_store_col_text (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
        g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_CORRUPT,
                     "The file is not a Frontdesk database: it is not an SQLite "
                     "database, or it is damaged.");
      else
        fd_store_set_error (self, rc, FALSE, error);
      return NULL;
    }
  if (g_strcmp0 (journal, "wal") != 0 && g_strcmp0 (journal, "memory") != 0)
    g_warning ("The database could not switch to WAL mode (it uses “%s”)", journal);

  /* FULL in WAL mode: every commit syncs the WAL before it returns, so
   * what was acknowledged survives a power cut too; the server groups
   * commits so that one sync covers many changes, and with background
   * sync a group's COMMIT returns before its sync, which a worker thread
   * does (fd-store-transactions.c). See docs/architecture.md,
   * "Durability". temp_store = MEMORY: each request
   * of a group is a savepoint, whose sub-journal (the pages it changed, as
   * they were before) SQLite otherwise writes to a temporary file, a
   * pwrite() per page per request; in memory it is a copy (bounded by the
   * group: at most FD_CENTER_GROUP_MAX requests). */
  if (!exec_script (self,
                    "PRAGMA synchronous = FULL;"
                    "PRAGMA foreign_keys = ON;"
                    "PRAGMA trusted_schema = OFF;"
                    "PRAGMA temp_store = MEMORY;",
                    error))
    return NULL;

  rc = sqlite3_create_function (self->db, "fd_fold", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
                                NULL, sql_fold, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      fd_store_set_error (self, rc, FALSE, error);
      return NULL;
    }

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
fd_store_set_durability (FdStore           *self,
                         FdStoreDurability  durability,
                         GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth == 0 && !self->group_open, FALSE);

  fd_store_group_wait_synced (self);
  /* Only FULL syncs (and checkpoints) in the background: FULL_INLINE is
   * SQLite's own FULL, as before background sync. */
  if (durability != FD_STORE_DURABILITY_FULL)
    fd_store_set_background_sync (self, FALSE);
  if (!exec_script (self, durability == FD_STORE_DURABILITY_NORMAL ? "PRAGMA synchronous = NORMAL"
                                                                   : "PRAGMA synchronous = FULL",
                    error))
    return FALSE;
  self->durability = durability;
  return TRUE;
}

FdStoreDurability
fd_store_get_durability (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FD_STORE_DURABILITY_FULL);
  return self->durability;
}

void
fd_store_free (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return;
  /* What a group holds was not acknowledged yet; saving it loses nothing. */
  if (self->group_open && self->tx_depth == 0 && !fd_store_group_commit (self, &error))
    g_warning ("Cannot save the last changes before closing: %s", error->message);
  /* And synced: a group's COMMIT may have returned before its sync. */
  fd_store_group_wait_synced (self);
  fd_store_syncer_free (self);
  fd_store_checkpointer_stop (self);
  if (self->tx_depth > 0 && self->db != NULL)
    {
      g_warning ("The store was closed inside a transaction: rolling it back");
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_free (self);
}

int
fd_store_get_schema_version (FdStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->schema_version;
}
