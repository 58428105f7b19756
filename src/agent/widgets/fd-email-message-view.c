#define G_LOG_DOMAIN "fd-email-message-view"

#include <glib/gi18n.h>

#include "fd-attachment-cache.h"
#include "fd-contact-pane.h"
#include "fd-email-message-view.h"
#include "fd-message-state.h"
#include "fd-row-name.h"
#include "fd-transcript-view.h"

struct _FdEmailMessageView
{
  GtkBox               parent_instance;

  /* Template children. */
  GtkExpander         *expander;
  GtkLabel            *summary_label;
  GtkLabel            *state_label;
  GtkWidget           *retry_button;
  GtkLabel            *reason_label;
  GtkWidget           *header_grid;
  GtkWidget           *from_caption;
  GtkLabel            *from_label;
  GtkWidget           *to_caption;
  GtkLabel            *to_label;
  GtkWidget           *cc_caption;
  GtkLabel            *cc_label;
  GtkLabel            *date_label;
  GtkLabel            *subject_label;
  GtkListBox          *attachments_list;
  GtkLabel            *text_label;
  GtkLabel            *note_label;
  FdRowName           *row_name;

  FdConversationModel *model;
  FdMessageItem       *item;
  gboolean             binding;     /* setting the expander is not the agent's choice */
};

G_DEFINE_FINAL_TYPE (FdEmailMessageView, fd_email_message_view, GTK_TYPE_BOX)

/* The agent's choice of expanded or collapsed, kept on the item: the
 * thread's rows are recycled. 0 = not chosen, 1 = collapsed, 2 = expanded. */
#define EXPANDED_KEY "fd-email-expanded"

/* g_set_str() is GLib 2.76. */
static void
replace_str (char       **slot,
             const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

static void
set_header (GtkWidget  *caption,
            GtkLabel   *label,
            const char *value)
{
  gboolean shown = value != NULL && *value != '\0';

  gtk_label_set_text (label, shown ? value : "");
  gtk_widget_set_visible (caption, shown);
  gtk_widget_set_visible (GTK_WIDGET (label), shown);
}

/* --- send state ------------------------------------------------------------------- */

static void
update_state (FdEmailMessageView *self)
{
  if (self->item == NULL)
    return;
  fd_message_state_show (self->item, _("the mail server refused the reply"), self->state_label, self->reason_label,
                         self->retry_button);
}

static void
on_retry_clicked_cb (FdEmailMessageView *self)
{
  if (self->model == NULL || self->item == NULL)
    return;
  if (fd_message_item_get_send_state (self->item) == FD_SEND_STATE_FAILED)
    fd_conversation_model_retry (self->model, self->item);
  else
    g_signal_emit_by_name (self, "retry-delivery", self->item);
}

/* --- attachments ------------------------------------------------------------------- */

/* A download outlives its row (rows are recycled): it keeps the model. */
typedef struct {
  FdConversationModel *model;
  FdAttachment        *attachment;
  GFile               *target;   /* where it goes; NULL: open it */
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->model);
  g_clear_pointer (&download->attachment, fd_attachment_free);
  g_clear_object (&download->target);
  g_free (download);
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    fd_conversation_model_report_error (download->model, error);
  else if (g_object_get_data (G_OBJECT (source), "fd-open") != NULL)
    {
      g_autofree char *uri = g_file_get_uri (G_FILE (source));
      GdkDisplay *display = gdk_display_get_default ();
      g_autoptr(GAppLaunchContext) context =
        display != NULL ? G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (display)) : NULL;

      g_app_info_launch_default_for_uri_async (uri, context, NULL, NULL, NULL);
    }
  else
    {
      g_autofree char *status = g_strdup_printf (_("Saved “%s”."), download->attachment->name);

      fd_conversation_model_set_status (download->model, status);
    }
  download_free (download);
}

static void
on_downloaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Download *download = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = fd_connection_download_file_finish (FD_CONNECTION (source), result, &error);

  if (bytes == NULL)
    {
      /* A blocked type: the server's reason, on the status line. */
      fd_conversation_model_report_error (download->model, error);
      download_free (download);
      return;
    }
  g_file_replace_contents_bytes_async (download->target, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, on_written_cb, download);
}

