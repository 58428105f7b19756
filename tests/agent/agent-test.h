#pragma once

/* Helpers shared by the agent tests that drive an FdConnection against the
 * real frontdeskd (test-connection, test-conversation, test-session,
 * test-suspend):
 * waiting on the main context, async results, connection states, a --demo
 * server. */

#include "fd-connection.h"
#include "fd-test-server.h"

G_BEGIN_DECLS

#define WAIT_MS 10000

typedef gboolean (*Check) (gpointer data);

/* Iterates the default main context until @check returns TRUE; fails the
 * test, naming @what, after WAIT_MS. */
void          wait_for          (Check          check,
                                 gpointer       data,
                                 const char    *what);
/* An async callback that keeps the result: @user_data is a GAsyncResult**
 * that has_result() and wait_result() wait on. */
void          on_done_cb        (GObject       *source,
                                 GAsyncResult  *result,
                                 gpointer       user_data);
gboolean      has_result        (gpointer       data);
GAsyncResult *wait_result       (GAsyncResult **result,
                                 const char    *what);
/* FdConnection states. */
gboolean      is_connected      (gpointer       connection);
gboolean      is_not_connected  (gpointer       connection);

/* A conversation in a connection's activity model. */
typedef struct {
  FdConnection *connection;
  gint64        id;
} RowWait;

gboolean      has_row           (gpointer       row_wait);

/* A started frontdeskd --demo. */
FdTestServer *start_demo_server (void);

G_END_DECLS
