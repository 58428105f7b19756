#define G_LOG_DOMAIN "fd-email-window"

#include <glib/gi18n.h>

#include "fd-canned-replies-tab.h"
#include "fd-contact-pane.h"
#include "fd-email-window.h"
#include "fd-history-tab.h"
#include "fd-list-row.h"
#include "fd-reply-cache-tab.h"
#include "fd-resources-tab.h"
#include "fd-session.h"
#include "fd-transfer-popover.h"

/* The Email arrangement (docs/app.md, "The Email window") of the parts the
 * Web Chat window is built from, plus its own: the reply area
 * (FdEmailComposer) and the thread (FdEmailThread of FdEmailMessageView). */

struct _FdEmailWindow
{
  AdwWindow             parent_instance;

  /* Template children. */
  GtkWidget            *reserve_button;
  GtkWidget            *reject_button;
  GtkWidget            *close_button;
  GtkWidget            *toolbar;
  GtkWidget            *transfer_button;
  GtkWidget            *attach_button;
  GtkWidget            *recent_button;
  GtkListBox           *recent_list;
  GtkWidget            *crm_button;
  GtkWidget            *send_button;
  GtkLabel             *status_label;
  FdTransferPopover    *transfer_popover;
  FdContactPane        *contact_pane;
  FdEmailComposer      *composer;
  FdEmailThread        *thread;
  FdCannedRepliesTab   *canned_tab;
  FdResourcesTab       *resources_tab;
  FdReplyCacheTab      *reply_cache_tab;
  FdHistoryTab         *history_tab;
  GMenuModel           *compose_menu;

  FdConversationModel  *model;
  FdReplyCache         *reply_cache;
  FdRecentFiles        *recent_files;
  GtkFileChooserNative *chooser;
  guint                 tick_source;
};

G_DEFINE_FINAL_TYPE (FdEmailWindow, fd_email_window, ADW_TYPE_WINDOW)

static void
update_title (FdEmailWindow *self)
{
  g_autofree char *title = fd_conversation_model_dup_title (self->model);

  gtk_window_set_title (GTK_WINDOW (self), title);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  update_title (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_model_changed_cb (FdEmailWindow *self)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (self->model);
  gboolean reserved = fd_conversation_model_get_reserved (self->model);
  gboolean closed = fd_conversation_model_get_closed (self->model);
  gboolean offered = fd_conversation_model_get_offered (self->model);
  gboolean can_transfer = reserved && conversation->transfer_to == 0;

  gtk_widget_set_visible (self->reserve_button, !reserved && !closed);
  gtk_widget_set_visible (self->reject_button, !reserved && !closed);
  gtk_widget_set_visible (self->close_button, reserved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.transfer", can_transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.reserve", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.reject", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.close", reserved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.send", reserved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.attach", reserved);
  gtk_widget_set_sensitive (self->recent_button, reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->composer), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_email_window_get_canned_list (self)), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_conversation_part_get_list (FD_CONVERSATION_PART (self->resources_tab))),
                            reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_email_window_get_reply_cache_list (self)), reserved);
  fd_email_composer_prefill (self->composer);
  update_title (self);
}

static void
on_model_status_cb (FdEmailWindow *self)
{
  const char *status = fd_conversation_model_get_status (self->model);

  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *status != '\0');
}

static void
on_model_reserved_cb (FdEmailWindow *self)
{
  if (fd_conversation_model_get_reserved (self->model))
    gtk_widget_grab_focus (GTK_WIDGET (fd_email_composer_get_view (self->composer)));
}

static void
on_model_rejected_cb (FdEmailWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_visible_changed_cb (FdEmailWindow *self)
{
  gboolean visible = gtk_widget_get_visible (GTK_WIDGET (self));

  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->model == NULL)
    return;
  if (!visible && fd_conversation_model_get_closed (self->model))
    gtk_window_destroy (GTK_WINDOW (self));
  else
    fd_conversation_model_set_viewing (self->model, visible);
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

static gboolean
on_drop_target_drop_cb (GtkDropTarget *target,
                        const GValue  *value,
                        double         x,
                        double         y,
                        FdEmailWindow *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      fd_email_window_attach_file (self, g_value_get_object (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        fd_email_window_attach_file (self, l->data);
      g_slist_free (files);
      return files != NULL;
    }
  return FALSE;
}

/* --- recent attachments --------------------------------------------------------- */

static void
fill_recent_list (FdEmailWindow *self)
{
  fd_list_box_fill_recent_files (self->recent_list, self->recent_files);
}

static void
on_recent_files_items_changed_cb (FdEmailWindow *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->recent_button));

  /* Never rebuilt under a shown popover (GTK 4.8's stale focus). */
  if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_popover_popdown (popover);
  fill_recent_list (self);
}

