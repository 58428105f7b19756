#pragma once

#include <adwaita.h>

#include "fd-stat-catalog.h"

G_BEGIN_DECLS

#define FD_TYPE_STAT_COLUMN_EDITOR (fd_stat_column_editor_get_type ())
G_DECLARE_FINAL_TYPE (FdStatColumnEditor, fd_stat_column_editor, FD, STAT_COLUMN_EDITOR, GtkWidget)

/* One column of the Personal Wallboard in Settings > Service > Columns
 * (docs/app.md, "Settings and preferences"): its statistics in order, the
 * guide's green add button (a popover of the statistics not yet in the
 * column), the red minus (removes the selected one) and the arrows that
 * move the selected one up and down. Every change is written at once to a
 * string-array key of @settings; a change of the key from elsewhere shows
 * at once. Ids this version does not know stay in the key, unshown.
 *
 * Actions (the buttons use them; tests may activate them too):
 *   column.add        (s)  add the statistic of this id at the end
 *   column.remove         remove the selected statistic
 *   column.move-up        move the selected statistic up
 *   column.move-down      move it down */

GtkWidget  *fd_stat_column_editor_new        (GSettings          *settings,
                                              const char         *key,
                                              FdStatColumn        column,
                                              const char         *title);
/* Selects the row of @id (FALSE when the column does not show it). */
gboolean    fd_stat_column_editor_select     (FdStatColumnEditor *self,
                                              const char         *id);
/* The id of the selected statistic, NULL for none. */
const char *fd_stat_column_editor_get_selected (FdStatColumnEditor *self);

G_END_DECLS
