#define G_LOG_DOMAIN "fd-reply-cache-tab"

#include "fd-reply-cache-tab.h"

struct _FdReplyCacheTab
{
  FdConversationPart   parent_instance;

  FdReplyCache        *cache;
};

G_DEFINE_FINAL_TYPE (FdReplyCacheTab, fd_reply_cache_tab, FD_TYPE_CONVERSATION_PART)

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
fd_reply_cache_tab_dispose (GObject *object)
{
  FdReplyCacheTab *self = FD_REPLY_CACHE_TAB (object);

  g_clear_object (&self->cache);
  G_OBJECT_CLASS (fd_reply_cache_tab_parent_class)->dispose (object);
}

static void
fd_reply_cache_tab_class_init (FdReplyCacheTabClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_reply_cache_tab_dispose;
  fd_conversation_part_class_set_template (GTK_WIDGET_CLASS (klass), "fd-reply-cache-tab", FD_CONVERSATION_PART_LIST);
}

static void
fd_reply_cache_tab_init (FdReplyCacheTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_reply_cache_tab_set_cache (FdReplyCacheTab *self,
                              FdReplyCache    *cache)
{
  g_return_if_fail (FD_IS_REPLY_CACHE_TAB (self));
  g_return_if_fail (cache == NULL || FD_IS_REPLY_CACHE (cache));

  if (g_set_object (&self->cache, cache))
    gtk_list_box_bind_model (fd_conversation_part_get_list (FD_CONVERSATION_PART (self)), G_LIST_MODEL (cache),
                             cache != NULL ? create_row_cb : NULL, NULL, NULL);
}
