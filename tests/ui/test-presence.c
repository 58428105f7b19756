#define G_LOG_DOMAIN "test-presence"

/* Presence that follows the desktop (docs/app.md, "Presence"), in the
 * whole app against the real frontdeskd --demo, with python3-dbusmock
 * standing in for GNOME's idle monitor and screensaver on the session bus
 * and for logind on a "system" bus (the test's own, through
 * DBUS_SYSTEM_BUS_ADDRESS). Idle, lock and suspend each make the agent
 * unavailable with that reason, as the server (admin API) and the window
 * see it; a second reason during one absence updates it; coming back
 * asks, or restores by preference, and a state the agent chose meanwhile
 * is kept. Around a suspend the app holds logind's delay lock until the
 * server has the reason. */

#include <signal.h>

#include "fd-application.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define JENNA_EMAIL    "jenna@kakapo.example"
#define JENNA_PASSWORD "jenna-demo"

#define MONITOR_NAME   "org.gnome.Mutter.IdleMonitor"
#define MONITOR_PATH   "/org/gnome/Mutter/IdleMonitor/Core"
#define SAVER_NAME     "org.gnome.ScreenSaver"
#define SAVER_PATH     "/org/gnome/ScreenSaver"
#define LOGIN_NAME     "org.freedesktop.login1"
#define LOGIN_PATH     "/org/freedesktop/login1"
#define MOCK_IFACE     "org.freedesktop.DBus.Mock"

/* The ids the mock monitor gives its watches. */
#define IDLE_WATCH     1
#define ACTIVE_WATCH   2

typedef struct {
  FdTestServer    *server;
  GDBusConnection *bus;
  GPtrArray       *mocks;
} Desktop;

/* --- the mocked desktop ------------------------------------------------------ */

static GVariant *
call (Desktop    *desktop,
      const char *name,
      const char *path,
      const char *interface,
      const char *method,
      GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (desktop->bus, name, path, interface, method, parameters,
                                                 NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

static void
wait_for_name (Desktop    *desktop,
               const char *name)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) reply = call (desktop, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name));
      gboolean has_owner = FALSE;

      g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("The mock %s did not appear", name);
}

static void
start_mock (Desktop    *desktop,
            const char *name,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  GSubprocess *mock;

  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, (gpointer) "-m");
  g_ptr_array_add (argv, (gpointer) "dbusmock");
  va_start (args, name);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  /* Its stdout would break TAP. */
  mock = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);
  g_assert_no_error (error);
  g_ptr_array_add (desktop->mocks, mock);
  wait_for_name (desktop, name);
}

static void
stop_mock (gpointer data)
{
  GSubprocess *mock = data;

  g_subprocess_force_exit (mock);
  g_subprocess_wait (mock, NULL, NULL);
  g_object_unref (mock);
}

static void
start_desktop (Desktop *desktop)
{
  g_autoptr(GError) error = NULL;
  GVariantBuilder methods;

  desktop->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  desktop->mocks = g_ptr_array_new_with_free_func (stop_mock);

  /* Mutter's idle monitor: the calls of org.gnome.Mutter.IdleMonitor, with
   * fixed watch ids, before the app can see the name. */
  start_mock (desktop, MONITOR_NAME, MONITOR_NAME, MONITOR_PATH, MONITOR_NAME, NULL);
  g_variant_builder_init (&methods, G_VARIANT_TYPE ("a(ssss)"));
  g_variant_builder_add (&methods, "(ssss)", "AddIdleWatch", "t", "u", "ret = 1");
  g_variant_builder_add (&methods, "(ssss)", "AddUserActiveWatch", "", "u", "ret = 2");
  g_variant_builder_add (&methods, "(ssss)", "RemoveWatch", "u", "", "");
  g_variant_unref (call (desktop, MONITOR_NAME, MONITOR_PATH, MOCK_IFACE, "AddMethods",
                         g_variant_new ("(sa(ssss))", MONITOR_NAME, &methods)));

  start_mock (desktop, SAVER_NAME, "--template", "gnome_screensaver", NULL);
  /* DBUS_SYSTEM_BUS_ADDRESS is this session's bus (main()). */
  start_mock (desktop, LOGIN_NAME, "--system", "--template", "logind", NULL);
}

