/* The live center reroutes at once when what routing knows changes: after
 * a restart (a waiting chat offered again, an old offer withdrawn) and
 * after an administrator's change (an agent taken out of a queue, added
 * to one, a stream created with its phases). */

#include "test-live-center.h"

#include <sqlite3.h>

void
test_restart_reoffers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) again = NULL;
  FdWelcome *welcome;
  gint64 id;
  gint64 seen;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rolf");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer");
  fd_test_socket_settle (ann->socket, 100);
  seen = fd_test_agent_get_last_seq (ann);
  fd_test_agent_disconnect (ann);

  fd_test_server_stop (f->server);
  fd_test_server_start (f->server);

  /* Still joined after the restart, and offered the waiting chat again. */
  welcome = fd_test_agent_connect (ann);
  g_assert_true (welcome->resumed);
  again = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer after restart");
  g_assert_cmpint (again->seq, >, seen);
  g_assert_cmpint (((FdOfferEvent *) again->body)->offer->agent_id, ==, ann->agent->id);
}

static gboolean
frame_is_withdraw_of (const FdFrame *frame,
                      gpointer       conversation_id)
{
  const FdWithdraw *withdraw = frame->body;

  return frame->type == FD_FRAME_WITHDRAW && withdraw->conversation_id == *(gint64 *) conversation_id;
}

/* An offer that is not made again after a restart is withdrawn (reason
 * phase-ended): here the agent was set unavailable in the database while
 * the server was down. The server asks the routing engine whether an old
 * offer was made again (issue 17: it queried the store per old offer). */
void
test_restart_withdraws_old_offer (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gint64 id;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rolf");
  id = visitor->conversation_id;
  offer = fd_test_socket_wait_match (ann->socket, fd_test_frame_is_offer_of,
                                     &id, FD_TEST_TIMEOUT_MS, "offer");
  fd_test_socket_settle (ann->socket, 100);
  fd_test_agent_disconnect (ann);

  fd_test_server_stop (f->server);
  g_assert_cmpint (sqlite3_open (fd_test_server_get_db_path (f->server), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE agents SET acd_state = 'unavailable', acd_reason = 'lunch' "
                                     "WHERE email = 'ann@live.example'", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
  fd_test_server_start (f->server);

  g_assert_true (fd_test_agent_connect (ann)->resumed);
  withdraw = fd_test_socket_wait_match (ann->socket, frame_is_withdraw_of,
                                        &id, FD_TEST_TIMEOUT_MS, "withdraw after restart");
  g_assert_cmpint (((FdWithdraw *) withdraw->body)->reason, ==, FD_WITHDRAW_PHASE_ENDED);
  /* Nothing offered any more. */
  g_assert_cmpint (sqlite3_open_v2 (fd_test_server_get_db_path (f->server), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM offers WHERE conversation_id = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* An administrator taking an agent out of a queue takes effect at once: the
 * agent's unreserved offers of that queue are withdrawn, without waiting for
 * some later join or conversation to reload the organization. */
void
test_admin_change_reroutes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FdTestAgent) ann = connect_and_join (f, "ann@live.example", "ann-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) withdraw = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  FdWithdraw *body;

  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (ann, FD_FRAME_OFFER);

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                          "/members/%" G_GINT64_FORMAT, f->org_id, f->queue_id, ann->agent->id);
  answer = fd_test_admin_expect (f->server, "DELETE", path, NULL, 200);

  withdraw = fd_test_agent_wait_event (ann, FD_FRAME_WITHDRAW);
  body = withdraw->body;
  g_assert_cmpint (body->conversation_id, ==, visitor->conversation_id);
  g_assert_cmpint (body->reason, ==, FD_WITHDRAW_LEFT_QUEUE);
}

/* What an administrator changes reaches routing at once, with no join or
 * new conversation to reload the organization first: an agent added to a
 * queue can join it and is offered its next chat, and a stream created
 * with its phases routes its first chat to the joined agents. */
void
test_admin_change_routes_at_once (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(FdTestAgent) cid = fd_test_agent_sign_in (f->server, "cid@live.example", "cid-password");
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdTestVisitor) second = NULL;
  g_autoptr(FdFrame) snapshot = NULL;
  g_autoptr(FdFrame) offer = NULL;
  g_autoptr(FdFrame) second_offer = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stream = NULL;
  g_autoptr(JsonNode) phases = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *new_key = NULL;
  FdQueueRef *ref = fd_queue_ref_new ();
  gint64 stream_id;

  fd_test_agent_connect (cid);
  snapshot = fd_test_agent_wait_event (cid, FD_FRAME_SNAPSHOT);
  ref->queue_id = f->queue_id;
  fd_test_agent_expect_error (cid, FD_FRAME_JOIN, ref, FD_WIRE_ERROR_FORBIDDEN);

  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/queues/%" G_GINT64_FORMAT
                          "/members/%" G_GINT64_FORMAT, f->org_id, f->queue_id, cid->agent->id);
  answer = fd_test_admin_expect (f->server, "PUT", path, NULL, 200);
  fd_test_agent_join (cid, f->queue_id);
  visitor = fd_test_visitor_start (f->server, f->chat_key, "Rita");
  offer = fd_test_agent_wait_event (cid, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) offer->body)->offer->conversation_id, ==, visitor->conversation_id);

  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  body = g_strdup_printf ("{\"kind\":\"webchat\",\"name\":\"New\",\"queue_id\":%" G_GINT64_FORMAT "}",
                          f->queue_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  new_key = g_strdup (json_object_get_string_member (json_node_get_object (stream), "key"));
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, stream_id);
  phases = fd_test_admin_expect (f->server, "PUT", path,
                                 "[{\"strategy\":\"ring-all\",\"agents\":[],\"bounce_seconds\":0,"
                                 "\"duration_seconds\":0}]", 200);
  second = fd_test_visitor_start (f->server, new_key, "Sam");
  second_offer = fd_test_agent_wait_event (cid, FD_FRAME_OFFER);
  g_assert_cmpint (((FdOfferEvent *) second_offer->body)->offer->conversation_id, ==, second->conversation_id);
}
