#define G_LOG_DOMAIN "test-wallboard-live"

/* The Personal Wallboard end to end against the real frontdeskd --demo
 * (the wallboard's server part: stats with the agent's figures,
 * stats-history, list-agent-states, supervised-agent-state): Jenna (an
 * agent) and Natalie (a supervisor) in their main windows on the wallboard
 * view; a visitor's chat shows as Waiting in Sales on both, with a point
 * more on the sparkline; Natalie's table lists Jenna and follows her ACD
 * state; Jenna has no table. Screenshot wallboard-live.png. */

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-stat-plot.h"
#include "fd-wallboard.h"
#include "fd-window.h"

typedef struct {
  FdWallboard *wallboard;
  const char  *text;
} TileWait;

static gboolean
center_tiles_contain (gpointer data)
{
  TileWait *wait = data;
  g_autofree char *text = fd_wallboard_dup_tiles_text (wait->wallboard, FD_STAT_COLUMN_CENTER);

  return strstr (text, wait->text) != NULL;
}

static gboolean
agent_tiles_contain (gpointer data)
{
  TileWait *wait = data;
  g_autofree char *text = fd_wallboard_dup_tiles_text (wait->wallboard, FD_STAT_COLUMN_AGENT);

  return strstr (text, wait->text) != NULL;
}

static gboolean
agents_contain (gpointer data)
{
  TileWait *wait = data;
  g_autofree char *text = fd_wallboard_dup_agents_text (wait->wallboard);

  return fd_wallboard_get_agents_visible (wait->wallboard) && strstr (text, wait->text) != NULL;
}

static FdWindow *
open_wallboard (FdConnection *connection,
                GSettings    *settings,
                FdWallboard **wallboard)
{
  FdWindow *window = g_object_ref (fd_window_new (NULL, settings));

  fd_window_set_connection (window, connection);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main window");
  g_assert_true (fd_window_set_view (window, "wallboard"));
  *wallboard = FD_WALLBOARD (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD));
  g_assert_nonnull (*wallboard);
  return window;
}

static void
test_wallboard_live (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GSettings) settings = g_settings_new ("io.github.frontdeskcc.Frontdesk");
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdWallboard *jenna_board, *natalie_board;
  FdWindow *jenna_window, *natalie_window;
  GtkWidget *tile, *plot;
  guint n_before = 0, n_after = 0;

  g_settings_reset (settings, "wallboard-agent-columns");
  g_settings_reset (settings, "wallboard-center-columns");
  fd_test_server_start_demo (server);
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  natalie_window = open_wallboard (natalie, settings, &natalie_board);
  jenna_window = open_wallboard (jenna, settings, &jenna_board);

  /* The stats ack: Sales named, nothing waiting; Jenna's own figures. */
  fd_test_ui_wait (center_tiles_contain, &(TileWait) { jenna_board, "Waiting: Sales 0" }, "Jenna's Sales line");
  fd_test_ui_wait (agent_tiles_contain, &(TileWait) { jenna_board, "Closed Today: 0|Held Now: 0" },
                   "Jenna's own figures");
  tile = fd_wallboard_get_tile (jenna_board, "center.waiting");
  plot = gtk_grid_get_child_at (GTK_GRID (fd_test_ui_find_descendant (tile, GTK_TYPE_GRID)), 2, 0);
  g_assert_true (FD_IS_STAT_PLOT (plot));
  fd_stat_plot_get_points (FD_STAT_PLOT (plot), &n_before);

  /* A visitor while Jenna is joined to Sales (with nobody joined, the
   * chat is missed at once and never waits): the stats event reaches both
   * wallboards. */
  fd_test_ui_join_queue (jenna, "Sales");
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Ada Lovelace");
  fd_test_ui_wait_ms (center_tiles_contain, &(TileWait) { jenna_board, "Waiting: Sales 1" }, 15000,
                      "the waiting chat on Jenna's wallboard");
  fd_test_ui_wait_ms (center_tiles_contain, &(TileWait) { natalie_board, "Waiting: Sales 1" }, 15000,
                      "the waiting chat on Natalie's wallboard");
  fd_stat_plot_get_points (FD_STAT_PLOT (plot), &n_after);
  g_assert_cmpuint (n_after, >, n_before);

  /* The supervisor's table; none for the agent. */
  fd_test_ui_wait (agents_contain, &(TileWait) { natalie_board, "Jenna Wimshurst, Available" }, "Jenna in Natalie's table");
  g_assert_false (fd_wallboard_get_agents_visible (jenna_board));

  /* Jenna goes to lunch: Natalie's row follows. */
  fd_connection_set_acd_async (jenna, FD_ACD_UNAVAILABLE, "lunch", NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "set-acd");
  g_assert_true (fd_connection_set_acd_finish (jenna, result, &error));
  g_assert_no_error (error);
  fd_test_ui_wait (agents_contain, &(TileWait) { natalie_board, "Jenna Wimshurst, Unavailable, lunch" },
                   "Jenna's new state in Natalie's table");

  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (natalie_window), "wallboard-live.png"));

  gtk_window_destroy (GTK_WINDOW (jenna_window));
  g_object_unref (jenna_window);
  gtk_window_destroy (GTK_WINDOW (natalie_window));
  g_object_unref (natalie_window);
  fd_connection_stop (jenna);
  fd_connection_stop (natalie);
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/wallboard/live", test_wallboard_live);
  return g_test_run ();
}
