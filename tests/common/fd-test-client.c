#define G_LOG_DOMAIN "fd-test-client"

#include "fd-test-client.h"

#include "fd-config.h"

#include <string.h>

#define AGENT_SESSIONS_PATH   "/api/agent/v1/sessions"
#define AGENT_SOCKET_PATH     "/api/agent/v1/socket"
#define VISITOR_SESSIONS_PATH "/api/visitor/v1/sessions"
#define VISITOR_SOCKET_PATH   "/api/visitor/v1/socket"
#define ADMIN_PREFIX          "/api/admin/v1"
/* The demo site allows this origin; browsers always send one. */
#define VISITOR_ORIGIN        "http://127.0.0.1:8080"

struct _FdTestSocket
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  FdFrameSet               set;       /* the frames this side receives */
  GQueue                   frames;    /* FdFrame*, oldest first */
  GArray                  *seqs;      /* gint64: every event seq received, in order */
  gint64                   last_seq;
  gboolean                 closed;
  gushort                  close_code;
  char                    *close_data;
  GError                  *error;     /* the first transport error */
  guint                    next_id;
};

/* --- waiting ------------------------------------------------------------- */

static gboolean
on_deadline_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
fd_test_wait_until (FdTestCheck check,
                    gpointer    data,
                    guint       timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, on_deadline_cb, &expired);

  while (!check (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  return check (data);
}

void
fd_test_wait (FdTestCheck  check,
              gpointer     data,
              guint        timeout_ms,
              const char  *what)
{
  if (!fd_test_wait_until (check, data, timeout_ms))
    g_error ("Timed out waiting for %s", what);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
fd_test_spin (guint ms)
{
  fd_test_wait_until (never, NULL, ms);
}

void
fd_test_poll_until (FdTestCheck  check,
                    gpointer     data,
                    guint        interval_ms,
                    guint        seconds,
                    const char  *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  g_assert (check != NULL);
  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      fd_test_spin (interval_ms);
    }
}

void
fd_test_on_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

gboolean
fd_test_has_result (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* --- plain HTTP ---------------------------------------------------------- */

static JsonNode *
parse_json (const char *data,
            gsize       size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

SoupMessage *
fd_test_http_message_new (const char *method,
                          const char *url,
                          const char *token,
                          const char *origin,
                          const char *json)
{
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (origin != NULL)
    soup_message_headers_replace (headers, "Origin", origin);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }
  return msg;
}

GBytes *
fd_test_http_send (SoupMessage *msg)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  GBytes *answer = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  return answer;
}

JsonNode *
fd_test_http_request (FdTestServer *server,
                      const char   *token,
                      const char   *method,
                      const char   *url_path,
                      const char   *body,
                      guint        *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = g_strconcat (fd_test_server_get_url (server), url_path, NULL);
  gsize size = 0;
  const char *data;

  msg = fd_test_http_message_new (method, url, token, NULL, body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
                                    fd_test_on_done_cb, &result);
  if (!fd_test_wait_until (fd_test_has_result, &result, FD_TEST_TIMEOUT_MS))
    g_error ("No answer to %s %s within %u ms", method, url_path, FD_TEST_TIMEOUT_MS);
  answer = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  data = g_bytes_get_data (answer, &size);
  return parse_json (data, size);
}

/* The answer as text, for failure messages. */
static char *
describe (JsonNode *answer)
{
  return answer != NULL ? fd_json_to_string (answer, NULL) : g_strdup ("no JSON body");
}

const char *
fd_test_http_error_code (JsonNode *answer)
{
  JsonObject *obj;

  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  obj = json_node_get_object (answer);
  /* The admin API wraps the error body in "error"; the agent and visitor
   * APIs send the error body itself (docs/protocol.md, "Error codes"). */
  if (json_object_has_member (obj, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "error")))
    obj = json_object_get_object_member (obj, "error");
  g_assert_true (json_object_has_member (obj, "code"));
  g_assert_nonnull (json_object_get_string_member (obj, "code"));
  g_assert_true (json_object_has_member (obj, "message"));
  g_assert_cmpstr (json_object_get_string_member (obj, "message"), !=, "");
  return json_object_get_string_member (obj, "code");
}

gpointer
fd_test_decode (const FdTypeInfo *info,
                const char       *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  gpointer body;

  g_assert_nonnull (node);
  body = fd_codec_from_json (info, node, &error);
  g_assert_no_error (error);
  return body;
}

/* --- admin API ----------------------------------------------------------- */

