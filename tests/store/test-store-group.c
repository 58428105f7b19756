#define G_LOG_DOMAIN "test-store-group"

/* Group commit (docs/architecture.md, "Durability"): transactions begun
 * between fd_store_group_enter() and _leave() are savepoints of one shared
 * transaction that fd_store_group_commit() commits with one synced COMMIT.
 * Real SQLite files; the failing COMMIT is a real one (the file size limit
 * of the process, as a full disk would). */

#include "store-test.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

typedef struct {
  guint    opened;
  guint    ended;
  gboolean lost;
} GroupLog;

static void
on_group (FdStoreGroupEvent  event,
          const GError      *error,
          gpointer           user_data)
{
  GroupLog *log = user_data;

  if (event == FD_STORE_GROUP_OPENED)
    log->opened++;
  else
    {
      log->ended++;
      log->lost = error != NULL;
    }
}

/* The organizations saved in the file, read by a connection of its own. */
static guint
count_saved_orgs (const char *path,
                  const char *name)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM organizations WHERE name = ?1", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* One transaction that makes one organization, as a request would. */
static void
org_transaction (FdStore    *store,
                 const char *name,
                 gboolean    keep)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fd_store_begin (store, &error));
  make_org (store, name);
  if (keep)
    g_assert_true (fd_store_commit (store, &error));
  else
    fd_store_rollback (store);
  g_assert_no_error (error);
}

static void
test_full_by_default (StoreFixture  *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fd_store_get_durability (fx->store), ==, FD_STORE_DURABILITY_FULL);
  g_assert_true (fd_store_set_durability (fx->store, FD_STORE_DURABILITY_NORMAL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fd_store_get_durability (fx->store), ==, FD_STORE_DURABILITY_NORMAL);
}

/* A failing member of a group undoes itself alone; nothing is visible to
 * another connection before the group's COMMIT, everything kept after. */
static void
test_neighbours (StoreFixture  *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GroupLog log = { 0 };

  fd_store_set_group_func (fx->store, on_group, &log);
  fd_store_group_enter (fx->store);
  org_transaction (fx->store, "first", TRUE);
  g_assert_true (fd_store_group_is_open (fx->store));
  org_transaction (fx->store, "failing", FALSE);
  org_transaction (fx->store, "third", TRUE);
  fd_store_group_leave (fx->store);

  g_assert_cmpuint (log.opened, ==, 1);
  g_assert_cmpuint (log.ended, ==, 0);
  g_assert_cmpuint (fd_store_group_get_size (fx->store), ==, 2);
  /* Not committed yet: another connection sees none of it. */
  g_assert_cmpuint (count_saved_orgs (fx->path, "first"), ==, 0);

  g_assert_true (fd_store_group_commit (fx->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (log.ended, ==, 1);
  g_assert_false (log.lost);
  g_assert_false (fd_store_group_is_open (fx->store));
  g_assert_cmpuint (count_saved_orgs (fx->path, "first"), ==, 1);
  g_assert_cmpuint (count_saved_orgs (fx->path, "failing"), ==, 0);
  g_assert_cmpuint (count_saved_orgs (fx->path, "third"), ==, 1);
}

/* A transaction outside the group commits the group first and never joins
 * it. */
static void
test_outside_commits_group (StoreFixture  *fx,
                            gconstpointer  data)
{
  GroupLog log = { 0 };

  fd_store_set_group_func (fx->store, on_group, &log);
  fd_store_group_enter (fx->store);
  org_transaction (fx->store, "grouped", TRUE);
  fd_store_group_leave (fx->store);
  g_assert_true (fd_store_group_is_open (fx->store));

  org_transaction (fx->store, "alone", TRUE);
  g_assert_cmpuint (log.ended, ==, 1);
  g_assert_false (log.lost);
  g_assert_false (fd_store_group_is_open (fx->store));
  g_assert_cmpuint (count_saved_orgs (fx->path, "grouped"), ==, 1);
  g_assert_cmpuint (count_saved_orgs (fx->path, "alone"), ==, 1);
}

/* A read outside the group commits it first too: it would otherwise see
 * (and an HTTP answer could show) changes not saved yet. */
static void
test_read_outside_commits_group (StoreFixture  *fx,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) orgs = NULL;
  GroupLog log = { 0 };

  fd_store_set_group_func (fx->store, on_group, &log);
  fd_store_group_enter (fx->store);
  org_transaction (fx->store, "grouped", TRUE);
  /* Inside enter/leave, reads belong to the group. */
  orgs = fd_store_list_organizations (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log.ended, ==, 0);
  fd_store_group_leave (fx->store);
  g_clear_pointer (&orgs, g_ptr_array_unref);

  orgs = fd_store_list_organizations (fx->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orgs->len, ==, 1);
  g_assert_cmpuint (log.ended, ==, 1);
  g_assert_false (log.lost);
  g_assert_cmpuint (count_saved_orgs (fx->path, "grouped"), ==, 1);
}

/* A COMMIT that cannot write (the file may not grow, as on a full disk)
 * loses the whole group, tells it, and keeps what was committed before;
 * the store goes on working once there is room. */
static void
commit_fails (StoreFixture *fx)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (fx->path, "-wal", NULL);
  struct rlimit old_limit, limit;
  GStatBuf st;
  GroupLog log = { 0 };

  make_org (fx->store, "before");
  g_assert_cmpint (g_stat (wal, &st), ==, 0);

  fd_store_set_group_func (fx->store, on_group, &log);
  fd_store_group_enter (fx->store);
  for (guint i = 0; i < 20; i++)
    org_transaction (fx->store, "lost", TRUE);
  fd_store_group_leave (fx->store);

  /* From here no file of this process may grow: the COMMIT's pages do not
   * fit in the write-ahead log. */
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = (rlim_t) st.st_size;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_false (fd_store_group_commit (fx->store, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);

  g_assert_cmpuint (log.ended, ==, 1);
  g_assert_true (log.lost);
  g_assert_false (fd_store_group_is_open (fx->store));
  g_assert_false (fd_store_in_transaction (fx->store));
  g_assert_cmpuint (count_saved_orgs (fx->path, "before"), ==, 1);
  g_assert_cmpuint (count_saved_orgs (fx->path, "lost"), ==, 0);

  /* The next change is saved as usual. */
  make_org (fx->store, "after");
  g_assert_cmpuint (count_saved_orgs (fx->path, "after"), ==, 1);
  g_assert_cmpuint (count_saved_orgs (fx->path, "lost"), ==, 0);
}

/* In a subprocess: it changes the file size limit and expects a warning. */
static void
test_commit_fails (void)
{
  StoreFixture fx = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      g_test_trap_assert_stderr ("*Cannot commit a group of 20 changes*");
      return;
    }
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  store_fixture_set_up (&fx, NULL);
  commit_fails (&fx);
  store_fixture_tear_down (&fx, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  STORE_TEST_ADD ("group/full-by-default", test_full_by_default);
  STORE_TEST_ADD ("group/neighbours", test_neighbours);
  STORE_TEST_ADD ("group/outside-commits-group", test_outside_commits_group);
  STORE_TEST_ADD ("group/read-outside-commits-group", test_read_outside_commits_group);
  g_test_add_func ("/store/group/commit-fails", test_commit_fails);
  return g_test_run ();
}
