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

#define ACCOUNT_ID "1000"
#define HANDLE     "@KakapoSystems"
#define CAROL_ID   "2001"
#define DAVE_ID    "2002"

typedef struct {
  FdTestXFake  *fake;
  FdTestServer *server;
  gint64        org_id;
  gint64        queue_id;
  gint64        stream_id;
} Fixture;

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

static char *
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

/* --- Waits ------------------------------------------------------------------- */

/* Polls every 20 ms (a database and the fake change without an event of
 * the main context) for at most 60 s. */
#define poll_until(check, data, what) fd_test_poll_until ((check), (data), 20, 60, (what))
#define wait_count(f, sql, at_least) fd_test_server_wait_db_count ((f)->server, (sql), (at_least), 20)
#define wait_health(f, wanted) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), 20, 60)

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

static void
wait_fake (Fixture    *f,
           const char *what,
           gint64      at_least)
{
  FakeWait wait = { f->fake, what, at_least };

  poll_until (fake_reached, &wait, what);
}

#define wait_offer(agent) fd_test_agent_wait_offer ((agent), 30000, "an offer of an X item")

static void
wait_delivery (FdTestAgent     *agent,
               gint64           message_id,
               FdDeliveryState  state)
{
  fd_frame_free (fd_test_agent_wait_delivery (agent, message_id, state, 30000));
}

#define wait_customer_message(agent, conversation_id, text) \
  fd_test_agent_wait_customer_message ((agent), (conversation_id), (text), 30000)

/* A mention by Carol, offered to @agent and reserved: the conversation's id. */
static gint64
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

static FdMessage *
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
static const FdMessage *
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
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);
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

static gboolean
is_dm_requested_conversation (const FdFrame *frame,
                              gpointer       data)
{
  const FdMessage *msg = frame->body;

  if (frame->type == FD_FRAME_CONVERSATION)
    return ((FdConversation *) frame->body)->id == *(gint64 *) data &&
           ((FdConversation *) frame->body)->dm_requested;
  return frame->type == FD_FRAME_MESSAGE && msg->conversation != NULL &&
         msg->conversation->id == *(gint64 *) data && msg->conversation->dm_requested;
}

/* The Direct Message request: a public reply with the compose link of the
 * stream's account, once; the second is refused; the conversation says so. */
static void
test_dm_request (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *post_id = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdTestAgent *natalie;
  FdFrame *ack, *reply;
  JsonObject *post;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mention (f, natalie, "@KakapoSystems my account was charged twice", &post_id);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_DM_REQUEST, fd_test_conversation_ref (conversation_id));
  message_id = ((FdMessage *) ack->body)->id;
  g_assert_nonnull (strstr (((FdMessage *) ack->body)->text,
                            "https://x.com/messages/compose?recipient_id=" ACCOUNT_ID));
  g_assert_true (g_str_has_prefix (((FdMessage *) ack->body)->text, "@carol "));
  fd_frame_free (ack);
  fd_frame_free (fd_test_socket_wait_match (natalie->socket, is_dm_requested_conversation, &conversation_id, 30000,
                                            "the conversation with dm_requested"));
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);

  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  post = json_array_get_object_element (posts, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (post, "text"),
                            "https://x.com/messages/compose?recipient_id=" ACCOUNT_ID));
  g_assert_cmpstr (json_object_get_string_member (post, "in_reply_to_tweet_id"), ==, post_id);

  /* Once only. */
  reply = fd_test_agent_request (natalie, FD_FRAME_DM_REQUEST, fd_test_conversation_ref (conversation_id));
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_INVALID_STATE);
  fd_frame_free (reply);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  g_assert_true (detail->conversation->dm_requested);
  fd_test_spin (1500);
  g_clear_pointer (&posts, json_array_unref);
  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  fd_test_agent_free (natalie);
}

