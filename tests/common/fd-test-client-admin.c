#define G_LOG_DOMAIN "fd-test-client"

/* The test client's admin API: the admin token, a request asserting its
 * status, a site imported, ids found, an agent created, a stream's health
 * and a database count awaited. */

#include "fd-test-client-private.h"

#define ADMIN_PREFIX          "/api/admin/v1"

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
      g_autofree char *text = test_client_describe (answer);

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
