#pragma once

/* What the files of FdApplication share (fd-application.c and its
 * behaviours: -sign-in.c, -actions.c, -quit-guard.c, -alerts.c). */

#include "fd-alerts.h"
#include "fd-desktop-presence.h"
#include "fd-application.h"
#include "fd-recent-files.h"
#include "fd-reply-cache.h"
#include "fd-secrets.h"
#include "fd-session.h"
#include "fd-window.h"

G_BEGIN_DECLS

struct _FdApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  FdConnection   *connection;
  FdSecrets      *secrets;
  FdAlerts       *alerts;
  GCancellable   *cancellable;
  char           *stored_password;  /* for a refused token; wiped on sign-out */
  guint           backoff_base_ms;
  guint           backoff_max_ms;
  gboolean        started;
  gboolean        joined_on_startup;
  /* From the command line (--server, --email, --password-stdin). */
  char           *cli_server;
  char           *cli_email;
  char           *cli_password;
  /* The signed-in agent's local stores for the Web Chat windows, made on
   * first use for the agent named by stores_key (server URL and email). */
  FdDrafts       *drafts;
  FdReplyCache   *reply_cache;
  FdRecentFiles  *recent_files;
  char           *stores_key;
  /* The conversation opened last, where next/previous start from when no
   * conversation window has the focus. */
  gint64          current_conversation;
  /* Presence that follows the desktop (fd-application-presence.c): the
   * reason the app made the agent unavailable for (NULL: it did not), the
   * agent's state as last known, and the question shown on return. */
  FdDesktopPresence *presence;
  char           *presence_reason;
  FdAcdState      agent_acd;
  char           *agent_acd_reason;
  AdwToast       *presence_question;
};
/* fd-application.c */
void      _fd_application_clear_password        (FdApplication *self);
/* The main window, NULL when there is none. */
FdWindow *_fd_application_main_window           (FdApplication *self);
/* The main window, made when there is none. */
FdWindow *_fd_application_ensure_window         (FdApplication *self);

/* fd-application-sign-in.c */
/* Signs in with a password: from the sign-in page (@task answers it), or
 * with the stored or command-line password (@task NULL). */
void      _fd_application_sign_in_with_password (FdApplication *self,
                                                 const char    *url,
                                                 const char    *email,
                                                 const char    *password,
                                                 GTask         *task);
void      _fd_application_start_stored_session  (FdApplication *self);
void      _fd_application_drop_connection       (FdApplication *self);
/* Revokes the session, clears the keyring and shows the sign-in page. */
void      _fd_application_sign_out              (FdApplication *self);

/* fd-application-actions.c */
void      _fd_application_add_actions           (FdApplication *self);
void      _fd_application_clear_stores          (FdApplication *self);

/* fd-application-alerts.c */
void      _fd_application_start_alerts          (FdApplication *self);
void      _fd_application_stop_alerts           (FdApplication *self);
/* The alerts stay quiet while @window has the focus. */
void      _fd_application_watch_window          (FdApplication *self,
                                                 FdWindow      *window);

/* fd-application-presence.c */
void      _fd_application_add_presence_actions  (FdApplication *self);
/* Made with each connection, dropped with it. */
void      _fd_application_start_presence        (FdApplication *self);
void      _fd_application_stop_presence         (FdApplication *self);

G_END_DECLS
