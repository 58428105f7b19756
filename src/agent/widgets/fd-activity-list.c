#define G_LOG_DOMAIN "fd-activity-list"

/* The Activity List (docs/app.md, "Activity List"): the widget, its
 * template, the selection and the actions it enables, the right-click on
 * a row, the binding to the session's FdActivityModel and the public
 * calls. Its cells are in fd-activity-list-cells.c, its actions and menus
 * in fd-activity-list-actions.c. */

#include <glib/gi18n.h>

#include "fd-activity-list-private.h"
#include "fd-format.h"

G_DEFINE_FINAL_TYPE (FdActivityList, fd_activity_list, FD_TYPE_SESSION_LIST)

static void
update_actions (FdActivityList *self)
{
  FdConversationItem *item = selected_item (self);
  gboolean online = get_connection (self) != NULL && item != NULL;
  gboolean reserved = item && fd_conversation_item_get_reserved (item);
  gboolean callback = item && is_callback (item);
  gboolean has_number = callback && fd_conversation_item_get_conversation (item)->callback_number != NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "activity.reserve", online && !reserved);
  gtk_widget_action_set_enabled (widget, "activity.reject", online && !reserved && !callback);
  gtk_widget_action_set_enabled (widget, "activity.open", online);
  gtk_widget_action_set_enabled (widget, "activity.perform-callback", online && callback && !reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.call-number", online && callback && reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.copy-number", callback && reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.close-callback", online && callback && reserved);
  /* Shown always, as the guide lists it; enabled with an https record
   * (the label says why not otherwise, see menu_for()). */
  gtk_widget_action_set_enabled (widget, "activity.show-crm",
                                 item != NULL && fd_format_crm_record_url (fd_conversation_item_get_conversation (item)->contact) != NULL);
  gtk_widget_action_set_enabled (widget, "activity.add-crm-log",
                                 online && reserved && fd_connection_get_crm_provider (get_connection (self)) != NULL);
  gtk_widget_action_set_enabled (widget, "activity.menu", item != NULL);
}

/* A right-click on any cell of a row (the column view's one gesture, in
 * the capture phase) selects the row and opens its menu there. */
