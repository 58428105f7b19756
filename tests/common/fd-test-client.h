#pragma once

/* A synchronous-looking client of frontdeskd for integration tests: the
 * admin API, the agent sign-in and websocket, and the visitor HTTP API and
 * websocket (docs/protocol.md, docs/admin.md). Every wait iterates the
 * thread-default main context until what it waits for arrives or a deadline
 * passes; a missed deadline fails the test with a message naming what was
 * awaited. Every frame goes through fd_frame_encode() / fd_frame_decode(). */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-protocol.h"
#include "fd-test-server.h"

G_BEGIN_DECLS

/* The demo site's (data/demo-site.json) agents and web chat, as the tests
 * that start `frontdeskd --demo` sign in and chat. */
#define FD_TEST_JENNA_EMAIL      "jenna@kakapo.example"
#define FD_TEST_JENNA_PASSWORD   "jenna-demo"
#define FD_TEST_NATALIE_EMAIL    "natalie@kakapo.example"
#define FD_TEST_NATALIE_PASSWORD "natalie-demo"
#define FD_TEST_CHAT_KEY         "kakapo-website-chat"

/* How long a wait lasts before it fails the test. */
#define FD_TEST_TIMEOUT_MS 5000

/* --- waiting --------------------------------------------------------------- */

typedef gboolean (*FdTestCheck) (gpointer data);

/* Iterates the default main context until @check holds or @timeout_ms
 * pass; returns whether it holds. */
gboolean fd_test_wait_until  (FdTestCheck   check,
                              gpointer      data,
                              guint         timeout_ms);
/* The same, failing the test (naming @what) when it does not hold. */
void     fd_test_wait        (FdTestCheck   check,
                              gpointer      data,
                              guint         timeout_ms,
                              const char   *what);
/* Lets the main context run for @ms. */
void     fd_test_spin        (guint         ms);
/* Checks @check every @interval_ms, letting the main context run between
 * checks, for at most @seconds; fails the test (naming @what) when it never
 * holds. Unlike fd_test_wait(), which sleeps until the main context has an
 * event, it sees what changes without one: the database beside a running
 * server, a stand-in in another process. */
void     fd_test_poll_until  (FdTestCheck   check,
                              gpointer      data,
                              guint         interval_ms,
                              guint         seconds,
                              const char   *what);
/* An async callback that keeps the result: @user_data is a GAsyncResult**
 * that fd_test_has_result() checks. */
void     fd_test_on_done_cb  (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data);
gboolean fd_test_has_result  (gpointer      data);

/* --- plain HTTP ------------------------------------------------------------ */

/* Sends @method @url_path (below the server URL) with @body (JSON text or
 * NULL) and "Authorization: Bearer @token" when @token is not NULL. Returns
 * the parsed answer (NULL when empty or not JSON) and the status. */
JsonNode *fd_test_http_request (FdTestServer *server,
                                const char   *token,
                                const char   *method,
                                const char   *url_path,
                                const char   *body,
                                guint        *out_status);

/* A request for @method @url with "Authorization: Bearer @token",
 * "Origin: @origin" and @json as an application/json body when they are
 * not NULL. */
SoupMessage *fd_test_http_message_new (const char *method,
                                       const char *url,
                                       const char *token,
                                       const char *origin,
                                       const char *json);

/* Sends @msg on a session of its own and returns the answer's body;
 * fails the test when no answer comes. */
GBytes      *fd_test_http_send     (SoupMessage *msg);

/* A wire body of type @info decoded from @json (as the server would send
 * it); fails the test when it does not decode. */
gpointer    fd_test_decode (const FdTypeInfo *info,
                            const char       *json);

/* The code of an HTTP error body {"error": {"code": …, "message": …}};
 * fails the test when @answer is not one. */
const char *fd_test_http_error_code (JsonNode *answer);

/* --- admin API ------------------------------------------------------------- */

/* The admin token frontdeskd wrote beside its database. */
char     *fd_test_admin_read_token  (FdTestServer *server);

/* A request below /api/admin/v1 with the admin token, asserting the status. */
JsonNode *fd_test_admin_expect      (FdTestServer *server,
                                     const char   *method,
                                     const char   *path,
                                     const char   *body,
                                     guint         expected_status);

