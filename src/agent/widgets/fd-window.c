#define G_LOG_DOMAIN "fd-window"

/* The main window (docs/app.md, "The window"): its template, the
 * connection it shows (banner, subtitle), sign-in, toasts, window size,
 * the views built when first shown and the public calls. The Activity
 * List's page is in fd-window-activity.c, the ACD menu in fd-window-acd.c,
 * the stream health strip in fd-window-health.c. */

#include <glib/gi18n.h>

#include "fd-accessible.h"
#include "fd-application.h"
#include "fd-session.h"
#include "fd-window-private.h"

G_DEFINE_FINAL_TYPE (FdWindow, fd_window, ADW_TYPE_APPLICATION_WINDOW)

/* --- connection ------------------------------------------------------------ */

static void
update_connection_state (FdWindow *self)
{
  FdConnectionState state = self->connection ? fd_connection_get_state (self->connection)
                                             : FD_CONNECTION_STATE_DISCONNECTED;

  gtk_revealer_set_reveal_child (self->banner, state == FD_CONNECTION_STATE_RECONNECTING);
  _fd_window_update_activity_page (self);
  if (state == FD_CONNECTION_STATE_CONNECTED)
    {
      const FdAgent *agent = fd_connection_get_agent (self->connection);
      const FdOrganization *org = fd_connection_get_organization (self->connection);

      g_autofree char *subtitle = agent && org ? g_strdup_printf ("%s — %s", agent->name, org->name) : NULL;

      _fd_window_show_agent_acd (self, agent);
      adw_view_switcher_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
      _fd_window_refresh_stream_health (self);
    }
}

static void
on_connection_state_notify_cb (FdConnection *connection,
                               GParamSpec   *pspec,
                               FdWindow     *self)
{
  update_connection_state (self);
}

static void
on_session_agent_state_cb (FdSession     *session,
                           const FdAgent *agent,
                           FdWindow      *self)
{
  const FdAgent *me = self->connection != NULL ? fd_connection_get_agent (self->connection) : NULL;

  if (me != NULL && agent->id == me->id)
    _fd_window_show_agent_acd (self, agent);
}

static void
on_settings_show_unreplied_cb (GSettings  *settings,
                               const char *key,
                               FdWindow   *self)
{
  if (self->connection != NULL)
    fd_activity_model_set_show_unreplied (fd_session_get_activity_model (fd_connection_get_session (self->connection)),
                                          g_settings_get_boolean (settings, key));
}

/* --- callbacks ------------------------------------------------------------- */

static void
on_sign_in_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  fd_sign_in_page_set_busy (self->sign_in_page, FALSE);
  if (!fd_application_sign_in_finish (FD_APPLICATION (source), result, &error))
    fd_sign_in_page_set_error (self->sign_in_page, error->message);
}

static void
on_sign_in_page_submit_cb (FdWindow   *self,
                           const char *url,
                           const char *email,
                           const char *password)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!FD_IS_APPLICATION (app))
    return;
  fd_sign_in_page_set_busy (self->sign_in_page, TRUE);
  fd_application_sign_in_async (FD_APPLICATION (app), url, email, password, self->cancellable,
                                on_sign_in_cb, g_object_ref (self));
}

static void
on_child_toast_cb (FdWindow   *self,
                   const char *text)
{
  fd_window_add_toast (self, text);
}

static void
save_window_state (FdWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
fd_window_close_request (GtkWindow *window)
{
  GtkApplication *app = gtk_window_get_application (window);

  /* Closing the last main window quits: the same guard as app.quit. */
  if (FD_IS_APPLICATION (app) && FD_WINDOW (window)->connection != NULL)
    {
      guint n_main = 0;

      for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
        if (FD_IS_WINDOW (l->data))
          n_main++;
      if (n_main <= 1 && !fd_application_check_can_leave (FD_APPLICATION (app), window))
        return TRUE;
    }
  save_window_state (FD_WINDOW (window));
  return GTK_WINDOW_CLASS (fd_window_parent_class)->close_request (window);
}

static void
fd_window_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fd_window_parent_class)->map (widget);
  _fd_window_update_ticking (FD_WINDOW (widget));
}

