#define G_LOG_DOMAIN "fd-tweet-thread"

#include "fd-tweet-row.h"
#include "fd-tweet-thread.h"

struct _FdTweetThread
{
  FdConversationPart  parent_instance;

  GtkScrolledWindow  *scroller;
  GtkListBox         *rows;
  guint               scroll_source;
};

G_DEFINE_FINAL_TYPE (FdTweetThread, fd_tweet_thread, FD_TYPE_CONVERSATION_PART)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  FdTweetThread *self = user_data;
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), GTK_WIDGET (fd_tweet_row_new (model, item)));
  return row;
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  FdTweetThread *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_source = 0;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  return G_SOURCE_REMOVE;
}

/* A new message shows at the bottom: scrolled to once laid out. */
static void
on_items_changed_cb (FdTweetThread *self)
{
  if (self->scroll_source == 0)
    self->scroll_source = g_timeout_add (50, scroll_to_end_cb, self);
}

static void
fd_tweet_thread_reload (FdConversationPart *part)
{
  FdTweetThread *self = FD_TWEET_THREAD (part);
  GListModel *messages = fd_conversation_model_get_messages (fd_conversation_part_get_model (part));

  gtk_list_box_bind_model (self->rows, messages, create_row, self, NULL);
  g_signal_connect_object (messages, "items-changed", G_CALLBACK (on_items_changed_cb), self, G_CONNECT_SWAPPED);
  on_items_changed_cb (self);
}

static void
fd_tweet_thread_dispose (GObject *object)
{
  FdTweetThread *self = FD_TWEET_THREAD (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  if (self->rows != NULL)
    gtk_list_box_bind_model (self->rows, NULL, NULL, NULL, NULL);
  G_OBJECT_CLASS (fd_tweet_thread_parent_class)->dispose (object);
}

static void
fd_tweet_thread_class_init (FdTweetThreadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_tweet_thread_dispose;
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_tweet_thread_reload;
  fd_conversation_part_class_set_template (widget_class, "fd-tweet-thread", 0);
  gtk_widget_class_bind_template_child (widget_class, FdTweetThread, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdTweetThread, rows);
}

static void
fd_tweet_thread_init (FdTweetThread *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkListBox *
fd_tweet_thread_get_rows (FdTweetThread *self)
{
  g_return_val_if_fail (FD_IS_TWEET_THREAD (self), NULL);
  return self->rows;
}

GtkWidget *
fd_tweet_thread_get_row (FdTweetThread *self,
                         guint          index)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (FD_IS_TWEET_THREAD (self), NULL);
  row = gtk_list_box_get_row_at_index (self->rows, (int) index);
  return row != NULL ? gtk_list_box_row_get_child (row) : NULL;
}
