#define G_LOG_DOMAIN "fd-email-window"

#include <glib/gi18n.h>

#include "fd-conversation-window-private.h"
#include "fd-email-window.h"
#include "fd-recent-attachments.h"

/* The Email arrangement (docs/app.md, "The Email window") of the parts the
 * Web Chat window is built from, plus its own: the reply area
 * (FdEmailComposer) and the thread (FdEmailThread of FdEmailMessageView).
 * What it shares with the Web Chat window is in
 * fd-conversation-window-common.c. */

struct _FdEmailWindow
{
  AdwWindow                  parent_instance;

  FdConversationWindowCommon common;

  /* Template children of the Email arrangement. */
  GtkWidget                 *toolbar;
  GtkWidget                 *attach_button;
  GtkWidget                 *recent_button;
  GtkListBox                *recent_list;
  GtkWidget                 *send_button;
  FdEmailComposer           *composer;
  FdEmailThread             *thread;

  FdRecentAttachments        attachments;
};

G_DEFINE_FINAL_TYPE (FdEmailWindow, fd_email_window, ADW_TYPE_WINDOW)

/* The Email parts that follow the model's state besides the shared ones. */
static void
on_model_changed_cb (GtkWidget *window,
                     gboolean   reserved)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (window);

  gtk_widget_action_set_enabled (window, "email.attach", reserved);
  gtk_widget_set_sensitive (self->recent_button, reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), reserved);
  fd_email_composer_prefill (self->composer);
}

/* A canned reply, a resource or a cached reply goes into the reply. */
static gboolean
on_payload_activated_cb (FdConversationPart *part,
                         const char         *text,
                         FdEmailWindow      *self)
{
  fd_email_composer_insert (self->composer, text);
  return TRUE;
}

/* --- recent attachments --------------------------------------------------------- */

static void
on_recent_popover_show_cb (FdEmailWindow *self)
{
  fd_email_window_refresh_recent_files (self);
}

static void
on_recent_list_row_activated_cb (FdEmailWindow *self,
                                 GtkListBoxRow *row)
{
  fd_recent_attachments_row_activated (&self->attachments, row);
}

/* --- actions ------------------------------------------------------------------------ */

static void
email_send_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_email_window_send (FD_EMAIL_WINDOW (widget));
}

static void
email_attach_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fd_recent_attachments_choose (&FD_EMAIL_WINDOW (widget)->attachments);
}

static void
email_add_reply_to_cache_cb (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (widget);

  fd_conversation_window_common_add_reply_to_cache (&self->common, fd_email_composer_dup_selection (self->composer));
}

/* --- object -------------------------------------------------------------------------- */

static void
fd_email_window_dispose (GObject *object)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (object);

  fd_recent_attachments_dispose (&self->attachments);
  fd_conversation_window_common_dispose (&self->common, FD_TYPE_EMAIL_WINDOW);
  G_OBJECT_CLASS (fd_email_window_parent_class)->dispose (object);
}

static void
fd_email_window_class_init (FdEmailWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_email_window_dispose;

  g_type_ensure (FD_TYPE_EMAIL_COMPOSER);
  g_type_ensure (FD_TYPE_EMAIL_THREAD);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-email-window.ui");
  fd_conversation_window_class_setup (widget_class, "email", G_STRUCT_OFFSET (FdEmailWindow, common));
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, toolbar);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, composer);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, thread);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "email.send", NULL, email_send_cb);
  gtk_widget_class_install_action (widget_class, "email.attach", NULL, email_attach_cb);
  gtk_widget_class_install_action (widget_class, "email.add-reply-to-cache", NULL, email_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "email.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "email.send", NULL);
}

/* Ctrl+Enter in the reply sends, as the window's shortcut would. */
static void
on_reply_send_cb (FdEmailWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "email.send", NULL);
}

