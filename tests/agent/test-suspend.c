#define G_LOG_DOMAIN "test-suspend"

/* FdConnection and suspend: this test owns org.freedesktop.login1 on a
 * private "system" bus (run-with-system-bus.sh) and sends PrepareForSleep
 * as logind does around a suspend. Its Manager answers Inhibit as logind
 * does: with the write end of a pipe, whose read end the test keeps, so
 * that a hang-up there means the app let the lock go. */

#include <errno.h>
#include <poll.h>
#include <signal.h>

#include <gio/gunixfdlist.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "fd-connection.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

#include "agent-test.h"


static gboolean
is_watching (gpointer data)
{
  return fd_connection_get_watching_suspend (data);
}

/* --- logind's Manager, as much as the connection uses ------------------ */

static const char login1_xml[] =
  "<node><interface name='org.freedesktop.login1.Manager'>"
  "<method name='Inhibit'>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='h' direction='out'/>"
  "</method></interface></node>";

typedef struct {
  GDBusConnection *bus;
  guint            registration;
  guint            owner_id;
  gboolean         owned;
  GArray          *locks;  /* int: the read ends of the pipes handed out */
} Logind;

static void
on_login1_method_cb (GDBusConnection       *bus,
                     const char            *sender,
                     const char            *path,
                     const char            *interface,
                     const char            *method,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  Logind *logind = user_data;
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  const char *what, *who, *why, *mode;
  int pipe_fds[2];

  g_assert_cmpstr (method, ==, "Inhibit");
  g_variant_get (parameters, "(&s&s&s&s)", &what, &who, &why, &mode);
  g_assert_cmpstr (what, ==, "sleep");
  g_assert_cmpstr (who, ==, "Frontdesk");
  g_assert_cmpstr (why, ==, "Tell the contact center you are away");
  g_assert_cmpstr (mode, ==, "delay");
  g_assert_true (g_unix_open_pipe (pipe_fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unix_fd_list_append (fds, pipe_fds[1], &error), ==, 0);
  g_assert_no_error (error);
  g_close (pipe_fds[1], NULL);
  g_array_append_val (logind->locks, pipe_fds[0]);
  g_dbus_method_invocation_return_value_with_unix_fd_list (invocation, g_variant_new ("(h)", 0), fds);
}

static gboolean
name_owned (gpointer data)
{
  return ((Logind *) data)->owned;
}

static void
on_name_acquired_cb (GDBusConnection *bus,
                     const char      *name,
                     gpointer         user_data)
{
  ((Logind *) user_data)->owned = TRUE;
}

static void
logind_start (Logind *logind)
{
  static const GDBusInterfaceVTable vtable = { on_login1_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GError) error = NULL;

  logind->bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (login1_xml, &error);
  g_assert_no_error (error);
  logind->locks = g_array_new (FALSE, FALSE, sizeof (int));
  logind->registration = g_dbus_connection_register_object (logind->bus, "/org/freedesktop/login1",
                                                            node->interfaces[0], &vtable, logind, NULL, &error);
  g_assert_no_error (error);
  logind->owner_id = g_bus_own_name_on_connection (logind->bus, "org.freedesktop.login1",
                                                   G_BUS_NAME_OWNER_FLAGS_NONE,
                                                   on_name_acquired_cb, NULL, logind, NULL);
  wait_for (name_owned, logind, "the login1 name");
}

static void
logind_stop (Logind *logind)
{
  g_bus_unown_name (logind->owner_id);
  g_dbus_connection_unregister_object (logind->bus, logind->registration);
  for (guint i = 0; i < logind->locks->len; i++)
    g_close (g_array_index (logind->locks, int, i), NULL);
  g_clear_pointer (&logind->locks, g_array_unref);
  g_clear_object (&logind->bus);
}

/* Locks handed out and not let go (the app's end not closed). */
static guint
held_locks (Logind *logind)
{
  guint held = 0;

  for (guint i = 0; i < logind->locks->len; i++)
    {
      struct pollfd poll_fd = { g_array_index (logind->locks, int, i), POLLIN, 0 };
      int ready;

      do
        ready = poll (&poll_fd, 1, 0);
      while (ready < 0 && errno == EINTR);
      g_assert_cmpint (ready, >=, 0);
      if (ready == 0)
        held++;
    }
  return held;
}

static gboolean
holds_one_lock (gpointer data)
{
  return held_locks (data) == 1;
}

/* The mock counts a lock when it answers Inhibit; the connection knows it
 * holds one only once that answer reached it, a moment later. */
static gboolean
connection_holds_lock (gpointer data)
{
  return fd_connection_get_holding_sleep_lock (data);
}

static gboolean
holds_no_lock (gpointer data)
{
  return held_locks (data) == 0;
}

static void
prepare_for_sleep (GDBusConnection *bus,
                   gboolean         sleeping)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", sleeping), &error);
  g_assert_no_error (error);
  g_dbus_connection_flush_sync (bus, NULL, &error);
  g_assert_no_error (error);
}