static void
fd_window_unmap (GtkWidget *widget)
{
  _fd_window_stop_waiting_for_paint (FD_WINDOW (widget));
  GTK_WIDGET_CLASS (fd_window_parent_class)->unmap (widget);
  _fd_window_update_ticking (FD_WINDOW (widget));
}

static void
fd_window_dispose (GObject *object)
{
  FdWindow *self = FD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  _fd_window_stop_waiting_for_paint (self);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  g_clear_pointer (&self->stream_health, g_hash_table_unref);
  if (self->connection != NULL)
    {
      FdSession *session = fd_connection_get_session (self->connection);

      g_signal_handlers_disconnect_by_data (self->connection, self);
      g_signal_handlers_disconnect_by_data (session, self);
      g_signal_handlers_disconnect_by_data (fd_session_get_activity_model (session), self);
      g_signal_handlers_disconnect_by_data (fd_session_get_queue_model (session), self);
      g_clear_object (&self->connection);
    }
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WINDOW);
  /* They were the bins' children, gone with the template. */
  self->activity_log = NULL;
  self->wallboard = NULL;
  G_OBJECT_CLASS (fd_window_parent_class)->dispose (object);
}

/* --- views built when first shown ------------------------------------------ */

/* The Activity Log and the Wallboard are built the first time their view
 * is shown, not with the window: most sign-ins never open them, and their
 * widgets, models and first requests cost megabytes of the app's resident
 * memory (docs/performance.md, "Session 8: RSS"). Once built they stay,
 * with their filters, scroll position and history. */
static void
ensure_view (FdWindow   *self,
             const char *name)
{
  if (g_strcmp0 (name, "log") == 0 && self->activity_log == NULL)
    {
      self->activity_log = g_object_new (FD_TYPE_ACTIVITY_LOG, NULL);
      if (self->connection != NULL)
        fd_activity_log_set_connection (self->activity_log, self->connection);
      adw_bin_set_child (self->log_bin, GTK_WIDGET (self->activity_log));
    }
  else if (g_strcmp0 (name, "wallboard") == 0 && self->wallboard == NULL)
    {
      self->wallboard = g_object_new (FD_TYPE_WALLBOARD, NULL);
      if (self->settings != NULL)
        fd_wallboard_set_settings (self->wallboard, self->settings);
      if (self->connection != NULL)
        fd_wallboard_set_connection (self->wallboard, self->connection);
      adw_bin_set_child (self->wallboard_bin, GTK_WIDGET (self->wallboard));
    }
}

static void
on_view_stack_visible_child_notify_cb (FdWindow *self)
{
  ensure_view (self, adw_view_stack_get_visible_child_name (self->view_stack));
}

static void
fd_window_class_init (FdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = fd_window_dispose;
  widget_class->map = fd_window_map;
  widget_class->unmap = fd_window_unmap;
  window_class->close_request = fd_window_close_request;

  g_type_ensure (FD_TYPE_SIGN_IN_PAGE);
  g_type_ensure (FD_TYPE_QUEUE_SIDEBAR);
  g_type_ensure (FD_TYPE_ACTIVITY_LIST);
  g_type_ensure (FD_TYPE_WALLBOARD);
  g_type_ensure (FD_TYPE_ACTIVITY_LOG);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, acd_button);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, health_banner);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, health_box);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, queue_sidebar);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, activity_list);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, log_bin);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, wallboard_bin);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, activity_stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, offline_page);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_page_submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_child_toast_cb);
}

/* The status pages' icons are the app's own PNGs in its resources
 * (docs/app.md, "Empty states"). GtkApplication adds its resource base path
 * + "/icons" to the icon theme, but a window outside FdApplication (the ui
 * tests, their screenshots) would show missing icons: add it here too. */
#define STATUS_ICONS_PATH "/io/github/frontdeskcc/Frontdesk/icons"

