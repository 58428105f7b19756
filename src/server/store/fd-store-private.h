#pragma once

/* Shared by the store's own files (fd-store*.c) only. */

#include <sqlite3.h>
#include "fd-store.h"

G_BEGIN_DECLS

struct _FdStore
{
  sqlite3    *db;
  GHashTable *stmts;          /* static SQL text → prepared statement */
  guint       tx_depth;       /* 0 = autocommit; 1 = BEGIN; > 1 = savepoints */
  int         schema_version;
};

/* A cached statement borrowed for one use: g_autoptr resets it (and clears
 * its bindings) instead of finalizing it. */
typedef sqlite3_stmt FdStoreStmt;
void fd_store_stmt_release (FdStoreStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreStmt, fd_store_stmt_release)

FdStoreStmt *fd_store_prepare       (FdStore      *self,
                                     const char   *sql,
                                     GError      **error);
/* SQLITE_ROW, SQLITE_DONE, or -1 with @error set. @deleting makes a foreign
 * key failure a CONFLICT ("still in use") rather than INVALID. */
int          fd_store_step          (FdStore      *self,
                                     FdStoreStmt  *stmt,
                                     gboolean      deleting,
                                     GError      **error);
gboolean     fd_store_run           (FdStore      *self,
                                     FdStoreStmt  *stmt,
                                     GError      **error);
/* Run, and NOT_FOUND when no row changed. */
gboolean     fd_store_run_delete    (FdStore      *self,
                                     FdStoreStmt  *stmt,
                                     const char   *what,
                                     GError      **error);
gboolean     fd_store_run_update    (FdStore      *self,
                                     FdStoreStmt  *stmt,
                                     const char   *what,
                                     GError      **error);
gboolean     fd_store_set_error     (FdStore      *self,
                                     int           rc,
                                     gboolean      deleting,
                                     GError      **error);
gboolean     fd_store_not_found     (const char   *what,
                                     GError      **error);
gboolean     fd_store_invalid       (GError      **error,
                                     const char   *format,
                                     ...) G_GNUC_PRINTF (2, 3);
/* When *error is of @code, replaces it by @new_code with @message. */
void         fd_store_rephrase      (GError      **error,
                                     int           code,
                                     int           new_code,
                                     const char   *message);
sqlite3_int64 fd_store_last_insert_id (FdStore    *self);
int          fd_store_changes       (FdStore      *self);
/* Commits when @ok, else rolls back and returns FALSE. */
gboolean     fd_store_end           (FdStore      *self,
                                     gboolean      ok,
                                     GError      **error);
/* TRUE when @sql (binding ?1 = organization id, ?2 = id) returns a row. */
gboolean     fd_store_exists        (FdStore      *self,
                                     const char   *sql,
                                     gint64        organization_id,
                                     gint64        id,
                                     GError      **error);

void         fd_store_bind_text     (FdStoreStmt  *stmt,
                                     int           index,
                                     const char   *value);
/* Binds 0 as NULL (an optional reference). */
void         fd_store_bind_id       (FdStoreStmt  *stmt,
                                     int           index,
                                     gint64        id);
char        *fd_store_col_text      (FdStoreStmt  *stmt,
                                     int           column);
gint64       fd_store_col_int64     (FdStoreStmt  *stmt,
                                     int           column);

gboolean     fd_store_check_string  (const char   *value,
                                     const char   *what,
                                     guint         max_chars,
                                     gboolean      required,
                                     GError      **error);
gboolean     fd_store_check_enum    (const char   *name,
                                     const char   *what,
                                     GError      **error);
gboolean     fd_store_check_json    (const char   *json,
                                     const char   *what,
                                     gsize         max_bytes,
                                     GError      **error);
gboolean     fd_store_check_strv    (char * const *strv,
                                     const char   *what,
                                     guint         max_chars,
                                     GError      **error);
char        *fd_store_strv_to_json  (char * const *strv);
char       **fd_store_strv_from_json (const char  *json);
char        *fd_store_fold          (const char   *text);
/* "%text%" with % _ \ escaped (ESCAPE '\'), casefolded; NULL for no search. */
char        *fd_store_like_pattern  (const char   *search);

G_END_DECLS
