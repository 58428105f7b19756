#include "fd-admin-test.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

static JsonArray *
member_array (JsonNode   *node,
              const char *member)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_get_array_member (json_node_get_object (node), member);
}

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (obj, member, NULL), value) == 0)
        return obj;
    }
  g_error ("no element with %s = %s", member, value);
  return NULL;
}

static JsonNode *
export_site (FdTestServer *server,
             const char   *token,
             gint64        org)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/site", org);

  return fd_admin_test_expect (server, token, "GET", path, NULL, 200);
}

static gint64
only_org (FdTestServer *server,
          const char   *token)
{
  g_autoptr(JsonNode) orgs = fd_admin_test_expect (server, token, "GET", "/organizations", NULL, 200);

  g_assert_cmpuint (json_array_get_length (json_node_get_array (orgs)), ==, 1);
  return json_object_get_int_member (json_array_get_object_element (json_node_get_array (orgs), 0), "id");
}

static void
test_demo_loads_once (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(JsonNode) site = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) phases = NULL;
  g_autofree char *token = NULL;
  g_autofree char *phases_path = NULL;
  JsonObject *chat, *sales;
  gint64 org;

  fd_test_server_start_demo (server);
  token = fd_admin_test_read_token (server);
  org = only_org (server, token);

  site = export_site (server, token, org);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (site), "organization"), "name"),
                   ==, "Kakapo Systems");
  g_assert_cmpuint (json_array_get_length (member_array (site, "agents")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (find_by (member_array (site, "agents"), "email", "natalie@kakapo.example"), "role"),
                   ==, "supervisor");
  g_assert_false (json_object_has_member (find_by (member_array (site, "agents"), "email", "ed@kakapo.example"), "password"));
  g_assert_cmpuint (json_array_get_length (member_array (site, "queues")), ==, 2);
  sales = find_by (member_array (site, "queues"), "name", "Sales");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sales, "members")), ==, 3);
  g_assert_cmpuint (json_array_get_length (member_array (site, "streams")), ==, 4);

  chat = find_by (member_array (site, "streams"), "name", "Website Chat");
  g_assert_cmpstr (json_object_get_string_member (chat, "kind"), ==, "webchat");
  g_assert_cmpstr (json_object_get_string_member (chat, "queue"), ==, "Sales");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (chat, "departments")), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (chat, "phases")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (chat, "phases"), 1),
                                                  "strategy"), ==, "circular");
  find_by (member_array (site, "streams"), "kind", "callback");
  find_by (member_array (site, "streams"), "kind", "email");
  find_by (member_array (site, "streams"), "kind", "twitter");
  g_assert_cmpuint (json_array_get_length (member_array (site, "canned_replies")), >=, 4);
  g_assert_cmpuint (json_array_get_length (member_array (site, "resources")), >=, 4);
  find_by (member_array (site, "resources"), "level", "agent");

  /* The phases are there through the API too, with agent ids. */
  {
    g_autoptr(JsonNode) streams = NULL;
    g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", org);
    JsonObject *stream;

    streams = fd_admin_test_expect (server, token, "GET", path, NULL, 200);
    stream = find_by (json_node_get_array (streams), "name", "Website Chat");
    phases_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/phases", path, json_object_get_int_member (stream, "id"));
    phases = fd_admin_test_expect (server, token, "GET", phases_path, NULL, 200);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (phases)), ==, 3);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_array_get_object_element (json_node_get_array (phases), 0),
                                                                           "agent_ids")), ==, 2);
  }

  /* A second start with --demo on the same database adds nothing. */
  fd_test_server_stop (server);
  fd_test_server_start (server);
  g_assert_cmpint (only_org (server, token), ==, org);
  again = export_site (server, token, org);
  g_assert_cmpuint (json_array_get_length (member_array (again, "agents")), ==, 3);
  g_assert_cmpuint (json_array_get_length (member_array (again, "streams")), ==, 4);
  fd_test_server_stop (server);
}

/* frontdeskd --demo prints the sign-in details after the "listening" line,
 * and the admin token's file, never the token itself. */
