/* What the visitor API enforces (docs/widget.md, "What the server must
 * enforce"): the stream's allowed origins on HTTP and on the websocket
 * handshake, rate limits on session creation and on messages, the cap on
 * open sockets per address, and the codec's size limits. The token bucket
 * and the limits syntax are unit-tested with a fake clock; the rest runs
 * against a real frontdeskd. */

#include "fd-rate-limit.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-visitor-api.h"

#include <string.h>

#define SHOP    "https://shop.example"
#define FOREIGN "https://evil.example"

/* The chat stream allows the shop, written with a capital letter and the
 * default port to prove that the comparison normalizes both, and the origin
 * that fd-test-client's visitor sockets send. */
static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Limits Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":[{\"email\":\"ann@limits.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@limits.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"limits-chat\","
  "\"departments\":[],\"allowed_origins\":[\"https://Shop.example:443\",\"http://127.0.0.1:8080\"],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]},"
  "{\"kind\":\"callback\",\"name\":\"Callback\",\"queue\":\"Chat\",\"key\":\"limits-callback\","
  "\"departments\":[],\"allowed_origins\":[\"https://shop.example\"],\"phases\":[]},"
  "{\"kind\":\"webchat\",\"name\":\"Open\",\"queue\":\"Chat\",\"key\":\"limits-open\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]}]}";

typedef struct {
  FdTestServer *server;
  gint64        org_id;
  char         *chat_key;
  char         *callback_key;
  char         *open_key;
} Fixture;

static char *
find_key (JsonArray  *streams,
          const char *name)
{
  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonObject *stream = json_array_get_object_element (streams, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (stream, "name", ""), name) == 0)
        return g_strdup (json_object_get_string_member (stream, "key"));
    }
  g_error ("The imported site has no stream “%s”.", name);
  return NULL;
}

/* @data is the FRONTDESKD_VISITOR_LIMITS the daemon starts with. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) streams = NULL;
  g_autofree char *path = NULL;

  g_setenv (FD_VISITOR_LIMITS_ENV, data, TRUE);
  f->server = fd_test_server_new_started ();
  g_unsetenv (FD_VISITOR_LIMITS_ENV);
  f->org_id = fd_test_admin_import_site (f->server, site);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  streams = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (streams));
  f->chat_key = find_key (json_node_get_array (streams), "Chat");
  f->callback_key = find_key (json_node_get_array (streams), "Callback");
  f->open_key = find_key (json_node_get_array (streams), "Open");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->chat_key);
  g_free (f->callback_key);
  g_free (f->open_key);
  fd_test_server_free (f->server);
}

/* One HTTP answer with the headers the tests look at. */
typedef struct {
  guint       status;
  char       *code;          /* the error body's code, or NULL */
  gint64      retry_after;   /* the error body's retry_after */
  char       *allow_origin;  /* Access-Control-Allow-Origin */
  char       *retry_header;  /* Retry-After */
  char       *token;         /* a session's token */
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->code);
  g_free (answer->allow_origin);
  g_free (answer->retry_header);
  g_free (answer->token);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* @method @path with @origin as the Origin header (none when NULL). */
static Answer *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *origin,
         const char *body)
{
  g_autofree char *url = g_strconcat (fd_test_server_get_url (f->server), path, NULL);
  g_autoptr(SoupMessage) msg = fd_test_http_message_new (method, url, NULL, origin, body);
  g_autoptr(GBytes) bytes = fd_test_http_send (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  SoupMessageHeaders *headers;
  Answer *answer = g_new0 (Answer, 1);
  gsize len = 0;
  const char *data;

  headers = soup_message_get_response_headers (msg);
  answer->status = soup_message_get_status (msg);
  answer->allow_origin = g_strdup (soup_message_headers_get_one (headers, "Access-Control-Allow-Origin"));
  answer->retry_header = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  data = g_bytes_get_data (bytes, &len);
  if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));

      answer->code = g_strdup (json_object_get_string_member_with_default (object, "code", NULL));
      answer->retry_after = json_object_get_int_member_with_default (object, "retry_after", 0);
      answer->token = g_strdup (json_object_get_string_member_with_default (object, "token", NULL));
    }
  return answer;
}

