#pragma once

#include <adwaita.h>

#include "fd-connection.h"
#include "fd-stat-catalog.h"

G_BEGIN_DECLS

#define FD_TYPE_PREFERENCES_WINDOW (fd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FdPreferencesWindow, fd_preferences_window, FD, PREFERENCES_WINDOW, AdwWindow)

/* The app's preferences (Queues, Conversations, Alerts, the Personal
 * Wallboard's columns) in pages of
 * AdwPreferencesGroups, every row bound to
 * a key of the io.github.frontdeskcc.Frontdesk schema in @settings: a change
 * is saved at once and a change of the key from elsewhere shows at once. */
GtkWidget *fd_preferences_window_new          (GtkWindow           *parent,
                                               GSettings           *settings);
GSettings *fd_preferences_window_get_settings (FdPreferencesWindow *self);
/* The signed-in agent's connection (NULL when signed out): Preferences >
 * CRM reads the organization's CRM from it and gives it the agent's CRM
 * user (FdCrmPreferences). */
void       fd_preferences_window_set_connection (FdPreferencesWindow *self,
                                                 FdConnection        *connection);
GtkWidget *fd_preferences_window_get_crm_page   (FdPreferencesWindow *self);
/* The FdStatColumnEditor of @column in Service > Columns. */
GtkWidget *fd_preferences_window_get_column_editor (FdPreferencesWindow *self,
                                                    FdStatColumn         column);

G_END_DECLS
