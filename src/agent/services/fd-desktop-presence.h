#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Whether the person is at the desktop, from the desktop's own signals
 * over D-Bus (docs/app.md, "Presence"): GNOME's idle monitor
 * (org.gnome.Mutter.IdleMonitor) and screensaver (org.gnome.ScreenSaver)
 * on the session bus, logind's PrepareForSleep on the system bus. A
 * service that is not there is not an error: what it would tell just
 * never happens. */

#define FD_TYPE_DESKTOP_PRESENCE (fd_desktop_presence_get_type ())
G_DECLARE_FINAL_TYPE (FdDesktopPresence, fd_desktop_presence, FD, DESKTOP_PRESENCE, GObject)

/* The reasons of "away-reason", as the app sends them in set-acd. */
#define FD_PRESENCE_IDLE          "idle"
#define FD_PRESENCE_SCREEN_LOCKED "screen-locked"
#define FD_PRESENCE_SUSPENDED     "suspended"

/* What is watched so far (for tests and debugging). */
typedef enum {
  FD_DESKTOP_PRESENCE_WATCH_IDLE        = 1 << 0, /* an idle watch is set (idle-minutes > 0) */
  FD_DESKTOP_PRESENCE_WATCH_SCREENSAVER = 1 << 1,
  FD_DESKTOP_PRESENCE_WATCH_SLEEP       = 1 << 2,
} FdDesktopPresenceWatch;

FdDesktopPresence      *fd_desktop_presence_new              (void);
/* Minutes without input after which the session counts as idle; 0: off. */
void                    fd_desktop_presence_set_idle_minutes (FdDesktopPresence *self,
                                                              guint              minutes);
guint                   fd_desktop_presence_get_idle_minutes (FdDesktopPresence *self);
/* NULL while the person is there; else the reason they are not, the
 * strongest of suspended > screen-locked > idle ("away-reason" notifies). */
const char             *fd_desktop_presence_get_away_reason  (FdDesktopPresence *self);
FdDesktopPresenceWatch  fd_desktop_presence_get_watching     (FdDesktopPresence *self);

G_END_DECLS