/* A direct message conversation both ways. */
static void
test_dm_both_ways (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(JsonArray) dms = NULL;
  g_autoptr(FdMessage) second = NULL;
  g_autofree char *event_id = NULL;
  g_autofree char *second_id = NULL;
  FdSendMessage *request;
  const FdMessage *first;
  JsonObject *dm;
  FdTestAgent *natalie;
  FdFrame *ack, *reply;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  event_id = fd_test_x_fake_dm (f->fake, DAVE_ID, "dave", "Dave Smith", "Hi, my card number ends in 1234");
  offer = wait_offer (natalie);
  conversation_id = offer->offer->conversation_id;
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  first = first_customer_message (detail);
  g_assert_cmpstr (first->text, ==, "Hi, my card number ends in 1234");
  g_assert_true (first->tweet->direct);
  g_assert_cmpstr (first->tweet->id, ==, event_id);
  g_assert_null (first->tweet->url);

  /* A public reply has no post to answer in a DM conversation. */
  reply = fd_test_agent_request (natalie, FD_FRAME_SEND_MESSAGE,
                                 fd_test_send_message (conversation_id, "r-0", "Public?"));
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_INVALID_STATE);
  fd_frame_free (reply);

  request = fd_test_send_message (conversation_id, "r-1", "Thanks Dave, we will check.");
  request->direct = TRUE;
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, request);
  message_id = ((FdMessage *) ack->body)->id;
  g_assert_true (((FdMessage *) ack->body)->tweet->direct);
  fd_frame_free (ack);
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);
  dms = fd_test_x_fake_sent_dms (f->fake);
  g_assert_cmpuint (json_array_get_length (dms), ==, 1);
  dm = json_array_get_object_element (dms, 0);
  g_assert_cmpstr (json_object_get_string_member (dm, "participant_id"), ==, DAVE_ID);
  g_assert_cmpstr (json_object_get_string_member (dm, "text"), ==, "Thanks Dave, we will check.");
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "tweets"), ==, 0);

  /* Dave writes again: the same conversation (his DM conversation); the
   * account's own DM, listed by X too, is no customer message. */
  second_id = fd_test_x_fake_dm (f->fake, DAVE_ID, "dave", "Dave Smith", "Great, thank you");
  second = wait_customer_message (natalie, 0, "Great, thank you");
  g_assert_cmpint (second->conversation_id, ==, conversation_id);
  fd_test_spin (1500);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM messages WHERE direction = 'in'"), ==, 2);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'twitter'"),
                   ==, 1);
  fd_test_agent_free (natalie);
}

/* An over-long public reply is refused with X's count; the same text as a
 * direct message is accepted. */
static void
test_length (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonArray) dms = NULL;
  FdSendMessage *request;
  FdTestAgent *natalie;
  FdFrame *reply, *ack;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mention (f, natalie, "@KakapoSystems how do I reset my router?", NULL);
  /* 270 letters and 10 emoji (2 each): 290. */
  for (guint i = 0; i < 270; i++)
    g_string_append_c (text, 'a' + (char) (i % 26));
  for (guint i = 0; i < 10; i++)
    g_string_append (text, "\xF0\x9F\x99\x82");
  reply = fd_test_agent_request (natalie, FD_FRAME_SEND_MESSAGE, fd_test_send_message (conversation_id, "r-1", text->str));
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_cmpstr (((FdErrorBody *) reply->body)->message, ==,
                   "X counts this reply as 290 characters; a post may have 280.");
  fd_frame_free (reply);

  request = fd_test_send_message (conversation_id, "r-2", text->str);
  request->direct = TRUE;
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, request);
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);
  dms = fd_test_x_fake_sent_dms (f->fake);
  g_assert_cmpuint (json_array_get_length (dms), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (dms, 0), "participant_id"), ==,
                   CAROL_ID);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "tweets"), ==, 0);
  fd_test_agent_free (natalie);
}

/* kill -9 while the mentions of one cycle are being stored: after a restart
 * every mention once, none missed, none doubled. */
#define BULK_MENTIONS 300
#define COUNT_ITEMS_IN "SELECT count(*) FROM x_items WHERE direct = 0 AND message_id IS NOT NULL"

static void
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

static gboolean
was_rate_limited (gpointer data)
{
  g_autoptr(JsonObject) state = fd_test_x_fake_state (data);

  return json_object_get_int_member (state, "rate_limited") >= 1;
}

/* A 429 with x-rate-limit-reset: no call of that endpoint before the reset,
 * then polling resumes and what was posted meanwhile arrives. */
static void
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
static void
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
static void
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

/* Uploads @bytes as @agent into @conversation_id (the agent files API);
 * the attachment of the 201 answer. */
