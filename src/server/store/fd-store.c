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

/* The core of the store: opening, migrations, transactions, the statement
 * cache and the helpers every entity file (fd-store-*.c) uses. */

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
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

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

/* Validation. */

gboolean
fd_store_check_string (const char  *value,
                       const char  *what,
                       guint        max_chars,
                       gboolean     required,
                       GError     **error)
{
  if (value == NULL || *value == '\0')
    {
      if (required)
        return fd_store_invalid (error, "The %s is empty.", what);
      return TRUE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid UTF-8 text.", what);
  if (g_utf8_strlen (value, -1) > (glong) max_chars)
    return fd_store_invalid (error, "The %s is longer than %u characters.", what, max_chars);
  return TRUE;
}

gboolean
fd_store_check_enum (const char  *name,
                     const char  *what,
                     GError     **error)
{
  if (name == NULL)
    return fd_store_invalid (error, "The %s is not one the server knows.", what);
  return TRUE;
}

gboolean
fd_store_check_json (const char  *json,
                     const char  *what,
                     gsize        max_bytes,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (json == NULL)
    return TRUE;
  if (strlen (json) > max_bytes)
    return fd_store_invalid (error, "The %s is larger than %" G_GSIZE_FORMAT " bytes.", what, max_bytes);
  if (!g_utf8_validate (json, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid UTF-8 text.", what);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return fd_store_invalid (error, "The %s is not valid JSON.", what);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fd_store_invalid (error, "The %s is not a JSON object.", what);
  return TRUE;
}

char *
fd_store_strv_to_json (char * const *strv)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (strv == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

char **
fd_store_strv_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonNode *root;
  JsonArray *array;

  if (json == NULL)
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *s = json_array_get_string_element (array, i);

      if (s != NULL)
        g_strv_builder_add (builder, s);
    }
  return g_strv_builder_end (builder);
}

gboolean
fd_store_check_strv (char * const *strv,
                     const char   *what,
                     guint         max_chars,
                     GError      **error)
{
  guint n = 0;

  if (strv == NULL)
    return TRUE;
  for (; strv[n] != NULL; n++)
    if (!fd_store_check_string (strv[n], what, max_chars, TRUE, error))
      return FALSE;
  if (n > FD_STORE_MAX_LIST)
    return fd_store_invalid (error, "There are more than %u entries in the %s list.",
                             FD_STORE_MAX_LIST, what);
  return TRUE;
}

/* Casefolds for case-insensitive comparisons; the input was validated as
 * UTF-8 on its way in, but a damaged row must not crash a query. */
char *
fd_store_fold (const char *text)
{
  if (text == NULL)
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup (text);
  return g_utf8_casefold (text, -1);
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

char *
fd_store_like_pattern (const char *search)
{
  g_autofree char *folded = NULL;
  GString *pattern;

  if (search == NULL || *search == '\0')
    return NULL;
  folded = fd_store_fold (search);
  pattern = g_string_new ("%");
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

gboolean
fd_store_exists (FdStore     *self,
                 const char  *sql,
                 gint64       organization_id,
                 gint64       id,
                 GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "Not found.");
      return FALSE;
    }
  return TRUE;
}

/* Transactions. */

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

  /* NORMAL in WAL mode: a commit is in the WAL (the OS's page cache) before
   * it returns, so killing the process loses nothing acknowledged; only a
   * power cut or kernel crash may lose the last transactions. See
   * docs/store.md, "Durability". */
  if (!exec_script (self,
                    "PRAGMA synchronous = NORMAL;"
                    "PRAGMA foreign_keys = ON;"
                    "PRAGMA trusted_schema = OFF;",
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

void
fd_store_free (FdStore *self)
{
  if (self == NULL)
    return;
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
