#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Transactions: one per call, nested ones as savepoints (docs/store.md);
 * and group commit: many transactions as savepoints of one shared
 * transaction, committed (and synced) once (docs/architecture.md,
 * "Durability"). */

static gboolean
exec_cached (FdStore     *self,
             const char  *sql,
             GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  return fd_store_run (self, stmt, error);
}

/* --- Background sync ---------------------------------------------------------- */

/* One worker thread syncs the WAL after a group's COMMIT returned, while
 * the main loop takes the next requests (docs/architecture.md,
 * "Durability"). At most one sync is in flight; the groups committed
 * during it are covered by the next one. */
struct _FdStoreSyncer
{
  GThread        *thread;
  GMainContext   *context;     /* where the groups end */
  char           *wal_path;
  int             fd;          /* the WAL, opened by the main thread */
  dev_t           dev;
  ino_t           ino;
  gboolean        sync_dir;    /* a new WAL file: its directory entry too */
  gint            dir_syncs;   /* atomic: directory syncs done, for tests */

  GMutex          lock;        /* guards what follows */
  GCond           cond;
  gboolean        quit;
  gboolean        requested;   /* a sync for the worker to start */
  gboolean        busy;        /* requested or running, result not taken */
  gboolean        finished;    /* result ready */
  int             sync_errno;
  guint64         target;      /* groups_committed when the sync started */
  GSource        *done_source; /* tells the main context */
  FdStoreSyncFunc func;
  gpointer        func_data;
};

static gboolean on_sync_done_cb (gpointer user_data);

/* A file's data synced is not enough when the file is new: its name in
 * the directory must be on disk too. SQLite's unix VFS syncs the
 * directory of a WAL it created at that file's first sync, which a
 * background sync does not go through; so the worker syncs the directory
 * once after the first sync of every WAL file it opens. */
static int
sync_directory_of (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc;

  if (fd < 0)
    return errno;
  rc = fsync (fd) == 0 ? 0 : errno;
  close (fd);
  return rc;
}

static gpointer
syncer_thread (gpointer user_data)
{
  FdStore *self = user_data;
  struct _FdStoreSyncer *syncer = self->syncer;

  g_mutex_lock (&syncer->lock);
  for (;;)
    {
      FdStoreSyncFunc func;
      gpointer func_data;
      int fd, rc;

      while (!syncer->requested && !syncer->quit)
        g_cond_wait (&syncer->cond, &syncer->lock);
      if (syncer->quit)
        break;
      syncer->requested = FALSE;
      func = syncer->func;
      func_data = syncer->func_data;
      fd = syncer->fd;
      g_mutex_unlock (&syncer->lock);

      if (func != NULL)
        rc = func (fd, func_data);
      else
        rc = fdatasync (fd) == 0 ? 0 : errno;
      /* Only the worker reads or clears it while a sync is requested. */
      if (rc == 0 && syncer->sync_dir)
        {
          rc = sync_directory_of (syncer->wal_path);
          if (rc == 0)
            {
              syncer->sync_dir = FALSE;
              g_atomic_int_inc (&syncer->dir_syncs);
            }
        }

      g_mutex_lock (&syncer->lock);
      syncer->sync_errno = rc;
      syncer->finished = TRUE;
      g_cond_broadcast (&syncer->cond);
      /* High priority: the held output of the synced groups goes before
       * the next requests are read. */
      syncer->done_source = g_idle_source_new ();
      g_source_set_priority (syncer->done_source, G_PRIORITY_HIGH);
      g_source_set_callback (syncer->done_source, on_sync_done_cb, self, NULL);
      g_source_set_static_name (syncer->done_source, "[fd-store] WAL synced");
      g_source_attach (syncer->done_source, syncer->context);
    }
  g_mutex_unlock (&syncer->lock);
  return NULL;
}

/* The WAL file of the open database, opened (again when SQLite replaced
 * it). NULL path: an in-memory database, nothing to sync. */