static Answer *
start_chat (Fixture    *f,
            const char *key,
            const char *origin)
{
  g_autofree char *body = g_strdup_printf ("{\"stream_key\":\"%s\",\"name\":\"Vera\"}", key);

  return request (f, "POST", "/api/visitor/v1/sessions", origin, body);
}

/* --- websockets with an Origin --------------------------------------------- */

typedef struct {
  gboolean                 done;
  SoupWebsocketConnection *conn;
  GError                  *error;
} Connect;

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Connect *connect = user_data;

  connect->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &connect->error);
  connect->done = TRUE;
}

/* Opens the visitor websocket for @token with @origin; returns the HTTP
 * status of the handshake (101 when upgraded) and the connection, if any. */
static guint
open_socket (Fixture                  *f,
             const char               *token,
             const char               *origin,
             SoupWebsocketConnection **out_conn)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = fd_test_visitor_socket_url (f->server, token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  gint64 deadline = g_get_monotonic_time () + FD_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  Connect connect = { 0 };

  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected_cb, &connect);
  while (!connect.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (connect.done);
  g_clear_error (&connect.error);
  *out_conn = connect.conn;
  return soup_message_get_status (msg);
}

/* --- unit tests ------------------------------------------------------------ */

static gint64
fake_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
test_bucket (void)
{
  g_autoptr(FdRateLimit) limit = fd_rate_limit_new (30, 3, 4);
  gint64 now = (gint64) 1000 * G_USEC_PER_SEC;
  guint retry_after = 0;

  fd_rate_limit_set_clock (limit, fake_clock, &now);

  /* A burst of three, then a refusal that says when to come back: one token
   * every two seconds at 30 a minute. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (fd_rate_limit_take (limit, "10.0.0.1", NULL));
  g_assert_false (fd_rate_limit_take (limit, "10.0.0.1", &retry_after));
  g_assert_cmpuint (retry_after, ==, 2);

  /* Keys are independent. */
  g_assert_true (fd_rate_limit_take (limit, "10.0.0.2", NULL));

  /* Half a token is not a token; retry_after rounds up. */
  now += G_USEC_PER_SEC;
  g_assert_false (fd_rate_limit_take (limit, "10.0.0.1", &retry_after));
  g_assert_cmpuint (retry_after, ==, 1);
  now += G_USEC_PER_SEC;
  g_assert_true (fd_rate_limit_take (limit, "10.0.0.1", NULL));
  g_assert_false (fd_rate_limit_take (limit, "10.0.0.1", NULL));

  /* A long pause refills to the burst, never beyond. */
  now += (gint64) 3600 * G_USEC_PER_SEC;
  for (guint i = 0; i < 3; i++)
    g_assert_true (fd_rate_limit_take (limit, "10.0.0.1", NULL));
  g_assert_false (fd_rate_limit_take (limit, "10.0.0.1", NULL));

  /* A clock going backwards takes nothing and gives nothing. */
  now -= 10 * G_USEC_PER_SEC;
  g_assert_false (fd_rate_limit_take (limit, "10.0.0.1", NULL));
}

