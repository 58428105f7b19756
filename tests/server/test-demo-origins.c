/* The demo's allowed origins follow the listening address (docs/admin.md,
 * "--demo"; issue 18): a real frontdeskd --demo on a port other than 8080
 * accepts a visitor whose Origin is its own address, a restart on another
 * port moves the allowed origin, and a business's streams are left alone. */
#include "fd-demo.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#define CALLBACK_KEY "kakapo-website-callback"

/* --- the rule itself ------------------------------------------------------- */

static void
assert_strv (GStrv        got,
             const char  *first,
             ...)
{
  va_list args;
  const char *want = first;
  guint i = 0;

  va_start (args, first);
  for (; want != NULL; want = va_arg (args, const char *), i++)
    {
      g_assert_nonnull (got[i]);
      g_assert_cmpstr (got[i], ==, want);
    }
  va_end (args);
  g_assert_null (got[i]);
}

static void
test_listen_origins (void)
{
  g_auto(GStrv) loopback = fd_demo_listen_origins ("127.0.0.1", 9090);
  g_auto(GStrv) loopback6 = fd_demo_listen_origins ("::1", 9090);
  g_auto(GStrv) any = fd_demo_listen_origins ("0.0.0.0", 9090);
  g_auto(GStrv) any6 = fd_demo_listen_origins ("::", 9090);
  g_auto(GStrv) lan = fd_demo_listen_origins ("192.0.2.7", 9090);

  assert_strv (loopback, "http://127.0.0.1:9090", "http://localhost:9090", NULL);
  assert_strv (loopback6, "http://[::1]:9090", "http://localhost:9090", NULL);
  assert_strv (any, "http://127.0.0.1:9090", "http://localhost:9090", NULL);
  assert_strv (any6, "http://127.0.0.1:9090", "http://[::1]:9090", "http://localhost:9090", NULL);
  assert_strv (lan, "http://192.0.2.7:9090", NULL);
}

static void
test_follow_origins (void)
{
  const char *site[] = { "http://127.0.0.1:8080", "http://localhost:8080", "https://kakapo.example", NULL };
  const char *current[] = { "http://127.0.0.1:9090", "http://LOCALHOST:9090", "https://kakapo.example",
                            "http://shop.example", "http://[::1]:3000", "http://192.0.2.7:1234", NULL };
  const char *empty[] = { NULL };
  g_auto(GStrv) moved = fd_demo_follow_origins (current, site, "127.0.0.1", 9191);
  g_auto(GStrv) lan = fd_demo_follow_origins (current, site, "192.0.2.7", 9191);
  g_auto(GStrv) none = fd_demo_follow_origins (empty, site, "127.0.0.1", 9191);

  /* Loopback origins of any port go; other sites' stay; the file's
   * loopback origins come back; the listening address comes last. */
  assert_strv (moved, "https://kakapo.example", "http://shop.example", "http://192.0.2.7:1234",
               "http://127.0.0.1:8080", "http://localhost:8080",
               "http://127.0.0.1:9191", "http://localhost:9191", NULL);
  /* The listening host's old port goes too. */
  assert_strv (lan, "https://kakapo.example", "http://shop.example",
               "http://127.0.0.1:8080", "http://localhost:8080", "http://192.0.2.7:9191", NULL);
  /* An empty list allows any origin and stays empty. */
  g_assert_null (none);
}

/* --- a real demo server ------------------------------------------------------ */

typedef struct {
  GSubprocess *proc;
  char        *url;
  guint16      port;
} Demo;

