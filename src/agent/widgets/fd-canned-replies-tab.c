#define G_LOG_DOMAIN "fd-canned-replies-tab"

#include "fd-canned-replies-tab.h"
#include "fd-list-row.h"

struct _FdCannedRepliesTab
{
  FdConversationPart parent_instance;
};

G_DEFINE_FINAL_TYPE (FdCannedRepliesTab, fd_canned_replies_tab, FD_TYPE_CONVERSATION_PART)

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdConversationPart) part = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) replies = fd_connection_list_canned_replies_finish (FD_CONNECTION (source), result, &error);

  if (!fd_conversation_part_begin_rows (part, replies != NULL, error))
    return;
  for (guint i = 0; i < replies->len; i++)
    {
      const FdCannedReply *reply = g_ptr_array_index (replies, i);

      gtk_list_box_append (fd_conversation_part_get_list (part), fd_list_row_new (reply->name, reply->text, reply->text));
    }
}

static void
fd_canned_replies_tab_reload (FdConversationPart *part)
{
  fd_conversation_model_list_canned_replies_async (fd_conversation_part_get_model (part),
                                                   fd_conversation_part_get_query (part),
                                                   fd_conversation_part_renew_cancellable (part),
                                                   on_list_cb, g_object_ref (part));
}

static void
fd_canned_replies_tab_class_init (FdCannedRepliesTabClass *klass)
{
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_canned_replies_tab_reload;
  fd_conversation_part_class_set_template (GTK_WIDGET_CLASS (klass), "fd-canned-replies-tab", FD_CONVERSATION_PART_LIST | FD_CONVERSATION_PART_SEARCH);
}

static void
fd_canned_replies_tab_init (FdCannedRepliesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
