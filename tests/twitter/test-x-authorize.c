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

#define ACCOUNT_ID    "1580661436132757506"
#define HANDLE        "@KakapoSystems"
#define STREAM_NAME   "Kakapo on X"
#define CLIENT_ID     "a2FrYXBvLXgtYXBw0Q"
#define CLIENT_SECRET "x-app-secret-7Hq"
#define ADMIN_A       "it@kakapo.example"

typedef struct {
  FdTestXFake  *fake;
  FdTestSmtpd  *relay;
  FdTestServer *server;
  SoupSession  *browser;
  gint64        org_id;
  gint64        stream_id;
} Fixture;

/* --- The server ------------------------------------------------------------ */

/* frontdeskd with the fake X as both origins, the relay when there is one,
 * the demo site (its twitter stream "Kakapo on X" has a handle and no
 * client id) and an authorization address. */
static void
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

static void
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

static char *
stream_path (Fixture *f)
{
  return g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, f->org_id, f->stream_id);
}

/* The stream's settings_json, parsed. */
static JsonObject *
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
static void
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

/* Polls the stream's health until it is @wanted, for at most 30 s. */
#define wait_health(f, wanted) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), 100, 30)

/* A new link through the admin API (what frontdeskctl stream
 * resend-authorization --print-link asks). */
static char *
new_link (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT
                                           "/authorization", f->org_id, f->stream_id);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (f->server, "POST", path, "{}", 201);

  return g_strdup (json_object_get_string_member (json_node_get_object (answer), "url"));
}

static gint64
count_secret (Fixture    *f,
              const char *name)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM stream_secrets WHERE stream_id = %" G_GINT64_FORMAT
                                          " AND name = '%s'", f->stream_id, name);

  return fd_test_server_db_count (f->server, sql);
}

/* The stream's sealed secret @name, opened with the server's key file
 * (beside its database). */
static char *
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
static char *
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

/* The number of authorization mails of the stream the relay has now. */
static guint
count_authorization_mails (Fixture *f)
{
  g_autoptr(GPtrArray) mails = fd_test_smtpd_authorization_mails (f->relay, STREAM_NAME);

  return mails->len;
}

/* The fake's count of refresh grants. */
static gint64
fake_refreshes (Fixture *f)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (f->fake);

  return json_object_get_int_member (state, "refreshes");
}

/* --- The browser ------------------------------------------------------------- */

/* The link's redirect to X's consent: checks it (the fake's authorize
 * endpoint, the client id, PKCE S256, a state, the callback) and returns
 * the fake's answer's Location, the callback with code and state. */
static char *
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
static void
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

/* The form (the stream has no client id): the handle, the client id and
 * the secret of a confidential client, which goes to X's token endpoint as
 * HTTP Basic and is sealed with the tokens. Bad values come back in the
 * form, escaped; a post without the page's CSRF value is refused. */
