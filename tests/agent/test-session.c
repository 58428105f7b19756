#define G_LOG_DOMAIN "test-session"

/* FdSession against the real frontdeskd with the demo site: each server
 * event becomes its typed signal, emitted after the models applied it (an
 * offer is a row of the Activity List by the time "offer" fires, a
 * withdrawn offer is gone by "withdraw"), the windows of one conversation
 * share one FdConversationModel, and signing out empties the models. */

#include "agent-test.h"
#include "fd-connection.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"


/* What the signals brought, and what the models held at that moment. */
typedef struct {
  FdSession *session;
  guint      snapshots;
  guint      snapshot_queues;        /* queue rows when "snapshot" fired */
  guint      queue_states;
  gboolean   queue_state_applied;    /* the row's joined matched the event */
  gint64     agent_state_id;
  FdAcdState agent_state;
  gint64     offered_id;
  gboolean   offer_row;              /* the row was there at "offer" */
  gint64     withdrawn_id;
  gboolean   withdraw_row;           /* the row was still there at "withdraw" */
  gint64     changed_id;
  FdConversationState changed_state;
  gboolean   changed_row_reserved;   /* the row said reserved at "conversation-changed" */
  gint       changed_unread;
  gint       changed_row_unread;     /* the row's unread at "conversation-changed" */
  gint64     changed_seq;            /* the connection's last seq then */
  char      *message_text;
  gint64     message_conversation;
  gint64     message_seq;
  gint64     typing_conversation;
  gboolean   typing;
  guint      typing_events;
} Seen;

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->message_text, g_free);
}

static FdActivityModel *
rows (Seen *seen)
{
  return fd_session_get_activity_model (seen->session);
}

static void
on_snapshot_cb (FdSession        *session,
                const FdSnapshot *snapshot,
                Seen             *seen)
{
  seen->snapshots++;
  seen->snapshot_queues = g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_queue_model (session)));
}

static void
on_queue_state_cb (FdSession          *session,
                   const FdQueueState *state,
                   Seen               *seen)
{
  FdQueueItem *item = fd_queue_model_lookup (fd_session_get_queue_model (session), state->queue_id);

  seen->queue_states++;
  seen->queue_state_applied = item != NULL && fd_queue_item_get_joined (item) == state->joined;
}

static void
on_agent_state_cb (FdSession     *session,
                   const FdAgent *agent,
                   Seen          *seen)
{
  seen->agent_state_id = agent->id;
  seen->agent_state = agent->acd_state;
}

static void
on_offer_cb (FdSession          *session,
             const FdOfferEvent *offer,
             Seen               *seen)
{
  g_assert_nonnull (offer->conversation);
  seen->offered_id = offer->conversation->id;
  seen->offer_row = fd_activity_model_lookup (rows (seen), offer->conversation->id) != NULL;
}

static void
on_withdraw_cb (FdSession        *session,
                const FdWithdraw *withdraw,
                Seen             *seen)
{
  seen->withdrawn_id = withdraw->conversation_id;
  seen->withdraw_row = fd_activity_model_lookup (rows (seen), withdraw->conversation_id) != NULL;
}

static void
on_conversation_changed_cb (FdSession            *session,
                            const FdConversation *conversation,
                            Seen                 *seen)
{
  FdConversationItem *row = fd_activity_model_lookup (rows (seen), conversation->id);

  seen->changed_id = conversation->id;
  seen->changed_state = conversation->state;
  seen->changed_row_reserved = row != NULL && fd_conversation_item_get_reserved (row);
  seen->changed_unread = conversation->unread;
  seen->changed_row_unread = row != NULL ? fd_conversation_item_get_unread (row) : -1;
  seen->changed_seq = fd_connection_get_last_seq (fd_session_get_connection (session));
}

static void
on_message_cb (FdSession       *session,
               const FdMessage *message,
               Seen            *seen)
{
  g_free (seen->message_text);
  seen->message_text = g_strdup (message->text);
  seen->message_conversation = message->conversation_id;
  seen->message_seq = fd_connection_get_last_seq (fd_session_get_connection (session));
}

static void
on_typing_cb (FdSession      *session,
              const FdTyping *typing,
              Seen           *seen)
{
  seen->typing_conversation = typing->conversation_id;
  seen->typing = typing->typing;
  seen->typing_events++;
}