static void
on_column_view_right_click_cb (GtkGestureClick *gesture,
                               int              n_press,
                               double           x,
                               double           y,
                               FdActivityList  *self)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkListItem *list_item = NULL;
  graphene_point_t point;
  guint position;

  for (GtkWidget *widget = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != view && list_item == NULL;
       widget = gtk_widget_get_parent (widget))
    list_item = g_object_get_qdata (G_OBJECT (widget), _fd_activity_list_list_item_quark ());
  /* The header, or between the rows: GTK's own handling. */
  if (list_item == NULL || (position = gtk_list_item_get_position (list_item)) == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  if (!gtk_widget_compute_point (view, GTK_WIDGET (self), &GRAPHENE_POINT_INIT ((float) x, (float) y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  _fd_activity_list_popup_menu (self, point.x, point.y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_item_reserved_notify_cb (FdConversationItem *item,
                            GParamSpec         *pspec,
                            FdActivityList     *self)
{
  update_actions (self);
}

static void
unwatch_selected (FdActivityList *self)
{
  if (self->watched != NULL)
    g_clear_signal_handler (&self->watched_id, self->watched);
  g_clear_object (&self->watched);
}

/* Follows "reserved" of the selected row only. */
static void
watch_selected (FdActivityList *self)
{
  FdConversationItem *item = selected_item (self);

  if (item == self->watched)
    return;
  unwatch_selected (self);
  if (item == NULL)
    return;
  self->watched = g_object_ref (item);
  self->watched_id = g_signal_connect (item, "notify::reserved", G_CALLBACK (on_item_reserved_notify_cb), self);
}

static void
on_selection_changed_cb (GtkSelectionModel *model,
                         guint              position,
                         guint              n_items,
                         FdActivityList    *self)
{
  watch_selected (self);
  update_actions (self);
}

static void
on_model_items_changed_cb (GListModel     *model,
                           guint           position,
                           guint           removed,
                           guint           added,
                           FdActivityList *self)
{
  watch_selected (self);
  update_actions (self);
}

static void
on_column_view_activate_cb (GtkColumnView  *view,
                            guint           position,
                            FdActivityList *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "activity.open", NULL);
}

/* The session's conversations, sorted by the column headers, each with
 * its "reserved" followed. */
static void
fd_activity_list_bind (FdSessionList *list,
                       FdConnection  *connection)
{
  FdActivityList *self = FD_ACTIVITY_LIST (list);
  g_autoptr(GtkSortListModel) sorted = NULL;
  GListModel *rows;

  if (connection == NULL)
    {
      gtk_single_selection_set_model (self->selection, NULL);
      _fd_activity_list_follow_clock (self, NULL);
      watch_selected (self);
      update_actions (self);
      return;
    }
  rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (connection)));
  _fd_activity_list_follow_clock (self, fd_activity_model_get_clock (FD_ACTIVITY_MODEL (rows)));
  /* The model keeps arrival order; the column headers sort the view. */
  sorted = gtk_sort_list_model_new (g_object_ref (rows),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (sorted));
  watch_selected (self);
  update_actions (self);
}

static void
fd_activity_list_dispose (GObject *object)
{
  FdActivityList *self = FD_ACTIVITY_LIST (object);

  unwatch_selected (self);
  _fd_activity_list_follow_clock (self, NULL);
  g_clear_object (&self->shown_menu);
  G_OBJECT_CLASS (fd_activity_list_parent_class)->dispose (object);
}

/* After the template's column view, whose cells leave the set as they go. */
static void
fd_activity_list_finalize (GObject *object)
{
  FdActivityList *self = FD_ACTIVITY_LIST (object);

  g_clear_pointer (&self->ticking, g_hash_table_unref);
  G_OBJECT_CLASS (fd_activity_list_parent_class)->finalize (object);
}

static void
fd_activity_list_class_init (FdActivityListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_activity_list_dispose;
  G_OBJECT_CLASS (klass)->finalize = fd_activity_list_finalize;
  FD_SESSION_LIST_CLASS (klass)->bind = fd_activity_list_bind;

  /* The template's sorters name the item type. */
  g_type_ensure (FD_TYPE_CONVERSATION_ITEM);
  fd_session_list_class_set_template (widget_class, "fd-activity-list", "activity.menu");
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, column_view);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, selection);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, callback_unreserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, callback_reserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, unreserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, reserved_menu);
  gtk_widget_class_bind_template_child_full (widget_class, "activity_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_ACTIVITY]));
  gtk_widget_class_bind_template_child_full (widget_class, "from_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_FROM]));
  gtk_widget_class_bind_template_child_full (widget_class, "to_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_TO]));
  gtk_widget_class_bind_template_child_full (widget_class, "duration_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_DURATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "status_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_STATUS]));
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_right_click_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_model_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);

  _fd_activity_list_class_actions_init (widget_class);
}

static void
fd_activity_list_init (FdActivityList *self)
{
  self->ticking = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  _fd_activity_list_set_up_columns (self);
  fd_session_list_follow_menu (FD_SESSION_LIST (self), GTK_WIDGET (self->column_view));
  _fd_activity_list_name_header_row (self);
  update_actions (self);
}

GtkWidget *
fd_activity_list_new (void)
{
  return g_object_new (FD_TYPE_ACTIVITY_LIST, NULL);
}

void
fd_activity_list_select (FdActivityList *self,
                         guint           position)
{
  g_return_if_fail (FD_IS_ACTIVITY_LIST (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->selection)));
  gtk_single_selection_set_selected (self->selection, position);
}

gpointer
fd_activity_list_get_selected (FdActivityList *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), NULL);
  return selected_item (self);
}

char *
fd_activity_list_dup_cell_text (FdActivityList *self,
                                guint           position,
                                guint           column)
{
  g_autoptr(FdConversationItem) item = NULL;

  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), NULL);
  g_return_val_if_fail (column < N_COLUMNS, NULL);
  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item == NULL)
    return NULL;
  return _fd_activity_list_cell_text (item, column);
}

guint
fd_activity_list_get_n_rows (FdActivityList *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}
