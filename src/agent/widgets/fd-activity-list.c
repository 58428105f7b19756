#define G_LOG_DOMAIN "fd-activity-list"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-accessible.h"
#include "fd-activity-cell.h"
#include "fd-activity-list.h"
#include "fd-crm.h"
#include "fd-format.h"
#include "fd-tick-label.h"
#include "fd-conversation-window.h"
#include "fd-session-list.h"
#include "fd-session.h"

enum {
  COLUMN_ACTIVITY,
  COLUMN_FROM,
  COLUMN_TO,
  COLUMN_DURATION,
  COLUMN_STATUS,
  N_COLUMNS
};

struct _FdActivityList
{
  FdSessionList       parent_instance;

  GtkWidget          *scroller;
  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  GMenuModel         *callback_unreserved_menu;
  GMenuModel         *callback_reserved_menu;
  GMenuModel         *shown_menu;       /* the last menu_for() */
  GMenuModel         *unreserved_menu;
  GMenuModel         *reserved_menu;
  GtkColumnViewColumn *columns[N_COLUMNS];

  /* The cells bound now whose text moves with the clock (Duration,
   * Status): the one handler on the rows' shared clock updates these. */
  GHashTable         *ticking;
  FdActivityClock    *clock;
  gulong              clock_id;

  /* The selected row, whose "reserved" changes the menu's actions: one
   * handler on that row, not one per row. */
  FdConversationItem *watched;
  gulong              watched_id;
};

G_DEFINE_FINAL_TYPE (FdActivityList, fd_activity_list, FD_TYPE_SESSION_LIST)

/* The Status cell: the model's status, and the bounce countdown of an
 * offer after a dot, so the agent sees how long the offer stays. */
static char *
status_text (const char *status,
             const char *countdown)
{
  if (countdown == NULL || *countdown == '\0')
    return g_strdup (status ? status : "");
  return g_strdup_printf ("%s · %s", status ? status : "", countdown);
}

/* A row's accessible name (given by the Activity cell; its
 * description is the To text): what a screen reader says on the row,
 * without the ticking duration and countdown, which are in their cells. */
static char *
row_label (const char *activity,
           const char *from,
           const char *status)
{
  /* TRANSLATORS: an Activity List row for a screen reader, e.g. "WebChat from Ada Lovelace, Reserved". */
  return g_strdup_printf (_("%s from %s, %s"), activity ? activity : "", from ? from : "", status ? status : "");
}

/* GTK 4.8 names the column view's header row and its titles after their
 * types over AT-SPI: name them after the columns. The header row is the
 * column view's first child, its titles are its children in column order. */