static void
stop_desktop (Desktop *desktop)
{
  g_clear_pointer (&desktop->mocks, g_ptr_array_unref);
  g_clear_object (&desktop->bus);
}

static void
emit (Desktop    *desktop,
      const char *name,
      const char *path,
      const char *interface,
      const char *signal_name,
      const char *signature,
      GVariant   *argument)
{
  GVariantBuilder args;

  g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&args, "v", argument);
  g_variant_unref (call (desktop, name, path, MOCK_IFACE, "EmitSignal",
                         g_variant_new ("(sssav)", interface, signal_name, signature, &args)));
}

static void
watch_fired (Desktop *desktop,
             guint    id)
{
  emit (desktop, MONITOR_NAME, MONITOR_PATH, MONITOR_NAME, "WatchFired", "u", g_variant_new_uint32 (id));
}

static void
set_locked (Desktop  *desktop,
            gboolean  locked)
{
  g_variant_unref (call (desktop, SAVER_NAME, SAVER_PATH, SAVER_NAME, "SetActive",
                         g_variant_new ("(b)", locked)));
}

static void
prepare_for_sleep (Desktop  *desktop,
                   gboolean  sleeping)
{
  emit (desktop, LOGIN_NAME, LOGIN_PATH, "org.freedesktop.login1.Manager", "PrepareForSleep", "b",
        g_variant_new_boolean (sleeping));
}

/* The calls of @method the idle monitor received, as printed arguments
 * ("[<uint64 300000>]"), one per line. */
static char *
monitor_calls (Desktop    *desktop,
               const char *method)
{
  g_autoptr(GVariant) reply = call (desktop, MONITOR_NAME, MONITOR_PATH, MOCK_IFACE, "GetMethodCalls",
                                    g_variant_new ("(s)", method));
  g_autoptr(GVariant) calls = g_variant_get_child_value (reply, 0);
  GString *printed = g_string_new (NULL);

  for (gsize i = 0; i < g_variant_n_children (calls); i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (calls, i);
      g_autoptr(GVariant) args = g_variant_get_child_value (entry, 1);
      g_autofree char *text = g_variant_print (args, TRUE);

      g_string_append_printf (printed, "%s\n", text);
    }
  return g_string_free (printed, FALSE);
}

/* How many of logind's inhibitor locks are the app's: "sleep", taken by
 * "Frontdesk" in "delay" mode (ListInhibitors: what, who, why, mode, uid,
 * pid). The mock drops a lock when the app closes its file descriptor. */
static guint
app_sleep_locks (Desktop *desktop)
{
  g_autoptr(GVariant) reply = call (desktop, LOGIN_NAME, LOGIN_PATH, "org.freedesktop.login1.Manager",
                                    "ListInhibitors", NULL);
  g_autoptr(GVariantIter) locks = NULL;
  const char *what, *who, *why, *mode;
  guint uid, pid, count = 0;

  g_variant_get (reply, "(a(ssssuu))", &locks);
  while (g_variant_iter_loop (locks, "(&s&s&s&suu)", &what, &who, &why, &mode, &uid, &pid))
    if (g_str_equal (what, "sleep") && g_str_equal (who, "Frontdesk") && g_str_equal (mode, "delay"))
      {
        g_assert_cmpstr (why, ==, "Tell the contact center you are away");
        count++;
      }
  return count;
}

/* Waits for the app to hold @count sleep locks (0 or 1). */
static void
wait_sleep_locks (Desktop    *desktop,
                  guint       count,
                  const char *what)
{
  for (guint i = 0; app_sleep_locks (desktop) != count; i++)
    {
      if (i == 200)
        g_error ("Timed out waiting for %s", what);
      fd_test_ui_spin (50);
    }
}

static gboolean
has_pending (gpointer data)
{
  return fd_connection_get_n_pending (data) > 0;
}

/* --- the agent, on the server and in the app ----------------------------------- */

typedef struct {
  Desktop       *desktop;
  FdApplication *app;
  FdWindow      *window;
} Run;

/* The agent as the admin API describes it, asked without running the
 * app's main loop: libsoup's synchronous send blocks this thread and
 * iterates no context, so the app cannot read or answer anything
 * meanwhile. */
