#pragma once

/* Shared by test-live-center's files: the fixture, small helpers, and the
 * tests that test-live-center-conversations.c and
 * test-live-center-rerouting.c hold, which test-live-center.c's main()
 * registers. */

#include "fd-test-client.h"
#include "fd-test-server.h"

G_BEGIN_DECLS

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
  char         *chat_key;
} Fixture;

/* The code of a flat error body {"code", "message", "retry_after"}. */
const char  *error_code       (JsonNode   *answer);
/* The agent websocket's URL on the fixture's server. */
char        *agent_socket_url (Fixture    *f);
/* Signs in, connects and joins the fixture's queue, asserting a
 * snapshot. */
FdTestAgent *connect_and_join (Fixture    *f,
                               const char *email,
                               const char *password);

/* test-live-center-conversations.c */
void test_lifecycle             (Fixture       *f,
                                 gconstpointer  data);
void test_resume                (Fixture       *f,
                                 gconstpointer  data);
void test_missed_and_bad_input  (Fixture       *f,
                                 gconstpointer  data);
void test_transfer_and_callback (Fixture       *f,
                                 gconstpointer  data);

/* test-live-center-rerouting.c */
void test_restart_reoffers            (Fixture       *f,
                                       gconstpointer  data);
void test_restart_withdraws_old_offer (Fixture       *f,
                                       gconstpointer  data);
void test_admin_change_reroutes       (Fixture       *f,
                                       gconstpointer  data);
void test_admin_change_routes_at_once (Fixture       *f,
                                       gconstpointer  data);

G_END_DECLS
