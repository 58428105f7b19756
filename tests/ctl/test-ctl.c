#include "fd-admin-test.h"
#include "fd-test-client.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  FdTestServer *server;
  char         *out;
  char         *err;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new_started ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_test_server_stop (f->server);
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
}

/* Runs frontdeskctl with @args (NULL-terminated) and @input on stdin;
 * keeps its stdout and stderr in the fixture and returns its exit status.
 * With @connect, --server and --db point at the fixture's server. */
static int
run_ctlv (Fixture            *f,
          gboolean            connect,
          const char         *input,
          const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("FRONTDESKCTL")));
  if (connect)
    {
      g_ptr_array_add (argv, g_strdup ("--server"));
      g_ptr_array_add (argv, g_strdup (fd_test_server_get_url (f->server)));
      g_ptr_array_add (argv, g_strdup ("--db"));
      g_ptr_array_add (argv, g_strdup (fd_test_server_get_db_path (f->server)));
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_ADMIN_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_SERVER");
  g_subprocess_launcher_unsetenv (launcher, "FRONTDESK_ORG");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &f->out, &f->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

#define run_ctl(f, ...) run_ctlv ((f), TRUE, NULL, (const char * const []) { __VA_ARGS__, NULL })

static JsonNode *
out_json (Fixture *f)
{
  return fd_admin_test_parse (f->out);
}

static void
assert_ok (Fixture *f,
           int      status)
{
  if (status != 0)
    g_error ("frontdeskctl failed with %d: %s", status, f->err);
}

static gint64
create_org (Fixture    *f,
            const char *name)
{
  g_autoptr(JsonNode) org = NULL;

  assert_ok (f, run_ctl (f, "--json", "org", "create", name));
  org = out_json (f);
  return fd_admin_test_get_int (org, "id");
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { NULL }), ==, 2);
  g_assert_nonnull (strstr (f->err, "frontdeskctl:"));

  g_assert_cmpint (run_ctl (f, "fruit", "list"), ==, 2);
  g_assert_nonnull (strstr (f->err, "unknown noun"));

  g_assert_cmpint (run_ctl (f, "org", "eat"), ==, 2);
  g_assert_cmpint (run_ctl (f, "org", "list", "--colour", "red"), ==, 2);
  g_assert_nonnull (strstr (f->err, "--colour"));
  g_assert_cmpint (run_ctl (f, "org", "create"), ==, 2);
  g_assert_cmpint (run_ctl (f, "agent", "list"), ==, 2);
  g_assert_nonnull (strstr (f->err, "--org"));
  g_assert_cmpint (run_ctl (f, "org", "create", "X", "--reserve-acd", "maybe"), ==, 2);
  g_assert_cmpint (run_ctl (f, "org", "delete", "not-a-number"), ==, 2);
  g_assert_cmpint (run_ctl (f, "site", "import", "/nonexistent/site.json"), ==, 2);
  g_assert_cmpint (run_ctl (f, "org", "list", "--server", "ftp://example.com"), ==, 2);

  /* No token anywhere is a usage error too. */
  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { "--server", fd_test_server_get_url (f->server),
                                                                          "org", "list", NULL }), ==, 2);
  g_assert_nonnull (strstr (f->err, "token"));

  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { "--help", NULL }), ==, 0);
  g_assert_nonnull (strstr (f->out, "phase set"));
}

static void
test_server_refusals (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *token_file = g_build_filename (dir, "token", NULL);
  g_autofree char *org_arg = NULL;
  gint64 org;

  /* A wrong token: the server says no. */
  g_file_set_contents (token_file, "fdk_wrong\n", -1, NULL);
  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { "--server", fd_test_server_get_url (f->server),
                                                                          "--token-file", token_file, "org", "list", NULL }), ==, 1);
  g_assert_nonnull (strstr (f->err, "admin token"));

  /* Nobody listening. */
  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { "--server", "http://127.0.0.1:1",
                                                                          "--token-file", token_file, "org", "list", NULL }), ==, 1);
  g_assert_nonnull (strstr (f->err, "Cannot reach"));

  org = create_org (f, "Refusals");
  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, org);
  g_assert_cmpint (run_ctl (f, "agent", "delete", "--org", org_arg, "42"), ==, 1);
  g_assert_nonnull (strstr (f->err, "No agent with id 42 in organization"));
  g_assert_cmpint (run_ctl (f, "agent", "update", "--org", org_arg, "nobody@x.example", "--name", "N"), ==, 1);
  g_assert_nonnull (strstr (f->err, "nobody@x.example"));
  g_assert_cmpint (run_ctl (f, "queue", "list", "--org", "4242"), ==, 1);
  g_assert_nonnull (strstr (f->err, "No organization with id 4242"));
  g_assert_cmpint (run_ctl (f, "queue", "list", "--org", "No Such Org"), ==, 1);

  assert_ok (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "dup@x.example",
                         "--name", "Dup", "--password", "password1"));
  g_assert_cmpint (run_ctl (f, "agent", "create", "--org", org_arg, "--email", "DUP@x.example",
                            "--name", "Dup 2", "--password", "password1"), ==, 1);
  g_assert_nonnull (f->err);
  g_assert_cmpuint (strlen (f->err), >, 0);

  fd_test_rm_rf (dir);
}