static int
syncer_open_wal (struct _FdStoreSyncer  *syncer,
                 GError                **error)
{
  struct stat st;

  if (stat (syncer->wal_path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot find the write-ahead log %s to save the last changes: %s.",
                   syncer->wal_path, g_strerror (saved));
      return -1;
    }
  if (syncer->fd >= 0 && st.st_dev == syncer->dev && st.st_ino == syncer->ino)
    return syncer->fd;
  if (syncer->fd >= 0)
    close (syncer->fd);
  /* fdatasync() of any descriptor of the file syncs its data: read-only
   * is enough. */
  syncer->fd = open (syncer->wal_path, O_RDONLY | O_CLOEXEC);
  if (syncer->fd < 0)
    {
      int saved = errno;

      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "Cannot open the write-ahead log %s to save the last changes: %s.",
                   syncer->wal_path, g_strerror (saved));
      return -1;
    }
  syncer->dev = st.st_dev;
  syncer->ino = st.st_ino;
  syncer->sync_dir = TRUE;
  return syncer->fd;
}

/* For the integration tests only (tests/integration/test-background-sync.c):
 * with FRONTDESKD_TEST_SYNC_CONTROL set to a file name, each background
 * sync reads that file first: "delay MS" syncs MS milliseconds late,
 * "fail" fails with EIO; no file, a plain sync. */
static int
control_file_sync (int      fd,
                   gpointer user_data)
{
  const char *path = user_data;
  g_autofree char *text = NULL;

  if (g_file_get_contents (path, &text, NULL, NULL))
    {
      if (g_str_has_prefix (text, "fail"))
        return EIO;
      if (g_str_has_prefix (text, "delay "))
        g_usleep ((gulong) g_ascii_strtoull (text + 6, NULL, 10) * 1000);
    }
  return fdatasync (fd) == 0 ? 0 : errno;
}

static void
syncer_ensure (FdStore *self)
{
  struct _FdStoreSyncer *syncer;
  const char *db_path;

  if (self->syncer != NULL)
    return;
  syncer = g_new0 (struct _FdStoreSyncer, 1);
  syncer->fd = -1;
  syncer->context = g_main_context_ref_thread_default ();
  db_path = sqlite3_db_filename (self->db, "main");
  if (db_path != NULL && db_path[0] != '\0')
    syncer->wal_path = g_strconcat (db_path, "-wal", NULL);
  g_mutex_init (&syncer->lock);
  g_cond_init (&syncer->cond);
  /* The environment outlives the store: the path is borrowed. */
  if (g_getenv ("FRONTDESKD_TEST_SYNC_CONTROL") != NULL)
    {
      syncer->func = control_file_sync;
      syncer->func_data = (gpointer) g_getenv ("FRONTDESKD_TEST_SYNC_CONTROL");
    }
  self->syncer = syncer;
}

void
fd_store_syncer_free (FdStore *self)
{
  struct _FdStoreSyncer *syncer = self->syncer;

  if (syncer == NULL)
    return;
  if (syncer->thread != NULL)
    {
      g_mutex_lock (&syncer->lock);
      syncer->quit = TRUE;
      g_cond_broadcast (&syncer->cond);
      g_mutex_unlock (&syncer->lock);
      g_thread_join (syncer->thread);
    }
  if (syncer->done_source != NULL)
    {
      g_source_destroy (syncer->done_source);
      g_source_unref (syncer->done_source);
    }
  if (syncer->fd >= 0)
    close (syncer->fd);
  g_main_context_unref (syncer->context);
  g_free (syncer->wal_path);
  g_mutex_clear (&syncer->lock);
  g_cond_clear (&syncer->cond);
  g_free (syncer);
  self->syncer = NULL;
}

static void
groups_end (FdStore      *self,
            guint64       upto,
            const GError *error)
{
  while (self->groups_synced < upto)
    {
      self->groups_synced++;
      if (self->group_func != NULL)
        self->group_func (FD_STORE_GROUP_ENDED, error, self->group_data);
    }
}

static void sync_start (FdStore *self);

