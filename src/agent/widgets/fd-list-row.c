#define G_LOG_DOMAIN "fd-list-row"

#include <glib/gi18n.h>

#include "fd-list-row.h"

GtkWidget *
fd_list_row_new (const char *title,
                 const char *subtitle,
                 const char *payload)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_text (GTK_LABEL (name), title != NULL ? title : "");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_text (GTK_LABEL (detail), subtitle != NULL ? subtitle : "");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "", -1);
  g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (payload), g_free);
  return row;
}

void
fd_list_box_clear (GtkListBox *list)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_LIST_BOX (list));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
fd_list_box_fill_recent_files (GtkListBox    *list,
                               FdRecentFiles *files)
{
  GListModel *model = files != NULL ? G_LIST_MODEL (files) : NULL;
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  fd_list_box_clear (list);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdRecentFile) file = g_list_model_get_item (model, i);
      gboolean missing = fd_recent_file_get_missing (file);
      g_autofree char *title = missing ? g_strdup_printf (_("%s (missing)"), fd_recent_file_get_name (file))
                                       : g_strdup (fd_recent_file_get_name (file));
      GtkWidget *label = gtk_label_new (title);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (fd_recent_file_get_path (file)), g_free);
      /* Never a silent failure: a moved file says so instead of failing
       * when chosen. */
      gtk_widget_set_sensitive (row, !missing);
      gtk_widget_set_tooltip_text (row, missing ? _("This file was moved or deleted.")
                                                : fd_recent_file_get_path (file));
      gtk_list_box_append (list, row);
    }
}