static void
test_bucket_memory (void)
{
  g_autoptr(FdRateLimit) limit = fd_rate_limit_new (60, 2, 4);
  gint64 now = 50 * G_USEC_PER_SEC;

  fd_rate_limit_set_clock (limit, fake_clock, &now);

  /* The table never holds more than max_keys. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *key = g_strdup_printf ("client-%u", i);

      g_assert_true (fd_rate_limit_take (limit, key, NULL));
      g_assert_cmpuint (fd_rate_limit_get_n_keys (limit), <=, 4);
      now += 1000;
    }

  /* Idle clients whose buckets refilled are forgotten first, so a busy
   * client keeps its state: "busy" is empty and stays refused. */
  now += 10 * G_USEC_PER_SEC;
  g_assert_true (fd_rate_limit_take (limit, "busy", NULL));
  g_assert_true (fd_rate_limit_take (limit, "busy", NULL));
  g_assert_true (fd_rate_limit_take (limit, "new-1", NULL));
  g_assert_true (fd_rate_limit_take (limit, "new-2", NULL));
  g_assert_true (fd_rate_limit_take (limit, "new-3", NULL));
  g_assert_cmpuint (fd_rate_limit_get_n_keys (limit), <=, 4);
  g_assert_false (fd_rate_limit_take (limit, "busy", NULL));
}

static void
test_limits_parse (void)
{
  FdVisitorLimits limits;
  FdVisitorLimits before;
  g_autoptr(GError) error = NULL;
  static const char *const bad[] = {
    "create", "create=10", "create=x/5", "create=10/0", "create=10/5/2", "sockets=-1",
    "speed=10/5", "message=/3", "typing=99999999/1",
  };

  fd_visitor_limits_init_defaults (&limits);
  g_assert_cmpuint (limits.create_per_minute, ==, 10);
  g_assert_cmpuint (limits.create_burst, ==, 5);
  g_assert_cmpuint (limits.message_per_minute, ==, 60);
  g_assert_cmpuint (limits.message_burst, ==, 50);
  g_assert_cmpuint (limits.sockets_per_address, ==, 20);

  g_assert_true (fd_visitor_limits_parse (" create=100/50, sockets=7 ,", &limits, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (limits.create_per_minute, ==, 100);
  g_assert_cmpuint (limits.create_burst, ==, 50);
  g_assert_cmpuint (limits.sockets_per_address, ==, 7);
  g_assert_cmpuint (limits.message_per_minute, ==, 60);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      before = limits;
      g_assert_false (fd_visitor_limits_parse (bad[i], &limits, &error));
      g_assert_error (error, FD_VISITOR_API_ERROR, FD_VISITOR_API_ERROR_BAD_LIMITS);
      g_assert_cmpint (memcmp (&before, &limits, sizeof limits), ==, 0);
      g_clear_error (&error);
    }
}

static void
test_origin_match (void)
{
  char *origins[] = { "https://Shop.example", "http://localhost:8080", "http://[::1]:3000/", NULL };
  char *none[] = { NULL };
  FdStream stream = { 0 };

  stream.allowed_origins = origins;
  g_assert_true (fd_visitor_origin_allowed (&stream, "https://shop.example"));
  g_assert_true (fd_visitor_origin_allowed (&stream, "https://SHOP.example:443"));
  g_assert_true (fd_visitor_origin_allowed (&stream, "http://localhost:8080"));
  g_assert_true (fd_visitor_origin_allowed (&stream, "http://[::1]:3000"));
  g_assert_true (fd_visitor_origin_allowed (&stream, NULL));
  g_assert_false (fd_visitor_origin_allowed (&stream, "http://shop.example"));
  g_assert_false (fd_visitor_origin_allowed (&stream, "https://shop.example:8443"));
  g_assert_false (fd_visitor_origin_allowed (&stream, "https://shop.example.evil.example"));
  g_assert_false (fd_visitor_origin_allowed (&stream, "http://localhost"));
  g_assert_false (fd_visitor_origin_allowed (&stream, "null"));
  g_assert_false (fd_visitor_origin_allowed (&stream, ""));
  g_assert_false (fd_visitor_origin_allowed (&stream, "file:///etc/passwd"));

  stream.allowed_origins = none;
  g_assert_true (fd_visitor_origin_allowed (&stream, FOREIGN));
  stream.allowed_origins = NULL;
  g_assert_true (fd_visitor_origin_allowed (&stream, FOREIGN));
}

/* --- against frontdeskd ---------------------------------------------------- */

static void
test_origin_http (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Answer) shop = start_chat (f, f->chat_key, SHOP);
  g_autoptr(Answer) foreign = start_chat (f, f->chat_key, FOREIGN);
  g_autoptr(Answer) plain = start_chat (f, f->chat_key, NULL);
  g_autoptr(Answer) open = start_chat (f, f->open_key, FOREIGN);
  g_autoptr(Answer) callback = NULL;
  g_autoptr(Answer) info = NULL;
  g_autoptr(Answer) info_shop = NULL;
  g_autofree char *callback_body = g_strdup_printf ("{\"stream_key\":\"%s\",\"number\":\"+4420794600000\"}",
                                                    f->callback_key);
  g_autofree char *info_path = g_strconcat ("/api/visitor/v1/streams/", f->chat_key, NULL);

  g_assert_cmpuint (shop->status, ==, 201);
  g_assert_cmpstr (shop->allow_origin, ==, SHOP);

  g_assert_cmpuint (foreign->status, ==, 403);
  g_assert_cmpstr (foreign->code, ==, "forbidden");
  g_assert_null (foreign->allow_origin);

  /* Not a browser: nothing to protect, and it could forge any Origin. */
  g_assert_cmpuint (plain->status, ==, 201);
  g_assert_null (plain->allow_origin);

  /* A stream that lists no origins takes any. */
  g_assert_cmpuint (open->status, ==, 201);
  g_assert_cmpstr (open->allow_origin, ==, FOREIGN);

  callback = request (f, "POST", "/api/visitor/v1/callbacks", FOREIGN, callback_body);
  g_assert_cmpuint (callback->status, ==, 403);
  g_assert_cmpstr (callback->code, ==, "forbidden");
  g_assert_null (callback->allow_origin);

  /* The stream info refuses too, readably, so that the widget can say why. */
  info = request (f, "GET", info_path, FOREIGN, NULL);
  g_assert_cmpuint (info->status, ==, 403);
  g_assert_cmpstr (info->code, ==, "forbidden");
  info_shop = request (f, "GET", info_path, SHOP, NULL);
  g_assert_cmpuint (info_shop->status, ==, 200);
}

