#define G_LOG_DOMAIN "fd-activity-list"

/* The Activity List's actions and their keys (docs/app.md, "Activity
 * List"): reserve, reject, open, perform a callback (the dialer, its
 * outcome), copy the number, close a callback, the CRM items, and the
 * row menus per conversation type and state. */

#include <glib/gi18n.h>

#include "fd-activity-list-private.h"
#include "fd-conversation-window.h"
#include "fd-crm.h"
#include "fd-format.h"

static void
toast_error (FdActivityList *self,
             const char     *what,
             const GError   *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = g_strdup_printf ("%s %s", what, error->message);
  fd_session_list_toast (FD_SESSION_LIST (self), text);
}

/* --- actions --------------------------------------------------------------- */

typedef enum {
  AFTER_NOTHING,
  AFTER_CALL,
} AfterReserve;

typedef struct {
  FdActivityList *self;
  gint64          id;
  AfterReserve    after;
} RequestData;

static RequestData *
request_data_new (FdActivityList *self,
                  gint64          id,
                  AfterReserve    after)
{
  RequestData *data = g_new0 (RequestData, 1);

  data->self = g_object_ref (self);
  data->id = id;
  data->after = after;
  return data;
}

static void
request_data_free (RequestData *data)
{
  g_object_unref (data->self);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RequestData, request_data_free)

static void call_number (FdActivityList *self, gint64 id);

static void
on_reserve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RequestData) data = user_data;
  g_autoptr(GError) error = NULL;
  FdConversation *conversation = fd_connection_reserve_finish (FD_CONNECTION (source), result, &error);

  if (conversation == NULL)
    {
      toast_error (data->self, _("Could not reserve the conversation."), error);
      return;
    }
  fd_conversation_free (conversation);
  if (data->after == AFTER_CALL)
    call_number (data->self, data->id);
}

static void
reserve (FdActivityList *self,
         gint64          id,
         AfterReserve    after)
{
  fd_connection_reserve_async (get_connection (self), id, get_cancellable (self), on_reserve_cb,
                               request_data_new (self, id, after));
}

static void
activity_reserve_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item != NULL && get_connection (self) != NULL && !fd_conversation_item_get_reserved (item))
    reserve (self, fd_conversation_item_get_id (item), AFTER_NOTHING);
}

static void
on_reject_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RequestData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_reject_finish (FD_CONNECTION (source), result, &error))
    toast_error (data->self, _("Could not reject the conversation."), error);
}

static void
activity_reject_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item == NULL || get_connection (self) == NULL || fd_conversation_item_get_reserved (item))
    return;
  fd_connection_reject_async (get_connection (self), fd_conversation_item_get_id (item), get_cancellable (self),
                              on_reject_cb, request_data_new (self, fd_conversation_item_get_id (item), AFTER_NOTHING));
}

static void
open_conversation (FdActivityList *self,
                   gint64          id)
{
  FdConversationWindow *window;

  /* The application knows which window a conversation gets (a Web Chat has
   * its own); without one, as in tests of the list alone, the read-only
   * transcript opens. */
  if (gtk_widget_activate_action (GTK_WIDGET (self), "app.open-conversation", "x", id))
    return;
  window = fd_conversation_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       get_connection (self), id);
  gtk_window_present (GTK_WINDOW (window));
}

static void
activity_open_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item == NULL || get_connection (self) == NULL)
    return;
  /* The guide: double-clicking an unreserved callback reserves it and
   * performs it at once. */
  if (is_callback (item) && !fd_conversation_item_get_reserved (item))
    {
      if (fd_conversation_item_get_conversation (item)->callback_number != NULL)
        reserve (self, fd_conversation_item_get_id (item), AFTER_CALL);
      return;
    }
  open_conversation (self, fd_conversation_item_get_id (item));
}

static void
activity_perform_callback_cb (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item != NULL && get_connection (self) != NULL && is_callback (item) && !fd_conversation_item_get_reserved (item))
    reserve (self, fd_conversation_item_get_id (item), AFTER_CALL);
}

static void
on_callback_attempt_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(RequestData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_callback_attempt_finish (FD_CONNECTION (source), result, &error))
    toast_error (data->self, _("Could not record the call attempt."), error);
}

static void
on_outcome_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        FdActivityList   *self)
{
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "fd-id"));
  FdCallOutcome outcome;

  if (get_connection (self) != NULL)
    fd_call_state_end (fd_session_get_call_state (fd_connection_get_session (get_connection (self))), id);
  if (get_connection (self) == NULL || !fd_call_outcome_from_string (response, &outcome))
    return;
  fd_connection_callback_attempt_async (get_connection (self), id, outcome, get_cancellable (self),
                                        on_callback_attempt_cb, request_data_new (self, id, AFTER_NOTHING));
}

static void
copy_number (FdActivityList *self,
             const char     *number)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), number);
  fd_session_list_toast (FD_SESSION_LIST (self), _("Number copied"));
}

