#pragma once

#include <adwaita.h>

#include "fd-activity-list.h"
#include "fd-activity-log.h"
#include "fd-connection.h"
#include "fd-queue-sidebar.h"
#include "fd-sign-in-page.h"

G_BEGIN_DECLS

#define FD_TYPE_WINDOW (fd_window_get_type ())
G_DECLARE_FINAL_TYPE (FdWindow, fd_window, FD, WINDOW, AdwApplicationWindow)

/* The main window: the sign-in page, or the Queues sidebar beside the
 * Activity List, with the ACD state menu and the "Reconnecting…" banner. */

/* @app may be NULL (a window of its own, e.g. a second agent in tests);
 * @settings may be NULL (defaults apply). */
FdWindow       *fd_window_new                 (GtkApplication *app,
                                               GSettings      *settings);
/* Shows the Activity List of @connection (NULL: the sign-in page). */
void            fd_window_set_connection      (FdWindow       *self,
                                               FdConnection   *connection);
FdConnection   *fd_window_get_connection      (FdWindow       *self);
/* Shows the sign-in page with @message (may be NULL) as its error. */
void            fd_window_show_sign_in        (FdWindow       *self,
                                               const char     *message);
void            fd_window_add_toast           (FdWindow       *self,
                                               const char     *text);
/* Shows @toast (transfer full). */
void            fd_window_show_toast          (FdWindow       *self,
                                               AdwToast       *toast);
/* A toast for a new offer with a Reserve button (app.reserve). */
void            fd_window_add_offer_toast     (FdWindow       *self,
                                               const char     *text,
                                               gint64          conversation_id);
gboolean        fd_window_get_banner_visible  (FdWindow       *self);
/* The lines of the strip of streams that need attention, one per line;
 * NULL while the strip is hidden (an agent, or every stream ok). */
char           *fd_window_get_stream_health_text (FdWindow     *self);
/* "sign-in" or "main". */
const char     *fd_window_get_page            (FdWindow       *self);
/* The view of the signed-in window: "activity" (the queues and the
 * Activity List) or another page of its AdwViewStack; _set_view returns
 * FALSE for a name the stack does not have. */
const char     *fd_window_get_view            (FdWindow       *self);
gboolean        fd_window_set_view            (FdWindow       *self,
                                               const char     *name);
/* Whether the header bar offers the views (only while signed in). */
gboolean        fd_window_get_views_enabled   (FdWindow       *self);
/* What takes the Activity List's place: "list", or the empty state
 * "not-joined", "waiting" or "offline" (docs/app.md). */
const char     *fd_window_get_activity_page   (FdWindow       *self);
FdSignInPage   *fd_window_get_sign_in_page    (FdWindow       *self);
FdQueueSidebar *fd_window_get_queue_sidebar   (FdWindow       *self);
FdActivityList *fd_window_get_activity_list   (FdWindow       *self);

G_END_DECLS
