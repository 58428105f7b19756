#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FD_TYPE_TICK_LABEL (fd_tick_label_get_type ())
G_DECLARE_FINAL_TYPE (FdTickLabel, fd_tick_label, FD, TICK_LABEL, GtkWidget)

/* A one-line label that is cheap to keep by the hundred and to change:
 * the Activity List's text cells (GTK 4.8 keeps 200 rows of them) and the
 * Wallboard's times in state. It draws its own PangoLayout and keeps the
 * text's size until the text or the font changes, where a GtkLabel lays
 * its text out again each time GTK measures it. A change that keeps the
 * width ("10:47" → "10:48" with tabular digits) only asks to be drawn
 * again; a GtkLabel asks for a new layout of its whole window, and a GTK
 * 4.8 column view then measures every row it keeps. Styled as a label
 * (CSS name "label"), role label with its text as accessible label, at
 * the start of its space (xalign 0), ellipsized at the end when narrower
 * than its text. */

const char *fd_tick_label_get_label (FdTickLabel *self);
void        fd_tick_label_set_label (FdTickLabel *self,
                                     const char  *label);

G_END_DECLS
