#define G_LOG_DOMAIN "fd-test"

/* The authorization of a twitter stream (docs/twitter.md, "Authorization
 * and tokens"): a real frontdeskd on loopback whose X origins
 * (--x-oauth-base-url, --x-api-base-url) are the fake X
 * (tests/twitter/fd-x-fake.py), whose mail relay is a real aiosmtpd (the
 * authorization emails are read out of it), and the link driven by a
 * libsoup client as a browser would: the redirect to X's consent, the
 * fake's auto-consent, the callback. The tokens stored are opened with the
 * server's own key and used at the fake. A missing python3 or aiosmtpd
 * fails, never skips. */

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "fd-email-settings.h"
#include "fd-mail-parse.h"
#include "fd-secret-box.h"
#include "fd-test-browser.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"
#include "fd-test-x-fake.h"
#include "test-x-authorize.h"

/* --- The server ------------------------------------------------------------ */

/* frontdeskd with the fake X as both origins, the relay when there is one,
 * the demo site (its twitter stream "Kakapo on X" has a handle and no
 * client id) and an authorization address. */
void
start_server (Fixture    *f,
              const char *link_seconds)
{
  g_autofree char *path = NULL;

  f->fake = fd_test_x_fake_new (ACCOUNT_ID, HANDLE);
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--x-oauth-base-url", fd_test_x_fake_get_url (f->fake),
                           "--x-api-base-url", fd_test_x_fake_get_url (f->fake),
                           "--authorization-link-seconds", link_seconds, NULL);
  if (f->relay != NULL)
    {
      g_autofree char *relay = g_strdup_printf ("smtp://127.0.0.1:%u", fd_test_smtpd_get_port (f->relay));

      fd_test_server_add_args (f->server, "--mail-relay", relay, "--mail-from", "frontdesk@example.test", NULL);
    }
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->stream_id = fd_test_admin_find_id (f->server, f->org_id, "streams", STREAM_NAME);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, f->org_id);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path,
                                         "{\"authorization_addresses\":[\"" ADMIN_A "\"]}", 200));
  f->browser = soup_session_new ();
}

void
fixture_tear_down (Fixture *f)
{
  g_clear_object (&f->browser);
  /* A clean stop: frontdeskd must exit with 0 (under ASan: no leak). */
  if (f->server != NULL)
    fd_test_server_stop (f->server);
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->relay, fd_test_smtpd_free);
  g_clear_pointer (&f->fake, fd_test_x_fake_free);
}

char *
stream_path (Fixture *f)
{
  return g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, f->org_id, f->stream_id);
}

/* The stream's settings_json, parsed. */
JsonObject *
stream_settings (Fixture *f)
{
  g_autofree char *path = stream_path (f);
  g_autoptr(JsonNode) stream = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *text = json_object_get_string_member_with_default (json_node_get_object (stream), "settings_json",
                                                                 "{}");

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Sets the stream's settings_json (@settings: JSON escaped for a string)
 * and, when not NULL, its write-only client secret. */
void
set_settings (Fixture    *f,
              const char *settings,
              const char *client_secret)
{
  g_autofree char *path = stream_path (f);
  g_autofree char *body = g_strdup_printf ("{\"settings_json\":\"%s\"%s%s%s}", settings,
                                           client_secret != NULL ? ",\"oauth_client_secret\":\"" : "",
                                           client_secret != NULL ? client_secret : "",
                                           client_secret != NULL ? "\"" : "");

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
}

/* A new link through the admin API (what frontdeskctl stream
 * resend-authorization --print-link asks). */
char *
new_link (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT
                                           "/authorization", f->org_id, f->stream_id);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (f->server, "POST", path, "{}", 201);

  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "url"));
}

gint64
count_secret (Fixture    *f,
              const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM stream_secrets WHERE stream_id = %" G_GINT64_FORMAT
                                          " AND name = '%s'", f->stream_id, name);

  return fd_test_server_db_count (f->server, sql);
}

/* The stream's sealed secret @name, opened with the server's key file
 * (beside its database). */
