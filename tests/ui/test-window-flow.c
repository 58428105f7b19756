#define G_LOG_DOMAIN "test-window"

/* /ui/window/flow: the app's window signing in through the sign-in page,
 * joining queues, a visitor's chat as a row, reserve, a second agent
 * losing the row, the last-agent warning, the quit guard, a server
 * restart with the banner, a screenshot; then a later start signing in
 * by itself and signing out. */

#include <glib/gstdio.h>

#include "fd-activity-cell.h"
#include "fd-activity-log.h"
#include "fd-attachment-cache.h"
#include "fd-secrets.h"
#include "fd-session.h"
#include "fd-tick-label.h"
#include "fd-wallboard.h"

#include "test-window.h"

/* --- the test ---------------------------------------------------------------- */

static void
run_flow (FdApplication *app,
          FdTestServer  *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestVisitor) v1 = NULL;
  g_autoptr(FdTestVisitor) v2 = NULL;
  g_autoptr(FdTestVisitor) v3 = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *email = NULL;
  g_autoptr(FdSecrets) secrets = NULL;
  FdWindow *window;
  FdWindow *window2;
  FdActivityList *list;
  AdwMessageDialog *dialog;
  FdChatWindow *conversation;
  gint64 reserved_id;
  int row;
  int support;

  window = fd_test_ui_app_window (app);
  g_assert_nonnull (window);
  g_object_ref (window);
  g_assert_cmpstr (fd_window_get_page (window), ==, "sign-in");
  g_assert_false (fd_window_get_views_enabled (window));

  /* A wrong password: a sentence on the page, still the page. */
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (server),
                          FD_TEST_JENNA_EMAIL, "not-the-password");
  fd_test_ui_wait (has_sign_in_error, window, "the sign-in error");
  g_assert_cmpstr (fd_window_get_page (window), ==, "sign-in");
  g_assert_cmpuint (strlen (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window))), >, 10);
  g_assert_null (fd_application_get_connection (app));

  /* Bad input is refused by the page itself. */
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), "ftp://x", FD_TEST_JENNA_EMAIL, "x");
  g_assert_cmpstr (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window)), ==,
                   "The server address must start with http:// or https://.");

  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  g_assert_null (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window)));
  /* Signed in: the header offers the views, starting with the Activity List. */
  g_assert_true (fd_window_get_views_enabled (window));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  g_assert_false (fd_window_set_view (window, "no-such-view"));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  /* The Activity Log and the Wallboard are built when first shown, not
   * at sign-in (docs/performance.md, "Session 8: RSS"); shown once, they
   * stay built. */
  g_assert_null (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD));
  g_assert_null (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG));
  g_assert_true (fd_window_set_view (window, "log"));
  g_assert_true (fd_window_set_view (window, "wallboard"));
  fd_test_ui_spin (200);
  g_assert_true (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD)));
  g_assert_nonnull (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG));
  g_assert_true (fd_window_set_view (window, "activity"));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  /* The views not shown are not mapped, so their timers and the Activity
   * Log's spinner stay off (an idle app draws nothing). */
  fd_test_ui_spin (200);
  g_assert_false (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD)));
  g_assert_false (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG)));
  GtkWidget *log_spinner = fd_test_ui_find_descendant (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG),
                                                       GTK_TYPE_SPINNER);
  g_assert_nonnull (log_spinner);
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (log_spinner)));
  email = g_settings_get_string (fd_application_get_settings (app), "email");
  g_assert_cmpstr (email, ==, FD_TEST_JENNA_EMAIL);

  /* The token and password went to the keyring, not to the settings. */
  secrets = fd_secrets_new (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  fd_test_ui_spin (200);
  fd_secrets_lookup_async (secrets, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the keyring lookup");
  g_assert_true (fd_secrets_lookup_finish (secrets, result, &token, &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, fd_connection_get_token (fd_application_get_connection (app)));
  g_assert_cmpstr (password, ==, FD_TEST_JENNA_PASSWORD);
  g_clear_object (&result);

  /* Join both queues from the sidebar. */
  join_with_sidebar (window, "Sales");
  join_with_sidebar (window, "Support");

  /* A second agent in a window of its own, joined to Sales only. */
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  window2 = fd_window_new (NULL, NULL);
  g_object_ref (window2);
  fd_window_set_connection (window2, natalie);
  gtk_window_present (GTK_WINDOW (window2));
  join_with_sidebar (window2, "Sales");

  /* Visitors' chats arrive as rows in both lists (ring-all). */
  gtk_window_present (GTK_WINDOW (window));
  v1 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  v2 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Tom Baker");
  v3 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Ada Lovelace");
  wait_rows (window, 3, "three rows for the first agent");
  wait_rows (window2, 3, "three rows for the second agent");

  list = fd_window_get_activity_list (window);
  row = fd_test_ui_find_row (window, "Natalie Maines");
  g_assert_cmpint (row, >=, 0);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_ACTIVITY);
  g_assert_cmpstr (cell, ==, "WebChat");
  g_clear_pointer (&cell, g_free);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_TO);
  g_assert_cmpstr (cell, ==, "Kakapo Systems > Website Chat (Sales)");
  g_clear_pointer (&cell, g_free);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_DURATION);
  g_assert_true (g_regex_match_simple ("^[0-9]{2}:[0-9]{2}$", cell, 0, 0));
  g_clear_pointer (&cell, g_free);
  /* The offer's bounce countdown is on its row. */
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
  g_assert_true (g_regex_match_simple ("^Unreserved · [0-9]{2}:[0-9]{2}$", cell, 0, 0));
  g_clear_pointer (&cell, g_free);

  /* The row's cells on screen (each an FdTickLabel drawing its text, the
   * Activity cell one FdActivityCell) show its texts once bound, as their
   * accessible labels too, and the Activity cell names the row for a
   * screen reader. Durations and countdowns tick while rows exist, in the
   * model and in the cells on screen (the list's one handler on the rows'
   * clock). */
  {
    DurationWait tick = { list, (guint) row, fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS) };
    GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
    GtkWidget *from_cell = find_descendant (view, FD_TYPE_TICK_LABEL, "Natalie Maines");
    GtkWidget *row_widget = from_cell;
    GtkWidget *activity_cell = NULL;
    GtkWidget *to_cell = NULL;
    GtkWidget *duration_cell = NULL;
    GtkWidget *status_cell = NULL;
    LabelWait shown = { NULL, NULL };
    g_autofree char *shown_before = NULL;

    /* The row widget of that row, then its cells. */
    g_assert_nonnull (from_cell);
    while (row_widget != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row_widget)) != GTK_ACCESSIBLE_ROLE_ROW)
      row_widget = gtk_widget_get_parent (row_widget);
    g_assert_nonnull (row_widget);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (from_cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines");
    g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (from_cell), GTK_ACCESSIBLE_ROLE_LABEL));
    g_assert_cmpint (gtk_widget_get_width (from_cell), >, 0);

    activity_cell = find_descendant (row_widget, FD_TYPE_ACTIVITY_CELL, NULL);
    g_assert_nonnull (activity_cell);
    g_assert_cmpstr (shown_text (activity_cell), ==, "WebChat");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (activity_cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat");
    /* The icon, then the text: wider than the text's 16-px icon. */
    g_assert_cmpint (gtk_widget_get_width (activity_cell), >, 16 + 6);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "WebChat from Natalie Maines, Unreserved");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         "Kakapo Systems > Website Chat (Sales)");

    to_cell = find_descendant (row_widget, FD_TYPE_TICK_LABEL, "Kakapo Systems > Website Chat (Sales)");
    g_assert_nonnull (to_cell);
    /* The Duration cell: tabular digits. */
    duration_cell = fd_test_ui_find_widget (row_widget, has_css_class, "numeric");
    g_assert_true (FD_IS_TICK_LABEL (duration_cell));
    g_assert_true (g_regex_match_simple ("^[0-9]{2}:[0-9]{2}$", shown_text (duration_cell), 0, 0));

    status_cell = find_text_with_prefix (row_widget, "Unreserved · ");
    g_assert_nonnull (status_cell);
    assert_cell_shows_model (status_cell, list, (guint) row, FD_TEST_UI_COL_STATUS);
    g_free (tick.before);
    tick.before = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
    shown_before = g_strdup (shown_text (status_cell));
    shown = (LabelWait) { status_cell, shown_before };
    fd_test_ui_wait (status_changed, &tick, "the countdown to tick");
    fd_test_ui_wait (label_changed, &shown, "the countdown on screen to tick");
    /* The cells on screen show the model's texts after the tick. */
    assert_cell_shows_model (status_cell, list, (guint) row, FD_TEST_UI_COL_STATUS);
    assert_cell_shows_model (duration_cell, list, (guint) row, FD_TEST_UI_COL_DURATION);
    g_free (tick.before);
  }

  /* Reserve from the row's action: the row is reserved here and gone
   * from the second agent's list. */
  fd_activity_list_select (list, (guint) row);
  reserved_id = fd_conversation_item_get_id (fd_activity_list_get_selected (list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  fd_test_ui_wait (is_reserved_row, window, "the reserved row");
  wait_rows (window2, 2, "the second agent to lose the row");
  g_assert_cmpint (fd_test_ui_find_row (window2, "Natalie Maines"), ==, -1);
  g_assert_cmpint (fd_test_ui_find_row (window, "Natalie Maines"), >=, 0);

  fd_test_ui_spin (300);
  take_screenshot (window);

  /* The ACD state menu: Unavailable (Lunch) once the server acked it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.acd", "s", "unavailable:lunch"));
  fd_test_ui_wait (acd_is_lunch, window, "the ACD state to change");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.acd", "s", "available"));

  /* Leaving Support as its last joined agent asks first. */
  support = fd_test_ui_find_queue (fd_window_get_connection (window), "Support");
  fd_queue_sidebar_select (fd_window_get_queue_sidebar (window), (guint) support);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window)), "queue.leave", NULL));
  dialog = fd_test_ui_wait_dialog (NULL, "the last-agent warning");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Support"));
  fd_test_ui_answer_dialog (dialog, "cancel");
  fd_test_ui_spin (200);
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (fd_window_get_queue_sidebar (window), (guint) support), ==, "Joined");

  /* Quitting is refused while a conversation is reserved, naming it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  dialog = fd_test_ui_wait_dialog (NULL, "the quit guard");
  /* One conversation, in the singular (issue 18: plural forms). */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Conversation Still Open");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Transfer or close this conversation first:"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "WebChat with Natalie Maines"));
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_nonnull (fd_test_ui_app_window (app));
  g_assert_nonnull (fd_application_get_connection (app));
  /* Closing the last window is refused the same way. */
  gtk_window_close (GTK_WINDOW (window));
  dialog = fd_test_ui_wait_dialog (NULL, "the close guard");
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* A customer message, then the transcript window shows it. */
  fd_test_visitor_connect (v1);
  fd_test_visitor_send (v1, "c1", "Hello <b>there</b>");
  row = fd_test_ui_find_row (window, "Natalie Maines");
  fd_activity_list_select (list, (guint) row);
  fd_test_ui_spin (300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (has_conversation_window, NULL, "the conversation window");
  conversation = find_conversation_window ();
  g_assert_cmpint (fd_chat_window_get_id (conversation), ==, reserved_id);
  fd_test_ui_wait (conversation_loaded, conversation, "the transcript");

  /* Ctrl+Tab / Ctrl+Shift+Tab: the next and previous rows' conversations,
   * in the Activity List's order, wrapping around. */
  {
    g_auto(GStrv) next_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                       "app.next-conversation");
    g_auto(GStrv) previous_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                           "app.previous-conversation");
    FdActivityModel *model = fd_session_get_activity_model (fd_connection_get_session ((fd_window_get_connection (window))));
    guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
    guint at = G_MAXUINT;
    gint64 next_id, previous_id;

    g_assert_true (accel_listed (next_accels, "<Control>Tab"));
    g_assert_true (accel_listed (previous_accels, "<Control><Shift>Tab"));
    g_assert_cmpuint (n, ==, 3);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

        if (fd_conversation_item_get_id (item) == reserved_id)
          at = i;
      }
    g_assert_cmpuint (at, <, n);
    {
      g_autoptr(FdConversationItem) after = g_list_model_get_item (G_LIST_MODEL (model), (at + 1) % n);
      g_autoptr(FdConversationItem) before = g_list_model_get_item (G_LIST_MODEL (model), (at + n - 1) % n);

      next_id = fd_conversation_item_get_id (after);
      previous_id = fd_conversation_item_get_id (before);
    }
    g_assert_cmpint (fd_application_step_conversation (app, reserved_id, 1), ==, next_id);
    g_assert_cmpint (fd_application_step_conversation (app, reserved_id, -1), ==, previous_id);
    /* Three rows: forward twice is back once. */
    g_assert_cmpint (fd_application_step_conversation (app, next_id, 1), ==, previous_id);
    {
      g_autoptr(FdConversationItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

      g_assert_cmpint (fd_application_step_conversation (app, 0, 1), ==, fd_conversation_item_get_id (first));
    }

    /* The action opens the next one's window (the last one opened was
     * Natalie's, whichever window the window manager focuses). */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (conversation), "app.next-conversation", NULL));
    {
      ChatWait opened = { next_id };

      fd_test_ui_wait (has_chat_window, &opened, "the next conversation's window");
    }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.previous-conversation", NULL));
    fd_test_ui_spin (200);
    /* Back to Natalie's own window: presented again, not a second one. */
    g_assert_true (find_chat_window (reserved_id) == conversation);
    g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_CHAT_WINDOW), ==, 2);
    gtk_window_destroy (GTK_WINDOW (find_chat_window (next_id)));
  }
  /* A draft typed in the window is kept (until the chat ends, below). */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (conversation));

    gtk_text_buffer_set_text (buffer, "A reply I have not sent", -1);
    g_assert_nonnull (fd_application_get_drafts (app));
    g_assert_cmpuint (fd_drafts_get_n_drafts (fd_application_get_drafts (app)), ==, 1);
  }
  gtk_window_destroy (GTK_WINDOW (conversation));

  /* The server goes away: the banner; it comes back: the same rows. */
  fd_test_server_kill (server);
  fd_test_ui_wait (banner_shown, window, "the reconnecting banner");
  fd_test_server_start (server);
  fd_test_ui_wait (banner_hidden_and_connected, window, "the connection to resume");
  fd_test_ui_spin (300);
  g_assert_cmpuint (fd_activity_list_get_n_rows (list), ==, 3);
  g_assert_cmpint (fd_test_ui_find_row (window, "Natalie Maines"), >=, 0);
  g_assert_true (is_reserved_row (window));
  g_assert_cmpuint (fd_activity_model_count_reserved (fd_session_get_activity_model (fd_connection_get_session ((fd_window_get_connection (window))))), ==, 1);

  /* Closing the conversation lets the agent quit. */
  fd_connection_close_conversation_async (fd_window_get_connection (window), reserved_id, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "closing the conversation");
  {
    FdConversation *closed = fd_connection_close_conversation_finish (fd_window_get_connection (window), result, &error);

    g_assert_no_error (error);
    fd_conversation_free (closed);
  }
  g_clear_object (&result);
  wait_rows (window, 2, "the closed row to leave");
  /* The chat ended: its draft went with it. */
  g_assert_cmpuint (fd_drafts_get_n_drafts (fd_application_get_drafts (app)), ==, 0);

  /* A right-click on Tom Baker's row, not selected, selects it and opens
   * an offer's menu (Reserve first). */
  row = fd_test_ui_find_row (window, "Tom Baker");
  g_assert_cmpint (row, >=, 0);
  {
    GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
    GtkPopover *menu = fd_test_ui_find_popover_menu (GTK_WIDGET (list));
    g_autofree char *first = NULL;

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view))),
                                       GTK_INVALID_LIST_POSITION);
    g_assert_null (fd_activity_list_get_selected (list));
    right_click_row (list, "Tom Baker");
    g_assert_nonnull (fd_activity_list_get_selected (list));
    g_assert_cmpstr (fd_conversation_item_get_from (fd_activity_list_get_selected (list)), ==, "Tom Baker");
    fd_test_ui_wait (is_visible, menu, "the row's menu");
    g_assert_true (g_menu_model_get_item_attribute (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), 0,
                                                    G_MENU_ATTRIBUTE_ACTION, "s", &first));
    g_assert_cmpstr (first, ==, "activity.reserve");
    gtk_popover_popdown (menu);
  }

  /* Reject (Delete, Ctrl+Shift+R): the offer leaves this list while the
   * other agent of the ring-all phase keeps it. */
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reject", NULL));
  wait_rows (window, 1, "the rejected row to leave");
  g_assert_cmpint (fd_test_ui_find_row (window2, "Tom Baker"), >=, 0);
  g_assert_cmpint (fd_test_ui_find_row (window, "Tom Baker"), ==, -1);

  /* The second agent leaves Sales (Jenna is still joined: no question). */
  {
    int sales2 = fd_test_ui_find_queue (natalie, "Sales");
    FdTestUiIndicator left = { window2, (guint) sales2, "Not joined" };

    fd_queue_sidebar_select (fd_window_get_queue_sidebar (window2), (guint) sales2);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window2)), "queue.leave", NULL));
    fd_test_ui_wait (fd_test_ui_has_indicator, &left, "the second agent leaving Sales");
    g_assert_null (fd_test_ui_find_dialog (NULL));
  }

  /* A callback: its own menu actions. */
  {
    guint status = 0;
    g_autoptr(JsonNode) answer = fd_test_http_request (server, NULL, "POST", "/api/visitor/v1/callbacks",
                                                       "{\"stream_key\":\"kakapo-website-callback\","
                                                       "\"name\":\"Grace Hopper\",\"number\":\"+15550100\"}",
                                                       &status);
    RowWait callback = { window, "Grace Hopper", NULL };
    g_autofree char *number = NULL;

    g_assert_cmpuint (status, ==, 201);
    g_assert_nonnull (answer);
    fd_test_ui_wait (has_row, &callback, "the callback row");
    row = fd_test_ui_find_row (window, "Grace Hopper");
    g_clear_pointer (&cell, g_free);
    cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_ACTIVITY);
    g_assert_cmpstr (cell, ==, "Callback");
    fd_activity_list_select (list, (guint) row);
    /* A callback cannot be rejected: the action is disabled. */
    gtk_widget_activate_action (GTK_WIDGET (list), "activity.reject", NULL);
    fd_test_ui_spin (200);
    g_assert_cmpint (fd_test_ui_find_row (window, "Grace Hopper"), >=, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
    callback.status = "Reserved";
    fd_test_ui_wait (has_row, &callback, "the reserved callback");

    row = fd_test_ui_find_row (window, "Grace Hopper");
    fd_activity_list_select (list, (guint) row);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.copy-number", NULL));
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (list)), NULL, fd_test_ui_on_done_cb, &result);
    fd_test_ui_wait (fd_test_ui_has_result, &result, "the clipboard");
    number = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (GTK_WIDGET (list)), result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (number, ==, "+15550100");
    g_clear_object (&result);

    /* Call number asks for the outcome and records the attempt. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    dialog = fd_test_ui_wait_dialog (NULL, "the call outcome question");
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "How Did the Call Go?");
    g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
    g_assert_true (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session ((fd_window_get_connection (window))))));

    /* On that call, another callback is refused with a sentence. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    {
      AdwMessageDialog *busy = fd_test_ui_wait_dialog ("Already on a Call", "Already on a Call");

      g_assert_nonnull (strstr (adw_message_dialog_get_body (busy), "Grace Hopper"));
      adw_message_dialog_response (busy, "close");
      gtk_window_destroy (GTK_WINDOW (busy));
    }
    g_assert_nonnull (fd_test_ui_find_dialog ("How Did the Call Go?"));

    /* Saying how it went ends the call: the next one may start. */
    fd_test_ui_answer_dialog (dialog, fd_call_outcome_to_string (FD_CALL_NO_ANSWER));
    g_assert_false (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session (fd_window_get_connection (window)))));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    dialog = fd_test_ui_wait_dialog ("How Did the Call Go?", "How Did the Call Go?");
    fd_test_ui_answer_dialog (dialog, "cancel");
    g_assert_false (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session (fd_window_get_connection (window)))));
    fd_test_ui_spin (300);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.close-callback", NULL));
    fd_test_ui_wait (has_no_row, &callback, "the closed callback to leave");
  }

  /* Leave Sales, now as its last agent: asked, and confirmed. */
  {
    int sales = fd_test_ui_find_queue (fd_window_get_connection (window), "Sales");
    FdTestUiIndicator left = { window, (guint) sales, "Not joined" };

    fd_queue_sidebar_select (fd_window_get_queue_sidebar (window), (guint) sales);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window)), "queue.leave", NULL));
    dialog = fd_test_ui_wait_dialog (NULL, "the last-agent warning for Sales");
    /* Issue 18: not "Leave the Last Agent’s Queue?". */
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Leave as the Last Agent?");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Sales”"));
    fd_test_ui_answer_dialog (dialog, "leave");
    fd_test_ui_wait (fd_test_ui_has_indicator, &left, "leaving Sales");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_null (fd_test_ui_find_dialog (NULL));
  g_assert_null (fd_test_ui_app_window (app));

  gtk_window_destroy (GTK_WINDOW (window2));
  fd_connection_sign_out_async (natalie, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the second agent's sign-out");
  g_assert_true (fd_connection_sign_out_finish (natalie, result, &error));
  g_clear_object (&result);
  fd_test_ui_spin (200);

  g_assert_finalize_object (window2);
  g_assert_finalize_object (window);
  g_assert_finalize_object (g_steal_pointer (&natalie));
}

