#define G_LOG_DOMAIN "fd-desktop-presence"

/* Presence that follows the desktop (docs/app.md, "Presence"). Three
 * sources, each optional:
 *
 * - Mutter's idle monitor: one idle watch of idle-minutes (AddIdleWatch);
 *   when it fires, a one-shot user-active watch (AddUserActiveWatch) says
 *   when the person is back. The monitor is followed by name, so a shell
 *   that restarts gets its watch again.
 * - GNOME's screensaver: ActiveChanged(true) when the screen locks.
 * - logind: PrepareForSleep(true) before suspend, (false) after waking.
 *
 * The away reason is the strongest state that holds, so waking up on a
 * locked screen is still away ("screen-locked") until it is unlocked. */

#include "fd-desktop-presence.h"

#define MONITOR_NAME      "org.gnome.Mutter.IdleMonitor"
#define MONITOR_PATH      "/org/gnome/Mutter/IdleMonitor/Core"
#define MONITOR_IFACE     "org.gnome.Mutter.IdleMonitor"
#define SCREENSAVER_NAME  "org.gnome.ScreenSaver"
#define SCREENSAVER_PATH  "/org/gnome/ScreenSaver"
#define LOGIN_NAME        "org.freedesktop.login1"
#define LOGIN_PATH        "/org/freedesktop/login1"
#define LOGIN_IFACE       "org.freedesktop.login1.Manager"

struct _FdDesktopPresence
{
  GObject          parent_instance;

  GCancellable    *cancellable;
  GDBusConnection *session_bus;
  GDBusConnection *system_bus;
  guint            monitor_name_watch;
  guint            watch_fired_subscription;
  guint            screensaver_subscription;
  guint            sleep_subscription;
  gboolean         monitor_present;

  guint            idle_minutes;
  guint            idle_watch;     /* Mutter's ids; 0: none */
  guint            active_watch;
  guint            idle_serial;    /* which AddIdleWatch reply is current */

  gboolean         idle;
  gboolean         locked;
  gboolean         asleep;
  const char      *away_reason;
};

G_DEFINE_FINAL_TYPE (FdDesktopPresence, fd_desktop_presence, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IDLE_MINUTES,
  PROP_AWAY_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_away_reason (FdDesktopPresence *self)
{
  const char *reason = NULL;

  if (self->asleep)
    reason = FD_PRESENCE_SUSPENDED;
  else if (self->locked)
    reason = FD_PRESENCE_SCREEN_LOCKED;
  else if (self->idle)
    reason = FD_PRESENCE_IDLE;
  if (g_strcmp0 (reason, self->away_reason) == 0)
    return;
  self->away_reason = reason;
  g_debug ("Away reason: %s", reason != NULL ? reason : "(present)");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AWAY_REASON]);
}

/* --- idle monitor ---------------------------------------------------------- */

static void
monitor_call (FdDesktopPresence   *self,
              const char          *method,
              GVariant            *parameters,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_dbus_connection_call (self->session_bus, MONITOR_NAME, MONITOR_PATH, MONITOR_IFACE, method,
                          parameters, callback != NULL ? G_VARIANT_TYPE ("(u)") : NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          callback != NULL ? self->cancellable : NULL, callback, user_data);
}

static void
remove_watch (FdDesktopPresence *self,
              guint             *watch)
{
  if (*watch != 0 && self->monitor_present)
    monitor_call (self, "RemoveWatch", g_variant_new ("(u)", *watch), NULL, NULL);
  *watch = 0;
}

/* The reply to AddIdleWatch or AddUserActiveWatch: @data is the presence
 * and the serial the request was made under (0 for the active watch). */
typedef struct {
  FdDesktopPresence *self;
  guint              serial;
} WatchRequest;

static guint
finish_watch (GObject      *source,
              GAsyncResult *result,
              WatchRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  guint id = 0;

  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The idle monitor refused a watch: %s", error->message);
      return 0;
    }
  g_variant_get (reply, "(u)", &id);
  return id;
}

static void
on_add_idle_watch_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree WatchRequest *request = user_data;
  guint id = finish_watch (source, result, request);
  FdDesktopPresence *self = request->self;

  /* A cancelled call never reaches here with an id: self is alive. */
  if (id == 0)
    return;
  if (request->serial != self->idle_serial)
    {
      /* Made for an older idle-minutes; the newer request sets its own. */
      remove_watch (self, &id);
      return;
    }
  self->idle_watch = id;
}

