/* Tests of the live center (src/server/fd-center*.c and the agent and visitor
 * APIs) against a real frontdeskd: sign-in, the websocket handshake, the
 * conversation lifecycle, idempotent sends, resume and missed chats.
 *
 * This file has the fixture (a site of three agents, two queues, a chat
 * and a callback stream), sign-in, the handshake, the user agent parsed,
 * the stats event and main(); the conversations are in
 * test-live-center-conversations.c, the rerouting after a restart or an
 * administrator's change in test-live-center-rerouting.c. */

#include "test-live-center.h"
#include "fd-visitor-api.h"

#include <string.h>

static const char site[] =
  "{\"format\":\"frontdesk-site\",\"version\":1,"
  "\"organization\":{\"name\":\"Live Test\",\"reserve_acd\":\"keep\"},"
  "\"agents\":["
  "{\"email\":\"ann@live.example\",\"name\":\"Ann\",\"role\":\"agent\",\"password\":\"ann-password\"},"
  "{\"email\":\"bob@live.example\",\"name\":\"Bob\",\"role\":\"agent\",\"password\":\"bob-password\"},"
  "{\"email\":\"cid@live.example\",\"name\":\"Cid\",\"role\":\"agent\",\"password\":\"cid-password\"}],"
  "\"queues\":[{\"name\":\"Chat\",\"members\":[\"ann@live.example\",\"bob@live.example\"]},"
  "{\"name\":\"Other\",\"members\":[\"cid@live.example\"]}],"
  "\"streams\":[{\"kind\":\"webchat\",\"name\":\"Chat\",\"queue\":\"Chat\",\"key\":\"live-chat\","
  "\"departments\":[],\"allowed_origins\":[],"
  "\"phases\":[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,\"duration_seconds\":0}]},"
  "{\"kind\":\"callback\",\"name\":\"Callback\",\"queue\":\"Chat\",\"key\":\"live-callback\","
  "\"departments\":[],\"allowed_origins\":[],\"phases\":[]}]}";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonNode) streams = NULL;
  g_autofree char *path = NULL;
  JsonArray *array;

  f->server = fd_test_server_new_started ();
  f->org_id = fd_test_admin_import_site (f->server, site);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Chat");

  /* The stream key the server gave the chat stream. */
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  streams = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (streams));
  array = json_node_get_array (streams);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *stream = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (stream, "kind", ""), "webchat") == 0)
        f->chat_key = g_strdup (json_object_get_string_member (stream, "key"));
    }
  g_assert_nonnull (f->chat_key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->chat_key);
  fd_test_server_free (f->server);
}

/* The code of a flat error body {"code", "message", "retry_after"}. */
const char *
error_code (JsonNode *answer)
{
  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));
  return json_object_get_string_member_with_default (json_node_get_object (answer), "code", "");
}

char *
agent_socket_url (Fixture *f)
{
  return g_strconcat (fd_test_server_get_ws_url (f->server), "/api/agent/v1/socket", NULL);
}

FdTestAgent *
connect_and_join (Fixture    *f,
                  const char *email,
                  const char *password)
{
  g_autoptr(FdFrame) snapshot = NULL;
  FdTestAgent *agent = fd_test_agent_sign_in_and_join (f->server, email, password, f->queue_id, &snapshot);

  g_assert_cmpint (snapshot->seq, >, 0);
  return agent;
}