char *
fd_test_admin_read_token (FdTestServer *server)
{
  g_autofree char *path = g_strconcat (fd_test_server_get_db_path (server), ".admin-token", NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (contents);
  g_assert_cmpstr (contents, !=, "");
  return contents;
}

JsonNode *
fd_test_admin_expect (FdTestServer *server,
                      const char   *method,
                      const char   *path,
                      const char   *body,
                      guint         expected_status)
{
  g_autofree char *token = fd_test_admin_read_token (server);
  g_autofree char *url_path = g_strconcat (ADMIN_PREFIX, path, NULL);
  guint status = 0;
  JsonNode *answer = fd_test_http_request (server, token, method, url_path, body, &status);

  if (status != expected_status)
    {
      g_autofree char *text = describe (answer);

      g_error ("Admin %s %s answered %u, expected %u: %s", method, path, status, expected_status, text);
    }
  return answer;
}

static gint64
get_int (JsonNode   *node,
         const char *member)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_object_has_member (json_node_get_object (node), member));
  return json_object_get_int_member (json_node_get_object (node), member);
}

gint64
fd_test_admin_import_site (FdTestServer *server,
                           const char   *site_json)
{
  g_autoptr(JsonNode) org = fd_test_admin_expect (server, "POST", "/sites", site_json, 201);
  gint64 id = get_int (org, "id");

  g_assert_cmpint (id, >, 0);
  return id;
}

gint64
fd_test_admin_import_demo (FdTestServer *server)
{
  const char *datadir = g_getenv ("FD_SOURCE_DATADIR");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (datadir);
  path = g_build_filename (datadir, "demo-site.json", NULL);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return fd_test_admin_import_site (server, text);
}

gint64
fd_test_admin_find_id (FdTestServer *server,
                       gint64        org_id,
                       const char   *collection,
                       const char   *name)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/%s", org_id, collection);
  g_autoptr(JsonNode) list = fd_test_admin_expect (server, "GET", path, NULL, 200);
  JsonArray *array;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (list));
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);
      const char *key = json_object_has_member (item, "email") ? "email" : "name";

      if (g_strcmp0 (json_object_get_string_member (item, key), name) == 0)
        return json_object_get_int_member (item, "id");
    }
  g_error ("No %s named “%s” in organization %" G_GINT64_FORMAT, collection, name, org_id);
  return 0;
}

gint64
fd_test_admin_create_agent (FdTestServer *server,
                            gint64        org_id,
                            const char   *email,
                            const char   *name,
                            const char   *password)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents", org_id);
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"name\":\"%s\",\"role\":\"agent\",\"password\":\"%s\"}",
                                           email, name, password);
  g_autoptr(JsonNode) agent = fd_test_admin_expect (server, "POST", path, body, 201);

  return get_int (agent, "id");
}

/* --- websockets ---------------------------------------------------------- */

static void
on_socket_message_cb (SoupWebsocketConnection *conn,
                      gint                     type,
                      GBytes                  *message,
                      gpointer                 user_data)
{
  FdTestSocket *self = user_data;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);
  FdFrame *frame;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  frame = fd_frame_decode (self->set, data, len, &error);
  if (frame == NULL)
    g_error ("The server sent a frame that does not decode (%s): %.*s", error->message,
             (int) MIN (len, 400), data);
  if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_EVENT)
    {
      g_array_append_val (self->seqs, frame->seq);
      self->last_seq = MAX (self->last_seq, frame->seq);
    }
  g_queue_push_tail (&self->frames, frame);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *conn,
                     gpointer                 user_data)
{
  FdTestSocket *self = user_data;

  self->closed = TRUE;
  self->close_code = soup_websocket_connection_get_close_code (conn);
  self->close_data = g_strdup (soup_websocket_connection_get_close_data (conn));
}

static void
on_socket_error_cb (SoupWebsocketConnection *conn,
                    GError                  *error,
                    gpointer                 user_data)
{
  FdTestSocket *self = user_data;

  if (self->error == NULL)
    self->error = g_error_copy (error);
}

