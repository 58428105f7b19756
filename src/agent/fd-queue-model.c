#define G_LOG_DOMAIN "fd-queue-model"

#include "fd-queue-model.h"

struct _FdQueueModel
{
  FdArrayModel parent_instance;
};

G_DEFINE_FINAL_TYPE (FdQueueModel, fd_queue_model, FD_TYPE_ARRAY_MODEL)

static void
fd_queue_model_class_init (FdQueueModelClass *klass)
{
  FdArrayModelClass *array_class = FD_ARRAY_MODEL_CLASS (klass);

  array_class->item_type = FD_TYPE_QUEUE_ITEM;
  array_class->item_id = (gint64 (*) (gpointer)) fd_queue_item_get_id;
}

static void
fd_queue_model_init (FdQueueModel *self)
{
}

FdQueueModel *
fd_queue_model_new (void)
{
  return g_object_new (FD_TYPE_QUEUE_MODEL, NULL);
}

static void
apply_state (FdQueueModel       *self,
             const FdQueueState *state)
{
  FdArrayModel *model = FD_ARRAY_MODEL (self);
  GPtrArray *items = _fd_array_model_items (model);
  FdQueueItem *item = _fd_array_model_lookup (model, state->queue_id);

  if (item != NULL)
    {
      _fd_queue_item_update (item, state);
      return;
    }
  g_ptr_array_add (items, _fd_queue_item_new (state));
  g_list_model_items_changed (G_LIST_MODEL (self), items->len - 1, 0, 1);
}

static void
apply_snapshot (FdQueueModel     *self,
                const FdSnapshot *snapshot)
{
  FdArrayModel *model = FD_ARRAY_MODEL (self);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  /* Rows of queues that stay keep their objects, so a selection or a
   * binding in the sidebar survives a resync. */
  for (guint i = 0; snapshot->queues != NULL && i < snapshot->queues->len; i++)
    {
      const FdQueueState *state = g_ptr_array_index (snapshot->queues, i);
      FdQueueItem *item = _fd_array_model_lookup (model, state->queue_id);

      if (item != NULL)
        {
          item = g_object_ref (item);
          _fd_queue_item_update (item, state);
        }
      else
        item = _fd_queue_item_new (state);
      g_ptr_array_add (items, item);
    }
  _fd_array_model_replace (model, items);
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
  g_return_val_if_fail (FD_IS_QUEUE_MODEL (self), NULL);

  return _fd_array_model_lookup (FD_ARRAY_MODEL (self), queue_id);
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
  g_return_if_fail (FD_IS_QUEUE_MODEL (self));

  _fd_array_model_replace (FD_ARRAY_MODEL (self), g_ptr_array_new_with_free_func (g_object_unref));
}