static void
test_form_confidential (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(GHashTable) fields = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *url = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *form = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *secret = NULL;
  FdTestPage page = { 0 };

  start_server (f, "3600");
  fd_test_x_fake_control (f->fake, "{\"client\":{\"id\":\"" CLIENT_ID "\",\"secret\":\"" CLIENT_SECRET "\"}}");
  /* No relay: health says so, and the link comes from the admin API. */
  wait_health (f, "needs-authorization");
  url = new_link (f);

  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  csrf = fd_test_page_csrf (&page);
  cookie = g_strdup (page.cookie);
  g_assert_nonnull (cookie);

  /* Without the CSRF value: refused. */
  fd_test_browse (f->browser, "POST", url, cookie, "handle=KakapoSystems&client_id=" CLIENT_ID, &page);
  g_assert_cmpuint (page.status, ==, 403);

  /* Bad values: the form again, with sentences, every value escaped. */
  g_hash_table_insert (fields, "csrf", g_strdup (csrf));
  g_hash_table_insert (fields, "handle", g_strdup ("<b>Kakapo</b>"));
  g_hash_table_insert (fields, "client_id", g_strdup ("has space"));
  form = soup_form_encode_hash (fields);
  fd_test_browse (f->browser, "POST", url, cookie, form, &page);
  g_assert_cmpuint (page.status, ==, 422);
  g_assert_nonnull (strstr (page.body, "The X handle is not valid"));
  g_assert_nonnull (strstr (page.body, "The Client ID is not valid"));
  g_assert_null (strstr (page.body, "<b>Kakapo"));
  g_assert_nonnull (strstr (page.body, "&lt;b&gt;Kakapo"));
  g_clear_pointer (&form, g_free);

  g_hash_table_insert (fields, "handle", g_strdup ("KakapoSystems"));
  g_hash_table_insert (fields, "client_id", g_strdup (CLIENT_ID));
  g_hash_table_insert (fields, "client_secret", g_strdup (CLIENT_SECRET));
  form = soup_form_encode_hash (fields);
  fd_test_browse (f->browser, "POST", url, cookie, form, &page);
  g_assert_cmpuint (page.status, ==, 303);
  callback = consent (f, &page, CLIENT_ID);
  /* Nothing saved before X answered. */
  g_assert_cmpint (count_secret (f, "oauth_client_secret"), ==, 0);

  fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "is authorized"));
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "basic_auth"), ==, 1);
  assert_tokens_work (f);
  secret = open_secret (f, "oauth_client_secret");
  g_assert_cmpstr (secret, ==, CLIENT_SECRET);
  g_assert_false (fd_test_server_db_contains (f->server, CLIENT_SECRET));
  settings = stream_settings (f);
  g_assert_cmpstr (json_object_get_string_member (settings, "oauth_client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (json_object_get_string_member (settings, "account_id"), ==, ACCOUNT_ID);
  g_assert_false (json_object_has_member (settings, "oauth_client_secret"));

  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

/* Another X account than the stream's handle: a page says which was
 * authorized and which was expected, and nothing is stored; the link
 * still works for the right account. A confidential client whose secret
 * is stored (admin API) sends it as Basic. */
static void
test_handle_mismatch (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(JsonObject) settings = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *url = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *callback2 = NULL;
  FdTestPage page = { 0 };

  start_server (f, "3600");
  fd_test_x_fake_control (f->fake, "{\"client\":{\"id\":\"" CLIENT_ID "\",\"secret\":\"" CLIENT_SECRET "\"}}");
  set_settings (f, "{\\\"handle\\\":\\\"@SomeoneElse\\\",\\\"oauth_client_id\\\":\\\"" CLIENT_ID "\\\"}",
                CLIENT_SECRET);
  wait_health (f, "needs-authorization");
  url = new_link (f);

  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 302);
  callback = consent (f, &page, CLIENT_ID);
  fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 403);
  g_assert_nonnull (strstr (page.body, "The X account " HANDLE " was authorized"));
  g_assert_nonnull (strstr (page.body, "this stream is for @SomeoneElse"));
  g_assert_nonnull (strstr (page.body, "Nothing was saved"));
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "basic_auth"), ==, 1);
  g_assert_cmpint (count_secret (f, "oauth_tokens"), ==, 0);
  settings = stream_settings (f);
  g_assert_false (json_object_has_member (settings, "account_id"));
  g_assert_cmpstr (json_object_get_string_member (settings, "handle"), ==, "@SomeoneElse");
  g_clear_pointer (&settings, json_object_unref);
  wait_health (f, "needs-authorization");

  /* The handle corrected, the same link goes to X again and works. */
  set_settings (f, "{\\\"handle\\\":\\\"@KakapoSystems\\\",\\\"oauth_client_id\\\":\\\"" CLIENT_ID "\\\"}", NULL);
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 302);
  callback2 = consent (f, &page, CLIENT_ID);
  fd_test_browse (f->browser, "GET", callback2, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  assert_tokens_work (f);
  settings = stream_settings (f);
  g_assert_cmpstr (json_object_get_string_member (settings, "account_id"), ==, ACCOUNT_ID);

  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

/* Hostile and failed answers: a forged or huge state, a missing code,
 * consent denied, X down at the token endpoint, users/me answering what X
 * never does; each is a page a person understands, and nothing is stored.
 * A link past its lifetime is gone; so is an unknown one. */
static void
test_hostile (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *url = NULL;
  g_autofree char *base = NULL;
  g_autofree char *huge = NULL;
  gint64 made;
  FdTestPage page = { 0 };

  start_server (f, "20");
  set_settings (f, "{\\\"handle\\\":\\\"@KakapoSystems\\\",\\\"oauth_client_id\\\":\\\"" CLIENT_ID "\\\"}", NULL);
  wait_health (f, "needs-authorization");
  made = g_get_monotonic_time ();
  url = new_link (f);
  base = g_strconcat (fd_test_server_get_url (f->server), "/authorize/oauth-callback", NULL);

  /* Forged, missing and huge states: not expected. */
  {
    g_autofree char *forged = g_strconcat (base, "?code=abc&state=forged-state", NULL);
    g_autofree char *none = g_strconcat (base, "?code=abc", NULL);

    fd_test_browse (f->browser, "GET", forged, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 404);
    g_assert_nonnull (strstr (page.body, "No authorization is waiting"));
    fd_test_browse (f->browser, "GET", none, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 404);
    huge = g_strnfill (6000, 'A');
    g_free (forged);
    forged = g_strconcat (base, "?code=abc&state=", huge, NULL);
    fd_test_browse (f->browser, "GET", forged, NULL, NULL, &page);
    g_assert_cmpuint (page.status, >=, 400);
    g_assert_cmpuint (page.status, <, 500);
    g_free (forged);
    forged = g_strconcat (fd_test_server_get_url (f->server), "/authorize/fdal_", huge, NULL);
    fd_test_browse (f->browser, "GET", forged, NULL, NULL, &page);
    g_assert_cmpuint (page.status, >=, 400);
    g_assert_cmpuint (page.status, <, 500);
  }

  /* A real state without a code: incomplete; the consent is spent. */
  {
    g_autofree char *callback = NULL;
    g_autofree char *state = NULL;
    g_autofree char *no_code = NULL;

    fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 302);
    callback = consent (f, &page, CLIENT_ID);
    state = fd_test_url_param (callback, "state");
    no_code = g_strconcat (base, "?state=", state, NULL);
    fd_test_browse (f->browser, "GET", no_code, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 400);
    g_assert_nonnull (strstr (page.body, "no authorization code"));
    fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 404);
  }

  /* Consent denied (X redirects back with error=access_denied). */
  {
    g_autofree char *state = NULL;
    g_autofree char *denied = NULL;

    fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 302);
    state = fd_test_url_param (page.location, "state");
    denied = g_strconcat (base, "?error=access_denied&state=", state, NULL);
    fd_test_browse (f->browser, "GET", denied, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 403);
    g_assert_nonnull (strstr (page.body, "Access was not allowed on X"));
  }

  /* X down at the token endpoint. */
  {
    g_autofree char *callback = NULL;

    fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
    callback = consent (f, &page, CLIENT_ID);
    fd_test_x_fake_control (f->fake, "{\"down\":\"503\"}");
    fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
    fd_test_x_fake_control (f->fake, "{\"down\":false}");
    g_assert_cmpuint (page.status, ==, 502);
    g_assert_nonnull (strstr (page.body, "X did not grant access"));
  }

  /* users/me answering what X never does: too large, of the wrong shape. */
  {
    static const char * const kinds[] = { "huge", "wrongtypes", "html" };

    for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
      {
        g_autofree char *control = g_strdup_printf ("{\"garbage\":{\"endpoint\":\"users_me\",\"kind\":\"%s\","
                                                    "\"count\":1}}", kinds[i]);
        g_autofree char *callback = NULL;

        fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
        callback = consent (f, &page, CLIENT_ID);
        fd_test_x_fake_control (f->fake, control);
        fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
        g_assert_cmpuint (page.status, ==, 502);
        g_assert_nonnull (strstr (page.body, "Nothing was saved"));
      }
  }
  g_assert_cmpint (count_secret (f, "oauth_tokens"), ==, 0);
  wait_health (f, "needs-authorization");

  /* Each redirect to X counts as a use of the link: at most
   * FD_AUTHORIZE_MAX_ATTEMPTS (10), 6 spent above. */
  for (guint i = 0; i < 4; i++)
    {
      fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
      g_assert_cmpuint (page.status, ==, 302);
    }
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 429);
  g_assert_nonnull (strstr (page.body, "too many times"));
  g_assert_cmpint (count_secret (f, "oauth_tokens"), ==, 0);

  /* Past its lifetime (20 s here), the link is gone. */
  while (g_get_monotonic_time () < made + 21 * G_USEC_PER_SEC)
    fd_test_spin (200);
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 410);
  g_assert_nonnull (strstr (page.body, "expired"));

  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

