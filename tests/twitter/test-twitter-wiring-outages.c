#define G_LOG_DOMAIN "fd-test"

/* test-twitter-wiring: outages: frontdeskd killed in the middle of a
 * cycle, X unreachable, the outbox through a kill. */

#include <string.h>

#include "test-twitter-wiring.h"

/* kill -9 while the mentions of one cycle are being stored: after a restart
 * every mention once, none missed, none doubled. */
#define BULK_MENTIONS 300
#define COUNT_ITEMS_IN "SELECT count(*) FROM x_items WHERE direct = 0 AND message_id IS NOT NULL"

void
test_kill_mid_cycle (Fixture       *f,
                     gconstpointer  data)
{
  gint64 stored;

  fd_test_server_stop (f->server);
  for (guint i = 0; i < BULK_MENTIONS; i++)
    {
      g_autofree char *user_id = g_strdup_printf ("%u", 3000 + i);
      g_autofree char *user = g_strdup_printf ("customer%u", i);
      g_autofree char *text = g_strdup_printf ("@KakapoSystems question %u", i);

      g_free (fd_test_x_fake_mention (f->fake, user_id, user, user, text, NULL));
    }
  fd_test_server_start (f->server);
  wait_count (f, COUNT_ITEMS_IN, 1);
  fd_test_server_kill (f->server);
  stored = fd_test_server_db_count (f->server, COUNT_ITEMS_IN);
  g_test_message ("killed after %" G_GINT64_FORMAT " of %d mentions", stored, BULK_MENTIONS);
  g_assert_cmpint (stored, <, BULK_MENTIONS);

  fd_test_server_start (f->server);
  wait_count (f, COUNT_ITEMS_IN, BULK_MENTIONS);
  fd_test_spin (2500);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_ITEMS_IN), ==, BULK_MENTIONS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM messages WHERE direction = 'in'"), ==,
                   BULK_MENTIONS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(DISTINCT text) FROM messages WHERE direction = 'in'"),
                   ==, BULK_MENTIONS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'twitter'"),
                   ==, BULK_MENTIONS);
}

/* X unreachable: the stream needs attention with a sentence (and backs
 * off); X back: ok again, and a mention posted meanwhile arrives. */
void
test_x_down (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autoptr(FdOfferEvent) offer = NULL;
  FdTestAgent *natalie;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  wait_health (f, "ok");
  fd_test_x_fake_control (f->fake, "{\"down\":\"503\"}");
  wait_health (f, "needs-attention");
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "Reading the mentions failed"));
  g_free (fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems anyone?", NULL));
  fd_test_x_fake_control (f->fake, "{\"down\":false}");
  offer = wait_offer (natalie);
  wait_health (f, "ok");
  fd_test_agent_free (natalie);
}

/* The outbox survives kill -9: X is down while the reply is acked; the
 * server is killed; X is back; after the restart exactly one post. */
void
test_outbox_survives_kill (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *post_id = NULL;
  g_autoptr(JsonArray) posts = NULL;
  FdTestAgent *natalie;
  FdFrame *ack;
  gint64 conversation_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mention (f, natalie, "@KakapoSystems where is my refund?", &post_id);
  fd_test_x_fake_control (f->fake, "{\"down\":true}");
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "It left today."));
  fd_frame_free (ack);
  wait_count (f, "SELECT count(*) FROM x_outbox WHERE state = 'queued' AND attempts > 0", 1);
  fd_test_agent_free (natalie);
  fd_test_server_kill (f->server);
  fd_test_x_fake_control (f->fake, "{\"down\":false}");
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "tweets"), >=, 1);

  fd_test_server_start (f->server);
  wait_count (f, "SELECT count(*) FROM x_outbox WHERE state = 'sent'", 1);
  fd_test_spin (2000);
  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (posts, 0), "text"), ==,
                   "It left today.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (posts, 0), "in_reply_to_tweet_id"),
                   ==, post_id);
}
