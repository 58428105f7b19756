#define G_LOG_DOMAIN "test-callbacks"

/* Callbacks in the agent app against the real frontdeskd --demo (issue 5,
 * the guide's "Managing Callbacks"): a reserved callback leaves every other
 * agent's list and stays in the reserving agent's one across app restarts
 * and sign-ins, even after calling, until Close Callback; an unreserved one
 * goes when the agent leaves the queue and comes back on joining; and the
 * menu of a callback row, saved as a screenshot artifact. */

#include <string.h>

#include "fd-application.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define CALLBACK_KEY     "kakapo-website-callback"
#define CALLBACK_QUEUE   "Sales"

/* --- windows, rows and queues ----------------------------------------------- */

static gboolean
is_sign_in_page (gpointer data)
{
  return g_str_equal (fd_window_get_page (data), "sign-in");
}

typedef struct {
  FdWindow   *window;
  const char *from;
} RowWait;

static gboolean
has_no_row (gpointer data)
{
  RowWait *wait = data;

  return fd_test_ui_find_row (wait->window, wait->from) < 0;
}

static void
wait_row (FdWindow   *window,
          const char *from,
          const char *status,
          const char *what)
{
  fd_test_ui_wait_row (window, from, status, FD_TEST_UI_WAIT_MS, what);
}

static void
wait_no_row (FdWindow   *window,
             const char *from,
             const char *what)
{
  RowWait wait = { window, from };

  fd_test_ui_wait (has_no_row, &wait, what);
}

/* Selects the row from @from and returns its conversation id. */
static gint64
select_row (FdWindow   *window,
            const char *from)
{
  FdActivityList *list = fd_window_get_activity_list (window);
  int row = fd_test_ui_find_row (window, from);

  g_assert_cmpint (row, >=, 0);
  fd_activity_list_select (list, (guint) row);
  g_assert_nonnull (fd_activity_list_get_selected (list));
  return fd_conversation_item_get_id (fd_activity_list_get_selected (list));
}

/* Closes the callback from @from (conversation @id) through the Activity
 * List and waits until its row is gone (@what names the wait). */
static void
close_callback (FdWindow   *window,
                const char *from,
                gint64      id,
                const char *what)
{
  g_assert_cmpint (select_row (window, from), ==, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_activity_list (window)),
                                             "activity.close-callback", NULL));
  wait_no_row (window, from, what);
}

static FdConversationItem *
row_item (FdWindow   *window,
          const char *from)
{
  FdConnection *connection = fd_window_get_connection (window);
  GListModel *rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session ((connection))));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (fd_conversation_item_get_from (item), from) == 0)
        return item;   /* the model keeps its own reference */
    }
  return NULL;
}

/* --- dialogs ---------------------------------------------------------------- */