static JsonNode *
admin_agent_blocking (FdTestServer *server,
                      const char   *path)
{
  g_autofree char *token = fd_test_admin_read_token (server);
  g_autofree char *url = g_strconcat (fd_test_server_get_url (server), "/api/admin/v1", path, NULL);
  g_autoptr(SoupMessage) msg = fd_test_http_message_new ("GET", url, token, NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data;

  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  data = g_bytes_get_data (answer, &size);
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_parser_get_root (parser));
  return json_node_copy (json_parser_get_root (parser));
}

/* The agent's state as the admin API reports it: "available" or
 * "unavailable:REASON"; @blocking: without running the app's main loop. */
static char *
server_acd_full (Run      *run,
                 gboolean  blocking)
{
  const FdAgent *me = fd_connection_get_agent (fd_application_get_connection (run->app));
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents/%" G_GINT64_FORMAT,
                                           me->organization_id, me->id);
  g_autoptr(JsonNode) agent = blocking ? admin_agent_blocking (run->desktop->server, path)
                                       : fd_test_admin_expect (run->desktop->server, "GET", path, NULL, 200);
  JsonObject *object = json_node_get_object (agent);
  const char *state = json_object_get_string_member (object, "acd_state");
  const char *reason = json_object_has_member (object, "acd_reason") &&
                       !json_object_get_null_member (object, "acd_reason")
                       ? json_object_get_string_member (object, "acd_reason") : NULL;

  if (g_str_equal (state, "unavailable"))
    return g_strdup_printf ("unavailable:%s", reason != NULL ? reason : "");
  return g_strdup (state);
}

static char *
server_acd (Run *run)
{
  return server_acd_full (run, FALSE);
}

static void
wait_server_acd (Run        *run,
                 const char *expected)
{
  g_autofree char *seen = NULL;

  for (guint i = 0; i < 200; i++)
    {
      g_free (seen);
      seen = server_acd (run);
      if (g_str_equal (seen, expected))
        return;
      fd_test_ui_spin (50);
    }
  g_error ("The server says %s, not %s", seen, expected);
}

/* The window's availability: the ACD menu's state and its button's label. */
static char *
window_acd (FdWindow *window)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), "acd");

  return state != NULL ? g_variant_dup_string (state, NULL) : NULL;
}

typedef struct {
  FdWindow   *window;
  const char *target;
} AcdWait;

static gboolean
window_has_acd (gpointer data)
{
  AcdWait *wait = data;
  g_autofree char *target = window_acd (wait->window);

  return g_strcmp0 (target, wait->target) == 0;
}

static GtkMenuButton *
find_acd_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    return GTK_MENU_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_acd_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Both sides agree on @target; the button reads @label. */
static void
wait_acd (Run        *run,
          const char *target,
          const char *label)
{
  AcdWait wait = { run->window, target };
  g_autofree char *what = g_strdup_printf ("the window to show %s", target);
  GtkMenuButton *button;

  wait_server_acd (run, target);
  fd_test_ui_wait (window_has_acd, &wait, what);
  button = find_acd_button (GTK_WIDGET (run->window));
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, label);
}

static void
choose_acd (Run        *run,
            const char *target)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run->window), "win.acd", "s", target));
}

static gboolean
has_question (gpointer data)
{
  return fd_application_get_presence_question (data) != NULL;
}

static gboolean
watching_all (gpointer data)
{
  FdDesktopPresence *presence = fd_application_get_desktop_presence (data);

  return presence != NULL &&
         fd_desktop_presence_get_watching (presence) == (FD_DESKTOP_PRESENCE_WATCH_IDLE |
                                                         FD_DESKTOP_PRESENCE_WATCH_SCREENSAVER |
                                                         FD_DESKTOP_PRESENCE_WATCH_SLEEP);
}

static gboolean
is_reconnecting (gpointer data)
{
  return fd_connection_get_state (data) == FD_CONNECTION_STATE_RECONNECTING;
}

/* Back from an absence: the question comes, and answering it makes the
 * agent available again. */
static void
answer_question (Run        *run,
                 const char *what)
{
  fd_test_ui_wait (has_question, run->app, what);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run->window), "app.presence-restore", NULL));
  wait_acd (run, "available", "Available");
}