static void
name_header_row (FdActivityList *self)
{
  GtkWidget *header = NULL;
  g_autofree char *titles = fd_accessible_name_column_titles (self->column_view, &header);
  g_autofree char *label = NULL;

  if (titles == NULL)
    return;
  /* TRANSLATORS: the Activity List's header row for a screen reader; %s lists the column titles. */
  label = g_strdup_printf (_("Columns: %s"), titles);
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static char *
cell_text (FdConversationItem *item,
           guint               column)
{
  if (column == COLUMN_STATUS)
    return status_text (fd_conversation_item_get_status (item),
                        fd_conversation_item_get_countdown (item));
  switch (column)
    {
    case COLUMN_ACTIVITY: return g_strdup (fd_conversation_item_get_activity (item));
    case COLUMN_FROM: return g_strdup (fd_conversation_item_get_from (item));
    case COLUMN_TO: return g_strdup (fd_conversation_item_get_to (item));
    case COLUMN_DURATION: return g_strdup (fd_conversation_item_get_duration (item));
    default: g_assert_not_reached ();
    }
}

static FdConnection *
get_connection (FdActivityList *self)
{
  return fd_session_list_get_connection (FD_SESSION_LIST (self));
}

static GCancellable *
get_cancellable (FdActivityList *self)
{
  return fd_session_list_get_cancellable (FD_SESSION_LIST (self));
}

static FdConversationItem *
selected_item (FdActivityList *self)
{
  /* Disposed: the template's objects are gone. */
  if (self->selection == NULL)
    return NULL;
  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
is_callback (FdConversationItem *item)
{
  return fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK;
}

static void
update_actions (FdActivityList *self)
{
  FdConversationItem *item = selected_item (self);
  gboolean online = get_connection (self) != NULL && item != NULL;
  gboolean reserved = item && fd_conversation_item_get_reserved (item);
  gboolean callback = item && is_callback (item);
  gboolean has_number = callback && fd_conversation_item_get_conversation (item)->callback_number != NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "activity.reserve", online && !reserved);
  gtk_widget_action_set_enabled (widget, "activity.reject", online && !reserved && !callback);
  gtk_widget_action_set_enabled (widget, "activity.open", online);
  gtk_widget_action_set_enabled (widget, "activity.perform-callback", online && callback && !reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.call-number", online && callback && reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.copy-number", callback && reserved && has_number);
  gtk_widget_action_set_enabled (widget, "activity.close-callback", online && callback && reserved);
  /* Shown always, as the guide lists it; enabled with an https record
   * (the label says why not otherwise, see menu_for()). */
  gtk_widget_action_set_enabled (widget, "activity.show-crm",
                                 item != NULL && fd_format_crm_record_url (fd_conversation_item_get_conversation (item)->contact) != NULL);
  gtk_widget_action_set_enabled (widget, "activity.add-crm-log",
                                 online && reserved && fd_connection_get_crm_provider (get_connection (self)) != NULL);
  gtk_widget_action_set_enabled (widget, "activity.menu", item != NULL);
}

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

static void
popup_menu (FdActivityList *self,
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
  popup_menu (FD_ACTIVITY_LIST (widget), 48, 48);
}

/* --- cells ----------------------------------------------------------------- */

/* Where the list item of a cell's child is kept (no reference: the list
 * item owns the child). */
static GQuark
list_item_quark (void)
{
  return g_quark_from_static_string ("fd-activity-list-item");
}

/* A right-click on any cell of a row (the column view's one gesture, in
 * the capture phase) selects the row and opens its menu there. */
static void
on_column_view_right_click_cb (GtkGestureClick *gesture,
                               int              n_press,
                               double           x,
                               double           y,
                               FdActivityList  *self)
{
  GtkWidget *view = GTK_WIDGET (self->column_view);
  GtkListItem *list_item = NULL;
  graphene_point_t point;
  guint position;

  for (GtkWidget *widget = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != view && list_item == NULL;
       widget = gtk_widget_get_parent (widget))
    list_item = g_object_get_qdata (G_OBJECT (widget), list_item_quark ());
  /* The header, or between the rows: GTK's own handling. */
  if (list_item == NULL || (position = gtk_list_item_get_position (list_item)) == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  if (!gtk_widget_compute_point (view, GTK_WIDGET (self), &GRAPHENE_POINT_INIT ((float) x, (float) y), &point))
    point = GRAPHENE_POINT_INIT (0, 0);
  popup_menu (self, point.x, point.y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* One cell: its widget is made once (setup) and given the row's texts
 * on bind and when the row or the clock changes; nothing else per row. */
typedef struct {
  FdActivityList     *self;     /* not a reference: the list outlives its cells */
  guint               column;
  GtkWidget          *widget;   /* an FdActivityCell (Activity), else an FdTickLabel */
  FdConversationItem *item;     /* bound; a reference */
  gulong              notify_id;
} Cell;

static GQuark
cell_quark (void)
{
  return g_quark_from_static_string ("fd-activity-cell");
}

static void
update_cell (Cell *cell)
{
  FdConversationItem *item = cell->item;
  g_autofree char *text = NULL;

  if (item == NULL)
    return;
  text = cell_text (item, cell->column);
  if (cell->column == COLUMN_ACTIVITY)
    {
      FdActivityCell *activity = FD_ACTIVITY_CELL (cell->widget);
      g_autofree char *label = row_label (fd_conversation_item_get_activity (item),
                                          fd_conversation_item_get_from (item),
                                          fd_conversation_item_get_status (item));

      fd_activity_cell_set_icon_name (activity, fd_conversation_item_get_icon_name (item));
      fd_activity_cell_set_label (activity, text);
      fd_activity_cell_set_row_name (activity, label, fd_conversation_item_get_to (item));
    }
  else
    fd_tick_label_set_label (FD_TICK_LABEL (cell->widget), text);
}

/* The texts of the row changed (an event, a name, a setting). */
static void
on_cell_item_notify_cb (FdConversationItem *item,
                        GParamSpec         *pspec,
                        Cell               *cell)
{
  update_cell (cell);
}

static gboolean
column_ticks (guint column)
{
  return column == COLUMN_DURATION || column == COLUMN_STATUS;
}

static void
cell_free (Cell *cell)
{
  g_assert (cell->item == NULL);
  g_free (cell);
}

static void
on_factory_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     FdActivityList           *self)
{
  Cell *cell = g_new0 (Cell, 1);

  cell->self = self;
  cell->column = GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (factory), cell_quark ()));
  /* One widget per cell that draws its own text (and the Activity cell's
   * icon, and names the row): GTK 4.8 keeps 200 rows of them
   * (docs/performance.md, "Session 9: lighter cells"). */
  if (cell->column == COLUMN_ACTIVITY)
    cell->widget = fd_activity_cell_new ();
  else
    cell->widget = g_object_new (FD_TYPE_TICK_LABEL, NULL);
  if (cell->column == COLUMN_DURATION)
    gtk_widget_add_css_class (cell->widget, "numeric");
  g_object_set_qdata (G_OBJECT (cell->widget), list_item_quark (), list_item);
  g_object_set_qdata_full (G_OBJECT (list_item), cell_quark (), cell, (GDestroyNotify) cell_free);
  gtk_list_item_set_child (list_item, cell->widget);
}

static void
on_factory_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    FdActivityList           *self)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (list_item), cell_quark ());

  g_assert (cell->item == NULL);
  cell->item = g_object_ref (gtk_list_item_get_item (list_item));
  /* The model notifies a row's texts only when an event changed them. */
  cell->notify_id = g_signal_connect (cell->item, "notify", G_CALLBACK (on_cell_item_notify_cb), cell);
  if (column_ticks (cell->column))
    g_hash_table_add (self->ticking, cell);
  update_cell (cell);
}

