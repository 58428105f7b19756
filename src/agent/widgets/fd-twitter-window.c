#define G_LOG_DOMAIN "fd-twitter-window"

#include <glib/gi18n.h>

#include "fd-conversation-window-private.h"
#include "fd-emoji-tab.h"
#include "fd-twitter-window.h"

/* The Twitter arrangement (docs/twitter.md, "The app's Twitter window")
 * of the parts the Web Chat and Email windows are built from, plus its
 * own: the thread (FdTweetThread of FdTweetRow), the compose area
 * (FdTweetComposer) and the Direct Message request icon. What it shares
 * with the other windows is in fd-conversation-window-common.c. */

struct _FdTwitterWindow
{
  AdwWindow                  parent_instance;

  FdConversationWindowCommon common;

  /* Template children of the Twitter arrangement. */
  GtkWidget                 *toolbar;
  GtkWidget                 *dm_request_button;
  FdTweetComposer           *composer;
  FdTweetThread             *thread;
  FdEmojiTab                *emoji_tab;
};

G_DEFINE_FINAL_TYPE (FdTwitterWindow, fd_twitter_window, ADW_TYPE_WINDOW)

/* The icon is there only while the request can be sent: the guide's
 * "the icon will disappear … as the user cannot send the request twice". */
static void
update_dm_request (FdTwitterWindow *self)
{
  FdConversationModel *model = self->common.model;
  gboolean reserved = fd_conversation_model_get_reserved (model);

  gtk_widget_set_visible (self->dm_request_button, fd_conversation_model_get_can_request_dm (model));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "twitter.dm-request",
                                 reserved && fd_conversation_model_get_can_request_dm (model) &&
                                 !fd_conversation_model_get_dm_request_pending (model));
}

static void
on_model_changed_cb (GtkWidget *window,
                     gboolean   reserved)
{
  FdTwitterWindow *self = FD_TWITTER_WINDOW (window);

  gtk_widget_set_sensitive (GTK_WIDGET (self->emoji_tab), reserved);
  if (self->common.model != NULL)
    update_dm_request (self);
}

/* A canned reply, a resource or a cached reply goes into the reply, where
 * the count shows whether it still fits. */
static gboolean
on_payload_activated_cb (FdConversationPart *part,
                         const char         *text,
                         FdTwitterWindow    *self)
{
  fd_tweet_composer_insert (self->composer, text);
  return TRUE;
}

static void
on_emoji_tab_insert_cb (FdTwitterWindow *self,
                        const char      *emoji)
{
  fd_tweet_composer_insert (self->composer, emoji);
}

/* --- actions ------------------------------------------------------------------------ */

static void
twitter_send_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fd_tweet_composer_send (FD_TWITTER_WINDOW (widget)->composer);
}

static void
twitter_dm_request_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FdTwitterWindow *self = FD_TWITTER_WINDOW (widget);

  fd_conversation_model_request_dm (self->common.model);
  update_dm_request (self);
}

static void
twitter_add_reply_to_cache_cb (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  FdTwitterWindow *self = FD_TWITTER_WINDOW (widget);

  fd_conversation_window_common_add_reply_to_cache (&self->common, fd_tweet_composer_dup_selection (self->composer));
}

/* --- object -------------------------------------------------------------------------- */

static void
fd_twitter_window_dispose (GObject *object)
{
  FdTwitterWindow *self = FD_TWITTER_WINDOW (object);

  fd_conversation_window_common_dispose (&self->common, FD_TYPE_TWITTER_WINDOW);
  G_OBJECT_CLASS (fd_twitter_window_parent_class)->dispose (object);
}

