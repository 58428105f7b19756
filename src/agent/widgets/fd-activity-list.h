#pragma once

#include "fd-session-list.h"

G_BEGIN_DECLS

#define FD_TYPE_ACTIVITY_LIST (fd_activity_list_get_type ())
G_DECLARE_FINAL_TYPE (FdActivityList, fd_activity_list, FD, ACTIVITY_LIST, FdSessionList)

/* The Activity List: a GtkColumnView over the connection's
 * FdActivityModel (Activity, From, To, Duration, Status), with the
 * context menus of the guide per conversation type, each also a keyboard
 * shortcut on the selected row. Signal "toast" (const char *) reports
 * failures for the window's toast overlay. */

GtkWidget *fd_activity_list_new             (void);
void       fd_activity_list_select          (FdActivityList *self,
                                             guint           position);
/* The selected row (borrowed), NULL when none. */
gpointer   fd_activity_list_get_selected    (FdActivityList *self);
/* The text shown in @column (0 = Activity … 4 = Status) of row
 * @position, as the cells display it; NULL when the row is absent. */
char      *fd_activity_list_dup_cell_text   (FdActivityList *self,
                                             guint           position,
                                             guint           column);
guint      fd_activity_list_get_n_rows      (FdActivityList *self);

G_END_DECLS
