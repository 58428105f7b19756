#define G_LOG_DOMAIN "fd-test-client"

/* The test client's waits on the main context and its plain HTTP: a
 * request and its JSON answer, an error body's code, a wire body decoded,
 * a POST that must come back with a status. The admin API, the websockets,
 * the agent and the visitor are in fd-test-client-admin.c,
 * fd-test-client-socket.c, fd-test-client-agent.c and
 * fd-test-client-visitor.c. */

#include "fd-test-client-private.h"

#include <string.h>

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
char *
test_client_describe (JsonNode *answer)
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

/* POSTs @request (consumed) to @url_path and returns the answer, failing
 * the test (naming @what) unless it comes with @expected_status. */
JsonNode *
test_client_post_expect (FdTestServer *server,
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
      g_autofree char *text = test_client_describe (answer);

      g_error ("%s answered %u, expected %u: %s", what, status, expected_status, text);
    }
  g_assert_nonnull (answer);
  return answer;
}
