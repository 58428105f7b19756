#define G_LOG_DOMAIN "fd-queue-sidebar"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-queue-row.h"
#include "fd-queue-sidebar.h"
#include "fd-session-list.h"
#include "fd-session.h"

struct _FdQueueSidebar
{
  FdSessionList parent_instance;

  GtkWidget    *scroller;
  GtkListBox   *list_box;
  GSettings    *settings;
};

G_DEFINE_FINAL_TYPE (FdQueueSidebar, fd_queue_sidebar, FD_TYPE_SESSION_LIST)

static GtkWidget *
create_row_cb (gpointer object,
               gpointer user_data)
{
  return fd_queue_row_new (FD_QUEUE_ITEM (object));
}

/* The queue the actions apply to: none while signed out. */
static FdQueueItem *
selected_item (FdQueueSidebar *self)
{
  GtkListBoxRow *row;

  /* Disposed: the template's widgets are gone. */
  if (self->list_box == NULL || fd_session_list_get_connection (FD_SESSION_LIST (self)) == NULL)
    return NULL;
  row = gtk_list_box_get_selected_row (self->list_box);

  return row ? fd_queue_row_get_item (FD_QUEUE_ROW (row)) : NULL;
}

static void
update_actions (FdQueueSidebar *self)
{
  FdQueueItem *item = selected_item (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.join", item && !fd_queue_item_get_joined (item));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "queue.leave", item && fd_queue_item_get_joined (item));
}

static void
on_list_box_selected_rows_changed_cb (GtkListBox     *list_box,
                                      FdQueueSidebar *self)
{
  update_actions (self);
}

typedef struct {
  FdQueueSidebar *self;
  gboolean        join;
} JoinData;

static void
on_set_joined_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  JoinData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_set_joined_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (data->join ? _("Could not join the queue: %s")
                                                          : _("Could not leave the queue: %s"),
                                               error->message);
      fd_session_list_toast (FD_SESSION_LIST (data->self), text);
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    update_actions (data->self);
  g_object_unref (data->self);
  g_free (data);
}

static void
set_joined (FdQueueSidebar *self,
            FdQueueItem    *item,
            gboolean        join)
{
  FdConnection *connection = fd_session_list_get_connection (FD_SESSION_LIST (self));
  JoinData *data = g_new0 (JoinData, 1);

  data->self = g_object_ref (self);
  data->join = join;
  fd_connection_set_joined_async (connection, fd_queue_item_get_id (item), join,
                                  fd_session_list_get_cancellable (FD_SESSION_LIST (self)), on_set_joined_cb, data);
}

static void
on_leave_dialog_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             FdQueueSidebar   *self)
{
  FdConnection *connection = fd_session_list_get_connection (FD_SESSION_LIST (self));
  FdQueueItem *item = g_object_get_data (G_OBJECT (dialog), "fd-item");

  if (g_strcmp0 (response, "leave") == 0 && connection != NULL)
    set_joined (self, item, FALSE);
}

static void
queue_join_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdQueueSidebar *self = FD_QUEUE_SIDEBAR (widget);
  FdQueueItem *item = selected_item (self);

  if (item != NULL)
    set_joined (self, item, TRUE);
}

static void
queue_leave_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdQueueSidebar *self = FD_QUEUE_SIDEBAR (widget);
  FdQueueItem *item = selected_item (self);
  gboolean warn = self->settings ? g_settings_get_boolean (self->settings, "warn-last-agent-leaving") : TRUE;
  GtkWidget *dialog;

  if (item == NULL)
    return;
  if (!warn || !fd_queue_item_is_last_joined (item))
    {
      set_joined (self, item, FALSE);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Leave as the Last Agent?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("You are the last agent joined to “%s”. If you leave, nobody will answer its conversations."),
                                  fd_queue_item_get_name (item));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Stay"),
                                    "leave", _("_Leave Queue"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "leave",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "fd-item", g_object_ref (item), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_leave_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
popup_menu_at (FdQueueSidebar *self,
               GtkWidget      *anchor)
{
  graphene_point_t point;
  GdkRectangle rect = { 0, 0, 1, 1 };

  if (anchor != NULL &&
      gtk_widget_compute_point (anchor, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (0, 0), &point))
    {
      rect.x = (int) point.x + 24;
      rect.y = (int) point.y + gtk_widget_get_height (anchor) / 2;
    }
  gtk_popover_set_pointing_to (fd_session_list_get_menu (FD_SESSION_LIST (self)), &rect);
  gtk_popover_popup (fd_session_list_get_menu (FD_SESSION_LIST (self)));
}

static void
queue_menu_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FdQueueSidebar *self = FD_QUEUE_SIDEBAR (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list_box);

  if (row != NULL)
    popup_menu_at (self, GTK_WIDGET (row));
}

