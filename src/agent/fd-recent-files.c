#define G_LOG_DOMAIN "fd-recent-files"

#include <json-glib/json-glib.h>

#include "fd-recent-files.h"
#include "fd-cache-file.h"

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

static void
fd_recent_file_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FdRecentFile *self = FD_RECENT_FILE (object);

  switch (prop_id)
    {
    case FILE_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case FILE_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case FILE_PROP_MISSING:
      g_value_set_boolean (value, self->missing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_recent_file_class_init (FdRecentFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fd_recent_file_finalize;
  object_class->get_property = fd_recent_file_get_property;

  file_properties[FILE_PROP_PATH] = g_param_spec_string ("path", NULL, NULL, "", flags);
  file_properties[FILE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  file_properties[FILE_PROP_MISSING] = g_param_spec_boolean ("missing", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, FILE_N_PROPS, file_properties);
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
  gboolean missing = check_missing (self->path);

  if (missing != self->missing)
    {
      self->missing = missing;
      g_object_notify_by_pspec (G_OBJECT (self), file_properties[FILE_PROP_MISSING]);
    }
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
  GObject    parent_instance;

  GPtrArray *items;    /* FdRecentFile, newest first */
  char      *path;
  gboolean   dirty;    /* changed since loaded or saved */
  gboolean   blocked;  /* a bad file could not be set aside: never overwrite it */
};

static void fd_recent_files_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdRecentFiles, fd_recent_files, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fd_recent_files_list_model_init))

static GType
fd_recent_files_get_item_type (GListModel *model)
{
  return FD_TYPE_RECENT_FILE;
}

static guint
fd_recent_files_get_n_items (GListModel *model)
{
  return FD_RECENT_FILES (model)->items->len;
}

static gpointer
fd_recent_files_get_item (GListModel *model,
                          guint       position)
{
  FdRecentFiles *self = FD_RECENT_FILES (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
fd_recent_files_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_recent_files_get_item_type;
  iface->get_n_items = fd_recent_files_get_n_items;
  iface->get_item = fd_recent_files_get_item;
}

static void
fd_recent_files_dispose (GObject *object)
{
  FdRecentFiles *self = FD_RECENT_FILES (object);

  if (self->dirty && !self->blocked)
    {
      g_autoptr(GError) error = NULL;

      if (!fd_recent_files_save (self, &error))
        g_warning ("The recent attachments were not saved: %s", error->message);
    }

  G_OBJECT_CLASS (fd_recent_files_parent_class)->dispose (object);
}

static void
fd_recent_files_finalize (GObject *object)
{
  FdRecentFiles *self = FD_RECENT_FILES (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fd_recent_files_parent_class)->finalize (object);
}

static void
fd_recent_files_class_init (FdRecentFilesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_recent_files_dispose;
  object_class->finalize = fd_recent_files_finalize;
}

static void
fd_recent_files_init (FdRecentFiles *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
find_path (FdRecentFiles *self,
           const char    *path,
           guint         *out_position)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      FdRecentFile *file = g_ptr_array_index (self->items, i);

      if (g_str_equal (file->path, path))
        {
          *out_position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
load (FdRecentFiles *self)
{
  g_autoptr(JsonArray) array = _fd_cache_file_load (self->path, "files", G_TYPE_STRING,
                                                    &self->blocked);
  guint len;

  if (array == NULL)
    return;

  /* Paths are stored as file URIs: a filename need not be UTF-8, JSON
   * strings must be, and the URI escaping gives back the exact bytes. */
  len = MIN (json_array_get_length (array), FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    {
      const char *uri = json_array_get_string_element (array, i);
      g_autofree char *path = g_filename_from_uri (uri, NULL, NULL);
      guint position;

      if (path == NULL)
        {
          g_ptr_array_set_size (self->items, 0);
          self->blocked = !_fd_cache_file_set_aside (self->path, "an entry is not a file URI");
          return;
        }
      if (!find_path (self, path, &position))
        g_ptr_array_add (self->items, fd_recent_file_new_take (g_steal_pointer (&path)));
    }
}

FdRecentFiles *
fd_recent_files_new (const char *directory,
                     const char *server_url,
                     const char *email)
{
  FdRecentFiles *self;

  g_return_val_if_fail ((server_url == NULL) == (email == NULL), NULL);

  self = g_object_new (FD_TYPE_RECENT_FILES, NULL);
  self->path = _fd_cache_file_path (directory, "recent-attachments", server_url, email);
  load (self);
  return self;
}

const char *
fd_recent_files_get_path (FdRecentFiles *self)
{
  g_return_val_if_fail (FD_IS_RECENT_FILES (self), NULL);

  return self->path;
}

gboolean
fd_recent_files_add (FdRecentFiles  *self,
                     const char     *path,
                     GError        **error)
{
  g_autofree char *canonical = NULL;
  guint position;

  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_path_is_absolute (path))
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           "Only a file's full path can be remembered as a recent attachment.");
      return FALSE;
    }
  /* "/a/./b" and "/a//b" are the same file as "/a/b": one entry. */
  canonical = g_canonicalize_filename (path, NULL);

  if (find_path (self, canonical, &position))
    {
      FdRecentFile *file;

      file = g_ptr_array_index (self->items, position);
      fd_recent_file_refresh (file);
      if (position == 0)
        return TRUE;
      file = g_ptr_array_steal_index (self->items, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_ptr_array_insert (self->items, 0, file);
    }
  else
    {
      g_ptr_array_insert (self->items, 0, fd_recent_file_new_take (g_steal_pointer (&canonical)));
    }
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
  return TRUE;
}

gboolean
fd_recent_files_remove (FdRecentFiles *self,
                        const char    *path)
{
  guint position;

  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!find_path (self, path, &position))
    return FALSE;
  g_ptr_array_remove_index (self->items, position);
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

void
fd_recent_files_refresh (FdRecentFiles *self)
{
  g_return_if_fail (FD_IS_RECENT_FILES (self));

  for (guint i = 0; i < self->items->len; i++)
    fd_recent_file_refresh (g_ptr_array_index (self->items, i));
}

gboolean
fd_recent_files_save (FdRecentFiles  *self,
                      GError        **error)
{
  JsonArray *array;
  guint len;

  g_return_val_if_fail (FD_IS_RECENT_FILES (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->blocked)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   "%s is unusable and could not be moved aside, so it is not overwritten. "
                   "Remove it to save the recent attachments again.", self->path);
      return FALSE;
    }

  array = json_array_new ();
  len = MIN (self->items->len, FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    {
      FdRecentFile *file = g_ptr_array_index (self->items, i);
      g_autofree char *uri = g_filename_to_uri (file->path, NULL, NULL);

      /* An absolute path always converts; the check keeps a surprise from
       * writing a null into the file. */
      if (uri != NULL)
        json_array_add_string_element (array, uri);
    }
  if (!_fd_cache_file_save (self->path, "files", array, error))
    return FALSE;
  self->dirty = FALSE;
  return TRUE;
}
