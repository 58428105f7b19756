#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One line of text that a widget draws itself (FdTickLabel, FdActivityCell):
 * its PangoLayout, made from the widget's style when first needed, and the
 * text's size at its natural width, kept until the text or the widget's
 * font changes. Not an object: a part of its widget, which passes itself
 * and its text to each call. */
typedef struct {
  PangoLayout *layout;   /* NULL until measured or drawn */
  guint        serial;   /* of the widget's Pango context when measured */
  int          width;    /* of the text, in Pango units; -1: not measured */
  int          height;
  int          baseline;
} FdTextLayout;

#define FD_TEXT_LAYOUT_INIT { NULL, 0, -1, 0, 0 }

void     fd_text_layout_measure     (FdTextLayout *self,
                                     GtkWidget    *widget,
                                     const char   *text,
                                     int          *width,
                                     int          *height,
                                     int          *baseline);
gboolean fd_text_layout_set_label   (FdTextLayout *self,
                                     GtkWidget    *widget,
                                     char        **label,
                                     const char   *text);
void     fd_text_layout_css_changed (FdTextLayout *self,
                                     GtkWidget    *widget);
void     fd_text_layout_snapshot    (FdTextLayout *self,
                                     GtkWidget    *widget,
                                     const char   *text,
                                     GtkSnapshot  *snapshot,
                                     int           x,
                                     int           width);
void     fd_text_layout_clear       (FdTextLayout *self);

G_END_DECLS
