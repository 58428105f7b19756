#define G_LOG_DOMAIN "fd-cache-list"

#include <glib/gi18n.h>
#include "fd-cache-list.h"

typedef struct
{
  char      *path;
  gboolean   dirty;    /* changed since loaded or saved */
  gboolean   blocked;  /* a bad file could not be set aside: never overwrite it */
} FdCacheListPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FdCacheList, fd_cache_list, FD_TYPE_ARRAY_MODEL)

/* The items, newest first. */
static GPtrArray *
items_of (FdCacheList *self)
{
  return _fd_array_model_items (FD_ARRAY_MODEL (self));
}

static void
fd_cache_list_dispose (GObject *object)
{
  FdCacheList *self = FD_CACHE_LIST (object);
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);

  if (priv->dirty && !priv->blocked)
    {
      g_autoptr(GError) error = NULL;

      if (!_fd_cache_list_save (self, &error))
        g_warning ("Could not save %s: %s", FD_CACHE_LIST_GET_CLASS (self)->what, error->message);
    }

  G_OBJECT_CLASS (fd_cache_list_parent_class)->dispose (object);
}

static void
fd_cache_list_finalize (GObject *object)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (FD_CACHE_LIST (object));

  g_clear_pointer (&priv->path, g_free);

  G_OBJECT_CLASS (fd_cache_list_parent_class)->finalize (object);
}

static void
fd_cache_list_class_init (FdCacheListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_cache_list_dispose;
  object_class->finalize = fd_cache_list_finalize;
}

static void
fd_cache_list_init (FdCacheList *self)
{
}

static gboolean
find (FdCacheList *self,
      const char  *key,
      guint       *out_position)
{
  FdCacheListClass *klass = FD_CACHE_LIST_GET_CLASS (self);

  for (guint i = 0; i < items_of (self)->len; i++)
    if (g_str_equal (klass->item_key (g_ptr_array_index (items_of (self), i)), key))
      {
        *out_position = i;
        return TRUE;
      }
  return FALSE;
}

void
_fd_cache_list_open (FdCacheList *self,
                     const char  *directory,
                     const char  *stem,
                     const char  *server_url,
                     const char  *email)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);
  FdCacheListClass *klass = FD_CACHE_LIST_GET_CLASS (self);
  g_autoptr(JsonArray) array = NULL;
  guint len;

  g_return_if_fail (FD_IS_CACHE_LIST (self));
  g_return_if_fail (priv->path == NULL);

  priv->path = _fd_cache_file_path (directory, stem, server_url, email);
  array = _fd_cache_file_load (priv->path, klass->member, G_TYPE_STRING, &priv->blocked);
  if (array == NULL)
    return;

  len = MIN (json_array_get_length (array), FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    {
      const char *reason = NULL;
      gpointer item = klass->item_from_string (json_array_get_string_element (array, i), &reason);
      guint position;

      if (item == NULL)
        {
          g_ptr_array_set_size (items_of (self), 0);
          priv->blocked = !_fd_cache_file_set_aside (priv->path, reason);
          return;
        }
      /* A repeated entry counts once, where it first stands. */
      if (find (self, klass->item_key (item), &position))
        g_object_unref (item);
      else
        g_ptr_array_add (items_of (self), item);
    }
}

const char *
_fd_cache_list_get_path (FdCacheList *self)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);

  g_return_val_if_fail (FD_IS_CACHE_LIST (self), NULL);
  return priv->path;
}

gpointer
_fd_cache_list_lookup (FdCacheList *self,
                       const char  *key)
{
  guint position;

  g_return_val_if_fail (FD_IS_CACHE_LIST (self), NULL);
  return find (self, key, &position) ? g_ptr_array_index (items_of (self), position) : NULL;
}

void
_fd_cache_list_push_front (FdCacheList *self,
                           const char  *key,
                           gpointer     new_item)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);
  guint position;

  g_return_if_fail (FD_IS_CACHE_LIST (self));

  if (find (self, key, &position))
    {
      gpointer item;

      g_clear_object (&new_item);
      if (position == 0)
        return;
      item = g_ptr_array_steal_index (items_of (self), position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      g_ptr_array_insert (items_of (self), 0, item);
    }
  else
    {
      g_return_if_fail (new_item != NULL);
      g_ptr_array_insert (items_of (self), 0, new_item);
    }
  priv->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);
}

gboolean
_fd_cache_list_remove (FdCacheList *self,
                       const char  *key)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);
  guint position;

  g_return_val_if_fail (FD_IS_CACHE_LIST (self), FALSE);

  if (!find (self, key, &position))
    return FALSE;
  g_ptr_array_remove_index (items_of (self), position);
  priv->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

void
_fd_cache_list_foreach (FdCacheList *self,
                        GFunc        func,
                        gpointer     user_data)
{
  g_return_if_fail (FD_IS_CACHE_LIST (self));
  g_ptr_array_foreach (items_of (self), func, user_data);
}

gboolean
_fd_cache_list_save (FdCacheList  *self,
                     GError      **error)
{
  FdCacheListPrivate *priv = fd_cache_list_get_instance_private (self);
  FdCacheListClass *klass = FD_CACHE_LIST_GET_CLASS (self);
  JsonArray *array;
  guint len;

  g_return_val_if_fail (FD_IS_CACHE_LIST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (priv->blocked)
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   _("%s is unusable and could not be moved aside, so it is not overwritten. "
                     "Remove it to save %s again."), priv->path, _(klass->what));
      return FALSE;
    }

  array = json_array_new ();
  len = MIN (items_of (self)->len, FD_CACHE_SAVED_ITEMS);
  for (guint i = 0; i < len; i++)
    {
      g_autofree char *text = klass->item_to_string (g_ptr_array_index (items_of (self), i));

      if (text != NULL)
        json_array_add_string_element (array, text);
    }
  if (!_fd_cache_file_save (priv->path, klass->member, array, error))
    return FALSE;
  priv->dirty = FALSE;
  return TRUE;
}
