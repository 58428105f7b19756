#define G_LOG_DOMAIN "agent-test"

#include "agent-test.h"

#include "fd-activity-model.h"
#include "fd-session.h"
#include "fd-test-client.h"

void
wait_for (Check       check,
          gpointer    data,
          const char *what)
{
  fd_test_wait (check, data, WAIT_MS, what);
}

void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  fd_test_on_done_cb (source, result, user_data);
}

gboolean
has_result (gpointer data)
{
  return fd_test_has_result (data);
}

GAsyncResult *
wait_result (GAsyncResult **result,
             const char    *what)
{
  wait_for (has_result, result, what);
  return *result;
}

gboolean
is_connected (gpointer data)
{
  return fd_connection_get_state (data) == FD_CONNECTION_STATE_CONNECTED;
}

gboolean
is_not_connected (gpointer data)
{
  return fd_connection_get_state (data) != FD_CONNECTION_STATE_CONNECTED;
}

gboolean
has_row (gpointer data)
{
  RowWait *w = data;

  return fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (w->connection)), w->id) != NULL;
}

FdTestServer *
start_demo_server (void)
{
  FdTestServer *server = fd_test_server_new ();

  fd_test_server_start_demo (server);
  return server;
}