FdTestSocket *
fd_test_socket_open (const char  *url,
                     FdFrameSet   set,
                     const char  *token,
                     guint       *out_status,
                     GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  SoupWebsocketConnection *conn;
  const char *origin = NULL;
  FdTestSocket *self;

  g_assert_nonnull (msg);
  if (set == FD_FRAMES_AGENT_SERVER && token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (set == FD_FRAMES_VISITOR_SERVER)
    origin = VISITOR_ORIGIN;

  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                        fd_test_on_done_cb, &result);
  if (!fd_test_wait_until (fd_test_has_result, &result, FD_TEST_TIMEOUT_MS))
    g_error ("The websocket handshake at %s did not finish within %u ms", url, FD_TEST_TIMEOUT_MS);
  conn = soup_session_websocket_connect_finish (session, result, error);
  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);
  if (conn == NULL)
    return NULL;

  self = g_new0 (FdTestSocket, 1);
  self->session = g_steal_pointer (&session);
  self->conn = conn;
  self->set = set;
  self->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_queue_init (&self->frames);
  soup_websocket_connection_set_max_incoming_payload_size (conn, FD_LIMIT_SERVER_FRAME_SIZE);
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_socket_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_socket_closed_cb), self);
  g_signal_connect (conn, "error", G_CALLBACK (on_socket_error_cb), self);
  return self;
}

static gboolean
is_closed (gpointer data)
{
  FdTestSocket *self = data;

  return self->closed;
}

void
fd_test_socket_free (FdTestSocket *self)
{
  if (self == NULL)
    return;

  if (!self->closed &&
      soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      /* Let the close handshake finish so that no callback runs later on
       * freed memory; a server that does not answer is cut off. */
      fd_test_wait_until (is_closed, self, 2000);
    }
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_object (&self->conn);
  g_clear_object (&self->session);
  g_queue_clear_full (&self->frames, (GDestroyNotify) fd_frame_free);
  g_array_unref (self->seqs);
  g_free (self->close_data);
  g_clear_error (&self->error);
  g_free (self);
}

void
fd_test_socket_send (FdTestSocket  *self,
                     const FdFrame *frame)
{
  g_autofree char *text = fd_frame_encode (frame, NULL);

  fd_test_socket_send_text (self, text);
}

void
fd_test_socket_send_text (FdTestSocket *self,
                          const char   *text)
{
  g_assert_false (self->closed);
  soup_websocket_connection_send_text (self->conn, text);
}

typedef struct {
  FdTestSocket    *socket;
  FdFrameType      type;
  const char      *id;
  GList           *found;
  FdTestFrameFunc  func;
  gpointer         func_data;
} Match;

static gboolean
frame_matches (const FdFrame *frame,
               const Match   *m)
{
  if (m->func != NULL)
    return m->func (frame, m->func_data);
  if (m->id != NULL)
    return fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_REPLY &&
           g_strcmp0 (frame->id, m->id) == 0;
  return m->type == FD_FRAME_N_TYPES || frame->type == m->type;
}

static gboolean
find_match (gpointer data)
{
  Match *m = data;

  for (GList *l = m->socket->frames.head; l != NULL; l = l->next)
    if (frame_matches (l->data, m))
      {
        m->found = l;
        return TRUE;
      }
  /* A closed socket receives nothing more. */
  return m->socket->closed;
}

static FdFrame *
socket_take (FdTestSocket *self,
             Match        *m,
             guint         timeout_ms,
             const char   *what)
{
  FdFrame *frame;

  fd_test_wait_until (find_match, m, timeout_ms);
  if (m->found == NULL)
    {
      g_autoptr(GString) queued = g_string_new (NULL);

      /* Which frames came instead says what went wrong. */
      for (GList *l = self->frames.head; l != NULL; l = l->next)
        g_string_append_printf (queued, "%s%s", queued->len > 0 ? ", " : "",
                                fd_frame_type_to_string (((FdFrame *) l->data)->type));
      g_error ("Waited %u ms for %s; %s, %u other frame(s) queued%s%s", timeout_ms, what,
               self->closed ? "the server closed the socket" : "nothing came",
               g_queue_get_length (&self->frames), queued->len > 0 ? ": " : "", queued->str);
    }
  frame = m->found->data;
  g_queue_delete_link (&self->frames, m->found);
  return frame;
}

FdFrame *
fd_test_socket_wait (FdTestSocket *self,
                     FdFrameType   type,
                     guint         timeout_ms,
                     const char   *what)
{
  Match m = { self, type, NULL, NULL, NULL, NULL };
  g_autofree char *label = NULL;

  if (what == NULL)
    what = label = g_strdup_printf ("a “%s” frame",
                                    type == FD_FRAME_N_TYPES ? "any" : fd_frame_type_to_string (type));
  return socket_take (self, &m, timeout_ms, what);
}

FdFrame *
fd_test_socket_wait_match (FdTestSocket    *self,
                           FdTestFrameFunc  func,
                           gpointer         user_data,
                           guint            timeout_ms,
                           const char      *what)
{
  Match m = { self, FD_FRAME_N_TYPES, NULL, NULL, func, user_data };

  return socket_take (self, &m, timeout_ms, what);
}

