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

char *
fd_accessible_name_column_titles (GtkColumnView  *view,
                                  GtkWidget     **out_header)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (view));
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GString) titles = g_string_new (NULL);
  GtkWidget *title;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);
  g_return_val_if_fail (out_header != NULL, NULL);

  *out_header = NULL;
  if (header == NULL || gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (header)) != GTK_ACCESSIBLE_ROLE_ROW)
    return NULL;
  title = gtk_widget_get_first_child (header);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *text = gtk_column_view_column_get_title (column);

      g_string_append_printf (titles, "%s%s", i > 0 ? ", " : "", text);
      if (title != NULL)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
          title = gtk_widget_get_next_sibling (title);
        }
    }
  *out_header = header;
  return g_string_free (g_steal_pointer (&titles), FALSE);
}
