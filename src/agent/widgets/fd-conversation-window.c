#define G_LOG_DOMAIN "fd-conversation-window"

#include <glib/gi18n.h>

#include "fd-conversation-window.h"
#include "fd-session.h"

struct _FdConversationWindow
{
  AdwWindow     parent_instance;

  GtkWidget    *messages;
  GtkLabel     *status;
  FdConnection *connection;
  GCancellable *cancellable;
  gint64        id;
  guint         n_messages;
};

G_DEFINE_FINAL_TYPE (FdConversationWindow, fd_conversation_window, ADW_TYPE_WINDOW)

static void
append_message (FdConversationWindow *self,
                const FdMessage      *message)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *author = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  gboolean outgoing = message->direction == FD_DIRECTION_OUT;

  /* Both texts come from people: plain text, never markup. */
  gtk_label_set_text (GTK_LABEL (author), message->author_name ? message->author_name
                                          : outgoing ? _("Agent") : _("Customer"));
  gtk_label_set_text (GTK_LABEL (text), message->text ? message->text : "");
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_label_set_xalign (GTK_LABEL (author), outgoing ? 1 : 0);
  gtk_label_set_xalign (GTK_LABEL (text), outgoing ? 1 : 0);
  gtk_widget_add_css_class (author, "caption-heading");
  gtk_box_append (GTK_BOX (box), author);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (self->messages), box);
  self->n_messages++;
}

static void
on_get_conversation_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FdConversationWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversationDetail) detail = fd_connection_get_conversation_finish (FD_CONNECTION (source), result, &error);

  if (detail == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->status, error->message);
      return;
    }
  for (guint i = 0; detail->messages != NULL && i < detail->messages->len; i++)
    append_message (self, g_ptr_array_index (detail->messages, i));
  gtk_widget_set_visible (GTK_WIDGET (self->status), self->n_messages == 0);
  gtk_label_set_text (self->status, _("No messages yet."));
}

static void
fd_conversation_window_dispose (GObject *object)
{
  FdConversationWindow *self = FD_CONVERSATION_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CONVERSATION_WINDOW);
  G_OBJECT_CLASS (fd_conversation_window_parent_class)->dispose (object);
}

static void
fd_conversation_window_class_init (FdConversationWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_conversation_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-conversation-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdConversationWindow, messages);
  gtk_widget_class_bind_template_child (widget_class, FdConversationWindow, status);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_conversation_window_init (FdConversationWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

FdConversationWindow *
fd_conversation_window_new (GtkWindow    *parent,
                            FdConnection *connection,
                            gint64        conversation_id)
{
  FdConversationWindow *self;
  FdConversationItem *item;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_CONVERSATION_WINDOW, "transient-for", parent, NULL);
  self->connection = g_object_ref (connection);
  self->id = conversation_id;
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (connection)), conversation_id);
  if (item != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("%s with %s"), fd_conversation_item_get_activity (item),
                                                fd_conversation_item_get_from (item));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }

  fd_connection_get_conversation_async (connection, conversation_id, self->cancellable,
                                        on_get_conversation_cb, g_object_ref (self));
  return self;
}

gint64
fd_conversation_window_get_id (FdConversationWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_WINDOW (self), 0);
  return self->id;
}

guint
fd_conversation_window_get_n_messages (FdConversationWindow *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_WINDOW (self), 0);
  return self->n_messages;
}
