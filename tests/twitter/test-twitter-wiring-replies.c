#define G_LOG_DOMAIN "fd-test"

/* test-twitter-wiring: the agent's replies: the Direct Message request,
 * direct messages both ways, the length X takes, media both ways, and a
 * reply X refuses, then retried. */

#include <string.h>

#include "test-twitter-wiring.h"

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
void
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
void
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
void
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
void
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
void
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
  {
    g_autoptr(FdFrame) refused = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_FAILED, 30000);

    /* Nothing reached X: no post to show. */
    g_assert_null (((FdDelivery *) refused->body)->tweet);
  }
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