static void
test_demo_prints_sign_ins (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "demo.db", NULL);
  g_autofree char *token_path = g_strconcat (db, ".admin-token", NULL);
  g_autofree char *token = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *line;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("FRONTDESKD"),
                           "--listen", "127.0.0.1:0", "--db", db, "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "frontdeskd: listening on http://127.0.0.1:"));
  g_free (line);

  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      gboolean last = strstr (line, "admin token file") != NULL;

      g_string_append_printf (text, "%s\n", line);
      g_free (line);
      if (last)
        break;
    }
  g_assert_no_error (error);

  g_assert_nonnull (strstr (text->str, "natalie@kakapo.example"));
  g_assert_nonnull (strstr (text->str, "natalie-demo"));
  g_assert_nonnull (strstr (text->str, "jenna@kakapo.example"));
  g_assert_nonnull (strstr (text->str, "ed@kakapo.example"));
  g_assert_nonnull (strstr (text->str, token_path));

  g_file_get_contents (token_path, &token, NULL, &error);
  g_assert_no_error (error);
  g_strstrip (token);
  g_assert_null (strstr (text->str, token));

  {
    GStatBuf st;

    g_assert_cmpint (g_stat (token_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  fd_test_rm_rf (dir);
}

/* Stream keys are generated by each server, so they are left out when two
 * servers' exports are compared. */
static void
drop_stream_keys (JsonNode *site)
{
  JsonArray *streams = member_array (site, "streams");

  for (guint i = 0; i < json_array_get_length (streams); i++)
    json_object_remove_member (json_array_get_object_element (streams, i), "key");
}

static void
test_export_import_roundtrip (void)
{
  g_autoptr(FdTestServer) demo = fd_test_server_new ();
  g_autoptr(FdTestServer) fresh = fd_test_server_new ();
  g_autoptr(JsonNode) exported = NULL;
  g_autoptr(JsonNode) imported_org = NULL;
  g_autoptr(JsonNode) reexported = NULL;
  g_autoptr(JsonNode) err = NULL;
  g_autofree char *demo_token = NULL;
  g_autofree char *fresh_token = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  gint64 org;

  fd_test_server_start_demo (demo);
  fd_test_server_start (fresh);
  demo_token = fd_admin_test_read_token (demo);
  fresh_token = fd_admin_test_read_token (fresh);

  exported = export_site (demo, demo_token, only_org (demo, demo_token));
  text = fd_admin_test_to_string (exported);
  imported_org = fd_admin_test_expect (fresh, fresh_token, "POST", "/sites", text, 201);
  org = fd_admin_test_get_int (imported_org, "id");
  g_assert_cmpstr (fd_admin_test_get_string (imported_org, "name"), ==, "Kakapo Systems");

  reexported = export_site (fresh, fresh_token, org);
  drop_stream_keys (exported);
  drop_stream_keys (reexported);
  if (!json_node_equal (exported, reexported))
    {
      g_autofree char *a = fd_admin_test_to_string (exported);
      g_autofree char *b = fd_admin_test_to_string (reexported);

      g_error ("the import differs from the export:\n%s\n%s", a, b);
    }

  /* Importing into an organization that has content is refused, and the
   * same emails in a new organization conflict, changing nothing. */
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/site", org);
  err = fd_admin_test_expect (fresh, fresh_token, "PUT", path, text, 409);
  fd_admin_test_assert_error (err, "conflict");
  g_clear_pointer (&err, json_node_unref);
  err = fd_admin_test_expect (fresh, fresh_token, "POST", "/sites", text, 409);
  fd_admin_test_assert_error (err, "conflict");
  g_assert_cmpint (only_org (fresh, fresh_token), ==, org);

  fd_test_server_stop (demo);
  fd_test_server_stop (fresh);
}

static void
test_import_into_empty_organization (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(JsonNode) org = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) agents = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  gint64 id;
  const char *site =
    "{\"format\":\"frontdesk-site\",\"version\":1,"
    "\"organization\":{\"name\":\"Renamed\",\"reserve_acd\":\"unavailable\"},"
    "\"agents\":[{\"email\":\"a@e.example\",\"name\":\"A\",\"role\":\"agent\"}],"
    "\"queues\":[{\"name\":\"Q\",\"members\":[\"A@E.example\"]}],"
    "\"streams\":[{\"kind\":\"callback\",\"name\":\"CB\",\"queue\":\"Q\","
    "\"phases\":[{\"strategy\":\"longest-idle\",\"agents\":[\"a@e.example\"]}]}],"
    "\"canned_replies\":[{\"level\":\"stream\",\"owner\":\"CB\",\"name\":\"n\",\"text\":\"t\"}],"
    "\"resources\":[{\"level\":\"agent\",\"owner\":\"a@e.example\",\"name\":\"r\",\"url\":\"https://r.example\"}]}";

  fd_test_server_start (server);
  token = fd_admin_test_read_token (server);
  org = fd_admin_test_expect (server, token, "POST", "/organizations", "{\"name\":\"Empty\"}", 201);
  id = fd_admin_test_get_int (org, "id");
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/site", id);

  answer = fd_admin_test_expect (server, token, "PUT", path, site, 200);
  g_assert_cmpint (fd_admin_test_get_int (answer, "id"), ==, id);
  g_assert_cmpstr (fd_admin_test_get_string (answer, "name"), ==, "Renamed");
  g_assert_cmpstr (fd_admin_test_get_string (answer, "reserve_acd"), ==, "unavailable");

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/agents", id);
  agents = fd_admin_test_expect (server, token, "GET", path, NULL, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (agents)), ==, 1);
  fd_test_server_stop (server);
}

