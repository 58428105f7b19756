#define G_LOG_DOMAIN "fd-application"

/* The new-conversation alerts of the signed-in agent (docs/app.md,
 * "Alerts"): FdAlerts (services/) watches the Activity List; the app
 * tells it whether the main window has the focus, shows its toasts
 * (with Reserve) in the main window and opens the CRM records its
 * contact pop names. */

#include "fd-application-private.h"

static void
on_window_is_active_notify_cb (GtkWindow     *window,
                               GParamSpec    *pspec,
                               FdApplication *self)
{
  if (self->alerts != NULL)
    fd_alerts_set_window_active (self->alerts, gtk_window_is_active (window));
}

static void
on_alerts_toast_cb (FdAlerts      *alerts,
                    const char    *text,
                    gint64         conversation_id,
                    FdApplication *self)
{
  FdWindow *window = _fd_application_main_window (self);

  if (window != NULL)
    fd_window_add_offer_toast (window, text, conversation_id);
}

/* The contact pop: the record opens in the system browser (the
 * notification is FdAlerts'). */
static void
on_alerts_contact_pop_cb (FdAlerts      *alerts,
                          gint64         conversation_id,
                          const char    *url,
                          FdApplication *self)
{
  g_app_info_launch_default_for_uri_async (url, NULL, NULL, NULL, NULL);
}

void
_fd_application_start_alerts (FdApplication *self)
{
  FdWindow *window = _fd_application_main_window (self);

  /* Without settings there is nothing to say which alerts are wanted. */
  if (self->settings == NULL || self->connection == NULL)
    return;
  self->alerts = fd_alerts_new (G_APPLICATION (self), self->settings,
                                fd_session_get_activity_model (fd_connection_get_session (self->connection)));
  g_signal_connect (self->alerts, "toast", G_CALLBACK (on_alerts_toast_cb), self);
  g_signal_connect (self->alerts, "contact-pop", G_CALLBACK (on_alerts_contact_pop_cb), self);
  if (window != NULL)
    fd_alerts_set_window_active (self->alerts, gtk_window_is_active (GTK_WINDOW (window)));
}

void
_fd_application_stop_alerts (FdApplication *self)
{
  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->alerts);
}

void
_fd_application_watch_window (FdApplication *self,
                              FdWindow      *window)
{
  g_signal_connect_object (window, "notify::is-active",
                           G_CALLBACK (on_window_is_active_notify_cb), self, 0);
}