static void
fd_email_window_init (FdEmailWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_conversation_window_common_init (&self->common, GTK_WIDGET (self), "email",
                                      GTK_WIDGET (fd_email_composer_get_view (self->composer)),
                                      on_model_changed_cb, (FdConversationWindowAttach) fd_email_window_attach_file);
  gtk_text_view_set_extra_menu (fd_email_composer_get_view (self->composer), self->common.compose_menu);

  fd_conversation_window_common_connect_inserting (&self->common, G_CALLBACK (on_payload_activated_cb), self);

  fd_compose_text_send_on_ctrl_enter (fd_email_composer_get_view (self->composer), G_CALLBACK (on_reply_send_cb), self);

  fd_recent_attachments_init (&self->attachments, GTK_WIDGET (self), self->attach_button, self->recent_button,
                              self->recent_list, NULL, (FdRecentAttachmentsAttach) fd_email_window_attach_file);
}

FdEmailWindow *
fd_email_window_new (GtkWindow    *parent,
                     FdConnection *connection,
                     gint64        conversation_id)
{
  FdEmailWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_EMAIL_WINDOW, NULL);
  FdConversationPart *parts[] = {
    FD_CONVERSATION_PART (self->common.contact_pane), FD_CONVERSATION_PART (self->composer),
    FD_CONVERSATION_PART (self->thread), FD_CONVERSATION_PART (self->common.canned_tab),
    FD_CONVERSATION_PART (self->common.resources_tab), FD_CONVERSATION_PART (self->common.reply_cache_tab),
    FD_CONVERSATION_PART (self->common.history_tab),
  };

  fd_conversation_window_common_bind (&self->common, parent, connection, conversation_id, parts, G_N_ELEMENTS (parts));
  return self;
}

void
fd_email_window_set_stores (FdEmailWindow *self,
                            FdDrafts      *drafts,
                            FdReplyCache  *reply_cache,
                            FdRecentFiles *recent_files)
{
  g_return_if_fail (FD_IS_EMAIL_WINDOW (self));
  g_return_if_fail (drafts == NULL || FD_IS_DRAFTS (drafts));
  g_return_if_fail (reply_cache == NULL || FD_IS_REPLY_CACHE (reply_cache));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));

  fd_conversation_window_common_set_stores (&self->common, drafts, reply_cache, recent_files);
  fd_recent_attachments_set_recent_files (&self->attachments, recent_files);
  fd_email_composer_restore_draft (self->composer);
}

void
fd_email_window_attach_file (FdEmailWindow *self,
                             GFile         *file)
{
  g_return_if_fail (FD_IS_EMAIL_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  fd_email_composer_attach_file (self->composer, file, self->attachments.recent_files);
}

void
fd_email_window_refresh_recent_files (FdEmailWindow *self)
{
  g_return_if_fail (FD_IS_EMAIL_WINDOW (self));
  fd_recent_attachments_refresh (&self->attachments);
}

gboolean
fd_email_window_send (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), FALSE);
  return fd_email_composer_send (self->composer);
}

const char *
fd_email_window_get_status (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), "");
  return fd_conversation_model_get_status (self->common.model);
}

gint64
fd_email_window_get_id (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), 0);
  return fd_conversation_model_get_id (self->common.model);
}

FdConversationModel *
fd_email_window_get_model (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->common.model;
}

FdEmailComposer *
fd_email_window_get_composer (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->composer;
}

FdEmailThread *
fd_email_window_get_thread (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->thread;
}

GtkWidget *
fd_email_window_get_toolbar (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->toolbar;
}

GtkListBox *
fd_email_window_get_canned_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkEditable *
fd_email_window_get_canned_search (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkListBox *
fd_email_window_get_reply_cache_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.reply_cache_tab));
}

GtkListBox *
fd_email_window_get_history_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.history_tab));
}

GtkListBox *
fd_email_window_get_transfer_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_transfer_popover_get_list (self->common.transfer_popover);
}

GtkListBox *
fd_email_window_get_recent_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->recent_list;
}

GtkWidget *
fd_email_window_get_recent_button (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->recent_button;
}