static void
test_origin_socket (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Answer) session = start_chat (f, f->chat_key, SHOP);
  g_autoptr(Answer) open = start_chat (f, f->open_key, SHOP);
  SoupWebsocketConnection *conn = NULL;

  g_assert_cmpuint (session->status, ==, 201);
  g_assert_nonnull (session->token);

  /* A token obtained from the shop does not work from another site. */
  g_assert_cmpuint (open_socket (f, session->token, FOREIGN, &conn), ==, 403);
  g_assert_null (conn);

  g_assert_cmpuint (open_socket (f, session->token, "https://SHOP.example:443", &conn), ==, 101);
  g_assert_nonnull (conn);
  g_clear_object (&conn);

  g_assert_cmpuint (open_socket (f, session->token, NULL, &conn), ==, 101);
  g_assert_nonnull (conn);
  g_clear_object (&conn);

  /* The open stream's chat takes any origin. */
  g_assert_cmpuint (open_socket (f, open->token, FOREIGN, &conn), ==, 101);
  g_assert_nonnull (conn);
  g_clear_object (&conn);
}

static void
test_create_limit (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Answer) refused = NULL;
  g_autoptr(Answer) foreign = NULL;
  g_autofree char *callback_body = g_strdup_printf ("{\"stream_key\":\"%s\",\"number\":\"+4420794600000\"}",
                                                    f->callback_key);

  /* create=6/3: a burst of three, chats and callbacks counted together. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Answer) ok = start_chat (f, f->chat_key, SHOP);

      g_assert_cmpuint (ok->status, ==, 201);
    }
  {
    g_autoptr(Answer) ok = request (f, "POST", "/api/visitor/v1/callbacks", SHOP, callback_body);

    g_assert_cmpuint (ok->status, ==, 201);
  }
  refused = start_chat (f, f->chat_key, SHOP);
  g_assert_cmpuint (refused->status, ==, 429);
  g_assert_cmpstr (refused->code, ==, "rate-limited");
  g_assert_cmpint (refused->retry_after, >=, 1);
  g_assert_cmpint (refused->retry_after, <=, 10);
  g_assert_nonnull (refused->retry_header);
  g_assert_cmpint (g_ascii_strtoll (refused->retry_header, NULL, 10), ==, refused->retry_after);
  /* Readable by the allowed page, so the widget can say when to retry. */
  g_assert_cmpstr (refused->allow_origin, ==, SHOP);

  /* A refused origin is refused as such, not as a rate. */
  foreign = start_chat (f, f->chat_key, FOREIGN);
  g_assert_cmpuint (foreign->status, ==, 403);
}

