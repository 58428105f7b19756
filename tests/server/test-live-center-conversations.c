/* The live center's conversations against a real frontdeskd: an offer,
 * reserve and withdraw, messages both ways and idempotent sends, close
 * and rating; resume; a missed chat and bad input; transfer and the
 * callback's attempts. */

#include "test-live-center.h"

static gboolean
is_withdraw_of (const FdFrame *frame,
                gpointer       user_data)
{
  return frame->type == FD_FRAME_WITHDRAW &&
         ((FdWithdraw *) frame->body)->conversation_id == *(gint64 *) user_data;
}

void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestAgent) bob = connect_and_join (f, "bob@live.example", "bob-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer_a = NULL;
  g_autoptr(FdFrame) offer_b = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(FdFrame) joined = NULL;
  g_autoptr(FdFrame) in_event = NULL;
  g_autoptr(FdFrame) sent = NULL;
  g_autoptr(FdFrame) resent = NULL;
  g_autoptr(FdFrame) to_visitor = NULL;
  g_autoptr(FdFrame) closed_ack = NULL;
  g_autoptr(FdFrame) closed = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdVisitorWelcome *welcome;
  FdConversation *conv;
  FdMessage *msg;
  guint outs = 0;
  gint64 id;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Natalie");
  id = visitor->conversation_id;
  welcome = fd_test_visitor_connect (visitor);
  g_assert_cmpint (welcome->state, ==, FD_CONVERSATION_UNRESERVED);

  /* Ring-all: both agents are offered the chat. */
  offer_a = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  offer_b = fd_test_agent_wait_event (bob, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) offer_a->body)->offer->conversation_id, ==, id);
  g_assert_cmpint (((FdOfferEvent *) offer_b->body)->offer->conversation_id, ==, id);
  /* The test client's User-Agent names no known browser: none is sent. */
  g_assert_null (((FdOfferEvent *) offer_a->body)->conversation->browser);
  g_assert_cmpstr (((FdOfferEvent *) offer_a->body)->conversation->ip, ==, "127.0.0.1");

  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));
  conv = reserved->body;
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (conv->agent_id, ==, ann->agent->id);
  g_assert_cmpint (conv->reserved_at, >, 0);
  g_assert_cmpint (conv->first_assigned_at, >, 0);
  withdraw = fd_test_socket_wait_match (bob->socket, is_withdraw_of, &id, FD_TEST_TIMEOUT_MS, "withdraw");
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_RESERVED_BY_OTHER);
  fd_test_agent_expect_error (bob, FD_FRAME_RESERVE, fd_test_conversation_ref (id), FD_WIRE_ERROR_CONFLICT);
  /* Reserving again is acknowledged. */
  g_clear_pointer (&reserved, fd_frame_free);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));

  joined = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_AGENT_JOINED);
  g_assert_cmpstr (((FdAgentJoined *) joined->body)->name, ==, "Ann");

  /* The visitor writes; the agent sees it. */
  fd_test_visitor_send (visitor, "w-1", "Do you ship to Norway?");
  in_event = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
  while (((FdMessage *) in_event->body)->direction != FD_DIRECTION_IN)
    {
      g_clear_pointer (&in_event, fd_frame_free);
      in_event = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
    }
  g_assert_cmpstr (((FdMessage *) in_event->body)->text, ==, "Do you ship to Norway?");
  g_assert_cmpstr (((FdMessage *) in_event->body)->client_id, ==, "w-1");

  /* Bob holds nothing: he may not write into Ann's chat. */
  fd_test_agent_expect_error (bob, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "b-1", "Hi"), FD_WIRE_ERROR_FORBIDDEN);

  /* The agent answers; a resend with the same client id is stored once. */
  sent = fd_test_agent_expect_ack (ann, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "c-1", "Yes, we do."));
  resent = fd_test_agent_expect_ack (ann, FD_FRAME_SEND_MESSAGE, fd_test_send_message (id, "c-1", "Yes, we do."));
  g_assert_cmpint (((FdMessage *) sent->body)->id, >, 0);
  g_assert_cmpint (((FdMessage *) sent->body)->id, ==, ((FdMessage *) resent->body)->id);
  g_assert_cmpint (((FdMessage *) sent->body)->created_at, ==, ((FdMessage *) resent->body)->created_at);

  to_visitor = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
  while (((FdMessage *) to_visitor->body)->direction != FD_DIRECTION_OUT)
    {
      g_clear_pointer (&to_visitor, fd_frame_free);
      to_visitor = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
    }
  g_assert_cmpstr (((FdMessage *) to_visitor->body)->text, ==, "Yes, we do.");
  g_assert_cmpint (((FdMessage *) to_visitor->body)->agent_id, ==, 0);

  /* The agent closes; the visitor is asked for a rating and gives it. */
  closed_ack = fd_test_agent_expect_ack (ann, FD_FRAME_CLOSE, fd_test_conversation_ref (id));
  g_assert_cmpint (((FdConversation *) closed_ack->body)->state, ==, FD_CONVERSATION_CLOSED);
  closed = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_CLOSED);
  g_assert_cmpint (((FdVisitorClosed *) closed->body)->by, ==, FD_CLOSED_BY_AGENT);
  g_assert_true (((FdVisitorClosed *) closed->body)->ask_rating);
  {
    g_autoptr(FdFrame) rate = NULL;
    FdRating *rating = fd_rating_new ();

    rating->rating = 5;
    rating->comment = g_strdup ("Quick and friendly.");
    rate = fd_frame_new (FD_FRAME_VISITOR_RATE, rating);
    fd_test_socket_send (visitor->socket, rate);
  }
  /* Wait for the stored rating to reach the agent as a conversation event. */
  for (;;)
    {
      g_autoptr(FdFrame) update = fd_test_agent_wait_event (ann, FD_FRAME_CONVERSATION);

      if (((FdConversation *) update->body)->id == id && ((FdConversation *) update->body)->rating != 0)
        break;
    }

  detail = fd_test_agent_get_conversation (ann, id);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (detail->conversation->first_reply_at, >, 0);
  g_assert_cmpint (detail->conversation->closed_at, >, 0);
  g_assert_cmpint (detail->conversation->last_customer_message_at, ==, 0);
  g_assert_cmpint (detail->conversation->rating, ==, 5);
  g_assert_cmpstr (detail->conversation->comment, ==, "Quick and friendly.");
  for (guint i = 0; i < detail->messages->len; i++)
    {
      msg = g_ptr_array_index (detail->messages, i);
      if (msg->direction == FD_DIRECTION_OUT)
        outs++;
      if (i == 0)
        {
          g_assert_cmpint (msg->direction, ==, FD_DIRECTION_SYSTEM);
          g_assert_cmpstr (msg->text, ==, "Reserved by Ann");
          /* The kind the app words in the agent's language. */
          g_assert_cmpstr (msg->note, ==, FD_NOTE_RESERVED);
          /* The widget words the note for the customer from this name. */
          g_assert_cmpstr (msg->author_name, ==, "Ann");
        }
    }
  g_assert_cmpuint (outs, ==, 1);

  /* Rating twice is refused. */
  {
    g_autoptr(FdFrame) rate = NULL;
    g_autoptr(FdFrame) error = NULL;
    FdRating *rating = fd_rating_new ();

    rating->rating = 4;
    rate = fd_frame_new (FD_FRAME_VISITOR_RATE, rating);
    fd_test_socket_send (visitor->socket, rate);
    error = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_ERROR);
    fd_test_assert_error_frame (error, FD_WIRE_ERROR_INVALID_STATE);
  }
}

