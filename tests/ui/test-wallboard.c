/* The Personal Wallboard view (FdWallboard) under Xvfb, fed through its
 * model with the contract's wire bodies decoded from JSON: a tile per
 * configured statistic in the settings' order, live changes of the
 * settings, values and sparklines that follow a stats event, the large
 * charts on click, the supervisors' agents table (not for agents), and a
 * screenshot (build/artifacts/wallboard.png; data/screenshots/wallboard.png
 * with FD_UPDATE_SCREENSHOTS=1).
 *
 * Against a real frontdeskd: test-wallboard-live (the server part of the
 * wallboard is another branch; see tests/ui/meson.build). */
#include "fd-config.h"

#include <adwaita.h>

#include "fd-stat-plot.h"
#include "fd-test-client.h"
#include "fd-test-ui.h"
#include "fd-wallboard.h"

#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

typedef struct {
  GSettings   *settings;
  GtkWidget   *window;
  FdWallboard *wallboard;
  gint64       now;
} Fixture;

static const char *
queue_name (gint64   queue_id,
            gpointer user_data)
{
  return queue_id == 1 ? "Sales" : queue_id == 2 ? "Support" : NULL;
}

/* The last hour of two queues and a stream, as `stats-history` gives it. */
static void
feed_history (Fixture *f)
{
  g_autoptr(GString) json = g_string_new ("{\"samples\": [");
  g_autoptr(FdStatsHistory) history = NULL;

  for (int m = 59; m >= 1; m--)
    {
      g_autofree char *at = fd_timestamp_to_string (f->now - m * MINUTE);

      g_string_append_printf (json,
                              "%s{\"queue_id\": 1, \"at\": \"%s\", \"waiting\": %d, \"longest_wait_seconds\": %d,"
                              " \"agents_available\": 3, \"service_level_percent\": %d},"
                              "{\"queue_id\": 2, \"at\": \"%s\", \"waiting\": %d, \"longest_wait_seconds\": 20,"
                              " \"agents_available\": 2, \"service_level_percent\": 80},"
                              "{\"queue_id\": 1, \"stream_id\": 5, \"at\": \"%s\", \"waiting\": %d}",
                              m == 59 ? "" : ",", at, (60 - m) / 10, 30 + (60 - m), 90 - m / 6,
                              at, m % 4, at, (60 - m) / 20);
    }
  g_string_append (json, "]}");
  history = fd_test_decode (&fd_stats_history_info, json->str);
  fd_wallboard_model_apply_history (fd_wallboard_get_model (f->wallboard), history->samples);
}

static void
feed_agent (Fixture *f)
{
  g_autofree char *since = fd_timestamp_to_string (f->now - 125 * G_USEC_PER_SEC);
  g_autofree char *json = g_strdup_printf ("{\"rows\": [], \"agent\": {\"closed_today\": 12, \"held\": 2,"
                                           " \"average_handle_seconds\": 421, \"average_rating_x100\": 460,"
                                           " \"acd_state\": \"available\", \"state_since\": \"%s\"}}", since);
  g_autoptr(FdStatsReport) ack = fd_test_decode (&fd_stats_report_info, json);

  fd_wallboard_model_apply_stats (fd_wallboard_get_model (f->wallboard), ack, f->now);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->settings = g_settings_new ("io.github.frontdeskcc.Frontdesk");
  g_settings_reset (f->settings, "wallboard-agent-columns");
  g_settings_reset (f->settings, "wallboard-center-columns");
  f->now = g_get_real_time ();
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 800);
  f->wallboard = g_object_new (FD_TYPE_WALLBOARD, NULL);
  fd_wallboard_model_set_name_func (fd_wallboard_get_model (f->wallboard), queue_name, NULL);
  fd_wallboard_set_settings (f->wallboard, f->settings);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->wallboard));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_object_ref (f->wallboard);
  gtk_window_destroy (GTK_WINDOW (f->window));
  fd_test_ui_spin (50);
  g_assert_finalize_object (f->wallboard);
  g_clear_object (&f->settings);
}

