#define G_LOG_DOMAIN "test-snapshot-pages"

/* A paged snapshot (docs/protocol.md, "snapshot") against the real
 * frontdeskd: an agent holding 1 200 conversations signs in; the app keeps
 * the pages and applies them as one batch when the last arrives: one
 * "snapshot" signal, one items-changed of the Activity List for all the
 * rows, the seq moved once. A reconnect that cannot resume (the server
 * restored an older database) gets them all again, once more in one batch,
 * with no row twice. */

#include "agent-test.h"
#include "fd-connection.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-seed.h"
#include "fd-test-server.h"

#include <glib/gstdio.h>

#define N_SEEDED 1200

typedef struct {
  guint   snapshots;
  guint   items_changed;
  guint   last_added;
  guint   seq_changes;
} Seen;

static void
on_snapshot_cb (FdSession        *session,
                const FdSnapshot *snapshot,
                Seen             *seen)
{
  seen->snapshots++;
}

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Seen       *seen)
{
  seen->items_changed++;
  seen->last_added = added;
}

static void
on_last_seq_cb (GObject    *object,
                GParamSpec *pspec,
                Seen       *seen)
{
  seen->seq_changes++;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
has_snapshot (gpointer data)
{
  return ((Seen *) data)->snapshots > 0;
}

static void
assert_all_rows (FdActivityModel *model,
                 gint64           first_id)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_SEEDED);
  for (guint i = 0; i < N_SEEDED; i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);
      gint64 id = fd_conversation_item_get_id (item);

      g_assert_true (g_hash_table_add (ids, g_memdup2 (&id, sizeof id)));
      g_assert_true (fd_conversation_item_get_reserved (item));
    }
  for (gint64 id = first_id; id < first_id + N_SEEDED; id++)
    g_assert_true (g_hash_table_contains (ids, &id));
  /* Texts come when read. */
  g_assert_cmpstr (fd_conversation_item_get_from (fd_activity_model_lookup (model, first_id)), ==,
                   "Seeded visitor 1");
  g_assert_cmpstr (fd_conversation_item_get_status (fd_activity_model_lookup (model, first_id)), ==,
                   "Reserved (1 new message)");
}

static void
test_paged_snapshot (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) conn = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) acd = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  FdActivityModel *model;
  gint64 first_id;
  Seen seen = { 0 };

  fd_test_server_start (server);
  fd_test_admin_import_demo (server);
  fd_test_server_stop (server);
  first_id = fd_test_seed_reserved_chats (fd_test_server_get_db_path (server), FD_TEST_NATALIE_EMAIL,
                                          FD_TEST_CHAT_KEY, N_SEEDED);
  fd_test_server_start (server);

  conn = fd_connection_new (fd_test_server_get_url (server));
  model = fd_session_get_activity_model (fd_connection_get_session (conn));
  g_signal_connect (fd_connection_get_session (conn), "snapshot", G_CALLBACK (on_snapshot_cb), &seen);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_cb), &seen);
  g_signal_connect (conn, "notify::last-seq", G_CALLBACK (on_last_seq_cb), &seen);
  fd_connection_sign_in_async (conn, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD, NULL, on_done_cb, &result);
  g_assert_true (fd_connection_sign_in_finish (conn, wait_result (&result, "sign-in"), &error));
  g_assert_no_error (error);

  wait_for (has_snapshot, &seen, "the snapshot");
  /* Let any further page (there must be none left) arrive. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (seen.snapshots, ==, 1);
  g_assert_cmpuint (seen.items_changed, ==, 1);
  g_assert_cmpuint (seen.last_added, ==, N_SEEDED);
  g_assert_cmpuint (seen.seq_changes, ==, 1);
  assert_all_rows (model, first_id);

  /* One more event (seq + 1), then the server comes back with the database
   * as it was before it: the app cannot resume, and the next socket's
   * snapshot replaces the rows in one batch again, none twice. */
  fd_test_server_stop (server);
  wait_for (is_not_connected, conn, "the drop");
  backup = g_strconcat (fd_test_server_get_db_path (server), ".backup", NULL);
  copy_file (fd_test_server_get_db_path (server), backup);
  fd_test_server_start (server);
  fd_connection_reconnect_now (conn);
  wait_for (is_connected, conn, "the resumed connection");
  fd_connection_set_acd_async (conn, FD_ACD_AVAILABLE, NULL, NULL, on_done_cb, &acd);
  g_assert_true (fd_connection_set_acd_finish (conn, wait_result (&acd, "set-acd"), &error));
  g_assert_no_error (error);
  seen = (Seen) { 0 };
  fd_test_server_stop (server);
  wait_for (is_not_connected, conn, "the drop");
  copy_file (backup, fd_test_server_get_db_path (server));
  wal = g_strconcat (fd_test_server_get_db_path (server), "-wal", NULL);
  shm = g_strconcat (fd_test_server_get_db_path (server), "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  fd_test_server_start (server);
  fd_connection_reconnect_now (conn);
  wait_for (is_connected, conn, "the reconnection");
  wait_for (has_snapshot, &seen, "the second snapshot");
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (seen.snapshots, ==, 1);
  g_assert_cmpuint (seen.items_changed, ==, 1);
  assert_all_rows (model, first_id);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/agent/session/paged-snapshot", test_paged_snapshot);
  return g_test_run ();
}