static gboolean
is_error_for (const FdFrame *frame,
              gpointer       user_data)
{
  return frame->type == FD_FRAME_VISITOR_ERROR && g_strcmp0 (frame->id, user_data) == 0;
}

static gboolean
is_message_with (const FdFrame *frame,
                 gpointer       user_data)
{
  return frame->type == FD_FRAME_VISITOR_MESSAGE &&
         g_strcmp0 (((FdMessage *) frame->body)->client_id, user_data) == 0;
}

/* Lets frames arrive for a moment, then fails the test if any of them
 * matches @func; the queue is empty afterwards. */
static void
assert_none (FdTestSocket    *socket,
             FdTestFrameFunc  func,
             gpointer         user_data)
{
  FdFrame *frame;

  fd_test_socket_settle (socket, 300);
  while ((frame = fd_test_socket_pop (socket)) != NULL)
    {
      gboolean matches = func (frame, user_data);

      fd_frame_free (frame);
      g_assert_false (matches);
    }
}

static void
send_with_id (FdTestVisitor *visitor,
              const char    *id,
              const char    *client_id)
{
  FdVisitorSend *send = fd_visitor_send_new ();
  g_autoptr(FdFrame) frame = NULL;

  send->client_id = g_strdup (client_id);
  send->text = g_strdup ("Hello?");
  frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, send);
  frame->id = g_strdup (id);
  fd_test_socket_send (visitor->socket, frame);
}

