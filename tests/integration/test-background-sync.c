#define G_LOG_DOMAIN "test-it-background-sync"

/* Background sync (docs/architecture.md, "Durability"): a group's COMMIT
 * returns before the WAL is synced, a worker thread syncs it, and the
 * group's output leaves only when that sync completed. frontdeskd runs
 * with FRONTDESKD_TEST_SYNC_CONTROL naming a file the test writes: "delay
 * MS" makes every background sync MS milliseconds late, "fail" makes it
 * fail as a disk error would. An answer can then not arrive sooner than
 * the delay after its request, although its row is in the file (committed)
 * well before; answers leave in the order of their requests; a failed
 * sync answers its group with errors and closes its sockets with 1011, and
 * the resend after reconnecting is saved once. */

#include "fd-integration.h"

#include <errno.h>
#include <glib/gstdio.h>

#define DELAY_MS 400

/* How many stored messages carry @client_id (the test's own ids: letters,
 * digits and dashes), read from the file by a connection of the test's
 * own: only committed rows are visible to it. */
static guint
count_saved (FdTestServer *server,
             const char   *client_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM messages WHERE client_id = '%s'", client_id);

  return (guint) fd_test_server_db_count (server, sql);
}

typedef struct {
  char         *dir;
  char         *control;
  FdTestServer *server;
  gint64        sales;
} Fixture;

static void
set_control (Fixture    *fx,
             const char *text)
{
  if (text == NULL)
    g_assert_true (g_unlink (fx->control) == 0 || errno == ENOENT);
  else
    g_assert_true (g_file_set_contents (fx->control, text, -1, NULL));
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  gint64 org_id;

  fx->dir = fd_test_make_tmpdir ();
  fx->control = g_build_filename (fx->dir, "sync-control", NULL);
  g_setenv ("FRONTDESKD_TEST_SYNC_CONTROL", fx->control, TRUE);
  fx->server = fd_test_server_new ();
  fd_test_server_start (fx->server);
  g_unsetenv ("FRONTDESKD_TEST_SYNC_CONTROL");
  org_id = fd_test_admin_import_demo (fx->server);
  fx->sales = fd_test_admin_find_id (fx->server, org_id, "queues", "Sales");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_pointer (&fx->server, fd_test_server_free);
  fd_test_rm_rf (fx->dir);
  g_free (fx->dir);
  g_free (fx->control);
}

static void
drain (FdTestSocket *socket)
{
  FdFrame *frame;

  fd_test_socket_settle (socket, 100);
  while ((frame = fd_test_socket_pop (socket)) != NULL)
    fd_frame_free (frame);
}

/* An ack and the agent's event leave only after the sync, which comes
 * after the COMMIT: the row is in the file while nothing was said yet. */
static void
test_held_until_synced (Fixture       *fx,
                        gconstpointer  data)
{
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  g_autoptr(FdMessage) echo = NULL, event = NULL;
  g_autoptr(FdFrame) ack = NULL;
  g_autofree char *request_id = NULL;
  gint64 start;

  natalie = fd_test_agent_sign_in_and_join (fx->server, FD_IT_NATALIE, fx->sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, fx->server, FD_IT_CHAT_KEY, "Ada");
  drain (visitor->socket);
  set_control (fx, "delay " G_STRINGIFY (DELAY_MS));

  start = g_get_monotonic_time ();
  fd_test_visitor_send (visitor, "w-held", "Held until synced");
  /* Committed (visible to another connection) long before the sync ends,
   * and still not acknowledged to anyone. */
  while (count_saved (fx->server, "w-held") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, FD_TEST_TIMEOUT_MS * 1000);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (fd_test_socket_settle (visitor->socket, DELAY_MS / 4), ==, 0);
  echo = fd_it_visitor_wait_message (visitor, "w-held");
  event = fd_it_agent_wait_message (natalie, "w-held");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, DELAY_MS * 1000);

  start = g_get_monotonic_time ();
  request_id = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                           fd_test_send_message (visitor->conversation_id, "a-held", "Held too"));
  ack = fd_test_socket_wait_reply (natalie->socket, request_id, FD_TEST_TIMEOUT_MS);
  g_assert_cmpint (ack->type, ==, FD_FRAME_ACK);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, DELAY_MS * 1000);
  g_assert_cmpuint (count_saved (fx->server, "a-held"), ==, 1);

  set_control (fx, NULL);
  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

