#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives every button below @root whose only child is the icon
 * @icon_name the accessible name @label. libadwaita 1.2 builds some
 * icon buttons with a tooltip at most and no name, which a screen reader
 * announces as "button" (the password row's show button, a toast's close
 * button); docs/app.md, "Accessibility". Returns how many were named. */
guint fd_accessible_name_icon_buttons (GtkWidget  *root,
                                       const char *icon_name,
                                       const char *label);

/* GTK 4.8 names a column view's header row and its titles after their
 * types over AT-SPI. Names each title after its column and returns the
 * titles joined by ", " for the caller's label of the header row, which
 * *@out_header is (the column view's first child); NULL when the column
 * view has no header row. */
char *fd_accessible_name_column_titles (GtkColumnView  *view,
                                        GtkWidget     **out_header);

G_END_DECLS
