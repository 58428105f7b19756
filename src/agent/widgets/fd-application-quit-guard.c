#define G_LOG_DOMAIN "fd-application"

/* The guard before quitting or signing out (docs/app.md, "The window"):
 * the agent first transfers or closes every reserved conversation; a
 * dialog lists the ones still open. A reserved callback does not count:
 * it waits with the agent across sessions. */

#include <glib/gi18n.h>

#include "fd-application-private.h"

gboolean
fd_application_check_can_leave (FdApplication *self,
                                GtkWindow     *parent)
{
  FdActivityModel *model;
  g_autoptr(GString) body = NULL;
  GtkWidget *dialog;
  guint n;

  g_return_val_if_fail (FD_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);

  if (self->connection == NULL)
    return TRUE;
  model = fd_session_get_activity_model (fd_connection_get_session (self->connection));
  n = fd_activity_model_count_reserved (model);
  if (n == 0)
    return TRUE;

  body = g_string_new (g_dngettext (NULL, "Transfer or close this conversation first:",
                                    "Transfer or close these conversations first:", n));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      /* A reserved callback waits with the agent across sessions. */
      if (!fd_conversation_item_get_reserved (item) ||
          fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK)
        continue;
      g_string_append (body, "\n• ");
      /* Translators: "WebChat with Natalie Maines". */
      g_string_append_printf (body, _("%s with %s"), fd_conversation_item_get_activity (item),
                              fd_conversation_item_get_from (item));
    }

  if (parent == NULL)
    parent = GTK_WINDOW (_fd_application_main_window (self));
  dialog = adw_message_dialog_new (parent, g_dngettext (NULL, "Conversation Still Open",
                                                       "Conversations Still Open", n),
                                  body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_OK"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}
