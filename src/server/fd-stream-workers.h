#pragma once

/* The streams of one kind that a service runs something for (FdEmail's
 * IMAP workers, FdTwitter's pollers), brought in line with the store on
 * start and on config-changed: what is gone or whose fingerprint changed
 * is stopped (removed from the table), what is new or changed is started.
 * Main loop only. */

#include "fd-store.h"

G_BEGIN_DECLS

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
} FdStreamWorkersClass;

/* @running: stream id (gint64 *) → worker, its values freed (stopped) on
 * removal. */
void fd_stream_workers_reconcile (const FdStreamWorkersClass *klass,
                                  gpointer                    owner,
                                  FdStore                    *store,
                                  GHashTable                 *running);

G_END_DECLS
