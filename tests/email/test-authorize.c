#define G_LOG_DOMAIN "fd-test"

/* The stream authorization flow (docs/email.md, "Authorization flow"): a
 * real frontdeskd whose mail relay is a real aiosmtpd (the authorization
 * emails are read out of it), a real Dovecot the authorized stream signs
 * in to, and the Email Authorization page driven by a libsoup client as a
 * browser would (the cookie and the form's hidden field). A missing
 * dovecot or aiosmtpd fails, never skips. */

#include <libsoup/soup.h>
#include <string.h>

#include "fd-mail-parse.h"
#include "fd-test-browser.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-oauth-provider.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"

#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS   "support@example.test"
#define ADMIN_A          "it@acme.test"
#define ADMIN_B          "boss@acme.test"
#define OAUTH_CLIENT_ID     "frontdesk-test-app"
#define OAUTH_CLIENT_SECRET "app-secret-1"
#define OAUTH_ACCESS_TOKEN  "access-granted-1"

typedef struct {
  FdTestDovecot *dovecot;
  FdTestSmtpd   *relay;       /* the server's own mail */
  FdTestSmtpd   *smtpd;       /* the stream's replies (OAuth) */
  FdTestServer  *server;
  SoupSession   *browser;
  gint64         org_id;
  gint64         queue_id;
  gint64         stream_id;
} Fixture;

/* --- The server ------------------------------------------------------------ */

/* frontdeskd whose relay is f->relay (none when NULL, or @relay_port when
 * not 0), the demo site, and two authorization addresses. */
static void
start_server_full (Fixture     *f,
                   const char  *link_seconds,
                   const char  *oauth_base_url,
                   guint16      relay_port)
{
  g_autofree char *relay = NULL;
  g_autofree char *path = NULL;

  if (relay_port == 0 && f->relay != NULL)
    relay_port = fd_test_smtpd_get_port (f->relay);
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--email-backoff-ms", "200", "--email-max-backoff-ms", "1000",
                           "--email-idle-seconds", "5", "--authorization-link-seconds", link_seconds, NULL);
  if (relay_port != 0)
    {
      relay = g_strdup_printf ("smtp://127.0.0.1:%u", relay_port);
      fd_test_server_add_args (f->server, "--mail-relay", relay, "--mail-from", "frontdesk@example.test", NULL);
    }
  if (oauth_base_url != NULL)
    fd_test_server_add_args (f->server, "--email-oauth-base-url", oauth_base_url, NULL);
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales");
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, f->org_id);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path,
                                         "{\"authorization_addresses\":[\"" ADMIN_A "\",\"" ADMIN_B "\"]}", 200));
  f->browser = soup_session_new ();
}

static void
start_server (Fixture     *f,
              const char  *link_seconds,
              const char  *oauth_base_url)
{
  start_server_full (f, link_seconds, oauth_base_url, 0);
}

/* An email stream with @settings (JSON text, escaped for a JSON string;
 * NULL: none) and a ring-all phase. */
static void
create_stream (Fixture    *f,
               const char *name,
               const char *settings,
               const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"%s\",\"queue_id\":%" G_GINT64_FORMAT
                                           "%s%s%s%s}", name, f->queue_id,
                                           settings != NULL ? ",\"settings_json\":\"" : "",
                                           settings != NULL ? settings : "", settings != NULL ? "\"" : "",
                                           extra != NULL ? extra : "");
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  g_autoptr(JsonNode) stream = fd_test_admin_expect (f->server, "POST", path, body, 201);

  f->stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
}

static void
fixture_tear_down (Fixture *f)
{
  g_clear_object (&f->browser);
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->smtpd, fd_test_smtpd_free);
  g_clear_pointer (&f->relay, fd_test_smtpd_free);
  g_clear_pointer (&f->dovecot, fd_test_dovecot_free);
}

/* --- The database, read beside the running server ----------------------------- */

