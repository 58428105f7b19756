#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

/* Uploaded files: the bytes in DATABASE.files/ID, the row in "files". */

#define FILE_ID_BYTES   16
#define TEMP_PREFIX     ".tmp-"

#define FILE_COLUMNS \
  "id, organization_id, conversation_id, agent_id, name, mime_type, size, sha256, created_at"

void
fd_store_file_free (FdStoreFile *file)
{
  if (file == NULL)
    return;
  g_free (file->id);
  g_free (file->name);
  g_free (file->mime_type);
  g_free (file->sha256);
  g_free (file);
}

#define T FdStoreFile
static const FdFieldInfo file_fields[] = {
  FD_F_STRING (T, id, FALSE, 0),
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, conversation_id, FALSE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_STRING (T, name, FALSE, 0),
  FD_F_STRING (T, mime_type, FALSE, 0),
  FD_F_INT64 (T, size, FALSE),
  FD_F_STRING (T, sha256, FALSE, 0),
  FD_F_TIME (T, created_at, FALSE),
};
static FD_TYPE_INFO (file_info, "file", T, file_fields, fd_store_file_free);
#undef T

/* Files are found by their random id alone: it is the capability. */
static const FdStoreTable file_table = {
  .what = "file",
  .info = &file_info,
};

static gboolean
is_file_id (const char *id)
{
  if (id == NULL || strlen (id) != FD_STORE_FILE_ID_LENGTH)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

char *
fd_store_dup_files_dir (FdStore *self)
{
  const char *db_path;

  g_return_val_if_fail (self != NULL, NULL);

  db_path = sqlite3_db_filename (self->db, "main");
  if (db_path == NULL || db_path[0] == '\0')
    return NULL;
  return g_strconcat (db_path, FD_STORE_FILES_SUFFIX, NULL);
}

char *
fd_store_dup_file_path (FdStore    *self,
                        const char *id)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!is_file_id (id))
    return NULL;
  dir = fd_store_dup_files_dir (self);
  if (dir == NULL)
    return NULL;
  return g_build_filename (dir, id, NULL);
}

static char *
ensure_files_dir (FdStore  *self,
                  GError  **error)
{
  g_autofree char *dir = fd_store_dup_files_dir (self);

  if (dir == NULL)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                           "A database in memory cannot keep uploaded files.");
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot create the directory of uploaded files: %s.", g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&dir);
}

static gboolean
set_io_error (GError     **error,
              const char  *what,
              int          saved_errno)
{
  g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
               "Cannot %s an uploaded file: %s.", what, g_strerror (saved_errno));
  return FALSE;
}

int
fd_store_create_upload (FdStore  *self,
                        char    **out_path,
                        GError  **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  int fd;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (out_path != NULL, -1);

  *out_path = NULL;
  dir = ensure_files_dir (self, error);
  if (dir == NULL)
    return -1;
  tmp = g_build_filename (dir, TEMP_PREFIX "XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_io_error (error, "create", errno);
      return -1;
    }
  *out_path = g_steal_pointer (&tmp);
  return fd;
}