static void
demo_start (Demo       *demo,
            const char *db)
{
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  char *line;

  demo->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("FRONTDESKD"),
                                 "--listen", "127.0.0.1:0", "--db", db, "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (demo->proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "frontdeskd: listening on "));
  demo->url = g_strdup (line + strlen ("frontdeskd: listening on "));
  g_free (line);
  uri = g_uri_parse (demo->url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  demo->port = (guint16) g_uri_get_port (uri);
  g_assert_cmpuint (demo->port, >, 0);
}

static void
demo_stop (Demo *demo)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (demo->proc, SIGTERM);
  g_subprocess_wait (demo->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (demo->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (demo->proc), ==, 0);
  g_clear_object (&demo->proc);
  g_clear_pointer (&demo->url, g_free);
}

/* The HTTP status of a request to @demo with @origin as its Origin header. */
static guint
request (Demo       *demo,
         const char *method,
         const char *path,
         const char *origin,
         const char *token,
         const char *body,
         GBytes    **out_body)
{
  g_autofree char *url = g_strconcat (demo->url, path, NULL);
  g_autoptr(SoupMessage) msg = fd_test_http_message_new (method, url, token, origin, body);
  g_autoptr(GBytes) answer = fd_test_http_send (msg);

  if (out_body != NULL)
    *out_body = g_steal_pointer (&answer);
  return soup_message_get_status (msg);
}

/* Starts a chat on the demo's web chat stream from a page of @origin; the
 * status, and the visitor token on 201. */
static guint
start_chat (Demo        *demo,
            const char  *origin,
            char       **out_token)
{
  g_autoptr(GBytes) body = NULL;
  guint status = request (demo, "POST", "/api/visitor/v1/sessions", origin, NULL,
                          "{\"stream_key\":\"" FD_TEST_CHAT_KEY "\",\"name\":\"Rose Lavelle\"}", &body);

  if (out_token != NULL && status == SOUP_STATUS_CREATED)
    {
      g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (body, NULL), NULL);

      g_assert_nonnull (node);
      *out_token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
    }
  return status;
}

/* The HTTP status of the visitor websocket's handshake from @origin. */
static guint
open_visitor_socket (Demo       *demo,
                     const char *origin,
                     const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *url = g_strconcat ("ws", demo->url + strlen ("http"), "/api/visitor/v1/socket?token=", escaped, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupWebsocketConnection) conn = NULL;

  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL, fd_test_on_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  conn = soup_session_websocket_connect_finish (session, result, NULL);
  if (conn != NULL)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  return soup_message_get_status (msg);
}

static char *
own_origin (const char *host,
            guint16     port)
{
  return g_strdup_printf ("http://%s:%u", host, port);
}

/* The allowed origins of the stream named @name of organization @org. */
static GStrv
stream_origins (Demo       *demo,
                const char *token,
                gint64      org,
                const char *name)
{
  g_autofree char *path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT "/streams", org);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *streams;

  g_assert_cmpuint (request (demo, "GET", path, NULL, token, NULL, &body), ==, SOUP_STATUS_OK);
  node = json_from_string (g_bytes_get_data (body, NULL), NULL);
  streams = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      JsonObject *stream = json_array_get_object_element (streams, i);
      JsonArray *origins;

      if (g_strcmp0 (json_object_get_string_member (stream, "name"), name) != 0)
        continue;
      origins = json_object_get_array_member (stream, "allowed_origins");
      for (guint j = 0; j < json_array_get_length (origins); j++)
        g_strv_builder_add (builder, json_array_get_string_element (origins, j));
      return g_strv_builder_end (builder);
    }
  g_error ("no stream named %s", name);
  return NULL;
}

