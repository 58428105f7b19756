#define G_LOG_DOMAIN "fd-test"

/* test-twitter-wiring: the X account behind the stream: its rate limits
 * (a 429, a remaining 0), its grant refreshed and revoked, its id asked
 * once. */

#include <string.h>

#include "test-twitter-wiring.h"

static gboolean
was_rate_limited (gpointer data)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (data);

  return json_object_get_int_member (state, "rate_limited") >= 1;
}

/* A 429 with x-rate-limit-reset: no call of that endpoint before the reset,
 * then polling resumes and what was posted meanwhile arrives. */
void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  FdTestAgent *natalie;
  g_autoptr(FdOfferEvent) offer = NULL;
  gint64 limited_at, deadline;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  wait_fake (f, "mentions", 2);
  fd_test_x_fake_control (f->fake, "{\"rate_limit\":{\"endpoint\":\"mentions\",\"count\":1,\"reset_in\":4}}");
  /* The reset is whole seconds since the epoch: at least 3 s from now. */
  deadline = g_get_real_time () / G_USEC_PER_SEC + 3;
  poll_until (was_rate_limited, f->fake, "a 429");
  limited_at = fd_test_x_fake_calls (f->fake, "mentions");
  g_free (fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems are you there?", NULL));
  while (g_get_real_time () / G_USEC_PER_SEC < deadline)
    {
      g_assert_cmpint (fd_test_x_fake_calls (f->fake, "mentions"), ==, limited_at);
      fd_test_spin (100);
    }
  /* The direct messages went on meanwhile. */
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_events"), >=, 2);
  offer = wait_offer (natalie);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "mentions"), >, limited_at);
  fd_test_agent_free (natalie);
}

/* An access token about to expire is refreshed and the rotated refresh
 * token saved: after a restart (nothing kept in memory), a second refresh
 * works, which only the rotated token allows (X voids the old one). */
void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  FdTestAgent *natalie;
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autofree char *health = NULL;

  /* The set-up's grant lasts 60 s: within the 300 s margin. */
  wait_fake (f, "refreshes", 1);
  wait_fake (f, "mentions", 1);
  fd_test_server_stop (f->server);
  fd_test_x_fake_control (f->fake, "{\"expire_access\":true}");
  fd_test_server_start (f->server);
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  wait_fake (f, "refreshes", 2);
  g_free (fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems hello", NULL));
  offer = wait_offer (natalie);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);
  g_assert_true (g_str_equal (health, "ok") || g_str_equal (health, ""));
  /* Nothing in the database holds a token in clear. */
  g_assert_false (fd_test_server_db_contains (f->server, "refresh_token"));
  fd_test_agent_free (natalie);
}

/* A revoked grant: the stream needs authorization (admin API and the
 * supervisors' list-stream-health); the calls of the day are reported. */
void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(FdStreamHealthList) list = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  FdTestAgent *ed;
  FdFrame *ack;
  const FdStreamHealthInfo *info = NULL;

  wait_fake (f, "mentions", 2);
  ed = fd_test_agent_sign_in (f->server, "ed@kakapo.example", "ed-demo-admin");
  fd_test_agent_connect (ed);
  /* Healthy: listed with its calls of the day. */
  ack = fd_test_agent_expect_ack (ed, FD_FRAME_LIST_STREAM_HEALTH, NULL);
  list = g_steal_pointer (&ack->body);
  fd_frame_free (ack);
  for (guint i = 0; i < list->items->len; i++)
    if (((FdStreamHealthInfo *) g_ptr_array_index (list->items, i))->stream_id == f->stream_id)
      info = g_ptr_array_index (list->items, i);
  g_assert_nonnull (info);
  g_assert_cmpint (info->kind, ==, FD_STREAM_TWITTER);
  g_assert_cmpint (info->health, ==, FD_STREAM_HEALTH_OK);
  g_assert_cmpint (info->calls_today, >=, 2);
  g_assert_cmpint (info->calls_today, ==,
                   fd_test_server_db_count (f->server, "SELECT calls_today FROM x_positions"));
  /* The admin API (frontdeskctl stream show) gives the same count. */
  {
    g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                             f->org_id, f->stream_id);
    g_autoptr(JsonNode) stream = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
    gint64 stored = fd_test_server_db_count (f->server, "SELECT calls_today FROM x_positions");

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (stream), "calls_today"), >=, 2);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (stream), "calls_today"), <=, stored);
  }

  fd_test_x_fake_control (f->fake, "{\"revoke\":true}");
  wait_health (f, "needs-authorization");
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "authoriz"));
  g_clear_pointer (&list, fd_stream_health_list_free);
  ack = fd_test_agent_expect_ack (ed, FD_FRAME_LIST_STREAM_HEALTH, NULL);
  list = g_steal_pointer (&ack->body);
  fd_frame_free (ack);
  info = NULL;
  for (guint i = 0; i < list->items->len; i++)
    if (((FdStreamHealthInfo *) g_ptr_array_index (list->items, i))->stream_id == f->stream_id)
      info = g_ptr_array_index (list->items, i);
  g_assert_nonnull (info);
  g_assert_cmpint (info->health, ==, FD_STREAM_HEALTH_NEEDS_AUTHORIZATION);
  fd_test_agent_free (ed);
}

/* Settings without the account id (a stream set up by hand): users/me is
 * asked once and the id saved in the stream's settings. */
void
test_account_id (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = stream_path (f);
  g_autoptr(JsonNode) stream = NULL;
  FdTestAgent *natalie;
  g_autoptr(FdOfferEvent) offer = NULL;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  wait_fake (f, "mentions", 3);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "users_me"), ==, 1);
  stream = fd_test_admin_expect (f->server, "GET", path, NULL, 200);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (stream), "settings_json"),
                            "\"account_id\":\"" ACCOUNT_ID "\""));
  g_free (fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems hi", NULL));
  offer = wait_offer (natalie);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "users_me"), ==, 1);
  fd_test_agent_free (natalie);
}

/* x-rate-limit-remaining 0 on an answer that succeeded: no more calls of
 * that endpoint before its reset (X's window: 15 minutes), without a 429;
 * the other endpoint goes on. */
void
test_remaining_zero (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonObject) state = NULL;
  gint64 mentions;

  wait_fake (f, "dm_events", 3);
  mentions = fd_test_x_fake_calls (f->fake, "mentions");
  fd_test_spin (3500);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_events"), ==, 3);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "mentions"), >=, mentions + 2);
  state = fd_test_x_fake_state (f->fake);
  g_assert_cmpint (json_object_get_int_member (state, "rate_limited"), ==, 0);
}
