#define G_LOG_DOMAIN "test-twitter-model"

/* The Twitter side of the app's models (docs/twitter.md, "The app's
 * Twitter window"), without GTK and without a server: a connection that
 * is signed in but has no socket keeps its requests in its queue, where
 * the test reads their frames (dm-request, send-message with "direct")
 * and answers them; events are applied through the session as the
 * connection applies them. The live paths are in tests/ui/test-twitter-window. */

#include "fd-activity-model.h"
#include "fd-connection-private.h"
#include "fd-conversation-model.h"
#include "fd-format.h"
#include "fd-session-private.h"

#include <string.h>

#define CONV 45

typedef struct {
  FdConnection        *connection;
  FdConversationModel *model;
} Fixture;

static void
event (Fixture    *f,
       const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, json, strlen (json), &error);
  FdSession *session = fd_connection_get_session (f->connection);

  g_assert_no_error (error);
  _fd_session_apply_event (session, frame);
  _fd_session_emit_event (session, frame);
}

/* The first request of @type waiting in the queue, with its JSON. */
static FdPending *
find_request (Fixture      *f,
              FdFrameType   type,
              char        **json)
{
  for (GList *l = f->connection->pending.head; l != NULL; l = l->next)
    {
      FdPending *p = l->data;

      if (p->frame->type == type)
        {
          if (json != NULL)
            *json = fd_frame_encode (p->frame, NULL);
          return p;
        }
    }
  return NULL;
}

static guint
count_requests (Fixture     *f,
                FdFrameType  type)
{
  guint n = 0;

  for (GList *l = f->connection->pending.head; l != NULL; l = l->next)
    n += ((FdPending *) l->data)->frame->type == type;
  return n;
}

/* Answers @p with the ack whose body is @body_json. */
static void
ack (Fixture    *f,
     FdPending  *p,
     const char *body_json)
{
  g_autofree char *json = g_strdup_printf ("{\"type\":\"ack\",\"id\":\"%s\",\"for\":\"%s\",\"body\":%s}",
                                           p->id, fd_frame_type_to_string (p->frame->type), body_json);
  g_autoptr(GError) error = NULL;
  FdFrame *frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, json, strlen (json), &error);

  g_assert_no_error (error);
  _fd_pending_complete (f->connection, p, frame, NULL);
}

static void
count_notify_cb (guint *count)
{
  (*count)++;
}

static gint64
fixed_clock (gpointer user_data)
{
  gint64 t = 0;

  g_assert_true (fd_timestamp_from_string ("2026-11-18T11:11:28Z", &t));
  return t;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

#define CONVERSATION(state, extra) \
  "{\"id\":45,\"organization_id\":1,\"stream_id\":6,\"queue_id\":2,\"kind\":\"twitter\"," \
  "\"state\":\"" state "\",\"agent_id\":7,\"reserved_at\":\"2026-11-18T11:11:00Z\"," \
  "\"visitor_name\":\"Natalie Maines\",\"contact_id\":3," \
  "\"contact\":{\"id\":3,\"name\":\"Natalie Maines\",\"twitter_handle\":\"@nmaines\"}" extra "}"

#define MENTION \
  "{\"id\":901,\"conversation_id\":45,\"direction\":\"in\",\"author_name\":\"Natalie Maines\"," \
  "\"text\":\"@KakapoSystems my order is late\",\"created_at\":\"2026-11-18T11:10:40Z\"," \
  "\"tweet\":{\"id\":\"1866000000000000001\",\"direct\":false,\"author_handle\":\"nmaines\"," \
  "\"url\":\"https://x.com/nmaines/status/1866000000000000001\"}}"

#define DM_IN \
  "{\"id\":902,\"conversation_id\":45,\"direction\":\"in\",\"author_name\":\"Natalie Maines\"," \
  "\"text\":\"here is my order number\",\"created_at\":\"2026-11-18T11:10:50Z\"," \
  "\"tweet\":{\"id\":\"1866000000000000002\",\"direct\":true,\"author_handle\":\"nmaines\"}}"

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FdAgent) agent = fd_agent_new ();
  g_autoptr(FdOrganization) organization = fd_organization_new ();

  f->connection = fd_connection_new ("http://127.0.0.1:9");
  /* Signed in as far as the request queue is concerned; no socket is
   * ever opened, so every request waits in the queue for the test. */
  f->connection->active = TRUE;
  f->connection->token = g_strdup ("test-token");
  agent->id = 7;
  agent->name = g_strdup ("Jenna");
  organization->id = 1;
  organization->name = g_strdup ("Kakapo Systems");
  _fd_connection_set_identity (f->connection, agent, organization);
}