/* Takes the result of the sync in flight, when there is one, and ends the
 * groups it covers; starts the next sync when more groups committed. */
static void
sync_take_result (FdStore *self)
{
  struct _FdStoreSyncer *syncer = self->syncer;
  g_autoptr(GError) error = NULL;
  guint64 target;
  int rc;

  g_mutex_lock (&syncer->lock);
  if (!syncer->finished)
    {
      g_mutex_unlock (&syncer->lock);
      return;
    }
  syncer->finished = FALSE;
  syncer->busy = FALSE;
  rc = syncer->sync_errno;
  target = syncer->target;
  if (syncer->done_source != NULL)
    {
      g_source_destroy (syncer->done_source);
      g_clear_pointer (&syncer->done_source, g_source_unref);
    }
  g_mutex_unlock (&syncer->lock);

  if (rc != 0)
    {
      g_set_error (&error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
                   "The write-ahead log could not be synced to disk: %s; the last changes "
                   "are not known to be saved.", g_strerror (rc));
      g_warning ("%s", error->message);
    }
  groups_end (self, target, error);
  if (self->groups_synced < self->groups_committed)
    sync_start (self);
}

static gboolean
on_sync_done_cb (gpointer user_data)
{
  sync_take_result (user_data);
  return G_SOURCE_REMOVE;
}

static void
sync_start (FdStore *self)
{
  struct _FdStoreSyncer *syncer = self->syncer;
  g_autoptr(GError) error = NULL;

  g_assert (!syncer->busy);
  /* Nothing on disk to sync (an in-memory database). */
  if (syncer->wal_path == NULL)
    {
      groups_end (self, self->groups_committed, NULL);
      return;
    }
  if (syncer_open_wal (syncer, &error) < 0)
    {
      g_warning ("%s", error->message);
      groups_end (self, self->groups_committed, error);
      return;
    }
  if (syncer->thread == NULL)
    syncer->thread = g_thread_new ("fd-store-sync", syncer_thread, self);
  g_mutex_lock (&syncer->lock);
  syncer->target = self->groups_committed;
  syncer->requested = TRUE;
  syncer->busy = TRUE;
  g_cond_broadcast (&syncer->cond);
  g_mutex_unlock (&syncer->lock);
}

/* Blocks until the sync in flight (if any) completed, and takes it. */
static void
sync_wait_one (FdStore *self)
{
  struct _FdStoreSyncer *syncer = self->syncer;

  if (syncer == NULL)
    return;
  g_mutex_lock (&syncer->lock);
  while (syncer->busy && !syncer->finished)
    g_cond_wait (&syncer->cond, &syncer->lock);
  g_mutex_unlock (&syncer->lock);
  sync_take_result (self);
}

gboolean
fd_store_group_sync_pending (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->groups_synced != self->groups_committed;
}

void
fd_store_group_wait_synced (FdStore *self)
{
  g_return_if_fail (self != NULL);

  while (self->groups_synced < self->groups_committed)
    sync_wait_one (self);
}

void
fd_store_set_background_sync (FdStore  *self,
                              gboolean  background)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->group_open);

  if (!background)
    fd_store_group_wait_synced (self);
  else
    {
      int psow = -1;

      /* Without powersafe overwrite, a FULL commit pads the WAL to a
       * sector boundary so that the next transaction never rewrites a
       * synced sector; a COMMIT at NORMAL does not pad. Then only the
       * inline sync is as safe (docs/architecture.md, "Durability"). */
      if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_POWERSAFE_OVERWRITE, &psow) == SQLITE_OK &&
          psow == 0)
        {
          g_message ("The database file system is not powersafe-overwrite: the WAL is synced at each COMMIT");
          background = FALSE;
        }
    }
  self->background_sync = background;
  if (background)
    fd_store_checkpointer_start (self);
  else
    fd_store_checkpointer_stop (self);
}

