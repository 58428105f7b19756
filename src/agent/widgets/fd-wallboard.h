#pragma once

#include <gtk/gtk.h>

#include "fd-connection.h"
#include "fd-stat-catalog.h"
#include "fd-wallboard-model.h"

G_BEGIN_DECLS

#define FD_TYPE_WALLBOARD (fd_wallboard_get_type ())
G_DECLARE_FINAL_TYPE (FdWallboard, fd_wallboard, FD, WALLBOARD, GtkWidget)

/* The Personal Wallboard view of the main window (docs/app.md, "The
 * Personal Wallboard"): an Agent column and a Contact Center column of
 * statistic tiles, in the order of Settings > Service > Columns and
 * following its changes; each tile shows the statistic's title, its value
 * per line (the agent's own, or per queue or media stream) and a sparkline
 * of the last hour; a click opens the large charts. For supervisors and
 * admins, a live table of the organization's agents. The data is an
 * FdWallboardModel's; the widget never talks to the socket. */

/* Shows the data of @connection (NULL: none). */
void              fd_wallboard_set_connection (FdWallboard  *self,
                                               FdConnection *connection);
/* The keys wallboard-agent-columns and wallboard-center-columns. */
void              fd_wallboard_set_settings   (FdWallboard  *self,
                                               GSettings    *settings);
FdWallboardModel *fd_wallboard_get_model      (FdWallboard  *self);
/* The wallboard's clock (µs since the epoch), for time in state and the
 * plots' right end; the window's one-second tick sets it. */
void              fd_wallboard_set_now        (FdWallboard  *self,
                                               gint64        now);

/* For the tests: the tiles of @column as shown, "Waiting: Sales 3,
 * Support 1|Longest Wait: …" (each tile's accessible description); the
 * tile of @id (NULL when not shown); the agents table as shown,
 * "Ada, Available, , 01:05, 2|…"; whether the table is shown. */
char             *fd_wallboard_dup_tiles_text (FdWallboard  *self,
                                               FdStatColumn  column);
GtkWidget        *fd_wallboard_get_tile       (FdWallboard  *self,
                                               const char   *id);
char             *fd_wallboard_dup_agents_text (FdWallboard *self);
gboolean          fd_wallboard_get_agents_visible (FdWallboard *self);

G_END_DECLS