static gboolean
has_sign_in_page (gpointer data)
{
  return g_str_equal (fd_window_get_page (data), "sign-in");
}

/* A copy of an attachment opened @age_seconds ago from an Email window. */
static void
write_opened_attachment (const char *name,
                         gint64      age_seconds)
{
  g_autofree char *dir = fd_attachment_cache_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "a customer's file", -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                              (guint64) (g_get_real_time () / G_USEC_PER_SEC - age_seconds),
                                              G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
is_attachment_cached (const char *name)
{
  g_autofree char *dir = fd_attachment_cache_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A later start: signed in by itself with the token in the keyring, joins
 * every queue (join-queues-on-startup), then signs out, which removes the
 * stored credentials. The attachments opened from Email windows: the copy
 * of two days ago went at start, today's stays until signing out. */
static void
run_restart_flow (FdApplication *app,
                  FdTestServer  *server)
{
  FdWindow *window = fd_test_ui_app_window (app);
  g_autoptr(FdSecrets) secrets = fd_secrets_new (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;
  int sales;

  g_assert_nonnull (window);
  g_object_ref (window);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "signing in with the stored token");
  sales = fd_test_ui_find_queue (fd_window_get_connection (window), "Sales");
  {
    FdTestUiIndicator joined = { window, (guint) sales, "Joined" };

    fd_test_ui_wait (fd_test_ui_has_indicator, &joined, "joining Sales on start-up");
  }

  g_assert_false (is_attachment_cached ("stale.pdf"));
  g_assert_true (is_attachment_cached ("fresh.txt"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sign-out", NULL));
  fd_test_ui_wait (has_sign_in_page, window, "the sign-in page after signing out");
  g_assert_null (fd_application_get_connection (app));
  g_assert_false (fd_window_get_views_enabled (window));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  g_assert_false (is_attachment_cached ("fresh.txt"));
  fd_test_ui_spin (300);
  fd_secrets_lookup_async (secrets, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the keyring lookup");
  g_assert_false (fd_secrets_lookup_finish (secrets, result, &token, &password, &error));
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_null (password);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
}

/* The flow runs inside g_application_run(), as the app runs for a person,
 * so that app.quit ends it and shutdown releases what startup took. */
void
test_window_flow (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = NULL;

  fd_test_server_start_demo (server);

  fd_test_ui_run_app (fd_test_ui_new_app (), (FdTestUiRun) run_flow, server);

  /* The settings (memory backend) and the keyring outlive the app. */
  write_opened_attachment ("stale.pdf", 2 * 24 * 3600);
  write_opened_attachment ("fresh.txt", 60);
  app = fd_test_ui_new_app ();
  g_settings_set_boolean (fd_application_get_settings (app), "join-queues-on-startup", TRUE);
  fd_test_ui_run_app (g_steal_pointer (&app), (FdTestUiRun) run_restart_flow, server);
}