static void
connect_signals (FdSession *session,
                 Seen      *seen)
{
  seen->session = session;
  g_signal_connect (session, "snapshot", G_CALLBACK (on_snapshot_cb), seen);
  g_signal_connect (session, "queue-state", G_CALLBACK (on_queue_state_cb), seen);
  g_signal_connect (session, "agent-state", G_CALLBACK (on_agent_state_cb), seen);
  g_signal_connect (session, "offer", G_CALLBACK (on_offer_cb), seen);
  g_signal_connect (session, "withdraw", G_CALLBACK (on_withdraw_cb), seen);
  g_signal_connect (session, "conversation-changed", G_CALLBACK (on_conversation_changed_cb), seen);
  g_signal_connect (session, "message", G_CALLBACK (on_message_cb), seen);
  g_signal_connect (session, "typing", G_CALLBACK (on_typing_cb), seen);
}

static FdConnection *
sign_in (FdTestServer *server)
{
  g_autoptr(FdConnection) conn = fd_connection_new (fd_test_server_get_url (server));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_connection_sign_in_async (conn, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_sign_in_finish (conn, wait_result (&result, "sign-in"), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&conn);
}

static gboolean
has_snapshot (gpointer data)
{
  return ((Seen *) data)->snapshots > 0;
}

static gboolean
has_offer (gpointer data)
{
  return ((Seen *) data)->offered_id > 0;
}

static gboolean
has_withdraw (gpointer data)
{
  return ((Seen *) data)->withdrawn_id > 0;
}

#define VISITOR_TEXT "Do you ship to Reykjavík?"

/* The visitor's message (reserving adds a system message first). */
static gboolean
has_visitor_message (gpointer data)
{
  return g_strcmp0 (((Seen *) data)->message_text, VISITOR_TEXT) == 0;
}

static gboolean
has_typing (gpointer data)
{
  return ((Seen *) data)->typing_events > 0;
}

static gboolean
has_available_agent_state (gpointer data)
{
  return ((Seen *) data)->agent_state_id > 0 && ((Seen *) data)->agent_state == FD_ACD_AVAILABLE;
}

/* Joins every queue and becomes available, through typed requests. */
static void
get_ready (FdConnection *conn,
           Seen         *seen)
{
  GListModel *queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (conn)));
  g_autoptr(GAsyncResult) acd = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) queue = g_list_model_get_item (queues, i);
      g_autoptr(GAsyncResult) result = NULL;

      fd_connection_set_joined_async (conn, fd_queue_item_get_id (queue), TRUE, NULL, on_done_cb, &result);
      g_assert_true (fd_connection_set_joined_finish (conn, wait_result (&result, "join"), &error));
      g_assert_no_error (error);
    }
  fd_connection_set_acd_async (conn, FD_ACD_AVAILABLE, NULL, NULL, on_done_cb, &acd);
  g_assert_true (fd_connection_set_acd_finish (conn, wait_result (&acd, "set-acd"), &error));
  g_assert_no_error (error);
  wait_for (has_available_agent_state, seen, "the agent-state signal");
}

