#define G_LOG_DOMAIN "fd-tweet-row"

#include <glib/gi18n.h>

#include "fd-contact-pane.h"
#include "fd-message-state.h"
#include "fd-transcript-view.h"
#include "fd-tweet-row.h"

struct _FdTweetRow
{
  GtkBox               parent_instance;

  /* Template children. */
  GtkWidget           *header_box;
  GtkImage            *kind_icon;
  GtkLabel            *author_label;
  GtkLabel            *time_label;
  GtkLabel            *state_label;
  GtkWidget           *retry_button;
  GtkLabel            *text_label;
  GtkLabel            *attachments_label;
  GtkLabel            *reason_label;
  GtkWidget           *link_button;

  FdConversationModel *model;
  FdMessageItem       *item;
  char                *kind_text;
  char                *url;          /* checked: an x.com page, or NULL */
};

G_DEFINE_FINAL_TYPE (FdTweetRow, fd_tweet_row, GTK_TYPE_BOX)

const char *
fd_tweet_row_check_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (url == NULL || *url == '\0')
    return NULL;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_userinfo (uri) != NULL)
    return NULL;
  host = g_uri_get_host (uri);
  if (host == NULL || (g_ascii_strcasecmp (host, "x.com") != 0 && g_ascii_strcasecmp (host, "twitter.com") != 0))
    return NULL;
  return url;
}

/* The reply's state: the socket's (sending, not sent), then X's through
 * the server's outbox (queued, sent, failed with X's reason). */
static void
update_state (FdTweetRow *self)
{
  fd_message_state_show (self->item, _("X refused the reply"), self->state_label, self->reason_label,
                         self->retry_button);
}

static void
update_tweet (FdTweetRow *self)
{
  gboolean direct = fd_message_item_get_tweet_direct (self->item);
  const char *handle = fd_message_item_get_tweet_author_handle (self->item);
  const char *author = fd_message_item_get_author (self->item);
  g_autofree char *line = NULL;

  g_free (self->kind_text);
  self->kind_text = g_strdup (direct ? _("Direct message") : _("Public post"));
  gtk_image_set_from_icon_name (self->kind_icon, direct ? "mail-unread-symbolic" : "network-workgroup-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_icon), self->kind_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind_text, -1);
  /* Names and handles are the customer's: plain text. */
  if (*handle != '\0')
    line = g_strdup_printf ("%s @%s", author, handle);
  else
    line = g_strdup (author);
  gtk_label_set_text (self->author_label, line);

  g_free (self->url);
  self->url = g_strdup (direct ? NULL : fd_tweet_row_check_url (fd_message_item_get_tweet_url (self->item)));
  gtk_widget_set_visible (self->link_button, self->url != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->kind_text, -1);
}

/* The files sent with the message (an agent's images), by name: the
 * sender chose the names, so plain text. */
static void
set_attachments (FdTweetRow *self)
{
  GPtrArray *attachments = fd_message_item_get_attachments (self->item);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < attachments->len; i++)
    {
      const FdAttachment *attachment = g_ptr_array_index (attachments, i);

      g_string_append_printf (text, "%s📎 %s", text->len > 0 ? "\n" : "",
                              attachment->name != NULL ? attachment->name : _("Attachment"));
    }
  gtk_label_set_text (self->attachments_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->attachments_label), text->len > 0);
  /* A file sent without words has no text line. */
  gtk_widget_set_visible (GTK_WIDGET (self->text_label), *fd_message_item_get_text (self->item) != '\0');
}

static void
on_retry_clicked_cb (FdTweetRow *self)
{
  if (self->model == NULL || self->item == NULL)
    return;
  if (fd_message_item_get_send_state (self->item) == FD_SEND_STATE_FAILED)
    fd_conversation_model_retry (self->model, self->item);
  else
    fd_conversation_model_retry_delivery (self->model, self->item);
}

static void
on_link_clicked_cb (FdTweetRow *self)
{
  if (self->url != NULL)
    fd_launch_uri (GTK_WIDGET (self), self->url);
}

static gboolean
on_activate_link_cb (FdTweetRow *self,
                     const char *uri)
{
  fd_launch_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

static void
fd_tweet_row_dispose (GObject *object)
{
  FdTweetRow *self = FD_TWEET_ROW (object);

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_TWEET_ROW);
  G_OBJECT_CLASS (fd_tweet_row_parent_class)->dispose (object);
}

static void
fd_tweet_row_finalize (GObject *object)
{
  FdTweetRow *self = FD_TWEET_ROW (object);

  g_free (self->kind_text);
  g_free (self->url);
  G_OBJECT_CLASS (fd_tweet_row_parent_class)->finalize (object);
}

static void
fd_tweet_row_class_init (FdTweetRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_tweet_row_dispose;
  object_class->finalize = fd_tweet_row_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-tweet-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, author_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, attachments_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, FdTweetRow, link_button);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_link_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_link_cb);
}

static void
fd_tweet_row_init (FdTweetRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->kind_text = g_strdup ("");
}

FdTweetRow *
fd_tweet_row_new (FdConversationModel *model,
                  FdMessageItem       *item)
{
  FdTweetRow *self;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *time = NULL;
  g_autofree char *markup = NULL;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (model), NULL);
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (item), NULL);

  self = g_object_new (FD_TYPE_TWEET_ROW, NULL);
  self->model = g_object_ref (model);
  self->item = g_object_ref (item);

  /* Customer text is data: escaped, links only around http(s) URLs. */
  markup = fd_transcript_view_text_to_markup (fd_message_item_get_text (item));
  gtk_label_set_markup (self->text_label, markup);
  utc = g_date_time_new_from_unix_utc (fd_message_item_get_created_at (item) / G_USEC_PER_SEC);
  local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  time = local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("");
  gtk_label_set_text (self->time_label, time);
  set_attachments (self);

  if (fd_message_item_get_direction (item) == FD_DIRECTION_SYSTEM)
    {
      /* A note (reserved, transferred): one dim line, no card. */
      gtk_widget_set_visible (self->header_box, FALSE);
      gtk_widget_remove_css_class (GTK_WIDGET (self), "card");
      gtk_widget_add_css_class (GTK_WIDGET (self->text_label), "dim-label");
      gtk_label_set_xalign (self->text_label, 0.5);
      return self;
    }
  if (fd_message_item_get_direction (item) == FD_DIRECTION_OUT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "fd-tweet-out");
  update_tweet (self);
  update_state (self);
  g_signal_connect_object (item, "notify::tweet-direct", G_CALLBACK (update_tweet), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::tweet-url", G_CALLBACK (update_tweet), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::tweet-author-handle", G_CALLBACK (update_tweet), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::send-state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::error", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::delivery-state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::delivery-reason", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  return self;
}

FdMessageItem *
fd_tweet_row_get_item (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return self->item;
}

const char *
fd_tweet_row_get_kind_text (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return self->kind_text;
}

const char *
fd_tweet_row_get_author_text (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return gtk_label_get_text (self->author_label);
}

const char *
fd_tweet_row_get_state_text (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return gtk_label_get_text (self->state_label);
}

const char *
fd_tweet_row_get_attachments_text (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return gtk_label_get_text (self->attachments_label);
}

GtkWidget *
fd_tweet_row_get_link_button (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return self->link_button;
}

GtkWidget *
fd_tweet_row_get_retry_button (FdTweetRow *self)
{
  g_return_val_if_fail (FD_IS_TWEET_ROW (self), NULL);
  return self->retry_button;
}
