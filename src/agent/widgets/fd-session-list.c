#define G_LOG_DOMAIN "fd-session-list"

#include "fd-list-watch.h"
#include "fd-session-list.h"

typedef struct
{
  FdConnection *connection;
  GCancellable *cancellable;
  FdListWatch  *watch;
} FdSessionListPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (FdSessionList, fd_session_list, GTK_TYPE_WIDGET)

enum {
  SIGNAL_TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fd_session_list_dispose (GObject *object)
{
  FdSessionList *self = FD_SESSION_LIST (object);
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->watch, fd_list_watch_free);
  g_clear_object (&priv->connection);
  /* The template is the subclass's. */
  gtk_widget_dispose_template (GTK_WIDGET (self), G_OBJECT_TYPE (self));
  G_OBJECT_CLASS (fd_session_list_parent_class)->dispose (object);
}

static void
fd_session_list_class_init (FdSessionListClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_session_list_dispose;

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
fd_session_list_init (FdSessionList *self)
{
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
}

void
fd_session_list_class_set_template (GtkWidgetClass *widget_class,
                                    const char     *name,
                                    const char     *menu_action)
{
  g_autofree char *resource = NULL;

  g_return_if_fail (g_type_is_a (G_TYPE_FROM_CLASS (widget_class), FD_TYPE_SESSION_LIST));
  g_return_if_fail (name != NULL);
  g_return_if_fail (menu_action != NULL);

  resource = g_strdup_printf ("/io/github/frontdeskcc/Frontdesk/ui/%s.ui", name);
  gtk_widget_class_set_template_from_resource (widget_class, resource);
  /* Offset 0: not stored, found again by gtk_widget_get_template_child(). */
  gtk_widget_class_bind_template_child_full (widget_class, "menu", FALSE, 0);
  gtk_widget_class_set_css_name (widget_class, name);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, menu_action, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, menu_action, NULL);
}

/* The list's tooltip would cover the right-click menu (issue 18): off
 * while the menu is open, back when it closes. */
static void
on_menu_visible_cb (GtkWidget  *menu,
                    GParamSpec *pspec,
                    GtkWidget  *list)
{
  gtk_widget_set_has_tooltip (list, !gtk_widget_get_visible (menu));
}

void
fd_session_list_follow_menu (FdSessionList *self,
                             GtkWidget     *list)
{
  g_return_if_fail (FD_IS_SESSION_LIST (self));
  g_return_if_fail (GTK_IS_WIDGET (list));

  g_signal_connect_object (fd_session_list_get_menu (self), "notify::visible", G_CALLBACK (on_menu_visible_cb),
                           list, 0);
}

void
fd_session_list_set_connection (FdSessionList *self,
                                FdConnection  *connection)
{
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  g_return_if_fail (FD_IS_SESSION_LIST (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  if (priv->connection == connection)
    return;
  g_clear_pointer (&priv->watch, fd_list_watch_free);
  g_set_object (&priv->connection, connection);
  FD_SESSION_LIST_GET_CLASS (self)->bind (self, connection);
}

FdConnection *
fd_session_list_get_connection (FdSessionList *self)
{
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  g_return_val_if_fail (FD_IS_SESSION_LIST (self), NULL);
  return priv->connection;
}

GCancellable *
fd_session_list_get_cancellable (FdSessionList *self)
{
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  g_return_val_if_fail (FD_IS_SESSION_LIST (self), NULL);
  return priv->cancellable;
}

GtkPopover *
fd_session_list_get_menu (FdSessionList *self)
{
  g_return_val_if_fail (FD_IS_SESSION_LIST (self), NULL);
  return GTK_POPOVER (gtk_widget_get_template_child (GTK_WIDGET (self), G_OBJECT_TYPE (self), "menu"));
}

void
fd_session_list_watch (FdSessionList *self,
                       GListModel    *model,
                       const char    *property,
                       GCallback      notify,
                       void         (*changed) (gpointer instance))
{
  FdSessionListPrivate *priv = fd_session_list_get_instance_private (self);

  g_return_if_fail (FD_IS_SESSION_LIST (self));

  g_clear_pointer (&priv->watch, fd_list_watch_free);
  priv->watch = fd_list_watch_new (model, property, notify, changed, self);
}

void
fd_session_list_toast (FdSessionList *self,
                       const char    *text)
{
  g_return_if_fail (FD_IS_SESSION_LIST (self));
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, text);
}