/* Polls the stream's health until it is @wanted, for at most 60 s. */
#define wait_health(f, wanted) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), 100, 60)

/* --- The authorization email ------------------------------------------------------ */

/* The @n-th authorization mail of stream @name (1-based) at the relay
 * (the demo site's email streams get theirs too), with its link, which
 * leads to this server. */
static FdMail *
wait_authorization_mail (Fixture     *f,
                         const char  *name,
                         guint        n,
                         char       **out_url)
{
  FdMail *mail = fd_test_smtpd_wait_authorization_mail (f->relay, name, n, out_url);

  g_assert_true (g_str_has_prefix (*out_url, fd_test_server_get_url (f->server)));
  return mail;
}

/* --- The browser ------------------------------------------------------------ */

static char *
form_body (const char *csrf,
           const char *platform,
           const char *address,
           const char *password,
           const char *confirm,
           Fixture    *f)
{
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (form, "csrf", g_strdup (csrf));
  g_hash_table_insert (form, "platform", g_strdup (platform));
  g_hash_table_insert (form, "address", g_strdup (address));
  g_hash_table_insert (form, "password", g_strdup (password));
  g_hash_table_insert (form, "confirm", g_strdup (confirm));
  if (f->dovecot != NULL && g_str_equal (platform, "other"))
    {
      g_hash_table_insert (form, "imap_host", g_strdup ("127.0.0.1"));
      g_hash_table_insert (form, "imap_port", g_strdup_printf ("%u", fd_test_dovecot_get_port (f->dovecot)));
      g_hash_table_insert (form, "imap_tls", g_strdup ("none"));
      g_hash_table_insert (form, "smtp_host", g_strdup ("127.0.0.1"));
      g_hash_table_insert (form, "smtp_port", g_strdup_printf ("%u", fd_test_smtpd_get_port (f->relay)));
      g_hash_table_insert (form, "smtp_tls", g_strdup ("none"));
      g_hash_table_insert (form, "user_name", g_strdup (fd_test_dovecot_get_user (f->dovecot)));
    }
  return soup_form_encode_hash (form);
}

static void
deliver (Fixture    *f,
         const char *message_id,
         const char *text)
{
  fd_test_dovecot_deliver_text (f->dovecot, STREAM_ADDRESS, "Hello", message_id, "Mon, 7 Dec 2026 09:00:00 +0000",
                                NULL, text);
}

/* --- Tests ------------------------------------------------------------------ */

#define COUNT_PASSWORD "SELECT count(*) FROM stream_secrets WHERE name = 'password'"

static char *run_ctl (Fixture *f, const char * const *args);

