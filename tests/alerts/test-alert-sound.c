#define G_LOG_DOMAIN "test-alert-sound"

/* The alert sound through GStreamer with "fakesink sync=true" (real time,
 * no sound card) and a 0.2 s tone: loops counted by stream starts, the
 * loop ending by itself, a single play, one pipeline only, the fallback to
 * the default sound, and the sound driven by FdAlerts from the model. */

#include "alerts-test.h"
#include "fd-alerts.h"

#include <gst/gst.h>

#define SINK "fakesink sync=true"

typedef struct {
  char         *tone;       /* 0.2 s */
  FdAlertSound *sound;
  guint         warnings;   /* caught before the test */
} Fixture;

/* Test data of the tests that expect a warning. */
static const char WARNS[] = "warns";

static gboolean
is_stopped (gpointer user_data)
{
  return !fd_alert_sound_get_playing (user_data);
}

typedef struct {
  FdAlertSound *sound;
  guint         n;
} StreamsAtLeast;

static gboolean
has_streams (gpointer user_data)
{
  StreamsAtLeast *w = user_data;

  return fd_alert_sound_get_n_streams (w->sound) >= w->n;
}

static void
wait_streams (FdAlertSound *sound,
              guint         n)
{
  StreamsAtLeast w = { sound, n };

  g_assert_true (alerts_test_wait (has_streams, &w, 10000));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->tone = alerts_test_write_sound ("tone-200ms.wav", 200);
  f->sound = fd_alert_sound_new ();
  fd_alert_sound_set_audio_sink (f->sound, SINK);
  fd_alert_sound_set_default_uri (f->sound, f->tone);
  f->warnings = alerts_test_caught_warnings (NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (data != (gconstpointer) WARNS)
    g_assert_cmpuint (alerts_test_caught_warnings (NULL), ==, f->warnings);
  g_assert_finalize_object (f->sound);
  g_free (f->tone);
}

static void
test_loop_duration (Fixture       *f,
                    gconstpointer  data)
{
  guint n;

  fd_alert_sound_play (f->sound, TRUE, 2);
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  /* It stops by itself once the two seconds are over (the bound is
   * generous: the machine is shared). */
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  n = fd_alert_sound_get_n_streams (f->sound);
  /* 2 s of a 0.2 s sound: about ten plays on an idle machine. It must
   * have looped (more than one play) and stopped (not played on): a
   * loaded machine starts each play late, so the lower bound only says
   * that it looped (three plays in 1 s failed at a load of 8). */
  g_test_message ("%u plays in the loop", n);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (n, <=, 20);
  g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 1);
}

static void
test_once (Fixture       *f,
           gconstpointer  data)
{
  fd_alert_sound_play (f->sound, FALSE, 30);
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  /* A second request while it plays does not stack a second sound. */
  fd_alert_sound_play (f->sound, FALSE, 30);
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  alerts_test_run_for (300);
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 1);

  /* Playing again reuses the pipeline. */
  fd_alert_sound_play (f->sound, FALSE, 30);
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 2);
  g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 1);
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  guint n;

  fd_alert_sound_play (f->sound, TRUE, 60);
  wait_streams (f->sound, 2);
  fd_alert_sound_stop (f->sound);
  g_assert_false (fd_alert_sound_get_playing (f->sound));
  n = fd_alert_sound_get_n_streams (f->sound);
  alerts_test_run_for (600);
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, n);
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *missing = g_test_build_filename (G_TEST_BUILT, "alerts", "no-such-sound.oga", NULL);
  g_autofree char *uri = g_filename_to_uri (missing, NULL, NULL);

  fd_alert_sound_set_uri (f->sound, uri);
  guint before = alerts_test_caught_warnings (NULL);
  const char *warning = NULL;

  fd_alert_sound_play (f->sound, FALSE, 30);
  /* The default sound plays instead, once. */
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  g_assert_cmpuint (alerts_test_caught_warnings (&warning), ==, before + 1);
  g_assert_true (g_pattern_match_simple ("The alert sound file://*no-such-sound.oga cannot be played*default sound plays instead.", warning));
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 1);

  /* The warning is not repeated at the next alert. */
  fd_alert_sound_play (f->sound, FALSE, 30);
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 2);
  g_assert_cmpuint (alerts_test_caught_warnings (NULL), ==, before + 1);
}

static void
test_not_a_sound (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "alerts", "not-a-sound.oga", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "this is not audio at all", -1, &error);
  g_assert_no_error (error);
  fd_alert_sound_set_uri (f->sound, uri);
  guint before = alerts_test_caught_warnings (NULL);

  fd_alert_sound_play (f->sound, TRUE, 1);
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  /* One warning, then the default sound loops for the second. */
  g_assert_cmpuint (alerts_test_caught_warnings (NULL), ==, before + 1);
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), >=, 2);
}

