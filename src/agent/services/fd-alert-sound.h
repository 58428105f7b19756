#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FD_TYPE_ALERT_SOUND (fd_alert_sound_get_type ())
G_DECLARE_FINAL_TYPE (FdAlertSound, fd_alert_sound, FD, ALERT_SOUND, GObject)

/* The new-conversation alert sound: one GStreamer playbin, created on the
 * first play and reused for every later one, that plays a sound once or
 * loops it gaplessly for a number of seconds. A sound that cannot be
 * played is reported once with g_warning() and replaced by the default
 * sound (docs/app.md, "Alerts"). */

FdAlertSound *fd_alert_sound_new             (void);

/* The sound to play, a URI; NULL or "" plays the default sound. */
void          fd_alert_sound_set_uri         (FdAlertSound *self,
                                              const char   *uri);
const char   *fd_alert_sound_get_uri         (FdAlertSound *self);
/* The fallback sound, a URI; the shipped data/sounds/alert.oga unless a
 * test replaces it. */
void          fd_alert_sound_set_default_uri (FdAlertSound *self,
                                              const char   *uri);
const char   *fd_alert_sound_get_default_uri (FdAlertSound *self);
/* A gst-launch description of the audio sink ("fakesink sync=true" in
 * tests); NULL uses autoaudiosink. Takes effect at the next play. The
 * default is the environment's FD_AUDIO_SINK, if set. */
void          fd_alert_sound_set_audio_sink  (FdAlertSound *self,
                                              const char   *description);

/* Plays once, or loops for @duration_seconds when @loop. While a sound
 * plays no second stream starts: a looping request keeps or starts the
 * loop and restarts its duration, a single one is ignored. */
void          fd_alert_sound_play            (FdAlertSound *self,
                                              gboolean      loop,
                                              guint         duration_seconds);
/* Stops at once. */
void          fd_alert_sound_stop            (FdAlertSound *self);
gboolean      fd_alert_sound_get_playing     (FdAlertSound *self);

/* Counters for tests: streams started (the first play and every loop) and
 * pipelines created over the object's life. */
guint         fd_alert_sound_get_n_streams   (FdAlertSound *self);
guint         fd_alert_sound_get_n_pipelines (FdAlertSound *self);

/* The URI of the shipped sound: FD_DATADIR/sounds/alert.oga when
 * installed, else the source tree's data/sounds/alert.oga. */
char         *fd_alert_sound_find_default_uri (void);

G_END_DECLS
