#define G_LOG_DOMAIN "fd-array-model"

#include "fd-array-model.h"

typedef struct
{
  GPtrArray  *items;
  GHashTable *index;   /* gint64* id → item (borrowed); NULL unless indexed */
} FdArrayModelPrivate;

static void fd_array_model_list_model_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (FdArrayModel, fd_array_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (FdArrayModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fd_array_model_list_model_init))

static GType
fd_array_model_get_item_type (GListModel *model)
{
  return FD_ARRAY_MODEL_GET_CLASS (model)->item_type;
}

static guint
fd_array_model_get_n_items (GListModel *model)
{
  return _fd_array_model_items (FD_ARRAY_MODEL (model))->len;
}

static gpointer
fd_array_model_get_item (GListModel *model,
                         guint       position)
{
  GPtrArray *items = _fd_array_model_items (FD_ARRAY_MODEL (model));

  if (position >= items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (items, position));
}

static void
fd_array_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_array_model_get_item_type;
  iface->get_n_items = fd_array_model_get_n_items;
  iface->get_item = fd_array_model_get_item;
}

static void
fd_array_model_finalize (GObject *object)
{
  FdArrayModelPrivate *priv = fd_array_model_get_instance_private (FD_ARRAY_MODEL (object));

  g_clear_pointer (&priv->index, g_hash_table_unref);
  g_clear_pointer (&priv->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_array_model_parent_class)->finalize (object);
}

static void
fd_array_model_class_init (FdArrayModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_array_model_finalize;
  klass->item_type = G_TYPE_OBJECT;
}

static void
fd_array_model_init (FdArrayModel *self)
{
  FdArrayModelPrivate *priv = fd_array_model_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/* The index of an indexed class, made on first use (while the instance is
 * initialized its class is still FdArrayModel's). */
static GHashTable *
get_index (FdArrayModel *self)
{
  FdArrayModelPrivate *priv = fd_array_model_get_instance_private (self);

  if (priv->index == NULL && FD_ARRAY_MODEL_GET_CLASS (self)->indexed)
    {
      priv->index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      for (guint i = 0; i < priv->items->len; i++)
        {
          gpointer item = g_ptr_array_index (priv->items, i);
          gint64 id = FD_ARRAY_MODEL_GET_CLASS (self)->item_id (item);

          g_hash_table_replace (priv->index, g_memdup2 (&id, sizeof id), item);
        }
    }
  return priv->index;
}

static void
index_add (FdArrayModel *self,
           gpointer      item)
{
  GHashTable *index = get_index (self);
  gint64 id;

  if (index == NULL)
    return;
  id = FD_ARRAY_MODEL_GET_CLASS (self)->item_id (item);
  g_hash_table_replace (index, g_memdup2 (&id, sizeof id), item);
}

static void
index_remove (FdArrayModel *self,
              gpointer      item)
{
  GHashTable *index = get_index (self);
  gint64 id;

  if (index == NULL)
    return;
  id = FD_ARRAY_MODEL_GET_CLASS (self)->item_id (item);
  if (g_hash_table_lookup (index, &id) == item)
    g_hash_table_remove (index, &id);
}

GPtrArray *
_fd_array_model_items (FdArrayModel *self)
{
  FdArrayModelPrivate *priv = fd_array_model_get_instance_private (self);

  g_assert (FD_IS_ARRAY_MODEL (self));
  return priv->items;
}

gboolean
_fd_array_model_find (FdArrayModel *self,
                      gint64        id,
                      guint        *position)
{
  GPtrArray *items = _fd_array_model_items (self);
  gint64 (*item_id) (gpointer) = FD_ARRAY_MODEL_GET_CLASS (self)->item_id;

  g_assert (item_id != NULL);

  for (guint i = 0; i < items->len; i++)
    if (item_id (g_ptr_array_index (items, i)) == id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

gpointer
_fd_array_model_lookup (FdArrayModel *self,
                        gint64        id)
{
  GHashTable *index = get_index (self);
  guint position;

  if (index != NULL)
    return g_hash_table_lookup (index, &id);

  if (!_fd_array_model_find (self, id, &position))
    return NULL;
  return g_ptr_array_index (_fd_array_model_items (self), position);
}

void
_fd_array_model_append (FdArrayModel *self,
                        gpointer      item)
{
  g_ptr_array_add (_fd_array_model_items (self), item);
  index_add (self, item);
}

void
_fd_array_model_remove (FdArrayModel *self,
                        guint         position)
{
  index_remove (self, g_ptr_array_index (_fd_array_model_items (self), position));
  g_ptr_array_remove_index (_fd_array_model_items (self), position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

void
_fd_array_model_replace (FdArrayModel *self,
                         GPtrArray    *items)
{
  FdArrayModelPrivate *priv = fd_array_model_get_instance_private (self);
  g_autoptr(GPtrArray) old = NULL;

  g_assert (FD_IS_ARRAY_MODEL (self));
  g_assert (items != NULL);

  old = g_steal_pointer (&priv->items);
  priv->items = items;
  if (priv->index != NULL)
    {
      /* Made again from the new items on next use. */
      g_clear_pointer (&priv->index, g_hash_table_unref);
    }
  if (old->len > 0 || items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, items->len);
}