/* Jenna, signed in on @server (started here as --demo) and connected. */
static FdConnection *
signed_in_connection (FdTestServer *server)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdConnection *conn;

  fd_test_server_start_demo (server);
  conn = fd_connection_new (fd_test_server_get_url (server));
  /* A backoff far longer than the test: only waking may reconnect. */
  fd_connection_set_backoff (conn, 60000, 60000);
  fd_connection_sign_in_async (conn, "jenna@kakapo.example", "jenna-demo", NULL, on_done_cb, &result);
  wait_for (has_result, &result, "sign-in");
  g_assert_true (fd_connection_sign_in_finish (conn, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for (is_connected, conn, "the connection");
  return conn;
}

static void
test_sleep_and_wake (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  Logind logind = { 0 };
  GDBusConnection *bus;
  FdConnection *conn;

  logind_start (&logind);
  bus = logind.bus;

  conn = signed_in_connection (server);
  wait_for (is_watching, conn, "the PrepareForSleep subscription");

  /* Going to sleep: the socket is closed, the UI shows "reconnecting". */
  prepare_for_sleep (bus, TRUE);
  while (fd_connection_get_state (conn) == FD_CONNECTION_STATE_CONNECTED)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_RECONNECTING);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_RECONNECTING);

  /* Waking up: back at once, not after the minute of backoff. */
  prepare_for_sleep (bus, FALSE);
  wait_for (is_connected, conn, "the reconnection after waking");

  fd_connection_stop (conn);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_DISCONNECTED);
  g_assert_finalize_object (conn);
  logind_stop (&logind);
}

/* What the app does in "going-to-sleep": tell the server it is away. */
typedef struct {
  GAsyncResult *result;
  guint         calls;
} SleepWork;

static void
on_going_to_sleep_cb (FdConnection *conn,
                      SleepWork    *work)
{
  work->calls++;
  g_clear_object (&work->result);
  fd_connection_set_acd_async (conn, FD_ACD_UNAVAILABLE, "suspended", NULL, on_done_cb, &work->result);
}

/* The delay lock: held while signed in; on PrepareForSleep(true) the
 * request made in "going-to-sleep" is answered before the socket closes
 * and the lock goes; a server that does not answer holds the sleep up
 * only for the sleep delay; waking takes a new lock; stopping lets go. */
static void
test_sleep_delay_lock (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GError) error = NULL;
  SleepWork work = { NULL, 0 };
  Logind logind = { 0 };
  FdConnection *conn;

  logind_start (&logind);
  conn = signed_in_connection (server);
  g_signal_connect (conn, "going-to-sleep", G_CALLBACK (on_going_to_sleep_cb), &work);
  wait_for (holds_one_lock, &logind, "the sleep delay lock");
  wait_for (connection_holds_lock, conn, "the connection to know it holds the lock");

  /* Answered: the socket closes and the lock goes at once, long before a
   * sleep delay longer than the test. */
  fd_connection_set_sleep_delay (conn, 600 * 1000);
  prepare_for_sleep (logind.bus, TRUE);
  wait_for (holds_no_lock, &logind, "the lock to go once the server answered");
  g_assert_cmpuint (work.calls, ==, 1);
  g_assert_nonnull (work.result);
  g_assert_true (fd_connection_set_acd_finish (conn, work.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_RECONNECTING);
  g_assert_false (fd_connection_get_holding_sleep_lock (conn));

  prepare_for_sleep (logind.bus, FALSE);
  wait_for (is_connected, conn, "the reconnection after waking");
  wait_for (holds_one_lock, &logind, "a new lock after waking");
  g_assert_cmpuint (logind.locks->len, ==, 2);

  /* No answer (the server is stopped): the sleep waits the delay, no
   * longer; the request stays queued and goes out after waking. */
  fd_connection_set_sleep_delay (conn, 200);
  g_assert_cmpint (kill (fd_test_server_get_pid (server), SIGSTOP), ==, 0);
  prepare_for_sleep (logind.bus, TRUE);
  wait_for (holds_no_lock, &logind, "the lock to go after the sleep delay");
  g_assert_cmpint (fd_connection_get_state (conn), ==, FD_CONNECTION_STATE_RECONNECTING);
  g_assert_cmpuint (work.calls, ==, 2);
  g_assert_null (work.result);
  g_assert_cmpuint (fd_connection_get_n_pending (conn), ==, 1);
  g_assert_cmpint (kill (fd_test_server_get_pid (server), SIGCONT), ==, 0);
  prepare_for_sleep (logind.bus, FALSE);
  wait_for (is_connected, conn, "the reconnection after the second sleep");
  wait_for (has_result, &work.result, "the set-acd resent after waking");
  g_assert_true (fd_connection_set_acd_finish (conn, work.result, &error));
  g_assert_no_error (error);
  wait_for (holds_one_lock, &logind, "a third lock after waking");

  /* Stopped (quitting, signing out): no lock. */
  fd_connection_stop (conn);
  g_assert_true (holds_no_lock (&logind));
  g_clear_object (&work.result);
  g_assert_finalize_object (conn);
  logind_stop (&logind);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/connection/sleep-and-wake", test_sleep_and_wake);
  g_test_add_func ("/agent/connection/sleep-delay-lock", test_sleep_delay_lock);

  return g_test_run ();
}