/* An organization's authorization addresses are checked and bounded. */
static void
test_addresses (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *path = NULL;
  g_autoptr(GString) many = g_string_new ("{\"authorization_addresses\":[");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) org = NULL;
  JsonArray *addresses;

  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3600", NULL);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT, f->org_id);
  org = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  addresses = json_object_get_array_member (json_node_get_object (org), "authorization_addresses");
  g_assert_cmpuint (json_array_get_length (addresses), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (addresses, 0), ==, ADMIN_A);

  answer = fd_test_admin_expect (f->server, "PATCH", path, "{\"authorization_addresses\":[\"not an address\"]}",
                                 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  g_clear_pointer (&answer, json_node_unref);
  for (guint i = 0; i < 11; i++)
    g_string_append_printf (many, "%s\"a%u@acme.test\"", i > 0 ? "," : "", i);
  g_string_append (many, "]}");
  answer = fd_test_admin_expect (f->server, "PATCH", path, many->str, 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  g_clear_pointer (&answer, json_node_unref);
  /* Refused changes left the two addresses. */
  g_clear_pointer (&org, json_node_unref);
  org = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  addresses = json_object_get_array_member (json_node_get_object (org), "authorization_addresses");
  g_assert_cmpuint (json_array_get_length (addresses), ==, 2);

  /* frontdeskctl sets them as a comma list. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, f->org_id);
    g_free (run_ctl (f, (const char * const []) { "org", "update", id, "--authorization-addresses",
                                                  "one@acme.test,two@acme.test,three@acme.test", NULL }));
    g_clear_pointer (&org, json_node_unref);
    org = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
    addresses = json_object_get_array_member (json_node_get_object (org), "authorization_addresses");
    g_assert_cmpuint (json_array_get_length (addresses), ==, 3);
    g_assert_cmpstr (json_array_get_string_element (addresses, 2), ==, "three@acme.test");
  }
  fixture_tear_down (f);
}

/* Without a relay the link is still made, the stream says so, and
 * frontdeskctl prints a link that works; only email streams have links. */
static void
test_no_relay (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *org = NULL;
  g_autofree char *out = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *url;
  FdTestPage page = { 0 };

  start_server (f, "3600", NULL);
  create_stream (f, "No Relay", NULL, NULL);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_cmpstr (health, ==, "needs-authorization");
  g_assert_nonnull (strstr (reason, "no mail relay"));

  org = g_strdup_printf ("%" G_GINT64_FORMAT, f->org_id);
  out = run_ctl (f, (const char * const []) { "stream", "resend-authorization", "--org", org, "No Relay",
                                              "--print-link", NULL });
  g_assert_nonnull (strstr (out, "No authorization email was sent"));
  url = strstr (out, fd_test_server_get_url (f->server));
  g_assert_nonnull (url);
  {
    g_autofree char *link = g_strndup (url, strcspn (url, "\n"));

    fd_test_browse (f->browser, "GET", link, NULL, NULL, &page);
    g_assert_cmpuint (page.status, ==, 200);
    g_assert_nonnull (strstr (page.body, "No Relay"));
    fd_test_page_clear (&page);
  }
  /* Posts per link are bounded: then 429, never the form. */
  {
    g_autofree char *link = g_strndup (url, strcspn (url, "\n"));
    FdTestPage post = { 0 };

    for (guint i = 0; i < 10; i++)
      {
        fd_test_browse (f->browser, "POST", link, NULL, "csrf=x", &post);
        g_assert_cmpuint (post.status, ==, 403);
        fd_test_page_clear (&post);
      }
    fd_test_browse (f->browser, "POST", link, NULL, "csrf=x", &post);
    g_assert_cmpuint (post.status, ==, 429);
    g_assert_null (strstr (post.body, "<form"));
    fd_test_page_clear (&post);
  }
  /* Without --print-link the link is not printed. */
  g_free (out);
  out = run_ctl (f, (const char * const []) { "stream", "resend-authorization", "--org", org, "No Relay", NULL });
  g_assert_null (strstr (out, "/authorize/"));

  /* A Web Chat stream has no authorization link. */
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/authorization",
                          f->org_id, fd_test_admin_find_id (f->server, f->org_id, "streams", "Website Chat"));
  answer = fd_test_admin_expect (f->server, "POST", path, NULL, 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  fixture_tear_down (f);
}

/* A relay that cannot be reached: retried, then the stream's reason says
 * the email could not be sent (and never holds the link). */
static void
test_relay_down (void)
{
  Fixture fixture = { 0 }, *f = &fixture;

  start_server_full (f, "3600", NULL, fd_test_free_port ());
  create_stream (f, "Unlucky", NULL, NULL);
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    for (;;)
      {
        g_autofree char *reason = NULL;
        g_autofree char *health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);

        g_assert_cmpstr (health, ==, "needs-authorization");
        if (strstr (reason, "could not be sent") != NULL)
          {
            g_assert_nonnull (strstr (reason, ADMIN_A));
            g_assert_null (strstr (reason, "/authorize/"));
            break;
          }
        if (g_get_monotonic_time () > deadline)
          g_error ("The relay's failure never reached the stream's health: %s", reason);
        fd_test_spin (200);
      }
  }
  fixture_tear_down (f);
}