static void
test_everything (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *org_arg = NULL;
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *site_path = g_build_filename (dir, "site.json", NULL);
  gint64 org, canned_id, resource_id;
  JsonArray *array;

  org = create_org (f, "Ctl Org");
  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, org);

  /* Organizations: table and JSON. */
  assert_ok (f, run_ctl (f, "org", "list"));
  g_assert_true (g_str_has_prefix (f->out, "ID"));
  g_assert_nonnull (strstr (f->out, "Ctl Org"));
  assert_ok (f, run_ctl (f, "--json", "org", "update", org_arg, "--reserve-acd", "wrap-up"));
  node = out_json (f);
  g_assert_cmpstr (fd_admin_test_get_string (node, "reserve_acd"), ==, "wrap-up");
  g_assert_cmpstr (fd_admin_test_get_string (node, "name"), ==, "Ctl Org");
  g_clear_pointer (&node, json_node_unref);

  /* The attachment policy: a list of its own, normalized, then the default. */
  assert_ok (f, run_ctl (f, "--json", "org", "update", org_arg, "--blocked-extensions", "default, .ZIP"));
  node = out_json (f);
  array = json_object_get_array_member (json_node_get_object (node), "blocked_extensions");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "zip");
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "org", "update", org_arg, "--blocked-extensions", "not an extension"), ==,
                   1);
  assert_ok (f, run_ctl (f, "--json", "org", "update", org_arg, "--blocked-extensions", "default"));
  node = out_json (f);
  g_assert_false (json_object_has_member (json_node_get_object (node), "blocked_extensions"));
  g_clear_pointer (&node, json_node_unref);

  /* Agents: the password from the option or from standard input. */
  assert_ok (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "ann@ctl.example",
                         "--name", "Ann", "--role", "supervisor", "--password", "password1"));
  assert_ok (f, run_ctlv (f, TRUE, "password2\n", (const char * const []) {
    "agent", "create", "--org", "Ctl Org", "--email", "bob@ctl.example", "--name", "Bob", NULL }));
  g_assert_cmpint (run_ctlv (f, TRUE, "", (const char * const []) {
    "agent", "create", "--org", org_arg, "--email", "eve@ctl.example", "--name", "Eve", NULL }), ==, 2);
  assert_ok (f, run_ctl (f, "--json", "agent", "list", "--org", org_arg));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "--json", "agent", "update", "--org", org_arg, "bob@ctl.example", "--name", "Robert"));
  node = out_json (f);
  g_assert_cmpstr (fd_admin_test_get_string (node, "name"), ==, "Robert");
  g_assert_cmpstr (fd_admin_test_get_string (node, "email"), ==, "bob@ctl.example");
  g_clear_pointer (&node, json_node_unref);

  /* agent sign-out ends Ann's sessions: her token is refused afterwards. */
  {
    g_autoptr(JsonNode) session = NULL;
    g_autoptr(JsonNode) refused = NULL;
    guint status = 0;

    session = fd_test_http_request (f->server, NULL, "POST", "/api/agent/v1/sessions",
                                    "{\"email\":\"ann@ctl.example\",\"password\":\"password1\"}", &status);
    g_assert_cmpuint (status, ==, 200);
    assert_ok (f, run_ctl (f, "agent", "sign-out", "--org", org_arg, "ann@ctl.example"));
    g_assert_nonnull (strstr (f->out, "out everywhere"));
    refused = fd_test_http_request (f->server, fd_admin_test_get_string (session, "token"), "DELETE",
                                    "/api/agent/v1/sessions/current", NULL, &status);
    g_assert_cmpuint (status, ==, 401);
  }

  /* Queues and members. */
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Sales"));
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Temp"));
  assert_ok (f, run_ctl (f, "queue", "add-member", "--org", org_arg, "Sales", "ann@ctl.example"));
  assert_ok (f, run_ctl (f, "--json", "queue", "add-member", "--org", org_arg, "Sales", "bob@ctl.example"));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "member_ids")), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "--json", "queue", "remove-member", "--org", org_arg, "Sales", "bob@ctl.example"));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "member_ids")), ==, 1);
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "queue", "update", "--org", org_arg, "Temp", "--name", "Temporary"));
  /* The service level threshold: set, kept by a rename, bounded by the
   * server, and a number (docs/admin.md, "Service level"). */
  assert_ok (f, run_ctl (f, "--json", "queue", "update", "--org", org_arg, "Sales", "--service-level", "45"));
  node = out_json (f);
  g_assert_cmpint (fd_admin_test_get_int (node, "service_level_seconds"), ==, 45);
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "--json", "queue", "update", "--org", org_arg, "Sales", "--name", "Sales"));
  node = out_json (f);
  g_assert_cmpint (fd_admin_test_get_int (node, "service_level_seconds"), ==, 45);
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "queue", "update", "--org", org_arg, "Sales", "--service-level", "3601"), ==, 1);
  g_assert_cmpint (run_ctl (f, "queue", "update", "--org", org_arg, "Sales", "--service-level", "soon"), ==, 2);
  assert_ok (f, run_ctl (f, "queue", "delete", "--org", org_arg, "Temporary"));
  assert_ok (f, run_ctl (f, "--json", "queue", "list", "--org", org_arg));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);

  /* Streams: the table shows the key. */
  assert_ok (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "webchat", "--name", "Chat",
                         "--queue", "Sales", "--department", "Sales,Billing", "--department", "Support",
                         "--origin", "http://localhost:8080"));
  assert_ok (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "email", "--name", "Mail",
                         "--queue", "Sales", "--settings", "{\"address\":\"help@ctl.example\"}"));
  g_assert_cmpint (run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "fax", "--name", "F",
                            "--queue", "Sales"), ==, 2);
  g_assert_cmpint (run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "email", "--name", "F",
                            "--queue", "Sales", "--settings", "not json"), ==, 2);
  assert_ok (f, run_ctl (f, "stream", "list", "--org", org_arg));
  g_assert_nonnull (strstr (f->out, "KEY"));
  g_assert_nonnull (strstr (f->out, "Sales,Billing,Support"));
  assert_ok (f, run_ctl (f, "--json", "stream", "update", "--org", org_arg, "Mail", "--name", "Support Mail"));
  node = out_json (f);
  g_assert_cmpstr (fd_admin_test_get_string (node, "name"), ==, "Support Mail");
  g_assert_cmpstr (fd_admin_test_get_string (node, "kind"), ==, "email");
  g_clear_pointer (&node, json_node_unref);

  /* Phases. */
  assert_ok (f, run_ctl (f, "phase", "set", "--org", org_arg, "Chat",
                         "--phase", "strategy=ring-all,agents=ann@ctl.example;bob@ctl.example,bounce=30,duration=120",
                         "--phase", "strategy=longest-idle,bounce=15"));
  assert_ok (f, run_ctl (f, "--json", "phase", "list", "--org", org_arg, "Chat"));
  node = out_json (f);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "strategy"), ==, "ring-all");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_array_get_object_element (array, 0), "agent_ids")), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 0), "duration_seconds"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 1), "bounce_seconds"), ==, 15);
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "phase", "set", "--org", org_arg, "Chat", "--phase", "strategy=random"), ==, 2);
  g_assert_cmpint (run_ctl (f, "phase", "set", "--org", org_arg, "Chat", "--phase", "bounce=soon"), ==, 2);
  g_assert_cmpint (run_ctl (f, "phase", "set", "--org", org_arg, "Chat", "--phase", "agents=ghost@x.example"), ==, 1);

  /* Canned replies and resources at several levels. */
  assert_ok (f, run_ctl (f, "canned", "create", "--org", org_arg, "--name", "Hello", "--text", "Hello!"));
  assert_ok (f, run_ctl (f, "--json", "canned", "create", "--org", org_arg, "--level", "queue", "--owner", "Sales",
                         "--name", "Price", "--text", "It costs"));
  node = out_json (f);
  canned_id = fd_admin_test_get_int (node, "id");
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "canned", "create", "--org", org_arg, "--level", "queue",
                            "--name", "N", "--text", "T"), ==, 2);
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, canned_id);

    assert_ok (f, run_ctl (f, "--json", "canned", "update", "--org", org_arg, id, "--text", "It costs $29"));
    node = out_json (f);
    g_assert_cmpstr (fd_admin_test_get_string (node, "text"), ==, "It costs $29");
    g_assert_cmpstr (fd_admin_test_get_string (node, "level"), ==, "queue");
    g_clear_pointer (&node, json_node_unref);
    assert_ok (f, run_ctl (f, "canned", "delete", "--org", org_arg, id));
  }
  assert_ok (f, run_ctl (f, "--json", "canned", "list", "--org", org_arg));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);

  assert_ok (f, run_ctl (f, "--json", "resource", "create", "--org", org_arg, "--level", "agent", "--owner", "ann@ctl.example",
                         "--name", "Handbook", "--url", "https://h.example", "--description", "Read me"));
  node = out_json (f);
  resource_id = fd_admin_test_get_int (node, "id");
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "resource", "create", "--org", org_arg, "--level", "stream", "--owner", "Chat",
                         "--name", "Hours", "--url", "https://hours.example"));
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, resource_id);

    assert_ok (f, run_ctl (f, "--json", "resource", "update", "--org", org_arg, id, "--description", "Read me first"));
    node = out_json (f);
    g_assert_cmpstr (fd_admin_test_get_string (node, "description"), ==, "Read me first");
    g_clear_pointer (&node, json_node_unref);
  }
  assert_ok (f, run_ctl (f, "resource", "list", "--org", org_arg));
  g_assert_nonnull (strstr (f->out, "Handbook"));
  g_assert_nonnull (strstr (f->out, "Hours"));

  /* Site export, then import as a new organization after a rename of the
   * agents (emails are unique server-wide). */
  assert_ok (f, run_ctl (f, "site", "export", org_arg));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "streams")), ==, 2);
  {
    JsonArray *agents = json_object_get_array_member (json_node_get_object (node), "agents");
    JsonObject *site_org = json_object_get_object_member (json_node_get_object (node), "organization");
    g_autofree char *text = NULL;

    /* Drop the agents, and everything naming them, to import a copy. */
    g_assert_cmpuint (json_array_get_length (agents), ==, 2);
    json_object_set_string_member (site_org, "name", "Copy");
    json_object_remove_member (json_node_get_object (node), "agents");
    json_object_remove_member (json_node_get_object (node), "resources");
    json_object_remove_member (json_node_get_object (node), "queues");
    json_object_remove_member (json_node_get_object (node), "streams");
    text = fd_admin_test_to_string (node);
    g_file_set_contents (site_path, text, -1, NULL);
  }
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "site", "import", site_path));
  g_assert_nonnull (strstr (f->out, "Imported “Copy” as organization"));
  assert_ok (f, run_ctl (f, "--json", "org", "list"));
  node = out_json (f);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "site", "import", site_path, "--org", org_arg), ==, 1);

  /* Deletes. */
  assert_ok (f, run_ctl (f, "stream", "delete", "--org", org_arg, "Chat"));
  g_assert_cmpint (run_ctl (f, "phase", "list", "--org", org_arg, "Chat"), ==, 1);
  assert_ok (f, run_ctl (f, "agent", "delete", "--org", org_arg, "bob@ctl.example"));
  assert_ok (f, run_ctl (f, "org", "delete", org_arg));
  g_assert_cmpint (run_ctl (f, "agent", "list", "--org", org_arg), ==, 1);

  fd_test_rm_rf (dir);
}

