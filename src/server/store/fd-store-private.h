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
  /* Group commit (fd-store-transactions.c): while grouping > 0, a
   * transaction begun at depth 0 is a savepoint inside one open
   * transaction that fd_store_group_commit() commits. */
  FdStoreDurability durability;
  guint       grouping;
  gboolean    group_open;
  gboolean    group_committing;
  guint       group_size;     /* transactions released into the open group */
  FdStoreGroupFunc group_func;
  gpointer    group_data;
  /* Background sync of the WAL after a group's COMMIT
   * (fd-store-transactions.c). */
  gboolean    background_sync;
  gboolean    group_deferred;    /* the open group commits without a sync */
  guint64     groups_committed;  /* deferred groups whose COMMIT returned */
  guint64     groups_synced;     /* of those, the ones that ended */
  struct _FdStoreSyncer *syncer;
  /* Checkpoints in a worker thread while background sync is on
   * (fd-store-checkpoint.c). */
  struct _FdStoreCheckpointer *checkpointer;
  int         schema_version;
  /* The Activity Log's full-text index is kept in batches (fd-store-log.c):
   * messages added since the last catch-up, and whether one ran since the
   * store was opened. */
  guint       log_unindexed;
  gboolean    log_index_known;
};

/* A cached statement borrowed for one use: g_autoptr resets it (and clears
 * its bindings) instead of finalizing it. */
typedef sqlite3_stmt FdStoreStmt;
void fd_store_stmt_release (FdStoreStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreStmt, fd_store_stmt_release)

/* Commits the open group and waits for every committed group's sync:
 * called before a statement outside any group (fd_store_prepare()). */
void         fd_store_group_settle  (FdStore      *self);
/* Stops the sync worker (fd_store_free()). */
void         fd_store_syncer_free   (FdStore      *self);
/* The WAL checkpointed by a worker thread instead of inside the COMMIT
 * that filled it (fd-store-checkpoint.c); stop restores SQLite's own. */
typedef struct _FdStoreCheckpointer FdStoreCheckpointer;
void         fd_store_checkpointer_start (FdStore *self);
void         fd_store_checkpointer_stop  (FdStore *self);

FdStoreStmt *fd_store_prepare       (FdStore      *self,
                                     const char   *sql,
                                     GError      **error);

/* A value for one parameter of a statement: an integer, an id (0 is bound
 * as NULL: an optional reference) or a text (NULL as NULL). */
typedef struct {
  enum { FD_STORE_ARG_INT, FD_STORE_ARG_ID, FD_STORE_ARG_TEXT } type;
  gint64       number;
  const char  *text;
} FdStoreArg;

#define FD_ARG_INT(v)  ((FdStoreArg) { .type = FD_STORE_ARG_INT, .number = (v) })
#define FD_ARG_ID(v)   ((FdStoreArg) { .type = FD_STORE_ARG_ID, .number = (v) })
#define FD_ARG_TEXT(v) ((FdStoreArg) { .type = FD_STORE_ARG_TEXT, .text = (v) })
/* The arguments of a call, bound to ?1, ?2, … in order. */
#define FD_STORE_ARGS(...) \
  (const FdStoreArg[]) { __VA_ARGS__ }, G_N_ELEMENTS (((const FdStoreArg[]) { __VA_ARGS__ }))

/* fd_store_prepare() with its parameters bound. */
FdStoreStmt *fd_store_prepare_bound (FdStore           *self,
                                     const char        *sql,
                                     const FdStoreArg  *args,
                                     guint              n_args,
                                     GError           **error);
/* Prepares, binds and runs a statement that returns no row; _update and
 * _delete are NOT_FOUND (naming @what) when no row changed, as
 * fd_store_run_update() and fd_store_run_delete(). */
gboolean     fd_store_execute        (FdStore           *self,
                                      const char        *sql,
                                      const FdStoreArg  *args,
                                      guint              n_args,
                                      GError           **error);
gboolean     fd_store_execute_update (FdStore           *self,
                                      const char        *sql,
                                      const char        *what,
                                      const FdStoreArg  *args,
                                      guint              n_args,
                                      GError           **error);
gboolean     fd_store_execute_delete (FdStore           *self,
                                      const char        *sql,
                                      const char        *what,
                                      const FdStoreArg  *args,
                                      guint              n_args,
                                      GError           **error);

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
/* Steps @stmt to its first row: TRUE there; without one, FALSE with
 * NOT_FOUND and the message @not_found (a printf format). */
gboolean     fd_store_step_row      (FdStore      *self,
                                     FdStoreStmt  *stmt,
                                     GError      **error,
                                     const char   *not_found,
                                     ...) G_GNUC_PRINTF (4, 5);
/* The first column of the first row of @sql (a count, a sequence number). */
gboolean     fd_store_query_int64   (FdStore           *self,
                                     const char        *sql,
                                     const FdStoreArg  *args,
                                     guint              n_args,
                                     gint64            *out_value,
                                     GError           **error);
/* The first column of every row of @sql, binding ?1 = @id: the ids of a
 * row's children (a queue's members, a phase's agents). */
GArray      *fd_store_query_ids     (FdStore      *self,
                                     const char   *sql,
                                     gint64        id,
                                     GError      **error);
