#define G_LOG_DOMAIN "rel-kill9"

/* kill -9 under traffic (docs/reliability.md): an agent and a visitor send
 * messages with client ids without waiting; frontdeskd is killed with
 * SIGKILL at a random point, restarted on the same database and port, and
 * both sides reconnect and resend what was not acknowledged, with the same
 * client ids. After the last cycle the stored transcript (read from the
 * SQLite file) is compared with what was acknowledged: lost = acknowledged
 * but not stored, doubled = stored more than once. */

#include "rel-common.h"

#include <sqlite3.h>

#define CHAT_KEY      "kakapo-website-chat"
#define AGENT_LOGIN   "natalie@kakapo.example", "natalie-demo"
/* Per cycle and side: new messages, and the longest wait before the kill. */
#define BATCH         20
#define MAX_DELAY_MS  30
#define CLOSE_WAIT_MS 5000

typedef struct {
  FdTestServer  *server;
  FdTestAgent   *agent;
  FdTestSocket  *visitor;        /* the visitor's socket, raw frames */
  char          *visitor_token;
  gint64         conversation_id;
  gint64         visitor_last_id;  /* highest message id the visitor saw */
  GHashTable    *sent;           /* client id → text, every message ever sent */
  GHashTable    *acked;          /* client id set */
  GHashTable    *request_to_client; /* request id → client id, current agent socket */
  guint          sends;          /* send frames, resends included */
  guint          errors;         /* error answers (rate limits, …) */
} Traffic;

static gboolean
is_closed (FdTestSocket *socket)
{
  return socket == NULL || fd_test_socket_is_closed (socket);
}

/* Moves every frame that arrived into the bookkeeping. */
static void
collect (Traffic *t)
{
  FdFrame *frame;

  while (t->agent->socket != NULL && (frame = fd_test_socket_pop (t->agent->socket)) != NULL)
    {
      if (frame->type == FD_FRAME_ACK && frame->ack_for == FD_FRAME_SEND_MESSAGE)
        {
          const FdMessage *msg = frame->body;
          const char *client_id = g_hash_table_lookup (t->request_to_client, frame->id);

          if (client_id != NULL && g_strcmp0 (msg->client_id, client_id) == 0)
            g_hash_table_add (t->acked, g_strdup (client_id));
          else
            rel_note ("An ack for request %s carries client id %s", frame->id, msg->client_id);
        }
      else if (frame->type == FD_FRAME_ERROR)
        t->errors++;
      fd_frame_free (frame);
    }
  while (t->visitor != NULL && (frame = fd_test_socket_pop (t->visitor)) != NULL)
    {
      if (frame->type == FD_FRAME_VISITOR_MESSAGE)
        {
          const FdMessage *msg = frame->body;

          t->visitor_last_id = MAX (t->visitor_last_id, msg->id);
          if (msg->client_id != NULL && g_str_has_prefix (msg->client_id, "w-"))
            g_hash_table_add (t->acked, g_strdup (msg->client_id));
        }
      else if (frame->type == FD_FRAME_VISITOR_WELCOME)
        {
          const FdVisitorWelcome *welcome = frame->body;

          for (guint i = 0; welcome->messages != NULL && i < welcome->messages->len; i++)
            t->visitor_last_id = MAX (t->visitor_last_id, ((FdMessage *) welcome->messages->pdata[i])->id);
        }
      else if (frame->type == FD_FRAME_VISITOR_ERROR)
        t->errors++;
      fd_frame_free (frame);
    }
}

static void
send_one (Traffic    *t,
          const char *client_id)
{
  const char *text = g_hash_table_lookup (t->sent, client_id);

  if (client_id[0] == 'a')
    {
      FdSendMessage *send = fd_send_message_new ();
      char *request_id;

      send->conversation_id = t->conversation_id;
      send->client_id = g_strdup (client_id);
      send->text = g_strdup (text);
      request_id = fd_test_agent_send_request (t->agent, FD_FRAME_SEND_MESSAGE, send);
      g_hash_table_insert (t->request_to_client, request_id, g_strdup (client_id));
    }
  else
    {
      FdVisitorSend *send = fd_visitor_send_new ();
      g_autoptr(FdFrame) frame = NULL;

      send->client_id = g_strdup (client_id);
      send->text = g_strdup (text);
      frame = fd_frame_new (FD_FRAME_VISITOR_SEND_MESSAGE, send);
      fd_test_socket_send (t->visitor, frame);
    }
  t->sends++;
}