/* The embed tag a website pastes, for every Web Chat and Callback stream of
 * the demo site, and a refusal for a stream that has no widget. */
static void
test_stream_snippet (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) rows = NULL;
  g_autofree char *expected = NULL;
  JsonArray *array;

  fd_test_server_stop (f->server);
  fd_test_server_add_args (f->server, "--demo", NULL);
  fd_test_server_start (f->server);

  assert_ok (f, run_ctl (f, "stream", "snippet", "--org", "1"));
  expected = g_strdup_printf ("<script src=\"%s/widget.js\" data-stream=\"kakapo-website-chat\" async></script>",
                              fd_test_server_get_url (f->server));
  g_assert_nonnull (strstr (f->out, expected));
  g_assert_nonnull (strstr (f->out, "data-stream=\"kakapo-website-callback\""));
  g_assert_null (strstr (f->out, "kakapo-support-email"));

  assert_ok (f, run_ctl (f, "--json", "stream", "snippet", "--org", "1", "--public-url",
                         "https://chat.kakapo.example/"));
  rows = out_json (f);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (rows));
  array = json_node_get_array (rows);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (array, i),
                                                                     "snippet"),
                                     "<script src=\"https://chat.kakapo.example/widget.js\""));

  g_assert_cmpint (run_ctl (f, "stream", "snippet", "--org", "1", "Support Email"), ==, 1);
  g_assert_nonnull (strstr (f->err, "only those have a widget"));
  g_assert_cmpint (run_ctl (f, "stream", "snippet", "--org", "1", "--public-url", "javascript:alert(1)"), ==, 2);
}

