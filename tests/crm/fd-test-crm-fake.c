#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include "fd-test-client.h"
#include "fd-test-crm-fake.h"

FdTestCrmFake *
fd_test_crm_fake_new (const char *seed_json)
{
  FdTestCrmFake *fake = g_new0 (FdTestCrmFake, 1);
  g_autofree char *seed_path = NULL;

  fake->dir = fd_test_make_tmpdir ();
  seed_path = g_build_filename (fake->dir, "seed.json", NULL);
  g_assert_true (g_file_set_contents (seed_path, seed_json, -1, NULL));
  fake->stand_in = fd_test_stand_in_new (FD_CRM_FAKE_SCRIPT, seed_path, NULL);
  fake->url = fd_test_stand_in_get_url (fake->stand_in);
  return fake;
}

void
fd_test_crm_fake_free (FdTestCrmFake *fake)
{
  fd_test_stand_in_free (fake->stand_in);
  fd_test_rm_rf (fake->dir);
  g_free (fake->dir);
  g_free (fake);
}

void
fd_test_crm_fake_control (FdTestCrmFake *fake,
                          const char    *json)
{
  json_object_unref (fd_test_stand_in_call (fake->stand_in, "POST", "/_control", json));
}

JsonObject *
fd_test_crm_fake_state (FdTestCrmFake *fake)
{
  return fd_test_stand_in_call (fake->stand_in, "GET", "/_state", NULL);
}

static char *
set_cookie_value (SoupMessage *msg,
                  const char  *name)
{
  const char *header = soup_message_headers_get_list (soup_message_get_response_headers (msg), "Set-Cookie");
  g_autofree char *prefix = g_strconcat (name, "=", NULL);
  const char *start = header != NULL ? strstr (header, prefix) : NULL;

  g_assert_nonnull (start);
  start += strlen (prefix);
  return g_strndup (start, strcspn (start, ";, "));
}

static GBytes *
page_send (SoupSession *session,
           SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return body;
}

char *
fd_test_crm_link (FdTestServer  *server,
                  gint64         org_id,
                  const char    *provider,
                  FdTestCrmFake *fake)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/crm", org_id);
  g_autofree char *body = g_strdup_printf ("{\"provider\":\"%s\",\"instance_url\":\"%s\",\"client_id\":\"frontdesk-app\","
                                           "\"client_secret\":\"s3cret-client\"}", provider, fake->url);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (server, "PUT", path, body, 200);
  JsonObject *obj = json_node_get_object (answer);

  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "pending");
  g_assert_false (json_object_has_member (obj, "client_secret"));
  g_assert_true (json_object_get_boolean_member (obj, "client_secret_set"));
  return g_strdup (json_object_get_string_member (obj, "connect_url"));
}

void
fd_test_crm_connect (FdTestServer  *server,
                     gint64         org_id,
                     const char    *provider,
                     FdTestCrmFake *fake)
{
  g_autofree char *link = fd_test_crm_link (server, org_id, provider, fake);
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) get = soup_message_new ("GET", link);
  g_autoptr(SoupMessage) post = soup_message_new ("POST", link);
  g_autoptr(SoupMessage) consent = NULL;
  g_autoptr(SoupMessage) callback = NULL;
  g_autoptr(GBytes) page = page_send (browser, get);
  g_autoptr(GBytes) form = NULL;
  g_autoptr(GBytes) done = NULL;
  g_autofree char *html = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  g_autofree char *csrf_cookie = set_cookie_value (get, "fd_crm_csrf");
  g_autofree char *cookie = NULL;
  g_autofree char *state_cookie = NULL;
  g_autofree char *form_body = NULL;
  g_autofree char *text = NULL;
  const char *csrf = strstr (html, "name=\"csrf\" value=\"");

  g_assert_cmpuint (soup_message_get_status (get), ==, 200);
  g_assert_nonnull (strstr (soup_message_headers_get_one (soup_message_get_response_headers (get),
                                                          "Content-Security-Policy"), "default-src 'none'"));
  g_assert_nonnull (csrf);
  csrf += strlen ("name=\"csrf\" value=\"");
  form_body = g_strdup_printf ("csrf=%.*s", (int) strcspn (csrf, "\""), csrf);
  cookie = g_strdup_printf ("fd_crm_csrf=%s", csrf_cookie);
  soup_message_headers_replace (soup_message_get_request_headers (post), "Cookie", cookie);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (form_body, strlen (form_body));
    soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", bytes);
  }
  form = page_send (browser, post);
  g_assert_cmpuint (soup_message_get_status (post), ==, 303);
  state_cookie = set_cookie_value (post, "fd_crm_state");
  consent = soup_message_new ("GET", soup_message_headers_get_one (soup_message_get_response_headers (post), "Location"));
  g_assert_nonnull (consent);
  g_assert_nonnull (strstr (g_uri_get_query (soup_message_get_uri (consent)), "code_challenge_method=S256"));
  g_clear_pointer (&form, g_bytes_unref);
  form = page_send (browser, consent);
  g_assert_cmpuint (soup_message_get_status (consent), ==, 302);
  callback = soup_message_new ("GET", soup_message_headers_get_one (soup_message_get_response_headers (consent),
                                                                     "Location"));
  g_free (cookie);
  cookie = g_strdup_printf ("fd_crm_state=%s", state_cookie);
  soup_message_headers_replace (soup_message_get_request_headers (callback), "Cookie", cookie);
  done = page_send (browser, callback);
  text = g_strndup (g_bytes_get_data (done, NULL), g_bytes_get_size (done));
  g_assert_cmpuint (soup_message_get_status (callback), ==, 200);
  g_assert_nonnull (strstr (text, "is connected"));
}

