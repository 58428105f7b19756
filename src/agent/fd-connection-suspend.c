#define G_LOG_DOMAIN "fd-connection"

/* Suspend (docs/app.md, "Connection"): the connection listens to logind's
 * PrepareForSleep on the system bus. Going to sleep closes the socket
 * cleanly; waking up reconnects at once instead of after a backoff.
 * Without a system bus suspend goes unnoticed and the watchdog finds the
 * dead socket instead. */

#include "fd-connection-private.h"

/* The socket closes in a low-priority idle rather than in the signal's own
 * callback: GDBus queues every subscriber's callback of one signal at
 * default priority, so the others (the app's desktop presence, which makes
 * the agent unavailable with reason "suspended") send their last frames
 * first, and those leave on this socket ahead of its close frame. */
static gboolean
on_going_to_sleep_cb (gpointer user_data)
{
  FdConnection *self = user_data;

  self->sleep_source = 0;
  if (self->active)
    _fd_connection_going_to_sleep (self);
  return G_SOURCE_REMOVE;
}

static void
on_prepare_for_sleep_cb (GDBusConnection *bus,
                         const char      *sender,
                         const char      *path,
                         const char      *interface,
                         const char      *signal_name,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  FdConnection *self = user_data;
  gboolean going_to_sleep = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!self->active)
    return;
  if (going_to_sleep)
    {
      if (self->sleep_source == 0)
        self->sleep_source = g_idle_add_full (G_PRIORITY_LOW, on_going_to_sleep_cb, self, NULL);
    }
  else
    {
      g_clear_handle_id (&self->sleep_source, g_source_remove);
      fd_connection_reconnect_now (self);
    }
}

static void
on_system_bus_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  FdConnection *self;

  if (bus == NULL)
    {
      /* No system bus (a container, a test): suspend goes unnoticed and the
       * watchdog finds the dead socket instead. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so suspend is not watched: %s", error->message);
      return;
    }
  self = user_data;
  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep_cb, self, NULL);
}


void
_fd_connection_watch_suspend (FdConnection *self)
{
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus_cb, self);
}

void
_fd_connection_unwatch_suspend (FdConnection *self)
{
  g_clear_handle_id (&self->sleep_source, g_source_remove);
  if (self->system_bus != NULL && self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
}

gboolean
fd_connection_get_watching_suspend (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), FALSE);
  return self->sleep_subscription != 0;
}