void
fd_store_set_sync_func (FdStore         *self,
                        FdStoreSyncFunc  func,
                        gpointer         user_data)
{
  g_return_if_fail (self != NULL);

  syncer_ensure (self);
  g_mutex_lock (&self->syncer->lock);
  self->syncer->func = func;
  self->syncer->func_data = user_data;
  g_mutex_unlock (&self->syncer->lock);
}

guint
fd_store_get_directory_syncs (FdStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->syncer != NULL ? (guint) g_atomic_int_get (&self->syncer->dir_syncs) : 0;
}

/* --- Group commit ------------------------------------------------------------ */

static void set_synchronous (FdStore    *self,
                             const char *sql);

/* The open group ended at its COMMIT: saved with a sync (not deferred),
 * or lost (@error). A lost group ends after the groups committed before
 * it, so that the group function hears them in order. */
static void
group_ended (FdStore      *self,
             const GError *error)
{
  if (self->group_deferred)
    set_synchronous (self, "PRAGMA synchronous = FULL");
  self->group_open = FALSE;
  self->group_size = 0;
  self->group_deferred = FALSE;
  fd_store_group_wait_synced (self);
  if (self->group_func != NULL)
    self->group_func (FD_STORE_GROUP_ENDED, error, self->group_data);
}

void
fd_store_group_settle (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  /* A failure was told to the group's sockets; the statement runs after
   * the rollback. */
  if (self->group_open)
    fd_store_group_commit (self, &error);
  fd_store_group_wait_synced (self);
}

/* Sets synchronous outside a transaction. Not a cached statement: SQLite
 * applies this pragma when it prepares it. */
static void
set_synchronous (FdStore    *self,
                 const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_warning ("Cannot set the sync mode (%s): %s", sql, message);
  sqlite3_free (message);
}

/* SQLite may roll back the whole transaction on its own after some errors
 * (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): then the group is lost. */
static void
check_group_alive (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->group_open || sqlite3_get_autocommit (self->db) == 0)
    return;
  g_set_error (&error, FD_STORE_ERROR, FD_STORE_ERROR_FAILED,
               "The database rolled back a group of changes after an error; nothing of it was saved.");
  g_warning ("%s", error->message);
  group_ended (self, error);
}

void
fd_store_set_group_func (FdStore          *self,
                         FdStoreGroupFunc  func,
                         gpointer          user_data)
{
  g_return_if_fail (self != NULL);
  self->group_func = func;
  self->group_data = user_data;
}

void
fd_store_group_enter (FdStore *self)
{
  g_return_if_fail (self != NULL);
  self->grouping++;
}

void
fd_store_group_leave (FdStore *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->grouping > 0);
  self->grouping--;
}

gboolean
fd_store_group_is_open (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->group_open;
}

guint
fd_store_group_get_size (FdStore *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->group_size;
}

gboolean
fd_store_group_commit (FdStore  *self,
                       GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth == 0, FALSE);

  if (!self->group_open)
    return TRUE;
  /* A bound on the groups waiting for their sync (and on their held
   * output): past it, this COMMIT waits for the sync in flight. */
  while (self->group_deferred &&
         self->groups_committed - self->groups_synced >= FD_STORE_UNSYNCED_MAX)
    sync_wait_one (self);
  self->group_committing = TRUE;
  ok = exec_cached (self, "COMMIT", &local_error);
  self->group_committing = FALSE;
  if (!ok)
    {
      g_warning ("Cannot commit a group of %u changes: %s", self->group_size, local_error->message);
      /* A COMMIT that failed may leave the transaction open (SQLITE_BUSY,
       * SQLITE_FULL): undo it, so that what was not acknowledged is not
       * saved later by the next group's COMMIT either. */
      if (sqlite3_get_autocommit (self->db) == 0)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      group_ended (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!self->group_deferred)
    {
      group_ended (self, NULL);
      return TRUE;
    }
  /* Appended to the WAL, not synced yet: the worker syncs it, and the
   * group ends when that sync completed. */
  set_synchronous (self, "PRAGMA synchronous = FULL");
  self->group_open = FALSE;
  self->group_size = 0;
  self->group_deferred = FALSE;
  self->groups_committed++;
  if (self->group_func != NULL)
    self->group_func (FD_STORE_GROUP_COMMITTED, NULL, self->group_data);
  syncer_ensure (self);
  if (!self->syncer->busy)
    sync_start (self);
  return TRUE;
}

