#define G_LOG_DOMAIN "fd-queue-model"

#include "fd-queue-model.h"

struct _FdQueueModel
{
  GObject    parent_instance;

  GPtrArray *items;   /* FdQueueItem* */
};

static void fd_queue_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdQueueModel, fd_queue_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fd_queue_model_list_model_init))

static GType
fd_queue_model_get_item_type (GListModel *model)
{
  return FD_TYPE_QUEUE_ITEM;
}

static guint
fd_queue_model_get_n_items (GListModel *model)
{
  return FD_QUEUE_MODEL (model)->items->len;
}

static gpointer
fd_queue_model_get_item (GListModel *model,
                         guint       position)
{
  FdQueueModel *self = FD_QUEUE_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
fd_queue_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_queue_model_get_item_type;
  iface->get_n_items = fd_queue_model_get_n_items;
  iface->get_item = fd_queue_model_get_item;
}

static void
fd_queue_model_finalize (GObject *object)
{
  FdQueueModel *self = FD_QUEUE_MODEL (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_queue_model_parent_class)->finalize (object);
}

static void
fd_queue_model_class_init (FdQueueModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_queue_model_finalize;
}

static void
fd_queue_model_init (FdQueueModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

FdQueueModel *
fd_queue_model_new (void)
{
  return g_object_new (FD_TYPE_QUEUE_MODEL, NULL);
}

static gboolean
find_queue (FdQueueModel *self,
            gint64        queue_id,
            guint        *position)
{
  for (guint i = 0; i < self->items->len; i++)
    if (fd_queue_item_get_id (g_ptr_array_index (self->items, i)) == queue_id)
      {
        if (position != NULL)
          *position = i;
        return TRUE;
      }
  return FALSE;
}

static void
apply_state (FdQueueModel       *self,
             const FdQueueState *state)
{
  guint position;

  if (find_queue (self, state->queue_id, &position))
    {
      _fd_queue_item_update (g_ptr_array_index (self->items, position), state);
      return;
    }
  g_ptr_array_add (self->items, _fd_queue_item_new (state));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
}

static void
apply_snapshot (FdQueueModel     *self,
                const FdSnapshot *snapshot)
{
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->items);

  /* Rows of queues that stay keep their objects, so a selection or a
   * binding in the sidebar survives a resync. */
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; snapshot->queues != NULL && i < snapshot->queues->len; i++)
    {
      const FdQueueState *state = g_ptr_array_index (snapshot->queues, i);
      FdQueueItem *item = NULL;

      for (guint j = 0; j < old->len; j++)
        if (fd_queue_item_get_id (g_ptr_array_index (old, j)) == state->queue_id)
          {
            item = g_object_ref (g_ptr_array_index (old, j));
            _fd_queue_item_update (item, state);
            break;
          }
      if (item == NULL)
        item = _fd_queue_item_new (state);
      g_ptr_array_add (self->items, item);
    }
  if (old->len > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->items->len);
}

gboolean
fd_queue_model_apply_frame (FdQueueModel  *self,
                            const FdFrame *frame)
{
  g_return_val_if_fail (FD_IS_QUEUE_MODEL (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  switch (frame->type)
    {
    case FD_FRAME_SNAPSHOT:
      apply_snapshot (self, frame->body);
      return TRUE;
    case FD_FRAME_QUEUE_STATE:
      apply_state (self, frame->body);
      return TRUE;
    case FD_FRAME_ACK:
      /* join and leave answer with the queue's state. */
      if (frame->ack_for == FD_FRAME_JOIN || frame->ack_for == FD_FRAME_LEAVE)
        {
          if (frame->body != NULL)
            apply_state (self, frame->body);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

FdQueueItem *
fd_queue_model_lookup (FdQueueModel *self,
                       gint64        queue_id)
{
  guint position;

  g_return_val_if_fail (FD_IS_QUEUE_MODEL (self), NULL);

  if (!find_queue (self, queue_id, &position))
    return NULL;
  return g_ptr_array_index (self->items, position);
}

const char *
fd_queue_model_get_name (FdQueueModel *self,
                         gint64        queue_id)
{
  FdQueueItem *item = fd_queue_model_lookup (self, queue_id);

  return item != NULL ? fd_queue_item_get_name (item) : NULL;
}

void
fd_queue_model_clear (FdQueueModel *self)
{
  guint n;

  g_return_if_fail (FD_IS_QUEUE_MODEL (self));

  n = self->items->len;
  if (n == 0)
    return;
  g_ptr_array_set_size (self->items, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
}