/* A stream created without address or password: an authorization email to
 * every address; the page shows the form prefilled; CSRF and the form's
 * errors refuse; the right form seals the password and the stream signs
 * in; the link then is spent. */
/* A stream-health event saying the stream whose id @data points to is ok. */
static gboolean
is_stream_ok (const FdFrame *frame,
              gpointer       data)
{
  return frame->type == FD_FRAME_STREAM_HEALTH &&
         ((FdStreamHealthInfo *) frame->body)->stream_id == *(gint64 *) data &&
         ((FdStreamHealthInfo *) frame->body)->health == FD_STREAM_HEALTH_OK;
}

static void
test_password_flow (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(FdMail) mail = NULL;
  g_autofree char *url = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *form = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autofree char *prefill = NULL;
  g_autoptr(FdOfferEvent) offer = NULL;
  FdTestAgent *natalie;
  FdTestPage page = { 0 }, post = { 0 };

  f->dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3600", NULL);
  /* What the administrator knew at creation: the IMAP server. */
  settings = g_strdup_printf ("{\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\"}",
                              fd_test_dovecot_get_port (f->dovecot));
  create_stream (f, "Help Desk", settings, NULL);

  mail = wait_authorization_mail (f, "Help Desk", 1, &url);
  g_assert_nonnull (strstr (mail->subject, "Help Desk"));
  g_assert_nonnull (strstr (mail->text, "Type: Email"));
  g_assert_nonnull (strstr (mail->text, "Name: Help Desk"));
  g_assert_cmpuint (mail->to->len, ==, 2);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (mail->to, 0))->address, ==, ADMIN_A);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (mail->to, 1))->address, ==, ADMIN_B);
  g_assert_cmpstr (mail->from->address, ==, "frontdesk@example.test");
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_cmpstr (health, ==, "needs-authorization");
  /* The token is never stored, only its hash. */
  g_assert_false (fd_test_server_db_contains (f->server, strstr (url, "fdal_")));

  /* The page: type, name, the saved settings, never a password. */
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "Help Desk"));
  g_assert_nonnull (strstr (page.body, "<dd>Email</dd>"));
  prefill = g_strdup_printf ("name=\"imap_port\" value=\"%u\"", fd_test_dovecot_get_port (f->dovecot));
  g_assert_nonnull (strstr (page.body, prefill));
  g_assert_nonnull (strstr (page.body, "name=\"imap_host\" value=\"127.0.0.1\""));
  g_assert_null (strstr (page.body, "<script"));
  g_assert_nonnull (page.csp);
  g_assert_nonnull (strstr (page.csp, "default-src 'none'"));
  g_assert_nonnull (page.cookie);
  csrf = fd_test_page_csrf (&page);

  /* A wrong CSRF value, or none in the cookie: refused, no form. */
  form = form_body ("0000", "other", STREAM_ADDRESS, MAILBOX_PASSWORD, MAILBOX_PASSWORD, f);
  fd_test_browse (f->browser, "POST", url, page.cookie, form, &post);
  g_assert_cmpuint (post.status, ==, 403);
  g_assert_null (strstr (post.body, "<form"));
  fd_test_page_clear (&post);
  g_free (form);
  form = form_body (csrf, "other", STREAM_ADDRESS, MAILBOX_PASSWORD, MAILBOX_PASSWORD, f);
  fd_test_browse (f->browser, "POST", url, NULL, form, &post);
  g_assert_cmpuint (post.status, ==, 403);
  fd_test_page_clear (&post);

  /* Mismatched confirmation and a bad address: said in words, nothing stored. */
  g_free (form);
  form = form_body (csrf, "other", "not-an-address", MAILBOX_PASSWORD, "something else", f);
  fd_test_browse (f->browser, "POST", url, page.cookie, form, &post);
  g_assert_cmpuint (post.status, ==, 422);
  g_assert_nonnull (strstr (post.body, "confirmation differ"));
  g_assert_nonnull (strstr (post.body, "email address is not valid"));
  g_assert_nonnull (strstr (post.body, "<form"));
  g_assert_null (strstr (post.body, MAILBOX_PASSWORD));
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_PASSWORD), ==, 0);
  fd_test_page_clear (&post);

  /* The right form: sealed, never in clear; the stream signs in. */
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  g_free (form);
  form = form_body (csrf, "other", STREAM_ADDRESS, MAILBOX_PASSWORD, MAILBOX_PASSWORD, f);
  fd_test_browse (f->browser, "POST", url, page.cookie, form, &post);
  g_assert_cmpuint (post.status, ==, 200);
  g_assert_nonnull (strstr (post.body, "is authorized"));
  fd_test_page_clear (&post);
  /* The supervisor's app hears it from the page itself (the worker's own
   * "ok" that follows changes nothing, so sends nothing). */
  {
    g_autoptr(FdFrame) ok = fd_test_socket_wait_match (natalie->socket, is_stream_ok, &f->stream_id, 30000,
                                                       "stream-health ok");

    g_assert_cmpstr (((FdStreamHealthInfo *) ok->body)->name, ==, "Help Desk");
    g_assert_null (((FdStreamHealthInfo *) ok->body)->reason);
  }
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_PASSWORD), ==, 1);
  g_assert_false (fd_test_server_db_contains (f->server, MAILBOX_PASSWORD));
  deliver (f, "after-authorization@customer.test", "Is anyone there?");
  offer = fd_test_agent_wait_offer (natalie, 30000, "an offer of a mail");
  g_assert_cmpint (offer->conversation->kind, ==, FD_STREAM_EMAIL);
  wait_health (f, "ok");

  /* The link is spent: 410, never the form. */
  fd_test_browse (f->browser, "GET", url, NULL, NULL, &post);
  g_assert_cmpuint (post.status, ==, 410);
  g_assert_null (strstr (post.body, "<form"));
  fd_test_page_clear (&post);
  fd_test_browse (f->browser, "POST", url, page.cookie, form, &post);
  g_assert_cmpuint (post.status, ==, 410);
  fd_test_page_clear (&post);
  /* An unknown link: 404. */
  {
    g_autofree char *unknown = g_strdup_printf ("%s/authorize/fdal_unknown", fd_test_server_get_url (f->server));

    fd_test_browse (f->browser, "GET", unknown, NULL, NULL, &post);
    g_assert_cmpuint (post.status, ==, 404);
    fd_test_page_clear (&post);
  }

  fd_test_page_clear (&page);
  fd_test_agent_free (natalie);
  fixture_tear_down (f);
}