const FdFrame *
fd_test_socket_peek_match (FdTestSocket    *self,
                           FdTestFrameFunc  func,
                           gpointer         user_data,
                           guint            timeout_ms,
                           const char      *what)
{
  Match m = { self, FD_FRAME_N_TYPES, NULL, NULL, func, user_data };

  fd_test_wait_until (find_match, &m, timeout_ms);
  if (m.found == NULL)
    g_error ("Waited %u ms for %s; %s", timeout_ms, what,
             self->closed ? "the server closed the socket" : "nothing came");
  return m.found->data;
}

void
fd_test_socket_assert_empty (FdTestSocket *self,
                             FdFrameType   ignore)
{
  for (GList *l = self->frames.head; l != NULL; l = l->next)
    {
      const FdFrame *frame = l->data;

      if (frame->type != ignore)
        {
          g_autofree char *text = fd_frame_encode (frame, NULL);

          g_error ("Expected no frame, but this one is queued: %.600s", text);
        }
    }
}

FdFrame *
fd_test_socket_wait_reply (FdTestSocket *self,
                           const char   *id,
                           guint         timeout_ms)
{
  Match m = { self, FD_FRAME_N_TYPES, id, NULL, NULL, NULL };
  g_autofree char *what = g_strdup_printf ("the reply to request “%s”", id);

  return socket_take (self, &m, timeout_ms, what);
}

guint
fd_test_socket_settle (FdTestSocket *self,
                       guint         ms)
{
  fd_test_spin (ms);
  return g_queue_get_length (&self->frames);
}

guint
fd_test_socket_queued (FdTestSocket *self)
{
  return g_queue_get_length (&self->frames);
}

typedef struct {
  FdTestSocket *socket;
  guint         n;
} QueuedWait;

static gboolean
has_queued (gpointer data)
{
  QueuedWait *w = data;

  return g_queue_get_length (&w->socket->frames) >= w->n || w->socket->closed;
}

void
fd_test_socket_wait_queued (FdTestSocket *self,
                            guint         n,
                            guint         timeout_ms)
{
  QueuedWait w = { self, n };

  fd_test_wait_until (has_queued, &w, timeout_ms);
  if (g_queue_get_length (&self->frames) < n)
    g_error ("Waited %u ms for %u frame(s); %u came%s", timeout_ms, n,
             g_queue_get_length (&self->frames), self->closed ? " before the socket closed" : "");
}

FdFrame *
fd_test_socket_pop (FdTestSocket *self)
{
  return g_queue_pop_head (&self->frames);
}

guint
fd_test_socket_drop (FdTestSocket *self,
                     FdFrameType   type)
{
  guint n = 0;
  GList *l = self->frames.head;

  while (l != NULL)
    {
      GList *next = l->next;
      FdFrame *frame = l->data;

      if (frame->type == type)
        {
          fd_frame_free (frame);
          g_queue_delete_link (&self->frames, l);
          n++;
        }
      l = next;
    }
  return n;
}

gboolean
fd_test_socket_is_closed (FdTestSocket *self)
{
  return self->closed;
}

gushort
fd_test_socket_get_close_code (FdTestSocket *self)
{
  return self->close_code;
}

void
fd_test_socket_assert_close_code (FdTestSocket *self,
                                  gushort       code)
{
  g_assert_true (self->closed);
  if (self->close_code != code)
    g_error ("Expected the server to close the socket with %u, got %u (“%s”)%s%s", code,
             self->close_code, self->close_data ? self->close_data : "",
             self->error ? "; transport error: " : "", self->error ? self->error->message : "");
}

GArray *
fd_test_socket_get_seqs (FdTestSocket *self)
{
  return self->seqs;
}

void
fd_test_socket_wait_closed (FdTestSocket *self,
                            guint         timeout_ms)
{
  if (!fd_test_wait_until (is_closed, self, timeout_ms))
    g_error ("Waited %u ms for the server to close the socket", timeout_ms);
}

gboolean
fd_test_frame_is_offer_of (const FdFrame *frame,
                           gpointer       conversation_id)
{
  const FdOfferEvent *event = frame->body;

  return frame->type == FD_FRAME_OFFER && event->offer != NULL &&
         event->offer->conversation_id == *(gint64 *) conversation_id;
}

/* POSTs @request (consumed) to @url_path and returns the answer, failing
 * the test (naming @what) unless it comes with @expected_status. */
