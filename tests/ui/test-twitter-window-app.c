#define G_LOG_DOMAIN "test-twitter-window"

/* /ui/twitter-window/from-activity-list: the whole app, Jenna opening the
 * seeded mention from its Tweet row in the Activity List, the quit guard
 * naming it, Close from the window. */

#include <string.h>

#include "fd-activity-list.h"
#include "fd-application.h"
#include "fd-sign-in-page.h"
#include "fd-window.h"

#include "test-twitter-window.h"

/* --- the whole app ------------------------------------------------------------------------ */

typedef struct {
  Fixture *f;
} AppRun;

static gboolean
is_twitter_window_of (gpointer      object,
                      gconstpointer data)
{
  return FD_IS_TWITTER_WINDOW (object) && fd_twitter_window_get_id (object) == *(const gint64 *) data;
}

static gboolean
has_twitter_window (gpointer data)
{
  return fd_test_ui_find_toplevel (is_twitter_window_of, data) != NULL;
}

static gboolean
has_tweet_cells (gpointer window)
{
  return fd_test_ui_find_row (window, "Natalie Maines (@nmaines)") >= 0;
}

static gboolean
is_window_visible (gpointer window)
{
  return gtk_widget_get_visible (window);
}

static gboolean
is_closed (gpointer data)
{
  return fd_conversation_model_get_closed (fd_twitter_window_get_model (data));
}

/* Jenna in the real app: the Tweet row's cells; the row activated
 * (activity.open, what double-click and Enter do) opens one Twitter window,
 * and again presents the same one; the quit guard names the reserved tweet;
 * Close from the window ends it. */
static void
run_from_activity_list (FdApplication *app,
                        AppRun        *run)
{
  g_autoptr(FdWindow) window = g_object_ref (fd_test_ui_app_window (app));
  FdActivityList *list = fd_window_get_activity_list (window);
  FdTwitterWindow *twitter;
  AdwMessageDialog *dialog;
  g_autofree char *activity = NULL;
  g_autofree char *to = NULL;
  g_autofree char *status = NULL;
  gint64 id = run->f->conversation_id;

  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (run->f->server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  fd_test_ui_wait (has_tweet_cells, window, "the Tweet row");
  activity = fd_test_ui_dup_cell (window, "Natalie Maines (@nmaines)", FD_TEST_UI_COL_ACTIVITY);
  to = fd_test_ui_dup_cell (window, "Natalie Maines (@nmaines)", FD_TEST_UI_COL_TO);
  status = fd_test_ui_dup_cell (window, "Natalie Maines (@nmaines)", FD_TEST_UI_COL_STATUS);
  g_assert_cmpstr (activity, ==, "Tweet");
  g_assert_true (g_str_has_prefix (to, "Kakapo Systems > Kakapo on X"));
  g_assert_cmpstr (status, ==, "Reserved");

  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_TWITTER_WINDOW), ==, 0);
  fd_activity_list_select (list, (guint) fd_test_ui_find_row (window, "Natalie Maines (@nmaines)"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (has_twitter_window, &id, "the Twitter window");
  twitter = fd_test_ui_find_toplevel (is_twitter_window_of, &id);
  fd_test_ui_wait (is_loaded, twitter, "the mention in the Twitter window");
  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_TWITTER_WINDOW), ==, 1);

  /* Hidden (its X only hides it), then activated again: the same window. */
  gtk_window_close (GTK_WINDOW (twitter));
  fd_test_ui_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (twitter)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (is_window_visible, twitter, "the same Twitter window presented again");
  g_assert_true (fd_test_ui_find_toplevel (is_twitter_window_of, &id) == (gpointer) twitter);
  g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_TWITTER_WINDOW), ==, 1);

  /* Quitting with the tweet reserved: the guard names it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  dialog = fd_test_ui_wait_dialog (NULL, "the quit guard");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Tweet with Natalie Maines (@nmaines)"));
  fd_test_ui_answer_dialog (dialog, "close");

  /* Close Conversation in the window ends it; then the app quits. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (twitter), "twitter.close", NULL));
  fd_test_ui_wait (is_closed, twitter, "the tweet closed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_null (fd_test_ui_app_window (app));
  g_assert_finalize_object (g_steal_pointer (&window));
}

void
test_from_activity_list (Fixture       *f,
                         gconstpointer  data)
{
  AppRun run = { f };

  fd_test_ui_run_app (fd_test_ui_new_app (), (FdTestUiRun) run_from_activity_list, &run);
}