static void
on_add_active_watch_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autofree WatchRequest *request = user_data;
  guint id = finish_watch (source, result, request);

  if (id != 0)
    request->self->active_watch = id;
}

static void
add_watch (FdDesktopPresence   *self,
           const char          *method,
           GVariant            *parameters,
           guint                serial,
           GAsyncReadyCallback  callback)
{
  WatchRequest *request = g_new0 (WatchRequest, 1);

  request->self = self;
  request->serial = serial;
  monitor_call (self, method, parameters, callback, request);
}

/* Forgets the watches (removing them from a monitor that is there) and sets
 * the idle watch again for the current idle-minutes. */
static void
reset_idle_watch (FdDesktopPresence *self)
{
  remove_watch (self, &self->idle_watch);
  remove_watch (self, &self->active_watch);
  self->idle_serial++;
  self->idle = FALSE;
  update_away_reason (self);
  if (self->monitor_present && self->idle_minutes > 0)
    add_watch (self, "AddIdleWatch", g_variant_new ("(t)", (guint64) self->idle_minutes * 60 * 1000),
               self->idle_serial, on_add_idle_watch_cb);
}

static void
on_watch_fired_cb (GDBusConnection *bus,
                   const char      *sender,
                   const char      *path,
                   const char      *interface,
                   const char      *signal_name,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  FdDesktopPresence *self = user_data;
  guint id = 0;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(u)")))
    return;
  g_variant_get (parameters, "(u)", &id);
  if (id == 0)
    return;
  if (id == self->idle_watch && !self->idle)
    {
      self->idle = TRUE;
      update_away_reason (self);
      /* One-shot: the monitor removes it once it fired. */
      add_watch (self, "AddUserActiveWatch", NULL, 0, on_add_active_watch_cb);
    }
  else if (id == self->active_watch)
    {
      self->active_watch = 0;
      self->idle = FALSE;
      update_away_reason (self);
    }
}

static void
on_monitor_appeared_cb (GDBusConnection *bus,
                        const char      *name,
                        const char      *owner,
                        gpointer         user_data)
{
  FdDesktopPresence *self = user_data;

  self->monitor_present = TRUE;
  reset_idle_watch (self);
}

static void
on_monitor_vanished_cb (GDBusConnection *bus,
                        const char      *name,
                        gpointer         user_data)
{
  FdDesktopPresence *self = user_data;

  /* Its watches went with it. */
  self->monitor_present = FALSE;
  self->idle_watch = 0;
  self->active_watch = 0;
  self->idle = FALSE;
  update_away_reason (self);
}

/* --- screensaver and logind -------------------------------------------------- */

static gboolean
boolean_argument (GVariant *parameters,
                  gboolean *value)
{
  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return FALSE;
  g_variant_get (parameters, "(b)", value);
  return TRUE;
}

static void
on_screensaver_active_changed_cb (GDBusConnection *bus,
                                  const char      *sender,
                                  const char      *path,
                                  const char      *interface,
                                  const char      *signal_name,
                                  GVariant        *parameters,
                                  gpointer         user_data)
{
  FdDesktopPresence *self = user_data;

  if (boolean_argument (parameters, &self->locked))
    update_away_reason (self);
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
  FdDesktopPresence *self = user_data;

  if (boolean_argument (parameters, &self->asleep))
    update_away_reason (self);
}

/* --- buses ------------------------------------------------------------------- */

static GDBusConnection *
bus_get_finish (GAsyncResult *result,
                const char   *which)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  /* No bus (a container, a test): what it would tell never happens. */
  if (bus == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("No %s bus, so its presence signals are not watched: %s", which, error->message);
  return bus;
}

static void
on_session_bus_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GDBusConnection *bus = bus_get_finish (result, "session");
  FdDesktopPresence *self = user_data;

  if (bus == NULL)
    return;
  self->session_bus = bus;
  self->watch_fired_subscription =
    g_dbus_connection_signal_subscribe (bus, MONITOR_NAME, MONITOR_IFACE, "WatchFired", MONITOR_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_watch_fired_cb, self, NULL);
  self->screensaver_subscription =
    g_dbus_connection_signal_subscribe (bus, SCREENSAVER_NAME, SCREENSAVER_NAME, "ActiveChanged",
                                        SCREENSAVER_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_screensaver_active_changed_cb, self, NULL);
  self->monitor_name_watch =
    g_bus_watch_name_on_connection (bus, MONITOR_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                    on_monitor_appeared_cb, on_monitor_vanished_cb, self, NULL);
}

