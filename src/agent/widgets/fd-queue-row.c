#define G_LOG_DOMAIN "fd-queue-row"

#include <glib/gi18n.h>

#include "fd-queue-row.h"

struct _FdQueueRow
{
  GtkListBoxRow  parent_instance;

  GtkImage      *indicator;
  GtkLabel      *name_label;
  GtkLabel      *members_label;
  FdQueueItem   *item;
  /* A translated constant: "Joined" or "Not joined". */
  const char    *indicator_text;
};

G_DEFINE_FINAL_TYPE (FdQueueRow, fd_queue_row, GTK_TYPE_LIST_BOX_ROW)

static void
update_indicator (FdQueueRow *self)
{
  gboolean joined = fd_queue_item_get_joined (self->item);
  GtkWidget *indicator = GTK_WIDGET (self->indicator);

  self->indicator_text = joined ? _("Joined") : _("Not joined");
  /* Shape as well as colour: a check for joined, a crossed circle for not. */
  gtk_image_set_from_icon_name (self->indicator, joined ? "emblem-ok-symbolic" : "action-unavailable-symbolic");
  gtk_widget_remove_css_class (indicator, joined ? "error" : "success");
  gtk_widget_add_css_class (indicator, joined ? "success" : "error");
  gtk_widget_set_tooltip_text (indicator, self->indicator_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (indicator),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->indicator_text, -1);
}

static void
update_members (FdQueueRow *self)
{
  g_autofree char *text = g_strdup_printf (_("%d of %d agents joined"),
                                           fd_queue_item_get_members_joined (self->item),
                                           fd_queue_item_get_members (self->item));

  gtk_label_set_text (self->members_label, text);
}

static void
on_item_joined_notify_cb (FdQueueItem *item,
                          GParamSpec  *pspec,
                          FdQueueRow  *self)
{
  update_indicator (self);
}

static void
on_item_members_notify_cb (FdQueueItem *item,
                           GParamSpec  *pspec,
                           FdQueueRow  *self)
{
  update_members (self);
}

static void
fd_queue_row_dispose (GObject *object)
{
  FdQueueRow *self = FD_QUEUE_ROW (object);

  g_clear_object (&self->item);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_QUEUE_ROW);
  G_OBJECT_CLASS (fd_queue_row_parent_class)->dispose (object);
}

static void
fd_queue_row_class_init (FdQueueRowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_queue_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/frontdeskcc/Frontdesk/ui/fd-queue-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FdQueueRow, indicator);
  gtk_widget_class_bind_template_child (widget_class, FdQueueRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdQueueRow, members_label);
}

static void
fd_queue_row_init (FdQueueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fd_queue_row_new (FdQueueItem *item)
{
  FdQueueRow *self;

  g_return_val_if_fail (FD_IS_QUEUE_ITEM (item), NULL);

  self = g_object_new (FD_TYPE_QUEUE_ROW, NULL);
  self->item = g_object_ref (item);
  update_indicator (self);
  update_members (self);
  g_signal_connect_object (item, "notify::joined", G_CALLBACK (on_item_joined_notify_cb), self, 0);
  g_signal_connect_object (item, "notify::members", G_CALLBACK (on_item_members_notify_cb), self, 0);
  g_signal_connect_object (item, "notify::members-joined", G_CALLBACK (on_item_members_notify_cb), self, 0);
  g_object_bind_property (item, "name", self->name_label, "label", G_BINDING_SYNC_CREATE);
  /* Named once, as when the row was made; a rename shows in the label. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  fd_queue_item_get_name (item), -1);
  return GTK_WIDGET (self);
}

FdQueueItem *
fd_queue_row_get_item (FdQueueRow *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ROW (self), NULL);
  return self->item;
}

const char *
fd_queue_row_get_indicator_text (FdQueueRow *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ROW (self), NULL);
  return self->indicator_text;
}
