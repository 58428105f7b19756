#define G_LOG_DOMAIN "fd-connection"

/* Suspend (docs/app.md, "Connection"), the way logind documents it
 * (https://systemd.io/INHIBITOR_LOCKS/, "delay" locks):
 *
 * - While signed in the connection holds a delay lock for "sleep"
 *   (org.freedesktop.login1.Manager.Inhibit → a file descriptor): logind
 *   waits for it, up to its InhibitDelayMaxSec (5 s by default), before
 *   the machine sleeps.
 * - PrepareForSleep(true): "going-to-sleep" is emitted, so the app queues
 *   what it must say (set-acd unavailable:suspended); then the connection
 *   waits until every request queued so far is acknowledged, or
 *   sleep-delay passes (3 s), closes the socket and closes the lock's fd.
 * - PrepareForSleep(false): a new lock, and a reconnection at once rather
 *   than after a backoff.
 *
 * Without a system bus or logind there is no lock: the same steps run,
 * but nothing makes the machine wait for them, and the watchdog finds the
 * dead socket after waking if the close did not happen. */

#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>

#include "fd-connection-private.h"

#define LOGIN_NAME  "org.freedesktop.login1"
#define LOGIN_PATH  "/org/freedesktop/login1"
#define LOGIN_IFACE "org.freedesktop.login1.Manager"

/* Below logind's default InhibitDelayMaxSec (5 s), so that the socket is
 * closed by us, not cut by the sleep. */
#define DEFAULT_SLEEP_DELAY_MS 3000

/* --- the lock ------------------------------------------------------------- */

static gboolean
wants_lock (FdConnection *self)
{
  return self->active && !self->going_to_sleep && self->system_bus != NULL;
}

static void
release_lock (FdConnection *self)
{
  if (self->sleep_lock_fd < 0)
    return;
  g_debug ("Releasing the sleep delay lock");
  g_close (self->sleep_lock_fd, NULL);
  self->sleep_lock_fd = -1;
}

static void
on_inhibit_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  FdConnection *self;
  gint32 index = -1;
  int fd;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds, result, &error);
  if (reply == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* disposed: self is gone */
  self = user_data;
  self->inhibiting = FALSE;
  if (reply == NULL)
    {
      /* No logind (a container, another init): suspend still closes the
       * socket, only nothing waits for it. */
      g_debug ("No sleep delay lock: %s", error->message);
      return;
    }
  g_variant_get (reply, "(h)", &index);
  fd = fds != NULL ? g_unix_fd_list_get (fds, index, &error) : -1;
  if (fd < 0)
    {
      g_debug ("logind's Inhibit answered without a file descriptor");
      return;
    }
  /* Signed out or gone to sleep meanwhile: not wanted any more. */
  if (!wants_lock (self) || self->sleep_lock_fd >= 0)
    {
      g_close (fd, NULL);
      return;
    }
  g_debug ("Holding a sleep delay lock");
  self->sleep_lock_fd = fd;
}

void
_fd_connection_take_sleep_lock (FdConnection *self)
{
  if (!wants_lock (self) || self->sleep_lock_fd >= 0 || self->inhibiting)
    return;
  self->inhibiting = TRUE;
  g_dbus_connection_call_with_unix_fd_list (self->system_bus, LOGIN_NAME, LOGIN_PATH, LOGIN_IFACE, "Inhibit",
                                            g_variant_new ("(ssss)", "sleep", "Frontdesk",
                                                           "Tell the contact center you are away", "delay"),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                                            NULL, self->cancellable, on_inhibit_cb, self);
}

/* --- going to sleep ------------------------------------------------------- */

/* The requests queued before the sleep are answered, or the delay
 * passed: the socket closes and the lock goes, so the machine may sleep. */
static void
finish_going_to_sleep (FdConnection *self)
{
  g_clear_handle_id (&self->sleep_source, g_source_remove);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    ((FdPending *) l->data)->before_sleep = FALSE;
  if (self->active)
    _fd_connection_going_to_sleep (self);
  release_lock (self);
}

static gboolean
on_sleep_delay_cb (gpointer user_data)
{
  FdConnection *self = user_data;

  self->sleep_source = 0;
  g_debug ("No answer before the sleep delay passed; closing anyway");
  finish_going_to_sleep (self);
  return G_SOURCE_REMOVE;
}

void
_fd_connection_check_sleep (FdConnection *self)
{
  if (self->sleep_source == 0)
    return;
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (((FdPending *) l->data)->before_sleep)
      return;
  finish_going_to_sleep (self);
}

static void
going_to_sleep (FdConnection *self)
{
  guint waiting = 0;

  if (self->going_to_sleep)
    return;
  self->going_to_sleep = TRUE;
  /* What the app must say before sleeping is queued here, in the handlers. */
  g_signal_emit_by_name (self, "going-to-sleep");
  /* Only an open socket can bring answers before the sleep. */
  if (self->active && self->hello_done && _fd_connection_socket_is_open (self))
    for (GList *l = self->pending.head; l != NULL; l = l->next)
      {
        ((FdPending *) l->data)->before_sleep = TRUE;
        waiting++;
      }
  if (waiting == 0)
    {
      finish_going_to_sleep (self);
      return;
    }
  g_debug ("Waiting for %u answers before sleeping", waiting);
  self->sleep_source = g_timeout_add (self->sleep_delay_ms, on_sleep_delay_cb, self);
}

static void
woke_up (FdConnection *self)
{
  /* Woken before the wait ended (a cancelled suspend): the socket stays. */
  if (self->sleep_source != 0)
    {
      g_clear_handle_id (&self->sleep_source, g_source_remove);
      for (GList *l = self->pending.head; l != NULL; l = l->next)
        ((FdPending *) l->data)->before_sleep = FALSE;
    }
  self->going_to_sleep = FALSE;
  _fd_connection_take_sleep_lock (self);
  fd_connection_reconnect_now (self);
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
  gboolean sleeping = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &sleeping);
  if (!self->active)
    return;
  if (sleeping)
    going_to_sleep (self);
  else
    woke_up (self);
}

/* --- the bus --------------------------------------------------------------- */

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
    g_dbus_connection_signal_subscribe (bus, LOGIN_NAME, LOGIN_IFACE, "PrepareForSleep", LOGIN_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep_cb, self, NULL);
  _fd_connection_take_sleep_lock (self);
}

void
_fd_connection_watch_suspend (FdConnection *self)
{
  self->sleep_lock_fd = -1;
  self->sleep_delay_ms = DEFAULT_SLEEP_DELAY_MS;
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus_cb, self);
}

void
_fd_connection_release_sleep_lock (FdConnection *self)
{
  g_clear_handle_id (&self->sleep_source, g_source_remove);
  self->going_to_sleep = FALSE;
  release_lock (self);
}

void
_fd_connection_unwatch_suspend (FdConnection *self)
{
  _fd_connection_release_sleep_lock (self);
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

gboolean
fd_connection_get_holding_sleep_lock (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), FALSE);
  return self->sleep_lock_fd >= 0;
}

void
fd_connection_set_sleep_delay (FdConnection *self,
                               guint         delay_ms)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (delay_ms > 0);
  self->sleep_delay_ms = delay_ms;
}