static JsonNode *
post_expect (FdTestServer *server,
             const char   *url_path,
             JsonNode     *request,
             guint         expected_status,
             const char   *what)
{
  g_autoptr(JsonNode) request_json = request;
  g_autofree char *body = fd_json_to_string (request_json, NULL);
  guint status = 0;
  JsonNode *answer = fd_test_http_request (server, NULL, "POST", url_path, body, &status);

  if (status != expected_status)
    {
      g_autofree char *text = describe (answer);

      g_error ("%s answered %u, expected %u: %s", what, status, expected_status, text);
    }
  g_assert_nonnull (answer);
  return answer;
}

/* --- agents -------------------------------------------------------------- */

FdTestAgent *
fd_test_agent_sign_in (FdTestServer *server,
                       const char   *email,
                       const char   *password)
{
  g_autoptr(FdSignInRequest) request = fd_sign_in_request_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdSignIn) sign_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("Signing in %s", email);
  FdTestAgent *self;

  request->email = g_strdup (email);
  request->password = g_strdup (password);
  answer = post_expect (server, AGENT_SESSIONS_PATH, fd_sign_in_request_to_json (request), SOUP_STATUS_OK, what);
  sign_in = fd_sign_in_from_json (answer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sign_in->token);

  self = g_new0 (FdTestAgent, 1);
  self->server = server;
  self->email = g_strdup (email);
  self->password = g_strdup (password);
  self->token = g_steal_pointer (&sign_in->token);
  self->agent = g_steal_pointer (&sign_in->agent);
  self->organization = g_steal_pointer (&sign_in->organization);
  return self;
}

static char *
agent_socket_url (FdTestServer *server)
{
  return g_strconcat (fd_test_server_get_ws_url (server), AGENT_SOCKET_PATH, NULL);
}

FdWelcome *
fd_test_agent_connect (FdTestAgent *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = agent_socket_url (self->server);
  g_autoptr(FdFrame) reply = NULL;
  FdHello *hello;
  guint status = 0;

  g_assert_null (self->socket);
  self->socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, self->token, &status, &error);
  if (self->socket == NULL)
    g_error ("The agent websocket of %s was refused (HTTP %u): %s", self->email, status, error->message);

  hello = fd_hello_new ();
  hello->protocol = FD_PROTOCOL_VERSION;
  hello->last_seq = self->last_seq;
  hello->client = g_strdup ("frontdesk-tests/" PACKAGE_VERSION);
  hello->message_conversation = self->message_conversation;
  reply = fd_test_agent_request (self, FD_FRAME_HELLO, hello);
  if (reply->type == FD_FRAME_ERROR)
    g_error ("hello was answered by an error: %s", ((FdErrorBody *) reply->body)->message);
  g_assert_cmpint (reply->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (reply->ack_for, ==, FD_FRAME_HELLO);
  g_clear_pointer (&self->welcome, fd_welcome_free);
  self->welcome = g_steal_pointer (&reply->body);
  g_assert_nonnull (self->welcome);
  return self->welcome;
}

void
fd_test_agent_disconnect (FdTestAgent *self)
{
  if (self->socket == NULL)
    return;
  self->last_seq = MAX (self->last_seq, self->socket->last_seq);
  g_clear_pointer (&self->socket, fd_test_socket_free);
}

gint64
fd_test_agent_get_last_seq (FdTestAgent *self)
{
  if (self->socket != NULL)
    self->last_seq = MAX (self->last_seq, self->socket->last_seq);
  return self->last_seq;
}

void
fd_test_agent_free (FdTestAgent *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->socket, fd_test_socket_free);
  g_free (self->email);
  g_free (self->password);
  g_free (self->token);
  g_clear_pointer (&self->agent, fd_agent_free);
  g_clear_pointer (&self->organization, fd_organization_free);
  g_clear_pointer (&self->welcome, fd_welcome_free);
  g_free (self);
}

char *
fd_test_agent_send_request (FdTestAgent *self,
                            FdFrameType  type,
                            gpointer     body)
{
  g_autoptr(FdFrame) frame = NULL;
  char *id;

  g_assert_nonnull (self->socket);
  id = g_strdup_printf ("t%u", ++self->socket->next_id);
  frame = fd_frame_new_request (type, id, body);
  fd_test_socket_send (self->socket, frame);
  return id;
}

FdFrame *
fd_test_agent_request (FdTestAgent *self,
                       FdFrameType  type,
                       gpointer     body)
{
  g_autofree char *id = fd_test_agent_send_request (self, type, body);

  return fd_test_socket_wait_reply (self->socket, id, FD_TEST_TIMEOUT_MS);
}

