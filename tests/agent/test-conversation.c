#define G_LOG_DOMAIN "test-conversation"

/* FdConversationModel against the real frontdeskd with the demo site, no
 * GTK: the transcript and the agent's sends (pending → sent, failed with
 * the reason → retried → sent), typing both ways, drafts, a transfer
 * declined then accepted, messages kept in order without duplicates
 * when a server restart brings a snapshot, and an email conversation (a
 * real Dovecot and aiosmtpd): the mail's headers, the reply's prefill, To,
 * Cc and Subject, its delivery state across a closed window, and Retry. */

#include <string.h>

#include <glib/gstdio.h>

#include "fd-conversation-model.h"
#include "fd-format.h"
#include "fd-mail-parse.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"

#include "agent-test.h"


/* Connected, with its queues known. */
static gboolean
is_ready (gpointer data)
{
  return fd_connection_get_state (data) == FD_CONNECTION_STATE_CONNECTED &&
         g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session ((data))))) > 0;
}

static gboolean
is_loaded (gpointer data)
{
  return fd_conversation_model_get_loaded (data);
}

static gboolean
is_reserved (gpointer data)
{
  return fd_conversation_model_get_reserved (data);
}

static gboolean
is_not_reserved (gpointer data)
{
  return !fd_conversation_model_get_reserved (data);
}

typedef struct {
  FdConversationModel *model;
  guint                n;
} CountWait;

static gboolean
has_n_messages (gpointer data)
{
  CountWait *w = data;

  return g_list_model_get_n_items (fd_conversation_model_get_messages (w->model)) >= w->n;
}

typedef struct {
  FdMessageItem *item;
  FdSendState    state;
} StateWait;

static gboolean
has_send_state (gpointer data)
{
  StateWait *w = data;

  return fd_message_item_get_send_state (w->item) == w->state;
}

static gboolean
has_typing_text (gpointer data)
{
  return *fd_conversation_model_get_typing_text (data) != '\0';
}

static gboolean
is_agent_not_typing (gpointer data)
{
  return !fd_conversation_model_get_agent_typing (data);
}

typedef struct {
  FdConversationModel *model;
  FdTransferState      state;
} TransferWait;

static gboolean
has_transfer_state (gpointer data)
{
  TransferWait *w = data;

  return fd_conversation_model_get_transfer_state (w->model) == w->state;
}

/* Lets the callbacks of requests failed by fd_connection_stop() run:
 * their tasks hold the connection until then. */
static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* An agent signed in with the connection alone, joined to Sales. */
static FdConnection *
connect_agent (FdTestServer *server,
               const char   *email,
               const char   *password)
{
  g_autoptr(FdConnection) conn = fd_connection_new (fd_test_server_get_url (server));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *queues;
  gint64 sales = 0;

  fd_connection_set_backoff (conn, 50, 400);
  fd_connection_sign_in_async (conn, email, password, NULL, on_done_cb, &result);
  wait_for (has_result, &result, "the sign-in");
  g_assert_true (fd_connection_sign_in_finish (conn, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  wait_for (is_ready, conn, "the connection");
  queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (conn)));
  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) queue = g_list_model_get_item (queues, i);

      if (g_strcmp0 (fd_queue_item_get_name (queue), "Sales") == 0)
        sales = fd_queue_item_get_id (queue);
    }
  g_assert_cmpint (sales, >, 0);
  fd_connection_set_joined_async (conn, sales, TRUE, NULL, on_done_cb, &result);
  wait_for (has_result, &result, "joining Sales");
  g_assert_true (fd_connection_set_joined_finish (conn, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&conn);
}

/* A visitor chatting on the demo site with its first message sent, and
 * the offer in @conn's Activity List. */
static FdTestVisitor *
start_visitor (FdTestServer *server,
               FdConnection *conn,
               const char   *first_text)
{
  FdTestVisitor *visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  RowWait w;

  fd_test_visitor_connect (visitor);
  fd_test_visitor_send (visitor, "v1", first_text);
  w.connection = conn;
  w.id = visitor->conversation_id;
  wait_for (has_row, &w, "the offer");
  return visitor;
}

