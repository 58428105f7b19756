#pragma once

#include "fd-array-model.h"
#include "fd-queue-item.h"

G_BEGIN_DECLS

#define FD_TYPE_QUEUE_MODEL (fd_queue_model_get_type ())
G_DECLARE_FINAL_TYPE (FdQueueModel, fd_queue_model, FD, QUEUE_MODEL, FdArrayModel)

/* A GListModel of FdQueueItem: the signed-in agent's queues in the order
 * the server lists them, fed by snapshot and queue-state events. */

FdQueueModel *fd_queue_model_new         (void);
/* Applies a snapshot or queue-state event; other frames are ignored.
 * Returns TRUE when the frame was one of those. */
gboolean      fd_queue_model_apply_frame (FdQueueModel  *self,
                                          const FdFrame *frame);
/* The queue with @queue_id (borrowed), NULL when unknown. */
FdQueueItem  *fd_queue_model_lookup      (FdQueueModel  *self,
                                          gint64         queue_id);
/* Its name, NULL when unknown. */
const char   *fd_queue_model_get_name    (FdQueueModel  *self,
                                          gint64         queue_id);
/* Empties the model (sign out). */
void          fd_queue_model_clear       (FdQueueModel  *self);

G_END_DECLS