/* Imports a site document (POST /sites) and returns the new organization's
 * id. */
gint64    fd_test_admin_import_site (FdTestServer *server,
                                     const char   *site_json);
/* Imports data/demo-site.json. */
gint64    fd_test_admin_import_demo (FdTestServer *server);
/* A stream's "health" as the admin API shows it ("" without one) and, when
 * @reason is not NULL, its "health_reason". */
char     *fd_test_admin_stream_health (FdTestServer *server,
                                       gint64        org_id,
                                       gint64        stream_id,
                                       char        **reason);
/* Polls the stream's health every @interval_ms until it is @wanted ("ok",
 * "needs-attention", "needs-authorization"), for at most @seconds. */
void      fd_test_admin_wait_health (FdTestServer *server,
                                     gint64        org_id,
                                     gint64        stream_id,
                                     const char   *wanted,
                                     guint         interval_ms,
                                     guint         seconds);
/* Polls fd_test_server_db_count (@sql) every @interval_ms until it is at
 * least @at_least, for at most 60 s (a mail or a post reaches the database
 * through a worker's poll: allow for a loaded machine). */
void      fd_test_server_wait_db_count (FdTestServer *server,
                                        const char   *sql,
                                        gint64        at_least,
                                        guint         interval_ms);

/* The id of the entity named @name (or with email @name for agents) in the
 * collection ("agents", "queues", "streams") of @org_id. */
gint64    fd_test_admin_find_id     (FdTestServer *server,
                                     gint64        org_id,
                                     const char   *collection,
                                     const char   *name);

/* Creates an agent with a password; returns its id. */
gint64    fd_test_admin_create_agent (FdTestServer *server,
                                      gint64        org_id,
                                      const char   *email,
                                      const char   *name,
                                      const char   *password);

/* --- websockets ------------------------------------------------------------ */

/* One websocket to frontdeskd: an agent's or a visitor's. Frames that
 * arrive are decoded and queued in order; the waits below take matching
 * frames out of the queue and leave the others in it. */
typedef struct _FdTestSocket FdTestSocket;

/* The agent: sign-in details and its socket. */
typedef struct {
  FdTestServer   *server;       /* not owned */
  char           *email;
  char           *password;
  char           *token;
  FdAgent        *agent;
  FdOrganization *organization;
  FdTestSocket   *socket;       /* NULL while disconnected */
  gint64          last_seq;     /* highest event seq received */
  FdWelcome      *welcome;      /* of the last hello */
  /* Set before connecting: the hello's `message_conversation`, as the
   * app sends it (message events carry their conversation, the folded
   * `conversation` events are left out). FALSE: an older client. */
  gboolean        message_conversation;
} FdTestAgent;

/* The visitor: its session and socket. */
typedef struct {
  FdTestServer *server;         /* not owned */
  char         *token;
  gint64        conversation_id;
  char         *socket_url;
  FdTestSocket *socket;
  FdVisitorWelcome *welcome;
} FdTestVisitor;

/* Opens a websocket at @url (ws://…) for frames of @set, with @token sent
 * the way docs/protocol.md says (NULL = none). Returns NULL with @error
 * (and the HTTP status of the refused handshake in @out_status when not
 * NULL) when the server refuses the handshake. */
FdTestSocket *fd_test_socket_open       (const char    *url,
                                         FdFrameSet     set,
                                         const char    *token,
                                         guint         *out_status,
                                         GError       **error);
void          fd_test_socket_free       (FdTestSocket  *self);
/* Sends @frame (encoded) or raw @text. */
void          fd_test_socket_send       (FdTestSocket  *self,
                                         const FdFrame *frame);
void          fd_test_socket_send_text  (FdTestSocket  *self,
                                         const char    *text);
/* The first queued frame of @type (any type when @type is FD_FRAME_N_TYPES),
 * waiting up to @timeout_ms; fails the test on timeout, naming @what. */
FdFrame      *fd_test_socket_wait       (FdTestSocket  *self,
                                         FdFrameType    type,
                                         guint          timeout_ms,
                                         const char    *what);
/* The first queued frame for which @func returns TRUE. */
typedef gboolean (*FdTestFrameFunc) (const FdFrame *frame,
                                     gpointer       user_data);
/* An offer event of the conversation whose id @conversation_id (a
 * gint64*) points to. */
