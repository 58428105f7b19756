#define G_LOG_DOMAIN "fd-ws-silence"

#include "fd-ws-silence.h"

#include <stdio.h>

typedef struct {
  SoupWebsocketConnection *conn;
  gint64                   last_activity;  /* monotonic time of the last frame or pong */
} Watch;

struct _FdWsSilence
{
  guint       ping_s;
  guint       silence_s;
  GHashTable *watches;   /* SoupWebsocketConnection* → Watch* (owned) */
  guint       timer_id;  /* while any socket is watched */
};

static void
on_message_cb (SoupWebsocketConnection *conn,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  ((Watch *) user_data)->last_activity = g_get_monotonic_time ();
}

/* The ping was answered: no timer until the next one. */
static void
on_pong_cb (SoupWebsocketConnection *conn,
            GBytes                  *message,
            gpointer                 user_data)
{
  ((Watch *) user_data)->last_activity = g_get_monotonic_time ();
  soup_websocket_connection_set_keepalive_interval (conn, 0);
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_signal_handlers_disconnect_by_data (watch->conn, watch);
  g_object_unref (watch->conn);
  g_free (watch);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  FdWsSilence *self = user_data;
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Watch *watch;

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    {
      if (soup_websocket_connection_get_state (watch->conn) != SOUP_WEBSOCKET_STATE_OPEN)
        continue;
      if (now - watch->last_activity > (gint64) self->silence_s * G_USEC_PER_SEC)
        g_ptr_array_add (silent, g_object_ref (watch->conn));
      else if (soup_websocket_connection_get_keepalive_interval (watch->conn) == 0)
        soup_websocket_connection_set_keepalive_interval (watch->conn, 1);
    }
  /* Closed after the walk: a close may take a socket out of the table. */
  for (guint i = 0; i < silent->len; i++)
    soup_websocket_connection_close (g_ptr_array_index (silent, i), SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                     "Silent for too long");
  if (g_hash_table_size (self->watches) > 0)
    return G_SOURCE_CONTINUE;
  self->timer_id = 0;
  return G_SOURCE_REMOVE;
}

FdWsSilence *
fd_ws_silence_new (guint       ping_s,
                   guint       silence_s,
                   const char *test_env)
{
  FdWsSilence *self = g_new0 (FdWsSilence, 1);
  const char *test = test_env != NULL ? g_getenv (test_env) : NULL;
  guint ping = 0, silence = 0;

  g_return_val_if_fail (ping_s > 0 && silence_s > ping_s, NULL);
  self->ping_s = ping_s;
  self->silence_s = silence_s;
  if (test != NULL && sscanf (test, "%u %u", &ping, &silence) == 2 && ping > 0 && silence > ping)
    {
      self->ping_s = ping;
      self->silence_s = silence;
    }
  self->watches = g_hash_table_new_full (NULL, NULL, NULL, watch_free);
  return self;
}

void
fd_ws_silence_free (FdWsSilence *self)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_hash_table_unref (self->watches);
  g_free (self);
}

void
fd_ws_silence_add (FdWsSilence             *self,
                   SoupWebsocketConnection *conn)
{
  Watch *watch = g_new0 (Watch, 1);

  watch->conn = g_object_ref (conn);
  watch->last_activity = g_get_monotonic_time ();
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_message_cb), watch);
  g_signal_connect (conn, "pong", G_CALLBACK (on_pong_cb), watch);
  g_hash_table_replace (self->watches, conn, watch);
  if (self->timer_id == 0)
    self->timer_id = g_timeout_add_seconds (self->ping_s, on_timer_cb, self);
}

void
fd_ws_silence_remove (FdWsSilence             *self,
                      SoupWebsocketConnection *conn)
{
  g_hash_table_remove (self->watches, conn);
}
