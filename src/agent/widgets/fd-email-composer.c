#define G_LOG_DOMAIN "fd-email-composer"

#include <string.h>

#include <glib/gi18n.h>

#include "fd-email-composer.h"
#include "fd-format.h"

struct _FdEmailComposer
{
  FdConversationPart  parent_instance;

  /* Template children. */
  GtkEntry           *to_entry;
  GtkEntry           *cc_entry;
  GtkEntry           *subject_entry;
  GtkLabel           *error_label;
  GtkTextView        *view;
  GtkWidget          *placeholder_label;
  GtkFlowBox         *attachments_box;

  GPtrArray          *attachments;    /* FdAttachment*, uploaded */
  guint               n_uploading;
  GCancellable       *cancellable;    /* the uploads in flight */
  gboolean            prefilled;
  gboolean            setting_text;   /* a change that is not the agent typing */
};

G_DEFINE_FINAL_TYPE (FdEmailComposer, fd_email_composer, FD_TYPE_CONVERSATION_PART)

static FdConversationModel *
model_of (FdEmailComposer *self)
{
  return fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
}

/* --- addresses ---------------------------------------------------------------------- */

gboolean
fd_email_composer_check_addresses (const char *text,
                                   gboolean    required,
                                   GError    **error)
{
  g_auto(GStrv) addresses = NULL;

  g_return_val_if_fail (text != NULL, FALSE);

  /* The app's one reading of an address field (fd-format.c); the server
   * checks again. */
  addresses = fd_format_parse_addresses (text, error);
  if (addresses == NULL)
    return FALSE;
  if (required && addresses[0] == NULL)
    {
      g_set_error_literal (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_ADDRESS,
                           _("Add at least one address to send the reply to."));
      return FALSE;
    }
  return TRUE;
}

/* The first problem of the fields. */
static gboolean
check_fields (FdEmailComposer *self,
              GError         **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *subject = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->subject_entry))));

  if (!fd_email_composer_check_addresses (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), TRUE, &local))
    {
      g_set_error (error, local->domain, local->code, _("To: %s"), local->message);
      return FALSE;
    }
  if (!fd_email_composer_check_addresses (gtk_editable_get_text (GTK_EDITABLE (self->cc_entry)), FALSE, &local))
    {
      g_set_error (error, local->domain, local->code, _("Cc: %s"), local->message);
      return FALSE;
    }
  if (*subject == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Add a subject to the reply."));
      return FALSE;
    }
  return TRUE;
}

static void
show_error (FdEmailComposer *self,
            const char      *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* Each field is checked as it is typed: error styling on the field, the
 * sentence under the fields. */
static void
on_address_changed_cb (FdEmailComposer *self,
                       GtkEditable     *entry)
{
  GtkEntry *fields[] = { self->to_entry, self->cc_entry, self->subject_entry };
  g_autoptr(GError) error = NULL;
  const char *message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (fields[i]));
      g_autoptr(GError) field_error = NULL;
      gboolean ok;

      if (fields[i] == self->subject_entry)
        ok = TRUE;   /* an empty subject is only refused when sending */
      else
        ok = fd_email_composer_check_addresses (text, FALSE, &field_error);
      if (ok)
        gtk_widget_remove_css_class (GTK_WIDGET (fields[i]), "error");
      else
        gtk_widget_add_css_class (GTK_WIDGET (fields[i]), "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (fields[i]), GTK_ACCESSIBLE_STATE_INVALID,
                                   ok ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE, -1);
      if (!ok && error == NULL)
        g_set_error (&error, field_error->domain, field_error->code,
                     fields[i] == self->to_entry ? _("To: %s") : _("Cc: %s"), field_error->message);
    }
  if (error != NULL)
    message = error->message;
  show_error (self, message);
}

/* --- text --------------------------------------------------------------------------- */

static void
set_text (FdEmailComposer *self,
          const char      *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);

  self->setting_text = TRUE;
  gtk_text_buffer_set_text (buffer, text, -1);
  self->setting_text = FALSE;
}

static void
update_placeholder (FdEmailComposer *self)
{
  gboolean empty = gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->view)) == 0;

  gtk_widget_set_visible (self->placeholder_label, empty && !gtk_widget_has_focus (GTK_WIDGET (self->view)));
}

static void
on_buffer_changed_cb (GtkTextBuffer   *buffer,
                      FdEmailComposer *self)
{
  update_placeholder (self);
  /* Keeps the draft (FdDrafts). */
  if (!self->setting_text)
    fd_conversation_part_keep_compose_text (FD_CONVERSATION_PART (self), self->view);
}

