#define G_LOG_DOMAIN "test-it-durability"

/* Scenario 2: frontdeskd is killed (SIGKILL) in the middle of traffic;
 * after a restart on the same database every acknowledged message is there
 * exactly once, and resending the others with the same client ids stores
 * each of them once. */

#include "fd-integration.h"

#define N_MESSAGES 40

typedef struct {
  GHashTable *acked;      /* client id → message id, acknowledged */
  GHashTable *request_to_client; /* request id → client id */
} Traffic;

/* Moves every frame that arrived on @agent's and @visitor's sockets into
 * @traffic's bookkeeping. */
static void
collect (Traffic       *traffic,
         FdTestAgent   *agent,
         FdTestVisitor *visitor)
{
  FdFrame *frame;

  while ((frame = fd_test_socket_pop (agent->socket)) != NULL)
    {
      if (frame->type == FD_FRAME_ACK && frame->ack_for == FD_FRAME_SEND_MESSAGE)
        {
          const FdMessage *msg = frame->body;
          const char *client_id = g_hash_table_lookup (traffic->request_to_client, frame->id);

          g_assert_nonnull (client_id);
          g_assert_cmpstr (msg->client_id, ==, client_id);
          g_hash_table_insert (traffic->acked, g_strdup (client_id), g_memdup2 (&msg->id, sizeof msg->id));
        }
      else if (frame->type == FD_FRAME_ERROR)
        g_error ("send-message %s failed: %s", frame->id, ((FdErrorBody *) frame->body)->message);
      fd_frame_free (frame);
    }
  while ((frame = fd_test_socket_pop (visitor->socket)) != NULL)
    {
      if (frame->type == FD_FRAME_VISITOR_MESSAGE)
        {
          const FdMessage *msg = frame->body;

          if (msg->client_id != NULL && g_str_has_prefix (msg->client_id, "w-"))
            g_hash_table_insert (traffic->acked, g_strdup (msg->client_id),
                                 g_memdup2 (&msg->id, sizeof msg->id));
        }
      else if (frame->type == FD_FRAME_VISITOR_ERROR)
        g_error ("A visitor message failed: %s", ((FdErrorBody *) frame->body)->message);
      fd_frame_free (frame);
    }
}

static char *
client_id_of (char  who,
              guint i)
{
  return g_strdup_printf ("%c-%u", who, i);
}

static void
test_kill_and_restart (FdItDemo      *demo,
                       gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_it_connect_agent (demo->server, FD_IT_NATALIE);
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(FdConversationDetail) final = NULL;
  Traffic traffic;
  gint64 conversation_id;
  guint acked_before_kill;

  traffic.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  traffic.request_to_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  fd_test_agent_join (natalie, demo->sales);
  visitor = fd_it_start_visitor (demo->server, FD_IT_CHAT_KEY, "Vera Visitor");
  conversation_id = visitor->conversation_id;
  fd_it_wait_offer (natalie, conversation_id);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id));
  fd_test_socket_settle (natalie->socket, 100);
  fd_test_socket_settle (visitor->socket, 1);
  collect (&traffic, natalie, visitor);

  /* Both sides send without waiting; the server dies once about a quarter
   * of the answers came back, with the rest still in flight. */
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *a = client_id_of ('a', i);
      g_autofree char *w = client_id_of ('w', i);
      g_autofree char *text = g_strdup_printf ("Durable message %u", i);
      char *request_id = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                                     fd_test_send_message (conversation_id, a, text));

      g_hash_table_insert (traffic.request_to_client, request_id, g_strdup (a));
      fd_test_visitor_send (visitor, w, text);
    }
  fd_test_socket_wait_queued (natalie->socket, N_MESSAGES / 2, FD_TEST_TIMEOUT_MS);
  fd_test_server_kill (demo->server);
  fd_test_socket_wait_closed (natalie->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_wait_closed (visitor->socket, FD_TEST_TIMEOUT_MS);
  collect (&traffic, natalie, visitor);
  acked_before_kill = g_hash_table_size (traffic.acked);
  g_test_message ("%u of %u messages were acknowledged before the kill", acked_before_kill, 2 * N_MESSAGES);
  g_assert_cmpuint (acked_before_kill, >, 0);

  /* Same database, same port. */
  fd_test_agent_disconnect (natalie);
  fd_test_visitor_disconnect (visitor);
  fd_test_server_start (demo->server);
  fd_test_agent_connect (natalie);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_RESERVED);
  g_assert_cmpint (detail->conversation->agent_id, ==, natalie->agent->id);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, traffic.acked);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        if (fd_it_count_client_id (detail, key) != 1)
          g_error ("Acknowledged message %s is stored %u times after the restart", (char *) key,
                   fd_it_count_client_id (detail, key));
      }
    for (guint i = 0; i < N_MESSAGES; i++)
      {
        g_autofree char *a = client_id_of ('a', i);
        g_autofree char *w = client_id_of ('w', i);

        g_assert_cmpuint (fd_it_count_client_id (detail, a), <=, 1);
        g_assert_cmpuint (fd_it_count_client_id (detail, w), <=, 1);
      }
  }

  /* Resending everything not acknowledged (and one that was) stores each
   * message once; an acknowledged one comes back with its first id. */
  fd_test_visitor_connect (visitor);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *a = client_id_of ('a', i);
      g_autofree char *w = client_id_of ('w', i);
      g_autofree char *text = g_strdup_printf ("Durable message %u", i);
      gint64 *first_id = g_hash_table_lookup (traffic.acked, a);

      if (first_id == NULL || i == 0)
        {
          g_autoptr(FdFrame) resent = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                                               fd_test_send_message (conversation_id, a, text));

          g_assert_cmpstr (((FdMessage *) resent->body)->client_id, ==, a);
          if (first_id != NULL)
            g_assert_cmpint (((FdMessage *) resent->body)->id, ==, *first_id);
        }
      if (!g_hash_table_contains (traffic.acked, w))
        {
          g_autoptr(FdMessage) echo = NULL;

          fd_test_visitor_send (visitor, w, text);
          echo = fd_it_visitor_wait_message (visitor, w);
          g_assert_cmpint (echo->direction, ==, FD_DIRECTION_IN);
        }
    }

  /* A resend of an acknowledged message causes no second message event. */
  if (g_hash_table_contains (traffic.acked, "a-0"))
    {
      FdFrame *frame;

      fd_test_socket_settle (natalie->socket, 200);
      while ((frame = fd_test_socket_pop (natalie->socket)) != NULL)
        {
          if (frame->type == FD_FRAME_MESSAGE)
            g_assert_cmpstr (((FdMessage *) frame->body)->client_id, !=, "a-0");
          fd_frame_free (frame);
        }
    }

  final = fd_test_agent_get_conversation (natalie, conversation_id);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autofree char *a = client_id_of ('a', i);
      g_autofree char *w = client_id_of ('w', i);

      if (fd_it_count_client_id (final, a) != 1 || fd_it_count_client_id (final, w) != 1)
        g_error ("After resending, %s is stored %u times and %s %u times (expected once each)",
                 a, fd_it_count_client_id (final, a), w, fd_it_count_client_id (final, w));
    }

  g_hash_table_unref (traffic.acked);
  g_hash_table_unref (traffic.request_to_client);
}

int
main (int   argc,
      char *argv[])
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/durability/kill-and-restart", test_kill_and_restart, FD_IT_WITH_SALES);
  return g_test_run ();
}
