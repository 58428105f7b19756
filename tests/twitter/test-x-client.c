#define G_LOG_DOMAIN "fd-test"

/* FdXClient (src/server/twitter/fd-x-client.c) against the fake X
 * (tests/twitter/fd-x-fake.py): every call, its paging, and every failure
 * typed: rate limits with their reset, refused tokens, X's 403 detail,
 * hostile answers (not JSON, too large, too deep, wrong types, too many
 * items) and a network that is down. */

#include <string.h>
#include <libsoup/soup.h>

#include "fd-test-x-fake.h"
#include "fd-x-client.h"
#include "fd-codec.h"
#include "fd-x-text.h"
#include "fd-oauth.h"
#include "test-x-client.h"

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *grant = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  f->fake = fd_test_x_fake_new (ACCOUNT, HANDLE);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->client = fd_x_client_new (f->session, fd_test_x_fake_get_url (f->fake));
  grant = fd_test_x_fake_grant (f->fake, 3600);
  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  fd_x_client_set_access_token (f->client, json_object_get_string_member (json_node_get_object (
                                  json_parser_get_root (parser)), "access_token"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->client);
  g_clear_object (&f->session);
  g_clear_pointer (&f->fake, fd_test_x_fake_free);
}

/* --- running one async call -------------------------------------------- */

void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

FdXPage *
mentions (Fixture      *f,
          const char   *since_id,
          const char   *token,
          FdXRateLimit *rate,
          GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_mentions_async (f->client, ACCOUNT, since_id, token, NULL, on_done, &result);
  return fd_x_client_mentions_finish (f->client, wait_result (&result), rate, error);
}

FdXPage *
dm_events (Fixture      *f,
           const char   *token,
           FdXRateLimit *rate,
           GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_dm_events_async (f->client, token, NULL, on_done, &result);
  return fd_x_client_dm_events_finish (f->client, wait_result (&result), rate, error);
}

FdXUser *
get_me (Fixture      *f,
        FdXRateLimit *rate,
        GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_get_me_async (f->client, NULL, on_done, &result);
  return fd_x_client_get_me_finish (f->client, wait_result (&result), rate, error);
}

FdXCreated *
create_post (Fixture            *f,
             const char         *text,
             const char         *in_reply_to,
             const char * const *media,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_create_post_async (f->client, text, in_reply_to, media, NULL, on_done, &result);
  return fd_x_client_create_post_finish (f->client, wait_result (&result), NULL, error);
}

FdXCreated *
send_dm (Fixture            *f,
         const char         *to,
         const char         *text,
         const char * const *media,
         GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_x_client_send_dm_async (f->client, to, text, media, NULL, on_done, &result);
  return fd_x_client_send_dm_finish (f->client, wait_result (&result), NULL, error);
}

FdXMedia *
upload (Fixture    *f,
        gsize       size,
        gboolean    direct,
        GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  if (size >= 8)
    memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  bytes = g_bytes_new (data, size);
  fd_x_client_upload_media_async (f->client, bytes, "image/png", direct, NULL, on_done, &result);
  return fd_x_client_upload_media_finish (f->client, wait_result (&result), NULL, error);
}

/* --- tests --------------------------------------------------------------- */

static void
test_ids (void)
{
  g_autofree char *url = fd_x_post_url ("KakapoSystems", "1860000000000000001");

  g_assert_true (fd_x_id_is_valid ("0"));
  g_assert_true (fd_x_id_is_valid ("1860000000000000001"));
  g_assert_false (fd_x_id_is_valid ("18600000000000000011"));   /* 20 digits */
  g_assert_false (fd_x_id_is_valid ("012"));
  g_assert_false (fd_x_id_is_valid (""));
  g_assert_false (fd_x_id_is_valid ("12a"));
  g_assert_false (fd_x_id_is_valid (NULL));
  /* As numbers, not as text: "99" < "100" although "9" > "1". */
  g_assert_cmpint (fd_x_id_compare ("99", "100"), <, 0);
  g_assert_cmpint (fd_x_id_compare ("100", "99"), >, 0);
  g_assert_cmpint (fd_x_id_compare ("1860000000000000002", "1860000000000000001"), >, 0);
  g_assert_cmpint (fd_x_id_compare ("1860000000000000001", "1860000000000000001"), ==, 0);
  g_assert_cmpint (fd_x_id_compare (NULL, "1"), <, 0);
  g_assert_cmpint (fd_x_id_compare ("1", "x"), >, 0);
  g_assert_cmpint (fd_x_id_compare (NULL, NULL), ==, 0);
  g_assert_cmpstr (url, ==, "https://x.com/KakapoSystems/status/1860000000000000001");
}