static void
start_download (FdConversationModel *model,
                const FdAttachment  *attachment,
                GFile               *target)
{
  Download *download = g_new0 (Download, 1);

  download->model = g_object_ref (model);
  download->attachment = fd_attachment_copy (attachment);
  download->target = g_object_ref (target);
  fd_connection_download_file_async (fd_conversation_model_get_connection (model), attachment->url, NULL,
                                     on_downloaded_cb, download);
}

/* Opening a file goes through a private copy in the cache (the server's
 * URL would hand a blocked file's refusal page to a browser); the app
 * removes the copies a day later and on signing out. */
static void
on_open_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  FdEmailMessageView *self = user_data;
  const FdAttachment *attachment = g_object_get_data (G_OBJECT (button), "fd-attachment");
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) target = NULL;

  if (self->model == NULL || attachment == NULL)
    return;
  dir = fd_attachment_cache_dir ();
  g_mkdir_with_parents (dir, 0700);
  /* The name is the sender's: only its last part, never a path. */
  base = g_path_get_basename (attachment->name != NULL && *attachment->name != '\0' ? attachment->name : "attachment");
  if (g_str_equal (base, ".") || g_str_equal (base, "..") || g_str_equal (base, G_DIR_SEPARATOR_S))
    replace_str (&base, "attachment");
  path = g_build_filename (dir, base, NULL);
  target = g_file_new_for_path (path);
  g_object_set_data (G_OBJECT (target), "fd-open", GINT_TO_POINTER (1));
  start_download (self->model, attachment, target);
}

static void
on_save_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Download *pending = user_data;
  g_autoptr(GFile) target = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    target = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (target != NULL)
    start_download (pending->model, pending->attachment, target);
  download_free (pending);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
on_save_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  FdEmailMessageView *self = user_data;
  const FdAttachment *attachment = g_object_get_data (G_OBJECT (button), "fd-attachment");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  Download *pending;

  if (self->model == NULL || attachment == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Save Attachment"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  if (attachment->name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), attachment->name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  pending = g_new0 (Download, 1);
  pending->model = g_object_ref (self->model);
  pending->attachment = fd_attachment_copy (attachment);
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response_cb), pending);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
new_attachment_row (FdEmailMessageView *self,
                    const FdAttachment *attachment)
{
  const char *name = attachment->name != NULL ? attachment->name : _("Attachment");
  g_autofree char *size = g_format_size (attachment->size > 0 ? (guint64) attachment->size : 0);
  g_autofree char *title = g_strdup_printf ("📎 %s (%s)", name, size);
  g_autofree char *open_name = g_strdup_printf (_("Open “%s”"), name);
  g_autofree char *save_name = g_strdup_printf (_("Save “%s”…"), name);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *open = gtk_button_new_from_icon_name ("document-open-symbolic");
  GtkWidget *save = gtk_button_new_from_icon_name ("document-save-symbolic");
  FdAttachment *copy = fd_attachment_copy (attachment);

  /* The sender chose the name: plain text. */
  gtk_label_set_text (GTK_LABEL (label), title);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_tooltip_text (open, open_name);
  gtk_widget_set_tooltip_text (save, save_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, open_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL, save_name, -1);
  gtk_widget_add_css_class (open, "flat");
  gtk_widget_add_css_class (save, "flat");
  g_object_set_data_full (G_OBJECT (row), "fd-attachment", copy, (GDestroyNotify) fd_attachment_free);
  g_object_set_data (G_OBJECT (open), "fd-attachment", copy);
  g_object_set_data (G_OBJECT (save), "fd-attachment", copy);
  g_signal_connect_object (open, "clicked", G_CALLBACK (on_open_clicked_cb), self, 0);
  g_signal_connect_object (save, "clicked", G_CALLBACK (on_save_clicked_cb), self, 0);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 2);
  gtk_widget_set_margin_bottom (box, 2);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), open);
  gtk_box_append (GTK_BOX (box), save);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return row;
}

/* --- the mail --------------------------------------------------------------------- */

