#pragma once

#include <gtk/gtk.h>

#include "fd-connection.h"
#include "fd-log-model.h"

G_BEGIN_DECLS

/* The window's "log" view (docs/app.md, "The Activity Log"): the
 * Conversations list of the guide's "Viewing Historical Conversations",
 * paged from the server as the agent scrolls (FdLogModel); a click on a
 * column header sorts (the server sorts); type, queue and date filters and
 * a search of the messages (debounced); an empty, a no-match and an error
 * state; refreshed each time the view is shown. Double-click or Enter on
 * a row opens the conversation read-only (FdConversationLogWindow).
 * Action "log.refresh". */

#define FD_TYPE_ACTIVITY_LOG (fd_activity_log_get_type ())
G_DECLARE_FINAL_TYPE (FdActivityLog, fd_activity_log, FD, ACTIVITY_LOG, GtkWidget)

void          fd_activity_log_set_connection (FdActivityLog *self,
                                              FdConnection  *connection);
FdLogModel   *fd_activity_log_get_model      (FdActivityLog *self);
/* What the tests drive as a person would: the column view (header
 * clicks), the filters and the search entry. */
GtkColumnView *fd_activity_log_get_column_view (FdActivityLog *self);
GtkDropDown  *fd_activity_log_get_type_dropdown  (FdActivityLog *self);
GtkDropDown  *fd_activity_log_get_queue_dropdown (FdActivityLog *self);
GtkDropDown  *fd_activity_log_get_date_dropdown  (FdActivityLog *self);
GtkEditable  *fd_activity_log_get_search_entry   (FdActivityLog *self);
/* The page of the view's stack shown: "list", "loading", "empty",
 * "no-match" or "error". */
const char   *fd_activity_log_get_state      (FdActivityLog *self);
/* Opens row @position as a double-click would; returns the window. */
GtkWindow    *fd_activity_log_open_row       (FdActivityLog *self,
                                              guint          position);

G_END_DECLS
