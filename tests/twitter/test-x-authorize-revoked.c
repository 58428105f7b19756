#define G_LOG_DOMAIN "fd-test"

/* test-x-authorize: a grant X voids while the poller runs: a new link
 * mailed once, and the stream back to work with the new tokens. */

#include <string.h>

#include "test-x-authorize.h"

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

/* A grant X voids while the poller runs: the stream needs authorization
 * again and exactly one new link is mailed (the first, spent, link stays
 * gone); the new link goes to X's consent and completes, health is ok
 * again and the poller, restarted with the new tokens, stores a mention
 * posted afterwards. */
void
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