static void
on_recent_popover_show_cb (FdEmailWindow *self)
{
  fd_email_window_refresh_recent_files (self);
}

static void
on_recent_list_row_activated_cb (FdEmailWindow *self,
                                 GtkListBoxRow *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "fd-payload");
  g_autoptr(GFile) file = NULL;

  if (path == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return;
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->recent_button));
  file = g_file_new_for_path (path);
  fd_email_window_attach_file (self, file);
}

/* The guide: a right click on Add attachment shows the recent ones. */
static void
on_attach_secondary_pressed_cb (GtkGestureClick *gesture,
                                int              n_press,
                                double           x,
                                double           y,
                                FdEmailWindow   *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (gtk_widget_get_sensitive (self->recent_button))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->recent_button));
}

/* --- actions ------------------------------------------------------------------------ */

static void
email_reserve_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  fd_conversation_model_reserve (FD_EMAIL_WINDOW (widget)->model);
}

static void
email_reject_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fd_conversation_model_reject (FD_EMAIL_WINDOW (widget)->model);
}

static void
email_close_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_conversation_model_close (FD_EMAIL_WINDOW (widget)->model);
}

static void
email_transfer_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  fd_transfer_popover_load (FD_EMAIL_WINDOW (widget)->transfer_popover);
}

static void
email_send_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_email_window_send (FD_EMAIL_WINDOW (widget));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        FdEmailWindow   *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
  if (file != NULL)
    fd_email_window_attach_file (self, file);
}

static void
email_attach_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Add Attachment"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Attach"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Never enabled: no CRM exists yet (the button's tooltip says so). */
static void
email_add_crm_log_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
}

static void
email_add_reply_to_cache_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->reply_cache == NULL)
    return;
  text = fd_email_composer_dup_selection (self->composer);
  if (text == NULL)
    g_set_error_literal (&error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                         _("Select the text to add to the reply cache first."));
  else
    fd_reply_cache_add (self->reply_cache, text, &error);
  if (error != NULL)
    fd_conversation_model_report_error (self->model, error);
}

/* --- object -------------------------------------------------------------------------- */

static void
fd_email_window_dispose (GObject *object)
{
  FdEmailWindow *self = FD_EMAIL_WINDOW (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->recent_files != NULL)
    g_signal_handlers_disconnect_by_data (self->recent_files, self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->transfer_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->transfer_popover)));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_EMAIL_WINDOW);
  g_clear_object (&self->model);
  g_clear_object (&self->reply_cache);
  g_clear_object (&self->recent_files);
  G_OBJECT_CLASS (fd_email_window_parent_class)->dispose (object);
}

static void
fd_email_window_class_init (FdEmailWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_email_window_dispose;

  g_type_ensure (FD_TYPE_CANNED_REPLIES_TAB);
  g_type_ensure (FD_TYPE_CONTACT_PANE);
  g_type_ensure (FD_TYPE_EMAIL_COMPOSER);
  g_type_ensure (FD_TYPE_EMAIL_THREAD);
  g_type_ensure (FD_TYPE_HISTORY_TAB);
  g_type_ensure (FD_TYPE_REPLY_CACHE_TAB);
  g_type_ensure (FD_TYPE_RESOURCES_TAB);
  g_type_ensure (FD_TYPE_TRANSFER_POPOVER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-email-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, reserve_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, reject_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, close_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, toolbar);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, attach_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, crm_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, transfer_popover);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, contact_pane);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, composer);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, thread);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, canned_tab);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, resources_tab);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, reply_cache_tab);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, history_tab);
  gtk_widget_class_bind_template_child (widget_class, FdEmailWindow, compose_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_list_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "email.reserve", NULL, email_reserve_cb);
  gtk_widget_class_install_action (widget_class, "email.reject", NULL, email_reject_cb);
  gtk_widget_class_install_action (widget_class, "email.close", NULL, email_close_cb);
  gtk_widget_class_install_action (widget_class, "email.transfer", NULL, email_transfer_cb);
  gtk_widget_class_install_action (widget_class, "email.send", NULL, email_send_cb);
  gtk_widget_class_install_action (widget_class, "email.attach", NULL, email_attach_cb);
  gtk_widget_class_install_action (widget_class, "email.add-crm-log", NULL, email_add_crm_log_cb);
  gtk_widget_class_install_action (widget_class, "email.add-reply-to-cache", NULL, email_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "email.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "email.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "email.reserve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "email.transfer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "email.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

/* Ctrl+Enter in the reply: the text view would take it as a new line
 * before the window's shortcut, so the reply's own key controller sends. */
static gboolean
on_reply_key_pressed_cb (GtkEventControllerKey *controller,
                         guint                  keyval,
                         guint                  keycode,
                         GdkModifierType        state,
                         FdEmailWindow         *self)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & GDK_CONTROL_MASK) != 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "email.send", NULL);
      return TRUE;
    }
  return FALSE;
}

