#define G_LOG_DOMAIN "test-suspend"

/* FdConnection and suspend: this test owns org.freedesktop.login1 on a
 * private "system" bus (run-with-system-bus.sh) and sends PrepareForSleep
 * as logind does around a suspend. */

#include "fd-connection.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

#include "agent-test.h"


static gboolean
is_watching (gpointer data)
{
  return fd_connection_get_watching_suspend (data);
}

static gboolean
name_owned (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_name_acquired_cb (GDBusConnection *bus,
                     const char      *name,
                     gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
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

static void
test_sleep_and_wake (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdConnection *conn;
  gboolean owned = FALSE;
  guint owner_id;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.login1", G_BUS_NAME_OWNER_FLAGS_NONE,
                                           on_name_acquired_cb, NULL, &owned, NULL);
  wait_for (name_owned, &owned, "the login1 name");

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
  g_bus_unown_name (owner_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/connection/sleep-and-wake", test_sleep_and_wake);

  return g_test_run ();
}
