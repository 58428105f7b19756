#define G_LOG_DOMAIN "fd-canned-replies-tab"

#include "fd-canned-replies-tab.h"
#include "fd-list-row.h"

struct _FdCannedRepliesTab
{
  GtkBox               parent_instance;

  GtkSearchEntry      *search;
  GtkListBox          *list;

  FdConversationModel *model;
  GCancellable        *cancellable;   /* the search in flight */
};

G_DEFINE_FINAL_TYPE (FdCannedRepliesTab, fd_canned_replies_tab, GTK_TYPE_BOX)

static void
on_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FdCannedRepliesTab) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) replies = fd_connection_list_canned_replies_finish (FD_CONNECTION (source), result, &error);

  if (replies == NULL)
    {
      if (self->model != NULL)
        fd_conversation_model_report_error (self->model, error);
      return;
    }
  fd_list_box_clear (self->list);
  for (guint i = 0; i < replies->len; i++)
    {
      const FdCannedReply *reply = g_ptr_array_index (replies, i);

      gtk_list_box_append (self->list, fd_list_row_new (reply->name, reply->text, reply->text));
    }
}

/* Each search cancels the one before. */
static void
on_search_search_changed_cb (FdCannedRepliesTab *self)
{
  if (self->model == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_conversation_model_list_canned_replies_async (self->model, gtk_editable_get_text (GTK_EDITABLE (self->search)),
                                                   self->cancellable, on_list_cb, g_object_ref (self));
}

static void
on_list_row_activated_cb (FdCannedRepliesTab *self,
                          GtkListBoxRow      *row)
{
  const char *text = g_object_get_data (G_OBJECT (row), "fd-payload");

  if (self->model != NULL && text != NULL)
    fd_conversation_model_send_text (self->model, text);
}

static void
fd_canned_replies_tab_dispose (GObject *object)
{
  FdCannedRepliesTab *self = FD_CANNED_REPLIES_TAB (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CANNED_REPLIES_TAB);
  G_OBJECT_CLASS (fd_canned_replies_tab_parent_class)->dispose (object);
}

static void
fd_canned_replies_tab_class_init (FdCannedRepliesTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_canned_replies_tab_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-canned-replies-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCannedRepliesTab, search);
  gtk_widget_class_bind_template_child (widget_class, FdCannedRepliesTab, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_canned_replies_tab_init (FdCannedRepliesTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_canned_replies_tab_set_model (FdCannedRepliesTab  *self,
                                 FdConversationModel *model)
{
  g_return_if_fail (FD_IS_CANNED_REPLIES_TAB (self));
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (model));

  g_set_object (&self->model, model);
  on_search_search_changed_cb (self);
}

GtkListBox *
fd_canned_replies_tab_get_list (FdCannedRepliesTab *self)
{
  g_return_val_if_fail (FD_IS_CANNED_REPLIES_TAB (self), NULL);
  return self->list;
}

GtkEditable *
fd_canned_replies_tab_get_search (FdCannedRepliesTab *self)
{
  g_return_val_if_fail (FD_IS_CANNED_REPLIES_TAB (self), NULL);
  return GTK_EDITABLE (self->search);
}
