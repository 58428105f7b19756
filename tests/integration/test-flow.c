#define G_LOG_DOMAIN "test-it-flow"

/* Scenario 1: a web chat from arrival to the visitor's rating, with two
 * agents in a ring-all phase, messages both ways and an agent reconnecting
 * with its last seq. */

#include "fd-integration.h"

static void
assert_strictly_increasing (GArray     *seqs,
                            const char *who)
{
  for (guint i = 1; i < seqs->len; i++)
    if (g_array_index (seqs, gint64, i) <= g_array_index (seqs, gint64, i - 1))
      g_error ("%s received seq %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT, who,
               g_array_index (seqs, gint64, i), g_array_index (seqs, gint64, i - 1));
}

/* Events whose delivery depends on timing and not on what happened: the
 * periodic statistics. They are left out of the replay comparison. */
static gboolean
is_periodic (const FdFrame *frame)
{
  return frame->type == FD_FRAME_STATS_EVENT;
}

/* Empties the queue of @socket, keeping the events with a seq in
 * (@after, @upto], in order. */
static GPtrArray *
take_events_between (FdTestSocket *socket,
                     gint64        after,
                     gint64        upto)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_frame_free);
  FdFrame *frame;

  while ((frame = fd_test_socket_pop (socket)) != NULL)
    {
      if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_EVENT &&
          frame->seq > after && frame->seq <= upto && !is_periodic (frame))
        g_ptr_array_add (events, frame);
      else
        fd_frame_free (frame);
    }
  return events;
}

static gboolean
is_message_with_client_id (const FdFrame *frame,
                           gpointer       user_data)
{
  return frame->type == FD_FRAME_MESSAGE &&
         g_strcmp0 (((FdMessage *) frame->body)->client_id, user_data) == 0;
}