static void
on_system_bus_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GDBusConnection *bus = bus_get_finish (result, "system");
  FdDesktopPresence *self = user_data;

  if (bus == NULL)
    return;
  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, LOGIN_NAME, LOGIN_IFACE, "PrepareForSleep", LOGIN_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep_cb, self, NULL);
}

static void
unsubscribe (GDBusConnection *bus,
             guint           *subscription)
{
  if (bus != NULL && *subscription != 0)
    g_dbus_connection_signal_unsubscribe (bus, *subscription);
  *subscription = 0;
}

/* --- GObject ----------------------------------------------------------------- */

static void
fd_desktop_presence_dispose (GObject *object)
{
  FdDesktopPresence *self = FD_DESKTOP_PRESENCE (object);

  g_cancellable_cancel (self->cancellable);
  remove_watch (self, &self->idle_watch);
  remove_watch (self, &self->active_watch);
  g_clear_handle_id (&self->monitor_name_watch, g_bus_unwatch_name);
  unsubscribe (self->session_bus, &self->watch_fired_subscription);
  unsubscribe (self->session_bus, &self->screensaver_subscription);
  unsubscribe (self->system_bus, &self->sleep_subscription);
  g_clear_object (&self->session_bus);
  g_clear_object (&self->system_bus);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (fd_desktop_presence_parent_class)->dispose (object);
}

static void
fd_desktop_presence_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  FdDesktopPresence *self = FD_DESKTOP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_IDLE_MINUTES:
      g_value_set_uint (value, self->idle_minutes);
      break;
    case PROP_AWAY_REASON:
      g_value_set_string (value, self->away_reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_desktop_presence_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  FdDesktopPresence *self = FD_DESKTOP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_IDLE_MINUTES:
      fd_desktop_presence_set_idle_minutes (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_desktop_presence_class_init (FdDesktopPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_desktop_presence_dispose;
  object_class->get_property = fd_desktop_presence_get_property;
  object_class->set_property = fd_desktop_presence_set_property;

  properties[PROP_IDLE_MINUTES] =
    g_param_spec_uint ("idle-minutes", NULL, NULL, 0, 24 * 60, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AWAY_REASON] =
    g_param_spec_string ("away-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_desktop_presence_init (FdDesktopPresence *self)
{
  self->cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_session_bus_cb, self);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus_cb, self);
}

FdDesktopPresence *
fd_desktop_presence_new (void)
{
  return g_object_new (FD_TYPE_DESKTOP_PRESENCE, NULL);
}

void
fd_desktop_presence_set_idle_minutes (FdDesktopPresence *self,
                                      guint              minutes)
{
  g_return_if_fail (FD_IS_DESKTOP_PRESENCE (self));

  if (self->idle_minutes == minutes)
    return;
  self->idle_minutes = minutes;
  reset_idle_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_MINUTES]);
}

guint
fd_desktop_presence_get_idle_minutes (FdDesktopPresence *self)
{
  g_return_val_if_fail (FD_IS_DESKTOP_PRESENCE (self), 0);
  return self->idle_minutes;
}

const char *
fd_desktop_presence_get_away_reason (FdDesktopPresence *self)
{
  g_return_val_if_fail (FD_IS_DESKTOP_PRESENCE (self), NULL);
  return self->away_reason;
}

FdDesktopPresenceWatch
fd_desktop_presence_get_watching (FdDesktopPresence *self)
{
  FdDesktopPresenceWatch watching = 0;

  g_return_val_if_fail (FD_IS_DESKTOP_PRESENCE (self), 0);
  if (self->idle_watch != 0)
    watching |= FD_DESKTOP_PRESENCE_WATCH_IDLE;
  if (self->screensaver_subscription != 0)
    watching |= FD_DESKTOP_PRESENCE_WATCH_SCREENSAVER;
  if (self->sleep_subscription != 0)
    watching |= FD_DESKTOP_PRESENCE_WATCH_SLEEP;
  return watching;
}
