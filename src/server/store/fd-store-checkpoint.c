#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Checkpoints in the background (docs/architecture.md, "Durability").
 *
 * SQLite copies the WAL back into the database file when a commit leaves
 * it at 1,000 pages or more, inside that COMMIT: on the server's only
 * thread, a sync of the WAL, a write of every page it holds and a sync of
 * the database file, 10 to 30 ms on a disk where a sync alone is 0.3 ms,
 * several times a second under a busy load. With background sync that
 * stall was most of the slowest deliveries. So, with background sync, the
 * store's own WAL hook replaces SQLite's automatic checkpoint: past
 * FD_STORE_CHECKPOINT_FRAMES it asks a worker thread, which has its own
 * connection to the file, for a PASSIVE checkpoint (it never blocks the
 * writer: it copies what was committed when it began, syncing the WAL
 * before and the database after, as SQLite's own does).
 *
 * A PASSIVE checkpoint cannot restart the WAL: SQLite writes from its
 * start again only when a writer begins while every committed frame is
 * already copied, which never happens while commits keep arriving faster
 * than the worker copies. So past FD_STORE_CHECKPOINT_BACKSTOP frames the
 * hook asks for no more background work and, once the worker is idle,
 * checkpoints inline: the frames since the worker's last pass, a short
 * copy, after which the next group writes the WAL from its start. The WAL
 * stays within about the backstop's size. */

struct _FdStoreCheckpointer
{
  GThread  *thread;
  char     *db_path;
  guint     frames;          /* a background checkpoint from this many */
  guint     backstop;        /* an inline one from this many */

  GMutex    lock;            /* guards what follows */
  GCond     cond;
  gboolean  quit;
  gboolean  requested;
  gboolean  running;         /* requested or under way */
  guint     copied;          /* WAL frames in the database after the last pass */
  guint     done_background; /* completed, for tests and the log */
  guint     done_inline;
  gboolean  warned;          /* one warning per kind of failure streak */
};

static void
checkpoint_failed (FdStoreCheckpointer *ckpt,
                   const char          *where,
                   int                  rc,
                   const char          *message)
{
  gboolean warn;

  g_mutex_lock (&ckpt->lock);
  warn = !ckpt->warned;
  ckpt->warned = TRUE;
  g_mutex_unlock (&ckpt->lock);
  /* The WAL only grows until the next one succeeds: nothing is lost. */
  if (warn)
    g_warning ("Cannot copy the write-ahead log into the database (%s): %s (%d); "
               "the log grows until a later attempt succeeds",
               where, message, rc);
}

static sqlite3 *
open_connection (FdStoreCheckpointer *ckpt)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (ckpt->db_path, &db, SQLITE_OPEN_READWRITE, NULL);
  if (rc == SQLITE_OK)
    /* FULL: the checkpoint syncs the WAL before it copies and the
     * database file after, as the main connection's would. */
    rc = sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      checkpoint_failed (ckpt, "opening a second connection", rc,
                         db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

static gpointer
checkpointer_thread (gpointer user_data)
{
  FdStoreCheckpointer *ckpt = user_data;
  sqlite3 *db = NULL;

  g_mutex_lock (&ckpt->lock);
  for (;;)
    {
      int rc = SQLITE_OK, copied = -1;

      while (!ckpt->requested && !ckpt->quit)
        g_cond_wait (&ckpt->cond, &ckpt->lock);
      if (ckpt->quit)
        break;
      ckpt->requested = FALSE;
      g_mutex_unlock (&ckpt->lock);

      if (db == NULL)
        db = open_connection (ckpt);
      if (db != NULL)
        {
          rc = sqlite3_wal_checkpoint_v2 (db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);
          /* BUSY: an inline checkpoint holds the checkpointer's lock; it
           * does the work. */
          if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            checkpoint_failed (ckpt, "in the background", rc, sqlite3_errmsg (db));
        }

      g_mutex_lock (&ckpt->lock);
      if (rc == SQLITE_OK && db != NULL)
        {
          ckpt->done_background++;
          ckpt->warned = FALSE;
          if (copied >= 0)
            ckpt->copied = (guint) copied;
        }
      ckpt->running = ckpt->requested;
      g_cond_broadcast (&ckpt->cond);
    }
  g_mutex_unlock (&ckpt->lock);
  sqlite3_close (db);
  return NULL;
}

/* The main connection's WAL hook: runs after every commit, on the thread
 * that committed, with the WAL's size in frames. */
static int
on_wal_commit_cb (void       *user_data,
                  sqlite3    *db,
                  const char *schema,
                  int         n_frames)
{
  FdStoreCheckpointer *ckpt = user_data;
  gboolean run_inline = FALSE;

  if (n_frames < 0 || (guint) n_frames < ckpt->frames)
    return SQLITE_OK;
  g_mutex_lock (&ckpt->lock);
  /* The WAL started over from its beginning. */
  if ((guint) n_frames < ckpt->copied)
    ckpt->copied = 0;
  if ((guint) n_frames >= ckpt->backstop)
    /* No more background passes: the next commit that finds the worker
     * idle copies the rest itself. */
    run_inline = !ckpt->running;
  /* A pass per FD_STORE_CHECKPOINT_FRAMES new frames, as SQLite's own
   * checkpoint would: each pass syncs the database file, whose writes
   * delay the WAL's syncs on the same disk. */
  else if (!ckpt->running && (guint) n_frames - ckpt->copied >= ckpt->frames)
    {
      if (ckpt->thread == NULL)
        ckpt->thread = g_thread_new ("fd-store-checkpoint", checkpointer_thread, ckpt);
      ckpt->requested = TRUE;
      ckpt->running = TRUE;
      g_cond_broadcast (&ckpt->cond);
    }
  g_mutex_unlock (&ckpt->lock);

  if (run_inline)
    {
      int copied = -1;
      int rc = sqlite3_wal_checkpoint_v2 (db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);

      if (rc == SQLITE_OK)
        {
          g_mutex_lock (&ckpt->lock);
          ckpt->done_inline++;
          ckpt->warned = FALSE;
          if (copied >= 0)
            ckpt->copied = (guint) copied;
          g_mutex_unlock (&ckpt->lock);
        }
      else if (rc != SQLITE_BUSY)
        checkpoint_failed (ckpt, "inline", rc, sqlite3_errmsg (db));
    }
  return SQLITE_OK;
}

void
fd_store_checkpointer_start (FdStore *self)
{
  FdStoreCheckpointer *ckpt;
  const char *db_path;

  if (self->checkpointer != NULL)
    return;
  /* An in-memory database has no WAL. */
  db_path = sqlite3_db_filename (self->db, "main");
  if (db_path == NULL || db_path[0] == '\0')
    return;
  ckpt = g_new0 (FdStoreCheckpointer, 1);
  ckpt->db_path = g_strdup (db_path);
  ckpt->frames = FD_STORE_CHECKPOINT_FRAMES;
  ckpt->backstop = FD_STORE_CHECKPOINT_BACKSTOP;
  g_mutex_init (&ckpt->lock);
  g_cond_init (&ckpt->cond);
  self->checkpointer = ckpt;
  /* Replaces SQLite's automatic checkpoint (itself a WAL hook). */
  sqlite3_wal_hook (self->db, on_wal_commit_cb, ckpt);
}

void
fd_store_checkpointer_stop (FdStore *self)
{
  FdStoreCheckpointer *ckpt = self->checkpointer;

  if (ckpt == NULL)
    return;
  if (ckpt->thread != NULL)
    {
      g_mutex_lock (&ckpt->lock);
      ckpt->quit = TRUE;
      g_cond_broadcast (&ckpt->cond);
      g_mutex_unlock (&ckpt->lock);
      g_thread_join (ckpt->thread);
    }
  /* Back to SQLite's own checkpoint at its default size. */
  if (self->db != NULL)
    sqlite3_wal_autocheckpoint (self->db, FD_STORE_CHECKPOINT_FRAMES);
  g_free (ckpt->db_path);
  g_mutex_clear (&ckpt->lock);
  g_cond_clear (&ckpt->cond);
  g_free (ckpt);
  self->checkpointer = NULL;
}

void
fd_store_set_checkpoint_frames (FdStore *self,
                                guint    frames,
                                guint    backstop)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (frames > 0 && backstop >= frames);

  if (self->checkpointer == NULL)
    return;
  g_mutex_lock (&self->checkpointer->lock);
  self->checkpointer->frames = frames;
  self->checkpointer->backstop = backstop;
  g_mutex_unlock (&self->checkpointer->lock);
}

gboolean
fd_store_get_checkpoints (FdStore *self,
                          guint   *background,
                          guint   *inline_)
{
  FdStoreCheckpointer *ckpt;

  g_return_val_if_fail (self != NULL, FALSE);

  ckpt = self->checkpointer;
  if (ckpt == NULL)
    return FALSE;
  g_mutex_lock (&ckpt->lock);
  if (background != NULL)
    *background = ckpt->done_background;
  if (inline_ != NULL)
    *inline_ = ckpt->done_inline;
  g_mutex_unlock (&ckpt->lock);
  return TRUE;
}