static void
test_shipped_sound (void)
{
  FdAlertSound *sound = fd_alert_sound_new ();
  const char *uri = fd_alert_sound_get_default_uri (sound);
  guint warnings = alerts_test_caught_warnings (NULL);

  /* data/sounds/alert.oga (Ogg Vorbis, about 1 s), found in the source
   * tree because the app is not installed. */
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (uri, "file:///"));
  g_assert_true (g_str_has_suffix (uri, "/sounds/alert.oga"));
  fd_alert_sound_set_audio_sink (sound, SINK);
  fd_alert_sound_play (sound, FALSE, 30);
  g_assert_true (alerts_test_wait (is_stopped, sound, 10000));
  g_assert_cmpuint (fd_alert_sound_get_n_streams (sound), ==, 1);
  g_assert_cmpuint (alerts_test_caught_warnings (NULL), ==, warnings);
  g_assert_finalize_object (sound);
}

static void
test_dispose_while_playing (Fixture       *f,
                            gconstpointer  data)
{
  fd_alert_sound_play (f->sound, TRUE, 60);
  wait_streams (f->sound, 2);
  /* The fixture's tear-down finalizes it while it loops. */
}

/* --- FdAlerts drives the sound from the model ---------------------------- */

typedef struct {
  GApplication    *app;
  GSettings       *settings;
  FdActivityModel *model;
  FdAlerts        *alerts;
  FdAlertSound    *sound;   /* borrowed */
  char            *tone;
  gint64           seq;
} AlertsFixture;

static void
alerts_set_up (AlertsFixture *f,
               gconstpointer  data)
{
  f->tone = alerts_test_write_sound ("tone-200ms.wav", 200);
  f->app = g_application_new ("io.github.frontdeskcc.Frontdesk.SoundTest", G_APPLICATION_NON_UNIQUE);
  f->settings = alerts_test_settings ();
  /* No desktop notifications in these tests: only the sound counts. */
  g_settings_set_boolean (f->settings, "alert-notification", FALSE);
  f->model = alerts_test_model ();
  f->alerts = fd_alerts_new (f->app, f->settings, f->model);
  f->sound = fd_alerts_get_sound (f->alerts);
  fd_alert_sound_set_audio_sink (f->sound, SINK);
  fd_alert_sound_set_default_uri (f->sound, f->tone);
  fd_alerts_set_batch_interval (f->alerts, 50);
}

static void
alerts_tear_down (AlertsFixture *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->alerts);
  g_assert_finalize_object (f->model);
  g_assert_finalize_object (f->settings);
  g_assert_finalize_object (f->app);
  g_free (f->tone);
}

static void
test_alerts_reserved_stops (AlertsFixture *f,
                            gconstpointer  data)
{
  guint n;

  g_settings_set_uint (f->settings, "alert-duration", 60);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  wait_streams (f->sound, 2);

  /* Reserved mid-loop: nothing is pending any more, the sound stops. */
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  g_assert_false (fd_alert_sound_get_playing (f->sound));
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 0);
  n = fd_alert_sound_get_n_streams (f->sound);
  alerts_test_run_for (500);
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, n);
}

/* An email offer loops the alert as a chat offer does, until reserved. */
static void
test_alerts_email_offer (AlertsFixture *f,
                         gconstpointer  data)
{
  g_settings_set_uint (f->settings, "alert-duration", 60);
  alerts_test_apply (f->model, alerts_test_offer_kind (++f->seq, 42, "Alice Customer", FD_STREAM_EMAIL));
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 1);
  wait_streams (f->sound, 2);
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  g_assert_false (fd_alert_sound_get_playing (f->sound));
}

static void
test_alerts_second_offer (AlertsFixture *f,
                          gconstpointer  data)
{
  g_settings_set_uint (f->settings, "alert-duration", 60);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  wait_streams (f->sound, 2);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 43, "Emily Robison"));
  wait_streams (f->sound, 4);
  /* One pipeline, looping for both. */
  g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 1);
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 2);

  /* One offer left: the other still waits, the sound goes on. */
  alerts_test_apply (f->model, alerts_test_reserved (++f->seq, 42));
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  /* The last one bounces: silence. */
  alerts_test_apply (f->model, alerts_test_withdraw (++f->seq, 43));
  g_assert_false (fd_alert_sound_get_playing (f->sound));
  g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 1);
}

static void
test_alerts_sound_off (AlertsFixture *f,
                       gconstpointer  data)
{
  g_settings_set_boolean (f->settings, "alert-sound", FALSE);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  g_assert_false (fd_alert_sound_get_playing (f->sound));
  alerts_test_run_for (400);
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 0);
  g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 0);
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 1);
}