static void
test_import_refuses_bad_sites (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autofree char *token = NULL;
  const char *bad[] = {
    "[]",
    "{\"format\":\"something-else\",\"organization\":{\"name\":\"X\"}}",
    "{\"version\":99,\"organization\":{\"name\":\"X\"}}",
    "{\"agents\":[]}",
    "{\"organization\":{\"name\":\"X\"},\"agents\":{}}",
    "{\"organization\":{\"name\":\"X\"},\"queues\":[{\"name\":\"Q\",\"members\":[\"nobody@x.example\"]}]}",
    "{\"organization\":{\"name\":\"X\"},\"streams\":[{\"kind\":\"webchat\",\"name\":\"S\",\"queue\":\"missing\"}]}",
    "{\"organization\":{\"name\":\"X\"},\"queues\":[{\"name\":\"Q\"},{\"name\":\"Q\"}]}",
    "{\"organization\":{\"name\":\"X\"},\"canned_replies\":[{\"level\":\"queue\",\"owner\":\"nope\",\"name\":\"n\",\"text\":\"t\"}]}",
    "{\"organization\":{\"name\":\"X\"},\"agents\":[{\"email\":\"a@x.example\",\"name\":\"A\",\"role\":\"king\"}]}",
  };

  fd_test_server_start (server);
  token = fd_admin_test_read_token (server);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint status = 0;
      g_autoptr(JsonNode) err = fd_admin_test_request (server, token, "POST", "/sites", bad[i], &status);

      if (status != 400)
        g_error ("site %u: expected 400, got %u", i, status);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (err));
    }

  /* Nothing half-imported stays behind. */
  {
    g_autoptr(JsonNode) orgs = fd_admin_test_expect (server, token, "GET", "/organizations", NULL, 200);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (orgs)), ==, 0);
  }
  fd_test_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/site/demo/loads-once", test_demo_loads_once);
  g_test_add_func ("/site/demo/prints-sign-ins", test_demo_prints_sign_ins);
  g_test_add_func ("/site/export-import-roundtrip", test_export_import_roundtrip);
  g_test_add_func ("/site/import-into-empty-organization", test_import_into_empty_organization);
  g_test_add_func ("/site/import-refuses-bad-sites", test_import_refuses_bad_sites);
  return g_test_run ();
}