static gboolean
on_activate_link_cb (FdEmailMessageView *self,
                     const char         *uri)
{
  fd_launch_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

static void
on_expanded_cb (FdEmailMessageView *self)
{
  if (self->binding || self->item == NULL)
    return;
  g_object_set_data (G_OBJECT (self->item), EXPANDED_KEY,
                     GINT_TO_POINTER (gtk_expander_get_expanded (self->expander) ? 2 : 1));
}

static void
on_item_notify_cb (FdEmailMessageView *self)
{
  update_state (self);
}

static void
unbind (FdEmailMessageView *self)
{
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_object (&self->model);
}

void
fd_email_message_view_set_item (FdEmailMessageView  *self,
                                FdConversationModel *model,
                                FdMessageItem       *item,
                                gboolean             expanded)
{
  const FdConversation *conversation;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *cc = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *date = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *markup = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) when = NULL;
  GPtrArray *attachments;
  gboolean system;
  gint64 when_usec;
  int chosen;

  g_return_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self));
  g_return_if_fail (item == NULL || FD_IS_MESSAGE_ITEM (item));
  g_return_if_fail (item == NULL || FD_IS_CONVERSATION_MODEL (model));

  unbind (self);
  while (gtk_widget_get_first_child (GTK_WIDGET (self->attachments_list)) != NULL)
    gtk_list_box_remove (self->attachments_list, gtk_widget_get_first_child (GTK_WIDGET (self->attachments_list)));
  if (item == NULL)
    return;
  self->item = g_object_ref (item);
  self->model = g_object_ref (model);
  conversation = fd_conversation_model_get_conversation (model);
  system = fd_message_item_get_direction (item) == FD_DIRECTION_SYSTEM;

  /* The Date header when the mail has one, else when it was stored. */
  when_usec = fd_message_item_get_mail_date (item);
  if (when_usec <= 0)
    when_usec = fd_message_item_get_created_at (item);
  if (when_usec <= 0)
    when_usec = g_get_real_time ();
  utc = g_date_time_new_from_unix_utc (when_usec / G_USEC_PER_SEC);
  when = g_date_time_to_local (utc);
  /* Translators: a mail's date in its header, strftime format. */
  date = g_date_time_format (when, _("%A, %-d %B %Y %H:%M"));

  /* The mail's own header lines; a message without them (stored before
   * they were kept) shows its author and the conversation's subject. */
  from = g_strdup (fd_message_item_get_mail_from (item));
  if (from == NULL || *from == '\0')
    replace_str (&from, fd_message_item_get_author (item));
  if (fd_message_item_get_mail_to (item) != NULL)
    to = g_strjoinv (", ", (char **) fd_message_item_get_mail_to (item));
  if (fd_message_item_get_mail_cc (item) != NULL)
    cc = g_strjoinv (", ", (char **) fd_message_item_get_mail_cc (item));
  subject = g_strdup (fd_message_item_get_subject (item));
  if ((subject == NULL || *subject == '\0') && conversation != NULL && conversation->subject != NULL)
    replace_str (&subject, conversation->subject);

  set_header (self->from_caption, self->from_label, from);
  set_header (self->to_caption, self->to_label, to);
  set_header (self->cc_caption, self->cc_label, cc);
  gtk_label_set_text (self->date_label, date);
  gtk_label_set_text (self->subject_label, subject != NULL ? subject : "");

  /* Customer text is data: escaped, links only for http(s). */
  markup = fd_transcript_view_text_to_markup (fd_message_item_get_text (item));
  gtk_label_set_markup (self->text_label, markup);
  g_object_set_data_full (G_OBJECT (self->text_label), "fd-plain-text",
                          g_strdup (fd_message_item_get_text (item)), g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), *fd_message_item_get_text (item) != '\0');

  attachments = fd_message_item_get_attachments (item);
  for (guint i = 0; i < attachments->len; i++)
    gtk_list_box_append (self->attachments_list, new_attachment_row (self, g_ptr_array_index (attachments, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_list), attachments->len > 0);

  /* A system note is one dim line, without the card and the expander:
   * there is nothing in it to expand. */
  gtk_widget_set_visible (GTK_WIDGET (self->expander), !system);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), system);
  if (system)
    {
      summary = g_strdup_printf ("%s · %s", fd_message_item_get_text (item), date);
      gtk_label_set_text (self->note_label, summary);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "card");
    }
  else
    {
      if (attachments->len > 0)
        /* Translators: a mail's line when collapsed: sender, date, number of attachments. */
        summary = g_strdup_printf (g_dngettext (NULL, "%s · %s · %u attachment", "%s · %s · %u attachments",
                                                attachments->len), from, date, attachments->len);
      else
        summary = g_strdup_printf ("%s · %s", from, date);
      gtk_label_set_text (self->note_label, "");
      gtk_widget_add_css_class (GTK_WIDGET (self), "card");
    }
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), summary);
  /* GTK 4.8 names neither the expander (its title is a box of labels)
   * nor the list view's row: both say the summary line. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->expander), GTK_ACCESSIBLE_PROPERTY_LABEL, summary, -1);
  fd_row_name_set_label (self->row_name, summary);

  chosen = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), EXPANDED_KEY));
  self->binding = TRUE;
  gtk_expander_set_expanded (self->expander, !system && (chosen != 0 ? chosen == 2 : expanded));
  self->binding = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->expander), TRUE);

  update_state (self);
  g_signal_connect_swapped (item, "notify", G_CALLBACK (on_item_notify_cb), self);
}

/* --- object ------------------------------------------------------------------------ */