static void
on_factory_unbind_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      FdActivityList           *self)
{
  Cell *cell = g_object_get_qdata (G_OBJECT (list_item), cell_quark ());

  if (cell == NULL || cell->item == NULL)
    return;
  g_clear_signal_handler (&cell->notify_id, cell->item);
  g_clear_object (&cell->item);
  if (self->ticking != NULL)
    g_hash_table_remove (self->ticking, cell);
}

static void
on_factory_teardown_cb (GtkSignalListItemFactory *factory,
                        GtkListItem              *list_item,
                        FdActivityList           *self)
{
  on_factory_unbind_cb (factory, list_item, self);
  g_object_set_qdata (G_OBJECT (list_item), cell_quark (), NULL);
  gtk_list_item_set_child (list_item, NULL);
}

/* The rows' shared clock moved (once a second): the cells on screen whose
 * text is a time read their row again (docs/app.md, "Display formats");
 * rows off screen cost nothing. */
static void
on_clock_now_notify_cb (FdActivityClock *clock,
                        GParamSpec      *pspec,
                        FdActivityList  *self)
{
  GHashTableIter iter;
  gpointer cell;

  g_hash_table_iter_init (&iter, self->ticking);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    update_cell (cell);
}

static void
follow_clock (FdActivityList  *self,
              FdActivityClock *clock)
{
  if (self->clock == clock)
    return;
  if (self->clock != NULL)
    g_clear_signal_handler (&self->clock_id, self->clock);
  g_set_object (&self->clock, clock);
  if (clock != NULL)
    self->clock_id = g_signal_connect (clock, "notify::now", G_CALLBACK (on_clock_now_notify_cb), self);
}

static void
set_up_columns (FdActivityList *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_object_set_qdata (G_OBJECT (factory), cell_quark (), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (on_factory_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (on_factory_bind_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (on_factory_unbind_cb), self);
      g_signal_connect (factory, "teardown", G_CALLBACK (on_factory_teardown_cb), self);
      gtk_column_view_column_set_factory (self->columns[i], factory);
    }
}

static void
on_item_reserved_notify_cb (FdConversationItem *item,
                            GParamSpec         *pspec,
                            FdActivityList     *self)
{
  update_actions (self);
}

static void
unwatch_selected (FdActivityList *self)
{
  if (self->watched != NULL)
    g_clear_signal_handler (&self->watched_id, self->watched);
  g_clear_object (&self->watched);
}

/* Follows "reserved" of the selected row only. */
static void
watch_selected (FdActivityList *self)
{
  FdConversationItem *item = selected_item (self);

  if (item == self->watched)
    return;
  unwatch_selected (self);
  if (item == NULL)
    return;
  self->watched = g_object_ref (item);
  self->watched_id = g_signal_connect (item, "notify::reserved", G_CALLBACK (on_item_reserved_notify_cb), self);
}

static void
on_selection_changed_cb (GtkSelectionModel *model,
                         guint              position,
                         guint              n_items,
                         FdActivityList    *self)
{
  watch_selected (self);
  update_actions (self);
}

static void
on_model_items_changed_cb (GListModel     *model,
                           guint           position,
                           guint           removed,
                           guint           added,
                           FdActivityList *self)
{
  watch_selected (self);
  update_actions (self);
}

static void
on_column_view_activate_cb (GtkColumnView  *view,
                            guint           position,
                            FdActivityList *self)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self), "activity.open", NULL);
}

