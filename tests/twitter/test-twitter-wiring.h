#pragma once

/* What the files of test-twitter-wiring share: the fixture (set up in
 * test-twitter-wiring.c, which has main() and the mention flow), its
 * waits and helpers, and the tests each other file holds. */

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-x-fake.h"

G_BEGIN_DECLS

#define ACCOUNT_ID "1000"
#define HANDLE     "@KakapoSystems"
#define CAROL_ID   "2001"
#define DAVE_ID    "2002"

typedef struct {
  FdTestXFake  *fake;
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
  gint64        stream_id;
} Fixture;

/* test-twitter-wiring.c: the fixture's pieces, the waits and the
 * conversation's helpers. */
char            *stream_path            (Fixture               *f);
void             wait_fake              (Fixture               *f,
                                         const char            *what,
                                         gint64                 at_least);
void             wait_delivery          (FdTestAgent           *agent,
                                         gint64                 message_id,
                                         FdDeliveryState        state);
gint64           reserve_mention        (Fixture               *f,
                                         FdTestAgent           *agent,
                                         const char            *text,
                                         char                 **out_post_id);
FdMessage       *find_message           (FdConversationDetail  *detail,
                                         gint64                 message_id);
const FdMessage *first_customer_message (FdConversationDetail  *detail);

/* Polls every 20 ms (a database and the fake change without an event of
 * the main context) for at most 60 s. */
#define poll_until(check, data, what) fd_test_poll_until ((check), (data), 20, 60, (what))
#define wait_count(f, sql, at_least) fd_test_server_wait_db_count ((f)->server, (sql), (at_least), 20)
#define wait_health(f, wanted) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), 20, 60)

#define wait_offer(agent) fd_test_agent_wait_offer ((agent), 30000, "an offer of an X item")

#define wait_customer_message(agent, conversation_id, text) \
  fd_test_agent_wait_customer_message ((agent), (conversation_id), (text), 30000)

/* test-twitter-wiring-replies.c */
void test_dm_request           (Fixture       *f,
                                gconstpointer  data);
void test_dm_both_ways         (Fixture       *f,
                                gconstpointer  data);
void test_length               (Fixture       *f,
                                gconstpointer  data);
void test_media                (Fixture       *f,
                                gconstpointer  data);
void test_refused_and_retry    (Fixture       *f,
                                gconstpointer  data);

/* test-twitter-wiring-account.c */
void test_rate_limit           (Fixture       *f,
                                gconstpointer  data);
void test_refresh              (Fixture       *f,
                                gconstpointer  data);
void test_revoked              (Fixture       *f,
                                gconstpointer  data);
void test_account_id           (Fixture       *f,
                                gconstpointer  data);
void test_remaining_zero       (Fixture       *f,
                                gconstpointer  data);

/* test-twitter-wiring-outages.c */
void test_kill_mid_cycle       (Fixture       *f,
                                gconstpointer  data);
void test_x_down               (Fixture       *f,
                                gconstpointer  data);
void test_outbox_survives_kill (Fixture       *f,
                                gconstpointer  data);

G_END_DECLS