/* The model made and its get-conversation answered with @messages. */
static void
open_model (Fixture    *f,
            const char *conversation,
            const char *messages)
{
  g_autofree char *body = g_strdup_printf ("{\"conversation\":%s,\"messages\":[%s]}", conversation, messages);
  FdPending *p;

  f->model = fd_conversation_model_new (f->connection, CONV);
  p = find_request (f, FD_FRAME_GET_CONVERSATION, NULL);
  g_assert_nonnull (p);
  ack (f, p, body);
  spin ();
  g_assert_true (fd_conversation_model_get_loaded (f->model));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->model != NULL)
    g_assert_finalize_object (f->model);
  /* The model's requests still queued (mark-read, contact-history) were
   * cancelled with it; their cancellation completes on the main loop. */
  spin ();
  g_assert_cmpuint (f->connection->pending.length, ==, 0);
  f->connection->active = FALSE;
  g_assert_finalize_object (f->connection);
}

/* A message's tweet reaches its item; a customer's post makes a public
 * reply possible, a DM alone does not. */
static void
test_tweet_items (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *messages;
  g_autoptr(FdMessageItem) dm = NULL;
  g_autoptr(FdMessageItem) post = NULL;

  open_model (f, CONVERSATION ("reserved", ""), DM_IN);
  g_assert_true (fd_conversation_model_get_is_twitter (f->model));
  messages = fd_conversation_model_get_messages (f->model);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 1);
  dm = g_list_model_get_item (messages, 0);
  g_assert_true (fd_message_item_get_is_tweet (dm));
  g_assert_true (fd_message_item_get_tweet_direct (dm));
  g_assert_cmpstr (fd_message_item_get_tweet_author_handle (dm), ==, "nmaines");
  g_assert_cmpstr (fd_message_item_get_tweet_url (dm), ==, "");
  /* Only DMs: no post to answer publicly, so a DM is the only way and no
   * Direct Message request can be sent. */
  g_assert_false (fd_conversation_model_get_has_customer_post (f->model));
  g_assert_true (fd_conversation_model_get_reply_direct (f->model));
  g_assert_false (fd_conversation_model_set_reply_direct (f->model, FALSE));
  g_assert_true (fd_conversation_model_get_reply_direct (f->model));
  g_assert_false (fd_conversation_model_get_can_request_dm (f->model));
  g_assert_false (fd_conversation_model_request_dm (f->model));
  g_assert_false (fd_conversation_model_send_tweet (f->model, "public?", FALSE));
  g_assert_cmpuint (count_requests (f, FD_FRAME_SEND_MESSAGE), ==, 0);
  g_assert_cmpuint (count_requests (f, FD_FRAME_DM_REQUEST), ==, 0);

  /* The customer posts: public becomes the default, the request possible. */
  event (f, "{\"type\":\"message\",\"seq\":30,\"body\":" MENTION "}");
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
  post = g_list_model_get_item (messages, 1);
  g_assert_true (fd_message_item_get_is_tweet (post));
  g_assert_false (fd_message_item_get_tweet_direct (post));
  g_assert_cmpstr (fd_message_item_get_tweet_id (post), ==, "1866000000000000001");
  g_assert_cmpstr (fd_message_item_get_tweet_url (post), ==, "https://x.com/nmaines/status/1866000000000000001");
  g_assert_true (fd_conversation_model_get_has_customer_post (f->model));
  g_assert_false (fd_conversation_model_get_reply_direct (f->model));
  g_assert_true (fd_conversation_model_get_can_request_dm (f->model));
}

/* send-message carries "direct" as chosen; the ack's tweet (X's id and
 * url) reaches the item; the server's length refusal is the item's error
 * and the status line's sentence. */