char *
open_secret (Fixture    *f,
             const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT sealed FROM stream_secrets WHERE stream_id = %" G_GINT64_FORMAT
                                          " AND name = '%s'", f->stream_id, name);
  g_autofree char *sealed_text = fd_test_server_db_list (f->server, sql);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdSecretBox) box = fd_secret_box_open_key (fd_test_server_get_db_path (f->server), &error);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autofree guchar *data = NULL;
  gsize size = 0;

  g_assert_no_error (error);
  g_assert_true (sealed_text != NULL && *sealed_text != '\0');
  data = g_base64_decode (sealed_text, &size);
  sealed = g_bytes_new (data, size);
  plain = fd_secret_box_open (box, sealed, &error);
  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

/* --- The authorization email ------------------------------------------------ */

/* The link of the @n-th authorization mail of the stream (1-based); the
 * mail says it is for a Twitter stream. */
char *
wait_authorization_mail (Fixture *f,
                         guint    n)
{
  g_autoptr(FdMail) mail = NULL;
  char *url = NULL;

  mail = fd_test_smtpd_wait_authorization_mail (f->relay, STREAM_NAME, n, &url);
  g_assert_nonnull (strstr (mail->text, "Type: Twitter\n"));
  g_assert_nonnull (strstr (mail->subject, "Twitter stream"));
  return url;
}

/* --- The browser ------------------------------------------------------------- */

/* The link's redirect to X's consent: checks it (the fake's authorize
 * endpoint, the client id, PKCE S256, a state, the callback) and returns
 * the fake's answer's Location, the callback with code and state. */
char *
consent (Fixture    *f,
         const FdTestPage *redirect,
         const char *client_id)
{
  g_autofree char *prefix = g_strconcat (fd_test_x_fake_get_url (f->fake), "/i/oauth2/authorize?", NULL);
  g_autofree char *callback = g_strconcat (fd_test_server_get_url (f->server), "/authorize/oauth-callback", NULL);
  g_autofree char *method = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *state = NULL;
  g_autofree char *answered_state = NULL;
  g_autofree char *redirect_uri = NULL;
  g_autofree char *id = NULL;
  g_autofree char *scope = NULL;
  FdTestPage answer = { 0 };
  char *location;

  g_assert_nonnull (redirect->location);
  g_assert_true (g_str_has_prefix (redirect->location, prefix));
  method = fd_test_url_param (redirect->location, "code_challenge_method");
  challenge = fd_test_url_param (redirect->location, "code_challenge");
  state = fd_test_url_param (redirect->location, "state");
  redirect_uri = fd_test_url_param (redirect->location, "redirect_uri");
  id = fd_test_url_param (redirect->location, "client_id");
  scope = fd_test_url_param (redirect->location, "scope");
  g_assert_cmpstr (method, ==, "S256");
  g_assert_nonnull (challenge);
  g_assert_cmpuint (strlen (challenge), ==, 43);
  g_assert_nonnull (state);
  g_assert_cmpuint (strlen (state), >=, 32);
  g_assert_cmpstr (redirect_uri, ==, callback);
  g_assert_cmpstr (id, ==, client_id);
  g_assert_nonnull (strstr (scope, "offline.access"));
  g_assert_nonnull (strstr (scope, "dm.write"));

  fd_test_browse (f->browser, "GET", redirect->location, NULL, NULL, &answer);
  g_assert_cmpuint (answer.status, ==, 302);
  g_assert_true (g_str_has_prefix (answer.location, callback));
  answered_state = fd_test_url_param (answer.location, "state");
  g_assert_cmpstr (answered_state, ==, state);
  location = g_steal_pointer (&answer.location);
  fd_test_page_clear (&answer);
  return location;
}

