#define G_LOG_DOMAIN "test-it-group-commit"

/* Group commit (docs/architecture.md, "Durability"): an acknowledgement
 * never reaches a client before the COMMIT that saves what it acknowledges.
 * frontdeskd runs with --commit-window-ms 300, so a group stays open long
 * enough that an answer sent at the end of its request instead of after the
 * COMMIT would be seen while the row is not in the file yet; the test reads
 * the file with a connection of its own the moment each answer arrives. A
 * request that fails in the middle of a group undoes nothing of its
 * neighbours. A COMMIT that cannot write (the server's file size limit
 * lowered under it, as a full disk would) answers every request of its
 * group with an error, closes their sockets with 1011 and loses nothing
 * that was acknowledged; the resend after reconnecting is saved. */

#include "fd-integration.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/resource.h>

#define WINDOW_MS "300"

/* How many stored messages carry @client_id, read from the file by a
 * connection of the test's own: only committed rows are visible to it. */
static guint
count_saved (FdTestServer *server,
             const char   *client_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open_v2 (fd_test_server_get_db_path (server), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages WHERE client_id = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, client_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static FdTestServer *
start_server (gint64 *out_sales)
{
  FdTestServer *server = fd_test_server_new ();
  gint64 org_id;

  fd_test_server_add_args (server, "--commit-window-ms", WINDOW_MS, NULL);
  fd_test_server_start (server);
  org_id = fd_test_admin_import_demo (server);
  *out_sales = fd_test_admin_find_id (server, org_id, "queues", "Sales");
  return server;
}

static void
test_ack_after_commit (void)
{
  g_autoptr(FdTestServer) server = NULL;
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  gint64 sales = 0;

  server = start_server (&sales);
  natalie = fd_test_agent_sign_in_and_join (server, FD_IT_NATALIE, sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, server, FD_IT_CHAT_KEY, "Ada");

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *a = g_strdup_printf ("a-%u", i);
      g_autofree char *w = g_strdup_printf ("w-%u", i);
      g_autofree char *request_id = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                                                fd_test_send_message (visitor->conversation_id,
                                                                                      a, "Saved first"));
      g_autoptr(FdFrame) ack = NULL;
      g_autoptr(FdMessage) echo = NULL;

      fd_test_visitor_send (visitor, w, "Then answered");
      ack = fd_test_socket_wait_reply (natalie->socket, request_id, FD_TEST_TIMEOUT_MS);
      g_assert_cmpint (ack->type, ==, FD_FRAME_ACK);
      g_assert_cmpuint (count_saved (server, a), ==, 1);
      echo = fd_it_visitor_wait_message (visitor, w);
      g_assert_cmpuint (count_saved (server, w), ==, 1);
    }

  /* And it stays saved when the process dies right after. */
  fd_test_server_kill (server);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *a = g_strdup_printf ("a-%u", i);
      g_autofree char *w = g_strdup_printf ("w-%u", i);

      g_assert_cmpuint (count_saved (server, a), ==, 1);
      g_assert_cmpuint (count_saved (server, w), ==, 1);
    }
  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

/* Three requests in one group: the middle one fails; the other two are
 * saved and acknowledged. */
static void
test_failing_neighbour (void)
{
  g_autoptr(FdTestServer) server = NULL;
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  FdConversationRef *ref = fd_conversation_ref_new ();
  g_autofree char *first = NULL, *bad = NULL, *last = NULL;
  g_autoptr(FdFrame) first_ack = NULL, bad_reply = NULL, last_ack = NULL;
  gint64 sales = 0;

  server = start_server (&sales);
  natalie = fd_test_agent_sign_in_and_join (server, FD_IT_NATALIE, sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, server, FD_IT_CHAT_KEY, "Ada");

  first = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                      fd_test_send_message (visitor->conversation_id, "first", "One"));
  /* Reserving a conversation that does not exist fails. */
  ref->conversation_id = visitor->conversation_id + 1000;
  bad = fd_test_agent_send_request (natalie, FD_FRAME_RESERVE, ref);
  last = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                     fd_test_send_message (visitor->conversation_id, "last", "Two"));

  first_ack = fd_test_socket_wait_reply (natalie->socket, first, FD_TEST_TIMEOUT_MS);
  bad_reply = fd_test_socket_wait_reply (natalie->socket, bad, FD_TEST_TIMEOUT_MS);
  last_ack = fd_test_socket_wait_reply (natalie->socket, last, FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (first_ack->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (bad_reply->type, ==, FD_FRAME_ERROR);
  g_assert_cmpint (last_ack->type, ==, FD_FRAME_ACK);
  g_assert_cmpuint (count_saved (server, "first"), ==, 1);
  g_assert_cmpuint (count_saved (server, "last"), ==, 1);

  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

static void
set_file_limit (FdTestServer *server,
                rlim_t        limit)
{
  struct rlimit rl = { .rlim_cur = limit, .rlim_max = RLIM_INFINITY };

  g_assert_cmpint (prlimit (fd_test_server_get_pid (server), RLIMIT_FSIZE, &rl, NULL), ==, 0);
}

static void
test_commit_fails (void)
{
  g_autoptr(FdTestServer) server = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *lost = NULL;
  g_autoptr(FdFrame) saved_ack = NULL, lost_reply = NULL, resent = NULL;
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  GStatBuf st;
  gint64 sales = 0;

  server = start_server (&sales);
  natalie = fd_test_agent_sign_in_and_join (server, FD_IT_NATALIE, sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, server, FD_IT_CHAT_KEY, "Ada");
  saved_ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                        fd_test_send_message (visitor->conversation_id, "saved", "Kept"));

  /* From here the write-ahead log may not grow: the next COMMIT fails. */
  wal = g_strconcat (fd_test_server_get_db_path (server), "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  set_file_limit (server, (rlim_t) st.st_size);
  lost = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                     fd_test_send_message (visitor->conversation_id, "lost", "Not saved"));
  fd_test_visitor_send (visitor, "w-lost", "Not saved either");
  lost_reply = fd_test_socket_wait_reply (natalie->socket, lost, FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (lost_reply, FD_WIRE_ERROR_INTERNAL);
  fd_test_socket_wait_closed (natalie->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (natalie->socket, 1011);
  fd_test_socket_wait_closed (visitor->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (visitor->socket, 1011);
  set_file_limit (server, RLIM_INFINITY);

  /* Nothing acknowledged was lost; nothing unacknowledged was saved. */
  g_assert_cmpuint (count_saved (server, "saved"), ==, 1);
  g_assert_cmpuint (count_saved (server, "lost"), ==, 0);
  g_assert_cmpuint (count_saved (server, "w-lost"), ==, 0);

  /* The app reconnects and resends with the same client id: saved once. */
  fd_test_agent_disconnect (natalie);
  fd_test_agent_connect (natalie);
  resent = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                     fd_test_send_message (visitor->conversation_id, "lost", "Not saved"));
  g_assert_cmpstr (((FdMessage *) resent->body)->client_id, ==, "lost");
  g_assert_cmpuint (count_saved (server, "lost"), ==, 1);

  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

int
main (int argc, char **argv)
{
  fd_it_init (&argc, &argv);
  g_test_add_func ("/integration/group-commit/ack-after-commit", test_ack_after_commit);
  g_test_add_func ("/integration/group-commit/failing-neighbour", test_failing_neighbour);
  g_test_add_func ("/integration/group-commit/commit-fails", test_commit_fails);
  return g_test_run ();
}