/* Ann joins the chat queue, so that chats ring instead of being missed. */
static FdTestAgent *
join_ann (Fixture *f)
{
  return fd_test_agent_sign_in_and_join (f->server, "ann@limits.example", "ann-password",
                                         fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat"), NULL);
}

static void
test_message_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = join_ann (f);
  (void) ann; /* held for its cleanup only */
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (f->server, f->chat_key, "Vera");
  g_autoptr(FdTestVisitor) again = NULL;
  g_autoptr(FdFrame) refusal = NULL;
  g_autoptr(FdFrame) accepted = NULL;
  FdErrorBody *body;
  FdVisitorWelcome *welcome;
  guint n_refused = 0;

  fd_test_visitor_connect (visitor);

  /* message=20/3: three go through at once, then one every three seconds. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      g_autofree char *client_id = g_strdup_printf ("c%u", i);
      g_autoptr(FdFrame) echo = NULL;

      send_with_id (visitor, id, client_id);
      echo = fd_test_socket_wait_match (visitor->socket, is_message_with, client_id, FD_TEST_TIMEOUT_MS,
                                        "the echo of a message within the limit");
    }

  /* Typing over its own limit is dropped without an error frame. */
  for (guint i = 0; i < 5; i++)
    {
      FdVisitorTyping *typing = fd_visitor_typing_new ();
      g_autoptr(FdFrame) frame = NULL;

      typing->typing = (i % 2) == 0;
      frame = fd_frame_new (FD_FRAME_VISITOR_TYPING, typing);
      frame->id = g_strdup_printf ("t%u", i);
      fd_test_socket_send (visitor->socket, frame);
    }

  send_with_id (visitor, "m3", "c3");
  refusal = fd_test_socket_wait_match (visitor->socket, is_error_for, "m3", FD_TEST_TIMEOUT_MS,
                                       "the rate-limited error of the fourth message");
  fd_test_assert_error_frame (refusal, FD_WIRE_ERROR_RATE_LIMITED);
  body = refusal->body;
  g_assert_cmpint (body->retry_after, >=, 1);
  g_assert_cmpint (body->retry_after, <=, 3);
  fd_test_socket_settle (visitor->socket, 300);
  g_assert_cmpuint (fd_test_socket_drop (visitor->socket, FD_FRAME_VISITOR_ERROR), ==, 0);
  assert_none (visitor->socket, is_message_with, "c3");
  n_refused++;

  /* After retry_after the same client_id goes through, once. */
  g_usleep (body->retry_after * G_USEC_PER_SEC + 100 * G_TIME_SPAN_MILLISECOND);
  send_with_id (visitor, "m3-again", "c3");
  accepted = fd_test_socket_wait_match (visitor->socket, is_message_with, "c3", FD_TEST_TIMEOUT_MS,
                                        "the echo of the resent message");
  g_assert_cmpstr (((FdMessage *) accepted->body)->text, ==, "Hello?");
  assert_none (visitor->socket, is_error_for, "m3-again");

  /* The transcript holds each message once: the refused one was not
   * stored. Reconnecting does not give a fresh allowance either. */
  fd_test_visitor_disconnect (visitor);
  welcome = fd_test_visitor_connect (visitor);
  {
    guint visitor_messages = 0;

    for (guint i = 0; i < welcome->messages->len; i++)
      {
        FdMessage *message = g_ptr_array_index (welcome->messages, i);

        if (message->direction == FD_DIRECTION_IN)
          visitor_messages++;
      }
    g_assert_cmpuint (visitor_messages, ==, 4);
  }
  send_with_id (visitor, "m4", "c4");
  g_clear_pointer (&refusal, fd_frame_free);
  refusal = fd_test_socket_wait_match (visitor->socket, is_error_for, "m4", FD_TEST_TIMEOUT_MS,
                                       "the rate-limited error after reconnecting");
  fd_test_assert_error_frame (refusal, FD_WIRE_ERROR_RATE_LIMITED);
  g_assert_cmpuint (n_refused, ==, 1);

  /* Another visitor has its own allowance. */
  again = fd_test_visitor_start (f->server, f->chat_key, "Otto");
  fd_test_visitor_connect (again);
  fd_test_visitor_send (again, "o1", "Hi");
  {
    g_autoptr(FdFrame) echo = fd_test_socket_wait_match (again->socket, is_message_with, "o1",
                                                         FD_TEST_TIMEOUT_MS, "another visitor's message");
    (void) echo; /* held for its cleanup only */
  }
}

static void
test_socket_cap (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(FdTestVisitor) first = fd_test_visitor_start (f->server, f->chat_key, "One");
  g_autoptr(FdTestVisitor) second = fd_test_visitor_start (f->server, f->chat_key, "Two");
  g_autoptr(FdTestVisitor) third = fd_test_visitor_start (f->server, f->chat_key, "Three");
  g_autoptr(FdTestSocket) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fd_test_visitor_socket_url (f->server, third->token);
  guint status = 0;

  /* sockets=2 */
  fd_test_visitor_connect (first);
  fd_test_visitor_connect (second);
  refused = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 429);
  g_clear_error (&error);

  /* A closed socket frees its place. */
  fd_test_visitor_disconnect (first);
  {
    gint64 deadline = g_get_monotonic_time () + FD_TEST_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

    /* The server sees the close a moment later. */
    while (refused == NULL && g_get_monotonic_time () < deadline)
      {
        g_clear_error (&error);
        refused = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
        if (refused == NULL)
          {
            g_assert_cmpuint (status, ==, 429);
            g_usleep (50 * G_TIME_SPAN_MILLISECOND);
          }
      }
  }
  g_assert_nonnull (refused);
}

