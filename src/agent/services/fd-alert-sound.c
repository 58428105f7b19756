#define G_LOG_DOMAIN "fd-alert-sound"

#include "fd-alert-sound.h"

#include <gio/gio.h>
#include <gst/gst.h>

#include "fd-config.h"
#include "fd-properties.h"

#define DEFAULT_SINK "autoaudiosink"

struct _FdAlertSound
{
  GObject     parent_instance;

  char       *uri;
  char       *default_uri;
  char       *sink_description;
  gboolean    sink_dirty;

  GstElement *pipeline;
  guint       bus_watch;
  gulong      about_to_finish_id;
  guint       duration_id;
  guint       loop_seconds;
  gboolean    timer_wanted;  /* the loop's duration starts with its sound */
  gboolean    started;       /* a stream started since start_stream() */
  gboolean    playing;

  /* Shared with the streaming thread (about-to-finish). */
  GMutex      lock;
  gboolean    looping;
  char       *stream_uri;

  /* A custom sound that failed is replaced by the default one until
   * another custom sound is set; each failure is reported once. */
  gboolean    uri_failed;
  gboolean    warned_uri;
  gboolean    warned_default;
  gboolean    warned_init;

  guint       n_streams;
  guint       n_pipelines;
};

G_DEFINE_FINAL_TYPE (FdAlertSound, fd_alert_sound, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_playing (FdAlertSound *self,
             gboolean      playing)
{
  if (self->playing == playing)
    return;
  self->playing = playing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

static void
clear_loop (FdAlertSound *self)
{
  g_mutex_lock (&self->lock);
  self->looping = FALSE;
  g_mutex_unlock (&self->lock);
  g_clear_handle_id (&self->duration_id, g_source_remove);
  self->timer_wanted = FALSE;
}

static void
finish (FdAlertSound *self)
{
  clear_loop (self);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  set_playing (self, FALSE);
}

static const char *
effective_uri (FdAlertSound *self)
{
  if (self->uri != NULL && !self->uri_failed)
    return self->uri;
  return self->default_uri;
}

/* Runs on a streaming thread shortly before the current stream ends:
 * queueing the same URI again is what makes the loop gapless. */
static void
on_pipeline_about_to_finish_cb (GstElement   *pipeline,
                                FdAlertSound *self)
{
  g_mutex_lock (&self->lock);
  if (self->looping && self->stream_uri != NULL)
    g_object_set (pipeline, "uri", self->stream_uri, NULL);
  g_mutex_unlock (&self->lock);
}

static void start_stream (FdAlertSound *self,
                          const char   *uri);
static gboolean on_duration_timeout_cb (gpointer user_data);

static void
start_duration (FdAlertSound *self)
{
  g_clear_handle_id (&self->duration_id, g_source_remove);
  self->duration_id = g_timeout_add (self->loop_seconds * 1000, on_duration_timeout_cb, self);
  self->timer_wanted = FALSE;
}

static void
handle_error (FdAlertSound *self,
              const GError *error)
{
  g_autofree char *failed = NULL;

  g_mutex_lock (&self->lock);
  failed = g_strdup (self->stream_uri);
  g_mutex_unlock (&self->lock);

  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  if (self->default_uri != NULL && g_strcmp0 (failed, self->default_uri) != 0)
    {
      if (!self->warned_uri)
        g_warning ("The alert sound %s cannot be played (%s); the default sound plays instead.",
                   failed, error->message);
      self->warned_uri = TRUE;
      self->uri_failed = TRUE;
      start_stream (self, self->default_uri);
      return;
    }
  if (!self->warned_default)
    g_warning ("The default alert sound %s cannot be played (%s); alerts stay silent.",
               failed != NULL ? failed : "(none)", error->message);
  self->warned_default = TRUE;
  finish (self);
}

static gboolean
on_bus_message_cb (GstBus       *bus,
                   GstMessage   *message,
                   gpointer      user_data)
{
  FdAlertSound *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_STREAM_START:
      self->n_streams++;
      self->started = TRUE;
      /* Counted from the first sound, not from the request: the first
       * play of a process loads plugins, which can take a while. */
      if (self->timer_wanted)
        start_duration (self);
      g_debug ("Stream %u of the alert sound started (from %s).", self->n_streams,
               GST_MESSAGE_SRC_NAME (message));
      break;
    case GST_MESSAGE_EOS:
      finish (self);
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;

        gst_message_parse_error (message, &error, NULL);
        handle_error (self, error);
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_pipeline (FdAlertSound *self)
{
  g_autoptr(GstBus) bus = NULL;

  if (self->pipeline != NULL)
    return TRUE;
  /* GStreamer starts with the first sound, not with the app: its registry
   * of plugins is about 3 MB of the app's memory (docs/performance.md,
   * "Session 10: GStreamer at the first sound"), and starting it takes a
   * few milliseconds, once. */
  if (!gst_is_initialized ())
    {
      g_autoptr(GError) error = NULL;

      if (!gst_init_check (NULL, NULL, &error))
        {
          if (!self->warned_init)
            g_warning ("GStreamer cannot start (%s); alerts stay silent.", error->message);
          self->warned_init = TRUE;
          return FALSE;
        }
    }

  self->pipeline = gst_element_factory_make ("playbin", "fd-alert-sound");
  if (self->pipeline == NULL)
    {
      if (!self->warned_default)
        g_warning ("GStreamer's playbin is missing (gstreamer1.0-plugins-base); alerts stay silent.");
      self->warned_default = TRUE;
      return FALSE;
    }
  gst_object_ref_sink (self->pipeline);
  self->n_pipelines++;
  /* Audio only: a video file chosen as the sound must not open a window. */
  gst_util_set_object_arg (G_OBJECT (self->pipeline), "flags", "audio");
  self->about_to_finish_id = g_signal_connect (self->pipeline, "about-to-finish",
                                               G_CALLBACK (on_pipeline_about_to_finish_cb), self);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message_cb, self);
  self->sink_dirty = TRUE;
  return TRUE;
}

static void
apply_sink (FdAlertSound *self)
{
  const char *description = self->sink_description != NULL ? self->sink_description : DEFAULT_SINK;
  g_autoptr(GError) error = NULL;
  GstElement *sink;

  if (!self->sink_dirty)
    return;
  self->sink_dirty = FALSE;
  sink = gst_parse_bin_from_description (description, TRUE, &error);
  if (sink == NULL)
    {
      g_warning ("The audio sink “%s” cannot be made (%s); the default one is used.",
                 description, error->message);
      sink = gst_element_factory_make (DEFAULT_SINK, NULL);
    }
  g_object_set (self->pipeline, "audio-sink", sink, NULL);
}

static void
start_stream (FdAlertSound *self,
              const char   *uri)
{
  if (uri == NULL)
    {
      if (!self->warned_default)
        g_warning ("No alert sound was found (data/sounds/alert.oga); alerts stay silent.");
      self->warned_default = TRUE;
      finish (self);
      return;
    }
  if (!ensure_pipeline (self))
    {
      finish (self);
      return;
    }
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  apply_sink (self);
  g_mutex_lock (&self->lock);
  g_free (self->stream_uri);
  self->stream_uri = g_strdup (uri);
  g_mutex_unlock (&self->lock);
  g_object_set (self->pipeline, "uri", uri, NULL);
  self->started = FALSE;
  set_playing (self, TRUE);
  /* A failure here is also posted on the bus, where handle_error() falls
   * back to the default sound. */
  gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
}

static gboolean
on_duration_timeout_cb (gpointer user_data)
{
  FdAlertSound *self = user_data;

  /* Stopped at once: playbin decodes the next loops ahead (a short sound
   * may be queued many times over), so waiting for the end of the stream
   * would overrun the duration by as much as the queues hold. */
  self->duration_id = 0;
  finish (self);
  return G_SOURCE_REMOVE;
}

void
fd_alert_sound_play (FdAlertSound *self,
                     gboolean      loop,
                     guint         duration_seconds)
{
  g_return_if_fail (FD_IS_ALERT_SOUND (self));

  if (self->playing && !loop)
    return;
  if (loop)
    {
      g_mutex_lock (&self->lock);
      self->looping = TRUE;
      g_mutex_unlock (&self->lock);
      self->loop_seconds = MAX (duration_seconds, 1);
      if (self->playing && self->started)
        start_duration (self);
      else
        self->timer_wanted = TRUE;
    }
  if (!self->playing)
    start_stream (self, effective_uri (self));
}

void
fd_alert_sound_stop (FdAlertSound *self)
{
  g_return_if_fail (FD_IS_ALERT_SOUND (self));

  finish (self);
}

gboolean
fd_alert_sound_get_playing (FdAlertSound *self)
{
  g_return_val_if_fail (FD_IS_ALERT_SOUND (self), FALSE);

  return self->playing;
}

void
fd_alert_sound_set_uri (FdAlertSound *self,
                        const char   *uri)
{
  g_return_if_fail (FD_IS_ALERT_SOUND (self));

  if (uri != NULL && *uri == '\0')
    uri = NULL;
  if (g_strcmp0 (uri, self->uri) == 0)
    return;
  g_free (self->uri);
  self->uri = g_strdup (uri);
  self->uri_failed = FALSE;
  self->warned_uri = FALSE;
}

const char *
fd_alert_sound_get_uri (FdAlertSound *self)
{
  g_return_val_if_fail (FD_IS_ALERT_SOUND (self), NULL);

  return self->uri;
}

void
fd_alert_sound_set_default_uri (FdAlertSound *self,
                                const char   *uri)
{
  g_return_if_fail (FD_IS_ALERT_SOUND (self));

  g_free (self->default_uri);
  self->default_uri = g_strdup (uri);
  self->warned_default = FALSE;
}

const char *
fd_alert_sound_get_default_uri (FdAlertSound *self)
{
  g_return_val_if_fail (FD_IS_ALERT_SOUND (self), NULL);

  return self->default_uri;
}

void
fd_alert_sound_set_audio_sink (FdAlertSound *self,
                               const char   *description)
{
  g_return_if_fail (FD_IS_ALERT_SOUND (self));

  g_free (self->sink_description);
  self->sink_description = g_strdup (description);
  self->sink_dirty = TRUE;
}

guint
fd_alert_sound_get_n_streams (FdAlertSound *self)
{
  g_return_val_if_fail (FD_IS_ALERT_SOUND (self), 0);

  return self->n_streams;
}

guint
fd_alert_sound_get_n_pipelines (FdAlertSound *self)
{
  g_return_val_if_fail (FD_IS_ALERT_SOUND (self), 0);

  return self->n_pipelines;
}

char *
fd_alert_sound_find_default_uri (void)
{
  const char *dirs[] = { FD_DATADIR, FD_SOURCE_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "sounds", "alert.oga", NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_filename_to_uri (path, NULL, NULL);
    }
  return NULL;
}

static void
fd_alert_sound_dispose (GObject *object)
{
  FdAlertSound *self = FD_ALERT_SOUND (object);

  g_clear_handle_id (&self->duration_id, g_source_remove);
  if (self->pipeline != NULL)
    {
      /* Joins the streaming threads before their callback loses self. */
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_signal_handler (&self->about_to_finish_id, self->pipeline);
      g_clear_handle_id (&self->bus_watch, g_source_remove);
      gst_clear_object (&self->pipeline);
    }
  self->playing = FALSE;

  G_OBJECT_CLASS (fd_alert_sound_parent_class)->dispose (object);
}

static void
fd_alert_sound_finalize (GObject *object)
{
  FdAlertSound *self = FD_ALERT_SOUND (object);

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->default_uri, g_free);
  g_clear_pointer (&self->sink_description, g_free);
  g_clear_pointer (&self->stream_uri, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (fd_alert_sound_parent_class)->finalize (object);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_PLAYING] = FD_PROPERTY_BOOLEAN ("playing", fd_alert_sound_get_playing, FALSE),
};

static void
fd_alert_sound_class_init (FdAlertSoundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_alert_sound_dispose;
  object_class->finalize = fd_alert_sound_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
}

static void
fd_alert_sound_init (FdAlertSound *self)
{
  g_mutex_init (&self->lock);
  self->default_uri = fd_alert_sound_find_default_uri ();
  /* Lets tests of the whole app (and people without a sound card) pick
   * the sink without a setting: FD_AUDIO_SINK="fakesink sync=true". */
  self->sink_description = g_strdup (g_getenv ("FD_AUDIO_SINK"));
}

FdAlertSound *
fd_alert_sound_new (void)
{
  return g_object_new (FD_TYPE_ALERT_SOUND, NULL);
}