static void
on_call_failed_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            FdActivityList   *self)
{
  if (g_strcmp0 (response, "copy") == 0)
    copy_number (self, g_object_get_data (G_OBJECT (dialog), "fd-number"));
}

/* The call did not start: say why, offer the number to dial elsewhere,
 * and ask nothing about a call that never happened. A desktop without a
 * tel: handler answers "Operation not supported" (GIO's words), which is
 * said here in the agent's terms. */
static void
call_failed (FdActivityList *self,
             const char     *number,
             const GError   *error)
{
  gboolean no_app = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) ||
                    g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  GtkWidget *dialog;

  if (no_app)
    dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                     _("No Phone App"),
                                     _("No app on this computer handles phone calls. "
                                       "Copy the number to dial it on a phone."));
  else
    {
      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       _("Could Not Start the Call"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("The phone app did not start (%s). Copy the number to dial it on a phone."),
                                      error->message);
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"),
                                    "copy", _("_Copy Number"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "copy");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "fd-number", g_strdup (number), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_call_failed_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The dialer started: ask how the call went so that the attempt is
 * recorded for the conversation. */
static void
ask_outcome (FdActivityList *self,
             gint64          id,
             const char     *from)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                              _("How Did the Call Go?"), NULL);

  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("The call to %s is recorded with its outcome."),
                                  from);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Do Not Record"),
                                    fd_call_outcome_to_string (FD_CALL_NO_ANSWER), _("_No Answer"),
                                    fd_call_outcome_to_string (FD_CALL_BUSY), _("_Busy"),
                                    fd_call_outcome_to_string (FD_CALL_VOICEMAIL), _("_Voicemail"),
                                    fd_call_outcome_to_string (FD_CALL_ANSWERED), _("_Answered"),
                                    NULL);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "fd-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_outcome_response_cb), self, 0);
  /* Not modal: the agent keeps working in the app while on the phone. */
  gtk_window_set_modal (GTK_WINDOW (dialog), FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  FdActivityList *self;
  gint64          id;
  char           *number;
  char           *from;
} CallData;

static void
call_data_free (CallData *data)
{
  g_object_unref (data->self);
  g_free (data->number);
  g_free (data->from);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CallData, call_data_free)

static void
on_launch_uri_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CallData) data = user_data;
  g_autoptr(GError) error = NULL;
  FdActivityList *self = data->self;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    {
      ask_outcome (self, data->id, data->from);
      return;
    }
  /* No call: the next one may start at once. */
  if (get_connection (self) != NULL)
    fd_call_state_end (fd_session_get_call_state (fd_connection_get_session (get_connection (self))), data->id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("Could not start a call: %s", error->message);
  call_failed (self, data->number, error);
}

/* Hands a tel: URI to the desktop's dialer; once it started, asks how the
 * call went (ask_outcome), else says why not (call_failed). */
static void
call_number (FdActivityList *self,
             gint64          id)
{
  FdSession *session;
  FdConversationItem *item;
  const char *number;
  g_autofree char *escaped = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  CallData *data;

  if (get_connection (self) == NULL)
    return;
  session = fd_connection_get_session (get_connection (self));
  item = fd_activity_model_lookup (fd_session_get_activity_model (session), id);
  if (item == NULL || (number = fd_conversation_item_get_conversation (item)->callback_number) == NULL)
    return;
  /* One call at a time: the agent says how a call went before the next. */
  if (!fd_call_state_begin (fd_session_get_call_state (session), id,
                            fd_conversation_item_get_from (item), &error))
    {
      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       _("Already on a Call"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  escaped = g_uri_escape_string (number, "+", FALSE);
  uri = g_strconcat ("tel:", escaped, NULL);
  data = g_new0 (CallData, 1);
  data->self = g_object_ref (self);
  data->id = id;
  data->number = g_strdup (number);
  data->from = g_strdup (fd_conversation_item_get_from (item));
  g_app_info_launch_default_for_uri_async (uri, NULL, get_cancellable (self), on_launch_uri_cb, data);
}

static void
activity_call_number_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item != NULL && is_callback (item) && fd_conversation_item_get_reserved (item))
    call_number (self, fd_conversation_item_get_id (item));
}

static void
activity_copy_number_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);
  const char *number;

  if (item == NULL || !is_callback (item) ||
      (number = fd_conversation_item_get_conversation (item)->callback_number) == NULL)
    return;
  copy_number (self, number);
}

static void
on_close_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RequestData) data = user_data;
  g_autoptr(GError) error = NULL;
  FdConversation *conversation = fd_connection_close_conversation_finish (FD_CONNECTION (source), result, &error);

  if (conversation == NULL)
    {
      toast_error (data->self, _("Could not close the callback."), error);
      return;
    }
  fd_conversation_free (conversation);
}