/* A refusal dialog where none belongs fails the test with its text. */
static void
assert_no_dialog (const char *when)
{
  AdwMessageDialog *dialog = fd_test_ui_find_dialog (NULL);

  if (dialog != NULL)
    g_error ("%s was refused with the dialog “%s”: %s", when,
             adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
}

/* --- agents and callbacks ------------------------------------------------------- */

/* An agent with a connection and a main window of its own, without the
 * app: the other agents of a test. */
static FdWindow *
agent_window_new (FdTestServer *server,
                  const char   *email,
                  const char   *password)
{
  g_autoptr(FdConnection) connection = fd_test_ui_sign_in (fd_test_server_get_url (server), email, password);
  FdWindow *window;

  window = g_object_ref (fd_window_new (NULL, NULL));
  fd_window_set_connection (window, connection);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Signs the window's agent out and proves that window and connection die. */
static void
agent_window_free (FdWindow *window)
{
  g_autoptr(FdConnection) connection = g_object_ref (fd_window_get_connection (window));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  gtk_window_destroy (GTK_WINDOW (window));
  fd_connection_sign_out_async (connection, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "an agent's sign-out");
  g_assert_true (fd_connection_sign_out_finish (connection, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
  g_assert_finalize_object (g_steal_pointer (&connection));
}

static void
set_joined_with_sidebar (FdWindow   *window,
                         const char *queue,
                         gboolean    join,
                         gboolean    expect_last_agent_warning)
{
  FdQueueSidebar *sidebar = fd_window_get_queue_sidebar (window);
  int position = fd_test_ui_find_queue (fd_window_get_connection (window), queue);
  FdTestUiIndicator done = { window, (guint) position, join ? "Joined" : "Not joined" };

  g_assert_cmpint (position, >=, 0);
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (sidebar, (guint) position), ==, join ? "Not joined" : "Joined");
  fd_queue_sidebar_select (sidebar, (guint) position);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), join ? "queue.join" : "queue.leave", NULL));
  if (expect_last_agent_warning)
    {
      AdwMessageDialog *dialog = fd_test_ui_wait_dialog (NULL, "the last-agent warning");

      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), queue));
      fd_test_ui_answer_dialog (dialog, "leave");
    }
  fd_test_ui_wait (fd_test_ui_has_indicator, &done, join ? "joining the queue" : "leaving the queue");
  assert_no_dialog (join ? "Joining" : "Leaving");
}

/* Jenna on the demo server (started here), joined to the callbacks'
 * queue with the sidebar. */
static FdWindow *
jenna_on_callbacks (FdTestServer *server)
{
  FdWindow *jenna;

  fd_test_server_start_demo (server);
  jenna = agent_window_new (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  set_joined_with_sidebar (jenna, CALLBACK_QUEUE, TRUE, FALSE);
  return jenna;
}

/* The call state of the window's session. */
static FdCallState *
call_state (FdWindow *window)
{
  return fd_session_get_call_state (fd_connection_get_session (fd_window_get_connection (window)));
}

/* A customer asks for a callback on the demo site's Callback widget. */
static void
request_callback (FdTestServer *server,
                  const char   *name,
                  const char   *number)
{
  g_autofree char *body = g_strdup_printf ("{\"stream_key\":\"%s\",\"name\":\"%s\",\"number\":\"%s\"}",
                                           CALLBACK_KEY, name, number);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = fd_test_http_request (server, NULL, "POST", "/api/visitor/v1/callbacks", body, &status);
  g_assert_cmpuint (status, ==, 201);
}

/* The conversation's messages as the server stored them. */
static FdConversationDetail *
get_conversation (FdConnection *connection,
                  gint64        id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdFrame *ack;
  FdConversationDetail *detail;

  ref->conversation_id = id;
  fd_connection_request_async (connection, FD_FRAME_GET_CONVERSATION, ref, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "get-conversation");
  ack = fd_connection_request_finish (connection, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ack);
  detail = g_steal_pointer (&ack->body);
  fd_frame_free (ack);
  g_assert_nonnull (detail);
  return detail;
}

static guint
count_messages (const FdConversationDetail *detail,
                const char                 *text)
{
  guint n = 0;

  for (guint i = 0; detail->messages != NULL && i < detail->messages->len; i++)
    {
      const FdMessage *message = g_ptr_array_index (detail->messages, i);

      if (message->direction == FD_DIRECTION_SYSTEM && g_strcmp0 (message->text, text) == 0)
        n++;
    }
  return n;
}

/* --- /ui/callbacks/persist ----------------------------------------------------- */

#define GRACE        "Grace Hopper"
#define GRACE_NUMBER "+15550100"

typedef struct {
  FdTestServer *server;
  FdWindow     *natalie;    /* the other agent, for the whole test */
  gint64        callback_id;
} Persist;

static void
assert_natalie_without_callback (Persist *persist)
{
  fd_test_ui_spin (200);
  g_assert_cmpint (fd_test_ui_find_row (persist->natalie, GRACE), ==, -1);
}

static void
quit_app (FdApplication *app)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_test_ui_app_window (app)), "app.quit", NULL));
  fd_test_ui_spin (100);
  assert_no_dialog ("Quitting with only a reserved callback");
  g_assert_null (fd_test_ui_app_window (app));
}

