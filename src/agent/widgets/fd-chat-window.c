#define G_LOG_DOMAIN "fd-chat-window"

#include <glib/gi18n.h>

#include "fd-chat-window.h"
#include "fd-compose-area.h"
#include "fd-conversation-window-private.h"
#include "fd-emoji-tab.h"
#include "fd-transcript-view.h"

/* The Web Chat arrangement (docs/app.md, "The Web Chat window"): the
 * header's actions, the visitor pane, the transcript, the compose area
 * and the side tabs, all bound to one FdConversationModel, which holds the
 * state and talks to the server. What it shares with the Email window is
 * in fd-conversation-window-common.c. */

struct _FdChatWindow
{
  AdwWindow                  parent_instance;

  FdConversationWindowCommon common;

  /* Template children of the Web Chat arrangement. */
  FdTranscriptView          *transcript_view;
  GtkLabel                  *typing_label;
  FdComposeArea             *compose_area;
  FdEmojiTab                *emoji_tab;
};

G_DEFINE_FINAL_TYPE (FdChatWindow, fd_chat_window, ADW_TYPE_WINDOW)

/* The Web Chat parts that follow the model's state besides the shared ones. */
static void
on_model_changed_cb (GtkWidget *window,
                     gboolean   reserved)
{
  FdChatWindow *self = FD_CHAT_WINDOW (window);
  const FdConversation *conversation = fd_conversation_model_get_conversation (self->common.model);

  gtk_widget_set_visible (self->common.transfer_button, reserved);
  gtk_widget_set_sensitive (self->common.transfer_button, reserved && conversation->transfer_to == 0);
  gtk_widget_set_sensitive (GTK_WIDGET (fd_compose_area_get_view (self->compose_area)), reserved);
  gtk_widget_set_sensitive (GTK_WIDGET (self->emoji_tab), reserved);
}

static void
on_model_typing_text_cb (FdChatWindow *self)
{
  const char *text = fd_conversation_model_get_typing_text (self->common.model);

  if (*text != '\0')
    gtk_label_set_text (self->typing_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), *text != '\0');
}

static void
on_emoji_tab_insert_cb (FdChatWindow *self,
                        const char   *emoji)
{
  fd_compose_area_insert (self->compose_area, emoji);
}

/* --- actions --------------------------------------------------------------------- */

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

  if (self->common.reply_cache == NULL)
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
  return fd_reply_cache_add (self->common.reply_cache, text, error);
}

static void
chat_add_reply_to_cache_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FdChatWindow *self = FD_CHAT_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!fd_chat_window_add_reply_to_cache (self, &error))
    fd_conversation_model_report_error (self->common.model, error);
}

/* --- object ---------------------------------------------------------------------- */

static void
fd_chat_window_dispose (GObject *object)
{
  FdChatWindow *self = FD_CHAT_WINDOW (object);

  if (self->common.model != NULL)
    g_signal_handlers_disconnect_by_data (self->common.model, self);
  fd_conversation_window_common_dispose (&self->common, FD_TYPE_CHAT_WINDOW);
  G_OBJECT_CLASS (fd_chat_window_parent_class)->dispose (object);
}

static void
fd_chat_window_class_init (FdChatWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_chat_window_dispose;

  g_type_ensure (FD_TYPE_COMPOSE_AREA);
  g_type_ensure (FD_TYPE_EMOJI_TAB);
  g_type_ensure (FD_TYPE_TRANSCRIPT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-chat-window.ui");
  fd_conversation_window_class_setup (widget_class, "chat", G_STRUCT_OFFSET (FdChatWindow, common));
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, compose_area);
  gtk_widget_class_bind_template_child (widget_class, FdChatWindow, emoji_tab);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, chat_send_cb);
  gtk_widget_class_install_action (widget_class, "chat.add-reply-to-cache", NULL, chat_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "chat.send", NULL);
}

static void
fd_chat_window_init (FdChatWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_conversation_window_common_init (&self->common, GTK_WIDGET (self), "chat",
                                      GTK_WIDGET (fd_compose_area_get_view (self->compose_area)),
                                      on_model_changed_cb, (FdConversationWindowAttach) fd_chat_window_attach_file);
  fd_compose_area_set_extra_menu (self->compose_area, self->common.compose_menu);
  fd_transcript_view_set_extra_menu (self->transcript_view, self->common.compose_menu);
  g_signal_connect_swapped (self->emoji_tab, "insert", G_CALLBACK (on_emoji_tab_insert_cb), self);
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
    FD_CONVERSATION_PART (self->common.contact_pane), FD_CONVERSATION_PART (self->transcript_view),
    FD_CONVERSATION_PART (self->compose_area), FD_CONVERSATION_PART (self->common.canned_tab),
    FD_CONVERSATION_PART (self->common.resources_tab), FD_CONVERSATION_PART (self->common.reply_cache_tab),
    FD_CONVERSATION_PART (self->emoji_tab), FD_CONVERSATION_PART (self->common.history_tab),
  };

  fd_conversation_window_common_bind (&self->common, parent, connection, conversation_id, parts, G_N_ELEMENTS (parts));
  g_signal_connect_swapped (self->common.model, "notify::typing-text", G_CALLBACK (on_model_typing_text_cb), self);
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

  fd_conversation_window_common_set_stores (&self->common, drafts, reply_cache, recent_files);
  fd_compose_area_set_recent_files (self->compose_area, recent_files);
  fd_compose_area_restore_draft (self->compose_area);
}

void
fd_chat_window_attach_file (FdChatWindow *self,
                            GFile        *file)
{
  g_return_if_fail (FD_IS_CHAT_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  fd_conversation_model_attach_file (self->common.model, file);
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
  return self->common.model;
}

gint64
fd_chat_window_get_id (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), 0);
  return fd_conversation_model_get_id (self->common.model);
}

gboolean
fd_chat_window_get_loaded (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_loaded (self->common.model);
}

gboolean
fd_chat_window_get_reserved (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_reserved (self->common.model);
}

gboolean
fd_chat_window_get_closed (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), FALSE);
  return fd_conversation_model_get_closed (self->common.model);
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
  return fd_conversation_model_get_n_pending (self->common.model);
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
  return fd_conversation_model_get_typing_text (self->common.model);
}

const char *
fd_chat_window_get_status (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), "");
  return fd_conversation_model_get_status (self->common.model);
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
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkListBox *
fd_chat_window_get_resource_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.resources_tab));
}

GtkListBox *
fd_chat_window_get_reply_cache_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.reply_cache_tab));
}

GtkListBox *
fd_chat_window_get_transfer_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_transfer_popover_get_list (self->common.transfer_popover);
}

GtkWidget *
fd_chat_window_get_transfer_button (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return self->common.transfer_button;
}

GtkListBox *
fd_chat_window_get_history_list (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.history_tab));
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
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkEditable *
fd_chat_window_get_resource_search (FdChatWindow *self)
{
  g_return_val_if_fail (FD_IS_CHAT_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->common.resources_tab));
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
  return fd_contact_pane_get_detail (self->common.contact_pane, name);
}
