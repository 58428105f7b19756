#define G_LOG_DOMAIN "test-email-rows"

/* Email in the Activity List (docs/app.md, "Activity List"), in-process
 * against a real frontdeskd, Dovecot (the stream's mailbox) and no SMTP:
 * the customer's mail becomes a row "Email", From the customer's name, To
 * "Organization > Stream"; its menu is Reserve, Reject and Show CRM
 * Contact, disabled and saying why; reserved, it counts for the quit guard
 * like a chat. A missing dovecot fails, never skips. */

#include <string.h>

#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS   "support@example.test"
#define CUSTOMER_NAME    "Alice Customer"

/* The row's menu items as shown, the menu closed again. */
static char *
open_menu (FdWindow *window)
{
  char *items = fd_test_ui_dup_activity_menu (window);

  gtk_popover_popdown (fd_test_ui_find_popover_menu (GTK_WIDGET (fd_window_get_activity_list (window))));
  return items;
}

static void
test_email_row (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) connection = NULL;
  g_autofree char *activity = NULL;
  g_autofree char *to = NULL;
  g_autofree char *items = NULL;
  g_autofree char *expected_to = NULL;
  FdActivityModel *model;
  FdActivityList *list;
  FdWindow *window;
  gint64 org_id;
  int row;
  const char *raw = "From: " CUSTOMER_NAME " <alice@customer.test>\r\n"
                    "To: " STREAM_ADDRESS "\r\n"
                    "Subject: Order 42\r\n"
                    "Message-ID: <order-42@customer.test>\r\n"
                    "Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "\r\n"
                    "Where is my order?\r\n";

  fd_test_server_start (server);
  fd_test_dovecot_add_stream (dovecot, server, MAILBOX_PASSWORD, STREAM_ADDRESS, fd_test_free_port (), &org_id);
  connection = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  fd_test_ui_join_queue (connection, "Sales");
  window = g_object_ref (fd_window_new (NULL, NULL));
  fd_window_set_connection (window, connection);
  gtk_window_present (GTK_WINDOW (window));
  list = fd_window_get_activity_list (window);
  model = fd_session_get_activity_model (fd_connection_get_session (connection));

  fd_test_dovecot_deliver (dovecot, NULL, raw, -1);
  fd_test_ui_wait_row (window, CUSTOMER_NAME, "Unreserved", 30000, "the email's row");

  /* The guide's row: Email, the customer's name, Organization > Stream. */
  activity = fd_test_ui_dup_cell (window, CUSTOMER_NAME, FD_TEST_UI_COL_ACTIVITY);
  g_assert_cmpstr (activity, ==, "Email");
  to = fd_test_ui_dup_cell (window, CUSTOMER_NAME, FD_TEST_UI_COL_TO);
  g_assert_nonnull (strstr (to, "Test Mail"));
  g_assert_nonnull (strstr (to, " > "));
  expected_to = g_strdup (to);

  /* Its menu: Reserve, Reject, Show CRM Contact disabled with the reason. */
  row = fd_test_ui_find_row (window, CUSTOMER_NAME);
  g_assert_cmpint (row, >=, 0);
  fd_activity_list_select (list, (guint) row);
  items = open_menu (window);
  g_assert_cmpstr (items, ==, "Reserve Conversation|Reject Conversation|Show CRM Contact (No CRM is configured) (disabled)");
  g_clear_pointer (&items, g_free);

  /* Reserved, it counts for the quit guard as a chat does. */
  g_assert_cmpuint (fd_activity_model_count_reserved (model), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  /* The status counts the mail the agent has not read yet. */
  fd_test_ui_wait_row (window, CUSTOMER_NAME, "Reserved (1 new message)", FD_TEST_UI_WAIT_MS, "the reserved email");
  g_assert_cmpuint (fd_activity_model_count_reserved (model), ==, 1);
  g_clear_pointer (&to, g_free);
  to = fd_test_ui_dup_cell (window, CUSTOMER_NAME, FD_TEST_UI_COL_TO);
  g_assert_cmpstr (to, ==, expected_to);
  row = fd_test_ui_find_row (window, CUSTOMER_NAME);
  fd_activity_list_select (list, (guint) row);
  items = open_menu (window);
  g_assert_nonnull (strstr (items, "Show CRM Contact (No CRM is configured) (disabled)"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  fd_connection_stop (connection);
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/email/row", test_email_row);
  return g_test_run ();
}