static void
ensure_status_icons (GdkDisplay *display)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (display);
  g_auto(GStrv) paths = gtk_icon_theme_get_resource_path (theme);

  if (paths == NULL || !g_strv_contains ((const char * const *) paths, STATUS_ICONS_PATH))
    gtk_icon_theme_add_resource_path (theme, STATUS_ICONS_PATH);
}

static void
fd_window_init (FdWindow *self)
{
  static const GActionEntry entries[] = {
    { .name = "acd", .parameter_type = "s", .state = "'available'", .change_state = _fd_window_on_acd_change_state_cb },
    { .name = "join-all", .activate = _fd_window_on_join_all_activate_cb },
  };

  self->cancellable = g_cancellable_new ();
  self->stream_health = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                               (GDestroyNotify) fd_stream_health_info_free);
  ensure_status_icons (gtk_widget_get_display (GTK_WIDGET (self)));
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_view_stack_visible_child_notify_cb), self, G_CONNECT_SWAPPED);
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  _fd_window_update_activity_page (self);
}

FdWindow *
fd_window_new (GtkApplication *app,
               GSettings      *settings)
{
  FdWindow *self;

  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FD_TYPE_WINDOW, "application", app, NULL);
  if (settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (settings, "server-url");
      g_autofree char *email = g_settings_get_string (settings, "email");

      self->settings = g_object_ref (settings);
      fd_queue_sidebar_set_settings (self->queue_sidebar, settings);
      if (self->wallboard != NULL)
        fd_wallboard_set_settings (self->wallboard, settings);
      g_signal_connect (settings, "changed::show-unreplied-duration",
                        G_CALLBACK (on_settings_show_unreplied_cb), self);
      fd_sign_in_page_set_server_url (self->sign_in_page, url);
      fd_sign_in_page_set_email (self->sign_in_page, email);
      gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
  return self;
}

void
fd_window_set_connection (FdWindow     *self,
                          FdConnection *connection)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));

  if (self->connection != connection)
    {
      if (self->connection != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->connection, self);
          g_signal_handlers_disconnect_by_data (fd_connection_get_session (self->connection), self);
          g_signal_handlers_disconnect_by_data (fd_session_get_activity_model (fd_connection_get_session (self->connection)), self);
          g_signal_handlers_disconnect_by_data (fd_session_get_queue_model (fd_connection_get_session (self->connection)), self);
        }
      g_set_object (&self->connection, connection);
      /* Another person, or none: nothing of the last one's streams stays. */
      _fd_window_clear_stream_health (self);
      if (connection != NULL)
        {
          g_signal_connect_object (connection, "notify::state",
                                   G_CALLBACK (on_connection_state_notify_cb), self, 0);
          g_signal_connect_object (fd_connection_get_session (connection), "agent-state",
                                   G_CALLBACK (on_session_agent_state_cb), self, 0);
          g_signal_connect_object (fd_connection_get_session (connection), "snapshot",
                                   G_CALLBACK (_fd_window_on_session_snapshot_cb), self, 0);
          g_signal_connect_object (fd_session_get_activity_model (fd_connection_get_session (connection)), "items-changed",
                                   G_CALLBACK (_fd_window_on_rows_changed_cb), self, 0);
          g_signal_connect_object (fd_session_get_queue_model (fd_connection_get_session (connection)), "items-changed",
                                   G_CALLBACK (_fd_window_on_queues_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (fd_connection_get_session (connection), "queue-state",
                                   G_CALLBACK (_fd_window_on_queues_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (fd_connection_get_session (connection), "stream-health",
                                   G_CALLBACK (_fd_window_on_session_stream_health_cb), self, 0);
          if (self->settings != NULL)
            on_settings_show_unreplied_cb (self->settings, "show-unreplied-duration", self);
        }
      fd_session_list_set_connection (FD_SESSION_LIST (self->queue_sidebar), connection);
      fd_session_list_set_connection (FD_SESSION_LIST (self->activity_list), connection);
      if (self->wallboard != NULL)
        fd_wallboard_set_connection (self->wallboard, connection);
      if (self->activity_log != NULL)
        fd_activity_log_set_connection (self->activity_log, connection);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->acd_button), connection != NULL);
  gtk_stack_set_visible_child_name (self->stack, connection ? "main" : "sign-in");
  adw_view_switcher_title_set_view_switcher_enabled (self->window_title, connection != NULL);
  if (connection == NULL)
    {
      adw_view_switcher_title_set_subtitle (self->window_title, "");
      adw_view_stack_set_visible_child_name (self->view_stack, "activity");
    }
  update_connection_state (self);
  _fd_window_update_ticking (self);
}

FdConnection *
fd_window_get_connection (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return self->connection;
}

void
fd_window_show_sign_in (FdWindow   *self,
                        const char *message)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  fd_window_set_connection (self, NULL);
  fd_sign_in_page_set_busy (self->sign_in_page, FALSE);
  fd_sign_in_page_set_error (self->sign_in_page, message);
  if (self->settings != NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      g_autofree char *email = g_settings_get_string (self->settings, "email");

      fd_sign_in_page_set_server_url (self->sign_in_page, url);
      fd_sign_in_page_set_email (self->sign_in_page, email);
    }
}