/* Sends every message that was sent before and not acknowledged. */
static guint
resend_unacked (Traffic *t)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, t->sent);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (t->acked, key))
      g_ptr_array_add (ids, key);
  for (guint i = 0; i < ids->len; i++)
    send_one (t, ids->pdata[i]);
  return ids->len;
}

static gboolean
is_welcome (const FdFrame *frame,
            gpointer       user_data)
{
  return frame->type == FD_FRAME_VISITOR_WELCOME;
}

/* The visitor side: the test client's visitor always asks for the whole
 * transcript; this one asks only for what it has not seen, as the widget
 * does, so that the welcome stays small however long the chat gets. */
static void
connect_visitor (Traffic *t)
{
  g_autofree char *url = fd_test_visitor_socket_url (t->server, t->visitor_token);
  g_autoptr(GError) error = NULL;
  FdVisitorHello *hello = fd_visitor_hello_new ();
  g_autoptr(FdFrame) frame = NULL;
  guint status = 0;

  t->visitor = fd_test_socket_open (url, FD_FRAMES_VISITOR_SERVER, NULL, &status, &error);
  if (t->visitor == NULL)
    g_error ("The visitor websocket was refused (HTTP %u): %s", status, error->message);
  hello->last_message_id = t->visitor_last_id;
  frame = fd_frame_new (FD_FRAME_VISITOR_HELLO, hello);
  fd_test_socket_send (t->visitor, frame);
  /* The welcome stays queued; collect() reads it. */
  fd_test_socket_peek_match (t->visitor, is_welcome, NULL, FD_TEST_TIMEOUT_MS, "the visitor's welcome");
}

static void
reconnect (Traffic *t)
{
  fd_test_agent_connect (t->agent);
  connect_visitor (t);
}