static void
activity_close_callback_cb (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);

  if (item == NULL || get_connection (self) == NULL || !is_callback (item) || !fd_conversation_item_get_reserved (item))
    return;
  fd_connection_close_conversation_async (get_connection (self), fd_conversation_item_get_id (item),
                                          get_cancellable (self), on_close_cb,
                                          request_data_new (self, fd_conversation_item_get_id (item), AFTER_NOTHING));
}

static void
activity_show_crm_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FdConversationItem *item = selected_item (FD_ACTIVITY_LIST (widget));
  GtkRoot *root = gtk_widget_get_root (widget);

  if (item == NULL ||
      !fd_crm_show_contact (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            fd_conversation_item_get_conversation (item)->contact))
    fd_session_list_toast (FD_SESSION_LIST (widget), _("This customer has no record in the CRM"));
}

static void
activity_add_crm_log_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  FdActivityList *self = FD_ACTIVITY_LIST (widget);
  FdConversationItem *item = selected_item (self);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (item == NULL || get_connection (self) == NULL)
    return;
  fd_crm_add_log_entry (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, get_connection (self),
                        fd_conversation_item_get_id (item));
}

/* The guide's menus (ui/fd-activity-list.ui), per conversation type and
 * state. */
static GMenuModel *
template_menu_for (FdActivityList     *self,
                   FdConversationItem *item)
{
  gboolean reserved = fd_conversation_item_get_reserved (item);

  if (is_callback (item))
    return reserved ? self->callback_reserved_menu : self->callback_unreserved_menu;
  return reserved ? self->reserved_menu : self->unreserved_menu;
}

/* The template's menu with the CRM items as the CRM allows (issue 15):
 * "Show CRM Contact" says why it is off (GMenu items have no tooltip in
 * GTK 4.8), and a reserved conversation of an organization with a CRM
 * offers "Add CRM Log Entry" (a callback has no window of its own). */
static GMenuModel *
menu_for (FdActivityList     *self,
          FdConversationItem *item)
{
  GMenuModel *model = template_menu_for (self, item);
  FdConnection *connection = get_connection (self);
  gboolean has_crm = connection != NULL && fd_connection_get_crm_provider (connection) != NULL;
  gboolean has_record = fd_format_crm_record_url (fd_conversation_item_get_conversation (item)->contact) != NULL;
  GMenu *menu = g_menu_new ();

  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuItem) copy = g_menu_item_new_from_model (model, i);
      g_autofree char *action = NULL;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action) &&
          g_strcmp0 (action, "activity.show-crm") == 0)
        {
          g_menu_item_set_label (copy, has_record ? _("Show CRM _Contact")
                                 : has_crm ? _("Show CRM Contact (No match in the CRM)")
                                 : _("Show CRM Contact (No CRM is configured)"));
          if (has_crm && fd_conversation_item_get_reserved (item))
            {
              g_menu_append_item (menu, copy);
              g_menu_append (menu, _("Add CRM _Log Entry"), "activity.add-crm-log");
              continue;
            }
        }
      g_menu_append_item (menu, copy);
    }
  g_set_object (&self->shown_menu, G_MENU_MODEL (menu));
  g_object_unref (menu);
  return self->shown_menu;
}

void
_fd_activity_list_popup_menu (FdActivityList *self,
                              double          x,
                              double          y)
{
  FdConversationItem *item = selected_item (self);
  GtkPopover *menu = fd_session_list_get_menu (FD_SESSION_LIST (self));
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  if (item == NULL)
    return;
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (menu), menu_for (self, item));
  gtk_popover_set_pointing_to (menu, &rect);
  gtk_popover_popup (menu);
}

static void
activity_menu_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  /* The keyboard has no pointer position: open near the top left. */
  _fd_activity_list_popup_menu (FD_ACTIVITY_LIST (widget), 48, 48);
}

void
_fd_activity_list_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "activity.reserve", NULL, activity_reserve_cb);
  gtk_widget_class_install_action (widget_class, "activity.reject", NULL, activity_reject_cb);
  gtk_widget_class_install_action (widget_class, "activity.open", NULL, activity_open_cb);
  gtk_widget_class_install_action (widget_class, "activity.perform-callback", NULL, activity_perform_callback_cb);
  gtk_widget_class_install_action (widget_class, "activity.call-number", NULL, activity_call_number_cb);
  gtk_widget_class_install_action (widget_class, "activity.copy-number", NULL, activity_copy_number_cb);
  gtk_widget_class_install_action (widget_class, "activity.close-callback", NULL, activity_close_callback_cb);
  gtk_widget_class_install_action (widget_class, "activity.show-crm", NULL, activity_show_crm_cb);
  gtk_widget_class_install_action (widget_class, "activity.add-crm-log", NULL, activity_add_crm_log_cb);
  gtk_widget_class_install_action (widget_class, "activity.menu", NULL, activity_menu_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "activity.reserve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "activity.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "activity.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "activity.copy-number", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "activity.close-callback", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "activity.perform-callback", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "activity.call-number", NULL);
}
