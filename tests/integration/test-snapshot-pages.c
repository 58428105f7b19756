/* A snapshot larger than one frame (docs/protocol.md, "snapshot", pages):
 * an agent holding 1 200 conversations gets all of them, none twice, in
 * pages (500 conversations at most) that each decode within the server frame limits (the test socket
 * refuses frames over 8 MiB or arrays over 1 000 items), with the same seq,
 * numbered 1, 2, … and `more` on all but the last; a reconnect gets the
 * whole snapshot again. Before paging, the one frame held 1 200
 * conversations and did not decode. */

#include "fd-integration.h"
#include "fd-test-seed.h"

#define N_SEEDED 1200

/* Reads the pages of one snapshot off @agent's socket; checks them and
 * returns how many there were. */
static guint
read_paged_snapshot (FdTestAgent *agent,
                     gint64       first_id)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GHashTable) offered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 seq = 0;
  guint pages = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(FdFrame) frame = fd_test_agent_wait_event (agent, FD_FRAME_SNAPSHOT);
      const FdSnapshot *page = frame->body;

      pages++;
      g_assert_cmpint (page->page, ==, (gint) pages);
      if (pages == 1)
        seq = frame->seq;
      g_assert_cmpint (frame->seq, ==, seq);
      g_assert_nonnull (page->agent);
      g_assert_nonnull (page->queues);
      g_assert_cmpuint (page->conversations->len, <=, FD_SNAPSHOT_PAGE_ITEMS);
      for (guint i = 0; i < page->conversations->len; i++)
        {
          const FdConversationDetail *detail = g_ptr_array_index (page->conversations, i);
          gint64 id = detail->conversation->id;

          if (!g_hash_table_add (seen, g_memdup2 (&id, sizeof id)))
            g_error ("Conversation %" G_GINT64_FORMAT " came twice", id);
          g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_RESERVED);
          g_assert_cmpuint (detail->messages->len, ==, 1);
        }
      for (guint i = 0; i < page->offers->len; i++)
        {
          const FdOffer *offer = g_ptr_array_index (page->offers, i);

          g_hash_table_add (offered, g_memdup2 (&offer->conversation_id, sizeof offer->conversation_id));
        }
      more = page->more;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_SEEDED);
  for (gint64 id = first_id; id < first_id + N_SEEDED; id++)
    g_assert_true (g_hash_table_contains (seen, &id));
  /* Nothing is offered: they are all reserved. */
  g_assert_cmpuint (g_hash_table_size (offered), ==, 0);
  return pages;
}

static void
test_paged (FdItDemo      *demo,
            gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = NULL;
  gint64 first_id;
  guint pages;

  fd_test_server_stop (demo->server);
  first_id = fd_test_seed_reserved_chats (fd_test_server_get_db_path (demo->server),
                                          FD_TEST_NATALIE_EMAIL, FD_IT_CHAT_KEY, N_SEEDED);
  fd_test_server_start (demo->server);

  natalie = fd_test_agent_sign_in (demo->server, FD_IT_NATALIE);
  fd_test_agent_connect (natalie);
  pages = read_paged_snapshot (natalie, first_id);
  g_assert_cmpuint (pages, ==, (N_SEEDED + FD_SNAPSHOT_PAGE_ITEMS - 1) / FD_SNAPSHOT_PAGE_ITEMS);

  /* A reconnect without resume (last_seq 0: a first start) gets the
   * whole snapshot again, from page 1. */
  fd_test_agent_disconnect (natalie);
  natalie->last_seq = 0;
  fd_test_agent_connect (natalie);
  g_assert_false (natalie->welcome->resumed);
  g_assert_cmpuint (read_paged_snapshot (natalie, first_id), ==, pages);
}

/* A small snapshot stays one frame: page 1, nothing more. */
static void
test_one_page (FdItDemo      *demo,
               gconstpointer  data)
{
  g_autoptr(FdTestAgent) natalie = fd_test_agent_sign_in (demo->server, FD_IT_NATALIE);
  g_autoptr(FdFrame) frame = NULL;
  const FdSnapshot *snapshot;

  fd_test_agent_connect (natalie);
  frame = fd_test_agent_wait_event (natalie, FD_FRAME_SNAPSHOT);
  snapshot = frame->body;
  g_assert_cmpint (snapshot->page, ==, 1);
  g_assert_false (snapshot->more);
  fd_test_socket_settle (natalie->socket, 300);
  fd_test_socket_assert_empty (natalie->socket, FD_FRAME_STATS_EVENT);
}

int
main (int    argc,
      char **argv)
{
  fd_it_init (&argc, &argv);
  fd_it_add ("/integration/snapshot/paged", test_paged, FD_IT_SERVER_ONLY);
  fd_it_add ("/integration/snapshot/one-page", test_one_page, FD_IT_SERVER_ONLY);
  return g_test_run ();
}