static void
on_click_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     FdQueueSidebar  *self)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_y (self->list_box, (int) y);

  if (row == NULL)
    return;
  gtk_list_box_select_row (self->list_box, row);
  popup_menu_at (self, GTK_WIDGET (row));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_queue_item_joined_cb (FdQueueItem    *item,
                         GParamSpec     *pspec,
                         FdQueueSidebar *self)
{
  update_actions (self);
}

/* The session's queues, each with its "joined" followed. */
static void
fd_queue_sidebar_bind (FdSessionList *list,
                       FdConnection  *connection)
{
  FdQueueSidebar *self = FD_QUEUE_SIDEBAR (list);
  GListModel *queues;

  if (connection == NULL)
    {
      gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
      update_actions (self);
      return;
    }
  queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (connection)));
  gtk_list_box_bind_model (self->list_box, queues, create_row_cb, NULL, NULL);
  fd_session_list_watch (list, queues, "joined", G_CALLBACK (on_queue_item_joined_cb),
                         (void (*) (gpointer)) update_actions);
}

static void
fd_queue_sidebar_dispose (GObject *object)
{
  FdQueueSidebar *self = FD_QUEUE_SIDEBAR (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fd_queue_sidebar_parent_class)->dispose (object);
}

static void
fd_queue_sidebar_class_init (FdQueueSidebarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_queue_sidebar_dispose;
  FD_SESSION_LIST_CLASS (klass)->bind = fd_queue_sidebar_bind;
  fd_session_list_class_set_template (widget_class, "fd-queue-sidebar", "queue.menu");
  gtk_widget_class_bind_template_child (widget_class, FdQueueSidebar, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdQueueSidebar, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_list_box_selected_rows_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_click_pressed_cb);

  gtk_widget_class_install_action (widget_class, "queue.join", NULL, queue_join_cb);
  gtk_widget_class_install_action (widget_class, "queue.leave", NULL, queue_leave_cb);
  gtk_widget_class_install_action (widget_class, "queue.menu", NULL, queue_menu_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, GDK_CONTROL_MASK, "queue.join", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "queue.leave", NULL);
}

static void
fd_queue_sidebar_init (FdQueueSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_session_list_follow_menu (FD_SESSION_LIST (self), GTK_WIDGET (self->list_box));
  update_actions (self);
}

GtkWidget *
fd_queue_sidebar_new (void)
{
  return g_object_new (FD_TYPE_QUEUE_SIDEBAR, NULL);
}

void
fd_queue_sidebar_set_settings (FdQueueSidebar *self,
                               GSettings      *settings)
{
  g_return_if_fail (FD_IS_QUEUE_SIDEBAR (self));
  g_set_object (&self->settings, settings);
}

void
fd_queue_sidebar_select (FdQueueSidebar *self,
                         guint           position)
{
  GtkListBoxRow *row;

  g_return_if_fail (FD_IS_QUEUE_SIDEBAR (self));
  row = gtk_list_box_get_row_at_index (self->list_box, (int) position);
  g_return_if_fail (row != NULL);
  gtk_list_box_select_row (self->list_box, row);
}

const char *
fd_queue_sidebar_get_indicator (FdQueueSidebar *self,
                                guint           position)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (FD_IS_QUEUE_SIDEBAR (self), NULL);
  row = gtk_list_box_get_row_at_index (self->list_box, (int) position);
  if (row == NULL)
    return NULL;
  return fd_queue_row_get_indicator_text (FD_QUEUE_ROW (row));
}