/* Every line of --help, as the entity table must print it. */
static void
test_help_lines (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const lines[] = {
    "  org list\n",
    "  org create NAME [--reserve-acd keep|unavailable|wrap-up] [--blocked-extensions LIST] "
    "[--authorization-addresses LIST]\n",
    "  org update ID [--name NAME] [--reserve-acd …] [--blocked-extensions LIST] [--authorization-addresses LIST]\n",
    "  org delete ID\n",
    "  agent list --org ORG\n",
    "  agent create --org ORG --email EMAIL --name NAME [--role agent|supervisor|admin] [--password P|-]\n",
    "  agent update --org ORG AGENT [--email E] [--name N] [--role R] [--password P|-]\n",
    "  agent delete --org ORG AGENT\n",
    "  agent sign-out --org ORG AGENT\n",
    "  queue list --org ORG\n",
    "  queue create --org ORG NAME [--service-level SECONDS]\n",
    "  queue update --org ORG QUEUE [--name NAME] [--service-level SECONDS]\n",
    "  queue delete --org ORG QUEUE\n",
    "  queue add-member --org ORG QUEUE AGENT\n",
    "  queue remove-member --org ORG QUEUE AGENT\n",
    "  stream list --org ORG\n",
    "  stream create --org ORG --kind webchat|callback|email|twitter --name NAME --queue QUEUE [--department D]… [--origin URL]… [--settings JSON]"
    " [--address A] [--display-name N] [--platform other|office365|gmail] [--imap-host H] [--imap-port N] "
    "[--imap-tls implicit|starttls|none] [--smtp-host H] [--smtp-port N] [--smtp-tls implicit|starttls|none] "
    "[--user-name U] [--poll-seconds S] [--sent-folder F] [--ca-file PEM] [--oauth-client-id ID] "
    "[--oauth-tenant T] [--handle @NAME] [--x-client-id ID] [--password-stdin] [--oauth-client-secret-stdin] "
    "[--x-client-secret-stdin]\n",
    "  stream update --org ORG STREAM [--name N] [--queue Q] [--department D]… [--origin URL]… [--settings JSON]"
    " [--address A] [--display-name N] [--platform P] [--imap-host H] [--imap-port N] [--imap-tls T] "
    "[--smtp-host H] [--smtp-port N] [--smtp-tls T] [--user-name U] [--poll-seconds S] [--sent-folder F] "
    "[--ca-file PEM] [--oauth-client-id ID] [--oauth-tenant T] [--handle @NAME] [--x-client-id ID] "
    "[--password-stdin] [--oauth-client-secret-stdin] [--x-client-secret-stdin]\n",
    "  stream delete --org ORG STREAM\n",
    "  stream show --org ORG STREAM   (its settings one per line; never a secret)\n",
    "  stream snippet --org ORG [STREAM] [--public-url URL]   (the widget's embed tag)\n",
    "  stream resend-authorization --org ORG STREAM [--print-link]   (a new authorization email)\n",
    "  phase list --org ORG STREAM\n",
    "  phase set --org ORG STREAM [--phase strategy=ring-all,agents=a@x;b@y,bounce=30,duration=120]…\n",
    "  canned list --org ORG\n",
    "  canned create --org ORG [--level L --owner OWNER] --name NAME --text TEXT\n",
    "  canned update --org ORG ID [--level L --owner OWNER] [--name NAME] [--text TEXT]\n",
    "  canned delete --org ORG ID\n",
    "  resource list --org ORG\n",
    "  resource create --org ORG [--level L --owner OWNER] --name NAME --url URL [--description TEXT]\n",
    "  resource update --org ORG ID [--level L --owner OWNER] [--name N] [--url URL] [--description TEXT]\n",
    "  resource delete --org ORG ID\n",
    "  site export ORG > FILE\n",
    "  site import FILE|- [--org ORG]\n",
    "  crm connect ORG --provider salesforce|zendesk --instance-url URL --client-id ID [--client-secret-stdin]\n",
    "  crm status ORG\n",
    "  crm disconnect ORG\n",
  };
  g_autoptr(GString) expected = g_string_new ("Commands (ORG, QUEUE, STREAM: an id or a name; AGENT: an id or an email):\n");

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_string_append (expected, lines[i]);
  g_string_append (expected, "\nExit status: 0 done, 1 the server refused or could not be reached, 2 usage error.\n");

  g_assert_cmpint (run_ctlv (f, FALSE, NULL, (const char * const []) { "--help", NULL }), ==, 0);
  g_assert_nonnull (strstr (f->out, expected->str));

  /* A wrong command line repeats its own line. */
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", "1"), ==, 2);
  g_assert_nonnull (strstr (f->err, "wrong number of arguments; usage: frontdeskctl stream update --org ORG STREAM [--name N]"));
}

/* Asserts status 2 and that stderr says @message. */
static void
assert_usage (Fixture    *f,
              int         status,
              const char *message)
{
  g_assert_cmpint (status, ==, 2);
  if (strstr (f->err, message) == NULL)
    g_error ("expected “%s” in: %s", message, f->err);
}

/* Options are checked per entity and verb, before anything is sent: an
 * option of another verb or entity, a missing required option, a value
 * out of an enum. Nothing is created by a refused command. */
