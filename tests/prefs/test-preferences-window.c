#define G_LOG_DOMAIN "test-preferences-window"

#include <adwaita.h>

#include "fd-preferences-window.h"

#define APP_ID "io.github.frontdeskcc.Frontdesk"

typedef struct {
  GSettings           *settings;
  FdPreferencesWindow *window;
} Fixture;

static void
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gpointer
child (Fixture    *f,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                   FD_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->settings = g_settings_new (APP_ID);
  /* The memory backend keeps values between tests of one program. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (f->settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (f->settings, keys[i]);
  }
  f->window = FD_PREFERENCES_WINDOW (fd_preferences_window_new (NULL, f->settings));
  g_object_ref (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  iterate ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  iterate ();
  g_assert_finalize_object (f->window);
  g_assert_finalize_object (f->settings);
}

static void
test_switches_follow_settings (Fixture       *f,
                               gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *key;
    gboolean    initial;
  } rows[] = {
    { "join_switch", "join-queues-on-startup", FALSE },
    { "warn_switch", "warn-last-agent-leaving", TRUE },
    { "unreplied_switch", "show-unreplied-duration", TRUE },
    { "notification_switch", "alert-notification", TRUE },
    { "sound_switch", "alert-sound", TRUE },
    { "loop_switch", "alert-sound-loop", TRUE },
  };

  g_assert_true (fd_preferences_window_get_settings (f->window) == f->settings);

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkSwitch *sw = child (f, rows[i].name);

      g_test_message ("%s <-> %s", rows[i].name, rows[i].key);
      g_assert_cmpint (gtk_switch_get_active (sw), ==, rows[i].initial);
      g_assert_cmpint (g_settings_get_boolean (f->settings, rows[i].key), ==, rows[i].initial);

      /* The person flips the switch: the key follows. */
      gtk_switch_set_active (sw, !rows[i].initial);
      iterate ();
      g_assert_cmpint (g_settings_get_boolean (f->settings, rows[i].key), ==, !rows[i].initial);

      /* Someone else changes the key: the switch follows. */
      g_settings_set_boolean (f->settings, rows[i].key, rows[i].initial);
      iterate ();
      g_assert_cmpint (gtk_switch_get_active (sw), ==, rows[i].initial);
    }
}

static void
test_activating_row_toggles (Fixture       *f,
                             gconstpointer  data)
{
  AdwActionRow *row = child (f, "join_row");

  g_assert_false (g_settings_get_boolean (f->settings, "join-queues-on-startup"));
  gtk_widget_activate (GTK_WIDGET (row));
  iterate ();
  g_assert_true (g_settings_get_boolean (f->settings, "join-queues-on-startup"));
  gtk_widget_activate (GTK_WIDGET (row));
  iterate ();
  g_assert_false (g_settings_get_boolean (f->settings, "join-queues-on-startup"));
}

static void
test_duration_spin (Fixture       *f,
                    gconstpointer  data)
{
  GtkSpinButton *spin = child (f, "duration_spin");

  g_assert_cmpint ((int) gtk_spin_button_get_value (spin), ==, 30);

  gtk_spin_button_set_value (spin, 120);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (f->settings, "alert-duration"), ==, 120);

  g_settings_set_uint (f->settings, "alert-duration", 5);
  iterate ();
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, 5);

  /* The spin keeps to the schema's range, so the key never leaves it. */
  gtk_spin_button_set_value (spin, 1000);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (f->settings, "alert-duration"), ==, 600);
  gtk_spin_button_set_value (spin, 0);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (f->settings, "alert-duration"), ==, 1);
}

