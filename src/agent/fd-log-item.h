#pragma once

#include <glib-object.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

/* One row of the Activity Log (docs/app.md, "The Activity Log"): a
 * conversation log entry as the server sent it, with its cells as text
 * (properties "assigned", "kind", "kind-icon", "queue", "duration",
 * "remote-party", "state") for the list's cells to bind. No GTK. */

#define FD_TYPE_LOG_ITEM (fd_log_item_get_type ())
G_DECLARE_FINAL_TYPE (FdLogItem, fd_log_item, FD, LOG_ITEM, GObject)

/* Takes @entry. */
FdLogItem         *fd_log_item_new          (FdLogEntry *entry);
const FdLogEntry  *fd_log_item_get_entry    (FdLogItem  *self);
gint64             fd_log_item_get_id       (FdLogItem  *self);
const char        *fd_log_item_get_assigned (FdLogItem  *self);
const char        *fd_log_item_get_kind     (FdLogItem  *self);
const char        *fd_log_item_get_queue    (FdLogItem  *self);
const char        *fd_log_item_get_duration (FdLogItem  *self);
const char        *fd_log_item_get_remote_party (FdLogItem *self);

/* "2026-01-01 14:05" in local time, "" for 0 (never). */
char              *fd_log_item_format_time  (gint64      usec);

G_END_DECLS