/* --- Transactions ------------------------------------------------------------ */

gboolean
fd_store_begin (FdStore  *self,
                GError  **error)
{
  const char *sql = "SAVEPOINT fd_nested";

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->tx_depth == 0)
    check_group_alive (self);
  if (self->tx_depth == 0 && self->grouping > 0)
    {
      if (!self->group_open)
        {
          gboolean deferred = self->background_sync &&
                              self->durability == FD_STORE_DURABILITY_FULL;

          /* The group's COMMIT appends to the WAL without a sync; the
           * worker syncs it (set before BEGIN: SQLite refuses the change
           * inside a transaction). */
          if (deferred)
            set_synchronous (self, "PRAGMA synchronous = NORMAL");
          /* IMMEDIATE takes the write lock at once, so a transaction
           * never fails half-way with SQLITE_BUSY when it first writes. */
          if (!exec_cached (self, "BEGIN IMMEDIATE", error))
            {
              if (deferred)
                set_synchronous (self, "PRAGMA synchronous = FULL");
              return FALSE;
            }
          self->group_open = TRUE;
          self->group_deferred = deferred;
          self->group_size = 0;
          if (self->group_func != NULL)
            self->group_func (FD_STORE_GROUP_OPENED, NULL, self->group_data);
        }
      sql = "SAVEPOINT fd_grouped";
    }
  else if (self->tx_depth == 0)
    {
      /* Not part of the group: what the group holds is committed first,
       * so this transaction's COMMIT covers only itself. */
      if (self->group_open && !fd_store_group_commit (self, error))
        return FALSE;
      sql = "BEGIN IMMEDIATE";
    }
  if (!exec_cached (self, sql, error))
    {
      check_group_alive (self);
      return FALSE;
    }
  self->tx_depth++;
  return TRUE;
}

gboolean
fd_store_commit (FdStore  *self,
                 GError  **error)
{
  const char *sql;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth > 1)
    sql = "RELEASE fd_nested";
  else if (self->group_open)
    sql = "RELEASE fd_grouped";
  else
    sql = "COMMIT";
  if (!exec_cached (self, sql, error))
    {
      /* Leave no half-open transaction behind a failed commit. */
      fd_store_rollback (self);
      return FALSE;
    }
  self->tx_depth--;
  if (self->tx_depth == 0 && self->group_open)
    self->group_size++;
  return TRUE;
}

void
fd_store_rollback (FdStore *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->tx_depth > 0);

  if (self->tx_depth == 1 && self->group_open)
    {
      /* One member of the group undone: its neighbours stay. */
      if (sqlite3_get_autocommit (self->db) == 0 &&
          (!exec_cached (self, "ROLLBACK TO fd_grouped", &error) ||
           !exec_cached (self, "RELEASE fd_grouped", &error)))
        g_warning ("Rolling back to a savepoint failed: %s", error->message);
      self->tx_depth--;
      check_group_alive (self);
      return;
    }
  if (self->tx_depth == 1)
    {
      if (sqlite3_get_autocommit (self->db) == 0 &&
          !exec_cached (self, "ROLLBACK", &error))
        g_warning ("Rolling back failed: %s", error->message);
    }
  else if (!exec_cached (self, "ROLLBACK TO fd_nested", &error) ||
           !exec_cached (self, "RELEASE fd_nested", &error))
    g_warning ("Rolling back to a savepoint failed: %s", error->message);
  self->tx_depth--;
}

gboolean
fd_store_in_transaction (FdStore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->tx_depth > 0;
}

gboolean
fd_store_end (FdStore   *self,
              gboolean   ok,
              GError   **error)
{
  if (ok)
    return fd_store_commit (self, error);
  fd_store_rollback (self);
  return FALSE;
}
