#define G_LOG_DOMAIN "fd-accessible"

#include "fd-accessible.h"

guint
fd_accessible_name_icon_buttons (GtkWidget  *root,
                                 const char *icon_name,
                                 const char *label)
{
  guint named = 0;

  g_return_val_if_fail (GTK_IS_WIDGET (root), 0);
  g_return_val_if_fail (icon_name != NULL && label != NULL, 0);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *icon = gtk_widget_get_first_child (child);

      if (GTK_IS_BUTTON (child) && GTK_IS_IMAGE (icon) &&
          g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (icon)), icon_name) == 0)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                          -1);
          named++;
        }
      else
        named += fd_accessible_name_icon_buttons (child, icon_name, label);
    }
  return named;
}
