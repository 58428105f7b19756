#pragma once

#include <gio/gio.h>

#include "fd-connection.h"
#include "fd-log-item.h"

G_BEGIN_DECLS

/* The Activity Log's rows (docs/app.md, "The Activity Log"): a GListModel
 * of FdLogItem that pages from the server (list-conversation-log) as the
 * list asks for more, one request at a time. A new query starts again
 * from the first page and drops the answers of the old one. It keeps at
 * most FD_LOG_MODEL_MAX_ROWS rows ("truncated" then): past that, the agent
 * narrows the search. No GTK. */

#define FD_LOG_MODEL_MAX_ROWS 5000

#define FD_TYPE_LOG_MODEL (fd_log_model_get_type ())
G_DECLARE_FINAL_TYPE (FdLogModel, fd_log_model, FD, LOG_MODEL, GObject)

FdLogModel       *fd_log_model_new            (void);
void              fd_log_model_set_connection (FdLogModel       *self,
                                               FdConnection     *connection);
/* Shows @query (copied; its cursor is ignored) from the first page. */
void              fd_log_model_set_query      (FdLogModel       *self,
                                               const FdLogQuery *query);
const FdLogQuery *fd_log_model_get_query      (FdLogModel       *self);
/* The first page again, the same query. */
void              fd_log_model_reload         (FdLogModel       *self);
/* Asks for the next page when there is one and no request is in flight. */
void              fd_log_model_load_more      (FdLogModel       *self);
/* A request is in flight. */
gboolean          fd_log_model_get_loading    (FdLogModel       *self);
/* The server has more rows than the model holds. */
gboolean          fd_log_model_get_has_more   (FdLogModel       *self);
/* At FD_LOG_MODEL_MAX_ROWS with more on the server. */
gboolean          fd_log_model_get_truncated  (FdLogModel       *self);
/* The sentence of the last failure, NULL after a success. */
const char       *fd_log_model_get_error      (FdLogModel       *self);
/* At least one page has been answered for the current query. */
gboolean          fd_log_model_get_loaded     (FdLogModel       *self);

G_END_DECLS