static void
test_send_direct (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autoptr(FdMessageItem) reply = NULL;
  g_autoptr(FdMessageItem) refused = NULL;
  GListModel *messages;
  FdPending *p;
  g_autofree char *long_text = g_strnfill (300, 'a');
  const char *refusal = "X counts this reply as 300 characters; a post may have 280.";

  open_model (f, CONVERSATION ("reserved", ""), MENTION);
  messages = fd_conversation_model_get_messages (f->model);

  g_assert_true (fd_conversation_model_send_tweet (f->model, "  We are on it  ", TRUE));
  g_assert_true (fd_conversation_model_get_reply_direct (f->model));
  p = find_request (f, FD_FRAME_SEND_MESSAGE, &json);
  g_assert_nonnull (p);
  g_assert_nonnull (strstr (json, "\"direct\":true"));
  g_assert_nonnull (strstr (json, "\"text\":\"We are on it\""));
  g_assert_nonnull (strstr (json, "\"conversation_id\":45"));
  reply = g_list_model_get_item (messages, 1);
  g_assert_cmpint (fd_message_item_get_send_state (reply), ==, FD_SEND_STATE_SENDING);
  g_assert_true (fd_message_item_get_tweet_direct (reply));
  ack (f, p, "{\"id\":903,\"conversation_id\":45,\"direction\":\"out\",\"agent_id\":7,\"text\":\"We are on it\","
             "\"client_id\":\"x\",\"created_at\":\"2026-11-18T11:12:00Z\","
             "\"tweet\":{\"id\":\"1866000000000000009\",\"direct\":true,\"author_handle\":\"KakapoSystems\"},"
             "\"delivery\":{\"conversation_id\":45,\"message_id\":903,\"state\":\"sent\"}}");
  spin ();
  g_assert_cmpint (fd_message_item_get_send_state (reply), ==, FD_SEND_STATE_SENT);
  g_assert_cmpint (fd_message_item_get_id (reply), ==, 903);
  g_assert_cmpstr (fd_message_item_get_tweet_id (reply), ==, "1866000000000000009");
  g_assert_cmpint (fd_message_item_get_delivery_state (reply), ==, FD_DELIVERY_STATUS_SENT);

  /* Public this time: "direct" is false on the wire. */
  g_clear_pointer (&json, g_free);
  g_assert_true (fd_conversation_model_send_tweet (f->model, long_text, FALSE));
  g_assert_false (fd_conversation_model_get_reply_direct (f->model));
  p = find_request (f, FD_FRAME_SEND_MESSAGE, &json);
  /* false is the field's default, which the codec may leave out. */
  g_assert_null (strstr (json, "\"direct\":true"));
  g_assert_nonnull (strstr (json, "\"text\":\"aaaa"));
  refused = g_list_model_get_item (messages, 2);
  _fd_pending_complete (f->connection, p, NULL,
                        g_error_new_literal (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL, refusal));
  spin ();
  g_assert_cmpint (fd_message_item_get_send_state (refused), ==, FD_SEND_STATE_FAILED);
  g_assert_cmpstr (fd_message_item_get_error (refused), ==, refusal);
  g_assert_cmpstr (fd_conversation_model_get_status (f->model), ==, refusal);
}

/* A public reply is acked queued, without X's id; the "sent" delivery
 * event brings the id and the post's url to the open window's item, as a
 * reload would (docs/protocol.md, "delivery"). */
static void
test_sent_event_id (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FdMessageItem) reply = NULL;
  guint url_notified = 0;
  FdPending *p;

  open_model (f, CONVERSATION ("reserved", ""), MENTION);
  g_assert_true (fd_conversation_model_send_tweet (f->model, "We are on it", FALSE));
  p = find_request (f, FD_FRAME_SEND_MESSAGE, NULL);
  g_assert_nonnull (p);
  reply = g_list_model_get_item (fd_conversation_model_get_messages (f->model), 1);
  ack (f, p, "{\"id\":903,\"conversation_id\":45,\"direction\":\"out\",\"agent_id\":7,\"text\":\"We are on it\","
             "\"client_id\":\"x\",\"created_at\":\"2026-11-18T11:12:00Z\","
             "\"tweet\":{\"direct\":false,\"author_handle\":\"KakapoSystems\","
             "\"in_reply_to\":\"1866000000000000001\"},"
             "\"delivery\":{\"conversation_id\":45,\"message_id\":903,\"state\":\"queued\"}}");
  spin ();
  g_assert_cmpint (fd_message_item_get_delivery_state (reply), ==, FD_DELIVERY_STATUS_QUEUED);
  g_assert_cmpstr (fd_message_item_get_tweet_id (reply), ==, "");
  g_assert_cmpstr (fd_message_item_get_tweet_url (reply), ==, "");
  g_signal_connect_swapped (reply, "notify::tweet-url", G_CALLBACK (count_notify_cb), &url_notified);

  event (f, "{\"type\":\"delivery\",\"seq\":20,\"body\":{\"conversation_id\":45,\"message_id\":903,"
            "\"state\":\"sent\",\"attempts\":1,\"tweet\":{\"id\":\"1866000000000000010\",\"direct\":false,"
            "\"author_handle\":\"KakapoSystems\",\"in_reply_to\":\"1866000000000000001\","
            "\"url\":\"https://x.com/KakapoSystems/status/1866000000000000010\"}}}");
  g_assert_cmpint (fd_message_item_get_delivery_state (reply), ==, FD_DELIVERY_STATUS_SENT);
  g_assert_cmpstr (fd_message_item_get_tweet_id (reply), ==, "1866000000000000010");
  g_assert_cmpstr (fd_message_item_get_tweet_url (reply), ==, "https://x.com/KakapoSystems/status/1866000000000000010");
  g_assert_cmpstr (fd_message_item_get_tweet_in_reply_to (reply), ==, "1866000000000000001");
  g_assert_cmpuint (url_notified, >=, 1);

  /* Another conversation's event touches nothing here. */
  event (f, "{\"type\":\"delivery\",\"seq\":21,\"body\":{\"conversation_id\":46,\"message_id\":903,"
            "\"state\":\"sent\",\"tweet\":{\"id\":\"1\",\"direct\":false,\"author_handle\":\"Other\","
            "\"url\":\"https://x.com/Other/status/1\"}}}");
  g_assert_cmpstr (fd_message_item_get_tweet_id (reply), ==, "1866000000000000010");
}