static void
run_presence (Run *run)
{
  FdApplication *app = run->app;
  Desktop *desktop = run->desktop;
  GSettings *settings = fd_application_get_settings (app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdConnection *connection;

  run->window = fd_test_ui_app_window (app);
  g_assert_nonnull (run->window);
  g_object_ref (run->window);
  fd_application_sign_in_async (app, fd_test_server_get_url (desktop->server), JENNA_EMAIL, JENNA_PASSWORD,
                                NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the sign-in");
  g_assert_true (fd_application_sign_in_finish (app, result, &error));
  g_assert_no_error (error);
  fd_test_ui_wait (fd_test_ui_is_main_connected, run->window, "the main page");
  connection = fd_application_get_connection (app);
  fd_test_ui_wait (watching_all, app, "the desktop's three services to be watched");

  /* The idle watch is the preference's 5 minutes, in milliseconds. */
  {
    g_autofree char *calls = monitor_calls (desktop, "AddIdleWatch");

    g_assert_cmpstr (calls, ==, "[<uint64 300000>]\n");
  }

  choose_acd (run, "available");
  wait_acd (run, "available", "Available");

  /* Idle: unavailable for that reason; back: asked, and the answer restores. */
  watch_fired (desktop, IDLE_WATCH);
  wait_acd (run, "unavailable:idle", "Unavailable (Idle)");
  g_assert_null (fd_application_get_presence_question (app));
  watch_fired (desktop, ACTIVE_WATCH);
  fd_test_ui_wait (has_question, app, "the question on return from idle");
  g_assert_cmpstr (fd_application_get_presence_question (app), ==, "You're back — be available again?");
  /* Asking changes nothing yet. */
  fd_test_ui_spin (300);
  wait_server_acd (run, "unavailable:idle");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run->window), "app.presence-restore", NULL));
  wait_acd (run, "available", "Available");
  g_assert_null (fd_application_get_presence_question (app));

  /* One absence, a second reason: the server hears the strongest reason
   * that holds now. Idle, then the screen locks: screen-locked; unlocked
   * while the idle monitor still counts the person away: idle again. */
  watch_fired (desktop, IDLE_WATCH);
  wait_acd (run, "unavailable:idle", "Unavailable (Idle)");
  set_locked (desktop, TRUE);
  wait_acd (run, "unavailable:screen-locked", "Unavailable (Screen Locked)");
  set_locked (desktop, FALSE);
  wait_acd (run, "unavailable:idle", "Unavailable (Idle)");
  g_assert_null (fd_application_get_presence_question (app));
  watch_fired (desktop, ACTIVE_WATCH);
  answer_question (run, "the question on return from idle and lock");

  /* Locked: unavailable; the agent picks Lunch meanwhile (say, from a
   * second screen); unlocking keeps Lunch and asks nothing. */
  set_locked (desktop, TRUE);
  wait_acd (run, "unavailable:screen-locked", "Unavailable (Screen Locked)");
  choose_acd (run, "unavailable:lunch");
  wait_acd (run, "unavailable:lunch", "Unavailable (Lunch)");
  set_locked (desktop, FALSE);
  fd_test_ui_spin (500);
  g_assert_null (fd_application_get_presence_question (app));
  wait_acd (run, "unavailable:lunch", "Unavailable (Lunch)");

  /* Already unavailable (Lunch): locking leaves that state alone. */
  set_locked (desktop, TRUE);
  fd_test_ui_spin (500);
  wait_acd (run, "unavailable:lunch", "Unavailable (Lunch)");
  set_locked (desktop, FALSE);
  fd_test_ui_spin (300);
  g_assert_null (fd_application_get_presence_question (app));

  /* Suspend with "restore": the server hears it before the socket closes;
   * waking makes the agent available again without a question. While
   * signed in the app holds one delay lock for sleep; it lets go only
   * once the server has the reason. The server is stopped (SIGSTOP) so
   * that no answer can come, and the wait is made longer than the test. */
  choose_acd (run, "available");
  wait_acd (run, "available", "Available");
  g_settings_set_string (settings, "presence-on-return", "restore");
  wait_sleep_locks (desktop, 1, "the sleep delay lock while signed in");
  g_assert_true (fd_connection_get_holding_sleep_lock (connection));
  fd_connection_set_sleep_delay (connection, 600 * 1000);
  g_assert_cmpint (kill (fd_test_server_get_pid (desktop->server), SIGSTOP), ==, 0);
  prepare_for_sleep (desktop, TRUE);
  fd_test_ui_wait (has_pending, connection, "the set-acd of the suspend");
  fd_test_ui_spin (500);
  g_assert_cmpuint (app_sleep_locks (desktop), ==, 1);
  g_assert_cmpint (fd_connection_get_state (connection), ==, FD_CONNECTION_STATE_CONNECTED);
  /* The server answers; this thread asks it without running the app's
   * loop until it shows the reason: the lock is still there then. */
  g_assert_cmpint (kill (fd_test_server_get_pid (desktop->server), SIGCONT), ==, 0);
  for (guint i = 0; ; i++)
    {
      g_autofree char *seen = server_acd_full (run, TRUE);

      if (g_str_equal (seen, "unavailable:suspended"))
        break;
      if (i == 200)
        g_error ("The server says %s, not unavailable:suspended", seen);
      g_usleep (50 * 1000);
    }
  g_assert_cmpuint (app_sleep_locks (desktop), ==, 1);
  /* Then the app reads the ack, closes the socket and lets go. */
  fd_test_ui_wait (is_reconnecting, connection, "the socket to close for suspend");
  wait_sleep_locks (desktop, 0, "the sleep delay lock to be released");
  g_assert_false (fd_connection_get_holding_sleep_lock (connection));
  wait_server_acd (run, "unavailable:suspended");
  prepare_for_sleep (desktop, FALSE);
  fd_test_ui_wait (fd_test_ui_is_main_connected, run->window, "the connection after waking");
  wait_acd (run, "available", "Available");
  g_assert_null (fd_application_get_presence_question (app));
  /* Awake: a new lock. */
  wait_sleep_locks (desktop, 1, "a new sleep delay lock after waking");

  /* Idle "Off": the watch is removed and a late WatchFired does nothing. */
  g_settings_set_uint (settings, "presence-idle-minutes", 0);
  fd_test_ui_spin (300);
  g_assert_false (fd_desktop_presence_get_watching (fd_application_get_desktop_presence (app)) &
                  FD_DESKTOP_PRESENCE_WATCH_IDLE);
  {
    g_autofree char *calls = monitor_calls (desktop, "RemoveWatch");

    g_assert_cmpstr (calls, ==, "[<uint32 1>]\n");
  }
  watch_fired (desktop, IDLE_WATCH);
  fd_test_ui_spin (500);
  wait_acd (run, "available", "Available");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (run->window), "app.quit", NULL));
  fd_test_ui_spin (100);
}

