#define G_LOG_DOMAIN "fd-message-state"

#include <glib/gi18n.h>

#include "fd-message-state.h"

void
fd_message_state_show (FdMessageItem *item,
                       const char    *refused,
                       GtkLabel      *state_label,
                       GtkLabel      *reason_label,
                       GtkWidget     *retry_button)
{
  g_autofree char *text = NULL;
  const char *reason;
  gboolean failed = FALSE;

  switch (fd_message_item_get_send_state (item))
    {
    case FD_SEND_STATE_SENDING:
      text = g_strdup (_("Sending…"));
      break;
    case FD_SEND_STATE_FAILED:
      text = g_strdup_printf (_("Not sent: %s"), fd_message_item_get_error (item));
      failed = TRUE;
      break;
    case FD_SEND_STATE_SENT:
    default:
      /* The reply's place in the server's outbox, the server's word. */
      reason = fd_message_item_get_delivery_reason (item);
      switch (fd_message_item_get_delivery_state (item))
        {
        case FD_DELIVERY_STATUS_QUEUED:
          text = g_strdup (_("Queued"));
          break;
        case FD_DELIVERY_STATUS_SENT:
          text = g_strdup (_("Sent"));
          break;
        case FD_DELIVERY_STATUS_FAILED:
          text = g_strdup_printf (_("Failed: %s"), reason != NULL && *reason != '\0' ? reason : refused);
          failed = TRUE;
          break;
        case FD_DELIVERY_STATUS_NONE:
        default:
          break;
        }
      break;
    }
  gtk_label_set_text (state_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (state_label), text);
  gtk_widget_set_visible (GTK_WIDGET (state_label), text != NULL);
  if (failed)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (state_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (state_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (state_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (state_label), "dim-label");
    }
  gtk_widget_set_visible (retry_button, failed);
  /* The header line is short: the whole of the reason under the text. */
  gtk_label_set_text (reason_label, failed && text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (reason_label), failed);
}