/* First start: signed in through the page, the callback offered to both
 * agents, reserved by Jenna, called, and the app quit. */
static void
run_persist_first (FdApplication *app,
                   Persist       *persist)
{
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdWindow) window = g_object_ref (fd_test_ui_app_window (app));
  AdwMessageDialog *dialog;
  g_autofree char *cell = NULL;

  g_assert_true (is_sign_in_page (window));
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (persist->server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  set_joined_with_sidebar (window, CALLBACK_QUEUE, TRUE, FALSE);

  /* Offered to both agents of the queue. */
  request_callback (persist->server, GRACE, GRACE_NUMBER);
  wait_row (window, GRACE, "Unreserved", "the callback in Jenna's list");
  wait_row (persist->natalie, GRACE, "Unreserved", "the callback in Natalie's list");
  cell = fd_test_ui_dup_cell (window, GRACE, FD_TEST_UI_COL_ACTIVITY);
  g_assert_cmpstr (cell, ==, "Callback");

  /* Reserved by Jenna: gone for Natalie, kept by Jenna. */
  persist->callback_id = select_row (window, GRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_activity_list (window)),
                                             "activity.reserve", NULL));
  wait_row (window, GRACE, "Reserved", "the callback reserved by Jenna");
  wait_no_row (persist->natalie, GRACE, "the callback to leave Natalie's list");
  /* What the quit and sign-out guard asks: a callback does not hold the
   * agent in the app. */
  g_assert_cmpuint (fd_activity_model_count_reserved (
                      fd_session_get_activity_model (fd_connection_get_session ((fd_window_get_connection (window))))), ==, 0);

  /* Called, with an outcome: the attempt is recorded and the callback
   * stays reserved. */
  g_assert_cmpint (select_row (window, GRACE), ==, persist->callback_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_activity_list (window)),
                                             "activity.call-number", NULL));
  dialog = fd_test_ui_wait_dialog ("How Did the Call Go?", "the call outcome question");
  fd_test_ui_answer_dialog (dialog, fd_call_outcome_to_string (FD_CALL_NO_ANSWER));
  /* Requests go out in order: the attempt is stored before this answer. */
  detail = get_conversation (fd_window_get_connection (window), persist->callback_id);
  g_assert_cmpuint (count_messages (detail, "Call attempt: no-answer"), ==, 1);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_RESERVED);
  fd_test_ui_spin (200);
  wait_row (window, GRACE, "Reserved", "the callback still reserved after calling");
  assert_natalie_without_callback (persist);

  /* The agent quits: a reserved callback does not hold the app. */
  quit_app (app);
  g_assert_finalize_object (g_steal_pointer (&window));
}

/* Second start: signed in from the keyring, the callback still reserved;
 * then signed out and in again through the page, still there; then Close
 * Callback. */
static void
run_persist_second (FdApplication *app,
                    Persist       *persist)
{
  g_autoptr(FdWindow) window = g_object_ref (fd_test_ui_app_window (app));
  g_autoptr(FdConversationDetail) detail = NULL;

  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "signing in with the stored token");
  wait_row (window, GRACE, "Reserved", "the reserved callback after restarting the app");
  g_assert_cmpint (select_row (window, GRACE), ==, persist->callback_id);
  assert_natalie_without_callback (persist);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sign-out", NULL));
  fd_test_ui_spin (100);
  assert_no_dialog ("Signing out with only a reserved callback");
  fd_test_ui_wait (is_sign_in_page, window, "the sign-in page after signing out");
  g_assert_null (fd_application_get_connection (app));
  g_assert_cmpuint (fd_activity_list_get_n_rows (fd_window_get_activity_list (window)), ==, 0);

  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (persist->server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after signing in again");
  wait_row (window, GRACE, "Reserved", "the reserved callback after signing in again");
  assert_natalie_without_callback (persist);

  /* Close Callback: gone here, and not back for Natalie. */
  close_callback (window, GRACE, persist->callback_id, "the closed callback to leave Jenna's list");
  detail = get_conversation (fd_window_get_connection (window), persist->callback_id);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_CLOSED);
  assert_natalie_without_callback (persist);

  quit_app (app);
  g_assert_finalize_object (g_steal_pointer (&window));
}

