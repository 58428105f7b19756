#define G_LOG_DOMAIN "fd-stat-column-editor"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-stat-column-editor.h"

struct _FdStatColumnEditor
{
  GtkWidget     parent_instance;

  GSettings    *settings;
  char         *key;
  FdStatColumn  column;
  /* The statistics shown, in order (const FdStatInfo *, static). */
  GPtrArray    *shown;

  GtkLabel     *title_label;
  GtkListBox   *list;
  GtkListBox   *add_list;
  GtkMenuButton *add_button;
  /* Bound for the tests (gtk_widget_get_template_child). */
  GtkButton     *up_button;
  GtkButton     *down_button;
  GtkButton     *remove_button;
};

G_DEFINE_FINAL_TYPE (FdStatColumnEditor, fd_stat_column_editor, GTK_TYPE_WIDGET)

static const FdStatInfo *
row_stat (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "fd-stat") : NULL;
}

static GtkWidget *
new_stat_row (const FdStatInfo *info)
{
  GtkWidget *row = adw_action_row_new ();

  /* Titles and descriptions are the catalog's, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fd_stat_info_get_title (info));
  if (info->scope == FD_STAT_SCOPE_STREAM)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Per media stream"));
  else if (info->scope == FD_STAT_SCOPE_QUEUE)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Per queue"));
  gtk_widget_set_tooltip_text (row, fd_stat_info_get_description (info));
  g_object_set_data (G_OBJECT (row), "fd-stat", (gpointer) info);
  return row;
}

static void
update_actions (FdStatColumnEditor *self)
{
  const FdStatInfo *selected = row_stat (gtk_list_box_get_selected_row (self->list));
  guint index = 0;
  gboolean found = selected != NULL && g_ptr_array_find (self->shown, selected, &index);
  guint n_all = 0, n_column = 0;
  const FdStatInfo *all = fd_stat_catalog_get_all (&n_all);

  for (guint i = 0; i < n_all; i++)
    n_column += fd_stat_info_get_column (&all[i]) == self->column;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "column.remove", found);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "column.move-up", found && index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "column.move-down", found && index + 1 < self->shown->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "column.add", self->shown->len < n_column);
  /* A menu button is not actionable: its sensitivity follows by hand. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), self->shown->len < n_column);
}

/* The add popover lists the column's statistics not yet shown, in the
 * catalog's order. */
static void
rebuild_add_list (FdStatColumnEditor *self)
{
  guint n_all = 0;
  const FdStatInfo *all = fd_stat_catalog_get_all (&n_all);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->add_list))) != NULL)
    gtk_list_box_remove (self->add_list, child);
  for (guint i = 0; i < n_all; i++)
    if (fd_stat_info_get_column (&all[i]) == self->column &&
        !g_ptr_array_find (self->shown, &all[i], NULL))
      gtk_list_box_append (self->add_list, new_stat_row (&all[i]));
}

static void
reload (FdStatColumnEditor *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, self->key);
  const FdStatInfo *selected = row_stat (gtk_list_box_get_selected_row (self->list));
  GtkWidget *child;

  g_clear_pointer (&self->shown, g_ptr_array_unref);
  self->shown = fd_stat_catalog_filter_column ((const char * const *) ids, self->column);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < self->shown->len; i++)
    {
      GtkWidget *row = new_stat_row (self->shown->pdata[i]);

      gtk_list_box_append (self->list, row);
      /* The selection follows its statistic (after a move, say). */
      if (self->shown->pdata[i] == selected)
        gtk_list_box_select_row (self->list, GTK_LIST_BOX_ROW (row));
    }
  rebuild_add_list (self);
  update_actions (self);
}

/* Writes the shown statistics back in their new order, followed by the ids
 * this editor does not show (another version's, or the other column's), so
 * that nothing of the key is lost. */
static void
save (FdStatColumnEditor *self,
      GPtrArray          *shown)
{
  g_auto(GStrv) old = g_settings_get_strv (self->settings, self->key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < shown->len; i++)
    g_strv_builder_add (builder, ((const FdStatInfo *) shown->pdata[i])->id);
  for (gsize i = 0; old[i] != NULL; i++)
    {
      const FdStatInfo *info = fd_stat_catalog_lookup (old[i]);

      if (info == NULL || fd_stat_info_get_column (info) != self->column)
        g_strv_builder_add (builder, old[i]);
    }
  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, self->key, (const char * const *) ids);
}

static void
column_add_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdStatColumnEditor *self = FD_STAT_COLUMN_EDITOR (widget);
  const FdStatInfo *info = fd_stat_catalog_lookup (g_variant_get_string (parameter, NULL));
  g_autoptr(GPtrArray) shown = NULL;

  if (info == NULL || fd_stat_info_get_column (info) != self->column ||
      g_ptr_array_find (self->shown, info, NULL))
    return;
  shown = g_ptr_array_copy (self->shown, NULL, NULL);
  g_ptr_array_add (shown, (gpointer) info);
  save (self, shown);
  fd_stat_column_editor_select (self, info->id);
}

