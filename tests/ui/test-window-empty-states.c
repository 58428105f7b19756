#define G_LOG_DOMAIN "test-window"

/* /ui/window/empty-states: what a new agent sees instead of a blank
 * Activity List (join a queue, nothing waiting, reconnecting,
 * disconnected), with screenshots. */

#include "test-window.h"

/* --- /ui/window/empty-states ------------------------------------------------ */

typedef struct {
  FdWindow   *window;
  const char *page;
} PageWait;

static gboolean
has_activity_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (fd_window_get_activity_page (wait->window), wait->page) == 0;
}

static void
wait_activity_page (FdWindow   *window,
                    const char *page)
{
  PageWait wait = { window, page };
  g_autofree char *what = g_strdup_printf ("the Activity List's page '%s'", page);

  fd_test_ui_wait (has_activity_page, &wait, what);
}

/* The title of the status page shown in the Activity List's place. */
static const char *
activity_status_title (FdWindow *window)
{
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (fd_window_get_activity_list (window)));
  GtkWidget *page;

  g_assert_true (GTK_IS_STACK (stack));
  page = gtk_stack_get_visible_child (GTK_STACK (stack));
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  return adw_status_page_get_title (ADW_STATUS_PAGE (page));
}

static void
save_empty_state (FdWindow   *window,
                  const char *name)
{
  g_autofree char *path = NULL;

  fd_test_ui_spin (300);
  path = fd_test_ui_save_screenshot (GTK_WIDGET (window), name);
  g_test_message ("Saved %s", path);
}

/* What a new agent sees instead of a blank Activity List: join a queue
 * (with the button that does it), nothing waiting, reconnecting,
 * disconnected; a conversation arriving shows the list. Screenshots of
 * each empty state go to the artifacts. */
void
test_window_empty_states (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  FdWindow *window;
  FdWindow *window2;

  fd_test_server_start_demo (server);
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  window = fd_window_new (NULL, NULL);
  g_object_ref (window);
  fd_window_set_connection (window, jenna);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page");

  /* Signed in, no queue joined: say so, and offer to join. */
  wait_activity_page (window, "not-joined");
  g_assert_cmpstr (activity_status_title (window), ==, "Join a Queue to Receive Conversations");
  save_empty_state (window, "empty-not-joined.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-all", NULL));
  fd_test_ui_wait (fd_test_ui_all_queues_joined, jenna, "every queue to be joined");

  /* Joined, nothing waiting. */
  wait_activity_page (window, "waiting");
  g_assert_cmpstr (activity_status_title (window), ==, "No Conversations Waiting");
  save_empty_state (window, "empty-waiting.png");

  /* The server goes away: reconnecting; it comes back: waiting again. */
  fd_test_server_kill (server);
  wait_activity_page (window, "offline");
  g_assert_cmpstr (activity_status_title (window), ==, "Reconnecting…");
  g_assert_true (fd_window_get_banner_visible (window));
  save_empty_state (window, "empty-reconnecting.png");
  fd_test_server_start (server);
  fd_test_ui_wait (banner_hidden_and_connected, window, "the connection to resume");
  wait_activity_page (window, "waiting");

  /* A conversation arriving shows the list. */
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  wait_activity_page (window, "list");
  g_assert_cmpuint (fd_activity_list_get_n_rows (fd_window_get_activity_list (window)), ==, 1);

  /* A connection that stopped: disconnected. */
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  window2 = fd_window_new (NULL, NULL);
  g_object_ref (window2);
  fd_window_set_connection (window2, natalie);
  gtk_window_present (GTK_WINDOW (window2));
  wait_activity_page (window2, "not-joined");
  fd_connection_stop (natalie);
  wait_activity_page (window2, "offline");
  g_assert_cmpstr (activity_status_title (window2), ==, "Disconnected");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window2)) && g_action_group_get_action_enabled (G_ACTION_GROUP (window2), "join-all"));
  save_empty_state (window2, "empty-disconnected.png");

  gtk_window_destroy (GTK_WINDOW (window2));
  g_assert_finalize_object (window2);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}
