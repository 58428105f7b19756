#define G_LOG_DOMAIN "agent-test"

#include "agent-test.h"

#include "fd-activity-model.h"
#include "fd-session.h"

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
wait_for (Check       check,
          gpointer    data,
          const char *what)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (WAIT_MS, on_timeout_cb, &expired);

  while (!check (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!check (data))
    g_error ("Timed out waiting for %s", what);
  g_source_remove (source);
}

void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
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