static void
test_me (Fixture       *f,
         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  FdXRateLimit rate;
  g_autoptr(FdXUser) me = get_me (f, &rate, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (me->id, ==, ACCOUNT);
  g_assert_cmpstr (me->username, ==, "KakapoSystems");
  g_assert_cmpstr (me->name, ==, "KakapoSystems Support");
  /* X's published per-user limit of users/me: 75 a 15-minute window. */
  g_assert_cmpint (rate.limit, ==, 75);
  g_assert_cmpint (rate.remaining, ==, 74);
  g_assert_cmpint (rate.reset, >, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_cmpint (me->rate.remaining, ==, 74);
  g_assert_cmpuint (fd_x_client_get_calls (f->client), ==, 1);
}

/* FdOAuth's X platform against the fake's token endpoint: a refresh
 * rotates the refresh token and the new access token works; the old
 * refresh token is void at once (X's invalid_request: REVOKED); a
 * confidential client's secret goes as HTTP Basic. */
static FdOAuthTokens *
refresh (Fixture             *f,
         FdOAuthProvider     *provider,
         const char          *secret,
         const FdOAuthTokens *tokens,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fd_oauth_refresh_async (provider, f->session, "client-1", secret, tokens, NULL, on_done, &result);
  return fd_oauth_refresh_finish (wait_result (&result), error);
}

static void
test_oauth_refresh (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FdOAuthProvider) provider = fd_oauth_provider_new_for_base (FD_OAUTH_PLATFORM_X, NULL,
                                                                         fd_test_x_fake_get_url (f->fake));
  g_autofree char *grant = fd_test_x_fake_grant (f->fake, 60);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) first = g_new0 (FdOAuthTokens, 1);
  g_autoptr(FdOAuthTokens) second = NULL;
  g_autoptr(FdOAuthTokens) reused = NULL;
  g_autoptr(FdOAuthTokens) third = NULL;
  g_autoptr(FdOAuthTokens) revoked = NULL;
  g_autoptr(JsonObject) state = NULL;
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser, grant, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  first->access_token = g_strdup (json_object_get_string_member (object, "access_token"));
  first->refresh_token = g_strdup (json_object_get_string_member (object, "refresh_token"));
  first->expires_at = json_object_get_int_member (object, "expires_at");

  second = refresh (f, provider, NULL, first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->refresh_token, !=, first->refresh_token);
  g_assert_cmpint (second->expires_at, >, g_get_real_time () / G_USEC_PER_SEC + 7000);
  fd_x_client_set_access_token (f->client, second->access_token);
  {
    g_autoptr(FdXUser) me = get_me (f, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (me->id, ==, ACCOUNT);
  }

  reused = refresh (f, provider, NULL, first, &error);
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
  g_clear_error (&error);

  third = refresh (f, provider, "s3cret", second, &error);
  g_assert_no_error (error);
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "basic_auth"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (state, "refreshes"), ==, 3);

  fd_test_x_fake_control (f->fake, "{\"revoke\":true}");
  revoked = refresh (f, provider, NULL, third, &error);
  g_assert_error (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FdXPage) page = NULL;

  fd_x_client_mentions_async (f->client, ACCOUNT, NULL, NULL, cancellable, on_done, &result);
  g_cancellable_cancel (cancellable);
  page = fd_x_client_mentions_finish (f->client, wait_result (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/x-client/ids", test_ids);
#define ADD(path, fn) g_test_add ("/x-client/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("me", test_me);
  ADD ("mentions-paged", test_mentions_paged);
  ADD ("mention-media", test_mention_media);
  ADD ("dm-events-paged", test_dm_events_paged);
  ADD ("text-bounds", test_text_bounds);
  ADD ("post-with-media", test_post_with_media);
  ADD ("forbidden-detail", test_forbidden_detail);
  ADD ("weighted-length", test_weighted_length);
  ADD ("dm-with-media", test_dm_with_media);
  ADD ("upload-bounds", test_upload_bounds);
  ADD ("rate-limited", test_rate_limited);
  ADD ("unauthorized", test_unauthorized);
  ADD ("invalid-request", test_invalid_request);
  ADD ("hostile-answers", test_hostile_answers);
  ADD ("network-down", test_network_down);
  ADD ("oauth-refresh", test_oauth_refresh);
  ADD ("cancelled", test_cancelled);
#undef ADD
  return g_test_run ();
}