static void
test_sign_in (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(JsonNode) malformed = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(FdTestAgent) ann = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestSocket) refused = NULL;
  g_autofree char *url = agent_socket_url (f);
  guint status = 0;

  bad = fd_test_http_request (f->server, NULL, "POST", "/api/agent/v1/sessions",
                              "{\"email\":\"ann@live.example\",\"password\":\"wrong-password\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (error_code (bad), ==, "unauthorized");

  malformed = fd_test_http_request (f->server, NULL, "POST", "/api/agent/v1/sessions", "{\"email\":", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpstr (error_code (malformed), ==, "malformed");

  ann = fd_test_agent_sign_in (f->server, "ann@live.example", "ann-password");
  g_assert_nonnull (ann->token);
  g_assert_cmpstr (ann->agent->name, ==, "Ann");
  g_assert_cmpint (ann->agent->organization_id, ==, f->org_id);
  g_assert_cmpstr (ann->organization->name, ==, "Live Test");

  /* Signing out revokes the token: its open socket closes with 4401 and a
   * new one is refused at the handshake. */
  fd_test_agent_connect (ann);
  out = fd_test_http_request (f->server, ann->token, "DELETE", "/api/agent/v1/sessions/current", NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  fd_test_socket_wait_closed (ann->socket, FD_TEST_TIMEOUT_MS);
  g_assert_cmpuint (fd_test_socket_get_close_code (ann->socket), ==, 4401);
  refused = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, ann->token, &status, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_cmpuint (status, ==, 401);
  again = fd_test_http_request (f->server, ann->token, "DELETE", "/api/agent/v1/sessions/current", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
}

static void
test_socket_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *url = agent_socket_url (f);
  g_autofree char *visitor_url = fd_test_visitor_socket_url (f->server, "fdv_not-a-real-token");
  const char *tokens[] = { NULL, "fda_not-a-real-token", "" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdTestSocket) socket = NULL;
      guint status = 0;

      socket = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, tokens[i], &status, &error);
      g_assert_null (socket);
      g_assert_nonnull (error);
      g_assert_cmpuint (status, ==, 401);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FdTestSocket) socket = NULL;
    guint status = 0;

    socket = fd_test_socket_open (visitor_url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
    g_assert_null (socket);
    g_assert_cmpuint (status, ==, 401);
  }
}

static void
test_user_agent (void)
{
  const struct { const char *ua; const char *browser; const char *os; } cases[] = {
    { "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", "Firefox", "Linux" },
    { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0", "Edge", "Windows" },
    { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.1 Safari/605.1.15", "Safari", "macOS" },
    { "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36",
      "Chrome", "Android" },
    { "curl/8.0", NULL, NULL },
    { NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *browser = NULL;
      g_autofree char *os = NULL;

      fd_visitor_parse_user_agent (cases[i].ua, &browser, &os);
      g_assert_cmpstr (browser, ==, cases[i].browser);
      g_assert_cmpstr (os, ==, cases[i].os);
    }
}

/* A change to a conversation is followed, within the throttle of 5 s, by a
 * "stats" event for the members of its queue. */
static void
test_stats_event (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) stats = NULL;
  FdStatsReport *report;
  gboolean found = FALSE;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  stats = fd_test_socket_wait (ann->socket, FD_FRAME_STATS_EVENT, 10000, "a stats event");
  g_assert_cmpint (stats->seq, >, offer->seq);
  report = stats->body;
  for (guint i = 0; i < report->rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (report->rows, i);

      g_assert_cmpint (row->queue_id, ==, f->queue_id);
      if (row->stream_id == 0)
        {
          g_assert_cmpint (row->waiting, ==, 1);
          found = TRUE;
        }
    }
  g_assert_true (found);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/live/user-agent", test_user_agent);
  g_test_add ("/live/sign-in", Fixture, NULL, fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/live/socket-refused", Fixture, NULL, fixture_set_up, test_socket_refused, fixture_tear_down);
  g_test_add ("/live/lifecycle", Fixture, NULL, fixture_set_up, test_lifecycle, fixture_tear_down);
  g_test_add ("/live/resume", Fixture, NULL, fixture_set_up, test_resume, fixture_tear_down);
  g_test_add ("/live/missed-and-bad-input", Fixture, NULL, fixture_set_up, test_missed_and_bad_input,
              fixture_tear_down);

  g_test_add ("/live/transfer-and-callback", Fixture, NULL, fixture_set_up, test_transfer_and_callback,
              fixture_tear_down);
  g_test_add ("/live/admin-change-reroutes", Fixture, NULL, fixture_set_up, test_admin_change_reroutes,
              fixture_tear_down);
  g_test_add ("/live/admin-change-routes-at-once", Fixture, NULL, fixture_set_up,
              test_admin_change_routes_at_once, fixture_tear_down);
  g_test_add ("/live/stats-event", Fixture, NULL, fixture_set_up, test_stats_event, fixture_tear_down);
  g_test_add ("/live/restart-reoffers", Fixture, NULL, fixture_set_up, test_restart_reoffers, fixture_tear_down);
  g_test_add ("/live/restart-withdraws-old-offer", Fixture, NULL, fixture_set_up,
              test_restart_withdraws_old_offer, fixture_tear_down);

  return g_test_run ();
}
