#define G_LOG_DOMAIN "fd-chat-window"

#include <glib/gi18n.h>

#include "fd-canned-replies-tab.h"
#include "fd-chat-window.h"
#include "fd-compose-area.h"
#include "fd-contact-pane.h"
#include "fd-conversation-model.h"
#include "fd-emoji-tab.h"
#include "fd-history-tab.h"
#include "fd-reply-cache-tab.h"
#include "fd-resources-tab.h"
#include "fd-session.h"
#include "fd-transcript-view.h"
#include "fd-transfer-popover.h"

/* The Web Chat arrangement (docs/app.md, "The Web Chat window"): the
 * header's actions, the visitor pane, the transcript, the compose area
 * and the side tabs, all bound to one FdConversationModel, which holds the
 * state and talks to the server. */

struct _FdChatWindow
{
  AdwWindow            parent_instance;

  /* Template children. */
  GtkWidget           *reserve_button;
  GtkWidget           *reject_button;
  GtkWidget           *close_button;
  GtkWidget           *transfer_button;
  FdTransferPopover   *transfer_popover;
  FdContactPane       *contact_pane;
  FdTranscriptView    *transcript_view;
  GtkLabel            *typing_label;
  GtkLabel            *status_label;
  FdComposeArea       *compose_area;
  FdCannedRepliesTab  *canned_tab;
  FdResourcesTab      *resources_tab;
  FdReplyCacheTab     *reply_cache_tab;
  FdEmojiTab          *emoji_tab;
  FdHistoryTab        *history_tab;
  GMenuModel          *compose_menu;

  FdConversationModel *model;
  FdReplyCache        *reply_cache;
  guint                tick_source;
};

G_DEFINE_FINAL_TYPE (FdChatWindow, fd_chat_window, ADW_TYPE_WINDOW)

static void
update_title (FdChatWindow *self)
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

/* What the header, the actions and the sensitivity of the parts say
 * follows the model's state. */
static void
on_model_changed_cb (FdChatWindow *self)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (self->model);
  gboolean reserved = fd_conversation_model_get_reserved (self->model);
  gboolean closed = fd_conversation_model_get_closed (self->model);
  gboolean offered = fd_conversation_model_get_offered (self->model);
  gboolean can_transfer = reserved && conversation->transfer_to == 0;

  gtk_widget_set_visible (self->reserve_button, !reserved && !closed);
  gtk_widget_set_visible (self->reject_button, !reserved && !closed);
  gtk_widget_set_visible (self->close_button, reserved);
  gtk_widget_set_visible (self->transfer_button, reserved);
  gtk_widget_set_sensitive (self->transfer_button, can_transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.transfer", can_transfer);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.reserve", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.reject", offered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.close", reserved);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_compose_area_get_view (self->compose_area)), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_chat_window_get_canned_list (self)), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_chat_window_get_resource_list (self)), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->emoji_tab), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_chat_window_get_reply_cache_list (self)), reserved);
  update_title (self);
}

static void
on_model_status_cb (FdChatWindow *self)
{
  const char *status = fd_conversation_model_get_status (self->model);

  gtk_label_set_text (self->status_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), *status != '\0');
}

static void
on_model_typing_text_cb (FdChatWindow *self)
{
  const char *text = fd_conversation_model_get_typing_text (self->model);

  if (*text != '\0')
    gtk_label_set_text (self->typing_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), *text != '\0');
}

static void
on_model_reserved_cb (FdChatWindow *self)
{
  if (fd_conversation_model_get_reserved (self->model))
    gtk_widget_grab_focus (GTK_WIDGET (fd_compose_area_get_view (self->compose_area)));
}

/* Rejected: the offer goes to someone else, nothing is left to show. */
static void
on_model_rejected_cb (FdChatWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_visible_changed_cb (FdChatWindow *self)
{
  gboolean visible = gtk_widget_get_visible (GTK_WIDGET (self));

  if (gtk_widget_in_destruction (GTK_WIDGET (self)) || self->model == NULL)
    return;
  /* Hidden with the conversation over: nothing will show it again. */
  if (!visible && fd_conversation_model_get_closed (self->model))
    gtk_window_destroy (GTK_WINDOW (self));
  else
    fd_conversation_model_set_viewing (self->model, visible);
}

static void
on_emoji_tab_insert_cb (FdChatWindow *self,
                        const char   *emoji)
{
  fd_compose_area_insert (self->compose_area, emoji);
}

static gboolean
on_drop_target_drop_cb (GtkDropTarget *target,
                        const GValue  *value,
                        double         x,
                        double         y,
                        FdChatWindow  *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      fd_chat_window_attach_file (self, g_value_get_object (value));
      return TRUE;
    }
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      for (GSList *l = files; l != NULL; l = l->next)
        fd_chat_window_attach_file (self, l->data);
      g_slist_free (files);
      return files != NULL;
    }
  return FALSE;
}