static void
test_entity_options (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *org_arg = NULL;
  gint64 org;

  org = create_org (f, "Options");
  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, org);

  /* Options of another entity or verb. */
  assert_usage (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "a@o.example", "--name", "A",
                            "--text", "T"),
                "agent create does not take --text; usage: frontdeskctl agent create --org ORG --email EMAIL");
  assert_usage (f, run_ctl (f, "queue", "create", "--org", org_arg, "Q", "--name", "Q2"),
                "queue create does not take --name");
  assert_usage (f, run_ctl (f, "agent", "list", "--org", org_arg, "--email", "a@o.example"),
                "agent list does not take --email");
  assert_usage (f, run_ctl (f, "canned", "delete", "--org", org_arg, "1", "--name", "N"),
                "canned delete does not take --name");
  assert_usage (f, run_ctl (f, "resource", "update", "--org", org_arg, "1", "--text", "T"),
                "resource update does not take --text");
  assert_usage (f, run_ctl (f, "org", "update", "1", "--org", org_arg),
                "org update does not take --org");
  assert_usage (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "webchat", "--name", "S",
                            "--queue", "Q", "--public-url", "http://x.example"),
                "stream create does not take --public-url");

  /* Missing required options, for every entity whose create has them. */
  assert_usage (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "a@o.example", "--password", "password1"),
                "agent create needs --email and --name");
  assert_usage (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "webchat", "--name", "S"),
                "stream create needs --kind, --name and --queue");
  assert_usage (f, run_ctl (f, "canned", "create", "--org", org_arg, "--name", "N"),
                "canned create needs --name and --text (and --level/--owner below the organization)");
  assert_usage (f, run_ctl (f, "resource", "create", "--org", org_arg, "--name", "N"),
                "resource create needs --name and --url (and --level/--owner below the organization)");

  /* Values out of an enum name every choice. */
  assert_usage (f, run_ctl (f, "org", "update", org_arg, "--reserve-acd", "later"),
                "--reserve-acd must be keep, unavailable or wrap-up, not “later”");
  assert_usage (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "a@o.example", "--name", "A",
                            "--role", "boss", "--password", "password1"),
                "--role must be agent, supervisor or admin, not “boss”");
  assert_usage (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "fax", "--name", "S", "--queue", "Q"),
                "--kind must be webchat, callback, email or twitter, not “fax”");
  assert_usage (f, run_ctl (f, "resource", "create", "--org", org_arg, "--name", "N", "--url", "https://u.example",
                            "--level", "planet"),
                "--level must be organization, queue, stream or agent, not “planet”");
  assert_usage (f, run_ctl (f, "resource", "create", "--org", org_arg, "--name", "N", "--url", "https://u.example",
                            "--level", "organization", "--owner", "Q"),
                "an organization-level entry has no --owner");
  assert_usage (f, run_ctl (f, "resource", "create", "--org", org_arg, "--name", "N", "--url", "https://u.example",
                            "--level", "agent"),
                "--level agent needs --owner naming the agent");

  /* Arguments that must be ids, and names that name nothing. */
  assert_usage (f, run_ctl (f, "org", "update", "Options", "--name", "X"), "“Options” is not an organization id");
  assert_usage (f, run_ctl (f, "canned", "update", "--org", org_arg, "Hello", "--text", "T"),
                "“Hello” is not a canned reply id");
  assert_usage (f, run_ctl (f, "resource", "delete", "--org", org_arg, "Handbook"), "“Handbook” is not a resource id");
  g_assert_cmpint (run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "webchat", "--name", "S",
                            "--queue", "Nowhere"), ==, 1);
  g_assert_nonnull (strstr (f->err, "No queue “Nowhere” in organization"));
  g_assert_cmpint (run_ctl (f, "queue", "update", "--org", org_arg, "Nowhere", "--name", "X"), ==, 1);
  g_assert_cmpint (run_ctl (f, "stream", "delete", "--org", org_arg, "Nowhere"), ==, 1);
  g_assert_nonnull (strstr (f->err, "No media stream “Nowhere” in organization"));

  /* None of that created anything. */
  for (guint i = 0; i < 5; i++)
    {
      static const char * const nouns[] = { "agent", "queue", "stream", "canned", "resource" };

      assert_ok (f, run_ctl (f, "--json", nouns[i], "list", "--org", org_arg));
      node = out_json (f);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 0);
      g_clear_pointer (&node, json_node_unref);
    }
  assert_ok (f, run_ctl (f, "--json", "org", "list"));
  node = out_json (f);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (node), 0),
                                                  "reserve_acd"), ==, "keep");
}

/* The human tables show each entity's columns; delete says what it
 * deleted; --owner alone keeps the current level; a password from stdin. */
static void
test_entity_output (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *org_arg = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *canned = NULL;
  gint64 org;

  org = create_org (f, "Output");
  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, org);

  assert_ok (f, run_ctl (f, "org", "list"));
  expected = g_strdup_printf ("ID  NAME    RESERVE-ACD\n%-2" G_GINT64_FORMAT "  Output  keep\n", org);
  g_assert_cmpstr (f->out, ==, expected);

  assert_ok (f, run_ctl (f, "agent", "create", "--org", org_arg, "--email", "ann@o.example", "--name", "Ann",
                         "--password", "password1"));
  g_assert_true (g_str_has_prefix (f->out, "ID  EMAIL          NAME  ROLE   STATE\n"));
  g_assert_nonnull (strstr (f->out, "ann@o.example  Ann   agent  available\n"));
  assert_ok (f, run_ctlv (f, TRUE, "password2\n", (const char * const []) {
    "agent", "update", "--org", org_arg, "ann@o.example", "--password", "-", NULL }));
  g_assert_cmpint (run_ctlv (f, TRUE, "", (const char * const []) {
    "agent", "update", "--org", org_arg, "ann@o.example", "--password", "-", NULL }), ==, 2);
  g_assert_nonnull (strstr (f->err, "no password given"));

  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Sales"));
  g_assert_true (g_str_has_prefix (f->out, "ID  NAME   SERVICE-LEVEL  MEMBERS\n"));
  g_assert_nonnull (strstr (f->out, "Sales  20             -"));
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Billing"));
  assert_ok (f, run_ctl (f, "stream", "create", "--org", org_arg, "--kind", "callback", "--name", "Call",
                         "--queue", "Sales"));
  g_assert_true (g_str_has_prefix (f->out, "ID  KIND      NAME  QUEUE  KEY"));
  g_assert_nonnull (strstr (f->out, "DEPARTMENTS  ORIGINS  HEALTH  REASON\n"));

  assert_ok (f, run_ctl (f, "--json", "canned", "create", "--org", org_arg, "--level", "queue", "--owner", "Sales",
                         "--name", "Hi", "--text", "Hello"));
  node = out_json (f);
  canned = g_strdup_printf ("%" G_GINT64_FORMAT, fd_admin_test_get_int (node, "id"));
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "--json", "canned", "update", "--org", org_arg, canned, "--owner", "Billing"));
  node = out_json (f);
  g_assert_cmpstr (fd_admin_test_get_string (node, "level"), ==, "queue");
  g_assert_cmpstr (fd_admin_test_get_string (node, "text"), ==, "Hello");
  g_clear_pointer (&node, json_node_unref);
  assert_ok (f, run_ctl (f, "canned", "list", "--org", org_arg));
  g_assert_true (g_str_has_prefix (f->out, "ID  LEVEL  OWNER  NAME  TEXT\n"));
  assert_ok (f, run_ctl (f, "resource", "create", "--org", org_arg, "--name", "Hours", "--url", "https://h.example"));
  g_assert_true (g_str_has_prefix (f->out, "ID  LEVEL         OWNER  NAME   URL                DESCRIPTION\n"));
  g_assert_nonnull (strstr (f->out, "organization  0      Hours  https://h.example  -\n"));

  assert_ok (f, run_ctl (f, "stream", "delete", "--org", org_arg, "Call"));
  g_assert_true (g_str_has_prefix (f->out, "Deleted media stream "));
  assert_ok (f, run_ctl (f, "canned", "delete", "--org", org_arg, canned));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Deleted canned reply %s.\n", canned);
  g_assert_cmpstr (f->out, ==, expected);
  assert_ok (f, run_ctl (f, "--json", "queue", "delete", "--org", org_arg, "Billing"));
  g_assert_cmpstr (f->out, ==, "{}\n");
}