/* Requests sent one after the other, while syncs are slow, fall into
 * several groups (the next group commits while the last one syncs): their
 * answers still arrive in the order of the requests, each after its own
 * sync, and a kill right after the last ack loses none of them. */
static void
test_groups_in_order (Fixture       *fx,
                      gconstpointer  data)
{
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  guint next = 0;

  natalie = fd_test_agent_sign_in_and_join (fx->server, FD_IT_NATALIE, fx->sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, fx->server, FD_IT_CHAT_KEY, "Ada");
  drain (natalie->socket);
  set_control (fx, "delay 150");

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *client_id = g_strdup_printf ("order-%u", i);

      g_ptr_array_add (ids, fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                                        fd_test_send_message (visitor->conversation_id,
                                                                              client_id, "In order")));
      /* Spread over several groups. */
      g_usleep (60 * 1000);
    }
  while (next < ids->len)
    {
      g_autoptr(FdFrame) frame = NULL;

      fd_test_socket_wait_queued (natalie->socket, 1, FD_TEST_TIMEOUT_MS);
      frame = fd_test_socket_pop (natalie->socket);
      if (frame->id == NULL)
        continue;   /* an event */
      g_assert_cmpint (frame->type, ==, FD_FRAME_ACK);
      g_assert_cmpstr (frame->id, ==, g_ptr_array_index (ids, next));
      next++;
    }

  fd_test_server_kill (fx->server);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *client_id = g_strdup_printf ("order-%u", i);

      g_assert_cmpuint (count_saved (fx->server, client_id), ==, 1);
    }
  set_control (fx, NULL);
  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

/* A sync that fails fails its group as a failed COMMIT does: its answers
 * are errors, its sockets are closed with 1011; nothing acknowledged is
 * lost, and the resend is saved once. */
static void
test_sync_fails (Fixture       *fx,
                 gconstpointer  data)
{
  FdTestAgent *natalie;
  FdTestVisitor *visitor;
  g_autoptr(FdFrame) saved_ack = NULL, lost_reply = NULL, resent = NULL;
  g_autofree char *lost = NULL;

  natalie = fd_test_agent_sign_in_and_join (fx->server, FD_IT_NATALIE, fx->sales, NULL);
  visitor = fd_test_agent_reserve_new_chat (natalie, fx->server, FD_IT_CHAT_KEY, "Ada");
  saved_ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                        fd_test_send_message (visitor->conversation_id, "saved", "Kept"));

  set_control (fx, "fail");
  lost = fd_test_agent_send_request (natalie, FD_FRAME_SEND_MESSAGE,
                                     fd_test_send_message (visitor->conversation_id, "unsure", "Not synced"));
  lost_reply = fd_test_socket_wait_reply (natalie->socket, lost, FD_TEST_TIMEOUT_MS);
  fd_test_assert_error_frame (lost_reply, FD_WIRE_ERROR_INTERNAL);
  fd_test_socket_wait_closed (natalie->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (natalie->socket, 1011);
  fd_test_socket_wait_closed (visitor->socket, FD_TEST_TIMEOUT_MS);
  fd_test_socket_assert_close_code (visitor->socket, 1011);
  set_control (fx, NULL);

  g_assert_cmpuint (count_saved (fx->server, "saved"), ==, 1);

  /* The app reconnects and resends with the same client id: whether or
   * not the unsynced COMMIT reached the disk, the message is stored once. */
  fd_test_agent_disconnect (natalie);
  fd_test_agent_connect (natalie);
  resent = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                     fd_test_send_message (visitor->conversation_id, "unsure", "Not synced"));
  g_assert_cmpstr (((FdMessage *) resent->body)->client_id, ==, "unsure");
  g_assert_cmpuint (count_saved (fx->server, "unsure"), ==, 1);

  fd_test_visitor_free (visitor);
  fd_test_agent_free (natalie);
}

int
main (int argc, char **argv)
{
  fd_it_init (&argc, &argv);
  g_test_add ("/integration/background-sync/held-until-synced", Fixture, NULL,
              fixture_set_up, test_held_until_synced, fixture_tear_down);
  g_test_add ("/integration/background-sync/groups-in-order", Fixture, NULL,
              fixture_set_up, test_groups_in_order, fixture_tear_down);
  g_test_add ("/integration/background-sync/sync-fails", Fixture, NULL,
              fixture_set_up, test_sync_fails, fixture_tear_down);
  return g_test_run ();
}