/* A tile per configured statistic, in order; settings changes show at
 * once; unknown ids are skipped. */
static void
test_tiles_follow_settings (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *agent = NULL;
  g_autofree char *center = NULL;

  feed_history (f);
  feed_agent (f);

  agent = fd_wallboard_dup_tiles_text (f->wallboard, FD_STAT_COLUMN_AGENT);
  /* The defaults (data/…gschema.xml); time in state from the agent's
   * state_since to the wallboard's clock. */
  g_assert_true (g_str_has_prefix (agent, "Closed Today: 12|Held Now: 2|Average Handle Time: 07:01|Time in State: 0"));
  center = fd_wallboard_dup_tiles_text (f->wallboard, FD_STAT_COLUMN_CENTER);
  g_assert_cmpstr (center, ==,
                   "Waiting: Sales 5, Support 1|Longest Wait: Sales 01:29, Support 00:20|"
                   "Agents Available: Sales 3, Support 2|Service Level: Sales 90 %, Support 80 %");
  g_clear_pointer (&center, g_free);

  /* Reorder, add the per-stream line, an unknown id and a duplicate. */
  g_settings_set_strv (f->settings, "wallboard-center-columns",
                       (const char *[]) { "stream.waiting", "center.from-a-newer-version", "center.waiting",
                                          "center.waiting", NULL });
  center = fd_wallboard_dup_tiles_text (f->wallboard, FD_STAT_COLUMN_CENTER);
  g_assert_cmpstr (center, ==, "Waiting: Sales · Media stream 5 2|Waiting: Sales 5, Support 1");
  g_assert_nonnull (fd_wallboard_get_tile (f->wallboard, "stream.waiting"));
  g_assert_null (fd_wallboard_get_tile (f->wallboard, "center.longest-wait"));

  /* An empty column says where to add statistics. */
  g_settings_set_strv (f->settings, "wallboard-agent-columns", (const char *[]) { NULL });
  g_clear_pointer (&agent, g_free);
  agent = fd_wallboard_dup_tiles_text (f->wallboard, FD_STAT_COLUMN_AGENT);
  g_assert_cmpstr (agent, ==, "");
  {
    GtkWidget *empty = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->wallboard), FD_TYPE_WALLBOARD,
                                                                  "agent_empty"));

    g_assert_true (gtk_widget_get_visible (empty));
  }
}

static gboolean
popover_shown (gpointer data)
{
  GtkMenuButton *button = data;

  return gtk_widget_get_mapped (GTK_WIDGET (gtk_menu_button_get_popover (button)));
}

/* A stats event changes the values and adds to the sparklines; a click
 * opens the large charts, which follow the next event too. */