/* A loopback port nothing listens on: bound, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_nonnull (sock);
  g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (sock, NULL);
  return port;
}

/* An email stream created with its settings as options and its password
 * from standard input: the password is in no answer; the settings reach
 * settings_json (update merges into them); the list shows the health,
 * "needs-attention" with the reason, while the IMAP server is unreachable. */
static void
test_email_stream (Fixture       *f,
                   gconstpointer  data)
{
  static const char password[] = "Kakapo-mailbox-secret-7";
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *org_arg = NULL;
  g_autofree char *imap_port = g_strdup_printf ("%u", closed_port ());
  g_autofree char *smtp_port = g_strdup_printf ("%u", closed_port ());
  JsonObject *settings;
  gboolean seen = FALSE;

  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, create_org (f, "Mail Org"));
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Support"));

  assert_ok (f, run_ctlv (f, TRUE, "Kakapo-mailbox-secret-7\n", (const char * const []) {
    "--json", "stream", "create", "--org", org_arg, "--kind", "email", "--name", "Help Desk",
    "--queue", "Support", "--address", "help@ctl.example", "--display-name", "Kakapo Help",
    "--imap-host", "127.0.0.1", "--imap-port", imap_port, "--imap-tls", "none",
    "--smtp-host", "127.0.0.1", "--smtp-port", smtp_port, "--smtp-tls", "none",
    "--user-name", "help", "--poll-seconds", "5", "--sent-folder", "Sent", "--password-stdin", NULL }));
  g_assert_null (strstr (f->out, password));
  g_assert_null (strstr (f->err, password));
  node = out_json (f);
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (settings, "address"), ==, "help@ctl.example");
  g_assert_cmpstr (json_object_get_string_member (settings, "display_name"), ==, "Kakapo Help");
  g_assert_cmpstr (json_object_get_string_member (settings, "imap_tls"), ==, "none");
  g_assert_cmpstr (json_object_get_string_member (settings, "user_name"), ==, "help");
  g_assert_cmpint (json_object_get_int_member (settings, "imap_port"), ==, atoi (imap_port));
  g_assert_cmpint (json_object_get_int_member (settings, "poll_seconds"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (settings, "sent_folder"), ==, "Sent");
  g_assert_false (json_object_has_member (settings, "password"));
  g_clear_pointer (&node, json_node_unref);

  /* The list shows the health and its reason; the worker finds the IMAP
   * port closed (bounded wait: the first attempt comes at once). */
  for (int i = 0; i < 200 && !seen; i++)
    {
      assert_ok (f, run_ctl (f, "stream", "list", "--org", org_arg));
      g_assert_nonnull (strstr (f->out, "HEALTH"));
      g_assert_nonnull (strstr (f->out, "REASON"));
      seen = strstr (f->out, "needs-attention") != NULL;
      if (!seen)
        g_usleep (50 * 1000);
    }
  g_assert_true (seen);
  g_assert_nonnull (strstr (f->out, "cannot be reached"));
  g_assert_null (strstr (f->out, password));
  assert_ok (f, run_ctl (f, "--json", "stream", "list", "--org", org_arg));
  g_assert_null (strstr (f->out, password));

  /* Update merges one setting into the others. */
  assert_ok (f, run_ctl (f, "--json", "stream", "update", "--org", org_arg, "Help Desk", "--poll-seconds", "60"));
  node = out_json (f);
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (settings, "poll_seconds"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (settings, "address"), ==, "help@ctl.example");
  g_clear_pointer (&node, json_node_unref);

  /* Refusals: a port that is not a number, --password-stdin with nothing
   * on stdin, a password option with a value (flags take none), and the
   * server's own check of a setting. */
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Help Desk", "--imap-port", "many"), ==, 2);
  g_assert_nonnull (strstr (f->err, "--imap-port must be a positive whole number"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Help Desk", "--password-stdin"), ==, 2);
  g_assert_nonnull (strstr (f->err, "no password on standard input"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Help Desk", "--password-stdin=x"), ==, 2);
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Help Desk", "--imap-tls", "sometimes"), ==, 1);
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Help Desk", "--poll-seconds", "99999"), ==, 1);
}

/* The stream's secrets by name, read from the database beside the server. */
static char *
secret_names (Fixture *f)
{
  return fd_test_server_db_list (f->server, "SELECT name FROM stream_secrets ORDER BY name");
}

/* An Office 365 stream: the OAuth client id and tenant as options, the
 * client secret from standard input (after the password when both are
 * given), never in an answer; --ca-file is checked by the server. */
static void
test_email_stream_oauth (Fixture       *f,
                         gconstpointer  data)
{
  static const char secret[] = "Entra-client-secret-9";
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *org_arg = NULL;
  g_autofree char *names = NULL;
  g_autofree char *db = NULL;
  JsonObject *settings;

  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, create_org (f, "OAuth Org"));
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Support"));

  assert_ok (f, run_ctlv (f, TRUE, "Entra-client-secret-9\n", (const char * const []) {
    "--json", "stream", "create", "--org", org_arg, "--kind", "email", "--name", "Office Mail",
    "--queue", "Support", "--address", "help@ctl.example", "--platform", "office365",
    "--oauth-client-id", "11111111-2222-3333-4444-555555555555", "--oauth-tenant", "ctl.example",
    "--oauth-client-secret-stdin", NULL }));
  g_assert_null (strstr (f->out, secret));
  g_assert_null (strstr (f->err, secret));
  node = out_json (f);
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (settings, "platform"), ==, "office365");
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_client_id"), ==,
                   "11111111-2222-3333-4444-555555555555");
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_tenant"), ==, "ctl.example");
  g_assert_false (json_object_has_member (settings, "oauth_client_secret"));
  g_assert_false (json_object_has_member (json_node_get_object (node), "oauth_client_secret"));
  g_clear_pointer (&node, json_node_unref);
  names = secret_names (f);
  g_assert_cmpstr (names, ==, "oauth_client_secret");
  /* Sealed: not in the database file in clear. */
  g_assert_true (g_file_get_contents (fd_test_server_get_db_path (f->server), &db, NULL, NULL));
  g_assert_null (g_strstr_len (db, -1, secret));

  assert_ok (f, run_ctl (f, "--json", "stream", "list", "--org", org_arg));
  g_assert_null (strstr (f->out, secret));

  /* Update: the tenant alone, the others kept; both secrets from stdin,
   * password first. */
  assert_ok (f, run_ctlv (f, TRUE, "a-password-1\nanother-secret-2\n", (const char * const []) {
    "--json", "stream", "update", "--org", org_arg, "Office Mail", "--oauth-tenant", "organizations",
    "--password-stdin", "--oauth-client-secret-stdin", NULL }));
  node = out_json (f);
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_tenant"), ==, "organizations");
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_client_id"), ==,
                   "11111111-2222-3333-4444-555555555555");
  g_clear_pointer (&node, json_node_unref);
  g_free (names);
  names = secret_names (f);
  g_assert_cmpstr (names, ==, "oauth_client_secret,password");

  /* Refusals: no secret on stdin, a flag with a value, a CA file the
   * server cannot read (its own sentence). */
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Office Mail", "--oauth-client-secret-stdin"),
                   ==, 2);
  g_assert_nonnull (strstr (f->err, "no client secret on standard input"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Office Mail", "--oauth-client-secret-stdin=x"),
                   ==, 2);
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Office Mail", "--ca-file", "/nonexistent/ca.pem"),
                   ==, 1);
  g_assert_nonnull (strstr (f->err, "cannot read the stream's"));
}