static void
column_remove_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdStatColumnEditor *self = FD_STAT_COLUMN_EDITOR (widget);
  const FdStatInfo *selected = row_stat (gtk_list_box_get_selected_row (self->list));
  g_autoptr(GPtrArray) shown = NULL;
  guint index;

  if (selected == NULL || !g_ptr_array_find (self->shown, selected, &index))
    return;
  shown = g_ptr_array_copy (self->shown, NULL, NULL);
  g_ptr_array_remove_index (shown, index);
  save (self, shown);
  /* The next statistic (or the new last one) is selected, so that the
   * minus can be clicked again. */
  if (shown->len > 0)
    fd_stat_column_editor_select (self, ((const FdStatInfo *) shown->pdata[MIN (index, shown->len - 1)])->id);
}

static void
move_selected (FdStatColumnEditor *self,
               int                 delta)
{
  const FdStatInfo *selected = row_stat (gtk_list_box_get_selected_row (self->list));
  g_autoptr(GPtrArray) shown = NULL;
  guint index;
  int to;

  if (selected == NULL || !g_ptr_array_find (self->shown, selected, &index))
    return;
  to = (int) index + delta;
  if (to < 0 || to >= (int) self->shown->len)
    return;
  shown = g_ptr_array_copy (self->shown, NULL, NULL);
  shown->pdata[index] = shown->pdata[to];
  shown->pdata[to] = (gpointer) selected;
  save (self, shown);
}

static void
column_move_up_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  move_selected (FD_STAT_COLUMN_EDITOR (widget), -1);
}

static void
column_move_down_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  move_selected (FD_STAT_COLUMN_EDITOR (widget), +1);
}

static void
on_list_row_selected_cb (FdStatColumnEditor *self,
                         GtkListBoxRow      *row,
                         GtkListBox         *list)
{
  /* The list's rows go away while the editor is disposed. */
  if (self->list == NULL)
    return;
  update_actions (self);
}

static void
on_add_list_row_activated_cb (FdStatColumnEditor *self,
                              GtkListBoxRow      *row,
                              GtkListBox         *list)
{
  const FdStatInfo *info = row_stat (row);

  gtk_menu_button_popdown (self->add_button);
  if (info != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "column.add", "s", info->id);
}

static void
on_settings_changed_cb (FdStatColumnEditor *self,
                        const char         *key,
                        GSettings          *settings)
{
  reload (self);
}

static void
fd_stat_column_editor_dispose (GObject *object)
{
  FdStatColumnEditor *self = FD_STAT_COLUMN_EDITOR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_STAT_COLUMN_EDITOR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fd_stat_column_editor_parent_class)->dispose (object);
}

static void
fd_stat_column_editor_finalize (GObject *object)
{
  FdStatColumnEditor *self = FD_STAT_COLUMN_EDITOR (object);

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->shown, g_ptr_array_unref);

  G_OBJECT_CLASS (fd_stat_column_editor_parent_class)->finalize (object);
}

static void
fd_stat_column_editor_class_init (FdStatColumnEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_stat_column_editor_dispose;
  object_class->finalize = fd_stat_column_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-stat-column-editor.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, list);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, add_list);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, up_button);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, down_button);
  gtk_widget_class_bind_template_child (widget_class, FdStatColumnEditor, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "column.add", "s", column_add_cb);
  gtk_widget_class_install_action (widget_class, "column.remove", NULL, column_remove_cb);
  gtk_widget_class_install_action (widget_class, "column.move-up", NULL, column_move_up_cb);
  gtk_widget_class_install_action (widget_class, "column.move-down", NULL, column_move_down_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "column.remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "column.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "column.move-down", NULL);
}

static void
fd_stat_column_editor_init (FdStatColumnEditor *self)
{
  self->shown = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fd_stat_column_editor_new (GSettings    *settings,
                           const char   *key,
                           FdStatColumn  column,
                           const char   *title)
{
  FdStatColumnEditor *self;
  g_autofree char *signal = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (FD_TYPE_STAT_COLUMN_EDITOR, NULL);
  self->settings = g_object_ref (settings);
  self->key = g_strdup (key);
  self->column = column;
  gtk_label_set_text (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  signal = g_strconcat ("changed::", key, NULL);
  g_signal_connect_object (settings, signal, G_CALLBACK (on_settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self);
  return GTK_WIDGET (self);
}

gboolean
fd_stat_column_editor_select (FdStatColumnEditor *self,
                              const char         *id)
{
  const FdStatInfo *info;
  guint index;

  g_return_val_if_fail (FD_IS_STAT_COLUMN_EDITOR (self), FALSE);

  info = fd_stat_catalog_lookup (id);
  if (info == NULL || !g_ptr_array_find (self->shown, info, &index))
    return FALSE;
  gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, (int) index));
  return TRUE;
}

const char *
fd_stat_column_editor_get_selected (FdStatColumnEditor *self)
{
  const FdStatInfo *info;

  g_return_val_if_fail (FD_IS_STAT_COLUMN_EDITOR (self), NULL);

  info = row_stat (gtk_list_box_get_selected_row (self->list));
  return info != NULL ? info->id : NULL;
}