static void
test_stats_event (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *at = fd_timestamp_to_string (f->now);
  g_autofree char *json = g_strdup_printf ("{\"rows\": [{\"queue_id\": 2, \"at\": \"%s\", \"waiting\": 7,"
                                           " \"longest_wait_seconds\": 95, \"agents_available\": 1,"
                                           " \"service_level_percent\": -1}]}", at);
  g_autoptr(FdStatsReport) event = fd_test_decode (&fd_stats_report_info, json);
  g_autofree char *center = NULL;
  GtkWidget *tile, *plot;
  const FdStatPoint *points;
  guint n_before = 0, n_after = 0;
  GtkPopover *popover;
  GtkWidget *chart;

  feed_history (f);
  tile = fd_wallboard_get_tile (f->wallboard, "center.waiting");
  g_assert_nonnull (tile);
  /* The Support line's sparkline: the tile's grid of lines, row 1. */
  plot = gtk_grid_get_child_at (GTK_GRID (fd_test_ui_find_descendant (tile, GTK_TYPE_GRID)), 2, 1);
  g_assert_true (FD_IS_STAT_PLOT (plot));
  fd_stat_plot_get_points (FD_STAT_PLOT (plot), &n_before);
  g_assert_cmpuint (n_before, ==, 59);

  fd_wallboard_model_apply_stats (fd_wallboard_get_model (f->wallboard), event, f->now);
  center = fd_wallboard_dup_tiles_text (f->wallboard, FD_STAT_COLUMN_CENTER);
  g_assert_cmpstr (center, ==,
                   "Waiting: Sales 5, Support 7|Longest Wait: Sales 01:29, Support 01:35|"
                   "Agents Available: Sales 3, Support 1|Service Level: Sales 90 %, Support —");
  points = fd_stat_plot_get_points (FD_STAT_PLOT (plot), &n_after);
  g_assert_cmpuint (n_after, ==, n_before + 1);
  g_assert_cmpfloat (points[n_after - 1].value, ==, 7);
  g_assert_cmpstr (fd_stat_plot_get_summary (FD_STAT_PLOT (plot)), ==,
                   "Waiting, Support: 7 now, 0–7 over the last hour");

  /* The click: a chart per line. */
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (tile));
  gtk_menu_button_popup (GTK_MENU_BUTTON (tile));
  fd_test_ui_wait (popover_shown, tile, "the charts popover");
  chart = fd_test_ui_find_descendant (GTK_WIDGET (popover), FD_TYPE_STAT_PLOT);
  g_assert_nonnull (chart);
  g_assert_cmpint (fd_stat_plot_get_mode (FD_STAT_PLOT (chart)), ==, FD_STAT_PLOT_CHART);
  g_assert_cmpstr (fd_stat_plot_get_summary (FD_STAT_PLOT (chart)), ==,
                   "Waiting, Sales: 5 now, 0–5 over the last hour");
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (popover), "wallboard-chart.png"));

  /* The next event reaches the open chart. */
  {
    g_autofree char *later = fd_timestamp_to_string (f->now + 5 * G_USEC_PER_SEC);
    g_autofree char *json2 = g_strdup_printf ("{\"rows\": [{\"queue_id\": 1, \"at\": \"%s\", \"waiting\": 11}]}", later);
    g_autoptr(FdStatsReport) event2 = fd_test_decode (&fd_stats_report_info, json2);

    fd_wallboard_model_apply_stats (fd_wallboard_get_model (f->wallboard), event2, f->now + 5 * G_USEC_PER_SEC);
    g_assert_cmpstr (fd_stat_plot_get_summary (FD_STAT_PLOT (chart)), ==,
                     "Waiting, Sales: 11 now, 0–11 over the last hour");
  }
  gtk_popover_popdown (popover);
  fd_test_ui_spin (50);
}

