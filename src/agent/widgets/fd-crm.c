#define G_LOG_DOMAIN "fd-crm"

#include <glib/gi18n.h>

#include "fd-crm.h"
#include "fd-crm-log-dialog.h"
#include "fd-format.h"

static void
on_launched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Could Not Open the CRM"), NULL));
  adw_message_dialog_format_body (dialog, _("The browser did not open the contact’s record (%s)."), error->message);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
fd_crm_show_contact (GtkWindow       *parent,
                     const FdContact *contact)
{
  const char *url = fd_format_crm_record_url (contact);

  if (url == NULL)
    return FALSE;
  g_app_info_launch_default_for_uri_async (url, NULL, NULL, on_launched_cb,
                                           parent != NULL ? g_object_ref (parent) : NULL);
  return TRUE;
}

GtkWindow *
fd_crm_add_log_entry (GtkWindow    *parent,
                      FdConnection *connection,
                      gint64        conversation_id)
{
  FdCrmLogDialog *dialog = fd_crm_log_dialog_new (parent, connection, conversation_id,
                                                  fd_connection_get_crm_user (connection));

  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}
