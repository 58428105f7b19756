#pragma once

/* The streams of one kind that a service runs something for (FdEmail's
 * IMAP workers, FdTwitter's pollers) and the service's outbox sender, kept
 * going from fd_stream_workers_start() to fd_stream_workers_stop(): the
 * workers are brought in line with the store on start and on the center's
 * config-changed (what is gone or whose fingerprint changed is stopped,
 * removed from the table; what is new or changed is started), and the
 * sender is pumped on start, when the center's outbox has new work, and
 * every FD_STREAM_WORKERS_TICK_SECONDS for retries that come due. Main
 * loop only. */

#include "fd-center.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* The outbox is looked at this often for replies whose retry is due. */
#define FD_STREAM_WORKERS_TICK_SECONDS 1

typedef struct {
  FdStreamKind  kind;
  /* What a stream's worker depends on (settings and secrets), newly
   * allocated; a change restarts it. */
  char       *(*fingerprint)         (gpointer        owner,
                                      const FdStream *stream);
  /* The fingerprint a running worker (a value of the table) was started with. */
  const char *(*running_fingerprint) (gpointer        worker);
  /* Starts @stream's worker and adds it to the table, or records why not;
   * takes @fingerprint. */
  void        (*start)               (gpointer        owner,
                                      const FdStream *stream,
                                      char           *fingerprint);
  /* Hands the outbox's due replies to the sender. */
  void        (*pump)                (gpointer        owner);
  /* The center's notifier of this kind's outbox
   * (fd_center_set_outbox_notify(), fd_center_set_twitter_outbox_notify()). */
  void        (*set_outbox_notify)   (FdCenter        *center,
                                      void           (*notify) (gpointer data),
                                      gpointer         data);
} FdStreamWorkersClass;

typedef struct {
  const FdStreamWorkersClass *klass;
  gpointer                    owner;
  FdCenter                   *center;
  FdStore                    *store;
  GHashTable                 *running;    /* borrowed: stream id (gint64 *) → worker */
  gulong                      config_id;
  guint                       tick_id;
} FdStreamWorkers;

/* Starts following the store and the outbox for @owner. @running: stream
 * id (gint64 *) → worker, its values freed (stopped) on removal; the
 * caller owns it. */
void fd_stream_workers_start     (FdStreamWorkers            *self,
                                  const FdStreamWorkersClass *klass,
                                  gpointer                    owner,
                                  FdCenter                   *center,
                                  GHashTable                 *running);
/* Stops following; the workers that run are the caller's to stop. Safe
 * on a value never started. */
void fd_stream_workers_stop      (FdStreamWorkers            *self);
/* Brings the running workers in line with the store now. */
void fd_stream_workers_reconcile (FdStreamWorkers            *self);

G_END_DECLS