FdFrame *
fd_test_agent_expect_ack (FdTestAgent *self,
                          FdFrameType  type,
                          gpointer     body)
{
  FdFrame *reply = fd_test_agent_request (self, type, body);

  if (reply->type == FD_FRAME_ERROR)
    {
      FdErrorBody *err = reply->body;

      g_error ("%s of %s answered %s: %s", fd_frame_type_to_string (type), self->email,
               fd_wire_error_to_string (err->code), err->message);
    }
  g_assert_cmpint (reply->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (reply->ack_for, ==, type);
  return reply;
}

void
fd_test_assert_error_frame (const FdFrame *frame,
                            FdWireError    code)
{
  const FdErrorBody *err;

  g_assert_nonnull (frame);
  if (frame->type != FD_FRAME_ERROR && frame->type != FD_FRAME_VISITOR_ERROR)
    g_error ("Expected an error “%s”, got a “%s” frame", fd_wire_error_to_string (code),
             fd_frame_type_to_string (frame->type));
  err = frame->body;
  if (err->code != code)
    g_error ("Expected the error code “%s”, got “%s” (%s)", fd_wire_error_to_string (code),
             fd_wire_error_to_string (err->code), err->message);
  g_assert_nonnull (err->message);
  g_assert_cmpstr (err->message, !=, "");
}

void
fd_test_agent_expect_error (FdTestAgent *self,
                            FdFrameType  type,
                            gpointer     body,
                            FdWireError  code)
{
  g_autoptr(FdFrame) reply = fd_test_agent_request (self, type, body);

  fd_test_assert_error_frame (reply, code);
}

FdFrame *
fd_test_agent_wait_event (FdTestAgent *self,
                          FdFrameType  type)
{
  g_autofree char *what = g_strdup_printf ("a “%s” event for %s", fd_frame_type_to_string (type),
                                           self->email);

  g_assert_nonnull (self->socket);
  return fd_test_socket_wait (self->socket, type, FD_TEST_TIMEOUT_MS, what);
}

void
fd_test_agent_join (FdTestAgent *self,
                    gint64       queue_id)
{
  FdQueueRef *ref = fd_queue_ref_new ();
  g_autoptr(FdFrame) ack = NULL;
  FdQueueState *state;

  ref->queue_id = queue_id;
  ack = fd_test_agent_expect_ack (self, FD_FRAME_JOIN, ref);
  state = ack->body;
  g_assert_nonnull (state);
  g_assert_cmpint (state->queue_id, ==, queue_id);
  g_assert_true (state->joined);
}

FdTestAgent *
fd_test_agent_sign_in_and_join (FdTestServer *server,
                                const char   *email,
                                const char   *password,
                                gint64        queue_id,
                                FdFrame     **out_snapshot)
{
  FdTestAgent *agent = fd_test_agent_sign_in (server, email, password);
  g_autoptr(FdFrame) snapshot = NULL;

  fd_test_agent_connect (agent);
  snapshot = fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT);
  fd_test_agent_join (agent, queue_id);
  if (out_snapshot != NULL)
    *out_snapshot = g_steal_pointer (&snapshot);
  return agent;
}