static void
test_size_limits (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const fields[] = { "name", "email", "phone", "department", "page_url" };
  g_autoptr(FdTestAgent) ann = join_ann (f);
  (void) ann; /* held for its cleanup only */
  g_autoptr(FdTestVisitor) visitor = fd_test_visitor_start (f->server, f->chat_key, "Vera");
  g_autoptr(FdFrame) refusal = NULL;
  g_autofree char *long_text = g_strnfill (FD_LIMIT_TEXT + 1, 'x');
  g_autofree char *frame_text = NULL;

  /* Every field of a chat request one character over its limit is a
   * typed error, not a truncated conversation. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      guint limit = g_str_equal (fields[i], "page_url") ? FD_LIMIT_STRING : FD_LIMIT_NAME;
      g_autofree char *value = g_strnfill (limit + 1, 'a');
      g_autofree char *body = g_strdup_printf ("{\"stream_key\":\"%s\",\"%s\":\"%s\"}", f->chat_key, fields[i], value);
      g_autoptr(Answer) answer = request (f, "POST", "/api/visitor/v1/sessions", SHOP, body);

      g_assert_cmpuint (answer->status, ==, 400);
      g_assert_nonnull (answer->code);
    }
  {
    g_autofree char *value = g_strnfill (FD_LIMIT_NAME + 1, '1');
    g_autofree char *body = g_strdup_printf ("{\"stream_key\":\"%s\",\"number\":\"%s\"}", f->callback_key, value);
    g_autoptr(Answer) answer = request (f, "POST", "/api/visitor/v1/callbacks", SHOP, body);

    g_assert_cmpuint (answer->status, ==, 400);
  }

  /* A message over the text limit is refused with a typed error. */
  fd_test_visitor_connect (visitor);
  frame_text = g_strdup_printf ("{\"type\":\"send-message\",\"id\":\"big\",\"body\":{\"client_id\":\"b\",\"text\":\"%s\"}}",
                                long_text);
  fd_test_socket_send_text (visitor->socket, frame_text);
  refusal = fd_test_socket_wait_match (visitor->socket, is_error_for, "big", FD_TEST_TIMEOUT_MS,
                                       "the error of an oversized message");
  g_assert_cmpint (((FdErrorBody *) refusal->body)->code, !=, FD_WIRE_ERROR_INTERNAL);
  assert_none (visitor->socket, is_message_with, "b");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/visitor-limits/bucket", test_bucket);
  g_test_add_func ("/visitor-limits/bucket-memory", test_bucket_memory);
  g_test_add_func ("/visitor-limits/parse", test_limits_parse);
  g_test_add_func ("/visitor-limits/origin-match", test_origin_match);
  g_test_add ("/visitor-limits/origin-http", Fixture, "", fixture_set_up, test_origin_http, fixture_tear_down);
  g_test_add ("/visitor-limits/origin-socket", Fixture, "", fixture_set_up, test_origin_socket, fixture_tear_down);
  g_test_add ("/visitor-limits/create", Fixture, "create=6/3", fixture_set_up, test_create_limit,
              fixture_tear_down);
  g_test_add ("/visitor-limits/messages", Fixture, "message=20/3,typing=60/2", fixture_set_up,
              test_message_limit, fixture_tear_down);
  g_test_add ("/visitor-limits/sockets", Fixture, "sockets=2", fixture_set_up, test_socket_cap,
              fixture_tear_down);
  g_test_add ("/visitor-limits/sizes", Fixture, "", fixture_set_up, test_size_limits, fixture_tear_down);

  return g_test_run ();
}