/* The close button of the toast on screen has no accessible name in
 * libadwaita 1.2; a toast is put on screen when it is added to an empty
 * overlay, or when the one before it goes. */
static void
name_toast_buttons (FdWindow *self)
{
  /* NULL once the window is disposed (an idle may come after). */
  if (self->toast_overlay == NULL)
    return;
  fd_accessible_name_icon_buttons (GTK_WIDGET (self->toast_overlay), "window-close-symbolic",
                                   _("Dismiss"));
}

static gboolean
name_toast_buttons_idle_cb (gpointer user_data)
{
  g_autoptr(FdWindow) self = user_data;

  name_toast_buttons (self);
  return G_SOURCE_REMOVE;
}

static void
on_toast_dismissed_cb (AdwToast *toast,
                       FdWindow *self)
{
  g_idle_add (name_toast_buttons_idle_cb, g_object_ref (self));
}

static void
add_toast (FdWindow *self,
           AdwToast *toast)
{
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  name_toast_buttons (self);
}

void
fd_window_add_toast (FdWindow   *self,
                     const char *text)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);
  add_toast (self, adw_toast_new (text));
}

void
fd_window_show_toast (FdWindow *self,
                      AdwToast *toast)
{
  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));
  add_toast (self, toast);
}

void
fd_window_add_offer_toast (FdWindow   *self,
                           const char *text,
                           gint64      conversation_id)
{
  AdwToast *toast;

  g_return_if_fail (FD_IS_WINDOW (self));
  g_return_if_fail (text != NULL);
  toast = adw_toast_new (text);
  if (conversation_id > 0)
    {
      adw_toast_set_button_label (toast, _("_Reserve"));
      adw_toast_set_action_name (toast, "app.reserve");
      adw_toast_set_action_target_value (toast, g_variant_new_int64 (conversation_id));
    }
  add_toast (self, toast);
}

gboolean
fd_window_get_banner_visible (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), FALSE);
  return gtk_revealer_get_reveal_child (self->banner);
}

const char *
fd_window_get_page (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
fd_window_get_view (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

gboolean
fd_window_set_view (FdWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    return FALSE;
  adw_view_stack_set_visible_child_name (self->view_stack, name);
  return TRUE;
}

gboolean
fd_window_get_views_enabled (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), FALSE);
  return adw_view_switcher_title_get_view_switcher_enabled (self->window_title);
}

FdSignInPage *
fd_window_get_sign_in_page (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return self->sign_in_page;
}

FdQueueSidebar *
fd_window_get_queue_sidebar (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return self->queue_sidebar;
}

FdActivityList *
fd_window_get_activity_list (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return self->activity_list;
}

const char *
fd_window_get_activity_page (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->activity_stack);
}