FdTestVisitor *
fd_test_agent_reserve_new_chat (FdTestAgent  *self,
                                FdTestServer *server,
                                const char   *stream_key,
                                const char   *name)
{
  FdTestVisitor *visitor = fd_test_visitor_start (server, stream_key, name);
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;

  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (self, FD_FRAME_OFFER);
  reserved = fd_test_agent_expect_ack (self, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  return visitor;
}

FdConversationDetail *
fd_test_agent_get_conversation (FdTestAgent *self,
                                gint64       conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();
  g_autoptr(FdFrame) ack = NULL;

  ref->conversation_id = conversation_id;
  ack = fd_test_agent_expect_ack (self, FD_FRAME_GET_CONVERSATION, ref);
  g_assert_nonnull (ack->body);
  return g_steal_pointer (&ack->body);
}

FdOfferEvent *
fd_test_agent_wait_offer (FdTestAgent *self,
                          guint        timeout_ms,
                          const char  *what)
{
  FdFrame *frame = fd_test_socket_wait (self->socket, FD_FRAME_OFFER, timeout_ms, what);
  FdOfferEvent *offer = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return offer;
}

typedef struct {
  gint64      conversation_id;
  const char *text;
} MessageMatch;

static gboolean
is_customer_message (const FdFrame *frame,
                     gpointer       data)
{
  MessageMatch *match = data;
  const FdMessage *msg = frame->body;

  return frame->type == FD_FRAME_MESSAGE && msg->direction == FD_DIRECTION_IN &&
         g_strcmp0 (msg->text, match->text) == 0 &&
         (match->conversation_id == 0 || msg->conversation_id == match->conversation_id);
}

FdMessage *
fd_test_agent_wait_customer_message (FdTestAgent *self,
                                     gint64       conversation_id,
                                     const char  *text,
                                     guint        timeout_ms)
{
  MessageMatch match = { conversation_id, text };
  FdFrame *frame = fd_test_socket_wait_match (self->socket, is_customer_message, &match, timeout_ms,
                                              "customer message");
  FdMessage *msg = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return msg;
}

typedef struct {
  gint64          message_id;
  FdDeliveryState state;
} DeliveryMatch;

static gboolean
is_delivery (const FdFrame *frame,
             gpointer       data)
{
  DeliveryMatch *match = data;
  const FdDelivery *delivery = frame->body;

  return frame->type == FD_FRAME_DELIVERY && delivery->state == match->state &&
         (match->message_id == 0 || delivery->message_id == match->message_id);
}

FdFrame *
fd_test_agent_wait_delivery (FdTestAgent     *self,
                             gint64           message_id,
                             FdDeliveryState  state,
                             guint            timeout_ms)
{
  DeliveryMatch match = { message_id, state };
  g_autofree char *what = g_strdup_printf ("delivery %s of message %" G_GINT64_FORMAT,
                                           state == FD_DELIVERY_SENT ? "sent" :
                                           state == FD_DELIVERY_FAILED ? "failed" : "queued", message_id);

  return fd_test_socket_wait_match (self->socket, is_delivery, &match, timeout_ms, what);
}

char *
fd_test_admin_stream_health (FdTestServer *server,
                             gint64        org_id,
                             gint64        stream_id,
                             char        **reason)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           org_id, stream_id);
  g_autoptr(JsonNode) stream = fd_test_admin_expect (server, "GET", path, NULL, 200);
  JsonObject *obj = json_node_get_object (stream);

  if (reason != NULL)
    *reason = g_strdup (json_object_get_string_member_with_default (obj, "health_reason", ""));
  return g_strdup (json_object_get_string_member_with_default (obj, "health", ""));
}

void
fd_test_admin_wait_health (FdTestServer *server,
                           gint64        org_id,
                           gint64        stream_id,
                           const char   *wanted,
                           guint         interval_ms,
                           guint         seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *health = fd_test_admin_stream_health (server, org_id, stream_id, NULL);

      if (g_strcmp0 (health, wanted) == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for health %s (it is %s)", wanted, health);
      fd_test_spin (interval_ms);
    }
}

typedef struct {
  FdTestServer *server;
  const char   *sql;
  gint64        at_least;
} CountWait;

static gboolean
count_reached (gpointer data)
{
  CountWait *wait = data;

  return fd_test_server_db_count (wait->server, wait->sql) >= wait->at_least;
}

void
fd_test_server_wait_db_count (FdTestServer *server,
                              const char   *sql,
                              gint64        at_least,
                              guint         interval_ms)
{
  CountWait wait = { server, sql, at_least };

  fd_test_poll_until (count_reached, &wait, interval_ms, 60, sql);
}

/* --- visitors ------------------------------------------------------------ */

FdTestVisitor *
fd_test_visitor_start (FdTestServer *server,
                       const char   *stream_key,
                       const char   *name)
{
  return fd_test_visitor_start_with_email (server, stream_key, name, NULL);
}

FdTestVisitor *
fd_test_visitor_start_with_email (FdTestServer *server,
                                  const char   *stream_key,
                                  const char   *name,
                                  const char   *email)
{
  return fd_test_visitor_start_full (server, stream_key, name, email, "https://kakapo.example/pricing");
}

