#define G_LOG_DOMAIN "test-store-sync"

/* Background sync (docs/architecture.md, "Durability"): a group's COMMIT
 * returns before the WAL is synced; the store's worker thread syncs it and
 * the group ends (FD_STORE_GROUP_ENDED, on the main context) only when
 * that sync completed. The sync here is a gate the test opens (it then
 * really fdatasync()s the WAL), or a failure; the files are real. */

#include "store-test.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

typedef struct {
  guint    opened;
  guint    committed;
  guint    ended;
  guint    lost;
} GroupLog;

static void
on_group (FdStoreGroupEvent  event,
          const GError      *error,
          gpointer           user_data)
{
  GroupLog *log = user_data;

  if (event == FD_STORE_GROUP_OPENED)
    log->opened++;
  else if (event == FD_STORE_GROUP_COMMITTED)
    log->committed++;
  else
    {
      /* Never more groups ended than committed (a lost group at its
       * COMMIT is not counted as committed: it ends with an error). */
      log->ended++;
      if (error != NULL)
        log->lost++;
    }
}

/* A sync the test lets through one at a time; "fail" makes it fail. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  guint    allowed;   /* syncs that may complete */
  guint    started;
  gboolean fail;
} Gate;

static int
gate_sync (int      fd,
           gpointer user_data)
{
  Gate *gate = user_data;
  gboolean fail;

  g_mutex_lock (&gate->lock);
  gate->started++;
  g_cond_broadcast (&gate->cond);
  while (gate->allowed == 0)
    g_cond_wait (&gate->cond, &gate->lock);
  gate->allowed--;
  fail = gate->fail;
  g_mutex_unlock (&gate->lock);
  if (fail)
    return EIO;
  return fdatasync (fd) == 0 ? 0 : errno;
}

