#define G_LOG_DOMAIN "fd-email-thread"

#include <glib/gi18n.h>

#include "fd-email-thread.h"

/* --- newest first: a list model that reverses another ------------------------------ */

#define FD_TYPE_REVERSED_MODEL (fd_reversed_model_get_type ())
G_DECLARE_FINAL_TYPE (FdReversedModel, fd_reversed_model, FD, REVERSED_MODEL, GObject)

struct _FdReversedModel
{
  GObject     parent_instance;

  GListModel *model;
  guint       n_items;   /* what the model had at its last change */
};

static GType
fd_reversed_model_get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (FD_REVERSED_MODEL (list)->model);
}

static guint
fd_reversed_model_get_n_items (GListModel *list)
{
  return FD_REVERSED_MODEL (list)->n_items;
}

static gpointer
fd_reversed_model_get_item (GListModel *list,
                            guint       position)
{
  FdReversedModel *self = FD_REVERSED_MODEL (list);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, self->n_items - 1 - position);
}

static void
fd_reversed_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_reversed_model_get_item_type;
  iface->get_n_items = fd_reversed_model_get_n_items;
  iface->get_item = fd_reversed_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FdReversedModel, fd_reversed_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fd_reversed_model_list_model_init))

/* [position, position + removed) of the old list is [old - position -
 * removed, old - position) reversed. */
static void
on_items_changed_cb (GListModel      *model,
                     guint            position,
                     guint            removed,
                     guint            added,
                     FdReversedModel *self)
{
  guint old = self->n_items;

  self->n_items = g_list_model_get_n_items (model);
  g_list_model_items_changed (G_LIST_MODEL (self), old - position - removed, removed, added);
}

static void
fd_reversed_model_dispose (GObject *object)
{
  FdReversedModel *self = FD_REVERSED_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (fd_reversed_model_parent_class)->dispose (object);
}

static void
fd_reversed_model_class_init (FdReversedModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_reversed_model_dispose;
}

static void
fd_reversed_model_init (FdReversedModel *self)
{
}

static GListModel *
fd_reversed_model_new (GListModel *model)
{
  FdReversedModel *self = g_object_new (FD_TYPE_REVERSED_MODEL, NULL);

  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), self);
  return G_LIST_MODEL (self);
}

/* --- the thread -------------------------------------------------------------------- */

struct _FdEmailThread
{
  FdConversationPart  parent_instance;

  GtkListView        *list_view;
  GListModel         *shown;      /* newest first */
};

G_DEFINE_FINAL_TYPE (FdEmailThread, fd_email_thread, FD_TYPE_CONVERSATION_PART)

static void
on_retry_delivery_cb (FdEmailMessageView *view,
                      FdMessageItem      *item,
                      FdEmailThread      *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));

  if (model != NULL)
    fd_conversation_model_retry_delivery (model, item);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          FdEmailThread            *self)
{
  GtkWidget *view = fd_email_message_view_new ();

  g_signal_connect_object (view, "retry-delivery", G_CALLBACK (on_retry_delivery_cb), self, 0);
  gtk_list_item_set_child (list_item, view);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FdEmailThread            *self)
{
  FdConversationModel *model = fd_conversation_part_get_model (FD_CONVERSATION_PART (self));
  guint position = gtk_list_item_get_position (list_item);
  guint n = g_list_model_get_n_items (self->shown);
  /* The newest and the original open; what lies between is folded. */
  gboolean expanded = position == 0 || position + 1 == n;

  fd_email_message_view_set_item (FD_EMAIL_MESSAGE_VIEW (gtk_list_item_get_child (list_item)), model,
                                  gtk_list_item_get_item (list_item), expanded);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FdEmailThread            *self)
{
  fd_email_message_view_set_item (FD_EMAIL_MESSAGE_VIEW (gtk_list_item_get_child (list_item)), NULL, NULL, FALSE);
}

static void
fd_email_thread_reload (FdConversationPart *part)
{
  FdEmailThread *self = FD_EMAIL_THREAD (part);
  GListModel *messages = fd_conversation_model_get_messages (fd_conversation_part_get_model (part));
  g_autoptr(GtkSelectionModel) selection = NULL;

  g_clear_object (&self->shown);
  self->shown = fd_reversed_model_new (messages);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (self->shown)));
  gtk_list_view_set_model (self->list_view, selection);
}

static void
fd_email_thread_dispose (GObject *object)
{
  FdEmailThread *self = FD_EMAIL_THREAD (object);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->shown);
  G_OBJECT_CLASS (fd_email_thread_parent_class)->dispose (object);
}

static void
fd_email_thread_class_init (FdEmailThreadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_email_thread_dispose;
  FD_CONVERSATION_PART_CLASS (klass)->reload = fd_email_thread_reload;
  g_type_ensure (FD_TYPE_EMAIL_MESSAGE_VIEW);
  fd_conversation_part_class_set_template (widget_class, "fd-email-thread", 0);
  gtk_widget_class_bind_template_child (widget_class, FdEmailThread, list_view);
}

static void
fd_email_thread_init (FdEmailThread *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
}

GListModel *
fd_email_thread_get_shown (FdEmailThread *self)
{
  g_return_val_if_fail (FD_IS_EMAIL_THREAD (self), NULL);
  return self->shown;
}

FdEmailMessageView *
fd_email_thread_get_view (FdEmailThread *self,
                          guint          position)
{
  g_autoptr(GObject) item = NULL;

  g_return_val_if_fail (FD_IS_EMAIL_THREAD (self), NULL);
  if (self->shown == NULL)
    return NULL;
  item = g_list_model_get_item (self->shown, position);
  if (item == NULL)
    return NULL;
  /* The list view's rows are its own children (GTK 4.8 has no API to
   * reach them): the one whose view shows this item. */
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *child = gtk_widget_get_first_child (row);

      if (FD_IS_EMAIL_MESSAGE_VIEW (child) &&
          (GObject *) fd_email_message_view_get_item (FD_EMAIL_MESSAGE_VIEW (child)) == item)
        return FD_EMAIL_MESSAGE_VIEW (child);
    }
  return NULL;
}