/* The session's conversations, sorted by the column headers, each with
 * its "reserved" followed. */
static void
fd_activity_list_bind (FdSessionList *list,
                       FdConnection  *connection)
{
  FdActivityList *self = FD_ACTIVITY_LIST (list);
  g_autoptr(GtkSortListModel) sorted = NULL;
  GListModel *rows;

  if (connection == NULL)
    {
      gtk_single_selection_set_model (self->selection, NULL);
      follow_clock (self, NULL);
      watch_selected (self);
      update_actions (self);
      return;
    }
  rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (connection)));
  follow_clock (self, fd_activity_model_get_clock (FD_ACTIVITY_MODEL (rows)));
  /* The model keeps arrival order; the column headers sort the view. */
  sorted = gtk_sort_list_model_new (g_object_ref (rows),
                                    g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (sorted));
  watch_selected (self);
  update_actions (self);
}

static void
fd_activity_list_dispose (GObject *object)
{
  FdActivityList *self = FD_ACTIVITY_LIST (object);

  unwatch_selected (self);
  follow_clock (self, NULL);
  g_clear_object (&self->shown_menu);
  G_OBJECT_CLASS (fd_activity_list_parent_class)->dispose (object);
}

/* After the template's column view, whose cells leave the set as they go. */
static void
fd_activity_list_finalize (GObject *object)
{
  FdActivityList *self = FD_ACTIVITY_LIST (object);

  g_clear_pointer (&self->ticking, g_hash_table_unref);
  G_OBJECT_CLASS (fd_activity_list_parent_class)->finalize (object);
}

static void
fd_activity_list_class_init (FdActivityListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = fd_activity_list_dispose;
  G_OBJECT_CLASS (klass)->finalize = fd_activity_list_finalize;
  FD_SESSION_LIST_CLASS (klass)->bind = fd_activity_list_bind;

  /* The template's sorters name the item type. */
  g_type_ensure (FD_TYPE_CONVERSATION_ITEM);
  fd_session_list_class_set_template (widget_class, "fd-activity-list", "activity.menu");
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, scroller);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, column_view);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, selection);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, callback_unreserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, callback_reserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, unreserved_menu);
  gtk_widget_class_bind_template_child (widget_class, FdActivityList, reserved_menu);
  gtk_widget_class_bind_template_child_full (widget_class, "activity_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_ACTIVITY]));
  gtk_widget_class_bind_template_child_full (widget_class, "from_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_FROM]));
  gtk_widget_class_bind_template_child_full (widget_class, "to_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_TO]));
  gtk_widget_class_bind_template_child_full (widget_class, "duration_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_DURATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "status_column", FALSE,
                                             G_STRUCT_OFFSET (FdActivityList, columns[COLUMN_STATUS]));
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_right_click_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_model_items_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_column_view_activate_cb);

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

static void
fd_activity_list_init (FdActivityList *self)
{
  self->ticking = g_hash_table_new (NULL, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  set_up_columns (self);
  fd_session_list_follow_menu (FD_SESSION_LIST (self), GTK_WIDGET (self->column_view));
  name_header_row (self);
  update_actions (self);
}

GtkWidget *
fd_activity_list_new (void)
{
  return g_object_new (FD_TYPE_ACTIVITY_LIST, NULL);
}

void
fd_activity_list_select (FdActivityList *self,
                         guint           position)
{
  g_return_if_fail (FD_IS_ACTIVITY_LIST (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->selection)));
  gtk_single_selection_set_selected (self->selection, position);
}

gpointer
fd_activity_list_get_selected (FdActivityList *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), NULL);
  return selected_item (self);
}

char *
fd_activity_list_dup_cell_text (FdActivityList *self,
                                guint           position,
                                guint           column)
{
  g_autoptr(FdConversationItem) item = NULL;

  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), NULL);
  g_return_val_if_fail (column < N_COLUMNS, NULL);
  item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  if (item == NULL)
    return NULL;
  return cell_text (item, column);
}

guint
fd_activity_list_get_n_rows (FdActivityList *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_LIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->selection));
}