/* Third start: the closed callback does not come back. */
static void
run_persist_third (FdApplication *app,
                   Persist       *persist)
{
  g_autoptr(FdWindow) window = g_object_ref (fd_test_ui_app_window (app));

  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "signing in with the stored token again");
  /* The snapshot that brought the queues brought the rows too. */
  fd_test_ui_spin (300);
  g_assert_cmpint (fd_test_ui_find_row (window, GRACE), ==, -1);
  g_assert_null (fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (fd_window_get_connection (window))),
                                           persist->callback_id));
  quit_app (app);
  g_assert_finalize_object (g_steal_pointer (&window));
}

typedef void (*PersistStage) (FdApplication *app, Persist *persist);

static PersistStage current_stage;

static void
on_persist_activate_cb (GApplication *app,
                        gpointer      persist)
{
  current_stage (FD_APPLICATION (app), persist);
}

/* One start of the app, as a person starts it: g_application_run() until
 * app.quit; the settings (memory backend) and the keyring outlive it. */
static void
run_app (PersistStage  stage,
         Persist      *persist)
{
  g_autoptr(FdApplication) app = fd_test_ui_new_app ();

  current_stage = stage;
  g_signal_connect_after (app, "activate", G_CALLBACK (on_persist_activate_cb), persist);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&app));
}

