#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_ACTIVITY_CELL (fd_activity_cell_get_type ())
G_DECLARE_FINAL_TYPE (FdActivityCell, fd_activity_cell, FD, ACTIVITY_CELL, GtkWidget)

/* The Activity List's Activity cell as one widget, where a box held an
 * image, a label and an FdRowName (docs/app.md, "Activity List cells";
 * GTK 4.8 keeps 200 rows of them): it draws its 16-px symbolic icon, then
 * 6 px, then its text, never ellipsized, and names the row it sits in for
 * a screen reader (as FdRowName does). The icon repeats the text:
 * decorative, not presented. Styled as a label (CSS name "label"), role
 * label with its text as accessible label. */

GtkWidget  *fd_activity_cell_new           (void);
void        fd_activity_cell_set_icon_name (FdActivityCell *self,
                                            const char     *icon_name);
const char *fd_activity_cell_get_label     (FdActivityCell *self);
void        fd_activity_cell_set_label     (FdActivityCell *self,
                                            const char     *label);
void        fd_activity_cell_set_row_name  (FdActivityCell *self,
                                            const char     *label,
                                            const char     *description);

G_END_DECLS