/* Writes @data to a new temporary file, synced and closed. */
static char *
write_temp (FdStore  *self,
            GBytes   *data,
            GError  **error)
{
  g_autofree char *tmp = NULL;
  const guint8 *bytes;
  gsize left;
  int fd;

  fd = fd_store_create_upload (self, &tmp, error);
  if (fd < 0)
    return NULL;
  bytes = g_bytes_get_data (data, &left);
  while (left > 0)
    {
      ssize_t n = write (fd, bytes, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (tmp);
          set_io_error (error, "write", saved);
          return NULL;
        }
      bytes += n;
      left -= (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      set_io_error (error, "write", saved);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

static char *
new_file_id (void)
{
  guint8 bytes[FILE_ID_BYTES];
  char hex[FILE_ID_BYTES * 2 + 1];

  G_STATIC_ASSERT (FILE_ID_BYTES * 2 == FD_STORE_FILE_ID_LENGTH);
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strdup (hex);
}

gboolean
fd_store_adopt_file (FdStore      *self,
                     FdStoreFile  *file,
                     const char   *temp_path,
                     GError      **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expected = NULL;
  gint64 now = g_get_real_time ();
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (temp_path != NULL, FALSE);
  g_return_val_if_fail (file->size >= 0, FALSE);

  /* Only a temporary file of this store's own directory is taken. */
  dir = ensure_files_dir (self, error);
  if (dir == NULL)
    return FALSE;
  expected = g_build_filename (dir, TEMP_PREFIX, NULL);
  g_return_val_if_fail (g_str_has_prefix (temp_path, expected), FALSE);

  if (!fd_store_check_string (file->name, "file name", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (file->mime_type, "MIME type", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (file->sha256, "file hash", FD_STORE_MAX_NAME, TRUE, error))
    return FALSE;
  if (file->conversation_id < 0 || file->agent_id < 0)
    return fd_store_invalid (error, "A file names a conversation or an agent that does not exist.");
  if (file->conversation_id > 0 &&
      !fd_store_exists (self, "SELECT 1 FROM conversations WHERE organization_id = ?1 AND id = ?2",
                        file->organization_id, file->conversation_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_INVALID,
                         "The conversation of this file does not exist in this organization.");
      return FALSE;
    }

  id = new_file_id ();
  path = g_build_filename (dir, id, NULL);
  if (g_rename (temp_path, path) != 0)
    return set_io_error (error, "store", errno);

  /* The row comes last: until it is committed the file is an orphan that
   * the next start-up removes. */
  if (!fd_store_begin (self, error))
    {
      g_unlink (path);
      return FALSE;
    }
  stmt = fd_store_prepare_bound (self,
                                 "INSERT INTO files (" FILE_COLUMNS ") "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                 FD_STORE_ARGS (FD_ARG_TEXT (id), FD_ARG_INT (file->organization_id),
                                                FD_ARG_ID (file->conversation_id), FD_ARG_ID (file->agent_id),
                                                FD_ARG_TEXT (file->name), FD_ARG_TEXT (file->mime_type),
                                                FD_ARG_INT (file->size), FD_ARG_TEXT (file->sha256),
                                                FD_ARG_INT (now)), error);
  ok = stmt != NULL && fd_store_run (self, stmt, error);
  g_clear_pointer (&stmt, fd_store_stmt_release);
  if (!fd_store_end (self, ok, error))
    {
      g_unlink (path);
      return FALSE;
    }

  g_free (file->id);
  file->id = g_steal_pointer (&id);
  file->created_at = now;
  return TRUE;
}

gboolean
fd_store_add_file (FdStore      *self,
                   FdStoreFile  *file,
                   GBytes       *data,
                   GError      **error)
{
  g_autofree char *tmp = NULL;
  gsize size = 0;
  const guint8 *bytes;
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[crypto_hash_sha256_BYTES * 2 + 1];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  bytes = g_bytes_get_data (data, &size);
  crypto_hash_sha256 (digest, bytes != NULL ? bytes : (const guint8 *) "", size);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  g_free (file->sha256);
  file->sha256 = g_strdup (hex);
  file->size = (gint64) size;

  tmp = write_temp (self, data, error);
  if (tmp == NULL)
    return FALSE;
  if (!fd_store_adopt_file (self, file, tmp, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  return TRUE;
}

FdStoreFile *
fd_store_get_file (FdStore     *self,
                   const char  *id,
                   GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!is_file_id (id))
    {
      fd_store_not_found ("file", error);
      return NULL;
    }
  stmt = fd_store_prepare_bound (self, "SELECT " FILE_COLUMNS " FROM files WHERE id = ?1",
                                 FD_STORE_ARGS (FD_ARG_TEXT (id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_first (self, &file_table, stmt, error);
}

gboolean
fd_store_clean_files (FdStore  *self,
                      guint    *out_removed,
                      GError  **error)
{
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) dir_error = NULL;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (out_removed != NULL)
    *out_removed = 0;
  dir_path = fd_store_dup_files_dir (self);
  if (dir_path == NULL)
    return TRUE;
  dir = g_dir_open (dir_path, 0, &dir_error);
  if (dir == NULL)
    {
      if (g_error_matches (dir_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot read the directory of uploaded files: %s", dir_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      gboolean orphan;

      if (g_str_has_prefix (name, TEMP_PREFIX))
        orphan = TRUE;
      else if (is_file_id (name))
        {
          g_autoptr(FdStoreStmt) stmt = NULL;
          int rc;

          stmt = fd_store_prepare_bound (self, "SELECT 1 FROM files WHERE id = ?1",
                                         FD_STORE_ARGS (FD_ARG_TEXT (name)), error);
          if (stmt == NULL)
            return FALSE;
          rc = fd_store_step (self, stmt, FALSE, error);
          if (rc < 0)
            return FALSE;
          orphan = rc != SQLITE_ROW;
        }
      else
        continue;   /* Not ours: leave what someone else put here alone. */

      if (!orphan)
        continue;
      path = g_build_filename (dir_path, name, NULL);
      if (g_unlink (path) == 0)
        removed++;
      else
        g_warning ("Cannot remove the orphaned upload %s: %s", name, g_strerror (errno));
    }
  if (out_removed != NULL)
    *out_removed = removed;
  return TRUE;
}