/* --- actions --------------------------------------------------------------------- */

static void
chat_reserve_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fd_conversation_model_reserve (FD_CHAT_WINDOW (widget)->model);
}

static void
chat_reject_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fd_conversation_model_reject (FD_CHAT_WINDOW (widget)->model);
}

static void
chat_close_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fd_conversation_model_close (FD_CHAT_WINDOW (widget)->model);
}

static void
chat_transfer_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  fd_transfer_popover_load (FD_CHAT_WINDOW (widget)->transfer_popover);
}

static void
chat_send_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  fd_compose_area_send (FD_CHAT_WINDOW (widget)->compose_area);
}

gboolean
fd_chat_window_add_reply_to_cache (FdChatWindow *self,
                                   GError      **error)
{
  g_autofree char *text = NULL;
  GtkWidget *focus;

  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->reply_cache == NULL)
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID,
                           _("The reply cache is not available in this window."));
      return FALSE;
    }
  /* The focused compose box or message; the compose box otherwise. */
  focus = gtk_root_get_focus (GTK_ROOT (self));
  if (focus != NULL && focus != GTK_WIDGET (fd_compose_area_get_view (self->compose_area)))
    text = fd_transcript_view_dup_selection (self->transcript_view, focus);
  if (text == NULL)
    text = fd_compose_area_dup_selection (self->compose_area);
  if (text == NULL)
    {
      g_set_error_literal (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY,
                           _("Select the text to add to the reply cache first."));
      return FALSE;
    }
  return fd_reply_cache_add (self->reply_cache, text, error);
}

static void
chat_add_reply_to_cache_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!fd_chat_window_add_reply_to_cache (self, &error))
    fd_conversation_model_report_error (self->model, error);
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_chat_window_dispose (GObject *object)
{
  FdChatWindow *self = FD_CHAT_WINDOW (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->transfer_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->transfer_popover)));
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHAT_WINDOW);
  g_clear_object (&self->model);
  g_clear_object (&self->reply_cache);
  G_OBJECT_CLASS (fd_chat_window_parent_class)->dispose (object);
}

static void
fd_chat_window_class_init (FdChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_chat_window_dispose;

  g_type_ensure (FD_TYPE_CANNED_REPLIES_TAB);
  g_type_ensure (FD_TYPE_COMPOSE_AREA);
  g_type_ensure (FD_TYPE_CONTACT_PANE);
  g_type_ensure (FD_TYPE_EMOJI_TAB);
  g_type_ensure (FD_TYPE_HISTORY_TAB);
  g_type_ensure (FD_TYPE_REPLY_CACHE_TAB);
  g_type_ensure (FD_TYPE_RESOURCES_TAB);
  g_type_ensure (FD_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (FD_TYPE_TRANSFER_POPOVER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-chat-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reserve_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reject_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, close_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transfer_button);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transfer_popover);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, contact_pane);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, compose_area);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, canned_tab);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, resources_tab);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, reply_cache_tab);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, emoji_tab);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, history_tab);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, compose_menu);

  gtk_widget_class_install_action (widget_class, "chat.reserve", NULL, chat_reserve_cb);
  gtk_widget_class_install_action (widget_class, "chat.reject", NULL, chat_reject_cb);
  gtk_widget_class_install_action (widget_class, "chat.close", NULL, chat_close_cb);
  gtk_widget_class_install_action (widget_class, "chat.send", NULL, chat_send_cb);
  gtk_widget_class_install_action (widget_class, "chat.transfer", NULL, chat_transfer_cb);
  gtk_widget_class_install_action (widget_class, "chat.add-reply-to-cache", NULL, chat_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.reserve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "chat.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "chat.transfer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "chat.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
fd_chat_window_init (FdChatWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->transfer_popover), self->transfer_button);
  fd_compose_area_set_extra_menu (self->compose_area, self->compose_menu);
  fd_transcript_view_set_extra_menu (self->transcript_view, self->compose_menu);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.add-reply-to-cache", FALSE);
  g_signal_connect_swapped (self->emoji_tab, "insert", G_CALLBACK (on_emoji_tab_insert_cb), self);

  /* A file (or several) dropped anywhere on the window is attached. */
  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, (GType[2]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop_target_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

FdChatWindow *
fd_chat_window_new (GtkWindow    *parent,
                    FdConnection *connection,
                    gint64        conversation_id)
{
  FdChatWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_CHAT_WINDOW, NULL);
  FdConversationPart *parts[] = {
    FD_CONVERSATION_PART (self->contact_pane), FD_CONVERSATION_PART (self->transcript_view),
    FD_CONVERSATION_PART (self->compose_area), FD_CONVERSATION_PART (self->canned_tab),
    FD_CONVERSATION_PART (self->resources_tab), FD_CONVERSATION_PART (self->reply_cache_tab),
    FD_CONVERSATION_PART (self->emoji_tab), FD_CONVERSATION_PART (self->history_tab),
  };
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));

  self->model = fd_session_get_conversation_model (fd_connection_get_session (connection), conversation_id);
  g_signal_connect_swapped (self->model, "changed", G_CALLBACK (on_model_changed_cb), self);
  g_signal_connect_swapped (self->model, "notify::status", G_CALLBACK (on_model_status_cb), self);
  g_signal_connect_swapped (self->model, "notify::typing-text", G_CALLBACK (on_model_typing_text_cb), self);
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
fd_chat_window_set_stores (FdChatWindow  *self,
                           FdDrafts      *drafts,
                           FdReplyCache  *reply_cache,
                           FdRecentFiles *recent_files)
{
  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  g_return_if_fail (drafts == NULL || FD_IS_DRAFTS (drafts));
  g_return_if_fail (reply_cache == NULL || FD_IS_REPLY_CACHE (reply_cache));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));

  fd_conversation_model_set_stores (self->model, drafts, recent_files);
  fd_compose_area_set_recent_files (self->compose_area, recent_files);
  g_set_object (&self->reply_cache, reply_cache);
  fd_reply_cache_tab_set_cache (self->reply_cache_tab, reply_cache);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.add-reply-to-cache", reply_cache != NULL);
  fd_compose_area_restore_draft (self->compose_area);
}