/* Fills the id array at @ids_offset of each of @rows with
 * fd_store_query_ids (@sql, the id at @id_offset): a load_children of
 * FdStoreTable. */
gboolean     fd_store_load_ids      (FdStore      *self,
                                     GPtrArray    *rows,
                                     const char   *sql,
                                     gsize         id_offset,
                                     gsize         ids_offset,
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

/* The messages of one conversation (FdMessage *) by id, for the loads of
 * their children (fd-store-messages.c); the table borrows them. */
GHashTable  *fd_store_messages_by_id (GPtrArray   *messages);
/* @msg's delivery from the columns @column (state, NULL: none), @column + 1
 * (reason) and @column + 2 (attempts); NULL when the state is NULL. */
FdDelivery  *fd_store_col_delivery  (FdStoreStmt     *stmt,
                                     int              column,
                                     const FdMessage *msg);

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

/* The full-text index of the messages (fd-store-log.c): brought up to
 * date with every message stored, and told of each message stored. */
gboolean     fd_store_log_index_messages (FdStore  *self,
                                          GError  **error);
gboolean     fd_store_log_message_added  (FdStore  *self,
                                          GError  **error);

/* Reading rows into structs (fd-store-table.c, docs/store.md "Tables").
 *
 * A row fills the struct of an FdTypeInfo, the protocol's description of
 * an entity: each column goes into the field of the same name, read as the
 * field's kind says (an enum from its wire name, a list of strings from its
 * JSON text). A column that names no field is a programming error. */
void         fd_store_read_columns  (FdStoreStmt       *stmt,
                                     const FdTypeInfo  *info,
                                     int                first,
                                     int                n_columns,
                                     gpointer           object);

typedef struct _FdStoreTable FdStoreTable;

/* One table: the struct its rows fill and its scoped get, list and delete.
 * The SQL texts are literals (FD_STORE_TABLE_SQL below), because
 * fd_store_prepare() caches statements by their text. */
struct _FdStoreTable
{
  const char        *what;          /* "contact": "No such contact in this organization." */
  const FdTypeInfo  *info;
  int                n_columns;     /* the struct's columns, from the first; 0 = all */
  const char        *get_sql;       /* ?1 organization, ?2 id */
  const char        *list_sql;      /* ?1 organization */
  const char        *delete_sql;    /* ?1 organization, ?2 id */
  /* What the row holds beyond the struct's columns (a conversation's
   * contact, joined); NULL = nothing. */
  void             (*read_more)     (FdStoreStmt  *stmt,
                                     gpointer      object);
  /* Children kept in other tables, loaded for every row read (a queue's
   * members, a phase's agents, a message's attachments); NULL = none. */
  gboolean         (*load_children) (FdStore      *self,
                                     GPtrArray    *rows,
                                     GError      **error);
};

/* The scoped get, list and delete of @table, whose rows are @columns. */
#define FD_STORE_TABLE_SQL(table, columns) \
  .get_sql = "SELECT " columns " FROM " table " WHERE organization_id = ?1 AND id = ?2", \
  .list_sql = "SELECT " columns " FROM " table " WHERE organization_id = ?1 ORDER BY id", \
  .delete_sql = "DELETE FROM " table " WHERE organization_id = ?1 AND id = ?2"

/* The current row of @stmt as a new struct, without children. */
gpointer     fd_store_table_row     (const FdStoreTable *table,
                                     FdStoreStmt        *stmt);
/* Every row of @stmt (bound by the caller), with their children. */
GPtrArray   *fd_store_table_collect (FdStore            *self,
                                     const FdStoreTable *table,
                                     FdStoreStmt        *stmt,
                                     GError            **error);
/* The first row of @stmt, with its children, or NOT_FOUND. */
gpointer     fd_store_table_first   (FdStore            *self,
                                     const FdStoreTable *table,
                                     FdStoreStmt        *stmt,
                                     GError            **error);
gpointer     fd_store_table_get     (FdStore            *self,
                                     const FdStoreTable *table,
                                     gint64              organization_id,
                                     gint64              id,
                                     GError            **error);
GPtrArray   *fd_store_table_list    (FdStore            *self,
                                     const FdStoreTable *table,
                                     gint64              organization_id,
                                     GError            **error);
/* NOT_FOUND when no row went. */
gboolean     fd_store_table_delete  (FdStore            *self,
                                     const FdStoreTable *table,
                                     gint64              organization_id,
                                     gint64              id,
                                     GError            **error);

/* Checks shared by several tables. */
gboolean     fd_store_check_contact      (const FdContact  *contact,
                                          GError          **error);
/* An agent named by another row (0: none) must be of its organization. */
gboolean     fd_store_check_agent_in_org (FdStore     *self,
                                          gint64       organization_id,
                                          gint64       agent_id,
                                          GError     **error);

/* Deletes the canned replies and resources of an owner (fd-store-library.c):
 * they name it by (level, owner_id), without a foreign key. */
gboolean     fd_store_delete_owned_items (FdStore     *self,
                                          gint64       organization_id,
                                          FdLevel      level,
                                          gint64       owner_id,
                                          GError     **error);

G_END_DECLS