/* Supervisors see their agents; agents do not. */
static void
test_agents_table (Fixture       *f,
                   gconstpointer  data)
{
  FdWallboardModel *model = fd_wallboard_get_model (f->wallboard);
  g_autofree char *since = fd_timestamp_to_string (f->now - 65 * G_USEC_PER_SEC);
  g_autofree char *json = g_strdup_printf (
    "{\"agents\": [{\"agent_id\": 3, \"name\": \"Zoe <b>Bold</b>\", \"acd_state\": \"offline\"},"
    "{\"agent_id\": 1, \"name\": \"Ada\", \"acd_state\": \"available\", \"held\": 2, \"state_since\": \"%s\"},"
    "{\"agent_id\": 2, \"name\": \"Mia\", \"acd_state\": \"unavailable\", \"acd_reason\": \"lunch\","
    " \"state_since\": \"%s\", \"held\": 0}]}", since, since);
  g_autoptr(FdAgentStates) list = fd_test_decode (&fd_agent_states_info, json);
  g_autoptr(FdAgentState) change = fd_test_decode (&fd_agent_state_info,
                                           "{\"agent_id\": 2, \"name\": \"Mia\", \"acd_state\": \"wrap-up\", \"held\": 1}");
  g_autofree char *text = NULL;
  char **rows;

  /* An agent: the list never came (refused), no table. */
  fd_wallboard_model_apply_agents (model, list->agents);
  g_assert_false (fd_wallboard_get_agents_visible (f->wallboard));

  fd_wallboard_model_set_supervising (model, TRUE);
  fd_wallboard_model_apply_agents (model, list->agents);
  g_assert_true (fd_wallboard_get_agents_visible (f->wallboard));
  fd_wallboard_set_now (f->wallboard, f->now);
  text = fd_wallboard_dup_agents_text (f->wallboard);
  rows = g_strsplit (text, "|", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);
  g_assert_cmpstr (rows[0], ==, "Ada, Available, , 01:05, 2");
  g_assert_cmpstr (rows[1], ==, "Mia, Unavailable, lunch, 01:05, 0");
  /* A name is text, never markup. */
  g_assert_cmpstr (rows[2], ==, "Zoe <b>Bold</b>, Offline, , —, 0");
  g_strfreev (rows);
  g_clear_pointer (&text, g_free);

  /* The clock moves: every row's time in state with it. */
  fd_wallboard_set_now (f->wallboard, f->now + 10 * G_USEC_PER_SEC);
  text = fd_wallboard_dup_agents_text (f->wallboard);
  g_assert_true (g_str_has_prefix (text, "Ada, Available, , 01:15, 2|"));
  g_clear_pointer (&text, g_free);

  /* An event replaces one row. */
  fd_wallboard_model_apply_agent (model, change);
  text = fd_wallboard_dup_agents_text (f->wallboard);
  rows = g_strsplit (text, "|", -1);
  g_assert_cmpstr (rows[1], ==, "Mia, Wrap-up, , —, 1");
  g_strfreev (rows);
}

/* The whole view with data, for the artifacts and the metainfo. */
static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  FdWallboardModel *model = fd_wallboard_get_model (f->wallboard);
  g_autofree char *since = fd_timestamp_to_string (f->now - 312 * G_USEC_PER_SEC);
  g_autofree char *json = g_strdup_printf (
    "{\"agents\": [{\"agent_id\": 1, \"name\": \"Ada Lovelace\", \"acd_state\": \"available\", \"held\": 2, \"state_since\": \"%s\"},"
    "{\"agent_id\": 2, \"name\": \"Grace Hopper\", \"acd_state\": \"unavailable\", \"acd_reason\": \"lunch\", \"state_since\": \"%s\"},"
    "{\"agent_id\": 3, \"name\": \"Jenna Wimshurst\", \"acd_state\": \"wrap-up\", \"held\": 1, \"state_since\": \"%s\"}]}",
    since, since, since);
  g_autoptr(FdAgentStates) list = fd_test_decode (&fd_agent_states_info, json);
  g_autofree char *path = NULL;

  feed_history (f);
  feed_agent (f);
  fd_wallboard_model_set_supervising (model, TRUE);
  fd_wallboard_model_apply_agents (model, list->agents);
  fd_wallboard_set_now (f->wallboard, f->now);
  path = fd_test_ui_save_screenshot (f->window, "wallboard.png");

  if (g_strcmp0 (g_getenv ("FD_UPDATE_SCREENSHOTS"), "1") == 0)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("FD_SOURCE_DATADIR"), "screenshots", "wallboard.png", NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_true (g_file_set_contents (copy, contents, (gssize) length, &error));
      g_assert_no_error (error);
      g_test_message ("Updated %s", copy);
    }
}

int
main (int argc, char *argv[])
{
  fd_test_ui_init (&argc, &argv);
  g_test_add ("/wallboard/tiles-follow-settings", Fixture, NULL, fixture_setup, test_tiles_follow_settings, fixture_teardown);
  g_test_add ("/wallboard/stats-event", Fixture, NULL, fixture_setup, test_stats_event, fixture_teardown);
  g_test_add ("/wallboard/agents-table", Fixture, NULL, fixture_setup, test_agents_table, fixture_teardown);
  g_test_add ("/wallboard/screenshot", Fixture, NULL, fixture_setup, test_screenshot, fixture_teardown);
  return g_test_run ();
}