static void
test_alerts_sound_switched_off (AlertsFixture *f,
                                gconstpointer  data)
{
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  g_assert_true (fd_alert_sound_get_playing (f->sound));
  g_settings_set_boolean (f->settings, "alert-sound", FALSE);
  g_assert_false (fd_alert_sound_get_playing (f->sound));
}

static void
test_alerts_loop_off (AlertsFixture *f,
                      gconstpointer  data)
{
  g_settings_set_boolean (f->settings, "alert-sound-loop", FALSE);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  alerts_test_run_for (300);
  /* Played once, like an IM, although the offer still waits. */
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 1);
  g_assert_cmpuint (fd_alerts_get_n_pending (f->alerts), ==, 1);
}

static void
test_alerts_custom_file (AlertsFixture *f,
                         gconstpointer  data)
{
  g_autofree char *custom = alerts_test_write_sound ("tone-custom.wav", 300);
  g_autofree char *path = g_filename_from_uri (custom, NULL, NULL);

  /* A plain path in the setting, as the file chooser stores it. */
  g_settings_set_string (f->settings, "alert-sound-file", path);
  g_settings_set_boolean (f->settings, "alert-sound-loop", FALSE);
  alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
  g_assert_cmpstr (fd_alert_sound_get_uri (f->sound), ==, custom);
  g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
  g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 1);
}

/* GStreamer starts with the first sound, not with the app (its plugin
 * registry is megabytes of an idle app's memory): the alerts are set up
 * and an alert-free moment passes without it; the first offer starts it
 * and is heard at once. In a subprocess, where nothing started GStreamer
 * before. */
static void
test_alerts_gstreamer_at_first_sound (void)
{
  if (g_test_subprocess ())
    {
      AlertsFixture fixture = { 0 };
      AlertsFixture *f = &fixture;

      alerts_set_up (f, NULL);
      g_settings_set_uint (f->settings, "alert-duration", 1);
      g_settings_set_boolean (f->settings, "alert-sound-loop", FALSE);
      alerts_test_run_for (200);
      g_assert_false (gst_is_initialized ());
      g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 0);

      alerts_test_apply (f->model, alerts_test_offer (++f->seq, 42, "Natalie Maines"));
      g_assert_true (gst_is_initialized ());
      g_assert_true (fd_alert_sound_get_playing (f->sound));
      g_assert_true (alerts_test_wait (is_stopped, f->sound, 10000));
      g_assert_cmpuint (fd_alert_sound_get_n_streams (f->sound), ==, 1);
      g_assert_cmpuint (fd_alert_sound_get_n_pipelines (f->sound), ==, 1);
      alerts_tear_down (f, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  alerts_test_catch_warnings ("fd-alert-sound");

  g_test_add ("/alert-sound/loop-duration", Fixture, NULL, fixture_set_up, test_loop_duration, fixture_tear_down);
  g_test_add ("/alert-sound/once", Fixture, NULL, fixture_set_up, test_once, fixture_tear_down);
  g_test_add ("/alert-sound/stop", Fixture, NULL, fixture_set_up, test_stop, fixture_tear_down);
  g_test_add ("/alert-sound/missing-file", Fixture, WARNS, fixture_set_up, test_missing_file, fixture_tear_down);
  g_test_add ("/alert-sound/not-a-sound", Fixture, WARNS, fixture_set_up, test_not_a_sound, fixture_tear_down);
  g_test_add_func ("/alert-sound/shipped", test_shipped_sound);
  g_test_add ("/alert-sound/dispose-while-playing", Fixture, NULL, fixture_set_up, test_dispose_while_playing, fixture_tear_down);
  g_test_add ("/alerts/sound/reserved-stops", AlertsFixture, NULL, alerts_set_up, test_alerts_reserved_stops, alerts_tear_down);
  g_test_add ("/alerts/sound/email-offer", AlertsFixture, NULL, alerts_set_up, test_alerts_email_offer, alerts_tear_down);
  g_test_add ("/alerts/sound/second-offer", AlertsFixture, NULL, alerts_set_up, test_alerts_second_offer, alerts_tear_down);
  g_test_add ("/alerts/sound/off", AlertsFixture, NULL, alerts_set_up, test_alerts_sound_off, alerts_tear_down);
  g_test_add ("/alerts/sound/switched-off", AlertsFixture, NULL, alerts_set_up, test_alerts_sound_switched_off, alerts_tear_down);
  g_test_add ("/alerts/sound/loop-off", AlertsFixture, NULL, alerts_set_up, test_alerts_loop_off, alerts_tear_down);
  g_test_add_func ("/alerts/sound/gstreamer-at-first-sound", test_alerts_gstreamer_at_first_sound);
  g_test_add ("/alerts/sound/custom-file", AlertsFixture, NULL, alerts_set_up, test_alerts_custom_file, alerts_tear_down);

  return g_test_run ();
}