void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) missed = NULL;
  FdWelcome *welcome;
  gint64 seen;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  fd_test_visitor_connect (visitor);
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (visitor->conversation_id));
  fd_test_socket_settle (ann->socket, 100);
  seen = fd_test_agent_get_last_seq (ann);
  g_assert_cmpint (seen, >, 0);

  fd_test_agent_disconnect (ann);
  fd_test_visitor_send (visitor, "w-away", "Are you still there?");
  /* Let the server store it before the agent comes back. */
  {
    g_autoptr(FdFrame) echo = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);

    while (((FdMessage *) echo->body)->direction != FD_DIRECTION_IN)
      {
        g_clear_pointer (&echo, fd_frame_free);
        echo = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_MESSAGE);
      }
  }

  welcome = fd_test_agent_connect (ann);
  g_assert_true (welcome->resumed);
  g_assert_cmpint (welcome->seq, >, seen);
  missed = fd_test_agent_wait_event (ann, FD_FRAME_MESSAGE);
  g_assert_cmpint (missed->seq, >, seen);
  g_assert_cmpstr (((FdMessage *) missed->body)->client_id, ==, "w-away");
  g_assert_cmpuint (fd_test_socket_drop (ann->socket, FD_FRAME_SNAPSHOT), ==, 0);
}

