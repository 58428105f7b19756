#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_ROW_NAME (fd_row_name_get_type ())
G_DECLARE_FINAL_TYPE (FdRowName, fd_row_name, FD, ROW_NAME, GtkWidget)

/* A hidden widget, put in one cell of a list or column view row, that
 * gives the row it sits in its accessible name and description ("label"
 * and "description", bound to the row's item in the template). GTK 4.8
 * has no API for a list row's accessible label (GtkListItem gained one in
 * 4.12) and names a row "GtkListItemWidget" over AT-SPI. The row is the
 * nearest ancestor with the role row or list item. */

const char *fd_row_name_get_label       (FdRowName  *self);
void        fd_row_name_set_label       (FdRowName  *self,
                                         const char *label);
const char *fd_row_name_get_description (FdRowName  *self);
void        fd_row_name_set_description (FdRowName  *self,
                                         const char *description);

/* Gives the row that @widget sits in (as above) @label and @description. */
void        fd_row_name_apply           (GtkWidget  *widget,
                                         const char *label,
                                         const char *description);

G_END_DECLS
