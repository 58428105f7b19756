#define G_LOG_DOMAIN "fd-transfer-popover"

#include <glib/gi18n.h>

#include "fd-list-row.h"
#include "fd-transfer-popover.h"

struct _FdTransferPopover
{
  GtkPopover           parent_instance;

  GtkLabel            *reason;
  GtkListBox          *list;

  FdConversationModel *model;
  GCancellable        *cancellable;   /* the list-colleagues in flight */
};

G_DEFINE_FINAL_TYPE (FdTransferPopover, fd_transfer_popover, GTK_TYPE_POPOVER)

static const char *
colleague_state_text (const FdColleague *colleague)
{
  if (!colleague->online)
    return _("Offline");
  switch (colleague->acd_state)
    {
    case FD_ACD_AVAILABLE:
      return _("Available");
    case FD_ACD_WRAP_UP:
      return _("Wrap-up");
    case FD_ACD_UNAVAILABLE:
    default:
      return _("Unavailable");
    }
}

/* The row's second line: the state, after "Not joined" for a member who
 * cannot be offered the conversation. */
static char *
colleague_subtitle (const FdColleague *colleague)
{
  if (colleague->joined)
    return g_strdup (colleague_state_text (colleague));
  /* TRANSLATORS: a colleague in the Transfer list, e.g. "Not joined · Offline" */
  return g_strdup_printf (_("Not joined · %s"), colleague_state_text (colleague));
}

static gboolean
can_transfer (FdTransferPopover *self)
{
  const FdConversation *conversation = fd_conversation_model_get_conversation (self->model);

  return fd_conversation_model_get_reserved (self->model) && conversation->transfer_to == 0;
}

static void
on_list_colleagues_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdTransferPopover) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) colleagues = fd_connection_list_colleagues_finish (FD_CONNECTION (source), result, &error);
  gboolean any_joined;

  if (self->model == NULL)
    return;
  if (colleagues == NULL)
    {
      fd_conversation_model_report_error (self->model, error);
      return;
    }
  /* Rows are only replaced while the popover is hidden: GTK 4.8 kept a
   * stale focus pointer when a focused row went away under a shown one,
   * and crashed. */
  gtk_popover_popdown (GTK_POPOVER (self));
  fd_list_box_clear (self->list);
  any_joined = FALSE;
  for (guint i = 0; i < colleagues->len; i++)
    {
      const FdColleague *colleague = g_ptr_array_index (colleagues, i);
      g_autofree char *subtitle = colleague_subtitle (colleague);
      GtkWidget *row = fd_list_row_new (colleague->name, subtitle, colleague->name);

      g_object_set_data_full (G_OBJECT (row), "fd-agent-id", g_memdup2 (&colleague->agent_id, sizeof (gint64)),
                              g_free);
      /* Someone not joined, or whose app is closed, cannot take it:
       * shown, not offered. */
      gtk_widget_set_sensitive (row, colleague->joined && colleague->online);
      if (!colleague->joined)
        gtk_widget_set_tooltip_text (row, _("This colleague is not joined to this stream’s queue."));
      else if (!colleague->online)
        gtk_widget_set_tooltip_text (row, _("This colleague is not signed in."));
      any_joined = any_joined || colleague->joined;
      gtk_list_box_append (self->list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reason), !any_joined);
  if (can_transfer (self))
    gtk_popover_popup (GTK_POPOVER (self));
}

void
fd_transfer_popover_load (FdTransferPopover *self)
{
  g_return_if_fail (FD_IS_TRANSFER_POPOVER (self));
  g_return_if_fail (self->model != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  fd_conversation_model_list_colleagues_async (self->model, self->cancellable, on_list_colleagues_cb,
                                               g_object_ref (self));
}

static void
on_list_row_activated_cb (FdTransferPopover *self,
                          GtkListBoxRow     *row)
{
  const gint64 *agent_id = g_object_get_data (G_OBJECT (row), "fd-agent-id");

  if (agent_id == NULL || self->model == NULL || !fd_conversation_model_get_reserved (self->model) ||
      !gtk_widget_get_sensitive (GTK_WIDGET (row)))
    return;
  gtk_popover_popdown (GTK_POPOVER (self));
  fd_conversation_model_transfer (self->model, *agent_id, g_object_get_data (G_OBJECT (row), "fd-payload"));
}

static void
fd_transfer_popover_dispose (GObject *object)
{
  FdTransferPopover *self = FD_TRANSFER_POPOVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_TRANSFER_POPOVER);
  G_OBJECT_CLASS (fd_transfer_popover_parent_class)->dispose (object);
}

static void
fd_transfer_popover_class_init (FdTransferPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_transfer_popover_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-transfer-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, FdTransferPopover, reason);
  gtk_widget_class_bind_template_child (widget_class, FdTransferPopover, list);
  gtk_widget_class_bind_template_callback (widget_class, on_list_row_activated_cb);
}

static void
fd_transfer_popover_init (FdTransferPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
fd_transfer_popover_set_model (FdTransferPopover   *self,
                               FdConversationModel *model)
{
  g_return_if_fail (FD_IS_TRANSFER_POPOVER (self));
  g_set_object (&self->model, model);
}

const char *
fd_transfer_popover_get_reason (FdTransferPopover *self)
{
  g_return_val_if_fail (FD_IS_TRANSFER_POPOVER (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->reason)) ? gtk_label_get_label (self->reason) : NULL;
}

GtkListBox *
fd_transfer_popover_get_list (FdTransferPopover *self)
{
  g_return_val_if_fail (FD_IS_TRANSFER_POPOVER (self), NULL);
  return self->list;
}
