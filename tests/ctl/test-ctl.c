/* Tests of frontdeskctl, the real tool as a subprocess against a real
 * frontdeskd: the fixture, the tool run, usage errors, the server's
 * refusals and every entity in one pass; main() registers every test
 * (streams in test-ctl-streams.c, the entity table in
 * test-ctl-entities.c). */

#include "test-ctl.h"

#include <stdlib.h>
#include <string.h>

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
int
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


JsonNode *
out_json (Fixture *f)
{
  return fd_admin_test_parse (f->out);
}

void
assert_ok (Fixture *f,
           int      status)
{
  if (status != 0)
    g_error ("frontdeskctl failed with %d: %s", status, f->err);
}

gint64
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
