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

/* The stream secrets stored for the server's database, "name,name…". */
static char *
stored_secrets (FdTestServer *server)
{
  return fd_test_server_db_list (server, "SELECT s.name || ':' || x.name FROM stream_secrets x "
                                 "JOIN streams s ON s.id = x.stream_id ORDER BY 1");
}

typedef struct {
  FdTestServer *server;
  const char   *token;
  char         *path;
  const char   *words;
} ReasonWait;

static gboolean
reason_has (gpointer data)
{
  ReasonWait *wait = data;
  g_autoptr(JsonNode) stream = fd_admin_test_expect (wait->server, wait->token, "GET", wait->path, NULL, 200);
  const char *reason = json_object_get_string_member_with_default (json_node_get_object (stream), "health_reason", "");

  return strstr (reason, wait->words) != NULL;
}

static void
wait_reason (FdTestServer *server,
             const char   *token,
             gint64        org,
             gint64        stream,
             const char   *words)
{
  ReasonWait wait = { server, token, NULL, words };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  wait.path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, org, stream);
  while (!reason_has (&wait))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("stream %" G_GINT64_FORMAT ": no health reason with “%s”", stream, words);
      g_usleep (50 * 1000);
    }
  g_free (wait.path);
}

/* An email stream's write-only secrets in a site document: sealed into the
 * store as the admin API seals them (the workers can open them), never
 * exported; the OAuth settings travel in settings_json. A secret on a
 * stream of another kind, or a malformed one, refuses the whole import. */
static void
test_import_stream_secrets (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(JsonNode) org = NULL;
  g_autoptr(JsonNode) exported = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *site = NULL;
  g_autofree char *secrets = NULL;
  g_autofree char *text = NULL;
  g_autofree char *db = NULL;
  guint16 closed = fd_test_free_port ();
  JsonObject *office;
  gint64 id, expires = g_get_real_time () / G_USEC_PER_SEC + 3600;
  const char *bad[] = {
    "\"kind\":\"webchat\",\"name\":\"W\",\"queue\":\"Q\",\"password\":\"pw-1\"",
    "\"kind\":\"email\",\"name\":\"E\",\"queue\":\"Q\",\"password\":\"\"",
    "\"kind\":\"email\",\"name\":\"E\",\"queue\":\"Q\",\"oauth_client_secret\":7",
    "\"kind\":\"email\",\"name\":\"E\",\"queue\":\"Q\",\"oauth_tokens\":\"not an object\"",
    "\"kind\":\"email\",\"name\":\"E\",\"queue\":\"Q\",\"oauth_tokens\":{\"access_token\":\"no refresh token\"}",
  };

  site = g_strdup_printf (
    "{\"format\":\"frontdesk-site\",\"version\":1,\"organization\":{\"name\":\"Mail Site\"},"
    "\"queues\":[{\"name\":\"Q\"}],"
    "\"streams\":[{\"kind\":\"email\",\"name\":\"Other\",\"queue\":\"Q\",\"password\":\"Site-mailbox-pw-1\","
    "\"settings_json\":\"{\\\"address\\\":\\\"a@site.example\\\",\\\"imap_host\\\":\\\"127.0.0.1\\\","
    "\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\",\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_tls\\\":\\\"none\\\"}\"},"
    "{\"kind\":\"email\",\"name\":\"Office\",\"queue\":\"Q\",\"oauth_client_secret\":\"Site-client-secret-2\","
    "\"oauth_tokens\":{\"refresh_token\":\"Site-refresh-3\",\"access_token\":\"Site-access-4\",\"expires_at\":%"
    G_GINT64_FORMAT "},"
    "\"settings_json\":\"{\\\"address\\\":\\\"o@site.example\\\",\\\"platform\\\":\\\"office365\\\","
    "\\\"oauth_client_id\\\":\\\"site-client-id\\\",\\\"oauth_tenant\\\":\\\"site.example\\\","
    "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\","
    "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_tls\\\":\\\"none\\\"}\"}]}",
    closed, expires, closed);

  fd_test_server_start (server);
  token = fd_admin_test_read_token (server);
  org = fd_admin_test_expect (server, token, "POST", "/sites", site, 201);
  id = fd_admin_test_get_int (org, "id");
  secrets = stored_secrets (server);
  g_assert_cmpstr (secrets, ==, "Office:oauth_client_secret,Office:oauth_tokens,Other:password");
  g_assert_true (g_file_get_contents (fd_test_server_get_db_path (server), &db, NULL, NULL));
  g_assert_null (g_strstr_len (db, -1, "Site-mailbox-pw-1"));
  g_assert_null (g_strstr_len (db, -1, "Site-client-secret-2"));
  g_assert_null (g_strstr_len (db, -1, "Site-refresh-3"));

  /* The workers open them: each stream gets as far as the closed port. */
  {
    path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", id);
    g_autoptr(JsonNode) streams = fd_admin_test_expect (server, token, "GET", path, NULL, 200);

    for (guint i = 0; i < json_array_get_length (json_node_get_array (streams)); i++)
      wait_reason (server, token, id,
                   json_object_get_int_member (json_array_get_object_element (json_node_get_array (streams), i), "id"),
                   "cannot be reached");
  }

  /* Export: the OAuth settings, no secret. */
  exported = export_site (server, token, id);
  text = json_to_string (exported, FALSE);
  g_assert_null (strstr (text, "Site-"));
  g_assert_null (strstr (text, "\"password\""));
  g_assert_null (strstr (text, "oauth_client_secret"));
  g_assert_null (strstr (text, "oauth_tokens"));
  office = find_by (member_array (exported, "streams"), "name", "Office");
  g_assert_nonnull (strstr (json_object_get_string_member (office, "settings_json"), "\"oauth_client_id\":\"site-client-id\""));
  g_assert_nonnull (strstr (json_object_get_string_member (office, "settings_json"), "\"oauth_tenant\":\"site.example\""));

  /* Refused whole: nothing half-imported, no secret stored. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *doc = g_strdup_printf ("{\"organization\":{\"name\":\"Bad %u\"},\"queues\":[{\"name\":\"Q\"}],"
                                              "\"streams\":[{%s}]}", i, bad[i]);
      guint status = 0;
      g_autoptr(JsonNode) err = fd_admin_test_request (server, token, "POST", "/sites", doc, &status);

      if (status != 400)
        g_error ("site %u: expected 400, got %u", i, status);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (err),
                                                                                     "error"), "code"),
                       ==, "invalid-field");
    }
  g_free (secrets);
  secrets = stored_secrets (server);
  g_assert_cmpstr (secrets, ==, "Office:oauth_client_secret,Office:oauth_tokens,Other:password");
  {
    g_autoptr(JsonNode) orgs = fd_admin_test_expect (server, token, "GET", "/organizations", NULL, 200);

    g_assert_cmpuint (json_array_get_length (json_node_get_array (orgs)), ==, 1);
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
  g_test_add_func ("/site/import-stream-secrets", test_import_stream_secrets);
  return g_test_run ();
}