/* dm-request: its frame names the conversation; the ack's reply joins the
 * transcript and "dm-requested" turns TRUE; a conversation event alone
 * (another window, a later opening) says so too. */
static void
test_dm_request (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;
  GListModel *messages;
  FdPending *p;
  guint notified = 0;

  open_model (f, CONVERSATION ("reserved", ""), MENTION);
  messages = fd_conversation_model_get_messages (f->model);
  g_signal_connect_swapped (f->model, "notify::dm-requested", G_CALLBACK (count_notify_cb), &notified);
  g_assert_false (fd_conversation_model_get_dm_requested (f->model));
  g_assert_true (fd_conversation_model_request_dm (f->model));
  g_assert_true (fd_conversation_model_get_dm_request_pending (f->model));
  /* One at a time. */
  g_assert_false (fd_conversation_model_request_dm (f->model));
  g_assert_cmpuint (count_requests (f, FD_FRAME_DM_REQUEST), ==, 1);
  p = find_request (f, FD_FRAME_DM_REQUEST, &json);
  expected = g_strdup_printf ("{\"type\":\"dm-request\",\"id\":\"%s\",\"body\":{\"conversation_id\":45}}", p->id);
  g_assert_cmpstr (json, ==, expected);
  ack (f, p, "{\"id\":904,\"conversation_id\":45,\"direction\":\"out\",\"agent_id\":7,"
             "\"text\":\"@nmaines Send us a Direct Message: https://x.com/messages/compose?recipient_id=42\","
             "\"created_at\":\"2026-11-18T11:13:00Z\","
             "\"tweet\":{\"direct\":false,\"author_handle\":\"KakapoSystems\",\"in_reply_to\":\"1866000000000000001\"},"
             "\"delivery\":{\"conversation_id\":45,\"message_id\":904,\"state\":\"queued\"}}");
  spin ();
  g_assert_false (fd_conversation_model_get_dm_request_pending (f->model));
  g_assert_true (fd_conversation_model_get_dm_requested (f->model));
  g_assert_false (fd_conversation_model_get_can_request_dm (f->model));
  g_assert_false (fd_conversation_model_request_dm (f->model));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, 2);
}

static void
test_dm_requested_event (Fixture       *f,
                         gconstpointer  data)
{
  guint notified = 0;

  open_model (f, CONVERSATION ("reserved", ""), MENTION);
  g_assert_true (fd_conversation_model_get_can_request_dm (f->model));
  g_signal_connect_swapped (f->model, "notify::dm-requested", G_CALLBACK (count_notify_cb), &notified);
  event (f, "{\"type\":\"conversation\",\"seq\":31,\"body\":" CONVERSATION ("reserved", ",\"dm_requested\":true") "}");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_true (fd_conversation_model_get_dm_requested (f->model));
  g_assert_false (fd_conversation_model_get_can_request_dm (f->model));
  /* The same again changes nothing. */
  event (f, "{\"type\":\"conversation\",\"seq\":32,\"body\":" CONVERSATION ("reserved", ",\"dm_requested\":true") "}");
  g_assert_cmpuint (notified, ==, 1);
}