static void
fd_email_window_init (FdEmailWindow *self)
{
  GtkDropTarget *drop;
  GtkGesture *gesture;
  GtkEventController *keys;
  FdConversationPart *inserting[3];

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->transfer_popover), self->transfer_button);
  gtk_text_view_set_extra_menu (fd_email_composer_get_view (self->composer), self->compose_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.add-reply-to-cache", FALSE);
  /* No CRM exists yet: the entry point is shown, disabled, with the reason. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.add-crm-log", FALSE);

  inserting[0] = FD_CONVERSATION_PART (self->canned_tab);
  inserting[1] = FD_CONVERSATION_PART (self->resources_tab);
  inserting[2] = FD_CONVERSATION_PART (self->reply_cache_tab);
  for (guint i = 0; i < G_N_ELEMENTS (inserting); i++)
    g_signal_connect_object (inserting[i], "payload-activated", G_CALLBACK (on_payload_activated_cb), self, 0);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_reply_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (fd_email_composer_get_view (self->composer)), keys);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_attach_secondary_pressed_cb), self);
  gtk_widget_add_controller (self->attach_button, GTK_EVENT_CONTROLLER (gesture));

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_target_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
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
    FD_CONVERSATION_PART (self->contact_pane), FD_CONVERSATION_PART (self->composer),
    FD_CONVERSATION_PART (self->thread), FD_CONVERSATION_PART (self->canned_tab),
    FD_CONVERSATION_PART (self->resources_tab), FD_CONVERSATION_PART (self->reply_cache_tab),
    FD_CONVERSATION_PART (self->history_tab),
  };
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  self->model = fd_session_get_conversation_model (fd_connection_get_session (connection), conversation_id);
  g_signal_connect_swapped (self->model, "changed", G_CALLBACK (on_model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::status", G_CALLBACK (on_model_status_cb), self);
  g_signal_connect_swapped (self->model, "notify::reserved", G_CALLBACK (on_model_reserved_cb), self);
  g_signal_connect_swapped (self->model, "rejected", G_CALLBACK (on_model_rejected_cb), self);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    fd_conversation_part_set_model (parts[i], self->model);
  fd_transfer_popover_set_model (self->transfer_popover, self->model);
  on_model_changed_cb (self);
  on_model_status_cb (self);
  g_signal_connect (self, "notify::visible", G_CALLBACK (on_visible_changed_cb), NULL);
  self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
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

  fd_conversation_model_set_stores (self->model, drafts, recent_files);
  g_set_object (&self->reply_cache, reply_cache);
  fd_reply_cache_tab_set_cache (self->reply_cache_tab, reply_cache);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "email.add-reply-to-cache", reply_cache != NULL);
  if (self->recent_files != recent_files)
    {
      if (self->recent_files != NULL)
        g_signal_handlers_disconnect_by_data (self->recent_files, self);
      g_set_object (&self->recent_files, recent_files);
      if (recent_files != NULL)
        g_signal_connect_swapped (recent_files, "items-changed", G_CALLBACK (on_recent_files_items_changed_cb), self);
      fill_recent_list (self);
    }
  fd_email_composer_restore_draft (self->composer);
}

void
fd_email_window_attach_file (FdEmailWindow *self,
                             GFile         *file)
{
  g_return_if_fail (FD_IS_EMAIL_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  fd_email_composer_attach_file (self->composer, file, self->recent_files);
}

void
fd_email_window_refresh_recent_files (FdEmailWindow *self)
{
  g_return_if_fail (FD_IS_EMAIL_WINDOW (self));
  if (self->recent_files != NULL)
    fd_recent_files_refresh (self->recent_files);
  fill_recent_list (self);
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
  return fd_conversation_model_get_status (self->model);
}

gint64
fd_email_window_get_id (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), 0);
  return fd_conversation_model_get_id (self->model);
}

FdConversationModel *
fd_email_window_get_model (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return self->model;
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
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->canned_tab));
}

GtkEditable *
fd_email_window_get_canned_search (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->canned_tab));
}

GtkListBox *
fd_email_window_get_reply_cache_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->reply_cache_tab));
}

GtkListBox *
fd_email_window_get_history_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->history_tab));
}

GtkListBox *
fd_email_window_get_transfer_list (FdEmailWindow *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_WINDOW (self), NULL);
  return fd_transfer_popover_get_list (self->transfer_popover);
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