static void
test_persist (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  Persist persist = { server, NULL, 0 };

  fd_test_server_start_demo (server);
  persist.natalie = agent_window_new (server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  set_joined_with_sidebar (persist.natalie, CALLBACK_QUEUE, TRUE, FALSE);

  run_app (run_persist_first, &persist);
  run_app (run_persist_second, &persist);
  run_app (run_persist_third, &persist);

  agent_window_free (persist.natalie);
}

/* --- /ui/callbacks/leave-join ---------------------------------------------------- */

#define ADA        "Ada Lovelace"
#define ADA_NUMBER "+15550111"
#define TOM        "Tom Baker"
#define TOM_NUMBER "+15550122"

static void
test_leave_join (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  FdWindow *jenna;
  FdActivityList *list;
  gint64 ada_id;
  gint64 tom_id;

  jenna = jenna_on_callbacks (server);
  list = fd_window_get_activity_list (jenna);

  request_callback (server, ADA, ADA_NUMBER);
  request_callback (server, TOM, TOM_NUMBER);
  wait_row (jenna, ADA, "Unreserved", "the first callback");
  wait_row (jenna, TOM, "Unreserved", "the second callback");
  ada_id = select_row (jenna, ADA);
  tom_id = select_row (jenna, TOM);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  wait_row (jenna, TOM, "Reserved", "the reserved callback");

  /* Leaving as the queue's last agent: asked, confirmed; the unreserved
   * callback goes, the reserved one stays. */
  set_joined_with_sidebar (jenna, CALLBACK_QUEUE, FALSE, TRUE);
  wait_no_row (jenna, ADA, "the unreserved callback to leave on leaving the queue");
  fd_test_ui_spin (500);
  g_assert_cmpint (fd_test_ui_find_row (jenna, ADA), ==, -1);
  wait_row (jenna, TOM, "Reserved", "the reserved callback to stay out of the queue");
  g_assert_cmpuint (fd_activity_list_get_n_rows (list), ==, 1);

  /* Joining again: the same callback, still unreserved. */
  set_joined_with_sidebar (jenna, CALLBACK_QUEUE, TRUE, FALSE);
  wait_row (jenna, ADA, "Unreserved", "the unreserved callback back on joining");
  g_assert_cmpint (fd_conversation_item_get_id (row_item (jenna, ADA)), ==, ada_id);
  g_assert_false (fd_conversation_item_get_reserved (row_item (jenna, ADA)));
  g_assert_cmpint (fd_conversation_item_get_id (row_item (jenna, TOM)), ==, tom_id);
  g_assert_true (fd_conversation_item_get_reserved (row_item (jenna, TOM)));
  g_assert_cmpuint (fd_activity_list_get_n_rows (list), ==, 2);

  /* Close the reserved one so that the agent may sign out. */
  close_callback (jenna, TOM, tom_id, "the closed callback to leave");

  agent_window_free (jenna);
}

/* --- /ui/callbacks/double-click ----------------------------------------------------- */

/* The guide: double-clicking an unreserved callback reserves it and
 * performs it at once (the desktop's tel: handler, then the outcome). */
static void
test_double_click (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConversationDetail) detail = NULL;
  FdWindow *jenna;
  FdActivityList *list;
  FdCallState *calls;
  AdwMessageDialog *dialog;
  gint64 ada_id;

  jenna = jenna_on_callbacks (server);
  list = fd_window_get_activity_list (jenna);
  calls = call_state (jenna);

  request_callback (server, ADA, ADA_NUMBER);
  wait_row (jenna, ADA, "Unreserved", "the callback");
  ada_id = select_row (jenna, ADA);
  g_assert_false (fd_call_state_get_on_call (calls));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  wait_row (jenna, ADA, "Reserved", "the callback reserved by the double-click");
  dialog = fd_test_ui_wait_dialog ("How Did the Call Go?", "the call to start");
  g_assert_true (fd_call_state_get_on_call (calls));
  fd_test_ui_answer_dialog (dialog, fd_call_outcome_to_string (FD_CALL_ANSWERED));
  g_assert_false (fd_call_state_get_on_call (calls));
  detail = get_conversation (fd_window_get_connection (jenna), ada_id);
  g_assert_cmpuint (count_messages (detail, "Call attempt: answered"), ==, 1);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_RESERVED);
  wait_row (jenna, ADA, "Reserved", "the callback kept after the call");

  close_callback (jenna, ADA, ada_id, "the closed callback to leave");
  agent_window_free (jenna);
}

/* --- /ui/callbacks/no-phone-app ------------------------------------------------------ */

/* Starts @server, signs Jenna in to a window of her own, reserves Grace's
 * callback there and chooses Call Number on it. */
