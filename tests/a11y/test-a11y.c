#define G_LOG_DOMAIN "test-a11y"

/* What a screen reader finds in the agent app (issue 18): the app signs in
 * to the real frontdeskd with the demo site and an email stream reading a
 * real Dovecot (tests/email/fd-test-dovecot), joins every queue, gets two
 * visitors' chats and a customer's mail as Activity List rows, reserves
 * one chat and opens its Web Chat window, reserves the mail and opens its
 * Email window, and opens the preferences; then walk-atspi.py walks the
 * process's tree
 * over AT-SPI and fails on any interactive element without a name,
 * printing its role and path. The app runs with GTK's real AT-SPI backend
 * (not GTK_A11Y=test), on the accessibility bus of a private session
 * (run-a11y.sh). */

#include <string.h>
#include <unistd.h>

#include "fd-activity-log.h"
#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-conversation-log-window.h"
#include "fd-email-window.h"
#include "fd-preferences-window.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define JENNA_EMAIL    "jenna@kakapo.example"
#define JENNA_PASSWORD "jenna-demo"
#define CHAT_KEY       "kakapo-website-chat"
#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS "support@example.test"
#define CUSTOMER       "Alice Customer"
/* The mail comes through the server's IMAP session: generous. */
#define MAIL_WAIT_MS   30000
/* A walk of three windows takes a few seconds; generous for ASan. */
#define WALK_TIMEOUT_MS 120000

static gboolean
has_three_rows (gpointer data)
{
  return fd_activity_list_get_n_rows (fd_window_get_activity_list (data)) == 3;
}

static gboolean
has_chat_window (gpointer data)
{
  return fd_test_ui_find_toplevel_of_type (FD_TYPE_CHAT_WINDOW) != NULL;
}

static gboolean
has_preferences_window (gpointer data)
{
  GtkWindow *window = fd_test_ui_find_toplevel_of_type (FD_TYPE_PREFERENCES_WINDOW);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
has_email_window (gpointer data)
{
  return fd_test_ui_find_toplevel_of_type (FD_TYPE_EMAIL_WINDOW) != NULL;
}

static gboolean
is_email_loaded (gpointer window)
{
  GListModel *shown = fd_email_thread_get_shown (fd_email_window_get_thread (window));

  return fd_conversation_model_get_loaded (fd_email_window_get_model (window)) &&
         fd_conversation_model_get_reserved (fd_email_window_get_model (window)) &&
         shown != NULL && g_list_model_get_n_items (shown) > 0;
}

typedef struct {
  FdWindow   *window;
  const char *from;
} RowWait;

static gboolean
is_reserved (gpointer data)
{
  RowWait *wait = data;
  FdActivityList *list = fd_window_get_activity_list (wait->window);
  int row = fd_test_ui_find_row (wait->window, wait->from);
  g_autofree char *status = NULL;

  if (row < 0)
    return FALSE;
  status = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
  return g_str_has_prefix (status, "Reserved");
}

/* Selects @from's row, reserves it and opens its window (what
 * double-click does). */
static void
reserve_and_open (FdWindow   *window,
                  const char *from)
{
  FdActivityList *list = fd_window_get_activity_list (window);
  RowWait wait = { window, from };
  int row = fd_test_ui_find_row (window, from);

  g_assert_cmpint (row, >=, 0);
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  fd_test_ui_wait (is_reserved, &wait, "the reserved row");
  row = fd_test_ui_find_row (window, from);
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
}

static void
close_conversation (FdWindow *window,
                    gint64    id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_connection_close_conversation_async (fd_window_get_connection (window), id, NULL, fd_test_ui_on_done_cb,
                                          &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "closing the conversation");
  fd_conversation_free (fd_connection_close_conversation_finish (fd_window_get_connection (window), result, &error));
  g_assert_no_error (error);
}

typedef struct {
  GSubprocess *walker;
  gboolean     done;
  char        *output;
} Walk;

static void
on_walk_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Walk *walk = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &walk->output, NULL, &error);
  g_assert_no_error (error);
  walk->done = TRUE;
}

static gboolean
walk_done (gpointer data)
{
  return ((Walk *) data)->done;
}

/* Runs walk-atspi.py on this process while the main loop keeps answering
 * its AT-SPI calls; prints what it found and returns its exit status. */
