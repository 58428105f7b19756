#pragma once

#include <gtk/gtk.h>

#include "fd-queue-item.h"

G_BEGIN_DECLS

#define FD_TYPE_QUEUE_ROW (fd_queue_row_get_type ())
G_DECLARE_FINAL_TYPE (FdQueueRow, fd_queue_row, FD, QUEUE_ROW, GtkListBoxRow)

/* One row of the Queues sidebar (template ui/fd-queue-row.ui): a joined /
 * not joined indicator, the queue's name and "N of M agents joined", kept
 * up to date with its FdQueueItem. */

GtkWidget   *fd_queue_row_new                (FdQueueItem *item);
FdQueueItem *fd_queue_row_get_item           (FdQueueRow  *self);
/* The indicator's accessible text: "Joined" or "Not joined". */
const char  *fd_queue_row_get_indicator_text (FdQueueRow  *self);

G_END_DECLS