static FdWindow *
call_reserved_callback (FdTestServer *server)
{
  FdWindow *jenna = jenna_on_callbacks (server);
  FdActivityList *list = fd_window_get_activity_list (jenna);

  request_callback (server, GRACE, GRACE_NUMBER);
  wait_row (jenna, GRACE, "Unreserved", "the callback");
  select_row (jenna, GRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  wait_row (jenna, GRACE, "Reserved", "the reserved callback");

  select_row (jenna, GRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
  return jenna;
}

/* A desktop with no tel: handler (this test's process runs without the
 * test dialer, FD_TEST_NO_PHONE_APP): Call Number says so in the agent's
 * words, offers Copy Number, and asks nothing about a call that never
 * started; the next call may start at once. */
static void
test_no_phone_app (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAppInfo) dialer = g_app_info_get_default_for_uri_scheme ("tel");
  g_autofree char *number = NULL;
  FdWindow *jenna;
  FdActivityList *list;
  FdCallState *calls;
  AdwMessageDialog *dialog;

  /* The premise: no phone app on this desktop. */
  g_assert_null (dialer);
  jenna = call_reserved_callback (server);
  list = fd_window_get_activity_list (jenna);
  calls = call_state (jenna);
  dialog = fd_test_ui_wait_dialog ("No Phone App", "the message that no phone app handles calls");
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==,
                   "No app on this computer handles phone calls. Copy the number to dial it on a phone.");
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "Operation not supported"));
  g_assert_true (adw_message_dialog_has_response (dialog, "copy"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "copy"), ==, "_Copy Number");
  /* No call started: no outcome question, and not on a call. */
  fd_test_ui_spin (300);
  g_assert_null (fd_test_ui_find_dialog ("How Did the Call Go?"));
  g_assert_false (fd_call_state_get_on_call (calls));

  /* Copy Number puts the number on the clipboard. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (list)), "");
  fd_test_ui_answer_dialog (dialog, "copy");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (list)), NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the clipboard");
  number = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (GTK_WIDGET (list)), result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (number, ==, GRACE_NUMBER);
  g_assert_null (fd_test_ui_find_dialog ("How Did the Call Go?"));

  /* Trying again meets the same message, not "Already on a Call". */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
  dialog = fd_test_ui_wait_dialog ("No Phone App", "the message again");
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_false (fd_call_state_get_on_call (calls));
  wait_row (jenna, GRACE, "Reserved", "the callback still reserved");

  agent_window_free (jenna);
}

/* --- /ui/callbacks/menu ------------------------------------------------------------ */

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_menu (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autofree char *items = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) png = NULL;
  g_autoptr(GError) error = NULL;
  FdWindow *jenna;
  FdActivityList *list;
  GtkPopover *popover;
  GtkWidget *column_view;

  fd_test_server_start_demo (server);
  jenna = agent_window_new (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  list = fd_window_get_activity_list (jenna);
  popover = fd_test_ui_find_popover_menu (GTK_WIDGET (list));
  set_joined_with_sidebar (jenna, CALLBACK_QUEUE, TRUE, FALSE);
  request_callback (server, GRACE, GRACE_NUMBER);
  wait_row (jenna, GRACE, "Unreserved", "the callback");

  /* Unreserved: Perform Callback and Reserve. */
  select_row (jenna, GRACE);
  items = fd_test_ui_dup_activity_menu (jenna);
  g_assert_cmpstr (items, ==, "Perform Callback|Reserve");
  /* Issue 18: the list's tooltip does not cover its open menu. */
  column_view = fd_test_ui_find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW);
  g_assert_nonnull (column_view);
  g_assert_false (gtk_widget_get_has_tooltip (column_view));
  gtk_popover_popdown (popover);
  g_assert_true (gtk_widget_get_has_tooltip (column_view));
  g_assert_nonnull (gtk_widget_get_tooltip_text (column_view));

  /* The same for the Queues sidebar and its menu. */
  {
    FdQueueSidebar *sidebar = fd_window_get_queue_sidebar (jenna);
    GtkWidget *list_box = fd_test_ui_find_descendant (GTK_WIDGET (sidebar), GTK_TYPE_LIST_BOX);
    GtkPopover *queue_menu = fd_test_ui_find_popover_menu (GTK_WIDGET (sidebar));

    g_assert_nonnull (list_box);
    g_assert_nonnull (queue_menu);
    g_assert_true (gtk_widget_get_has_tooltip (list_box));
    fd_queue_sidebar_select (sidebar, (guint) fd_test_ui_find_queue (fd_window_get_connection (jenna), CALLBACK_QUEUE));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "queue.menu", NULL));
    fd_test_ui_wait (is_mapped, queue_menu, "the queue's menu");
    g_assert_false (gtk_widget_get_has_tooltip (list_box));
    gtk_popover_popdown (queue_menu);
    g_assert_true (gtk_widget_get_has_tooltip (list_box));
  }
  g_clear_pointer (&items, g_free);

  /* Reserved: the guide's four items; Show CRM Contact disabled, saying
   * why. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  wait_row (jenna, GRACE, "Reserved", "the reserved callback");
  select_row (jenna, GRACE);
  items = fd_test_ui_dup_activity_menu (jenna);
  g_assert_cmpstr (items, ==,
                   "Call Number|Copy Number|Close Callback|Show CRM Contact (No CRM is configured) (disabled)");

  path = fd_test_ui_save_screenshot (GTK_WIDGET (popover), "callback-menu.png");
  png = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (png), ==, gtk_widget_get_width (GTK_WIDGET (popover)));
  g_assert_cmpint (gdk_texture_get_height (png), >=, 4 * 20);

  /* The menu's Close Callback does what it says. */
  gtk_popover_popdown (popover);
  select_row (jenna, GRACE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.close-callback", NULL));
  wait_no_row (jenna, GRACE, "the closed callback to leave");

  agent_window_free (jenna);
}

