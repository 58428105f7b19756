/* frontdeskctl's entity table: every line of --help, the options each
 * entity and verb takes, the human tables and what delete says. */

#include "test-ctl.h"

#include <string.h>

/* Every line of --help, as the entity table must print it. */
void
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
void
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
void
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