static void
gate_allow (Gate  *gate,
            guint  n)
{
  g_mutex_lock (&gate->lock);
  gate->allowed += n;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

static guint
gate_started (Gate *gate)
{
  guint n;

  g_mutex_lock (&gate->lock);
  n = gate->started;
  g_mutex_unlock (&gate->lock);
  return n;
}

/* Runs the main context until @log has @ended groups ended (fails the
 * test after 10 s). */
static void
wait_ended (GroupLog *log,
            guint     ended)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (log->ended < ended)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static guint
count_saved_orgs (const char *path,
                  const char *name)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM organizations WHERE name = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* One group holding one new organization, committed. */
static void
commit_group (FdStore    *store,
              const char *name)
{
  g_autoptr(GError) error = NULL;

  fd_store_group_enter (store);
  g_assert_true (fd_store_begin (store, &error));
  make_org (store, name);
  g_assert_true (fd_store_commit (store, &error));
  fd_store_group_leave (store);
  g_assert_true (fd_store_group_commit (store, &error));
  g_assert_no_error (error);
}

typedef struct {
  Gate    gate;
  GroupLog log;
} SyncFixture;

static void
sync_set_up (StoreFixture *fx,
             SyncFixture  *sx)
{
  g_mutex_init (&sx->gate.lock);
  g_cond_init (&sx->gate.cond);
  fd_store_set_group_func (fx->store, on_group, &sx->log);
  fd_store_set_sync_func (fx->store, gate_sync, &sx->gate);
  fd_store_set_background_sync (fx->store, TRUE);
}

/* The store is freed before the gate: let every sync through first. */
static void
sync_tear_down (StoreFixture *fx,
                SyncFixture  *sx)
{
  gate_allow (&sx->gate, 1000);
  g_clear_pointer (&fx->store, fd_store_free);
  g_mutex_clear (&sx->gate.lock);
  g_cond_clear (&sx->gate.cond);
}

/* Committed (another connection sees it) but not ended until its sync
 * completed. */
static void
test_ended_after_sync (StoreFixture  *fx,
                       gconstpointer  data)
{
  SyncFixture sx = { 0 };

  sync_set_up (fx, &sx);
  commit_group (fx->store, "first");
  g_assert_cmpuint (sx.log.committed, ==, 1);
  g_assert_false (fd_store_group_is_open (fx->store));
  g_assert_cmpuint (count_saved_orgs (fx->path, "first"), ==, 1);
  /* The sync started and waits at the gate: the group has not ended. */
  while (gate_started (&sx.gate) == 0)
    g_usleep (1000);
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (sx.log.ended, ==, 0);

  gate_allow (&sx.gate, 1);
  wait_ended (&sx.log, 1);
  g_assert_cmpuint (sx.log.lost, ==, 0);
  sync_tear_down (fx, &sx);
}

/* The next groups commit while a sync is in flight; they end in order,
 * covered by the next sync; past FD_STORE_UNSYNCED_MAX the COMMIT waits. */
static void
test_groups_in_order (StoreFixture  *fx,
                      gconstpointer  data)
{
  SyncFixture sx = { 0 };

  sync_set_up (fx, &sx);
  commit_group (fx->store, "g1");
  commit_group (fx->store, "g2");
  commit_group (fx->store, "g3");
  g_assert_cmpuint (sx.log.committed, ==, 3);
  g_assert_cmpuint (sx.log.opened, ==, 3);
  g_assert_cmpuint (sx.log.ended, ==, 0);

  /* The first sync (started after g1's COMMIT) ends g1 only. */
  gate_allow (&sx.gate, 1);
  wait_ended (&sx.log, 1);
  for (guint i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (sx.log.ended, ==, 1);
  /* The next one covers g2 and g3. */
  gate_allow (&sx.gate, 1);
  wait_ended (&sx.log, 3);
  g_assert_cmpuint (gate_started (&sx.gate), ==, 2);

  /* Bounded: with the syncs held, the 5th unsynced COMMIT waits for the
   * sync in flight (let through by the test after it started). */
  commit_group (fx->store, "h1");
  commit_group (fx->store, "h2");
  commit_group (fx->store, "h3");
  commit_group (fx->store, "h4");
  g_assert_cmpuint (sx.log.ended, ==, 3);
  gate_allow (&sx.gate, 1);
  commit_group (fx->store, "h5");
  g_assert_cmpuint (sx.log.ended, ==, 4);
  g_assert_cmpuint (sx.log.committed, ==, 8);
  gate_allow (&sx.gate, 2);
  wait_ended (&sx.log, 8);
  g_assert_cmpuint (sx.log.lost, ==, 0);
  sync_tear_down (fx, &sx);
}

/* A failed sync ends its group with an error (and says so in the log:
 * in a subprocess, where a warning is not fatal). */
static void
sync_fails (StoreFixture *fx)
{
  SyncFixture sx = { 0 };

  sync_set_up (fx, &sx);
  sx.gate.fail = TRUE;
  commit_group (fx->store, "unsure");
  gate_allow (&sx.gate, 1);
  wait_ended (&sx.log, 1);
  g_assert_cmpuint (sx.log.lost, ==, 1);

  sx.gate.fail = FALSE;
  commit_group (fx->store, "after");
  gate_allow (&sx.gate, 1);
  wait_ended (&sx.log, 2);
  g_assert_cmpuint (sx.log.lost, ==, 1);
  sync_tear_down (fx, &sx);
}

static void
test_sync_fails (void)
{
  StoreFixture fx = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*The write-ahead log could not be synced to disk*");
      return;
    }
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  store_fixture_set_up (&fx, NULL);
  sync_fails (&fx);
  store_fixture_tear_down (&fx, NULL);
}

static gpointer
open_gate_later (gpointer data)
{
  g_usleep (100 * 1000);
  gate_allow (data, 1);
  return NULL;
}

/* A read outside any group waits until the committed groups are synced:
 * it could otherwise show (in an HTTP answer) what is not saved. */
static void
test_read_outside_waits (StoreFixture  *fx,
                         gconstpointer  data)
{
  SyncFixture sx = { 0 };
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GError) error = NULL;
  GThread *opener;

  sync_set_up (fx, &sx);
  commit_group (fx->store, "grouped");
  g_assert_cmpuint (sx.log.ended, ==, 0);
  opener = g_thread_new ("opener", open_gate_later, &sx.gate);
  orgs = fd_store_list_organizations (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sx.log.ended, ==, 1);
  g_assert_cmpuint (orgs->len, ==, 1);
  g_thread_join (opener);
  sync_tear_down (fx, &sx);
}

/* FULL_INLINE: SQLite's own FULL, the group ends at its COMMIT. */
static void
test_inline (StoreFixture  *fx,
             gconstpointer  data)
{
  SyncFixture sx = { 0 };
  g_autoptr(GError) error = NULL;

  sync_set_up (fx, &sx);
  g_assert_true (fd_store_set_durability (fx->store, FD_STORE_DURABILITY_FULL_INLINE, &error));
  g_assert_no_error (error);
  commit_group (fx->store, "inline");
  g_assert_cmpuint (sx.log.committed, ==, 0);
  g_assert_cmpuint (sx.log.ended, ==, 1);
  g_assert_cmpuint (gate_started (&sx.gate), ==, 0);
  sync_tear_down (fx, &sx);
}

/* The WAL's name in its directory is synced once, after the first
 * background sync of that file; later syncs are the file's alone. */
static void
test_directory_once (StoreFixture  *fx,
                     gconstpointer  data)
{
  SyncFixture sx = { 0 };

  sync_set_up (fx, &sx);
  gate_allow (&sx.gate, 1000);
  g_assert_cmpuint (fd_store_get_directory_syncs (fx->store), ==, 0);
  commit_group (fx->store, "first");
  wait_ended (&sx.log, 1);
  g_assert_cmpuint (fd_store_get_directory_syncs (fx->store), ==, 1);
  commit_group (fx->store, "second");
  wait_ended (&sx.log, 2);
  g_assert_cmpuint (fd_store_get_directory_syncs (fx->store), ==, 1);
  g_assert_cmpuint (sx.log.lost, ==, 0);
  sync_tear_down (fx, &sx);
}

