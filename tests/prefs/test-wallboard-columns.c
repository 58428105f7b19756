/* Settings > Service > Columns (FdStatColumnEditor in FdPreferencesWindow):
 * the guide's add, remove and reorder, kept in GSettings across a restart
 * of the program (a keyfile backend in a temporary directory, read again by
 * a second process), with ids of another version kept and not shown. */
#define G_LOG_DOMAIN "test-wallboard-columns"
#define G_SETTINGS_ENABLE_BACKEND

#include <adwaita.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "fd-preferences-window.h"
#include "fd-stat-column-editor.h"

#define APP_ID "io.github.frontdeskcc.Frontdesk"

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GSettings *
keyfile_settings (void)
{
  const char *dir = g_getenv ("FD_TEST_SETTINGS_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, "settings.ini", NULL);
  backend = g_keyfile_settings_backend_new (path, "/", NULL);
  return g_settings_new_with_backend (APP_ID, backend);
}

/* The titles the editor's list shows, in order, as one string. */
static char *
shown_titles (GtkWidget *editor)
{
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (editor, FD_TYPE_STAT_COLUMN_EDITOR, "list"));
  g_autoptr(GString) out = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      if (!ADW_IS_PREFERENCES_ROW (row))
        continue;
      if (out->len > 0)
        g_string_append (out, " | ");
      g_string_append (out, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      if (ADW_IS_ACTION_ROW (row) && adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) != NULL &&
          g_str_equal (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Per media stream"))
        g_string_append (out, " (stream)");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
button (GtkWidget  *editor,
        const char *name)
{
  GtkWidget *w = GTK_WIDGET (gtk_widget_get_template_child (editor, FD_TYPE_STAT_COLUMN_EDITOR, name));

  g_assert_nonnull (w);
  return w;
}

static void
click (GtkWidget *w)
{
  g_assert_true (gtk_widget_is_sensitive (w));
  /* What a click emits (gtk_widget_activate() waits 250 ms first). */
  g_signal_emit_by_name (w, "clicked");
  iterate ();
}

static void
assert_strv (GSettings  *settings,
             const char *key,
             const char *expected)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, key);
  g_autofree char *printed = g_variant_print (value, FALSE);

  g_assert_cmpstr (printed, ==, expected);
}

/* First run: edit both columns with the buttons (and the add popover's
 * list), as a person would. */
static void
test_edit_subprocess (void)
{
  g_autoptr(GSettings) settings = keyfile_settings ();
  FdPreferencesWindow *window;
  GtkWidget *agent, *center, *add_list;
  g_autofree char *titles = NULL;

  /* An id from a newer version is in the key already. */
  g_settings_set_strv (settings, "wallboard-center-columns",
                       (const char *[]) { "center.waiting", "center.from-a-newer-version",
                                          "center.longest-wait", NULL });
  window = FD_PREFERENCES_WINDOW (fd_preferences_window_new (NULL, settings));
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  iterate ();

  agent = fd_preferences_window_get_column_editor (window, FD_STAT_COLUMN_AGENT);
  center = fd_preferences_window_get_column_editor (window, FD_STAT_COLUMN_CENTER);

  /* The defaults, and the unknown id not shown. */
  titles = shown_titles (agent);
  g_assert_cmpstr (titles, ==, "Closed Today | Held Now | Average Handle Time | Time in State");
  g_clear_pointer (&titles, g_free);
  titles = shown_titles (center);
  g_assert_cmpstr (titles, ==, "Waiting | Longest Wait");
  g_clear_pointer (&titles, g_free);

  /* Nothing selected: remove and the arrows are off. */
  g_assert_false (gtk_widget_is_sensitive (button (agent, "remove_button")));
  g_assert_false (gtk_widget_is_sensitive (button (agent, "up_button")));

  /* Remove "Held Now" with the red minus. */
  g_assert_true (fd_stat_column_editor_select (FD_STAT_COLUMN_EDITOR (agent), "agent.held"));
  iterate ();
  click (button (agent, "remove_button"));
  /* The next one is selected; move "Average Handle Time" to the top. */
  g_assert_cmpstr (fd_stat_column_editor_get_selected (FD_STAT_COLUMN_EDITOR (agent)), ==,
                   "agent.average-handle-time");
  g_assert_true (gtk_widget_is_sensitive (button (agent, "up_button")));
  click (button (agent, "up_button"));
  g_assert_false (gtk_widget_is_sensitive (button (agent, "up_button")));
  /* Move "Time in State" down: it is last, the arrow is off. */
  fd_stat_column_editor_select (FD_STAT_COLUMN_EDITOR (agent), "agent.time-in-state");
  iterate ();
  g_assert_false (gtk_widget_is_sensitive (button (agent, "down_button")));
  titles = shown_titles (agent);
  g_assert_cmpstr (titles, ==, "Average Handle Time | Closed Today | Time in State");
  g_clear_pointer (&titles, g_free);

  /* Add "Average Rating" through the green add button's list: it lists
   * only the agent's statistics not yet in the column. */
  add_list = button (agent, "add_list");
  {
    guint n = 0;
    GtkListBoxRow *rating = NULL;

    for (GtkWidget *row = gtk_widget_get_first_child (add_list); row != NULL; row = gtk_widget_get_next_sibling (row))
      {
        const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

        n++;
        g_assert_cmpstr (title, !=, "Closed Today");
        g_assert_cmpstr (title, !=, "Waiting");
        if (g_str_equal (title, "Average Rating"))
          rating = GTK_LIST_BOX_ROW (row);
      }
    g_assert_cmpuint (n, ==, 7 - 3);
    g_assert_nonnull (rating);
    g_signal_emit_by_name (add_list, "row-activated", rating);
    iterate ();
  }

  /* The Contact Center column: add the per-stream "Waiting" and move it
   * up once, by the action the buttons use. */
  gtk_widget_activate_action (center, "column.add", "s", "stream.waiting");
  iterate ();
  g_assert_cmpstr (fd_stat_column_editor_get_selected (FD_STAT_COLUMN_EDITOR (center)), ==, "stream.waiting");
  click (button (center, "up_button"));
  /* An id of the other column is refused. */
  gtk_widget_activate_action (center, "column.add", "s", "agent.held");
  iterate ();

  titles = shown_titles (agent);
  g_assert_cmpstr (titles, ==, "Average Handle Time | Closed Today | Time in State | Average Rating");
  g_clear_pointer (&titles, g_free);
  titles = shown_titles (center);
  g_assert_cmpstr (titles, ==, "Waiting | Waiting (stream) | Longest Wait");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
  g_assert_finalize_object (window);
  g_settings_sync ();
}

/* Second run, a new process: the same columns, read from the file. */
static void
test_check_subprocess (void)
{
  g_autoptr(GSettings) settings = keyfile_settings ();
  FdPreferencesWindow *window;
  g_autofree char *agent_titles = NULL;
  g_autofree char *center_titles = NULL;

  assert_strv (settings, "wallboard-agent-columns",
               "['agent.average-handle-time', 'agent.closed-today', 'agent.time-in-state', 'agent.average-rating']");
  /* The newer version's id is still there, after the shown ones. */
  assert_strv (settings, "wallboard-center-columns",
               "['center.waiting', 'stream.waiting', 'center.longest-wait', 'center.from-a-newer-version']");

  window = FD_PREFERENCES_WINDOW (fd_preferences_window_new (NULL, settings));
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  iterate ();
  agent_titles = shown_titles (fd_preferences_window_get_column_editor (window, FD_STAT_COLUMN_AGENT));
  center_titles = shown_titles (fd_preferences_window_get_column_editor (window, FD_STAT_COLUMN_CENTER));
  g_assert_cmpstr (agent_titles, ==, "Average Handle Time | Closed Today | Time in State | Average Rating");
  g_assert_cmpstr (center_titles, ==, "Waiting | Waiting (stream) | Longest Wait");

  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
  g_assert_finalize_object (window);
}

static void
test_restart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-wallboard-columns-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  g_assert_no_error (error);
  g_setenv ("FD_TEST_SETTINGS_DIR", dir, TRUE);

  g_test_trap_subprocess ("/wallboard-columns/restart/subprocess/edit", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  /* Written to the file, not only kept in memory. */
  path = g_build_filename (dir, "settings.ini", NULL);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "agent.average-rating"));

  g_test_trap_subprocess ("/wallboard-columns/restart/subprocess/check", 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add_func ("/wallboard-columns/restart", test_restart);
  g_test_add_func ("/wallboard-columns/restart/subprocess/edit", test_edit_subprocess);
  g_test_add_func ("/wallboard-columns/restart/subprocess/check", test_check_subprocess);
  return g_test_run ();
}
