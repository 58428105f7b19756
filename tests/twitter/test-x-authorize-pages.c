#define G_LOG_DOMAIN "fd-test"

/* test-x-authorize: what the pages do with what they are given: the form
 * with a confidential client's secret, an X account that is not the
 * stream's handle, and values that are text, never markup. */

#include <string.h>

#include "test-x-authorize.h"

/* The form (the stream has no client id): the handle, the client id and
 * the secret of a confidential client, which goes to X's token endpoint as
 * HTTP Basic and is sealed with the tokens. Bad values come back in the
 * form, escaped; a post without the page's CSRF value is refused. */
void
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
void
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

/* A stream made with a name alone needs authorization; the stream's name
 * and every value on the pages are text, never markup. */
void
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
