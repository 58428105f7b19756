#pragma once

#include <adwaita.h>

#include "fd-connection.h"
#include "fd-crm-user.h"

G_BEGIN_DECLS

#define FD_TYPE_CRM_PREFERENCES (fd_crm_preferences_get_type ())
G_DECLARE_FINAL_TYPE (FdCrmPreferences, fd_crm_preferences, FD, CRM_PREFERENCES, AdwPreferencesPage)

/* Preferences > CRM (docs/app.md, "CRM"): "CRM Automatic Contact Pop"
 * (the key crm-contact-pop) and "Connect Your CRM User" / "Disconnect"
 * (FdCrmUser, keyed by the keys server-url and email; the OAuth endpoints
 * from crm-authorize-url, crm-token-url and crm-client-id, Salesforce's
 * login endpoints by default when the organization's CRM is Salesforce).
 * With a connection, the connected user goes to
 * fd_connection_set_crm_user() so that log entries are attributed. */
GtkWidget  *fd_crm_preferences_new            (GSettings        *settings);
void        fd_crm_preferences_set_connection (FdCrmPreferences *self,
                                               FdConnection     *connection);
/* The flow's browser (tests); see fd_crm_user_set_launcher(). */
void        fd_crm_preferences_set_launcher   (FdCrmPreferences *self,
                                               FdCrmUserLauncher launcher,
                                               gpointer          user_data);
/* The connected CRM user ("" when the CRM named none), NULL when none
 * is connected; the last error shown, NULL when none; TRUE while a
 * lookup, connection or disconnection runs. */
const char *fd_crm_preferences_get_crm_user   (FdCrmPreferences *self);
const char *fd_crm_preferences_get_error      (FdCrmPreferences *self);
gboolean    fd_crm_preferences_get_busy       (FdCrmPreferences *self);

G_END_DECLS