/* --- attachments -------------------------------------------------------------------- */

static void
fill_attachments (FdEmailComposer *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->attachments_box))) != NULL)
    gtk_flow_box_remove (self->attachments_box, child);
  for (guint i = 0; i < self->attachments->len; i++)
    {
      const FdAttachment *attachment = g_ptr_array_index (self->attachments, i);
      g_autofree char *size = g_format_size (attachment->size > 0 ? (guint64) attachment->size : 0);
      g_autofree char *title = g_strdup_printf ("📎 %s (%s)", attachment->name, size);
      g_autofree char *remove_name = g_strdup_printf (_("Remove “%s”"), attachment->name);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *label = gtk_label_new (NULL);
      GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");

      gtk_label_set_text (GTK_LABEL (label), title);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_add_css_class (remove, "circular");
      gtk_widget_set_tooltip_text (remove, remove_name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_name, -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "composer.remove-attachment");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "u", i);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), remove);
      gtk_flow_box_append (self->attachments_box, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_box), self->attachments->len > 0);
}

static void
composer_remove_attachment_cb (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  FdEmailComposer *self = FD_EMAIL_COMPOSER (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index < self->attachments->len)
    g_ptr_array_remove_index (self->attachments, index);
  fill_attachments (self);
}

typedef struct {
  FdEmailComposer *self;
  FdRecentFiles   *recent_files;
  char            *path;
} Upload;

static void
on_uploaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = user_data;
  FdEmailComposer *self = upload->self;
  g_autoptr(GError) error = NULL;
  FdAttachment *attachment = fd_connection_upload_file_finish (FD_CONNECTION (source), result, &error);

  /* Cancelled, or the composer went away with its window. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->attachments != NULL &&
      model_of (self) != NULL)
    {
      self->n_uploading--;
      if (attachment == NULL)
        fd_conversation_model_report_error (model_of (self), error);
      else
        {
          g_autoptr(GError) recent_error = NULL;

          g_ptr_array_add (self->attachments, attachment);
          fill_attachments (self);
          fd_conversation_model_set_status (model_of (self), "");
          if (upload->recent_files != NULL && upload->path != NULL &&
              !fd_recent_files_add (upload->recent_files, upload->path, &recent_error))
            g_debug ("Recent attachments: %s", recent_error->message);
        }
    }
  else
    g_clear_pointer (&attachment, fd_attachment_free);
  g_object_unref (upload->self);
  g_clear_object (&upload->recent_files);
  g_free (upload->path);
  g_free (upload);
}

void
fd_email_composer_attach_file (FdEmailComposer *self,
                               GFile           *file,
                               FdRecentFiles   *recent_files)
{
  FdConversationModel *model;
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  Upload *upload;

  g_return_if_fail (FD_IS_EMAIL_COMPOSER (self));
  g_return_if_fail (G_IS_FILE (file));

  model = model_of (self);
  if (model == NULL)
    return;
  if (!fd_conversation_model_get_reserved (model))
    {
      fd_conversation_model_set_status (model, _("Reserve the conversation to attach files."));
      return;
    }
  name = g_file_get_basename (file);
  status = g_strdup_printf (_("Uploading “%s”…"), name);
  fd_conversation_model_set_status (model, status);
  upload = g_new0 (Upload, 1);
  upload->self = g_object_ref (self);
  upload->recent_files = recent_files != NULL ? g_object_ref (recent_files) : NULL;
  upload->path = g_file_get_path (file);
  self->n_uploading++;
  fd_connection_upload_file_async (fd_conversation_model_get_connection (model), fd_conversation_model_get_id (model),
                                   file, self->cancellable, on_uploaded_cb, upload);
}

/* --- sending ------------------------------------------------------------------------ */

gboolean
fd_email_composer_check (FdEmailComposer *self,
                         GError         **error)
{
  FdConversationModel *model = model_of (self);
  g_autofree char *text = NULL;

  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), FALSE);

  if (model == NULL || !fd_conversation_model_get_reserved (model))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("Reserve the conversation to reply."));
      return FALSE;
    }
  if (!check_fields (self, error))
    return FALSE;
  if (self->n_uploading > 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("Wait until the attachments are uploaded."));
      return FALSE;
    }
  text = fd_compose_text_dup (self->view);
  if (*g_strstrip (text) == '\0' && self->attachments->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Write the reply or attach a file first."));
      return FALSE;
    }
  return TRUE;
}

