#pragma once

#include "fd-session-list.h"

G_BEGIN_DECLS

#define FD_TYPE_QUEUE_SIDEBAR (fd_queue_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (FdQueueSidebar, fd_queue_sidebar, FD, QUEUE_SIDEBAR, FdSessionList)

/* The Queues sidebar: the agent's queues with a joined / not joined
 * indicator, and Join / Leave on the selected queue (context menu, Menu
 * key, Shift+F10, Ctrl+J, Ctrl+L). Signal "toast" (const char *) reports
 * failures for the window's toast overlay. */

GtkWidget  *fd_queue_sidebar_new              (void);
/* For "Warn me when I am the last agent leaving a queue"; may be NULL. */
void        fd_queue_sidebar_set_settings     (FdQueueSidebar *self,
                                               GSettings      *settings);
void        fd_queue_sidebar_select           (FdQueueSidebar *self,
                                               guint           position);
/* The accessible text of row @position's indicator: "Joined" or "Not
 * joined" (NULL when there is no such row). */
const char *fd_queue_sidebar_get_indicator    (FdQueueSidebar *self,
                                               guint           position);

G_END_DECLS