static int
run_walker (const char * const *expect)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "a11y", "walk-atspi.py", NULL);
  g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  Walk walk = { 0 };
  int status;

  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, pid);
  for (guint i = 0; expect[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) expect[i]);
  g_ptr_array_add (argv, NULL);

  walk.walker = g_subprocess_newv ((const char * const *) argv->pdata,
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (walk.walker, NULL, NULL, on_walk_done_cb, &walk);
  fd_test_ui_wait_ms (walk_done, &walk, WALK_TIMEOUT_MS, "the AT-SPI walk");
  g_assert_true (g_subprocess_get_if_exited (walk.walker));
  status = g_subprocess_get_exit_status (walk.walker);
  {
    g_auto(GStrv) lines = g_strsplit (walk.output != NULL ? walk.output : "", "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      if (*lines[i] != '\0')
        g_test_message ("%s", lines[i]);
  }
  g_free (walk.output);
  g_object_unref (walk.walker);
  return status;
}

typedef struct {
  FdTestServer  *server;
  FdTestDovecot *dovecot;
} Peers;

static gboolean
log_has_two_rows (gpointer data)
{
  FdLogModel *model = fd_activity_log_get_model (data);

  return fd_log_model_get_loaded (model) && !fd_log_model_get_loading (model) &&
         g_list_model_get_n_items (G_LIST_MODEL (model)) == 2;
}

static gboolean
log_window_loaded (gpointer data)
{
  return fd_conversation_log_window_get_loaded (data) && fd_conversation_log_window_get_n_messages (data) > 0;
}

static void
run_check (FdApplication *app,
           Peers         *peers)
{
  g_autoptr(FdTestVisitor) v1 = NULL;
  g_autoptr(FdTestVisitor) v2 = NULL;
  g_autofree char *email_title = NULL;
  FdWindow *window = fd_test_ui_app_window (app);
  FdChatWindow *chat;
  FdEmailWindow *email;
  GtkWindow *preferences;
  FdActivityLog *log;
  GtkWindow *log_window;
  const char *raw = "From: " CUSTOMER " <alice@customer.test>\r\n"
                    "To: " STREAM_ADDRESS "\r\n"
                    "Subject: My order is late\r\n"
                    "Message-ID: <order-1@customer.test>\r\n"
                    "Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                    "\r\n"
                    "--b1\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "\r\n"
                    "Hello, my order 7 is late: https://shop.example/orders/7\r\n"
                    "--b1\r\n"
                    "Content-Type: text/plain; name=\"receipt.txt\"\r\n"
                    "Content-Disposition: attachment; filename=\"receipt.txt\"\r\n"
                    "\r\n"
                    "Order 7, paid.\r\n"
                    "--b1--\r\n";

  g_assert_nonnull (window);
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (peers->server),
                          JENNA_EMAIL, JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-all", NULL));
  fd_test_ui_wait (fd_test_ui_all_queues_joined, fd_window_get_connection (window), "every queue to be joined");

  /* Three rows: a chat offered, a chat reserved with its Web Chat window
   * open, a customer's mail (with an attachment) reserved with its Email
   * window open. */
  v1 = fd_test_visitor_start (peers->server, CHAT_KEY, "Natalie Maines");
  v2 = fd_test_visitor_start (peers->server, CHAT_KEY, "Tom Baker");
  fd_test_visitor_connect (v1);
  fd_test_visitor_send (v1, "c1", "Hello, is anyone there?");
  fd_test_dovecot_deliver (peers->dovecot, NULL, raw, -1);
  fd_test_ui_wait_ms (has_three_rows, window, MAIL_WAIT_MS, "three Activity List rows");

  reserve_and_open (window, "Natalie Maines");
  fd_test_ui_wait (has_chat_window, NULL, "the Web Chat window");
  chat = FD_CHAT_WINDOW (fd_test_ui_find_toplevel_of_type (FD_TYPE_CHAT_WINDOW));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, chat, "the transcript");
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, chat, "the compose area");

  reserve_and_open (window, CUSTOMER);
  fd_test_ui_wait (has_email_window, NULL, "the Email window");
  email = FD_EMAIL_WINDOW (fd_test_ui_find_toplevel_of_type (FD_TYPE_EMAIL_WINDOW));
  fd_test_ui_wait (is_email_loaded, email, "the mail in the Email window");
  /* Its title is "Conversation: To - duration": the part that stays. */
  email_title = g_strdup (gtk_window_get_title (GTK_WINDOW (email)));
  g_assert_nonnull (email_title);
  if (strstr (email_title, " - ") != NULL)
    *strstr (email_title, " - ") = '\0';
  g_assert_nonnull (strstr (email_title, "Test Mail"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL));
  fd_test_ui_wait (has_preferences_window, NULL, "the preferences");
  preferences = fd_test_ui_find_toplevel_of_type (FD_TYPE_PREFERENCES_WINDOW);
  /* The Service page: the wallboard's columns and their buttons. */
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (fd_test_ui_find_descendant (GTK_WIDGET (preferences),
                                                                                      ADW_TYPE_VIEW_STACK)),
                                         "service");
  fd_test_ui_spin (500);

  /* The four windows are there, with the header row and the three rows,
   * and the names given for issue 18 and the Email window's toolbar: the
   * walk cannot pass by seeing nothing. */
  g_assert_cmpint (run_walker ((const char * const []) {
                     "--window", "Frontdesk",
                     "--window", "Preferences",
                     "--window", "Conversation: ",
                     "--window", email_title,
                     "--min", "table row=4",
                     "--named", "WebChat from Natalie Maines, Reserved",
                     "--named", "WebChat from Tom Baker, Unreserved",
                     "--named", "Email from " CUSTOMER ", Reserved",
                     "--named", "Columns: Activity, From, To, Duration, Status",
                     "--named", "Main Menu",
                     "--named", "Availability: Available",
                     "--named", "Show or Hide the Password",
                     "--named", "Transfer",
                     "--named", "Add attachment",
                     "--named", "Add CRM log entry",
                     "--named", "Send Message",
                     "--named", "Open “receipt.txt”",
                     "--named", "Add Statistic",
                     "--named", "Remove Statistic",
                     "--named", "Move Up",
                     NULL }), ==, 0);

  /* The Activity Log view with the two conversations Jenna holds, and
   * one of them opened read-only (issue 16). */
  gtk_window_destroy (preferences);
  preferences = NULL;
  g_assert_true (fd_window_set_view (window, "log"));
  log = FD_ACTIVITY_LOG (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG));
  fd_test_ui_wait (log_has_two_rows, log, "the two rows of the Activity Log");
  log_window = fd_activity_log_open_row (log, 0);
  fd_test_ui_wait (log_window_loaded, log_window, "the past conversation's window");
  fd_test_ui_spin (500);
  g_assert_cmpint (run_walker ((const char * const []) {
                     "--window", "Frontdesk",
                     "--window", "Conversation with ",
                     "--min", "table row=3",
                     "--named", "Search the messages of the conversations",
                     "--named", "Type",
                     "--named", "Queue",
                     "--named", "Assigned date",
                     "--named", "Refresh the conversations",
                     "--named", "Conversation columns: Assigned Date, Type, Queue, Duration, Remote Party",
                     NULL }), ==, 0);
  gtk_window_destroy (log_window);
  g_assert_true (fd_window_set_view (window, "activity"));

  /* Closing the conversations lets the agent quit as a person would. */
  close_conversation (window, fd_chat_window_get_id (chat));
  close_conversation (window, fd_email_window_get_id (email));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
}

static void
on_activate_cb (GApplication *app,
                gpointer      peers)
{
  run_check (FD_APPLICATION (app), peers);
}

static void
test_a11y_names (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = NULL;
  Peers peers = { server, dovecot };

  /* The demo site (imported) and an email stream on Sales reading the
   * Dovecot mailbox; no SMTP server: nothing is sent here. */
  fd_test_server_start (server);
  fd_test_dovecot_add_stream (dovecot, server, MAILBOX_PASSWORD, STREAM_ADDRESS, fd_test_free_port (), NULL);

  app = fd_application_new ();
  g_assert_nonnull (fd_application_get_settings (app));
  /* No notification server or sound card here. */
  g_settings_set_boolean (fd_application_get_settings (app), "alert-notification", FALSE);
  g_settings_set_boolean (fd_application_get_settings (app), "alert-sound", FALSE);
  g_application_set_application_id (G_APPLICATION (app), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &peers);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&app));
}

int
main (int   argc,
      char *argv[])
{
  /* GTK's AT-SPI backend, on the session's accessibility bus. */
  g_setenv ("GTK_A11Y", "atspi", TRUE);
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/a11y/names", test_a11y_names);
  return g_test_run ();
}