static void
test_flow (FdItDemo      *demo,
           gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestAgent) jenna = fd_it_connect_agent (demo->server, FD_IT_JENNA);
  g_autoptr(FdTestAgent) observer = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(FdFrame) joined = NULL;
  g_autoptr(FdMessage) echo = NULL;
  g_autoptr(FdMessage) seen = NULL;
  g_autoptr(FdMessage) own = NULL;
  g_autoptr(FdMessage) out = NULL;
  g_autoptr(FdConversation) closed = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(GPtrArray) observed = NULL;
  g_autoptr(GPtrArray) replayed = NULL;
  g_autoptr(GArray) first_seqs = NULL;
  FdConversation *conv;
  FdWelcome *welcome;
  gint64 conversation_id;
  gint64 last_seq;
  const char *missed_ids[] = { "v-2", "v-3", "v-4" };

  fd_test_agent_join (natalie, demo->sales);
  fd_test_agent_join (jenna, demo->sales);

  /* Both agents of the ring-all phase get the offer. */
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  g_assert_cmpint (visitor->welcome->state, ==, FD_CONVERSATION_UNRESERVED);
  fd_it_wait_offer (natalie, conversation_id);
  fd_it_wait_offer (jenna, conversation_id);

  /* Natalie reserves; Jenna's offer is withdrawn; the visitor sees her. */
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  conv = ack->body;
  g_assert_cmpint (conv->id, ==, conversation_id);
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (conv->agent_id, ==, natalie->agent->id);
  g_assert_cmpint (conv->reserved_at, >, 0);
  withdraw = fd_test_agent_wait_event (jenna, FD_FRAME_WITHDRAW);
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->conversation_id, ==, conversation_id);
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_RESERVED_BY_OTHER);
  joined = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_AGENT_JOINED);
  g_assert_cmpstr (((FdAgentJoined *) joined->body)->name, ==, "Natalie Maines");

  /* The visitor's message reaches Natalie, and hers the visitor. */
  fd_test_visitor_send (visitor, "v-1", "Hello, do you ship to Norway?");
  echo = fd_it_visitor_wait_message (visitor, "v-1");
  g_assert_cmpint (echo->direction, ==, FD_DIRECTION_IN);
  g_assert_cmpstr (echo->text, ==, "Hello, do you ship to Norway?");
  g_assert_cmpint (echo->id, >, 0);
  seen = fd_it_agent_wait_message (natalie, "v-1");
  g_assert_cmpint (seen->direction, ==, FD_DIRECTION_IN);
  g_assert_cmpint (seen->conversation_id, ==, conversation_id);
  g_assert_cmpint (seen->id, ==, echo->id);
  g_assert_cmpstr (seen->text, ==, "Hello, do you ship to Norway?");

  g_clear_pointer (&ack, fd_frame_free);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "c-1", "Yes, we do."));
  g_assert_cmpint (((FdMessage *) ack->body)->direction, ==, FD_DIRECTION_OUT);
  g_assert_cmpint (((FdMessage *) ack->body)->agent_id, ==, natalie->agent->id);
  g_assert_cmpstr (((FdMessage *) ack->body)->client_id, ==, "c-1");
  /* Its own message event comes before the ack (docs/protocol.md). */
  g_assert_cmpuint (fd_test_socket_queued (natalie->socket), >, 0);
  own = fd_it_agent_wait_message (natalie, "c-1");
  g_assert_cmpint (own->id, ==, ((FdMessage *) ack->body)->id);
  out = fd_it_visitor_wait_message (visitor, "c-1");
  g_assert_cmpint (out->direction, ==, FD_DIRECTION_OUT);
  g_assert_cmpstr (out->text, ==, "Yes, we do.");

  /* A second app of Natalie's watches what the first one misses. */
  observer = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  fd_test_socket_settle (natalie->socket, 300);
  fd_test_socket_settle (observer->socket, 1);
  {
    FdFrame *f;

    while ((f = fd_test_socket_pop (observer->socket)) != NULL)
      fd_frame_free (f);
  }
  first_seqs = g_array_copy (fd_test_socket_get_seqs (natalie->socket));
  assert_strictly_increasing (first_seqs, "natalie");
  fd_test_agent_disconnect (natalie);
  last_seq = fd_test_agent_get_last_seq (natalie);
  g_assert_cmpint (last_seq, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (missed_ids); i++)
    {
      g_autofree char *text = g_strdup_printf ("Message %u while Natalie is away", i);
      g_autoptr(FdMessage) m = NULL;

      fd_test_visitor_send (visitor, missed_ids[i], text);
      m = fd_it_visitor_wait_message (visitor, missed_ids[i]);
      fd_test_socket_peek_match (observer->socket, is_message_with_client_id, (gpointer) missed_ids[i],
                                 FD_TEST_TIMEOUT_MS, "the observer's copy of a missed message");
    }
  fd_test_socket_settle (observer->socket, 300);

  /* Reconnecting with the last seq gives exactly the missed events. */
  welcome = fd_test_agent_connect (natalie);
  g_assert_true (welcome->resumed);
  g_assert_cmpint (welcome->seq, >, last_seq);
  fd_test_socket_settle (natalie->socket, 500);
  fd_test_socket_settle (observer->socket, 1);
  assert_strictly_increasing (fd_test_socket_get_seqs (natalie->socket), "natalie after resuming");
  g_assert_cmpint (g_array_index (fd_test_socket_get_seqs (natalie->socket), gint64, 0), >, last_seq);
  replayed = take_events_between (natalie->socket, last_seq, welcome->seq);
  observed = take_events_between (observer->socket, last_seq, welcome->seq);
  /* What the observer saw includes the three messages. */
  {
    guint found = 0;

    for (guint i = 0; i < observed->len; i++)
      {
        const FdFrame *f = observed->pdata[i];

        if (f->type == FD_FRAME_MESSAGE &&
            g_strcmp0 (((FdMessage *) f->body)->client_id, missed_ids[found]) == 0)
          found++;
        if (found == G_N_ELEMENTS (missed_ids))
          break;
      }
    g_assert_cmpuint (found, ==, G_N_ELEMENTS (missed_ids));
  }
  if (replayed->len != observed->len)
    g_error ("Resuming from seq %" G_GINT64_FORMAT " replayed %u events, but %u happened meanwhile",
             last_seq, replayed->len, observed->len);
  for (guint i = 0; i < replayed->len; i++)
    {
      const FdFrame *r = replayed->pdata[i];
      const FdFrame *o = observed->pdata[i];

      g_assert_cmpint (r->seq, ==, o->seq);
      g_assert_cmpstr (fd_frame_type_to_string (r->type), ==, fd_frame_type_to_string (o->type));
      g_assert_true (fd_frame_equal (r, o));
    }

  /* The visitor ends the chat with a rating and a comment. */
  fd_test_visitor_close (visitor, 4, "Quick and friendly.");
  closed = fd_it_wait_conversation_state (natalie, conversation_id, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (closed->closed_at, >, 0);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  conv = detail->conversation;
  g_assert_cmpint (conv->state, ==, FD_CONVERSATION_CLOSED);
  g_assert_cmpint (conv->created_at, >, 0);
  g_assert_cmpint (conv->first_reply_at, >=, conv->created_at);
  g_assert_cmpint (conv->closed_at, >=, conv->first_reply_at);
  g_assert_cmpint (conv->rating, ==, 4);
  g_assert_cmpstr (conv->comment, ==, "Quick and friendly.");
  g_assert_cmpint (conv->agent_id, ==, natalie->agent->id);
  g_assert_cmpuint (fd_it_count_client_id (detail, "v-1"), ==, 1);
  g_assert_cmpuint (fd_it_count_client_id (detail, "c-1"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (missed_ids); i++)
    g_assert_cmpuint (fd_it_count_client_id (detail, missed_ids[i]), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/flow", test_flow, FD_IT_WITH_SALES);
  return g_test_run ();
}
