#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <string.h>

/* Tables: how a row becomes a struct, and the scoped get, list and delete
 * every table shares. A table is described once (FdStoreTable); the struct
 * a row fills is described by the protocol's FdTypeInfo, whose field names
 * are the column names, so that a column is named in its table's SQL and
 * nowhere else in the store. */

#define FIELD_PTR(object, field) ((guint8 *) (object) + (field)->offset)

static const FdFieldInfo *
find_field (const FdTypeInfo *info,
            const char       *name)
{
  for (guint i = 0; i < info->n_fields; i++)
    if (strcmp (info->fields[i].name, name) == 0)
      return &info->fields[i];
  return NULL;
}

static void
read_field (FdStoreStmt       *stmt,
            int                column,
            const FdFieldInfo *field,
            gpointer           object)
{
  gpointer p = FIELD_PTR (object, field);

  switch (field->kind)
    {
    case FD_FIELD_INT64:
    case FD_FIELD_TIMESTAMP:
      *(gint64 *) p = fd_store_col_int64 (stmt, column);
      break;
    case FD_FIELD_INT:
      *(gint *) p = sqlite3_column_int (stmt, column);
      break;
    case FD_FIELD_BOOL:
      *(gboolean *) p = sqlite3_column_int (stmt, column) != 0;
      break;
    case FD_FIELD_STRING:
      g_free (*(char **) p);
      *(char **) p = fd_store_col_text (stmt, column);
      break;
    case FD_FIELD_ENUM:
      {
        g_autofree char *name = fd_store_col_text (stmt, column);
        int value;

        /* A name this build does not know leaves the default (the first
         * value), as the row was written by a newer one. */
        if (fd_enum_from_string (field->enum_info, name, &value))
          *(int *) p = value;
      }
      break;
    case FD_FIELD_STRV:
      {
        g_autofree char *json = fd_store_col_text (stmt, column);

        g_strfreev (*(char ***) p);
        *(char ***) p = fd_store_strv_from_json (json);
      }
      break;
    case FD_FIELD_INT64_ARRAY:
    case FD_FIELD_OBJECT:
    case FD_FIELD_OBJECT_ARRAY:
    default:
      g_critical ("The column %s cannot be read into a field of its kind.", field->name);
      break;
    }
}

void
fd_store_read_columns (FdStoreStmt       *stmt,
                       const FdTypeInfo  *info,
                       int                first,
                       int                n_columns,
                       gpointer           object)
{
  int end = n_columns > 0 ? first + n_columns : sqlite3_column_count (stmt);

  g_assert (end <= sqlite3_column_count (stmt));
  for (int column = first; column < end; column++)
    {
      const char *name = sqlite3_column_name (stmt, column);
      const FdFieldInfo *field = find_field (info, name);

      if (field == NULL)
        {
          g_critical ("The column %s is no field of a %s.", name, info->name);
          continue;
        }
      read_field (stmt, column, field, object);
    }
}

gpointer
fd_store_table_row (const FdStoreTable *table,
                    FdStoreStmt        *stmt)
{
  gpointer object = fd_codec_new (table->info);

  fd_store_read_columns (stmt, table->info, 0, table->n_columns, object);
  if (table->read_more != NULL)
    table->read_more (stmt, object);
  return object;
}

GPtrArray *
fd_store_table_collect (FdStore             *self,
                        const FdStoreTable  *table,
                        FdStoreStmt         *stmt,
                        GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (table->info->free_func);
  int rc;

  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, fd_store_table_row (table, stmt));
  if (rc < 0)
    return NULL;
  /* The statement is done before the children's own statements run. */
  sqlite3_reset (stmt);
  if (table->load_children != NULL && rows->len > 0 &&
      !table->load_children (self, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

gpointer
fd_store_table_first (FdStore             *self,
                      const FdStoreTable  *table,
                      FdStoreStmt         *stmt,
                      GError             **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (table->info->free_func);

  if (!fd_store_step_row (self, stmt, error, "No such %s in this organization.", table->what))
    return NULL;
  g_ptr_array_add (rows, fd_store_table_row (table, stmt));
  sqlite3_reset (stmt);
  if (table->load_children != NULL && !table->load_children (self, rows, error))
    return NULL;
  return g_ptr_array_steal_index (rows, 0);
}

gpointer
fd_store_table_get (FdStore             *self,
                    const FdStoreTable  *table,
                    gint64               organization_id,
                    gint64               id,
                    GError             **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, table->get_sql,
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_first (self, table, stmt, error);
}

GPtrArray *
fd_store_table_list (FdStore             *self,
                     const FdStoreTable  *table,
                     gint64               organization_id,
                     GError             **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, table->list_sql, FD_STORE_ARGS (FD_ARG_INT (organization_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, table, stmt, error);
}

gboolean
fd_store_table_delete (FdStore             *self,
                       const FdStoreTable  *table,
                       gint64               organization_id,
                       gint64               id,
                       GError             **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, table->delete_sql,
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (id)), error);
  if (stmt == NULL)
    return FALSE;
  return fd_store_run_delete (self, stmt, table->what, error);
}