FdTestVisitor *
fd_test_visitor_start_full (FdTestServer *server,
                            const char   *stream_key,
                            const char   *name,
                            const char   *email,
                            const char   *page_url)
{
  g_autoptr(FdVisitorSessionRequest) request = fd_visitor_session_request_new ();
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(FdVisitorSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("Starting a chat on “%s”", stream_key);
  FdTestVisitor *self;

  request->stream_key = g_strdup (stream_key);
  request->name = g_strdup (name);
  request->email = g_strdup (email);
  request->page_url = g_strdup (page_url);
  answer = post_expect (server, VISITOR_SESSIONS_PATH, fd_visitor_session_request_to_json (request),
                        SOUP_STATUS_CREATED, what);
  session = fd_visitor_session_from_json (answer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session->token);
  g_assert_cmpint (session->conversation_id, >, 0);

  self = g_new0 (FdTestVisitor, 1);
  self->server = server;
  self->token = g_steal_pointer (&session->token);
  self->conversation_id = session->conversation_id;
  self->socket_url = g_steal_pointer (&session->socket_url);
  return self;
}

static gboolean
is_agent_text (const FdFrame *frame,
               gpointer       user_data)
{
  const FdMessage *message = frame->body;

  return frame->type == FD_FRAME_VISITOR_MESSAGE && message->direction == FD_DIRECTION_OUT &&
         g_strcmp0 (message->text, user_data) == 0;
}

void
fd_test_visitor_expect_text (FdTestVisitor *self,
                             const char    *text,
                             guint          timeout_ms)
{
  g_autofree char *what = g_strdup_printf ("the visitor to receive “%s”", text);
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (self->socket, is_agent_text, (gpointer) text,
                                                        timeout_ms, what);

  g_assert_nonnull (frame);
}

char *
fd_test_visitor_socket_url (FdTestServer *server,
                            const char   *token)
{
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

  return g_strconcat (fd_test_server_get_ws_url (server), VISITOR_SOCKET_PATH "?token=", escaped, NULL);
}

FdVisitorWelcome *
fd_test_visitor_connect (FdTestVisitor *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = fd_test_visitor_socket_url (self->server, self->token);
  g_autoptr(FdFrame) hello = fd_frame_new (FD_FRAME_VISITOR_HELLO, NULL);
  g_autoptr(FdFrame) welcome = NULL;
  guint status = 0;

  g_assert_null (self->socket);
  self->socket = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
  if (self->socket == NULL)
    g_error ("The visitor websocket was refused (HTTP %u): %s", status, error->message);
  fd_test_socket_send (self->socket, hello);
  welcome = fd_test_socket_wait (self->socket, FD_FRAME_VISITOR_WELCOME, FD_TEST_TIMEOUT_MS,
                                 "the visitor's welcome");
  g_clear_pointer (&self->welcome, fd_visitor_welcome_free);
  self->welcome = g_steal_pointer (&welcome->body);
  g_assert_cmpint (self->welcome->conversation_id, ==, self->conversation_id);
  return self->welcome;
}

void
fd_test_visitor_send (FdTestVisitor *self,
                      const char    *client_id,
                      const char    *text)
{
  FdVisitorSend *send = fd_visitor_send_new ();
  g_autoptr(FdFrame) frame = NULL;

  send->client_id = g_strdup (client_id);
  send->text = g_strdup (text);
  frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, send);
  fd_test_socket_send (self->socket, frame);
}

void
fd_test_visitor_close (FdTestVisitor *self,
                       gint           rating,
                       const char    *comment)
{
  FdRating *body = fd_rating_new ();
  g_autoptr(FdFrame) frame = NULL;

  body->rating = rating;
  body->comment = g_strdup (comment);
  frame = fd_frame_new (FD_FRAME_VISITOR_CLOSE, body);
  fd_test_socket_send (self->socket, frame);
}

FdFrame *
fd_test_visitor_wait (FdTestVisitor *self,
                      FdFrameType    type)
{
  g_autofree char *what = g_strdup_printf ("a “%s” frame for the visitor",
                                           fd_frame_type_to_string (type));

  g_assert_nonnull (self->socket);
  return fd_test_socket_wait (self->socket, type, FD_TEST_TIMEOUT_MS, what);
}

void
fd_test_visitor_disconnect (FdTestVisitor *self)
{
  g_clear_pointer (&self->socket, fd_test_socket_free);
}

void
fd_test_visitor_free (FdTestVisitor *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->socket, fd_test_socket_free);
  g_free (self->token);
  g_free (self->socket_url);
  g_clear_pointer (&self->welcome, fd_visitor_welcome_free);
  g_free (self);
}

FdConversationRef *
fd_test_conversation_ref (gint64 conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();

  ref->conversation_id = conversation_id;
  return ref;
}

FdQueueRef *
fd_test_queue_ref (gint64 queue_id)
{
  FdQueueRef *ref = fd_queue_ref_new ();

  ref->queue_id = queue_id;
  return ref;
}

FdSendMessage *
fd_test_send_message (gint64      conversation_id,
                      const char *client_id,
                      const char *text)
{
  FdSendMessage *send = fd_send_message_new ();

  send->conversation_id = conversation_id;
  send->client_id = g_strdup (client_id);
  send->text = g_strdup (text);
  return send;
}