static void
test_sensitivity (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *loop_row = child (f, "loop_row");
  GtkWidget *duration_row = child (f, "duration_row");
  GtkWidget *sound_file_row = child (f, "sound_file_row");

  g_assert_true (gtk_widget_get_sensitive (loop_row));
  g_assert_true (gtk_widget_get_sensitive (duration_row));
  g_assert_true (gtk_widget_get_sensitive (sound_file_row));

  g_settings_set_boolean (f->settings, "alert-sound-loop", FALSE);
  iterate ();
  g_assert_true (gtk_widget_get_sensitive (loop_row));
  g_assert_false (gtk_widget_get_sensitive (duration_row));

  g_settings_set_boolean (f->settings, "alert-sound-loop", TRUE);
  g_settings_set_boolean (f->settings, "alert-sound", FALSE);
  iterate ();
  g_assert_false (gtk_widget_get_sensitive (loop_row));
  g_assert_false (gtk_widget_get_sensitive (duration_row));
  g_assert_false (gtk_widget_get_sensitive (sound_file_row));

  g_settings_set_boolean (f->settings, "alert-sound", TRUE);
  iterate ();
  g_assert_true (gtk_widget_get_sensitive (loop_row));
  g_assert_true (gtk_widget_get_sensitive (duration_row));
  g_assert_true (gtk_widget_get_sensitive (sound_file_row));
}

static void
test_sound_file (Fixture       *f,
                 gconstpointer  data)
{
  AdwActionRow *row = child (f, "sound_file_row");
  GtkWidget *reset = child (f, "default_button");

  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Default");
  g_assert_false (gtk_widget_get_sensitive (reset));

  /* A file name is text, not markup: "&" and "<" show as they are. */
  g_settings_set_string (f->settings, "alert-sound-file", "file:///usr/share/sounds/ding%20%26%20%3Cdong%3E.oga");
  iterate ();
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "ding & <dong>.oga");
  g_assert_true (gtk_widget_get_sensitive (reset));

  /* A plain path, as `gsettings set` would store it, shows as well. */
  g_settings_set_string (f->settings, "alert-sound-file", "/tmp/bell.wav");
  iterate ();
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "bell.wav");

  g_signal_emit_by_name (reset, "clicked");
  iterate ();
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Default");
  g_assert_false (gtk_widget_get_sensitive (reset));
  {
    g_autofree char *value = g_settings_get_string (f->settings, "alert-sound-file");
    g_autoptr(GVariant) user_value = g_settings_get_user_value (f->settings, "alert-sound-file");

    g_assert_cmpstr (value, ==, "");
    g_assert_null (user_value);
  }
}

/* "Play" starts a preview of the shipped sound; closing the window while it
 * plays stops it and frees everything (the teardown asserts that). */
static void
test_play_preview (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *play = child (f, "play_button");
  gint64 until;

  g_assert_true (gtk_widget_is_sensitive (play));
  g_signal_emit_by_name (play, "clicked");
  /* Clicking again while it plays restarts the preview, never a second stream. */
  g_signal_emit_by_name (play, "clicked");
  until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  g_settings_set_boolean (f->settings, "alert-sound", FALSE);
  iterate ();
  g_assert_false (gtk_widget_is_sensitive (play));
}

static void
test_parent (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
  GtkWindow *window;

  g_object_ref (parent);
  window = GTK_WINDOW (fd_preferences_window_new (parent, settings));
  g_object_ref (window);
  g_assert_true (gtk_window_get_transient_for (window) == parent);
  g_assert_true (gtk_window_get_modal (window));

  gtk_window_destroy (window);
  gtk_window_destroy (parent);
  iterate ();
  g_assert_finalize_object (window);
  g_assert_finalize_object (parent);
}