/* Runs frontdeskctl against the fixture's server; its stdout. */
static char *
run_ctl (Fixture            *f,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, g_strdup (g_getenv ("FRONTDESKCTL")));
  g_ptr_array_add (argv, g_strdup ("--server"));
  g_ptr_array_add (argv, g_strdup (fd_test_server_get_url (f->server)));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (fd_test_server_get_db_path (f->server)));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != 0)
    g_error ("frontdeskctl failed: %s", err);
  return out;
}

/* frontdeskctl's resend voids the old link; a link expires. */
static void
test_resend_and_expiry (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(FdMail) first = NULL;
  g_autoptr(FdMail) second = NULL;
  g_autofree char *url1 = NULL;
  g_autofree char *url2 = NULL;
  g_autofree char *org = NULL;
  g_autofree char *out = NULL;
  FdTestPage page = { 0 };

  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3", NULL);
  create_stream (f, "Only A Name", NULL, NULL);
  first = wait_authorization_mail (f, "Only A Name", 1, &url1);
  g_assert_nonnull (strstr (first->text, "Name: Only A Name"));

  org = g_strdup_printf ("%" G_GINT64_FORMAT, f->org_id);
  out = run_ctl (f, (const char * const []) { "stream", "resend-authorization", "--org", org, "Only A Name",
                                              "--print-link", NULL });
  second = wait_authorization_mail (f, "Only A Name", 2, &url2);
  g_assert_cmpstr (url1, !=, url2);
  /* --print-link prints the new link. */
  g_assert_nonnull (strstr (out, url2));
  g_assert_nonnull (strstr (out, ADMIN_A));

  fd_test_browse (f->browser, "GET", url1, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 404);
  g_assert_null (strstr (page.body, "<form"));
  fd_test_page_clear (&page);
  fd_test_browse (f->browser, "GET", url2, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  fd_test_page_clear (&page);

  /* After its lifetime (3 s here), the link is refused. */
  g_usleep (3500 * 1000);
  fd_test_browse (f->browser, "GET", url2, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 410);
  g_assert_nonnull (strstr (page.body, "expired"));
  g_assert_null (strstr (page.body, "<form"));
  fd_test_page_clear (&page);
  fixture_tear_down (f);
}

/* Office 365: the form sends the person to the provider's consent (PKCE
 * S256, a state); the callback stores the tokens and the stream signs in
 * with them; a revoked grant sends a new authorization email, once. */
static void
test_oauth (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(FdTestOAuthProvider) provider = NULL;
  g_autoptr(FdMail) mail = NULL;
  g_autoptr(FdMail) again = NULL;
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autofree char *url = NULL;
  g_autofree char *url2 = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *user_token = NULL;
  g_autofree char *csrf = NULL;
  g_autofree char *form = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *state = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *callback_state = NULL;
  FdTestSmtpdOptions smtpd_options = { 0 };
  FdTestAgent *natalie;
  FdFrame *ack;
  gint64 conversation_id;
  FdTestPage page = { 0 }, post = { 0 }, consent = { 0 }, done = { 0 };

  provider = fd_test_oauth_provider_new (FD_TEST_OAUTH_MICROSOFT, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET);
  fd_test_oauth_provider_set_access_token (provider, OAUTH_ACCESS_TOKEN);
  /* Within the server's margin: every token request refreshes. */
  fd_test_oauth_provider_set_expires_in (provider, 60);
  f->dovecot = fd_test_dovecot_new_started_oauth (MAILBOX_PASSWORD, OAUTH_ACCESS_TOKEN);
  user_token = g_strdup_printf ("%s:" OAUTH_ACCESS_TOKEN, fd_test_dovecot_get_user (f->dovecot));
  smtpd_options.xoauth2 = user_token;
  f->smtpd = fd_test_smtpd_new (&smtpd_options);
  f->relay = fd_test_smtpd_new_mailbox ();
  start_server (f, "3600", fd_test_oauth_provider_get_base_url (provider));
  settings = g_strdup_printf ("{\\\"platform\\\":\\\"office365\\\",\\\"oauth_client_id\\\":\\\"" OAUTH_CLIENT_ID
                              "\\\",\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,"
                              "\\\"imap_tls\\\":\\\"none\\\",\\\"smtp_host\\\":\\\"127.0.0.1\\\","
                              "\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"none\\\",\\\"user_name\\\":\\\"%s\\\","
                              "\\\"poll_seconds\\\":1}",
                              fd_test_dovecot_get_port (f->dovecot), fd_test_smtpd_get_port (f->smtpd),
                              fd_test_dovecot_get_user (f->dovecot));
  create_stream (f, "Office Mail", settings, ",\"oauth_client_secret\":\"" OAUTH_CLIENT_SECRET "\"");
  mail = wait_authorization_mail (f, "Office Mail", 1, &url);

  fd_test_browse (f->browser, "GET", url, NULL, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.body, "<option value=\"office365\" selected>"));
  csrf = fd_test_page_csrf (&page);
  form = form_body (csrf, "office365", STREAM_ADDRESS, "", "", f);
  fd_test_browse (f->browser, "POST", url, page.cookie, form, &post);
  g_assert_cmpuint (post.status, ==, 303);
  g_assert_true (g_str_has_prefix (post.location, fd_test_oauth_provider_get_base_url (provider)));
  challenge = fd_test_url_param (post.location, "code_challenge");
  state = fd_test_url_param (post.location, "state");
  g_assert_nonnull (challenge);
  g_assert_nonnull (state);
  {
    g_autofree char *method = fd_test_url_param (post.location, "code_challenge_method");

    g_assert_cmpstr (method, ==, "S256");
  }

  /* The provider's consent answers with a code, back to the server. */
  fd_test_browse (f->browser, "GET", post.location, NULL, NULL, &consent);
  g_assert_cmpuint (consent.status, ==, 302);
  redirect = g_strdup (consent.location);
  g_assert_true (g_str_has_prefix (redirect, fd_test_server_get_url (f->server)));
  callback_state = fd_test_url_param (redirect, "state");
  g_assert_cmpstr (callback_state, ==, state);
  /* A forged state is refused. */
  {
    g_autofree char *forged = g_strdup_printf ("%s/authorize/oauth-callback?code=x&state=forged",
                                               fd_test_server_get_url (f->server));

    fd_test_browse (f->browser, "GET", forged, NULL, NULL, &done);
    g_assert_cmpuint (done.status, ==, 404);
    fd_test_page_clear (&done);
  }
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  fd_test_browse (f->browser, "GET", redirect, NULL, NULL, &done);
  g_assert_cmpuint (done.status, ==, 200);
  g_assert_nonnull (strstr (done.body, "is authorized"));
  fd_test_page_clear (&done);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM stream_secrets WHERE name = 'oauth_tokens'"), ==, 1);
  g_assert_false (fd_test_server_db_contains (f->server, OAUTH_ACCESS_TOKEN));

  /* The stream signs in with the tokens: mail becomes an offer. */
  deliver (f, "oauth-1@customer.test", "Where is my invoice?");
  offer = fd_test_agent_wait_offer (natalie, 30000, "an offer of a mail");
  conversation_id = offer->offer->conversation_id;
  wait_health (f, "ok");

  /* Consent withdrawn: the next refresh is invalid_grant, the stream needs
   * authorization and the addresses get a new link, once. */
  fd_test_oauth_provider_revoke (provider);
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Here it is."));
  fd_frame_free (ack);
  again = wait_authorization_mail (f, "Office Mail", 2, &url2);
  g_assert_cmpstr (url2, !=, url);
  g_assert_nonnull (strstr (again->text, "Name: Office Mail"));
  wait_health (f, "needs-authorization");
  {
    g_autofree char *reason = NULL;
    g_autofree char *health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);

    g_assert_cmpstr (health, ==, "needs-authorization");
    g_assert_nonnull (strstr (reason, "authorize the mailbox again"));
  }
  /* The worker keeps retrying (200 ms backoff): no mail per retry. */
  g_usleep (3 * G_USEC_PER_SEC);
  {
    g_autoptr(GPtrArray) mails = fd_test_smtpd_authorization_mails (f->relay, "Office Mail");

    g_assert_cmpuint (mails->len, ==, 2);
  }

  fd_test_page_clear (&page);
  fd_test_page_clear (&post);
  fd_test_page_clear (&consent);
  fd_test_agent_free (natalie);
  fixture_tear_down (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/email/authorize/addresses", test_addresses);
  g_test_add_func ("/email/authorize/no-relay", test_no_relay);
  g_test_add_func ("/email/authorize/relay-down", test_relay_down);
  g_test_add_func ("/email/authorize/password-flow", test_password_flow);
  g_test_add_func ("/email/authorize/resend-and-expiry", test_resend_and_expiry);
  g_test_add_func ("/email/authorize/oauth", test_oauth);
  return g_test_run ();
}