void
fd_chat_window_attach_file (FdChatWindow *self,
                            GFile        *file)
{
  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  fd_conversation_model_attach_file (self->model, file);
}

void
fd_chat_window_refresh_recent_files (FdChatWindow *self)
{
  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  fd_compose_area_refresh_recent_files (self->compose_area);
}

char *
fd_chat_window_text_to_markup (const char *text)
{
  return fd_transcript_view_text_to_markup (text);
}

/* --- the parts, for tests and accessibility checks ----------------------------------- */

FdConversationModel *
fd_chat_window_get_model (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->model;
}

gint64
fd_chat_window_get_id (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return fd_conversation_model_get_id (self->model);
}

gboolean
fd_chat_window_get_loaded (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_loaded (self->model);
}

gboolean
fd_chat_window_get_reserved (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_reserved (self->model);
}

gboolean
fd_chat_window_get_closed (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_closed (self->model);
}

guint
fd_chat_window_get_n_messages (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return fd_transcript_view_get_n_messages (self->transcript_view);
}

guint
fd_chat_window_get_n_pending (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return fd_conversation_model_get_n_pending (self->model);
}

char *
fd_chat_window_dup_transcript (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_transcript_view_dup_text (self->transcript_view);
}

const char *
fd_chat_window_get_typing_text (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_model_get_typing_text (self->model);
}

const char *
fd_chat_window_get_status (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), "");
  return fd_conversation_model_get_status (self->model);
}

GtkTextView *
fd_chat_window_get_compose_view (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_compose_area_get_view (self->compose_area);
}

GtkListBox *
fd_chat_window_get_canned_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->canned_tab));
}

GtkListBox *
fd_chat_window_get_resource_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->resources_tab));
}

GtkListBox *
fd_chat_window_get_reply_cache_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->reply_cache_tab));
}

GtkListBox *
fd_chat_window_get_transfer_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_transfer_popover_get_list (self->transfer_popover);
}

GtkWidget *
fd_chat_window_get_transfer_button (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->transfer_button;
}

GtkListBox *
fd_chat_window_get_history_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->history_tab));
}

GtkWidget *
fd_chat_window_get_recent_button (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_compose_area_get_recent_button (self->compose_area);
}

GtkListBox *
fd_chat_window_get_recent_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_compose_area_get_recent_list (self->compose_area);
}

GtkEditable *
fd_chat_window_get_canned_search (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->canned_tab));
}

GtkEditable *
fd_chat_window_get_resource_search (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->resources_tab));
}

GtkWidget *
fd_chat_window_get_emoji_button (FdChatWindow *self,
                                 guint         index)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_emoji_tab_get_button (self->emoji_tab, index);
}

const char *
fd_chat_window_get_detail (FdChatWindow *self,
                           const char   *name)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_contact_pane_get_detail (self->contact_pane, name);
}