static FdConversationModel *
open_reserved (FdConnection  *conn,
               FdTestVisitor *visitor)
{
  FdConversationModel *model = fd_conversation_model_new (conn, visitor->conversation_id);
  CountWait count = { model, 1 };

  wait_for (is_loaded, model, "the transcript");
  wait_for (has_n_messages, &count, "the visitor's first message");
  fd_conversation_model_reserve (model);
  wait_for (is_reserved, model, "the reservation");
  return model;
}

static FdMessageItem *
message_at (FdConversationModel *model,
            guint                position)
{
  g_autoptr(FdMessageItem) item = g_list_model_get_item (fd_conversation_model_get_messages (model), position);

  g_assert_nonnull (item);
  /* The model holds it. */
  return item;
}

/* The texts of the transcript, one per line. */
static char *
dup_texts (FdConversationModel *model)
{
  GListModel *messages = fd_conversation_model_get_messages (model);
  GString *texts = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(FdMessageItem) item = g_list_model_get_item (messages, i);

      if (fd_message_item_get_direction (item) != FD_DIRECTION_SYSTEM)
        g_string_append_printf (texts, "%s\n", fd_message_item_get_text (item));
    }
  return g_string_free (texts, FALSE);
}

static void
test_send_fail_retry (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *conn = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  g_autoptr(FdTestVisitor) visitor = start_visitor (server, conn, "Hello?");
  g_autofree char *token = NULL;
  FdConversationModel *model;
  FdMessageItem *item;
  CountWait first = { NULL, 1 };
  StateWait state;
  guint n;

  /* Not reserved: nothing is sent, and the status line says why. */
  model = fd_conversation_model_new (conn, visitor->conversation_id);
  wait_for (is_loaded, model, "the transcript");
  first.model = model;
  /* The offer can come before the visitor's first message is stored. */
  wait_for (has_n_messages, &first, "the visitor's first message");
  g_assert_false (fd_conversation_model_get_reserved (model));
  g_assert_true (fd_conversation_model_get_offered (model));
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==, "Reserve the conversation to reply.");
  n = g_list_model_get_n_items (fd_conversation_model_get_messages (model));
  g_assert_cmpuint (n, >=, 1);
  g_assert_false (fd_conversation_model_send_text (model, "Too early"));
  g_assert_cmpuint (g_list_model_get_n_items (fd_conversation_model_get_messages (model)), ==, n);

  fd_conversation_model_reserve (model);
  wait_for (is_reserved, model, "the reservation");
  g_assert_false (fd_conversation_model_get_offered (model));
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==, "");
  /* The reservation may add a system line ("… joined"). */
  n = g_list_model_get_n_items (fd_conversation_model_get_messages (model));

  /* Blank text sends nothing. */
  g_assert_false (fd_conversation_model_send_text (model, "  \n "));

  /* Pending at once, then sent: one item, with the server's id. */
  g_assert_true (fd_conversation_model_send_text (model, "  Hi, how can I help?  "));
  g_assert_cmpuint (g_list_model_get_n_items (fd_conversation_model_get_messages (model)), ==, n + 1);
  item = message_at (model, n);
  g_assert_cmpstr (fd_message_item_get_text (item), ==, "Hi, how can I help?");
  g_assert_cmpint (fd_message_item_get_direction (item), ==, FD_DIRECTION_OUT);
  g_assert_cmpint (fd_message_item_get_send_state (item), ==, FD_SEND_STATE_SENDING);
  g_assert_cmpint (fd_message_item_get_id (item), ==, 0);
  g_assert_cmpuint (fd_conversation_model_get_n_pending (model), ==, 1);
  g_assert_true (fd_conversation_model_lookup_pending (model, fd_message_item_get_client_id (item)) == item);
  state.item = item;
  state.state = FD_SEND_STATE_SENT;
  wait_for (has_send_state, &state, "the message to be sent");
  g_assert_cmpint (fd_message_item_get_id (item), >, 0);
  g_assert_cmpuint (fd_conversation_model_get_n_pending (model), ==, 0);
  g_assert_null (fd_conversation_model_lookup_pending (model, fd_message_item_get_client_id (item)));
  fd_test_visitor_expect_text (visitor, "Hi, how can I help?", WAIT_MS);
  /* The echo and the ack make one message, not two. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (fd_conversation_model_get_messages (model)), ==, n + 1);

  /* The app is stopped: the send fails with the reason, and stays. */
  token = g_strdup (fd_connection_get_token (conn));
  fd_connection_stop (conn);
  g_assert_true (fd_conversation_model_send_text (model, "Are you still there?"));
  item = message_at (model, n + 1);
  state.item = item;
  state.state = FD_SEND_STATE_FAILED;
  wait_for (has_send_state, &state, "the send to fail");
  g_assert_cmpstr (fd_message_item_get_error (item), !=, NULL);
  g_assert_cmpstr (fd_message_item_get_error (item), !=, "");
  g_assert_cmpint (fd_message_item_get_id (item), ==, 0);
  g_assert_true (fd_conversation_model_lookup_pending (model, fd_message_item_get_client_id (item)) == item);
  /* Only a failed message can be retried. */
  g_assert_false (fd_conversation_model_retry (model, message_at (model, n)));

  /* Back online, the retry goes through with the same client_id, once. */
  fd_connection_start (conn, token);
  wait_for (is_ready, conn, "the connection again");
  g_assert_true (fd_conversation_model_retry (model, item));
  g_assert_cmpint (fd_message_item_get_send_state (item), ==, FD_SEND_STATE_SENDING);
  g_assert_null (fd_message_item_get_error (item));
  state.state = FD_SEND_STATE_SENT;
  wait_for (has_send_state, &state, "the retried message to be sent");
  g_assert_cmpint (fd_message_item_get_id (item), >, 0);
  fd_test_visitor_expect_text (visitor, "Are you still there?", WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (fd_conversation_model_get_messages (model)), ==, n + 2);
  g_assert_false (fd_conversation_model_retry (model, item));

  g_assert_finalize_object (model);
  fd_connection_stop (conn);
  drain ();
  g_assert_finalize_object (conn);
}