gboolean      fd_test_frame_is_offer_of (const FdFrame *frame,
                                         gpointer       conversation_id);
FdFrame      *fd_test_socket_wait_match (FdTestSocket   *self,
                                         FdTestFrameFunc func,
                                         gpointer        user_data,
                                         guint           timeout_ms,
                                         const char     *what);
/* The same, but the frame stays queued (owned by the socket). */
const FdFrame *fd_test_socket_peek_match (FdTestSocket   *self,
                                          FdTestFrameFunc func,
                                          gpointer        user_data,
                                          guint           timeout_ms,
                                          const char     *what);
/* Fails the test, naming the frame, when anything but @ignore (a type,
 * or FD_FRAME_N_TYPES for none) is queued. */
void          fd_test_socket_assert_empty (FdTestSocket *self,
                                           FdFrameType   ignore);
/* The reply (ack, error or pong) with request id @id. */
FdFrame      *fd_test_socket_wait_reply (FdTestSocket  *self,
                                         const char    *id,
                                         guint          timeout_ms);
/* Lets frames arrive for @ms and returns how many are queued. */
guint         fd_test_socket_settle     (FdTestSocket  *self,
                                         guint          ms);
guint         fd_test_socket_queued     (FdTestSocket  *self);
/* Waits until at least @n frames are queued; fails the test on timeout. */
void          fd_test_socket_wait_queued (FdTestSocket *self,
                                          guint         n,
                                          guint         timeout_ms);
/* Takes the oldest queued frame, NULL when none. */
FdFrame      *fd_test_socket_pop        (FdTestSocket  *self);
/* Removes every queued frame of @type; returns how many. */
guint         fd_test_socket_drop       (FdTestSocket  *self,
                                         FdFrameType    type);
gboolean      fd_test_socket_is_closed  (FdTestSocket  *self);
/* Waits until the server closes the socket; fails the test on timeout. */
void          fd_test_socket_wait_closed (FdTestSocket *self,
                                          guint         timeout_ms);
/* The close code the server sent (valid once closed). */
gushort       fd_test_socket_get_close_code (FdTestSocket *self);
/* Asserts the close code, naming what happened instead on failure. */
void          fd_test_socket_assert_close_code (FdTestSocket *self,
                                                gushort       code);
/* Every event seq received on this socket, in arrival order (gint64). */
GArray       *fd_test_socket_get_seqs   (FdTestSocket  *self);

/* --- agents ---------------------------------------------------------------- */

/* Signs in over HTTP; fails the test when sign-in fails. */
FdTestAgent *fd_test_agent_sign_in      (FdTestServer *server,
                                         const char   *email,
                                         const char   *password);
/* Opens the agent websocket and says hello with the agent's last_seq (0 the
 * first time); returns the welcome (owned by @self). Events that follow the
 * hello (snapshot or missed events) stay queued. */
FdWelcome   *fd_test_agent_connect      (FdTestAgent  *self);
/* Closes the websocket from the client side (a network loss to the server). */
void         fd_test_agent_disconnect   (FdTestAgent  *self);
void         fd_test_agent_free         (FdTestAgent  *self);
/* The highest event seq this agent received on any of its sockets. */
gint64       fd_test_agent_get_last_seq (FdTestAgent  *self);

/* Sends a request with a fresh id and waits for its reply: the ack or error
 * frame (the caller frees it). Takes ownership of @body. */
FdFrame     *fd_test_agent_request      (FdTestAgent  *self,
                                         FdFrameType   type,
                                         gpointer      body);
/* The same, sending without waiting; returns the request id. */
char        *fd_test_agent_send_request (FdTestAgent  *self,
                                         FdFrameType   type,
                                         gpointer      body);
/* Sends a request and asserts an ack; returns the ack's body (owned by the
 * returned frame, which the caller frees). */
FdFrame     *fd_test_agent_expect_ack   (FdTestAgent  *self,
                                         FdFrameType   type,
                                         gpointer      body);
/* Sends a request and asserts an error frame with @code. */
void         fd_test_agent_expect_error (FdTestAgent  *self,
                                         FdFrameType   type,
                                         gpointer      body,
                                         FdWireError   code);
/* The next queued event of @type; others stay queued. */
FdFrame     *fd_test_agent_wait_event   (FdTestAgent  *self,
                                         FdFrameType   type);
