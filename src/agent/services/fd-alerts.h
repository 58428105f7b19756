#pragma once

#include <gio/gio.h>

#include "fd-activity-model.h"
#include "fd-alert-sound.h"

G_BEGIN_DECLS

#define FD_TYPE_ALERTS (fd_alerts_get_type ())
G_DECLARE_FINAL_TYPE (FdAlerts, fd_alerts, FD, ALERTS, GObject)

/* New-conversation alerts (docs/app.md, "Alerts"): watches the Activity
 * List for new unreserved offers and, as the settings say, sends a desktop
 * notification (or, while the window is active, emits "toast"), and plays
 * the alert sound until every offer is reserved, rejected or withdrawn or
 * the alert duration is over. Offers arriving within the batch interval
 * (one second) are announced together by one summary. With the setting
 * crm-contact-pop, reserving an offer whose contact has an https CRM
 * record emits "contact-pop" (id, URL) and notifies the contact's name,
 * label and company (docs/app.md, "CRM"). */

/* Holds @settings and @model; @app is only watched (it owns the alerts). */
FdAlerts     *fd_alerts_new               (GApplication    *app,
                                           GSettings       *settings,
                                           FdActivityModel *model);
/* While the window is active, new offers give a "toast" instead of a
 * desktop notification. */
void          fd_alerts_set_window_active (FdAlerts        *self,
                                           gboolean         active);
gboolean      fd_alerts_get_window_active (FdAlerts        *self);
/* The sound player (borrowed), for tests and the preferences' preview. */
FdAlertSound *fd_alerts_get_sound         (FdAlerts        *self);
/* How long new offers are gathered into one announcement; tests shorten
 * it. Default 1000 ms. */
void          fd_alerts_set_batch_interval (FdAlerts       *self,
                                           guint            msec);
/* How many offers are waiting for the agent (unreserved rows). */
guint         fd_alerts_get_n_pending     (FdAlerts        *self);
/* How many new offers wait for the end of the batch interval to be
 * announced (0 once everything new was notified or toasted). */
guint         fd_alerts_get_n_unannounced (FdAlerts        *self);

G_END_DECLS