void
test_missed_and_bad_input (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(FdTestAgent) cid = fd_test_agent_sign_in (f->server, "cid@live.example", "cid-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) malformed = NULL;
  g_autoptr(FdFrame) unknown = NULL;
  g_autoptr(FdFrame) pong = NULL;
  g_autoptr(FdFrame) early = NULL;
  g_autoptr(JsonNode) inactive = NULL;
  g_autofree char *url = agent_socket_url (f);
  g_autoptr(FdTestSocket) raw = NULL;
  FdVisitorWelcome *welcome;
  guint status = 0;

  /* Nobody is joined: the chat is missed and the visitor told. */
  visitor = fd_test_visitor_start (f->server, f->chat_key, "Late");
  welcome = fd_test_visitor_connect (visitor);
  g_assert_cmpint (welcome->state, ==, FD_CONVERSATION_MISSED);

  /* The widget's preflight from another site is allowed. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *sessions_url = g_strconcat (fd_test_server_get_url (f->server), "/api/visitor/v1/sessions", NULL);
    g_autoptr(SoupMessage) preflight = soup_message_new ("OPTIONS", sessions_url);
    g_autoptr(GBytes) body = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (preflight), "Origin", "https://shop.example");
    soup_message_headers_replace (soup_message_get_request_headers (preflight), "Access-Control-Request-Method", "POST");
    body = soup_session_send_and_read (session, preflight, NULL, NULL);
    g_assert_cmpuint (soup_message_get_status (preflight), ==, 204);
    g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (preflight),
                                                   "Access-Control-Allow-Origin"), ==, "https://shop.example");
  }

  inactive = fd_test_http_request (f->server, NULL, "POST", "/api/visitor/v1/sessions",
                                   "{\"stream_key\":\"no-such-key\"}", &status);
  g_assert_cmpuint (status, ==, 404);
  g_assert_cmpstr (error_code (inactive), ==, "stream-inactive");

  /* A request before hello, then junk: typed errors, the socket stays. */
  raw = fd_test_socket_open (url, FD_FRAMES_AGENT_SERVER, cid->token, NULL, NULL);
  g_assert_nonnull (raw);
  fd_test_socket_send_text (raw, "{\"type\":\"ping\",\"id\":\"p0\"}");
  early = fd_test_socket_wait_reply (raw, "p0", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (early, FD_WIRE_ERROR_INVALID_STATE);
  fd_test_socket_send_text (raw, "{\"type\":\"hello\",\"id\":\"h\",\"body\":{\"protocol\":1}}");
  g_clear_pointer (&early, fd_frame_free);
  early = fd_test_socket_wait_reply (raw, "h", FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (early->type, ==, FD_FRAME_ACK);

  fd_test_socket_send_text (raw, "{\"type\":");
  malformed = fd_test_socket_wait (raw, FD_FRAME_ERROR, FD_TEST_TIMEOUT_MS, "error for malformed JSON");
  fd_test_assert_error_frame (malformed, FD_WIRE_ERROR_MALFORMED);
  fd_test_socket_send_text (raw, "{\"type\":\"fly\",\"id\":\"u1\"}");
  unknown = fd_test_socket_wait_reply (raw, "u1", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_UNKNOWN_TYPE);

  /* Cid is not a member of the chat queue. */
  fd_test_socket_send_text (raw, "{\"type\":\"join\",\"id\":\"j1\",\"body\":{\"queue_id\":999999}}");
  g_clear_pointer (&unknown, fd_frame_free);
  unknown = fd_test_socket_wait_reply (raw, "j1", FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_NOT_FOUND);
  {
    g_autofree char *text = g_strdup_printf ("{\"type\":\"get-conversation\",\"id\":\"g1\","
                                             "\"body\":{\"conversation_id\":%" G_GINT64_FORMAT "}}",
                                             visitor->conversation_id);

    fd_test_socket_send_text (raw, text);
    g_clear_pointer (&unknown, fd_frame_free);
    unknown = fd_test_socket_wait_reply (raw, "g1", FD_TEST_TIMEOUT_MS);
    fd_test_assert_error_frame (unknown, FD_WIRE_ERROR_FORBIDDEN);
  }

  fd_test_socket_send_text (raw, "{\"type\":\"ping\",\"id\":\"p1\"}");
  pong = fd_test_socket_wait_reply (raw, "p1", FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (pong->type, ==, FD_FRAME_PONG);
  g_assert_false (fd_test_socket_is_closed (raw));
}

typedef struct {
  gint64 conversation_id;
  gint64 transfer_to;
} TransferWait;

/* A conversation event of the conversation with that transfer state. */
static gboolean
is_transfer_state (const FdFrame *frame,
                   gpointer       user_data)
{
  const TransferWait *wait = user_data;
  const FdConversation *conv = frame->body;

  return frame->type == FD_FRAME_CONVERSATION && conv->id == wait->conversation_id &&
         conv->transfer_to == wait->transfer_to;
}

void
test_transfer_and_callback (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestAgent) bob = connect_and_join (f, "bob@live.example", "bob-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) reserved = NULL;
  g_autoptr(FdFrame) transfer_offer = NULL;
  g_autoptr(FdFrame) taken = NULL;
  g_autoptr(FdFrame) attempt = NULL;
  g_autoptr(FdFrame) done = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdTransfer *transfer;
  FdCallbackAttempt *call;
  FdMessage *last;
  gint64 id;
  gint64 callback_id;
  guint status = 0;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Tess");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer to Ann");
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (id));

  /* The colleagues to choose from: Bob, joined and online; Cid is not in
   * the queue. Only the holder may ask. */
  {
    g_autoptr(FdFrame) listed = fd_test_agent_expect_ack (ann, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id));
    FdColleagues *colleagues = listed->body;
    FdColleague *first;
    g_autoptr(FdFrame) offline = NULL;

    g_assert_cmpuint (colleagues->items->len, ==, 1);
    first = g_ptr_array_index (colleagues->items, 0);
    g_assert_cmpint (first->agent_id, ==, bob->agent->id);
    g_assert_cmpstr (first->name, ==, "Bob");
    g_assert_true (first->online);
    g_assert_true (first->joined);
    fd_test_agent_expect_error (bob, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id), FD_WIRE_ERROR_FORBIDDEN);

    /* Bob's app goes away: still joined, listed as offline once the
     * server has seen the socket close (it may take a moment). */
    fd_test_agent_disconnect (bob);
    for (guint attempt_no = 0; attempt_no < 50; attempt_no++)
      {
        g_clear_pointer (&offline, fd_frame_free);
        offline = fd_test_agent_expect_ack (ann, FD_FRAME_LIST_COLLEAGUES, fd_test_conversation_ref (id));
        colleagues = offline->body;
        g_assert_cmpuint (colleagues->items->len, ==, 1);
        if (!((FdColleague *) g_ptr_array_index (colleagues->items, 0))->online)
          break;
        fd_test_socket_settle (ann->socket, 100);
      }
    g_assert_false (((FdColleague *) g_ptr_array_index (colleagues->items, 0))->online);
    fd_test_agent_connect (bob);
  }

  /* Only the holder may transfer, and only to a joined colleague. */
  transfer = fd_transfer_new ();
  transfer->conversation_id = id;
  transfer->agent_id = ann->agent->id;
  fd_test_agent_expect_error (bob, FD_FRAME_TRANSFER, transfer, FD_WIRE_ERROR_FORBIDDEN);
  /* Ann's apps see the offer go out, and come back when Bob declines:
   * she keeps the conversation. */
  {
    TransferWait out = { id, bob->agent->id };
    TransferWait back = { id, 0 };
    g_autoptr(FdFrame) sent = NULL;
    g_autoptr(FdFrame) returned = NULL;
    g_autoptr(FdFrame) declined = NULL;

    fd_test_socket_drop (ann->socket, FD_FRAME_CONVERSATION);
    transfer = fd_transfer_new ();
    transfer->conversation_id = id;
    transfer->agent_id = bob->agent->id;
    done = fd_test_agent_expect_ack (ann, FD_FRAME_TRANSFER, transfer);
    sent = fd_test_socket_wait_match (ann->socket, is_transfer_state, &out, FD_TEST_TIMEOUT_MS,
                                      "the conversation offered to Bob");
    g_assert_cmpint (((FdConversation *) sent->body)->agent_id, ==, ann->agent->id);
    /* A second transfer while the first is out is refused. */
    transfer = fd_transfer_new ();
    transfer->conversation_id = id;
    transfer->agent_id = bob->agent->id;
    fd_test_agent_expect_error (ann, FD_FRAME_TRANSFER, transfer, FD_WIRE_ERROR_INVALID_STATE);
    g_clear_pointer (&transfer_offer, fd_frame_free);
    transfer_offer = fd_test_socket_wait_match (bob->socket, fd_test_frame_is_offer_of,
                                                &id, FD_TEST_TIMEOUT_MS, "transfer offer");
    declined = fd_test_agent_expect_ack (bob, FD_FRAME_REJECT, fd_test_conversation_ref (id));
    returned = fd_test_socket_wait_match (ann->socket, is_transfer_state, &back, FD_TEST_TIMEOUT_MS,
                                          "the declined transfer coming back");
    g_assert_cmpint (((FdConversation *) returned->body)->agent_id, ==, ann->agent->id);
    g_assert_cmpint (((FdConversation *) returned->body)->state, ==, FD_CONVERSATION_RESERVED);
  }

  transfer = fd_transfer_new ();
  transfer->conversation_id = id;
  transfer->agent_id = bob->agent->id;
  transfer->note = g_strdup ("Billing question");
  g_clear_pointer (&done, fd_frame_free);
  done = fd_test_agent_expect_ack (ann, FD_FRAME_TRANSFER, transfer);
  g_clear_pointer (&transfer_offer, fd_frame_free);
  transfer_offer = fd_test_socket_wait_match (bob->socket, fd_test_frame_is_offer_of,
                                              &id, FD_TEST_TIMEOUT_MS, "transfer offer");
  taken = fd_test_agent_expect_ack (bob, FD_FRAME_RESERVE, fd_test_conversation_ref (id));
  g_assert_cmpint (((FdConversation *) taken->body)->agent_id, ==, bob->agent->id);
  detail = fd_test_agent_get_conversation (bob, id);
  last = g_ptr_array_index (detail->messages, detail->messages->len - 1);
  g_assert_cmpint (last->direction, ==, FD_DIRECTION_SYSTEM);
  g_assert_cmpstr (last->text, ==, "Transferred to Bob");
  g_assert_cmpstr (last->note, ==, FD_NOTE_TRANSFERRED);
  g_assert_cmpstr (last->author_name, ==, "Bob");
  /* Ann no longer holds it. */
  fd_test_agent_expect_error (ann, FD_FRAME_CLOSE, fd_test_conversation_ref (id), FD_WIRE_ERROR_FORBIDDEN);

  /* A callback request is offered, reserved and its call attempt recorded. */
  created = fd_test_http_request (f->server, NULL, "POST", "/api/visitor/v1/callbacks",
                                  "{\"stream_key\":\"live-callback\",\"name\":\"Carl\",\"number\":\"+47 555 0100\","
                                  "\"preferred_time\":\"after 3pm\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  callback_id = json_object_get_int_member (json_node_get_object (created), "conversation_id");
  g_assert_cmpint (callback_id, >, 0);
  g_clear_pointer (&offer, fd_frame_free);
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &callback_id, FD_TEST_TIMEOUT_MS, "callback offer");
  g_assert_cmpint (((FdOfferEvent *) offer->body)->offer->bounce_at, ==, 0);
  g_assert_cmpstr (((FdOfferEvent *) offer->body)->conversation->callback_number, ==, "+47 555 0100");
  g_assert_cmpstr (((FdOfferEvent *) offer->body)->conversation->callback_time, ==, "after 3pm");
  g_clear_pointer (&reserved, fd_frame_free);
  reserved = fd_test_agent_expect_ack (ann, FD_FRAME_RESERVE, fd_test_conversation_ref (callback_id));
  call = fd_callback_attempt_new ();
  call->conversation_id = callback_id;
  call->outcome = FD_CALL_NO_ANSWER;
  attempt = fd_test_agent_expect_ack (ann, FD_FRAME_CALLBACK_ATTEMPT, call);
  g_assert_cmpstr (((FdMessage *) attempt->body)->text, ==, "Call attempt: no-answer");
  g_assert_cmpint (((FdMessage *) attempt->body)->direction, ==, FD_DIRECTION_SYSTEM);
  /* No kind: clients show the text. */
  g_assert_null (((FdMessage *) attempt->body)->note);
  /* A chat is not a callback. */
  call = fd_callback_attempt_new ();
  call->conversation_id = id;
  call->outcome = FD_CALL_ANSWERED;
  fd_test_agent_expect_error (bob, FD_FRAME_CALLBACK_ATTEMPT, call, FD_WIRE_ERROR_INVALID_STATE);
}