static void
fd_twitter_window_class_init (FdTwitterWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_twitter_window_dispose;

  g_type_ensure (FD_TYPE_TWEET_COMPOSER);
  g_type_ensure (FD_TYPE_TWEET_THREAD);
  g_type_ensure (FD_TYPE_EMOJI_TAB);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-twitter-window.ui");
  fd_conversation_window_class_setup (widget_class, "twitter", G_STRUCT_OFFSET (FdTwitterWindow, common));
  gtk_widget_class_bind_template_child (widget_class, FdTwitterWindow, toolbar);
  gtk_widget_class_bind_template_child (widget_class, FdTwitterWindow, dm_request_button);
  gtk_widget_class_bind_template_child (widget_class, FdTwitterWindow, composer);
  gtk_widget_class_bind_template_child (widget_class, FdTwitterWindow, thread);
  gtk_widget_class_bind_template_child (widget_class, FdTwitterWindow, emoji_tab);

  gtk_widget_class_install_action (widget_class, "twitter.send", NULL, twitter_send_cb);
  gtk_widget_class_install_action (widget_class, "twitter.dm-request", NULL, twitter_dm_request_cb);
  gtk_widget_class_install_action (widget_class, "twitter.add-reply-to-cache", NULL, twitter_add_reply_to_cache_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "twitter.send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "twitter.send", NULL);
}

static void
fd_twitter_window_init (FdTwitterWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fd_conversation_window_common_init (&self->common, GTK_WIDGET (self), "twitter",
                                      GTK_WIDGET (fd_tweet_composer_get_view (self->composer)),
                                      on_model_changed_cb, (FdConversationWindowAttach) fd_twitter_window_attach_file);
  gtk_text_view_set_extra_menu (fd_tweet_composer_get_view (self->composer), self->common.compose_menu);

  fd_conversation_window_common_connect_inserting (&self->common, G_CALLBACK (on_payload_activated_cb), self);
  g_signal_connect_swapped (self->emoji_tab, "insert", G_CALLBACK (on_emoji_tab_insert_cb), self);
}

FdTwitterWindow *
fd_twitter_window_new (GtkWindow    *parent,
                       FdConnection *connection,
                       gint64        conversation_id)
{
  FdTwitterWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_TWITTER_WINDOW, NULL);
  FdConversationPart *parts[] = {
    FD_CONVERSATION_PART (self->common.contact_pane), FD_CONVERSATION_PART (self->thread),
    FD_CONVERSATION_PART (self->composer), FD_CONVERSATION_PART (self->common.canned_tab),
    FD_CONVERSATION_PART (self->common.resources_tab), FD_CONVERSATION_PART (self->common.reply_cache_tab),
    FD_CONVERSATION_PART (self->emoji_tab), FD_CONVERSATION_PART (self->common.history_tab),
  };

  fd_conversation_window_common_bind (&self->common, parent, connection, conversation_id, parts, G_N_ELEMENTS (parts));
  g_signal_connect_object (self->common.model, "notify::dm-requested", G_CALLBACK (update_dm_request), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->common.model, "notify::has-customer-post", G_CALLBACK (update_dm_request), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->common.model, "notify::dm-request-pending", G_CALLBACK (update_dm_request), self,
                           G_CONNECT_SWAPPED);
  update_dm_request (self);
  return self;
}

void
fd_twitter_window_set_stores (FdTwitterWindow *self,
                              FdDrafts        *drafts,
                              FdReplyCache    *reply_cache,
                              FdRecentFiles   *recent_files)
{
  g_return_if_fail (FD_IS_TWITTER_WINDOW (self));
  fd_conversation_window_common_set_stores (&self->common, drafts, reply_cache, recent_files);
  fd_tweet_composer_set_recent_files (self->composer, recent_files);
  fd_tweet_composer_restore_draft (self->composer);
}

void
fd_twitter_window_attach_file (FdTwitterWindow *self,
                               GFile           *file)
{
  g_return_if_fail (FD_IS_TWITTER_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  if (fd_conversation_model_get_reserved (self->common.model))
    fd_conversation_model_attach_file (self->common.model, file);
}

gint64
fd_twitter_window_get_id (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), 0);
  return fd_conversation_model_get_id (self->common.model);
}

FdConversationModel *
fd_twitter_window_get_model (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return self->common.model;
}

FdTweetComposer *
fd_twitter_window_get_composer (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return self->composer;
}

FdTweetThread *
fd_twitter_window_get_thread (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return self->thread;
}

GtkWidget *
fd_twitter_window_get_dm_request_button (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return self->dm_request_button;
}

const char *
fd_twitter_window_get_status (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), "");
  return fd_conversation_model_get_status (self->common.model);
}

const char *
fd_twitter_window_get_contact_detail (FdTwitterWindow *self,
                                      const char      *name)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return fd_contact_pane_get_detail (self->common.contact_pane, name);
}

GtkListBox *
fd_twitter_window_get_canned_list (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return fd_conversation_part_get_list (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkEditable *
fd_twitter_window_get_canned_search (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return fd_conversation_part_get_search (FD_CONVERSATION_PART (self->common.canned_tab));
}

GtkListBox *
fd_twitter_window_get_transfer_list (FdTwitterWindow *self)
{
  g_return_val_if_fail (FD_IS_TWITTER_WINDOW (self), NULL);
  return fd_transfer_popover_get_list (self->common.transfer_popover);
}
