#define G_LOG_DOMAIN "fd-test"

/* test-x-authorize: hostile and failed answers, each a page a person
 * understands with nothing stored, and links expired or unknown. */

#include <string.h>

#include "test-x-authorize.h"

/* Hostile and failed answers: a forged or huge state, a missing code,
 * consent denied, X down at the token endpoint, users/me answering what X
 * never does; each is a page a person understands, and nothing is stored.
 * A link past its lifetime is gone; so is an unknown one. */
void
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