static void
test_help_overlay (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/frontdeskcc/Frontdesk/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_autoptr(GString) accels = g_string_new (NULL);
  static const char *const expected[] = {
    "<Control>r", "<Control><Shift>r Delete", "Return", "<Control><Shift>c", "<Control>w",
    "<Control>p", "<Control>Return", "Menu <Shift>F10",
    "<Control>j", "<Control>l", "<Control>comma", "<Control>question", "<Control><Shift>w",
    "<Control>q",
    /* The Web Chat window. */
    "Return <Control>Return", "<Shift>Return", "<Control>t", "<Control><Shift>e",
    "<Control>Tab <Control>Page_Down", "<Control><Shift>Tab <Control>Page_Up",
    /* The Email window. */
    "email-send",
  };
  GtkWidget *w;

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  /* Walk the whole tree and collect every accelerator shown. */
  for (w = GTK_WIDGET (overlay); w != NULL;)
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (w))
        {
          g_autofree char *accel = NULL;
          g_autofree char *title = NULL;

          g_object_get (w, "accelerator", &accel, "title", &title, NULL);
          g_string_append_printf (accels, "|%s|", accel);
          /* The Email window's Ctrl+Enter (docs/app.md, "The Email window"). */
          if (g_strcmp0 (title, "Send the reply") == 0 && g_strcmp0 (accel, "<Control>Return") == 0)
            g_string_append (accels, "|email-send|");
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *needle = g_strdup_printf ("|%s|", expected[i]);

      g_test_message ("accelerator %s", expected[i]);
      g_assert_nonnull (strstr (accels->str, needle));
    }
  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* The Presence rows (docs/app.md, "Presence"): idle minutes as a choice
 * with Off, and ask or restore on return, both ways. */
static void
test_presence_rows (Fixture       *f,
                    gconstpointer  data)
{
  AdwComboRow *idle = child (f, "idle_row");
  AdwComboRow *on_return = child (f, "return_row");
  GListModel *choices = adw_combo_row_get_model (idle);
  g_autoptr(GtkStringObject) off = g_list_model_get_item (choices, 0);
  g_autoptr(GtkStringObject) selected = NULL;

  g_assert_cmpstr (gtk_string_object_get_string (off), ==, "Off");
  /* The default, 15 minutes. */
  selected = g_list_model_get_item (choices, adw_combo_row_get_selected (idle));
  g_assert_cmpstr (gtk_string_object_get_string (selected), ==, "15 minutes");
  g_assert_cmpuint (adw_combo_row_get_selected (on_return), ==, 0);

  adw_combo_row_set_selected (idle, 0);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (f->settings, "presence-idle-minutes"), ==, 0);
  adw_combo_row_set_selected (idle, 1);
  iterate ();
  g_assert_cmpuint (g_settings_get_uint (f->settings, "presence-idle-minutes"), ==, 5);
  /* A value set elsewhere shows as the largest choice not above it. */
  g_settings_set_uint (f->settings, "presence-idle-minutes", 45);
  iterate ();
  g_clear_object (&selected);
  selected = g_list_model_get_item (choices, adw_combo_row_get_selected (idle));
  g_assert_cmpstr (gtk_string_object_get_string (selected), ==, "30 minutes");

  adw_combo_row_set_selected (on_return, 1);
  iterate ();
  {
    g_autofree char *value = g_settings_get_string (f->settings, "presence-on-return");

    g_assert_cmpstr (value, ==, "restore");
  }
  g_settings_set_string (f->settings, "presence-on-return", "ask");
  iterate ();
  g_assert_cmpuint (adw_combo_row_get_selected (on_return), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* A GtkSwitch toggled by activation changes state at the end of its
   * animation; without animations it changes at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/preferences/switches", Fixture, NULL,
              fixture_setup, test_switches_follow_settings, fixture_teardown);
  g_test_add ("/preferences/activate-row", Fixture, NULL,
              fixture_setup, test_activating_row_toggles, fixture_teardown);
  g_test_add ("/preferences/duration", Fixture, NULL,
              fixture_setup, test_duration_spin, fixture_teardown);
  g_test_add ("/preferences/sensitivity", Fixture, NULL,
              fixture_setup, test_sensitivity, fixture_teardown);
  g_test_add ("/preferences/sound-file", Fixture, NULL,
              fixture_setup, test_sound_file, fixture_teardown);
  g_test_add ("/preferences/play", Fixture, NULL,
              fixture_setup, test_play_preview, fixture_teardown);
  g_test_add ("/preferences/presence", Fixture, NULL,
              fixture_setup, test_presence_rows, fixture_teardown);
  g_test_add_func ("/preferences/parent", test_parent);
  g_test_add_func ("/preferences/help-overlay", test_help_overlay);

  return g_test_run ();
}