static void
on_activate_cb (GApplication *app,
                gpointer      user_data)
{
  Run *run = user_data;

  run->app = FD_APPLICATION (app);
  run_presence (run);
}

static void
test_presence (void)
{
  Desktop desktop = { 0 };
  Run run = { &desktop, NULL, NULL };
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = NULL;
  GSettings *settings;

  fd_test_server_add_args (server, "--demo", NULL);
  fd_test_server_start (server);
  desktop.server = server;
  start_desktop (&desktop);

  app = fd_application_new ();
  settings = fd_application_get_settings (app);
  g_assert_nonnull (settings);
  /* No notification server or sound card here (tests/alerts has them). */
  g_settings_set_boolean (settings, "alert-notification", FALSE);
  g_settings_set_boolean (settings, "alert-sound", FALSE);
  g_settings_set_uint (settings, "presence-idle-minutes", 5);
  g_settings_set_string (settings, "presence-on-return", "ask");
  /* No D-Bus name of its own: the session bus is the mocks' and the
   * keyring's. */
  g_application_set_application_id (G_APPLICATION (app), NULL);
  fd_application_set_backoff (app, 50, 400);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);

  g_assert_finalize_object (g_steal_pointer (&run.window));
  g_assert_finalize_object (g_steal_pointer (&app));
  stop_desktop (&desktop);
}

int
main (int   argc,
      char *argv[])
{
  /* logind's mock and the app meet on this session's bus as the "system"
   * bus, so nothing touches the machine's own. */
  g_assert_nonnull (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/presence/idle-lock-suspend", test_presence);
  return g_test_run ();
}
