#define G_LOG_DOMAIN "fd-reply-cache-tab"

#include "fd-reply-cache-tab.h"

struct _FdReplyCacheTab
{
  GtkBox               parent_instance;

  GtkListBox          *list;

  FdConversationModel *model;
  FdReplyCache        *cache;
};

G_DEFINE_FINAL_TYPE (FdReplyCacheTab, fd_reply_cache_tab, GTK_TYPE_BOX)

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  const char *text = fd_cached_reply_get_text (FD_CACHED_REPLY (item));
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (NULL);

  /* The agent's own text, possibly quoting a customer: never markup. */
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_tooltip_text (label, text);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (row), "fd-payload", g_strdup (text), g_free);
  return row;
}

static void
on_list_row_activated_cb (FdReplyCacheTab *self,
                          GtkListBoxRow   *row)
{
  const char *text = g_object_get_data (G_OBJECT (row), "fd-payload");

  if (self->model != NULL && text != NULL)
    fd_conversation_model_send_text (self->model, text);
}

static void
fd_reply_cache_tab_dispose (GObject *object)
{
  FdReplyCacheTab *self = FD_REPLY_CACHE_TAB (object);

  g_clear_object (&self->model);
  g_clear_object (&self->cache);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_REPLY_CACHE_TAB);
  G_OBJECT_CLASS (fd_reply_cache_tab_parent_class)->dispose (object);
}

static void
fd_reply_cache_tab_class_init (FdReplyCacheTabClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_reply_cache_tab_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-reply-cache-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, FdReplyCacheTab, list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_reply_cache_tab_init (FdReplyCacheTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_reply_cache_tab_set_model (FdReplyCacheTab     *self,
                              FdConversationModel *model)
{
  g_return_if_fail (FD_IS_REPLY_CACHE_TAB (self));
  g_set_object (&self->model, model);
}

void
fd_reply_cache_tab_set_cache (FdReplyCacheTab *self,
                              FdReplyCache    *cache)
{
  g_return_if_fail (FD_IS_REPLY_CACHE_TAB (self));
  g_return_if_fail (cache == NULL || FD_IS_REPLY_CACHE (cache));

  if (g_set_object (&self->cache, cache))
    gtk_list_box_bind_model (self->list, G_LIST_MODEL (cache), cache != NULL ? create_row_cb : NULL, NULL, NULL);
}

GtkListBox *
fd_reply_cache_tab_get_list (FdReplyCacheTab *self)
{
  g_return_val_if_fail (FD_IS_REPLY_CACHE_TAB (self), NULL);
  return self->list;
}
