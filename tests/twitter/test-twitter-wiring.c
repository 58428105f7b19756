#define G_LOG_DOMAIN "fd-test"

/* The Twitter/X channel wired into frontdeskd (docs/twitter.md): a real
 * frontdeskd on loopback with the demo site, whose stream "Kakapo on X"
 * is given the fake X's grant through the admin API and polls every
 * second, driven as the agent app would (FdTestAgent) while customers post
 * and write direct messages on the fake X (tests/twitter/fd-x-fake.py).
 * A missing python3 fails, never skips. */

#include <string.h>

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-x-fake.h"
#include "test-twitter-wiring.h"

/* Set by a test before the set-up: the lifetime of the first grant (0:
 * an hour), and whether the settings leave the account id out. */
static gint grant_lifetime;
static gboolean no_account_id;
/* …and the fake's budget of DM lookups in its window (0: X's). */
static gint dm_budget;

static void
start_server (Fixture *f)
{
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--x-api-base-url", fd_test_x_fake_get_url (f->fake),
                           "--x-oauth-base-url", fd_test_x_fake_get_url (f->fake), "--x-backoff-ms", "200", NULL);
  fd_test_server_start (f->server);
}

char *
stream_path (Fixture *f)
{
  return g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, f->org_id, f->stream_id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *grant = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;

  f->fake = fd_test_x_fake_new (ACCOUNT_ID, HANDLE);
  if (dm_budget > 0)
    {
      g_autofree char *control = g_strdup_printf ("{\"budget\":{\"dm_events\":%d}}", dm_budget);

      fd_test_x_fake_control (f->fake, control);
    }
  start_server (f);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Support");
  f->stream_id = fd_test_admin_find_id (f->server, f->org_id, "streams", "Kakapo on X");
  grant = fd_test_x_fake_grant (f->fake, grant_lifetime > 0 ? grant_lifetime : 3600);
  body = g_strdup_printf ("{\"settings_json\":\"{\\\"handle\\\":\\\"" HANDLE "\\\",\\\"poll_seconds\\\":1,%s"
                          "\\\"oauth_client_id\\\":\\\"frontdesk-test\\\"}\","
                          "\"oauth_tokens\":%s}",
                          no_account_id ? "" : "\\\"account_id\\\":\\\"" ACCOUNT_ID "\\\",", grant);
  path = stream_path (f);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
  /* The grant is write-only. */
  g_assert_false (fd_test_server_db_contains (f->server, "refresh_token"));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->fake, fd_test_x_fake_free);
  grant_lifetime = 0;
  no_account_id = FALSE;
  dm_budget = 0;
}

static void
budget_set_up (Fixture       *f,
               gconstpointer  data)
{
  dm_budget = 3;
  fixture_set_up (f, data);
}

static void
account_id_set_up (Fixture       *f,
                   gconstpointer  data)
{
  no_account_id = TRUE;
  fixture_set_up (f, data);
}

static void
refresh_set_up (Fixture       *f,
                gconstpointer  data)
{
  grant_lifetime = 60;
  fixture_set_up (f, data);
}

/* --- Waits ------------------------------------------------------------------- */

typedef struct {
  FdTestXFake *fake;
  const char  *what;     /* "posts", "dms", "refreshes", or an endpoint's calls */
  gint64       at_least;
} FakeWait;

static gint64
fake_count (FdTestXFake *fake,
            const char  *what)
{
  if (g_str_equal (what, "posts"))
    {
      g_autoptr(JsonArray) posts = fd_test_x_fake_posts (fake);

      return json_array_get_length (posts);
    }
  if (g_str_equal (what, "dms"))
    {
      g_autoptr(JsonArray) dms = fd_test_x_fake_sent_dms (fake);

      return json_array_get_length (dms);
    }
  if (g_str_equal (what, "refreshes"))
    {
      g_autoptr(JsonObject) state = fd_test_x_fake_state (fake);

      return json_object_get_int_member (state, "refreshes");
    }
  return fd_test_x_fake_calls (fake, what);
}

static gboolean
fake_reached (gpointer data)
{
  FakeWait *wait = data;

  return fake_count (wait->fake, wait->what) >= wait->at_least;
}

