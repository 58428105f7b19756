#pragma once

#include <glib-object.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

#define FD_TYPE_QUEUE_ITEM (fd_queue_item_get_type ())
G_DECLARE_FINAL_TYPE (FdQueueItem, fd_queue_item, FD, QUEUE_ITEM, GObject)

/* One queue of the signed-in agent for the Queues sidebar: joined (green)
 * or not (red), and how many members are joined. */

gint64       fd_queue_item_get_id             (FdQueueItem *self);
const char  *fd_queue_item_get_name           (FdQueueItem *self);
gboolean     fd_queue_item_get_joined         (FdQueueItem *self);
gint         fd_queue_item_get_members        (FdQueueItem *self);
gint         fd_queue_item_get_members_joined (FdQueueItem *self);
/* TRUE when this agent is the only member joined: leaving leaves the
 * queue unattended, so the UI warns first. */
gboolean     fd_queue_item_is_last_joined     (FdQueueItem *self);

/* For FdQueueModel: a new item from @state, and an update that notifies
 * only what changed. */
FdQueueItem *_fd_queue_item_new               (const FdQueueState *state);
void         _fd_queue_item_update            (FdQueueItem        *self,
                                               const FdQueueState *state);

G_END_DECLS
