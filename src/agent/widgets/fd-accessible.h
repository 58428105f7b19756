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

G_END_DECLS