void
wait_fake (Fixture    *f,
           const char *what,
           gint64      at_least)
{
  FakeWait wait = { f->fake, what, at_least };

  poll_until (fake_reached, &wait, what);
}

void
wait_delivery (FdTestAgent     *agent,
               gint64           message_id,
               FdDeliveryState  state)
{
  fd_frame_free (fd_test_agent_wait_delivery (agent, message_id, state, 30000));
}

/* A mention by Carol, offered to @agent and reserved: the conversation's id. */
gint64
reserve_mention (Fixture      *f,
                 FdTestAgent  *agent,
                 const char   *text,
                 char        **out_post_id)
{
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autofree char *post_id = fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", text, NULL);
  gint64 conversation_id;

  offer = wait_offer (agent);
  conversation_id = offer->offer->conversation_id;
  g_assert_cmpint (offer->conversation->kind, ==, FD_STREAM_TWITTER);
  fd_frame_free (fd_test_agent_expect_ack (agent, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  if (out_post_id != NULL)
    *out_post_id = g_steal_pointer (&post_id);
  return conversation_id;
}

FdMessage *
find_message (FdConversationDetail *detail,
              gint64                message_id)
{
  for (guint i = 0; i < detail->messages->len; i++)
    if (((FdMessage *) g_ptr_array_index (detail->messages, i))->id == message_id)
      return g_ptr_array_index (detail->messages, i);
  g_error ("Message %" G_GINT64_FORMAT " is not in the conversation", message_id);
  return NULL;
}

/* The first message of the customer (system notes aside). */
const FdMessage *
first_customer_message (FdConversationDetail *detail)
{
  for (guint i = 0; i < detail->messages->len; i++)
    if (((FdMessage *) g_ptr_array_index (detail->messages, i))->direction == FD_DIRECTION_IN)
      return g_ptr_array_index (detail->messages, i);
  g_error ("No message of the customer");
  return NULL;
}

/* --- Tests ---------------------------------------------------------------------- */

/* A mention becomes an offer within a cycle; the agent's public reply
 * reaches X answering it; the customer's reply in that chain joins the same
 * conversation; after a close a new mention opens a new conversation. */
static void
test_mention_flow (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *post_id = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdConversationDetail) after = NULL;
  g_autoptr(FdFrame) delivered = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(FdMessage) answer = NULL;
  g_autoptr(FdOfferEvent) offer2 = NULL;
  g_autofree char *carol_reply = NULL;
  const FdMessage *first, *sent;
  JsonObject *post;
  FdTestAgent *natalie;
  FdFrame *ack;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mention (f, natalie, "@KakapoSystems my order 42 has not arrived", &post_id);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  first = first_customer_message (detail);
  g_assert_cmpstr (first->text, ==, "@KakapoSystems my order 42 has not arrived");
  g_assert_nonnull (first->tweet);
  g_assert_cmpstr (first->tweet->id, ==, post_id);
  g_assert_false (first->tweet->direct);
  g_assert_cmpstr (first->tweet->author_handle, ==, "carol");
  g_assert_nonnull (first->tweet->url);
  g_assert_true (g_str_has_suffix (first->tweet->url, post_id));
  g_assert_cmpstr (detail->conversation->visitor_name, ==, "Carol Jones");
  g_assert_nonnull (detail->conversation->contact);
  g_assert_cmpstr (detail->conversation->contact->twitter_handle, ==, "@carol");
  g_assert_false (detail->conversation->dm_requested);
  g_assert_cmpint (detail->conversation->unread, ==, 1);

  /* The public reply, acked queued, sent at once, answering the mention. */
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Sorry Carol, we are on it."));
  message_id = ((FdMessage *) ack->body)->id;
  g_assert_nonnull (((FdMessage *) ack->body)->delivery);
  g_assert_cmpint (((FdMessage *) ack->body)->delivery->state, ==, FD_DELIVERY_QUEUED);
  g_assert_nonnull (((FdMessage *) ack->body)->tweet);
  g_assert_cmpstr (((FdMessage *) ack->body)->tweet->in_reply_to, ==, post_id);
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  post = json_array_get_object_element (posts, 0);
  g_assert_cmpstr (json_object_get_string_member (post, "text"), ==, "Sorry Carol, we are on it.");
  g_assert_cmpstr (json_object_get_string_member (post, "in_reply_to_tweet_id"), ==, post_id);

  /* The reply's X id and address are stored and shown. */
  after = fd_test_agent_get_conversation (natalie, conversation_id);
  sent = find_message (after, message_id);
  g_assert_nonnull (sent->tweet);
  g_assert_cmpstr (sent->tweet->id, ==, json_object_get_string_member (post, "id"));
  g_assert_cmpstr (sent->tweet->author_handle, ==, "KakapoSystems");
  g_assert_nonnull (sent->tweet->url);
  g_assert_cmpint (sent->delivery->state, ==, FD_DELIVERY_SENT);
  /* The "sent" event said so already, for windows open on it. */
  g_assert_nonnull (((FdDelivery *) delivered->body)->tweet);
  g_assert_cmpstr (((FdDelivery *) delivered->body)->tweet->id, ==, sent->tweet->id);
  g_assert_cmpstr (((FdDelivery *) delivered->body)->tweet->url, ==, sent->tweet->url);
  g_assert_cmpstr (((FdDelivery *) delivered->body)->tweet->in_reply_to, ==, post_id);
  g_assert_false (((FdDelivery *) delivered->body)->tweet->direct);

  /* Carol answers the reply: the same conversation. */
  carol_reply = fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems thanks!",
                                        json_object_get_string_member (post, "id"));
  answer = wait_customer_message (natalie, 0, "@KakapoSystems thanks!");
  g_assert_cmpint (answer->conversation_id, ==, conversation_id);
  g_assert_cmpstr (answer->tweet->in_reply_to, ==, json_object_get_string_member (post, "id"));

  /* Closed, then a new mention in the same chain: a new conversation. */
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_CLOSE, fd_test_conversation_ref (conversation_id)));
  g_free (fd_test_x_fake_mention (f->fake, CAROL_ID, "carol", "Carol Jones", "@KakapoSystems one more thing",
                                  carol_reply));
  offer2 = wait_offer (natalie);
  g_assert_cmpint (offer2->offer->conversation_id, !=, conversation_id);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'twitter'"),
                   ==, 2);
  /* One contact for Carol, found again by her handle. */
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM contacts WHERE twitter_handle = '@carol'"),
                   ==, 1);
  fd_test_agent_free (natalie);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/twitter/wiring/mention-flow", Fixture, NULL, fixture_set_up, test_mention_flow, fixture_tear_down);
  g_test_add ("/twitter/wiring/dm-request", Fixture, NULL, fixture_set_up, test_dm_request, fixture_tear_down);
  g_test_add ("/twitter/wiring/dm-both-ways", Fixture, NULL, fixture_set_up, test_dm_both_ways, fixture_tear_down);
  g_test_add ("/twitter/wiring/length", Fixture, NULL, fixture_set_up, test_length, fixture_tear_down);
  g_test_add ("/twitter/wiring/kill-mid-cycle", Fixture, NULL, fixture_set_up, test_kill_mid_cycle,
              fixture_tear_down);
  g_test_add ("/twitter/wiring/rate-limit", Fixture, NULL, fixture_set_up, test_rate_limit, fixture_tear_down);
  g_test_add ("/twitter/wiring/remaining-zero", Fixture, NULL, budget_set_up, test_remaining_zero, fixture_tear_down);
  g_test_add ("/twitter/wiring/refresh", Fixture, NULL, refresh_set_up, test_refresh, fixture_tear_down);
  g_test_add ("/twitter/wiring/revoked-and-calls", Fixture, NULL, fixture_set_up, test_revoked, fixture_tear_down);
  g_test_add ("/twitter/wiring/account-id", Fixture, NULL, account_id_set_up, test_account_id, fixture_tear_down);
  g_test_add ("/twitter/wiring/media", Fixture, NULL, fixture_set_up, test_media, fixture_tear_down);
  g_test_add ("/twitter/wiring/refused-and-retry", Fixture, NULL, fixture_set_up, test_refused_and_retry,
              fixture_tear_down);
  g_test_add ("/twitter/wiring/x-down", Fixture, NULL, fixture_set_up, test_x_down, fixture_tear_down);
  g_test_add ("/twitter/wiring/outbox-survives-kill", Fixture, NULL, fixture_set_up, test_outbox_survives_kill,
              fixture_tear_down);
  return g_test_run ();
}
