#pragma once

#include <gio/gio.h>

#include "fd-connection.h"
#include "fd-stat-catalog.h"

G_BEGIN_DECLS

/* What the Personal Wallboard shows (docs/app.md, "The Personal
 * Wallboard"), no GTK: the latest stats rows of the agent's queues and
 * streams, the agent's own figures, the last hour of each (bounded, for
 * the plots) and, for supervisors and admins, the organization's agents.
 *
 * Fed by the fd_wallboard_model_apply_*() functions (the tests call them
 * with wire bodies); fd_wallboard_model_set_connection() makes the model
 * ask the server itself — `stats-history` and `stats` (and
 * `list-agent-states` for a supervisor) when connected, `stats` again after
 * each `stats` event (the event has no agent figures; one request at a
 * time) — and apply the session's `stats` and `supervised-agent-state`
 * events.
 *
 * Signals: "changed" (the statistics), "agents-changed" (the agents). */

/* The points kept per row: a sample a minute from the history and one per
 * stats event (at most every 5 s) make 780 an hour. */
#define FD_WALLBOARD_MAX_SAMPLES 1024
#define FD_WALLBOARD_SPAN        (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

/* One line of a statistic: the agent's own (label NULL), or one queue's or
 * one stream's. */
typedef struct {
  gint64   queue_id;
  gint64   stream_id;
  char    *label;
  gboolean has_value;
  double   value;
  GArray  *points;     /* FdStatPoint, oldest first, the last hour */
} FdWallboardLine;

void fd_wallboard_line_free (FdWallboardLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdWallboardLine, fd_wallboard_line_free)

#define FD_TYPE_WALLBOARD_MODEL (fd_wallboard_model_get_type ())
G_DECLARE_FINAL_TYPE (FdWallboardModel, fd_wallboard_model, FD, WALLBOARD_MODEL, GObject)

FdWallboardModel *fd_wallboard_model_new              (void);

/* A stats report (the ack of `stats`, or the event): the rows replace the
 * rows of the same queue and stream, and join their history; the agent's
 * figures (when there) replace the last ones. @now stamps what carries no
 * `at`. */
void              fd_wallboard_model_apply_stats      (FdWallboardModel    *self,
                                                       const FdStatsReport *report,
                                                       gint64               now);
/* The last hour's samples (FdStats* with `at`), as `stats-history` gives
 * them: they go before what the events brought. */
void              fd_wallboard_model_apply_history    (FdWallboardModel    *self,
                                                       GPtrArray           *samples);
/* The organization's agents (FdAgentState*), replacing all; and one row of
 * them (an event). */
void              fd_wallboard_model_apply_agents     (FdWallboardModel    *self,
                                                       GPtrArray           *agents);
void              fd_wallboard_model_apply_agent      (FdWallboardModel    *self,
                                                       const FdAgentState  *agent);
/* Forgets everything (sign-out, another person). */
void              fd_wallboard_model_clear            (FdWallboardModel    *self);

/* The lines of @stat at @now (FdWallboardLine*, a new array): one for an
 * agent statistic, one per queue or per stream otherwise, by queue and
 * stream id. */
GPtrArray        *fd_wallboard_model_dup_lines        (FdWallboardModel    *self,
                                                       const FdStatInfo    *stat,
                                                       gint64               now);
/* The agents (FdAgentState*, borrowed, by name); whether the signed-in
 * person may see them (a supervisor or an admin whose list came). */
GPtrArray        *fd_wallboard_model_get_agents       (FdWallboardModel    *self);
gboolean          fd_wallboard_model_get_supervising  (FdWallboardModel    *self);
void              fd_wallboard_model_set_supervising  (FdWallboardModel    *self,
                                                       gboolean             supervising);

/* Names the lines: a queue's name by its id (NULL: "Queue N"). */
typedef const char *(*FdWallboardNameFunc) (gint64   queue_id,
                                            gpointer user_data);
void              fd_wallboard_model_set_name_func    (FdWallboardModel    *self,
                                                       FdWallboardNameFunc  func,
                                                       gpointer             user_data);

/* Asks @connection and follows its session (NULL: stops). */
void              fd_wallboard_model_set_connection   (FdWallboardModel    *self,
                                                       FdConnection        *connection);

G_END_DECLS