/* Convenience requests. */
void         fd_test_agent_join         (FdTestAgent  *self,
                                         gint64        queue_id);
/* Signs in, connects, waits for the snapshot (handed back in @out_snapshot
 * when not NULL) and joins @queue_id: an agent that chats ring for. */
FdTestAgent *fd_test_agent_sign_in_and_join (FdTestServer *server,
                                             const char   *email,
                                             const char   *password,
                                             gint64        queue_id,
                                             FdFrame     **out_snapshot);
/* Starts a chat on @stream_key as visitor @name, connects it, waits for
 * @self's offer and reserves it: a chat @self holds. */
FdTestVisitor *fd_test_agent_reserve_new_chat (FdTestAgent  *self,
                                               FdTestServer *server,
                                               const char   *stream_key,
                                               const char   *name);
FdConversationDetail *fd_test_agent_get_conversation (FdTestAgent *self,
                                                      gint64       conversation_id);
/* The next offer @self gets within @timeout_ms (its body). */
FdOfferEvent *fd_test_agent_wait_offer     (FdTestAgent  *self,
                                            guint         timeout_ms,
                                            const char   *what);
/* The next customer message (direction "in") with exactly @text in
 * @conversation_id (0: in any conversation) within @timeout_ms; other
 * frames stay queued. */
FdMessage    *fd_test_agent_wait_customer_message (FdTestAgent *self,
                                                   gint64       conversation_id,
                                                   const char  *text,
                                                   guint        timeout_ms);
/* The next delivery event in @state for @message_id (0: for any
 * message) within @timeout_ms, as a frame; other frames stay queued. */
FdFrame      *fd_test_agent_wait_delivery  (FdTestAgent     *self,
                                            gint64           message_id,
                                            FdDeliveryState  state,
                                            guint            timeout_ms);

/* Asserts an error frame's code and that it carries a message. */
void         fd_test_assert_error_frame (const FdFrame *frame,
                                         FdWireError    code);

/* --- visitors -------------------------------------------------------------- */

/* Starts a web chat session for @stream_key over HTTP; fails the test on
 * failure. */
FdTestVisitor *fd_test_visitor_start    (FdTestServer  *server,
                                         const char    *stream_key,
                                         const char    *name);
/* The same, with the email address the pre-chat form gives (NULL: none). */
FdTestVisitor *fd_test_visitor_start_with_email (FdTestServer *server,
                                                 const char   *stream_key,
                                                 const char   *name,
                                                 const char   *email);
/* The same with the visitor's @email and @page_url (NULL = not given). */
FdTestVisitor *fd_test_visitor_start_full (FdTestServer *server,
                                           const char   *stream_key,
                                           const char   *name,
                                           const char   *email,
                                           const char   *page_url);
/* Opens the visitor websocket and says hello; returns the welcome. */
FdVisitorWelcome *fd_test_visitor_connect (FdTestVisitor *self);
void           fd_test_visitor_send     (FdTestVisitor *self,
                                         const char    *client_id,
                                         const char    *text);
void           fd_test_visitor_close    (FdTestVisitor *self,
                                         gint           rating,
                                         const char    *comment);
FdFrame       *fd_test_visitor_wait     (FdTestVisitor *self,
                                         FdFrameType    type);
void           fd_test_visitor_disconnect (FdTestVisitor *self);
/* Waits up to @timeout_ms for the agent's message @text to reach the
 * visitor (other frames stay queued). */
void           fd_test_visitor_expect_text (FdTestVisitor *self,
                                            const char    *text,
                                            guint          timeout_ms);
/* The visitor websocket URL for @token. */
char          *fd_test_visitor_socket_url (FdTestServer *server,
                                           const char   *token);
void           fd_test_visitor_free     (FdTestVisitor *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestSocket, fd_test_socket_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestAgent, fd_test_agent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestVisitor, fd_test_visitor_free)

/* Request bodies of the agent protocol. */
FdConversationRef *fd_test_conversation_ref (gint64      conversation_id);
FdQueueRef        *fd_test_queue_ref        (gint64      queue_id);
FdSendMessage     *fd_test_send_message     (gint64      conversation_id,
                                             const char *client_id,
                                             const char *text);

G_END_DECLS