static void
fd_email_message_view_dispose (GObject *object)
{
  FdEmailMessageView *self = FD_EMAIL_MESSAGE_VIEW (object);

  unbind (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_EMAIL_MESSAGE_VIEW);
  G_OBJECT_CLASS (fd_email_message_view_parent_class)->dispose (object);
}

static void
fd_email_message_view_class_init (FdEmailMessageViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_email_message_view_dispose;

  /* A reply the mail server refused: the thread asks the model to queue
   * it again (retry-delivery). */
  g_signal_new ("retry-delivery", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, FD_TYPE_MESSAGE_ITEM);

  g_type_ensure (FD_TYPE_ROW_NAME);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-email-message-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, expander);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, state_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, reason_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, header_grid);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, from_caption);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, from_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, to_caption);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, to_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, cc_caption);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, cc_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, date_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, subject_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, attachments_list);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, text_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, note_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailMessageView, row_name);
  gtk_widget_class_bind_template_callback (widget_class, on_expanded_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_link_cb);
}

static void
fd_email_message_view_init (FdEmailMessageView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fd_email_message_view_new (void)
{
  return g_object_new (FD_TYPE_EMAIL_MESSAGE_VIEW, NULL);
}

FdMessageItem *
fd_email_message_view_get_item (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  return self->item;
}

gboolean
fd_email_message_view_get_expanded (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), FALSE);
  return gtk_expander_get_expanded (self->expander);
}

void
fd_email_message_view_set_expanded (FdEmailMessageView *self,
                                    gboolean            expanded)
{
  g_return_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self));
  gtk_expander_set_expanded (self->expander, expanded);
}

const char *
fd_email_message_view_get_subject (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  return gtk_label_get_text (self->subject_label);
}

const char *
fd_email_message_view_get_text (FdEmailMessageView *self)
{
  const char *text;

  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  text = g_object_get_data (G_OBJECT (self->text_label), "fd-plain-text");
  return text != NULL ? text : "";
}

const char *
fd_email_message_view_get_header (FdEmailMessageView *self,
                                  const char         *name)
{
  GtkLabel *label = NULL;

  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  if (g_str_equal (name, "From"))
    label = self->from_label;
  else if (g_str_equal (name, "To"))
    label = self->to_label;
  else if (g_str_equal (name, "Cc"))
    label = self->cc_label;
  else if (g_str_equal (name, "Subject"))
    label = self->subject_label;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : "";
}

const char *
fd_email_message_view_get_state_text (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->state_label)) ? gtk_label_get_text (self->state_label) : "";
}

GtkWidget *
fd_email_message_view_get_retry_button (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  return self->retry_button;
}

GtkListBox *
fd_email_message_view_get_attachments (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), NULL);
  return self->attachments_list;
}

gboolean
fd_email_message_view_attachments_below_subject (FdEmailMessageView *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_MESSAGE_VIEW (self), FALSE);
  /* The header grid ends with the subject line. */
  return gtk_widget_get_prev_sibling (GTK_WIDGET (self->attachments_list)) == self->header_grid &&
         gtk_grid_get_child_at (GTK_GRID (self->header_grid), 1, 4) == GTK_WIDGET (self->subject_label);
}