/* --- /ui/callbacks/phone-app-fails ------------------------------------------------- */

/* A phone app that exists but does not start (a D-Bus activatable tel:
 * handler whose service is not there): Call Number says that the call
 * could not start, with the reason, offers Copy Number, and asks nothing
 * about a call that never started. */
static void
test_phone_app_fails (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GAppInfo) dialer = g_app_info_get_default_for_uri_scheme ("tel");
  FdWindow *jenna;
  FdCallState *calls;
  AdwMessageDialog *dialog;

  /* The premise: a phone app is there. */
  g_assert_nonnull (dialer);
  jenna = call_reserved_callback (server);
  calls = call_state (jenna);
  dialog = fd_test_ui_wait_dialog ("Could Not Start the Call", "the message that the call did not start");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), "The phone app did not start ("));
  g_assert_true (g_str_has_suffix (adw_message_dialog_get_body (dialog),
                                   "). Copy the number to dial it on a phone."));
  g_assert_true (adw_message_dialog_has_response (dialog, "copy"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "copy"), ==, "_Copy Number");
  /* No call started: no outcome question, and not on a call. */
  fd_test_ui_spin (300);
  g_assert_null (fd_test_ui_find_dialog ("How Did the Call Go?"));
  g_assert_false (fd_call_state_get_on_call (calls));
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_null (fd_test_ui_find_dialog ("How Did the Call Go?"));
  wait_row (jenna, GRACE, "Reserved", "the callback still reserved");

  agent_window_free (jenna);
}

int
main (int   argc,
      char *argv[])
{
  /* A tel: handler that is there but cannot start: its D-Bus service
   * does not exist on the test's session bus. */
  if (g_getenv ("FD_TEST_PHONE_APP_FAILS") != NULL)
    {
      g_setenv ("FD_TEST_NO_PHONE_APP", "1", TRUE);
      fd_test_ui_install_phone_app ("io.github.frontdeskcc.TestDialer.desktop",
                                    "Exec=true %u\nDBusActivatable=true\n");
      fd_test_ui_init (&argc, &argv);
      g_test_add_func ("/ui/callbacks/phone-app-fails", test_phone_app_fails);
      return g_test_run ();
    }
  fd_test_ui_init (&argc, &argv);

  /* Run twice by tests/ui/meson.build: on a desktop with a phone app (the
   * test dialer of fd_test_ui_init) and on one without. */
  if (g_getenv ("FD_TEST_NO_PHONE_APP") != NULL)
    {
      g_test_add_func ("/ui/callbacks/no-phone-app", test_no_phone_app);
      return g_test_run ();
    }
  g_test_add_func ("/ui/callbacks/persist", test_persist);
  g_test_add_func ("/ui/callbacks/leave-join", test_leave_join);
  g_test_add_func ("/ui/callbacks/double-click", test_double_click);
  g_test_add_func ("/ui/callbacks/menu", test_menu);
  return g_test_run ();
}