/* A twitter stream (docs/admin.md, "Twitter streams"): the handle (stored
 * with its "@"), the poll interval and the X app's client id as options,
 * the client secret from standard input, sealed and never shown; the
 * server's checks of each setting; the write-only token set; `stream show`;
 * the authorization link printed; the site export without secrets and its
 * import. */
static void
test_twitter_stream (Fixture       *f,
                     gconstpointer  data)
{
  static const char secret[] = "X-app-client-secret-5";
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *org_arg = NULL;
  g_autofree char *names = NULL;
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *site_path = g_build_filename (dir, "site.json", NULL);
  JsonObject *settings;
  gint64 org, stream_id;

  org = create_org (f, "X Org");
  org_arg = g_strdup_printf ("%" G_GINT64_FORMAT, org);
  assert_ok (f, run_ctl (f, "queue", "create", "--org", org_arg, "Support"));

  assert_ok (f, run_ctlv (f, TRUE, "X-app-client-secret-5\n", (const char * const []) {
    "--json", "stream", "create", "--org", org_arg, "--kind", "twitter", "--name", "Kakapo on X",
    "--queue", "Support", "--handle", "KakapoSystems", "--poll-seconds", "60", "--x-client-id", "a2Fr-YXBv_0Q",
    "--x-client-secret-stdin", NULL }));
  g_assert_null (strstr (f->out, secret));
  g_assert_null (strstr (f->err, secret));
  node = out_json (f);
  stream_id = fd_admin_test_get_int (node, "id");
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, "@KakapoSystems");
  g_assert_cmpint (json_object_get_int_member (settings, "poll_seconds"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_client_id"), ==, "a2Fr-YXBv_0Q");
  g_assert_false (json_object_has_member (settings, "oauth_client_secret"));
  g_clear_pointer (&node, json_node_unref);
  names = secret_names (f);
  g_assert_cmpstr (names, ==, "oauth_client_secret");
  g_assert_true (g_file_get_contents (fd_test_server_get_db_path (f->server), &db, NULL, NULL));
  g_assert_null (g_strstr_len (db, -1, secret));

  /* Update merges one setting into the others. */
  assert_ok (f, run_ctl (f, "--json", "stream", "update", "--org", org_arg, "Kakapo on X", "--poll-seconds", "30"));
  node = out_json (f);
  g_assert_true (json_parser_load_from_data (parser, fd_admin_test_get_string (node, "settings_json"), -1, NULL));
  settings = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (settings, "poll_seconds"), ==, 30);
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, "@KakapoSystems");
  g_clear_pointer (&node, json_node_unref);

  /* stream show: the settings one per line, never the secret. */
  assert_ok (f, run_ctl (f, "stream", "show", "--org", org_arg, "Kakapo on X"));
  g_assert_nonnull (strstr (f->out, "Kind           twitter\n"));
  /* Not authorized, never polled: no X API call today. */
  g_assert_nonnull (strstr (f->out, "X calls today  0\n"));
  g_assert_nonnull (strstr (f->out, "Settings:\n"));
  g_assert_nonnull (strstr (f->out, "  handle           @KakapoSystems\n"));
  g_assert_nonnull (strstr (f->out, "  poll_seconds     30\n"));
  g_assert_nonnull (strstr (f->out, "  oauth_client_id  a2Fr-YXBv_0Q\n"));
  g_assert_null (strstr (f->out, secret));
  assert_ok (f, run_ctl (f, "--json", "stream", "show", "--org", org_arg, "Kakapo on X"));
  node = out_json (f);
  settings = json_object_get_object_member (json_node_get_object (node), "settings");
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, "@KakapoSystems");
  g_clear_pointer (&node, json_node_unref);
  g_assert_cmpint (run_ctl (f, "stream", "show", "--org", org_arg), ==, 2);
  g_assert_cmpint (run_ctl (f, "stream", "show", "--org", org_arg, "No Such Stream"), ==, 1);

  /* The server's checks, each naming its setting. */
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--handle", "bad handle!"), ==, 1);
  g_assert_nonnull (strstr (f->err, "“handle” of a twitter stream"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--handle",
                            "@SixteenCharsLong"), ==, 1);
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--poll-seconds", "181"), ==, 1);
  g_assert_nonnull (strstr (f->err, "“poll_seconds” of a twitter stream"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--x-client-id", "with space"),
                   ==, 1);
  g_assert_nonnull (strstr (f->err, "“oauth_client_id” of a twitter stream"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--settings",
                            "{\"handle\":\"@KakapoSystems\",\"account_id\":\"12ab\"}"), ==, 1);
  g_assert_nonnull (strstr (f->err, "“account_id” of a twitter stream"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--settings",
                            "{\"handle\":\"@KakapoSystems\",\"oauth_tokens\":{\"refresh_token\":\"r\"}}"), ==, 1);
  g_assert_nonnull (strstr (f->err, "never part of a twitter stream's settings"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--settings",
                            "{\"handle\":\"@KakapoSystems\",\"colour\":\"red\"}"), ==, 1);
  g_assert_nonnull (strstr (f->err, "A twitter stream has no setting “colour”"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--settings",
                            "{\"handle\":\"@KakapoSystems\",\"account_id\":\"0123\"}"), ==, 1);
  g_assert_cmpint (run_ctlv (f, TRUE, "pw-1\n", (const char * const []) {
    "stream", "update", "--org", org_arg, "Kakapo on X", "--password-stdin", NULL }), ==, 1);
  g_assert_nonnull (strstr (f->err, "Only an email stream has a “password”"));
  g_assert_cmpint (run_ctl (f, "stream", "update", "--org", org_arg, "Kakapo on X", "--x-client-secret-stdin"), ==, 2);
  g_assert_nonnull (strstr (f->err, "no client secret on standard input"));
  /* Nothing of the refused updates was kept. */
  assert_ok (f, run_ctl (f, "stream", "show", "--org", org_arg, "Kakapo on X"));
  g_assert_nonnull (strstr (f->out, "  handle           @KakapoSystems\n"));
  g_assert_nonnull (strstr (f->out, "  poll_seconds     30\n"));
  g_assert_null (strstr (f->out, "account_id"));

  /* The write-only token set, as the admin API takes it (sealed). */
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, org, stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path,
                                         "{\"oauth_tokens\":{\"access_token\":\"x-access-tok-1\","
                                         "\"refresh_token\":\"x-refresh-tok-1\",\"expires_at\":1900000000}}", 200));
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"oauth_tokens\":{\"access_token\":\"a\"}}",
                                         400));
  g_free (names);
  names = secret_names (f);
  g_assert_cmpstr (names, ==, "oauth_client_secret,oauth_tokens");
  g_assert_false (fd_test_server_db_contains (f->server, "x-refresh-tok-1"));

  /* The authorization link, printed. */
  assert_ok (f, run_ctl (f, "stream", "resend-authorization", "--org", org_arg, "Kakapo on X", "--print-link"));
  g_assert_nonnull (strstr (f->out, "No authorization email was sent"));
  g_assert_nonnull (strstr (f->out, "/authorize/fdal_"));

  /* The site export keeps the settings, never a secret; its import makes
   * the same twitter stream; an import with a bad handle is refused. */
  assert_ok (f, run_ctl (f, "site", "export", org_arg));
  g_assert_nonnull (strstr (f->out, "@KakapoSystems"));
  g_assert_null (strstr (f->out, secret));
  g_assert_null (strstr (f->out, "x-refresh-tok-1"));
  g_assert_null (strstr (f->out, "oauth_tokens"));
  {
    g_autoptr(JsonNode) site = out_json (f);
    JsonObject *site_org = json_object_get_object_member (json_node_get_object (site), "organization");
    g_autofree char *text = NULL;
    g_autofree char *bad = NULL;

    JsonArray *streams = json_object_get_array_member (json_node_get_object (site), "streams");

    /* Stream keys are unique server-wide. */
    g_assert_cmpuint (json_array_get_length (streams), ==, 1);
    json_object_set_string_member (json_array_get_object_element (streams, 0), "key", "kakapo-x-copy");
    json_object_set_string_member (site_org, "name", "X Copy");
    text = json_to_string (site, FALSE);
    g_assert_true (g_file_set_contents (site_path, text, -1, NULL));
    assert_ok (f, run_ctl (f, "--json", "site", "import", site_path));
    assert_ok (f, run_ctl (f, "stream", "show", "--org", "X Copy", "Kakapo on X"));
    g_assert_nonnull (strstr (f->out, "  handle           @KakapoSystems\n"));
    g_assert_nonnull (strstr (f->out, "  oauth_client_id  a2Fr-YXBv_0Q\n"));

    json_object_set_string_member (site_org, "name", "X Bad");
    g_free (text);
    text = json_to_string (site, FALSE);
    {
      g_auto(GStrv) parts = g_strsplit (text, "@KakapoSystems", -1);

      bad = g_strjoinv ("@Kakapo Systems", parts);
    }
    g_assert_true (g_file_set_contents (site_path, bad, -1, NULL));
    g_assert_cmpint (run_ctl (f, "site", "import", site_path), ==, 1);
    g_assert_nonnull (strstr (f->err, "“handle” of a twitter stream"));
  }
  fd_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ctl/usage-errors", test_usage_errors);
  ADD ("/ctl/server-refusals", test_server_refusals);
  ADD ("/ctl/everything", test_everything);
  ADD ("/ctl/email-stream", test_email_stream);
  ADD ("/ctl/email-stream-oauth", test_email_stream_oauth);
  ADD ("/ctl/twitter-stream", test_twitter_stream);
  ADD ("/ctl/stream-snippet", test_stream_snippet);
  ADD ("/ctl/help-lines", test_help_lines);
  ADD ("/ctl/entity-options", test_entity_options);
  ADD ("/ctl/entity-output", test_entity_output);
#undef ADD

  return g_test_run ();
}