static gboolean
is_visitor_typing (const FdFrame *frame,
                   gpointer       user_data)
{
  const FdVisitorTyping *typing = frame->body;

  return frame->type == FD_FRAME_VISITOR_TYPING_EVENT && typing->typing == GPOINTER_TO_INT (user_data);
}

static void
test_typing_and_drafts (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *conn = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  g_autoptr(FdTestVisitor) visitor = start_visitor (server, conn, "Can I ask something?");
  g_autofree char *dir = g_dir_make_tmp ("fd-test-conversation-XXXXXX", NULL);
  g_autoptr(FdDrafts) drafts = fd_drafts_new (dir, NULL, NULL);
  g_autoptr(FdFrame) frame = NULL;
  FdConversationModel *model = open_reserved (conn, visitor);
  FdConversationModel *again;
  FdVisitorTyping *body;
  CountWait count;

  /* The visitor types: "Name is typing…"; their message hides it. */
  body = fd_visitor_typing_new ();
  body->typing = TRUE;
  frame = fd_frame_new (FD_FRAME_VISITOR_TYPING, body);
  fd_test_socket_send (visitor->socket, frame);
  wait_for (has_typing_text, model, "the visitor's typing");
  g_assert_cmpstr (fd_conversation_model_get_typing_text (model), ==, "Natalie Maines is typing…");
  count.model = model;
  count.n = g_list_model_get_n_items (fd_conversation_model_get_messages (model)) + 1;
  fd_test_visitor_send (visitor, "v2", "It is about prices.");
  wait_for (has_n_messages, &count, "the visitor's message");
  g_assert_cmpstr (fd_conversation_model_get_typing_text (model), ==, "");

  /* The agent types: one "typing" and, after the idle delay, "stopped". */
  fd_conversation_model_set_typing_delays (model, 3000, 200);
  fd_conversation_model_set_stores (model, drafts, NULL);
  g_assert_null (fd_conversation_model_get_draft (model));
  fd_conversation_model_set_compose_text (model, "Our prices");
  g_assert_true (fd_conversation_model_get_agent_typing (model));
  g_assert_cmpstr (fd_conversation_model_get_draft (model), ==, "Our prices");
  g_clear_pointer (&frame, fd_frame_free);
  frame = fd_test_socket_wait_match (visitor->socket, is_visitor_typing, GINT_TO_POINTER (TRUE), WAIT_MS,
                                     "the agent's typing notice");
  wait_for (is_agent_not_typing, model, "the idle delay");
  g_clear_pointer (&frame, fd_frame_free);
  frame = fd_test_socket_wait_match (visitor->socket, is_visitor_typing, GINT_TO_POINTER (FALSE), WAIT_MS,
                                     "the agent's stopped-typing notice");

  /* Emptying the box stops at once. */
  fd_conversation_model_set_compose_text (model, "Our prices are");
  g_assert_true (fd_conversation_model_get_agent_typing (model));
  fd_conversation_model_set_compose_text (model, "");
  g_assert_false (fd_conversation_model_get_agent_typing (model));

  /* The draft outlives the model: another one for the same conversation
   * finds it, until it is cleared. */
  fd_conversation_model_set_compose_text (model, "Our prices start at 10 €.");
  again = fd_conversation_model_new (conn, visitor->conversation_id);
  fd_conversation_model_set_stores (again, drafts, NULL);
  g_assert_cmpstr (fd_conversation_model_get_draft (again), ==, "Our prices start at 10 €.");
  fd_conversation_model_clear_draft (again);
  g_assert_null (fd_conversation_model_get_draft (model));
  g_assert_finalize_object (again);

  /* Closing stops typing and ends it. */
  fd_conversation_model_set_compose_text (model, "Bye");
  g_assert_true (fd_conversation_model_get_agent_typing (model));
  fd_conversation_model_close (model);
  g_assert_false (fd_conversation_model_get_agent_typing (model));
  wait_for (is_not_reserved, model, "the close");
  g_assert_true (fd_conversation_model_get_closed (model));
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==, "This conversation has ended.");
  g_assert_false (fd_conversation_model_send_text (model, "Too late"));

  g_assert_finalize_object (model);
  g_clear_object (&drafts);
  fd_connection_stop (conn);
  drain ();
  g_assert_finalize_object (conn);
  g_remove (dir);
}