/* The stored tokens work at the fake: its users/me answers with them. */
void
assert_tokens_work (Fixture *f)
{
  g_autofree char *json = open_secret (f, "oauth_tokens");
  g_autofree char *url = g_strconcat (fd_test_x_fake_get_url (f->fake), "/2/users/me", NULL);
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *data;

  tokens = fd_email_oauth_tokens_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens->access_token);
  g_assert_nonnull (tokens->refresh_token);
  g_assert_cmpint (tokens->expires_at, >, g_get_real_time () / G_USEC_PER_SEC);
  /* Sealed: neither token is in the database file in clear. */
  g_assert_false (fd_test_server_db_contains (f->server, tokens->access_token));
  g_assert_false (fd_test_server_db_contains (f->server, tokens->refresh_token));
  msg = fd_test_http_message_new ("GET", url, tokens->access_token, NULL, NULL);
  body = fd_test_http_send (msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL));
  data = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "data");
  g_assert_cmpstr (json_object_get_string_member (data, "id"), ==, ACCOUNT_ID);
}

/* --- Tests ------------------------------------------------------------------ */

/* The whole flow: the stream needs authorization at once and its link is
 * mailed; without a client id the link shows the form; with the handle and
 * client id known it goes straight to X's consent; the callback seals the
 * tokens and fills in account_id and the handle as X spells it; the link
 * then works no more. */
static void
test_flow (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(JsonObject) settings = NULL;
  g_autofree char *url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  FdTestPage page = { 0 };

  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3600");

  /* The demo's twitter stream has no tokens: it needs authorization and
   * its first link is mailed to the authorization address. */
  url = wait_authorization_mail (f, 1);
  g_assert_true (g_str_has_prefix (url, fd_test_server_get_url (f->server)));
  wait_health (f, "needs-authorization");
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "X account"));

  /* No client id yet: the link shows the form (handle and client id). */
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "Twitter Authorization"));
  g_assert_nonnull (strstr (page.body, "name=\"handle\" value=\"" HANDLE "\""));
  g_assert_nonnull (strstr (page.body, "name=\"client_id\""));

  /* The handle in another case than X's, and the client id: straight to
   * X's consent. No POST, no cookie needed. */
  set_settings (f, "{\\\"handle\\\":\\\"kakaposystems\\\",\\\"poll_seconds\\\":60,"
                   "\\\"oauth_client_id\\\":\\\"" CLIENT_ID "\\\"}", NULL);
  settings = stream_settings (f);
  /* Stored with its "@". */
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, "@kakaposystems");
  g_clear_pointer (&settings, json_object_unref);
  /* The settings change keeps the link (still no tokens). */
  wait_health (f, "needs-authorization");

  /* A HEAD (a mail scanner) starts no consent. */
  fd_test_browse (f->browser, "HEAD", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_null (page.location);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "authorize"), ==, 0);

  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 302);
  callback = consent (f, &page, CLIENT_ID);
  g_assert_cmpint (count_secret (f, "oauth_tokens"), ==, 0);

  fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "is authorized"));
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "token"), ==, 1);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "users_me"), >=, 1);

  /* Stored: the tokens sealed (and working), account_id, the handle as X
   * spells it, the other settings kept; health ok. */
  g_assert_cmpint (count_secret (f, "oauth_tokens"), ==, 1);
  assert_tokens_work (f);
  settings = stream_settings (f);
  g_assert_cmpstr (json_object_get_string_member (settings, "account_id"), ==, ACCOUNT_ID);
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, HANDLE);
  g_assert_cmpint (json_object_get_int_member (settings, "poll_seconds"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_client_id"), ==, CLIENT_ID);
  g_assert_false (json_object_has_member (settings, "oauth_tokens"));
  g_clear_pointer (&settings, json_object_unref);
  {
    g_autofree char *now = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);

    g_assert_cmpstr (now, ==, "ok");
  }

  /* The link is spent: reused, it is gone; so is the callback. */
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 410);
  g_assert_nonnull (strstr (page.body, "used already"));
  fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 404);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "token"), ==, 1);

  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/twitter/authorize/flow", test_flow);
  g_test_add_func ("/twitter/authorize/form-confidential", test_form_confidential);
  g_test_add_func ("/twitter/authorize/handle-mismatch", test_handle_mismatch);
  g_test_add_func ("/twitter/authorize/hostile", test_hostile);
  g_test_add_func ("/twitter/authorize/name-only-escaped", test_escaped);
  g_test_add_func ("/twitter/authorize/revoked-new-link", test_revoked_new_link);
  return g_test_run ();
}