static void
wait_both_closed (Traffic *t)
{
  double deadline = rel_now () + CLOSE_WAIT_MS / 1000.0;

  while ((!is_closed (t->agent->socket) || !is_closed (t->visitor)) && rel_now () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* Client id → how many times it is stored, read from the database. */
static GHashTable *
read_stored (const char *db_path,
             gint64      conversation_id)
{
  GHashTable *stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT client_id, count(*) FROM messages "
                              "WHERE conversation_id = ? AND client_id IS NOT NULL GROUP BY client_id",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("Cannot read the messages of %s: %s", db_path, sqlite3_errmsg (db));
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (stored, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GINT_TO_POINTER (sqlite3_column_int (stmt, 1)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return stored;
}

static guint
count_unacked (Traffic *t)
{
  return g_hash_table_size (t->sent) - g_hash_table_size (t->acked);
}

int
main (int   argc,
      char *argv[])
{
  guint cycles = 100;
  Traffic t = { 0 };
  g_autoptr(FdFrame) ack = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GHashTable) stored = NULL;
  g_autoptr(GArray) restarts = g_array_new (FALSE, FALSE, sizeof (double));
  FdConversationRef *ref = fd_conversation_ref_new ();
  guint next = 0, lost = 0, doubled = 0, unresolved = 0, resent = 0, zero_acked = 0, all_acked = 0;
  double start, elapsed, deadline;
  gint64 org_id, sales;
  GHashTableIter iter;
  gpointer key, value;

  rel_init (&argc, &argv, "kill9");
  if (g_getenv ("REL_KILL9_CYCLES") != NULL)
    cycles = (guint) g_ascii_strtoull (g_getenv ("REL_KILL9_CYCLES"), NULL, 10);

  /* The visitor sends far faster than a person; lift the per-conversation
   * message limit so that a refusal cannot hide a loss. */
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "message=1000000/1000000,create=1000/1000", TRUE);
  t.sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t.request_to_client = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  t.server = fd_test_server_new ();
  fd_test_server_start (t.server);
  org_id = fd_test_admin_import_demo (t.server);
  sales = fd_test_admin_find_id (t.server, org_id, "queues", "Sales");
  t.agent = fd_test_agent_sign_in (t.server, AGENT_LOGIN);
  fd_test_agent_connect (t.agent);
  fd_test_agent_join (t.agent, sales);
  visitor = fd_test_visitor_start (t.server, CHAT_KEY, "Vera Visitor");
  t.conversation_id = visitor->conversation_id;
  t.visitor_token = g_strdup (visitor->token);
  connect_visitor (&t);
  ref->conversation_id = t.conversation_id;
  ack = fd_test_agent_expect_ack (t.agent, FD_FRAME_RESERVE, ref);

  start = rel_now ();
  for (guint cycle = 0; cycle < cycles; cycle++)
    {
      guint delay = (guint) g_rand_int_range (rel_rand (), 0, MAX_DELAY_MS + 1);
      guint acked_before = g_hash_table_size (t.acked);
      guint in_flight;
      double restart_start;

      collect (&t);
      resent += resend_unacked (&t);
      for (guint i = 0; i < BATCH; i++, next++)
        {
          char *a = g_strdup_printf ("a-%u", next);
          char *w = g_strdup_printf ("w-%u", next);

          g_hash_table_insert (t.sent, a, g_strdup_printf ("Agent message %u of the kill -9 run", next));
          g_hash_table_insert (t.sent, w, g_strdup_printf ("Visitor message %u of the kill -9 run", next));
          send_one (&t, a);
          send_one (&t, w);
        }
      in_flight = count_unacked (&t);

      /* The random point: the server works through the frames meanwhile. */
      rel_pump (delay);
      fd_test_server_kill (t.server);
      wait_both_closed (&t);
      collect (&t);
      if (g_hash_table_size (t.acked) == acked_before)
        zero_acked++;
      if (g_hash_table_size (t.acked) - acked_before == in_flight)
        all_acked++;

      fd_test_agent_disconnect (t.agent);
      g_clear_pointer (&t.visitor, fd_test_socket_free);
      g_hash_table_remove_all (t.request_to_client);
      restart_start = rel_now ();
      fd_test_server_start (t.server);
      reconnect (&t);
      restart_start = rel_now () - restart_start;
      g_array_append_val (restarts, restart_start);
      if ((cycle + 1) % 10 == 0)
        g_print ("   cycle %u: %u sent, %u acknowledged\n", cycle + 1, g_hash_table_size (t.sent),
                 g_hash_table_size (t.acked));
    }
  elapsed = rel_now () - start;

  /* The end: resend until everything is acknowledged (or 20 s pass). */
  deadline = rel_now () + 20;
  while (count_unacked (&t) > 0 && rel_now () < deadline)
    {
      collect (&t);
      resent += resend_unacked (&t);
      rel_pump (200);
      collect (&t);
    }
  fd_test_agent_disconnect (t.agent);
  g_clear_pointer (&t.visitor, fd_test_socket_free);
  fd_test_server_kill (t.server);

  stored = read_stored (fd_test_server_get_db_path (t.server), t.conversation_id);
  g_hash_table_iter_init (&iter, t.sent);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (stored, key));

      if (g_hash_table_contains (t.acked, key) && n == 0)
        lost++;
      if (!g_hash_table_contains (t.acked, key))
        unresolved++;
    }
  g_hash_table_iter_init (&iter, stored);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > 1)
      doubled++;

  rel_set_int ("cycles", cycles);
  rel_set_int ("messages", g_hash_table_size (t.sent));
  rel_set_int ("acknowledged", g_hash_table_size (t.acked));
  rel_set_int ("sends", t.sends);
  rel_set_int ("resends", resent);
  rel_set_int ("error_answers", t.errors);
  rel_set_int ("lost", lost);
  rel_set_int ("doubled", doubled);
  rel_set_int ("unresolved", unresolved);
  rel_set_int ("kills_before_any_ack", zero_acked);
  rel_set_int ("kills_after_all_acks", all_acked);
  rel_set_double ("seconds", elapsed);
  rel_set_double ("restart_median_s", rel_median ((double *) restarts->data, restarts->len));
  g_print ("   %u cycles in %.1f s: %u messages (%u sends), %u acknowledged; lost %u, doubled %u, "
           "never acknowledged %u\n", cycles, elapsed, g_hash_table_size (t.sent), t.sends,
           g_hash_table_size (t.acked), lost, doubled, unresolved);
  g_print ("   kills before any ack of the cycle: %u, after all of them: %u; restart + reconnect median %.0f ms\n",
           zero_acked, all_acked, 1000 * rel_median ((double *) restarts->data, restarts->len));

  fd_test_agent_free (t.agent);
  fd_test_server_free (t.server);
  g_free (t.visitor_token);
  g_hash_table_unref (t.sent);
  g_hash_table_unref (t.acked);
  g_hash_table_unref (t.request_to_client);
  return rel_finish ();
}
