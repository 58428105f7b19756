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

/* What an async call needs to know when it returns: the presence (alive
 * unless the call was cancelled) and a value: the serial an idle watch was
 * asked under (0 for the active watch), or the GBusType asked for. */
typedef struct {
  FdDesktopPresence *self;
  guint              value;
} Request;

static Request *
request_new (FdDesktopPresence *self,
             guint              value)
{
  Request *request = g_new0 (Request, 1);

  request->self = self;
  request->value = value;
  return request;
}

static guint
finish_watch (GObject      *source,
              GAsyncResult *result,
              Request *request)
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
  g_autofree Request *request = user_data;
  guint id = finish_watch (source, result, request);
  FdDesktopPresence *self = request->self;

  /* A cancelled call never reaches here with an id: self is alive. */
  if (id == 0)
    return;
  if (request->value != self->idle_serial)
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
  g_autofree Request *request = user_data;
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
  monitor_call (self, method, parameters, callback, request_new (self, serial));
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

/* WatchFired(u): the idle watch, or the active watch that followed it. */
static void
watch_fired (FdDesktopPresence *self,
             guint              id)
{
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

/* --- signals ---------------------------------------------------------------- */

/* Every signal watched: WatchFired(u), and ActiveChanged(b) and
 * PrepareForSleep(b), which set the state they name. */
static void
on_signal_cb (GDBusConnection *bus,
              const char      *sender,
              const char      *path,
              const char      *interface,
              const char      *signal_name,
              GVariant        *parameters,
              gpointer         user_data)
{
  FdDesktopPresence *self = user_data;
  gboolean value = FALSE;
  guint id = 0;

  if (g_str_equal (signal_name, "WatchFired") && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(u)")))
    {
      g_variant_get (parameters, "(u)", &id);
      watch_fired (self, id);
      return;
    }
  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &value);
  if (g_str_equal (signal_name, "PrepareForSleep"))
    self->asleep = value;
  else if (g_str_equal (signal_name, "ActiveChanged"))
    self->locked = value;
  update_away_reason (self);
}

/* --- buses ------------------------------------------------------------------- */

/* Every signal watched, on which bus, and where its subscription is kept. */
static const struct {
  GBusType             bus;
  const char          *name;
  const char          *interface;
  const char          *member;
  const char          *path;
  gsize                subscription;
} watched_signals[] = {
  { G_BUS_TYPE_SESSION, MONITOR_NAME, MONITOR_IFACE, "WatchFired", MONITOR_PATH,
    G_STRUCT_OFFSET (FdDesktopPresence, watch_fired_subscription) },
  { G_BUS_TYPE_SESSION, SCREENSAVER_NAME, SCREENSAVER_NAME, "ActiveChanged", SCREENSAVER_PATH,
    G_STRUCT_OFFSET (FdDesktopPresence, screensaver_subscription) },
  { G_BUS_TYPE_SYSTEM, LOGIN_NAME, LOGIN_IFACE, "PrepareForSleep", LOGIN_PATH,
    G_STRUCT_OFFSET (FdDesktopPresence, sleep_subscription) },
};

static void
on_bus_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  FdDesktopPresence *self = request->self;
  GBusType type = (GBusType) request->value;

  if (bus == NULL)
    {
      /* No bus (a container, a test): what it would tell never happens. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No %s bus, so its presence signals are not watched: %s",
                 type == G_BUS_TYPE_SYSTEM ? "system" : "session", error->message);
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (watched_signals); i++)
    if (watched_signals[i].bus == type)
      G_STRUCT_MEMBER (guint, self, watched_signals[i].subscription) =
        g_dbus_connection_signal_subscribe (bus, watched_signals[i].name, watched_signals[i].interface,
                                            watched_signals[i].member, watched_signals[i].path, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, on_signal_cb, self, NULL);
  if (type == G_BUS_TYPE_SYSTEM)
    {
      self->system_bus = bus;
      return;
    }
  self->session_bus = bus;
  self->monitor_name_watch =
    g_bus_watch_name_on_connection (bus, MONITOR_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                    on_monitor_appeared_cb, on_monitor_vanished_cb, self, NULL);
}

static void
unsubscribe_all (FdDesktopPresence *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (watched_signals); i++)
    {
      GDBusConnection *bus = watched_signals[i].bus == G_BUS_TYPE_SYSTEM ? self->system_bus : self->session_bus;
      guint *subscription = &G_STRUCT_MEMBER (guint, self, watched_signals[i].subscription);

      if (bus != NULL && *subscription != 0)
        g_dbus_connection_signal_unsubscribe (bus, *subscription);
      *subscription = 0;
    }
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
  unsubscribe_all (self);
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
  g_bus_get (G_BUS_TYPE_SESSION, self->cancellable, on_bus_cb, request_new (self, G_BUS_TYPE_SESSION));
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_bus_cb, request_new (self, G_BUS_TYPE_SYSTEM));
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
