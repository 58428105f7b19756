#define G_LOG_DOMAIN "fd-recent-files"

#include <glib/gi18n.h>
#include "fd-recent-files.h"
#include "fd-properties.h"

/* FdRecentFile */

struct _FdRecentFile
{
  GObject   parent_instance;

  char     *path;
  char     *name;
  gboolean  missing;
};

G_DEFINE_FINAL_TYPE (FdRecentFile, fd_recent_file, G_TYPE_OBJECT)

enum {
  FILE_PROP_0,
  FILE_PROP_PATH,
  FILE_PROP_NAME,
  FILE_PROP_MISSING,
  FILE_N_PROPS
};

static GParamSpec *file_properties[FILE_N_PROPS];

static void
fd_recent_file_finalize (GObject *object)
{
  FdRecentFile *self = FD_RECENT_FILE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (fd_recent_file_parent_class)->finalize (object);
}

static const FdProperty file_property_table[FILE_N_PROPS] = {
  [FILE_PROP_PATH] = FD_PROPERTY_STRING ("path", fd_recent_file_get_path, ""),
  [FILE_PROP_NAME] = FD_PROPERTY_STRING ("name", fd_recent_file_get_name, ""),
  [FILE_PROP_MISSING] = FD_PROPERTY_BOOLEAN ("missing", fd_recent_file_get_missing, FALSE),
};

static void
fd_recent_file_class_init (FdRecentFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_recent_file_finalize;
  fd_properties_install (object_class, file_property_table, file_properties, FILE_N_PROPS);
}

static void
fd_recent_file_init (FdRecentFile *self)
{
}

/* A directory or a device at the path cannot be attached either, so only a
 * regular file (or a link to one) counts as present. */
static gboolean
check_missing (const char *path)
{
  return !g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static FdRecentFile *
fd_recent_file_new_take (char *path)
{
  FdRecentFile *self = g_object_new (FD_TYPE_RECENT_FILE, NULL);

  self->path = path;
  self->name = g_filename_display_basename (path);
  self->missing = check_missing (path);
  return self;
}

static void
fd_recent_file_refresh (FdRecentFile *self)
{
  fd_properties_set_boolean (G_OBJECT (self), &self->missing, check_missing (self->path),
                             file_properties[FILE_PROP_MISSING]);
}

const char *
fd_recent_file_get_path (FdRecentFile *self)
{
  g_return_val_if_fail (FD_IS_RECENT_FILE (self), NULL);

  return self->path;
}

const char *
fd_recent_file_get_name (FdRecentFile *self)
{
  g_return_val_if_fail (FD_IS_RECENT_FILE (self), NULL);

  return self->name;
}

gboolean
fd_recent_file_get_missing (FdRecentFile *self)
{
  g_return_val_if_fail (FD_IS_RECENT_FILE (self), FALSE);

  return self->missing;
}

/* FdRecentFiles */

struct _FdRecentFiles
{
  FdCacheList parent_instance;
};

G_DEFINE_FINAL_TYPE (FdRecentFiles, fd_recent_files, FD_TYPE_CACHE_LIST)

static const char *
file_key (gpointer item)
{
  return FD_RECENT_FILE (item)->path;
}

/* Paths are stored as file URIs: a filename need not be UTF-8, JSON
 * strings must be, and the URI escaping gives back the exact bytes. An
 * absolute path always converts; NULL would only leave the entry out. */
static char *
file_to_string (gpointer item)
{
  return g_filename_to_uri (FD_RECENT_FILE (item)->path, NULL, NULL);
}

static gpointer
file_from_string (const char  *text,
                  const char **reason)
{
  char *path = g_filename_from_uri (text, NULL, NULL);

  if (path == NULL)
    {
      *reason = "an entry is not a file URI";
      return NULL;
    }
  return fd_recent_file_new_take (path);
}

static void
fd_recent_files_class_init (FdRecentFilesClass *klass)
{
  FdCacheListClass *list_class = FD_CACHE_LIST_CLASS (klass);

  FD_ARRAY_MODEL_CLASS (klass)->item_type = FD_TYPE_RECENT_FILE;
  list_class->member = "files";
  /* Translators: completes “Remove it to save %s again.” */
  list_class->what = N_("the recent attachments");
  list_class->item_key = file_key;
  list_class->item_to_string = file_to_string;
  list_class->item_from_string = file_from_string;
}

static void
fd_recent_files_init (FdRecentFiles *self)
{
}

FdRecentFiles *
fd_recent_files_new (const char *directory,
                     const char *server_url,
                     const char *email)
{
  FdRecentFiles *self;

  g_return_val_if_fail ((server_url == NULL) == (email == NULL), NULL);

  self = g_object_new (FD_TYPE_RECENT_FILES, NULL);
  _fd_cache_list_open (FD_CACHE_LIST (self), directory, "recent-attachments", server_url, email);
  return self;
}

const char *
fd_recent_files_get_path (FdRecentFiles *self)
{
  g_return_val_if_fail (FD_IS_RECENT_FILES (self), NULL);

  return _fd_cache_list_get_path (FD_CACHE_LIST (self));
}

gboolean
fd_recent_files_add (FdRecentFiles  *self,
                     const char     *path,
                     GError        **error)
{
  g_autofree char *canonical = NULL;
  FdCacheList *list = FD_CACHE_LIST (self);
  FdRecentFile *file;

  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_path_is_absolute (path))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           _("Only a file's full path can be remembered as a recent attachment."));
      return FALSE;
    }
  /* "/a/./b" and "/a//b" are the same file as "/a/b": one entry. */
  canonical = g_canonicalize_filename (path, NULL);
  file = _fd_cache_list_lookup (list, canonical);
  if (file != NULL)
    fd_recent_file_refresh (file);
  _fd_cache_list_push_front (list, canonical, file == NULL ? fd_recent_file_new_take (g_strdup (canonical)) : NULL);
  return TRUE;
}

gboolean
fd_recent_files_remove (FdRecentFiles *self,
                        const char    *path)
{
  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return _fd_cache_list_remove (FD_CACHE_LIST (self), path);
}

static void
refresh_cb (gpointer item,
            gpointer user_data)
{
  fd_recent_file_refresh (item);
}

void
fd_recent_files_refresh (FdRecentFiles *self)
{
  g_return_if_fail (FD_IS_RECENT_FILES (self));

  _fd_cache_list_foreach (FD_CACHE_LIST (self), refresh_cb, NULL);
}

gboolean
fd_recent_files_save (FdRecentFiles  *self,
                      GError        **error)
{
  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return _fd_cache_list_save (FD_CACHE_LIST (self), error);
}
