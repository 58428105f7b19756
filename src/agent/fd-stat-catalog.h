#pragma once

#include <glib.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

/* Every statistic the Personal Wallboard can show (docs/app.md, "The
 * Personal Wallboard"): its stable id (kept in GSettings, so never
 * renamed), its title, how its value reads and where on the wire it comes
 * from. No GTK here: the settings page, the wallboard and the tests share
 * it.
 *
 * Three kinds of statistic:
 *  - the Agent column's (ids "agent.…"): the signed-in agent's own figures
 *    today, read from the stats report's `agent` object;
 *  - the Contact Center column's per queue ("center.…"): one line per
 *    queue the agent is a member of, read from the queue's total row
 *    (`stream_id` 0) of the stats report;
 *  - the same per media stream ("stream.…", the guide's "Media Stream
 *    statistics"): one line per stream of those queues, read from the
 *    stream rows.
 *
 * A statistic names its wire field rather than a C struct member: the value
 * is found through the codec's field table (fd-codec.h) of whatever row
 * carries it (a stats row, a stats sample of the history or the agent's
 * figures), so a row without the field reads as "no value", never a crash. */

typedef enum {
  FD_STAT_COLUMN_AGENT,
  FD_STAT_COLUMN_CENTER,
} FdStatColumn;

typedef enum {
  FD_STAT_SCOPE_AGENT,   /* the agent's own figures */
  FD_STAT_SCOPE_QUEUE,   /* a queue's total row */
  FD_STAT_SCOPE_STREAM,  /* a media stream's row */
} FdStatScope;

typedef enum {
  FD_STAT_FORMAT_COUNT,     /* "3" */
  FD_STAT_FORMAT_DURATION,  /* seconds, "04:05" */
  FD_STAT_FORMAT_PERCENT,   /* "87 %" */
  FD_STAT_FORMAT_RATING,    /* the wire's average ×100, "4.25" (of 5) */
} FdStatFormat;

typedef enum {
  FD_STAT_READ_FIELD,  /* the field's value */
  FD_STAT_READ_SINCE,  /* now − the field's time, in seconds */
} FdStatRead;

typedef struct {
  const char   *id;           /* "center.waiting" */
  FdStatScope   scope;
  const char   *title;        /* untranslated (N_), see fd_stat_info_get_title() */
  const char   *description;  /* untranslated (N_) */
  FdStatFormat  format;
  const char   *field;        /* the wire name of the field it reads */
  FdStatRead    read;
  gboolean      has_none;     /* whether @none_value means "no value" */
  gint64        none_value;   /* e.g. -1 for a service level with no conversation */
} FdStatInfo;

/* One value of a statistic at one time (a plot's point). */
typedef struct {
  gint64 at;      /* µs since the epoch */
  double value;
} FdStatPoint;

/* The whole catalog, in the order the add menu lists it; @n_stats set. */
const FdStatInfo *fd_stat_catalog_get_all       (guint              *n_stats);
/* The statistic of @id, NULL for an id this version does not know (an
 * older or newer app's id kept in the settings). */
const FdStatInfo *fd_stat_catalog_lookup        (const char         *id);
/* The column a statistic belongs to. */
FdStatColumn      fd_stat_info_get_column       (const FdStatInfo   *info);
const char       *fd_stat_info_get_title        (const FdStatInfo   *info);
const char       *fd_stat_info_get_description  (const FdStatInfo   *info);

/* The value of @info in @row, an instance of the codec type @type (stats
 * row, stats sample, agent stats); @now (µs since the epoch) for
 * FD_STAT_READ_SINCE. FALSE (and *value untouched) when @type has no such
 * field or the row holds "no value" (none, or a time not yet set). */
gboolean          fd_stat_info_read             (const FdStatInfo   *info,
                                                 const FdTypeInfo   *type,
                                                 gconstpointer       row,
                                                 gint64              now,
                                                 double             *value);
/* The value as a person reads it: "3", "04:05", "87 %", "4.25". */
char             *fd_stat_info_format_value     (const FdStatInfo   *info,
                                                 double              value);
/* The same for a value that is missing: "—". */
const char       *fd_stat_no_value              (void);

/* The ids of @column's statistics in @ids (a settings value, in order) that
 * this version knows, in that order, without duplicates; unknown ids and
 * ids of the other column are left out (but stay in the settings). */
GPtrArray        *fd_stat_catalog_filter_column (const char * const *ids,
                                                 FdStatColumn        column);

G_END_DECLS