static void
test_demo_follows_port (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *token_path = g_strconcat (db, ".admin-token", NULL);
  g_autofree char *admin = NULL;
  g_autofree char *first = NULL;
  g_autofree char *first_localhost = NULL;
  g_autofree char *second = NULL;
  g_autofree char *second_localhost = NULL;
  g_autofree char *visitor = NULL;
  g_autofree char *visitor2 = NULL;
  g_autofree char *org_path = NULL;
  g_autofree char *stream_path = NULL;
  g_autoptr(GBytes) created = NULL;
  g_auto(GStrv) shop_before = NULL;
  g_auto(GStrv) shop_after = NULL;
  g_autoptr(JsonNode) org_node = NULL;
  g_autoptr(GError) error = NULL;
  Demo demo = { NULL };
  guint16 first_port;
  gint64 shop;

  demo_start (&demo, db);
  g_assert_cmpuint (demo.port, !=, 8080);
  first_port = demo.port;
  first = own_origin ("127.0.0.1", demo.port);
  first_localhost = own_origin ("localhost", demo.port);

  /* The widget on the demo's own /demo page: Origin is the server's address. */
  g_assert_cmpuint (start_chat (&demo, first, &visitor), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (open_visitor_socket (&demo, first, visitor), ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_cmpuint (start_chat (&demo, first_localhost, NULL), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (request (&demo, "GET", "/api/visitor/v1/streams/" CALLBACK_KEY, first, NULL, NULL, NULL),
                    ==, SOUP_STATUS_OK);
  /* Another site still may not. */
  g_assert_cmpuint (start_chat (&demo, "http://shop.example", NULL), ==, SOUP_STATUS_FORBIDDEN);

  /* A business on the same server, whose loopback origin is its own. */
  g_file_get_contents (token_path, &admin, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (admin);
  g_assert_cmpuint (request (&demo, "POST", "/api/admin/v1/organizations", NULL, admin,
                             "{\"name\":\"Shop\",\"reserve_acd\":\"keep\"}", &created), ==, SOUP_STATUS_CREATED);
  org_node = json_from_string (g_bytes_get_data (created, NULL), NULL);
  shop = json_object_get_int_member (json_node_get_object (org_node), "id");
  g_clear_pointer (&created, g_bytes_unref);
  org_path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT "/queues", shop);
  g_assert_cmpuint (request (&demo, "POST", org_path, NULL, admin, "{\"name\":\"Front\"}", &created), ==, SOUP_STATUS_CREATED);
  {
    g_autoptr(JsonNode) queue = json_from_string (g_bytes_get_data (created, NULL), NULL);
    g_autofree char *body = g_strdup_printf ("{\"kind\":\"webchat\",\"name\":\"Shop Chat\",\"queue_id\":%" G_GINT64_FORMAT ","
                                             "\"departments\":[],\"allowed_origins\":[\"%s\"],\"settings_json\":\"{}\"}",
                                             json_object_get_int_member (json_node_get_object (queue), "id"), first);

    stream_path = g_strdup_printf ("/api/admin/v1/organizations/%" G_GINT64_FORMAT "/streams", shop);
    g_assert_cmpuint (request (&demo, "POST", stream_path, NULL, admin, body, NULL), ==, SOUP_STATUS_CREATED);
  }
  shop_before = stream_origins (&demo, admin, shop, "Shop Chat");
  demo_stop (&demo);

  /* Restart on the same database, on another port. */
  do
    {
      demo_start (&demo, db);
      if (demo.port != first_port)
        break;
      demo_stop (&demo);
    }
  while (TRUE);
  g_assert_cmpuint (demo.port, !=, 8080);
  second = own_origin ("127.0.0.1", demo.port);
  second_localhost = own_origin ("localhost", demo.port);

  g_assert_cmpuint (start_chat (&demo, second, &visitor2), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (open_visitor_socket (&demo, second, visitor2), ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_cmpuint (start_chat (&demo, second_localhost, NULL), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (request (&demo, "GET", "/api/visitor/v1/streams/" CALLBACK_KEY, second, NULL, NULL, NULL),
                    ==, SOUP_STATUS_OK);
  /* The old address is no longer the demo's. */
  g_assert_cmpuint (start_chat (&demo, first, NULL), ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpuint (open_visitor_socket (&demo, first, visitor2), ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpuint (request (&demo, "GET", "/api/visitor/v1/streams/" CALLBACK_KEY, first, NULL, NULL, NULL),
                    ==, SOUP_STATUS_FORBIDDEN);

  /* The business's stream kept exactly what its admin set. */
  shop_after = stream_origins (&demo, admin, shop, "Shop Chat");
  g_assert_cmpstrv (shop_after, shop_before);
  g_assert_cmpstr (shop_after[0], ==, first);

  demo_stop (&demo);
  fd_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo-origins/listen-origins", test_listen_origins);
  g_test_add_func ("/demo-origins/follow-origins", test_follow_origins);
  g_test_add_func ("/demo-origins/follows-the-port", test_demo_follows_port);

  return g_test_run ();
}
