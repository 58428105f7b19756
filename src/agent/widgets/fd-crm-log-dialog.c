#define G_LOG_DOMAIN "fd-crm-log-dialog"

#include <glib/gi18n.h>

#include "fd-crm-log-dialog.h"

struct _FdCrmLogDialog
{
  AdwWindow      parent_instance;

  GtkLabel      *error_label;
  GtkEntry      *subject_entry;
  GtkTextView   *text_view;
  GtkLabel      *count_label;

  FdConnection  *connection;
  gint64         conversation_id;
  char          *crm_user;
  GCancellable  *cancellable;
  gboolean       sending;
};

G_DEFINE_FINAL_TYPE (FdCrmLogDialog, fd_crm_log_dialog, ADW_TYPE_WINDOW)

static char *
dup_text (FdCrmLogDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Send needs a text within the protocol's bound; the count says why
 * Send is off when the text is too long. */
static void
update_state (FdCrmLogDialog *self)
{
  g_autofree char *text = dup_text (self);
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  glong n = g_utf8_strlen (text, -1);
  g_autofree char *count = g_strdup_printf (_("%ld of %d characters"), n, FD_LIMIT_TEXT);

  gtk_label_set_text (self->count_label, count);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "crm-log.send",
                                 !self->sending && *stripped != '\0' && n <= FD_LIMIT_TEXT);
  gtk_widget_set_sensitive (GTK_WIDGET (self->subject_entry), !self->sending);
  gtk_text_view_set_editable (self->text_view, !self->sending);
}

static void
show_error (FdCrmLogDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_logged_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdCrmLogDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_crm_log_finish (FD_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->sending = FALSE;
      show_error (self, error->message);
      update_state (self);
      return;
    }
  self->sending = FALSE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
crm_log_send_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FdCrmLogDialog *self = FD_CRM_LOG_DIALOG (widget);
  g_autofree char *text = dup_text (self);
  g_autofree char *subject = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_entry))));

  if (self->sending || self->connection == NULL)
    return;
  self->sending = TRUE;
  show_error (self, NULL);
  update_state (self);
  fd_connection_crm_log_async (self->connection, self->conversation_id, subject, text, self->crm_user,
                               self->cancellable, on_logged_cb, g_object_ref (self));
}

static void
fd_crm_log_dialog_dispose (GObject *object)
{
  FdCrmLogDialog *self = FD_CRM_LOG_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CRM_LOG_DIALOG);
  G_OBJECT_CLASS (fd_crm_log_dialog_parent_class)->dispose (object);
}

static void
fd_crm_log_dialog_finalize (GObject *object)
{
  FdCrmLogDialog *self = FD_CRM_LOG_DIALOG (object);

  g_clear_pointer (&self->crm_user, g_free);
  G_OBJECT_CLASS (fd_crm_log_dialog_parent_class)->finalize (object);
}

static void
fd_crm_log_dialog_class_init (FdCrmLogDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_crm_log_dialog_dispose;
  object_class->finalize = fd_crm_log_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-crm-log-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCrmLogDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FdCrmLogDialog, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, FdCrmLogDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, FdCrmLogDialog, count_label);

  gtk_widget_class_install_action (widget_class, "crm-log.send", NULL, crm_log_send_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "crm-log.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "crm-log.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fd_crm_log_dialog_init (FdCrmLogDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_entry_set_max_length (self->subject_entry, FD_LIMIT_NAME);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
}

FdCrmLogDialog *
fd_crm_log_dialog_new (GtkWindow    *parent,
                       FdConnection *connection,
                       gint64        conversation_id,
                       const char   *crm_user)
{
  FdCrmLogDialog *self;

  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_CRM_LOG_DIALOG, "transient-for", parent, NULL);
  self->connection = g_object_ref (connection);
  self->conversation_id = conversation_id;
  self->crm_user = crm_user != NULL && *crm_user != '\0' ? g_strdup (crm_user) : NULL;
  return self;
}

void
fd_crm_log_dialog_set_entry (FdCrmLogDialog *self,
                             const char     *subject,
                             const char     *text)
{
  g_return_if_fail (FD_IS_CRM_LOG_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), subject != NULL ? subject : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text != NULL ? text : "", -1);
}

const char *
fd_crm_log_dialog_get_error (FdCrmLogDialog *self)
{
  g_return_val_if_fail (FD_IS_CRM_LOG_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
fd_crm_log_dialog_get_sending (FdCrmLogDialog *self)
{
  g_return_val_if_fail (FD_IS_CRM_LOG_DIALOG (self), FALSE);
  return self->sending;
}