static void
test_transfer (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  FdConnection *natalie = connect_agent (server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  g_autoptr(FdTestVisitor) visitor = start_visitor (server, jenna, "I need billing.");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) colleagues = NULL;
  g_autoptr(GError) error = NULL;
  FdConversationModel *model = open_reserved (jenna, visitor);
  FdConversationModel *taken;
  gint64 natalie_id = fd_connection_get_agent (natalie)->id;
  const FdColleague *colleague;
  TransferWait transfer = { model, FD_TRANSFER_OFFERED };
  RowWait row = { natalie, visitor->conversation_id };

  g_assert_cmpint (fd_conversation_model_get_transfer_state (model), ==, FD_TRANSFER_NONE);
  g_assert_null (fd_conversation_model_get_transfer_name (model));
  fd_conversation_model_list_colleagues_async (model, NULL, on_done_cb, &result);
  wait_for (has_result, &result, "the colleagues");
  colleagues = fd_connection_list_colleagues_finish (jenna, result, &error);
  g_assert_no_error (error);
  /* Natalie, joined; then Ed, a member of Sales who is not. */
  g_assert_cmpuint (colleagues->len, ==, 2);
  g_assert_false (((FdColleague *) g_ptr_array_index (colleagues, 1))->joined);
  colleague = g_ptr_array_index (colleagues, 0);
  g_assert_cmpint (colleague->agent_id, ==, natalie_id);
  g_assert_true (colleague->online);
  g_assert_true (colleague->joined);

  /* Offered, then declined: still Jenna's, and she is told. */
  fd_conversation_model_transfer (model, natalie_id, colleague->name);
  g_assert_cmpint (fd_conversation_model_get_transfer_state (model), ==, FD_TRANSFER_OFFERED);
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==, "Offering the conversation to Natalie Maines…");
  wait_for (has_row, &row, "the offer in Natalie's list");
  g_clear_object (&result);
  fd_connection_reject_async (natalie, visitor->conversation_id, NULL, on_done_cb, &result);
  wait_for (has_result, &result, "Natalie declining");
  g_assert_true (fd_connection_reject_finish (natalie, result, &error));
  g_assert_no_error (error);
  transfer.state = FD_TRANSFER_DECLINED;
  wait_for (has_transfer_state, &transfer, "the declined transfer");
  g_assert_true (fd_conversation_model_get_reserved (model));
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==,
                   "Natalie Maines did not take the conversation; it is still yours.");

  /* Again; Natalie reserves it and has the whole transcript. */
  fd_conversation_model_transfer (model, natalie_id, colleague->name);
  g_assert_cmpint (fd_conversation_model_get_transfer_state (model), ==, FD_TRANSFER_OFFERED);
  wait_for (has_row, &row, "the second offer");
  taken = fd_conversation_model_new (natalie, visitor->conversation_id);
  wait_for (is_loaded, taken, "Natalie's transcript");
  g_assert_true (fd_conversation_model_get_offered (taken));
  g_assert_cmpstr (fd_conversation_model_get_status (taken), ==,
                   "A colleague is handing this conversation to you: reserve it to take it.");
  fd_conversation_model_reserve (taken);
  wait_for (is_reserved, taken, "Natalie's reservation");
  transfer.state = FD_TRANSFER_ACCEPTED;
  wait_for (has_transfer_state, &transfer, "the accepted transfer");
  g_assert_false (fd_conversation_model_get_reserved (model));
  g_assert_cmpstr (fd_conversation_model_get_status (model), ==, "Transferred to Natalie Maines.");
  g_assert_false (fd_conversation_model_send_text (model, "Not mine any more"));
  {
    g_autofree char *texts = dup_texts (taken);

    g_assert_nonnull (strstr (texts, "I need billing.\n"));
  }

  g_assert_finalize_object (taken);
  g_assert_finalize_object (model);
  fd_connection_stop (natalie);
  fd_connection_stop (jenna);
  g_clear_object (&result);
  drain ();
  g_assert_finalize_object (natalie);
  g_assert_finalize_object (jenna);
}

