#pragma once

/* Shared steps of the integration scenarios (tests/integration): a server
 * with the demo site, agents signed in and connected, and small checks. */

#include "fd-test-client.h"

G_BEGIN_DECLS

#define FD_IT_CHAT_KEY   FD_TEST_CHAT_KEY
#define FD_IT_NATALIE    FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD
#define FD_IT_JENNA      FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD
#define FD_IT_ED         "ed@kakapo.example", "ed-demo-admin"

/* A second organization, for the checks across organizations. */
extern const char fd_it_other_site[];
#define FD_IT_OTHER_KEY  "other-chat"
#define FD_IT_OLGA       "olga@other.example", "olga-other-pw"

/* g_test_init(), and a failing test takes its frontdeskd down with it. */
void          fd_it_init           (int           *argc,
                                    char        ***argv);

/* Starts frontdeskd on a fresh database and imports the demo site. */
FdTestServer *fd_it_start_server   (gint64       *out_org_id);
/* The fixture of most scenarios: frontdeskd with the demo site
 * (fd_it_start_server()), stopped when the test ends. */
typedef struct {
  FdTestServer *server;
  gint64        org_id;
  gint64        sales;   /* the demo's "Sales" queue (FD_IT_WITH_SALES) */
} FdItDemo;

typedef void (*FdItDemoFunc) (FdItDemo      *demo,
                              gconstpointer  data);

/* What the fixture prepares besides the server. */
typedef enum {
  FD_IT_SERVER_ONLY,
  FD_IT_WITH_SALES,   /* looks up the Sales queue before the test starts */
} FdItSetUp;

/* Adds the test @func at @path on a fresh FdItDemo. */
void          fd_it_add            (const char   *path,
                                    FdItDemoFunc  func,
                                    FdItSetUp     set_up);

/* Signs in, connects with hello(0) and consumes the snapshot. */
FdTestAgent  *fd_it_connect_agent  (FdTestServer *server,
                                    const char   *email,
                                    const char   *password);
/* Starts a web chat and connects its websocket. */
FdTestVisitor *fd_it_start_visitor (FdTestServer *server,
                                    const char   *stream_key,
                                    const char   *name);

/* Waits for the offer of @conversation_id to @agent (other offers stay
 * queued) and checks it. */
void          fd_it_wait_offer     (FdTestAgent  *agent,
                                    gint64        conversation_id);
/* Waits for a “conversation” event of @conversation_id in @state. */
FdConversation *fd_it_wait_conversation_state (FdTestAgent         *agent,
                                               gint64               conversation_id,
                                               FdConversationState  state);

/* Asserts an error frame with one of the two codes (the spec allows
 * either where it names two). */
void          fd_it_assert_refused (const FdFrame *reply,
                                    FdWireError    code,
                                    FdWireError    or_code);
/* How many messages of @detail carry @client_id. */
guint         fd_it_count_client_id (const FdConversationDetail *detail,
                                     const char                 *client_id);
/* Waits for the visitor's echo of @client_id; other frames stay queued. */
FdMessage    *fd_it_visitor_wait_message (FdTestVisitor *visitor,
                                          const char    *client_id);
/* Waits for a “message” event with @client_id on @agent. */
FdMessage    *fd_it_agent_wait_message   (FdTestAgent   *agent,
                                          const char    *client_id);

G_END_DECLS