static void
test_signals (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *conn = sign_in (server);
  FdSession *session = fd_connection_get_session (conn);
  g_autoptr(FdTestVisitor) rejected = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) typing = NULL;
  FdVisitorTyping *typing_body;
  Seen seen = { 0 };

  g_assert_true (fd_session_get_connection (session) == conn);
  connect_signals (session, &seen);
  /* The sign-in told the session who is signed in. */
  g_assert_cmpint (fd_activity_model_get_agent_id (fd_session_get_activity_model (session)), ==,
                   fd_connection_get_agent (conn)->id);

  /* The first connection brings a snapshot; the queues are in the model
   * by the time the signal fires. */
  wait_for (has_snapshot, &seen, "the snapshot signal");
  g_assert_cmpuint (seen.snapshot_queues, >, 0);

  /* Joining: queue-state signals after the queue rows say joined. */
  get_ready (conn, &seen);
  g_assert_cmpuint (seen.queue_states, >, 0);
  g_assert_true (seen.queue_state_applied);
  g_assert_cmpint (seen.agent_state_id, ==, fd_connection_get_agent (conn)->id);

  /* A visitor starts a chat: "offer", with the row already listed. */
  rejected = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  wait_for (has_offer, &seen, "the offer signal");
  g_assert_cmpint (seen.offered_id, ==, rejected->conversation_id);
  g_assert_true (seen.offer_row);

  /* Rejecting it: "withdraw", with the row already gone. */
  fd_connection_reject_async (conn, rejected->conversation_id, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_reject_finish (conn, wait_result (&result, "reject"), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for (has_withdraw, &seen, "the withdraw signal");
  g_assert_cmpint (seen.withdrawn_id, ==, rejected->conversation_id);
  g_assert_false (seen.withdraw_row);

  /* Another chat, reserved: "conversation-changed" with the row reserved. */
  seen.offered_id = 0;
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Emily Robison");
  wait_for (has_offer, &seen, "the second offer signal");
  g_assert_cmpint (seen.offered_id, ==, visitor->conversation_id);
  fd_connection_reserve_async (conn, visitor->conversation_id, NULL, on_done_cb, &result);
  conv = fd_connection_reserve_finish (conn, wait_result (&result, "reserve"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (conv);
  g_assert_cmpint (seen.changed_id, ==, visitor->conversation_id);
  g_assert_cmpint (seen.changed_state, ==, FD_CONVERSATION_RESERVED);
  g_assert_true (seen.changed_row_reserved);

  /* The visitor writes and types: "message" and "typing". */
  fd_test_visitor_connect (visitor);
  fd_test_visitor_send (visitor, "c-1", VISITOR_TEXT);
  wait_for (has_visitor_message, &seen, "the message signal");
  g_assert_cmpint (seen.message_conversation, ==, visitor->conversation_id);
  /* The message event carried the conversation's new unread count (the
   * app's hello asks for it): "conversation-changed" followed at once,
   * with the message's seq, and the row shows the count. */
  g_assert_cmpint (seen.changed_id, ==, visitor->conversation_id);
  g_assert_cmpint (seen.changed_unread, ==, 1);
  g_assert_cmpint (seen.changed_row_unread, ==, 1);
  g_assert_cmpint (seen.changed_seq, ==, seen.message_seq);
  typing_body = fd_visitor_typing_new ();
  typing_body->typing = TRUE;
  typing = fd_frame_new (FD_FRAME_VISITOR_TYPING, typing_body);
  fd_test_socket_send (visitor->socket, typing);
  wait_for (has_typing, &seen, "the typing signal");
  g_assert_cmpint (seen.typing_conversation, ==, visitor->conversation_id);
  g_assert_true (seen.typing);
  fd_test_visitor_disconnect (visitor);

  /* Signing out empties the models and forgets the agent. */
  g_clear_object (&result);
  fd_connection_sign_out_async (conn, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_sign_out_finish (conn, wait_result (&result, "sign-out"), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_activity_model (session))), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_queue_model (session))), ==, 0);
  g_assert_cmpint (fd_activity_model_get_agent_id (fd_session_get_activity_model (session)), ==, 0);

  g_signal_handlers_disconnect_by_data (session, &seen);
  seen_clear (&seen);
  g_clear_object (&result);
  g_assert_finalize_object (conn);
}

static gboolean
is_loaded (gpointer data)
{
  return fd_conversation_model_get_loaded (data);
}

static void
test_conversation_models (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *conn = sign_in (server);
  FdSession *session = fd_connection_get_session (conn);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdConversationModel *first;
  FdConversationModel *again;
  FdConversationModel *later;
  Seen seen = { 0 };

  connect_signals (session, &seen);
  wait_for (has_snapshot, &seen, "the snapshot signal");
  get_ready (conn, &seen);
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  wait_for (has_offer, &seen, "the offer signal");

  /* Two windows of one conversation share its model. */
  g_assert_null (fd_session_lookup_conversation_model (session, visitor->conversation_id));
  first = fd_session_get_conversation_model (session, visitor->conversation_id);
  again = fd_session_get_conversation_model (session, visitor->conversation_id);
  g_assert_true (first == again);
  g_assert_true (fd_session_lookup_conversation_model (session, visitor->conversation_id) == first);
  g_assert_cmpint (fd_conversation_model_get_id (first), ==, visitor->conversation_id);
  wait_for (is_loaded, first, "the conversation to load");
  g_object_unref (again);

  /* The session does not keep it alive: once the last window let go, it
   * is gone, and the next one gets a new model that loads again. */
  g_assert_finalize_object (first);
  g_assert_null (fd_session_lookup_conversation_model (session, visitor->conversation_id));
  later = fd_session_get_conversation_model (session, visitor->conversation_id);
  g_assert_true (fd_session_lookup_conversation_model (session, visitor->conversation_id) == later);
  g_assert_false (fd_conversation_model_get_loaded (later));
  wait_for (is_loaded, later, "the conversation to load again");
  g_assert_finalize_object (later);

  fd_connection_sign_out_async (conn, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_sign_out_finish (conn, wait_result (&result, "sign-out"), &error));
  g_assert_no_error (error);
  g_signal_handlers_disconnect_by_data (session, &seen);
  seen_clear (&seen);
  g_clear_object (&result);
  g_assert_finalize_object (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/session/signals", test_signals);
  g_test_add_func ("/agent/session/conversation-models", test_conversation_models);

  return g_test_run ();
}
