#pragma once

#include <adwaita.h>

#include "fd-alerts.h"
#include "fd-connection.h"
#include "fd-desktop-presence.h"
#include "fd-drafts.h"

G_BEGIN_DECLS

#define FD_APP_ID "io.github.frontdeskcc.Frontdesk"

#define FD_TYPE_APPLICATION (fd_application_get_type ())
G_DECLARE_FINAL_TYPE (FdApplication, fd_application, FD, APPLICATION, AdwApplication)

/* The agent app: one FdConnection, the credentials in FdSecrets, the app
 * actions of docs/app.md ("The window") and the quit guard. */

FdApplication *fd_application_new              (void);
/* The app's settings, NULL when the schema is not installed. */
GSettings     *fd_application_get_settings     (FdApplication *self);
/* The connection of the signed-in agent, NULL before sign-in. */
FdConnection  *fd_application_get_connection   (FdApplication *self);
/* The new-conversation alerts of the signed-in agent, NULL before
 * sign-in or without settings. */
FdAlerts      *fd_application_get_alerts       (FdApplication *self);
/* Signs in from the sign-in page; on success the token and password are
 * stored with FdSecrets and the URL and email in the settings. */
void           fd_application_sign_in_async    (FdApplication       *self,
                                                const char          *server_url,
                                                const char          *email,
                                                const char          *password,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       fd_application_sign_in_finish   (FdApplication       *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* Returns TRUE when the agent may quit or sign out; otherwise shows a
 * dialog over @parent listing the reserved conversations and returns
 * FALSE. */
gboolean       fd_application_check_can_leave  (FdApplication *self,
                                                GtkWindow     *parent);
/* Opens conversation @id in the window its kind has (the Activity List's
 * double-click and Enter, app.open-conversation, notifications): a Web
 * Chat window, else the read-only transcript (FdConversationWindow). The
 * one place that dispatches on the kind: an Email window adds its
 * `case FD_STREAM_EMAIL` here. */
void           fd_application_open_conversation (FdApplication *self,
                                                 gint64         id);
/* The signed-in agent's drafts, NULL until a Web Chat window needed them. */
FdDrafts      *fd_application_get_drafts        (FdApplication *self);
/* The conversation app.next-conversation (@direction 1, Ctrl+Tab) or
 * app.previous-conversation (-1, Ctrl+Shift+Tab) opens after @from: the
 * Activity List's rows in order, callbacks left out (opening one dials),
 * wrapping around; the first (last) row when @from is not listed; 0 when
 * there is none. */
gint64         fd_application_step_conversation (FdApplication *self,
                                                 gint64         from,
                                                 int            direction);
/* The signed-in agent's desktop presence, NULL before sign-in. */
FdDesktopPresence *fd_application_get_desktop_presence  (FdApplication *self);
/* The question shown on return from the desktop ("You're back — be
 * available again?", answered by app.presence-restore), NULL when none
 * is shown. */
const char        *fd_application_get_presence_question (FdApplication *self);
/* Reconnection backoff for the connections the app creates (tests). */
void           fd_application_set_backoff      (FdApplication *self,
                                                guint          base_ms,
                                                guint          max_ms);

G_END_DECLS