/* Copies the database file @from to @to (the server is stopped, so the
 * file holds everything). */
static void
copy_database (const char *from,
               const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (to, "-wal", NULL);
  g_autofree char *shm = g_strconcat (to, "-shm", NULL);

  g_assert_true (g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_remove (wal);
  g_remove (shm);
}

static void
test_resync (void)
{
  g_autoptr(FdTestServer) server = start_demo_server ();
  FdConnection *conn = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  g_autoptr(FdTestVisitor) visitor = start_visitor (server, conn, "one");
  g_autofree char *backup = g_strconcat (fd_test_server_get_db_path (server), ".backup", NULL);
  g_autofree char *texts = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdConversationModel *model = open_reserved (conn, visitor);
  CountWait count = { model, 0 };
  StateWait state;
  gint64 seq;

  g_assert_true (fd_conversation_model_send_text (model, "two"));
  state.item = message_at (model, g_list_model_get_n_items (fd_conversation_model_get_messages (model)) - 1);
  state.state = FD_SEND_STATE_SENT;
  wait_for (has_send_state, &state, "the reply");
  fd_test_visitor_send (visitor, "v2", "three");
  count.n = g_list_model_get_n_items (fd_conversation_model_get_messages (model)) + 1;
  wait_for (has_n_messages, &count, "the visitor's second message");

  /* A backup of the database as it is now; then more events (not
   * messages: a restored database hands out their ids again). */
  fd_test_visitor_disconnect (visitor);
  fd_test_server_stop (server);
  wait_for (is_not_connected, conn, "the drop");
  copy_database (fd_test_server_get_db_path (server), backup);
  fd_test_server_start (server);
  wait_for (is_ready, conn, "the reconnection");
  fd_connection_set_acd_async (conn, FD_ACD_UNAVAILABLE, "lunch", NULL, on_done_cb, &result);
  wait_for (has_result, &result, "the ACD change");
  g_assert_true (fd_connection_set_acd_finish (conn, result, &error));
  g_assert_no_error (error);
  seq = fd_connection_get_last_seq (conn);

  /* The database is restored from the backup: the server is behind the
   * app, so the reconnection brings a snapshot with the transcript the
   * model already has. Nothing may show twice, and what follows is
   * added in order. */
  fd_test_server_stop (server);
  wait_for (is_not_connected, conn, "the second drop");
  copy_database (backup, fd_test_server_get_db_path (server));
  fd_test_server_start (server);
  wait_for (is_ready, conn, "the reconnection to the restored server");
  g_assert_cmpint (fd_connection_get_last_seq (conn), <, seq);
  fd_test_visitor_connect (visitor);
  fd_test_visitor_send (visitor, "v3", "four");
  count.n++;
  wait_for (has_n_messages, &count, "the message after the restore");
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  texts = dup_texts (model);
  g_assert_cmpstr (texts, ==, "one\ntwo\nthree\nfour\n");
  g_assert_true (fd_conversation_model_get_reserved (model));

  g_assert_finalize_object (model);
  fd_connection_stop (conn);
  g_clear_object (&result);
  drain ();
  g_assert_finalize_object (conn);
  g_remove (backup);
}

/* --- email ------------------------------------------------------------------------ */

#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS   "support@example.test"

typedef struct {
  FdMessageItem    *item;
  FdDeliveryStatus  state;
} DeliveryWait;

static gboolean
has_delivery_state (gpointer data)
{
  DeliveryWait *w = data;

  return fd_message_item_get_delivery_state (w->item) == w->state;
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
on_notify_count_cb (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_email (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new_mailbox ();
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) mail = NULL;
  g_auto(GStrv) to = NULL;
  g_auto(GStrv) cc = NULL;
  g_auto(GStrv) bad = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *reply_to = NULL;
  g_autofree char *expected_subject = NULL;
  FdConversationModel *model;
  FdConversationModel *model_gone;
  FdMessageItem *item;
  FdMessageItem *question;
  FdConnection *conn;
  CountWait count = { NULL, 1 };
  StateWait state;
  DeliveryWait delivery;
  gint64 org_id, stream_id, conversation_id = 0, reply_id;
  guint n, notified = 0;
  const char *raw = "From: Alice Customer <alice@customer.test>\r\n"
                    "To: " STREAM_ADDRESS "\r\n"
                    "Cc: \"Bob, the boss\" <bob@customer.test>\r\n"
                    "Subject: RE: Re: Order 42\r\n"
                    "Message-ID: <order-42@customer.test>\r\n"
                    "Date: Mon, 7 Dec 2026 09:00:00 +0000\r\n"
                    "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\n"
                    "\r\n"
                    "Where is my order?\r\n";

  fd_test_server_add_args (server, "--email-backoff-ms", "200", "--email-max-backoff-ms", "1000",
                           "--email-smtp-attempts", "2", NULL);
  fd_test_server_start (server);
  /* The SMTP server is not there at first: replies fail. */
  stream_id = fd_test_dovecot_add_stream (dovecot, server, MAILBOX_PASSWORD, STREAM_ADDRESS, fd_test_free_port (),
                                          &org_id);
  conn = connect_agent (server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  fd_test_dovecot_deliver (dovecot, NULL, raw, -1);

  /* The offer, and the customer's mail with its headers (the mail comes
   * through the worker's IMAP session: up to 30 s on a loaded machine). */
  {
    GListModel *rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (conn)));
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    g_autoptr(FdConversationItem) first = NULL;

    while (g_list_model_get_n_items (rows) == 0 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
    first = g_list_model_get_item (rows, 0);
    conversation_id = fd_conversation_item_get_id (first);
  }
  model = fd_conversation_model_new (conn, conversation_id);
  count.model = model;
  wait_for (is_loaded, model, "the transcript");
  wait_for (has_n_messages, &count, "the mail");
  question = message_at (model, 0);
  g_assert_true (fd_message_item_get_is_mail (question));
  g_assert_cmpstr (fd_message_item_get_mail_from (question), ==, "Alice Customer <alice@customer.test>");
  g_assert_cmpstrv (fd_message_item_get_mail_to (question), ((const char *[]) { STREAM_ADDRESS, NULL }));
  g_assert_cmpstrv (fd_message_item_get_mail_cc (question),
                    ((const char *[]) { "\"Bob, the boss\" <bob@customer.test>", NULL }));
  g_assert_cmpstr (fd_message_item_get_subject (question), ==, "RE: Re: Order 42");
  g_assert_cmpint (fd_message_item_get_mail_date (question), >, 0);
  g_assert_cmpint (fd_message_item_get_delivery_state (question), ==, FD_DELIVERY_STATUS_NONE);
  question = NULL;  /* the model holds it, and goes below */

  /* The reply's prefill: one "Re:", the customer's mailbox. */
  fd_conversation_model_reserve (model);
  wait_for (is_reserved, model, "the reservation");
  subject = fd_conversation_model_dup_reply_subject (model);
  g_assert_cmpstr (subject, ==, "Re: Order 42");
  reply_to = fd_conversation_model_dup_reply_to (model);
  g_assert_cmpstr (reply_to, ==, "Alice Customer <alice@customer.test>");

  /* Writing the reply keeps the draft but tells no one: there is no
   * customer watching an email being written (no "typing" frame). */
  fd_conversation_model_set_compose_text (model, "It left");
  g_assert_false (fd_conversation_model_get_agent_typing (model));
  fd_conversation_model_set_compose_text (model, "");

  /* The window's address fields. */
  to = fd_format_parse_addresses ("Alice Customer <alice@customer.test>; carol@customer.test", &error);
  g_assert_no_error (error);
  cc = fd_format_parse_addresses ("\"Bob, the boss\" <bob@customer.test>", &error);
  g_assert_no_error (error);
  bad = fd_format_parse_addresses ("bob@customer.test, not an address", &error);
  g_assert_null (bad);
  g_assert_error (error, FD_FORMAT_ERROR, FD_FORMAT_ERROR_ADDRESS);
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_clear_error (&error);

  /* Sent, and the window closed at once: the model stays until the server
   * has the reply, then goes (nothing lost, nothing leaked). */
  n = g_list_model_get_n_items (fd_conversation_model_get_messages (model));
  g_assert_true (fd_conversation_model_send_email (model, "It left today.", (const char * const *) to,
                                                   (const char * const *) cc, "Your order", NULL));
  item = g_object_ref (message_at (model, n));
  g_assert_cmpint (fd_message_item_get_send_state (item), ==, FD_SEND_STATE_SENDING);
  g_assert_cmpstr (fd_message_item_get_subject (item), ==, "Your order");
  g_assert_cmpstrv (fd_message_item_get_mail_to (item), (const char * const *) to);
  g_signal_connect (item, "notify::delivery-state", G_CALLBACK (on_notify_count_cb), &notified);
  model_gone = model;
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model_gone);
  g_object_unref (model);
  g_assert_nonnull (model_gone);
  state.item = item;
  state.state = FD_SEND_STATE_SENT;
  wait_for (has_send_state, &state, "the reply's ack");
  reply_id = fd_message_item_get_id (item);
  g_assert_cmpint (reply_id, >, 0);
  expected_subject = g_strdup_printf ("Your order [#%" G_GINT64_FORMAT "]", conversation_id);
  g_assert_cmpstr (fd_message_item_get_subject (item), ==, expected_subject);
  /* The echo may come before the delivery event and the ack: the model
   * lives until the ack, which has the delivery. */
  wait_for (is_null, &model_gone, "the model to go");
  g_assert_cmpint (fd_message_item_get_delivery_state (item), !=, FD_DELIVERY_STATUS_NONE);
  g_assert_cmpuint (notified, >=, 1);
  g_object_unref (item);

  /* The window opened again: the reply failed (the SMTP server is down),
   * with the reason. */
  model = fd_conversation_model_new (conn, conversation_id);
  wait_for (is_loaded, model, "the transcript again");
  item = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (fd_conversation_model_get_messages (model)); i++)
    if (fd_message_item_get_id (message_at (model, i)) == reply_id)
      item = message_at (model, i);
  g_assert_nonnull (item);
  delivery.item = item;
  delivery.state = FD_DELIVERY_STATUS_FAILED;
  notified = 0;
  g_signal_connect (item, "notify::delivery-state", G_CALLBACK (on_notify_count_cb), &notified);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!has_delivery_state (&delivery) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpint (fd_message_item_get_delivery_state (item), ==, FD_DELIVERY_STATUS_FAILED);
  g_assert_cmpstr (fd_message_item_get_delivery_reason (item), !=, "");
  g_assert_cmpint (fd_message_item_get_delivery_attempts (item), ==, 2);
  g_assert_cmpstrv (fd_message_item_get_mail_cc (item), (const char * const *) cc);

  /* The contact's History lists the email conversation like any other. */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    GPtrArray *history;

    while (((history = fd_conversation_model_get_history (model)) == NULL || history->len == 0) &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (history);
    g_assert_cmpuint (history->len, ==, 1);
    g_assert_cmpint (((FdConversation *) g_ptr_array_index (history, 0))->id, ==, conversation_id);
    g_assert_cmpint (((FdConversation *) g_ptr_array_index (history, 0))->kind, ==, FD_STREAM_EMAIL);
  }

  /* Only a failed reply is retried; once the server is there, it is sent. */
  g_assert_false (fd_conversation_model_retry_delivery (model, message_at (model, 0)));
  fd_test_dovecot_set_stream_smtp (dovecot, server, org_id, stream_id, STREAM_ADDRESS,
                                   fd_test_smtpd_get_port (smtpd));
  g_assert_true (fd_conversation_model_retry_delivery (model, item));
  delivery.state = FD_DELIVERY_STATUS_SENT;
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!has_delivery_state (&delivery) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_cmpint (fd_message_item_get_delivery_state (item), ==, FD_DELIVERY_STATUS_SENT);
  g_assert_cmpstr (fd_message_item_get_delivery_reason (item), ==, "");
  g_assert_cmpuint (notified, >=, 2);
  sent = fd_test_smtpd_wait_messages (smtpd, 1);
  mail = fd_mail_parse (g_ptr_array_index (sent, 0), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mail->subject, ==, expected_subject);
  g_assert_cmpuint (mail->to->len, ==, 2);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (mail->to, 1))->address, ==, "carol@customer.test");
  g_assert_cmpuint (mail->cc->len, ==, 1);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (mail->cc, 0))->name, ==, "Bob, the boss");

  g_assert_finalize_object (model);
  fd_connection_stop (conn);
  drain ();
  g_assert_finalize_object (conn);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/conversation/send-fail-retry", test_send_fail_retry);
  g_test_add_func ("/agent/conversation/typing-and-drafts", test_typing_and_drafts);
  g_test_add_func ("/agent/conversation/transfer", test_transfer);
  g_test_add_func ("/agent/conversation/resync", test_resync);
  g_test_add_func ("/agent/conversation/email", test_email);

  return g_test_run ();
}