/* The Activity List's Tweet row: icon, From with the handle, To, unread. */
static void
test_tweet_row (Fixture       *f,
                gconstpointer  data)
{
  FdActivityModel *activity = fd_session_get_activity_model (fd_connection_get_session (f->connection));
  FdConversationItem *item;
  const FdConversation *conversation;
  g_autofree char *from = NULL;

  fd_activity_model_set_stream_name (activity, 6, "Kakapo on X");
  fd_activity_model_set_clock (activity, fixed_clock, NULL, NULL);
  event (f, "{\"type\":\"offer\",\"seq\":40,\"body\":{"
            "\"offer\":{\"conversation_id\":45,\"agent_id\":7,\"phase\":0,\"offered_at\":\"2026-11-18T11:10:41Z\","
            "\"bounce_at\":\"2026-11-18T11:11:41Z\"},"
            "\"conversation\":{\"id\":45,\"organization_id\":1,\"stream_id\":6,\"queue_id\":2,\"kind\":\"twitter\","
            "\"state\":\"unreserved\",\"visitor_name\":\"Natalie Maines\",\"unread\":2,"
            "\"contact\":{\"id\":3,\"name\":\"Natalie Maines\",\"twitter_handle\":\"@nmaines\"}}}}");
  item = fd_activity_model_lookup (activity, CONV);
  g_assert_nonnull (item);
  conversation = fd_conversation_item_get_conversation (item);
  from = fd_format_visitor (conversation);
  g_assert_cmpstr (from, ==, "Natalie Maines (@nmaines)");
  g_assert_cmpstr (fd_format_activity (conversation->kind), ==, "Tweet");
  g_assert_cmpstr (fd_format_activity_icon (conversation->kind), ==, "send-to-symbolic");
  g_assert_cmpstr (fd_conversation_item_get_activity (item), ==, "Tweet");
  g_assert_cmpstr (fd_conversation_item_get_icon_name (item), ==, "send-to-symbolic");
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Natalie Maines (@nmaines)");
  g_assert_cmpstr (fd_conversation_item_get_to (item), ==, "Kakapo Systems > Kakapo on X");
  /* Offered 47 s before the clock's now. */
  g_assert_cmpstr (fd_conversation_item_get_duration (item), ==, "00:47");
  g_assert_cmpstr (fd_conversation_item_get_status (item), ==, "Unread (2 new)");
}

/* The supervisor's strip: a twitter stream's line names the day's calls. */
static void
test_stream_health (void)
{
  FdStreamHealthInfo info = { 0 };
  g_autofree char *attention = NULL;
  g_autofree char *one = NULL;
  g_autofree char *email = NULL;

  info.stream_id = 6;
  info.name = (char *) "Kakapo on X";
  info.kind = FD_STREAM_TWITTER;
  info.health = FD_STREAM_HEALTH_NEEDS_ATTENTION;
  info.reason = (char *) "X is not answering; the next try is in 4 seconds.";
  info.calls_today = 1204;
  attention = fd_format_stream_health (&info);
  g_assert_cmpstr (attention, ==, "X stream “Kakapo on X” needs attention: X is not answering; the next try is in "
                                  "4 seconds. (1204 X API calls today)");
  info.health = FD_STREAM_HEALTH_NEEDS_AUTHORIZATION;
  info.reason = (char *) "The grant was revoked.";
  info.calls_today = 1;
  one = fd_format_stream_health (&info);
  g_assert_cmpstr (one, ==, "X stream “Kakapo on X” needs authorization: The grant was revoked. (1 X API call today)");
  info.kind = FD_STREAM_EMAIL;
  info.name = (char *) "Support";
  email = fd_format_stream_health (&info);
  g_assert_cmpstr (email, ==, "Email stream “Support” needs authorization: The grant was revoked.");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/agent/twitter/tweet-items", Fixture, NULL, fixture_set_up, test_tweet_items, fixture_tear_down);
  g_test_add ("/agent/twitter/send-direct", Fixture, NULL, fixture_set_up, test_send_direct, fixture_tear_down);
  g_test_add ("/agent/twitter/sent-event-id", Fixture, NULL, fixture_set_up, test_sent_event_id, fixture_tear_down);
  g_test_add ("/agent/twitter/dm-request", Fixture, NULL, fixture_set_up, test_dm_request, fixture_tear_down);
  g_test_add ("/agent/twitter/dm-requested-event", Fixture, NULL, fixture_set_up, test_dm_requested_event,
              fixture_tear_down);
  g_test_add ("/agent/twitter/tweet-row", Fixture, NULL, fixture_set_up, test_tweet_row, fixture_tear_down);
  g_test_add_func ("/agent/twitter/stream-health", test_stream_health);
  return g_test_run ();
}