/* A stream made with a name alone needs authorization; the stream's name
 * and every value on the pages are text, never markup. */
static void
test_escaped (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  FdTestPage page = { 0 };

  start_server (f, "3600");

  /* A twitter stream created with a name alone needs authorization at
   * once (no relay here: the reason says how to get the link). */
  {
    g_autofree char *streams = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
    g_autofree char *body = g_strdup_printf ("{\"kind\":\"twitter\",\"name\":\"Name Only\",\"queue_id\":%"
                                             G_GINT64_FORMAT "}",
                                             fd_test_admin_find_id (f->server, f->org_id, "queues", "Support"));
    g_autoptr(JsonNode) created = fd_test_admin_expect (f->server, "POST", streams, body, 201);
    g_autofree char *reason = NULL;
    g_autofree char *health = NULL;
    gint64 demo_stream = f->stream_id;

    f->stream_id = json_object_get_int_member (json_node_get_object (created), "id");
    wait_health (f, "needs-authorization");
    health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
    g_assert_nonnull (strstr (reason, "Waiting for the X account to be authorized"));
    g_assert_nonnull (strstr (reason, "--print-link"));
    f->stream_id = demo_stream;
  }

  path = stream_path (f);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path,
                                         "{\"name\":\"<script>alert(1)</script> & X\"}", 200));
  url = new_link (f);
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_null (strstr (page.body, "<script>"));
  g_assert_nonnull (strstr (page.body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; X"));
  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

/* A grant X voids while the poller runs: the stream needs authorization
 * again and exactly one new link is mailed (the first, spent, link stays
 * gone); the new link goes to X's consent and completes, health is ok
 * again and the poller, restarted with the new tokens, stores a mention
 * posted afterwards. */
static void
test_revoked_new_link (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *callback = NULL;
  g_autofree char *callback2 = NULL;
  g_autofree char *old_tokens = NULL;
  g_autofree char *new_tokens = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autofree char *post_id = NULL;
  gint64 mentions, refreshes, conversations, deadline;
  FdTestPage page = { 0 };

  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3600");
  first = wait_authorization_mail (f, 1);
  set_settings (f, "{\\\"handle\\\":\\\"@KakapoSystems\\\",\\\"poll_seconds\\\":1,"
                   "\\\"oauth_client_id\\\":\\\"" CLIENT_ID "\\\"}", NULL);
  wait_health (f, "needs-authorization");

  /* The first authorization, through the first link. */
  fd_test_browse (f->browser, "GET", first, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 302);
  callback = consent (f, &page, CLIENT_ID);
  fd_test_browse (f->browser, "GET", callback, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "is authorized"));
  wait_health (f, "ok");
  old_tokens = open_secret (f, "oauth_tokens");
  /* The poller runs with these tokens (cycles every second). */
  mentions = fd_test_x_fake_calls (f->fake, "mentions");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fd_test_x_fake_calls (f->fake, "mentions") < mentions + 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      fd_test_spin (100);
    }
  wait_health (f, "ok");
  g_assert_cmpuint (count_authorization_mails (f), ==, 1);

  /* X voids the grant: the poller's next call is refused, the refresh
   * too, and the stream needs authorization with a new link mailed. */
  refreshes = fake_refreshes (f);
  fd_test_x_fake_control (f->fake, "{\"revoke\":true}");
  wait_health (f, "needs-authorization");
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "withdrawn"));
  g_assert_cmpint (fake_refreshes (f), >, refreshes);
  second = wait_authorization_mail (f, 2);
  g_assert_true (g_str_has_prefix (second, fd_test_server_get_url (f->server)));
  g_assert_cmpstr (second, !=, first);
  /* Several more poll cycles fail the same way: still one new mail. */
  refreshes = fake_refreshes (f);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fake_refreshes (f) < refreshes + 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      fd_test_spin (200);
    }
  fd_test_spin (500);
  g_assert_cmpuint (count_authorization_mails (f), ==, 2);
  g_clear_pointer (&health, g_free);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);
  g_assert_cmpstr (health, ==, "needs-authorization");

  /* The first link is void (the newer one replaced it): no consent from
   * it; the new one goes to X's consent. */
  fd_test_browse (f->browser, "GET", first, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 404);
  g_assert_nonnull (strstr (page.body, "replaced by a newer one"));
  g_assert_null (page.location);
  fd_test_browse (f->browser, "GET", second, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 302);
  callback2 = consent (f, &page, CLIENT_ID);
  g_assert_cmpstr (callback2, !=, callback);
  fd_test_browse (f->browser, "GET", callback2, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "is authorized"));
  wait_health (f, "ok");
  new_tokens = open_secret (f, "oauth_tokens");
  g_assert_cmpstr (new_tokens, !=, old_tokens);
  assert_tokens_work (f);
  fd_test_browse (f->browser, "GET", second, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 410);
  g_assert_nonnull (strstr (page.body, "used already"));

  /* The restarted poller stores a mention posted now. */
  conversations = fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'twitter'");
  post_id = fd_test_x_fake_mention (f->fake, "2244994945", "carol", "Carol Jones",
                                    "@KakapoSystems back again?", NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fd_test_server_db_count (f->server, "SELECT count(*) FROM messages WHERE direction = 'in' AND "
                                             "text = '@KakapoSystems back again?'") < 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      fd_test_spin (200);
    }
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'twitter'"),
                   ==, conversations + 1);
  /* Healthy cycles after it, and no further mail. */
  mentions = fd_test_x_fake_calls (f->fake, "mentions");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fd_test_x_fake_calls (f->fake, "mentions") < mentions + 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      fd_test_spin (100);
    }
  g_clear_pointer (&health, g_free);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);
  g_assert_cmpstr (health, ==, "ok");
  g_assert_cmpuint (count_authorization_mails (f), ==, 2);

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
