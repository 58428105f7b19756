/* frontdeskctl's streams: the embed snippet, an email stream and an
 * Office 365 one (settings as options, secrets from standard input,
 * sealed, never shown), a twitter stream and its site export. */

#include "test-ctl.h"

#include <string.h>

/* The embed tag a website pastes, for every Web Chat and Callback stream of
 * the demo site, and a refusal for a stream that has no widget. */
void
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
void
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
void
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
void
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