static FdAttachment *
upload (Fixture      *f,
        FdTestAgent  *agent,
        gint64        conversation_id,
        const char   *name,
        const char   *content_type,
        GBytes       *bytes)
{
  g_autofree char *url = g_strdup_printf ("%s/api/agent/v1/files?conversation_id=%" G_GINT64_FORMAT "&name=%s",
                                          fd_test_server_get_url (f->server), conversation_id, name);
  g_autoptr(SoupMessage) msg = fd_test_http_message_new ("POST", url, agent->token, NULL, NULL);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  FdAttachment *attachment;

  soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  answer = fd_test_http_send (msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  attachment = fd_attachment_from_json (node, &error);
  g_assert_no_error (error);
  return attachment;
}

/* A customer's photo arrives as its link; an agent's image is uploaded to
 * X and posted with the reply; a file X does not take is refused. */
static void
test_media (Fixture       *f,
            gconstpointer  data)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
    0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d,
    0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
  };
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(FdMessage) first = NULL;
  g_autoptr(JsonArray) posts = NULL;
  g_autofree char *post_id = NULL;
  FdAttachment *picture, *document;
  FdSendMessage *request;
  JsonObject *post;
  FdTestAgent *natalie;
  FdFrame *reply, *ack;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  post_id = fd_test_x_fake_add (f->fake, "mention",
                                "{\"user_id\":\"" CAROL_ID "\",\"username\":\"carol\",\"name\":\"Carol Jones\","
                                "\"text\":\"@KakapoSystems it arrived broken\","
                                "\"media\":[{\"type\":\"photo\",\"url\":\"https://pbs.twimg.com/media/broken.jpg\"}]}");
  first = wait_customer_message (natalie, 0, "@KakapoSystems it arrived broken\nhttps://pbs.twimg.com/media/broken.jpg");
  conversation_id = first->conversation_id;
  offer = wait_offer (natalie);
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));

  document = upload (f, natalie, conversation_id, "notes.txt", "text/plain", text);
  request = fd_test_send_message (conversation_id, "r-1", "See the notes");
  request->attachments = fd_attachment_list_new ();
  g_ptr_array_add (request->attachments, document);
  reply = fd_test_agent_request (natalie, FD_FRAME_SEND_MESSAGE, request);
  fd_test_assert_error_frame (reply, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_nonnull (strstr (((FdErrorBody *) reply->body)->message, "X takes images"));
  fd_frame_free (reply);

  picture = upload (f, natalie, conversation_id, "label.png", "image/png", image);
  request = fd_test_send_message (conversation_id, "r-2", "Here is your return label.");
  request->attachments = fd_attachment_list_new ();
  g_ptr_array_add (request->attachments, picture);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, request);
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "media_upload"), ==, 1);
  posts = fd_test_x_fake_posts (f->fake);
  g_assert_cmpuint (json_array_get_length (posts), ==, 1);
  post = json_array_get_object_element (posts, 0);
  g_assert_cmpstr (json_object_get_string_member (post, "in_reply_to_tweet_id"), ==, post_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (post, "media_ids")), ==, 1);
  fd_test_agent_free (natalie);
}

/* X refuses a reply (403: the customer's DMs are closed): it fails with
 * X's detail, at once (no retry); retry-delivery sends it again once X
 * takes it. */
static void
test_refused_and_retry (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(JsonArray) dms = NULL;
  FdSendMessage *request;
  FdDelivery *retry;
  FdTestAgent *natalie;
  FdFrame *ack;
  const FdMessage *failed;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mention (f, natalie, "@KakapoSystems please DM me", NULL);
  fd_test_x_fake_control (f->fake, "{\"dms_closed\":[\"" CAROL_ID "\"]}");
  request = fd_test_send_message (conversation_id, "r-1", "Here are the details.");
  request->direct = TRUE;
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, request);
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  wait_delivery (natalie, message_id, FD_DELIVERY_FAILED);
  g_assert_cmpint (fd_test_x_fake_calls (f->fake, "dm_send"), ==, 1);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  failed = find_message (detail, message_id);
  g_assert_cmpint (failed->delivery->state, ==, FD_DELIVERY_FAILED);
  g_assert_nonnull (failed->delivery->reason);
  g_assert_nonnull (strstr (failed->delivery->reason, "You cannot send messages to this user"));
  g_assert_null (failed->tweet->id);

  fd_test_x_fake_control (f->fake, "{\"dms_closed\":[]}");
  retry = fd_delivery_new ();
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_RETRY_DELIVERY, retry);
  g_assert_cmpint (((FdDelivery *) ack->body)->state, ==, FD_DELIVERY_QUEUED);
  fd_frame_free (ack);
  wait_delivery (natalie, message_id, FD_DELIVERY_SENT);
  dms = fd_test_x_fake_sent_dms (f->fake);
  g_assert_cmpuint (json_array_get_length (dms), ==, 1);
  /* Only a failed reply is sent again. */
  retry = fd_delivery_new ();
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  fd_test_agent_expect_error (natalie, FD_FRAME_RETRY_DELIVERY, retry, FD_WIRE_ERROR_INVALID_STATE);
  fd_test_agent_free (natalie);
}

/* X unreachable: the stream needs attention with a sentence (and backs
 * off); X back: ok again, and a mention posted meanwhile arrives. */
static void
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
static void
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

/* Settings without the account id (a stream set up by hand): users/me is
 * asked once and the id saved in the stream's settings. */
static void
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
static void
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
