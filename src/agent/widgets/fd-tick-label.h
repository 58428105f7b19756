#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_TICK_LABEL (fd_tick_label_get_type ())
G_DECLARE_FINAL_TYPE (FdTickLabel, fd_tick_label, FD, TICK_LABEL, GtkWidget)

/* A one-line label for text that changes every second (the Activity List's
 * Duration cells, docs/app.md "Display formats"). A GtkLabel asks for a new
 * layout of its whole window on every change, and a GTK 4.8 column view
 * then measures every row it keeps (up to 200), once a second; this label
 * only asks to be drawn again while its text keeps its width ("10:47" →
 * "10:48" with tabular digits), and for a new layout only when the width
 * changes. Styled as a label (CSS name "label"), role label, ellipsized at
 * the end when narrower than its text. */

const char *fd_tick_label_get_label (FdTickLabel *self);
void        fd_tick_label_set_label (FdTickLabel *self,
                                     const char  *label);

G_END_DECLS
