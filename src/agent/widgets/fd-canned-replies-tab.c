#define G_LOG_DOMAIN "fd-canned-replies-tab"

#include "fd-canned-replies-tab.h"
#include "fd-list-row.h"

struct _FdCannedRepliesTab
{
  FdConversationPart parent_instance;
};

G_DEFINE_FINAL_TYPE (FdCannedRepliesTab, fd_canned_replies_tab, FD_TYPE_CONVERSATION_PART)

/* The name, then the text, which is what activating the row sends. */
static GtkWidget *
new_reply_row (FdConversationPart *part,
               gconstpointer       item)
{
  const FdCannedReply *reply = item;

  return fd_list_row_new (reply->name, reply->text, reply->text);
}

static const FdConversationPartSearch replies = {
  fd_conversation_model_list_canned_replies_async, fd_connection_list_canned_replies_finish, new_reply_row,
};

static void
fd_canned_replies_tab_class_init (FdCannedRepliesTabClass *klass)
{
  fd_conversation_part_class_set_search (GTK_WIDGET_CLASS (klass), "fd-canned-replies-tab", &replies);
}

static void
fd_canned_replies_tab_init (FdCannedRepliesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