/* What goes to the server: the fields, the text and the attachments. */
static gboolean
send_reply (FdEmailComposer *self,
            const char      *text)
{
  g_auto(GStrv) to = fd_format_parse_addresses (gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), NULL);
  g_auto(GStrv) cc = fd_format_parse_addresses (gtk_editable_get_text (GTK_EDITABLE (self->cc_entry)), NULL);

  /* Checked just before (fd_email_composer_check). */
  g_return_val_if_fail (to != NULL && cc != NULL, FALSE);
  return fd_conversation_model_send_email (model_of (self), text, (const char * const *) to,
                                           (const char * const *) cc,
                                           gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)),
                                           self->attachments);
}

gboolean
fd_email_composer_send (FdEmailComposer *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), FALSE);

  if (!fd_email_composer_check (self, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  text = fd_compose_text_dup (self->view);
  if (!send_reply (self, text))
    return FALSE;
  show_error (self, NULL);
  set_text (self, "");
  g_ptr_array_set_size (self->attachments, 0);
  fill_attachments (self);
  fd_conversation_model_clear_draft (model_of (self));
  update_placeholder (self);
  return TRUE;
}

void
fd_email_composer_prefill (FdEmailComposer *self)
{
  FdConversationModel *model;
  g_autofree char *to = NULL;
  g_autofree char *subject = NULL;

  g_return_if_fail (FD_IS_EMAIL_COMPOSER (self));

  model = model_of (self);
  if (model == NULL || self->prefilled || !fd_conversation_model_get_loaded (model))
    return;
  self->prefilled = TRUE;
  /* The customer's mailbox and "Re: subject" (one Re:), only into empty
   * fields: what the agent typed stays. */
  to = fd_conversation_model_dup_reply_to (model);
  subject = fd_conversation_model_dup_reply_subject (model);
  if (to != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->to_entry)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  if (subject != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), subject);
}

/* --- object ------------------------------------------------------------------------- */

static void
on_view_focus_cb (FdEmailComposer *self)
{
  update_placeholder (self);
}

static void
fd_email_composer_dispose (GObject *object)
{
  FdEmailComposer *self = FD_EMAIL_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  G_OBJECT_CLASS (fd_email_composer_parent_class)->dispose (object);
}

static void
fd_email_composer_class_init (FdEmailComposerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_email_composer_dispose;
  fd_conversation_part_class_set_template (widget_class, "fd-email-composer", 0);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, to_entry);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, cc_entry);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, view);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, placeholder_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailComposer, attachments_box);
  gtk_widget_class_bind_template_callback (widget_class, on_address_changed_cb);
  gtk_widget_class_install_action (widget_class, "composer.remove-attachment", "u", composer_remove_attachment_cb);
}

static void
fd_email_composer_init (FdEmailComposer *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_attachment_free);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (gtk_text_view_get_buffer (self->view), "changed",
                           G_CALLBACK (on_buffer_changed_cb), self, 0);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_view_focus_cb), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_view_focus_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->view), focus);
}

void
fd_email_composer_restore_draft (FdEmailComposer *self)
{
  const char *draft;

  g_return_if_fail (FD_IS_EMAIL_COMPOSER (self));
  draft = fd_conversation_part_get_draft_to_restore (FD_CONVERSATION_PART (self), self->view);
  if (draft != NULL)
    set_text (self, draft);
}

void
fd_email_composer_insert (FdEmailComposer *self,
                          const char      *text)
{
  g_return_if_fail (FD_IS_EMAIL_COMPOSER (self));
  fd_compose_text_insert (self->view, text);
}

char *
fd_email_composer_dup_text (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return fd_compose_text_dup (self->view);
}

char *
fd_email_composer_dup_selection (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return fd_compose_text_dup_selection (self->view);
}

GPtrArray *
fd_email_composer_get_attachments (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return self->attachments;
}

guint
fd_email_composer_get_n_uploading (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), 0);
  return self->n_uploading;
}

const char *
fd_email_composer_get_error (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), "");
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : "";
}

GtkTextView *
fd_email_composer_get_view (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return self->view;
}

GtkEditable *
fd_email_composer_get_to (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return GTK_EDITABLE (self->to_entry);
}

GtkEditable *
fd_email_composer_get_cc (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return GTK_EDITABLE (self->cc_entry);
}

GtkEditable *
fd_email_composer_get_subject (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return GTK_EDITABLE (self->subject_entry);
}

GtkWidget *
fd_email_composer_get_placeholder (FdEmailComposer *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_COMPOSER (self), NULL);
  return self->placeholder_label;
}