/* --- Checkpoints in the background -------------------------------------------- */

static gint64
wal_size (StoreFixture *fx)
{
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) == 0 ? (gint64) st.st_size : 0;
}

/* Past the size, the worker copies the WAL into the database; the COMMITs
 * never do, and nothing committed is missing. */
static void
test_checkpoint_background (StoreFixture  *fx,
                            gconstpointer  data)
{
  SyncFixture sx = { 0 };
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint background = 0, inline_ = 0, n = 0;

  sync_set_up (fx, &sx);
  gate_allow (&sx.gate, G_MAXUINT / 2);
  fd_store_set_checkpoint_frames (fx->store, 20, 1000000);
  g_assert_true (fd_store_get_checkpoints (fx->store, &background, &inline_));
  g_assert_cmpuint (background, ==, 0);
  while (background == 0)
    {
      g_autofree char *name = g_strdup_printf ("org %u", n++);

      g_assert_cmpint (g_get_monotonic_time (), <, end);
      commit_group (fx->store, name);
      g_assert_true (fd_store_get_checkpoints (fx->store, &background, &inline_));
    }
  g_assert_cmpuint (inline_, ==, 0);
  fd_store_group_wait_synced (fx->store);
  for (guint i = 0; i < n; i += MAX (1, n / 8))
    {
      g_autofree char *name = g_strdup_printf ("org %u", i);

      g_assert_cmpuint (count_saved_orgs (fx->path, name), ==, 1);
    }
  g_assert_cmpuint (sx.log.lost, ==, 0);
  sync_tear_down (fx, &sx);
}

/* Commits that never pause: the worker's passes alone would never let
 * the WAL start again from its beginning; past the backstop a COMMIT
 * copies the rest itself, and the WAL stays near that size. */
static void
test_checkpoint_backstop (StoreFixture  *fx,
                          gconstpointer  data)
{
  SyncFixture sx = { 0 };
  guint background = 0, inline_ = 0;
  gint64 largest = 0;
  const guint groups = 3000;

  sync_set_up (fx, &sx);
  gate_allow (&sx.gate, G_MAXUINT / 2);
  fd_store_set_checkpoint_frames (fx->store, 20, 100);
  for (guint i = 0; i < groups; i++)
    {
      g_autofree char *name = g_strdup_printf ("org %u", i);

      commit_group (fx->store, name);
      largest = MAX (largest, wal_size (fx));
    }
  g_assert_true (fd_store_get_checkpoints (fx->store, &background, &inline_));
  g_assert_cmpuint (inline_, >, 0);
  /* Without the backstop: two frames or more per group, 6,000 or more
   * (24 MB). With it: the backstop's 100 and what committed while the
   * worker's last pass ran. */
  g_assert_cmpint (largest, <, 1000 * (4096 + 24));
  fd_store_group_wait_synced (fx->store);
  g_assert_cmpuint (count_saved_orgs (fx->path, "org 0"), ==, 1);
  g_assert_cmpuint (count_saved_orgs (fx->path, "org 2999"), ==, 1);
  g_assert_cmpuint (sx.log.lost, ==, 0);
  sync_tear_down (fx, &sx);
}

/* Without background sync, SQLite's own checkpoint (inside the COMMIT)
 * is back. */
static void
test_checkpoint_inline_durability (StoreFixture  *fx,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_store_get_checkpoints (fx->store, NULL, NULL));
  fd_store_set_background_sync (fx->store, TRUE);
  g_assert_true (fd_store_get_checkpoints (fx->store, NULL, NULL));
  g_assert_true (fd_store_set_durability (fx->store, FD_STORE_DURABILITY_FULL_INLINE, &error));
  g_assert_no_error (error);
  g_assert_false (fd_store_get_checkpoints (fx->store, NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  STORE_TEST_ADD ("sync/ended-after-sync", test_ended_after_sync);
  STORE_TEST_ADD ("sync/groups-in-order", test_groups_in_order);
  g_test_add_func ("/store/sync/fails", test_sync_fails);
  STORE_TEST_ADD ("sync/read-outside-waits", test_read_outside_waits);
  STORE_TEST_ADD ("sync/inline", test_inline);
  STORE_TEST_ADD ("sync/directory-once", test_directory_once);
  STORE_TEST_ADD ("checkpoint/background", test_checkpoint_background);
  STORE_TEST_ADD ("checkpoint/backstop", test_checkpoint_backstop);
  STORE_TEST_ADD ("checkpoint/inline-durability", test_checkpoint_inline_durability);
  return g_test_run ();
}
