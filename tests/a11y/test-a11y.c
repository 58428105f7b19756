#define G_LOG_DOMAIN "test-a11y"

/* What a screen reader finds in the agent app (issue 18): the app signs in
 * to the real frontdeskd --demo, joins every queue, gets two visitors'
 * chats as Activity List rows, reserves one and opens its Web Chat window,
 * and opens the preferences; then walk-atspi.py walks the process's tree
 * over AT-SPI and fails on any interactive element without a name,
 * printing its role and path. The app runs with GTK's real AT-SPI backend
 * (not GTK_A11Y=test), on the accessibility bus of a private session
 * (run-a11y.sh). */

#include <unistd.h>

#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-preferences-window.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define JENNA_EMAIL    "jenna@kakapo.example"
#define JENNA_PASSWORD "jenna-demo"
#define CHAT_KEY       "kakapo-website-chat"
/* A walk of three windows takes a few seconds; generous for ASan. */
#define WALK_TIMEOUT_MS 120000

static gboolean
has_two_rows (gpointer data)
{
  return fd_activity_list_get_n_rows (fd_window_get_activity_list (data)) == 2;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        return GTK_WINDOW (item);
    }
  return NULL;
}

static gboolean
has_chat_window (gpointer data)
{
  return find_toplevel (FD_TYPE_CHAT_WINDOW) != NULL;
}

static gboolean
has_preferences_window (gpointer data)
{
  GtkWindow *window = find_toplevel (FD_TYPE_PREFERENCES_WINDOW);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static gboolean
is_reserved (gpointer data)
{
  FdActivityList *list = fd_window_get_activity_list (data);
  int row = fd_test_ui_find_row (data, "Natalie Maines");
  g_autofree char *status = NULL;

  if (row < 0)
    return FALSE;
  status = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
  return g_str_has_prefix (status, "Reserved");
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

static void
run_check (FdApplication *app,
           FdTestServer  *server)
{
  g_autoptr(FdTestVisitor) v1 = NULL;
  g_autoptr(FdTestVisitor) v2 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdWindow *window = fd_test_ui_app_window (app);
  FdActivityList *list;
  FdChatWindow *chat;
  GtkWindow *preferences;
  int row;

  g_assert_nonnull (window);
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (server),
                          JENNA_EMAIL, JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-all", NULL));
  fd_test_ui_wait (fd_test_ui_all_queues_joined, fd_window_get_connection (window), "every queue to be joined");

  /* Two rows: one offered, one reserved with its Web Chat window open. */
  v1 = fd_test_visitor_start (server, CHAT_KEY, "Natalie Maines");
  v2 = fd_test_visitor_start (server, CHAT_KEY, "Tom Baker");
  fd_test_visitor_connect (v1);
  fd_test_visitor_send (v1, "c1", "Hello, is anyone there?");
  fd_test_ui_wait (has_two_rows, window, "two Activity List rows");
  list = fd_window_get_activity_list (window);
  row = fd_test_ui_find_row (window, "Natalie Maines");
  g_assert_cmpint (row, >=, 0);
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  fd_test_ui_wait (is_reserved, window, "the reserved row");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (has_chat_window, NULL, "the Web Chat window");
  chat = FD_CHAT_WINDOW (find_toplevel (FD_TYPE_CHAT_WINDOW));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, chat, "the transcript");
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, chat, "the compose area");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL));
  fd_test_ui_wait (has_preferences_window, NULL, "the preferences");
  preferences = find_toplevel (FD_TYPE_PREFERENCES_WINDOW);
  fd_test_ui_spin (500);

  /* The three windows are there, with the header row and both rows, and
   * the names given for issue 18: the walk cannot pass by seeing nothing. */
  g_assert_cmpint (run_walker ((const char * const []) {
                     "--window", "Frontdesk",
                     "--window", "Preferences",
                     "--window", "Conversation: ",
                     "--min", "table row=3",
                     "--named", "WebChat from Natalie Maines, Reserved",
                     "--named", "WebChat from Tom Baker, Unreserved",
                     "--named", "Columns: Activity, From, To, Duration, Status",
                     "--named", "Main Menu",
                     "--named", "Availability: Available",
                     "--named", "Show or Hide the Password",
                     NULL }), ==, 0);

  /* Closing the conversation lets the agent quit as a person would. */
  fd_connection_close_conversation_async (fd_window_get_connection (window), fd_chat_window_get_id (chat),
                                          NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "closing the conversation");
  fd_conversation_free (fd_connection_close_conversation_finish (fd_window_get_connection (window), result, &error));
  g_assert_no_error (error);
  gtk_window_destroy (preferences);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
}

static void
on_activate_cb (GApplication *app,
                gpointer      server)
{
  run_check (FD_APPLICATION (app), server);
}

static void
test_a11y_names (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = NULL;

  fd_test_server_add_args (server, "--demo", NULL);
  fd_test_server_start (server);

  app = fd_application_new ();
  g_assert_nonnull (fd_application_get_settings (app));
  /* No notification server or sound card here. */
  g_settings_set_boolean (fd_application_get_settings (app), "alert-notification", FALSE);
  g_settings_set_boolean (fd_application_get_settings (app), "alert-sound", FALSE);
  g_application_set_application_id (G_APPLICATION (app), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), server);
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
