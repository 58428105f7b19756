#define G_LOG_DOMAIN "fd-application"

/* FdApplication (docs/app.md, "Layout of the app"): the GApplication's
 * life — start-up, activation, the command line, shut-down — and its
 * getters. Its behaviours are files of their own, sharing
 * fd-application-private.h: signing in and the keyring
 * (fd-application-sign-in.c), the app actions and their shortcuts
 * (fd-application-actions.c), the guard before quitting or signing out
 * (fd-application-quit-guard.c) and the new-conversation alerts
 * (fd-application-alerts.c). */

#include "fd-config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "fd-application-private.h"
#include "fd-attachment-cache.h"

G_DEFINE_FINAL_TYPE (FdApplication, fd_application, ADW_TYPE_APPLICATION)

void
_fd_application_clear_password (FdApplication *self)
{
  if (self->stored_password != NULL)
    {
      memset (self->stored_password, 0, strlen (self->stored_password));
      g_clear_pointer (&self->stored_password, g_free);
    }
}

FdWindow *
_fd_application_main_window (FdApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

FdWindow *
_fd_application_ensure_window (FdApplication *self)
{
  FdWindow *window = _fd_application_main_window (self);

  if (window == NULL)
    {
      window = fd_window_new (GTK_APPLICATION (self), self->settings);
      _fd_application_watch_window (self, window);
      if (self->connection != NULL)
        fd_window_set_connection (window, self->connection);
    }
  return window;
}

/* --- GApplication ---------------------------------------------------------------- */

static void
fd_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (fd_application_parent_class)->startup (app);

  _fd_application_add_actions (FD_APPLICATION (app));
  _fd_application_add_presence_actions (FD_APPLICATION (app));
  /* Customers' attachments the agent opened stay a day at most. */
  fd_attachment_cache_clean (NULL, FD_ATTACHMENT_CACHE_MAX_AGE);
  /* Dark style follows the system. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
fd_application_activate (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);
  FdWindow *window = _fd_application_ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (!self->started)
    {
      self->started = TRUE;
      if (self->cli_password != NULL)
        {
          /* A sign-in given on the command line (tools/demo) wins over the
           * keyring; it is stored there like any other sign-in. */
          _fd_application_sign_in_with_password (self, self->cli_server, self->cli_email, self->cli_password, NULL);
          memset (self->cli_password, 0, strlen (self->cli_password));
          g_clear_pointer (&self->cli_password, g_free);
          return;
        }
      if (self->settings != NULL && self->cli_server != NULL)
        g_settings_set_string (self->settings, "server-url", self->cli_server);
      if (self->settings != NULL && self->cli_email != NULL)
        g_settings_set_string (self->settings, "email", self->cli_email);
      _fd_application_start_stored_session (self);
    }
}

/* Reads the password of --password-stdin: one line, never an argument,
 * which every user of the machine could read in the process list. */
static char *
read_password_line (void)
{
  char buf[1025];
  gsize len;

  if (fgets (buf, sizeof buf, stdin) == NULL)
    return NULL;
  len = strcspn (buf, "\r\n");
  buf[len] = '\0';
  if (len == 0)
    return NULL;
  return g_strndup (buf, len);
}

static int
fd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  FdApplication *self = FD_APPLICATION (app);
  const char *server = NULL;
  const char *email = NULL;
  gboolean password_stdin = FALSE;

  g_variant_dict_lookup (options, "server", "&s", &server);
  g_variant_dict_lookup (options, "email", "&s", &email);
  g_variant_dict_lookup (options, "password-stdin", "b", &password_stdin);
  if (password_stdin)
    {
      if (server == NULL || email == NULL)
        {
          g_printerr ("frontdesk: --password-stdin needs --server and --email too.\n");
          return 2;
        }
      self->cli_password = read_password_line ();
      if (self->cli_password == NULL)
        {
          g_printerr ("frontdesk: --password-stdin read no password from standard input.\n");
          return 2;
        }
    }
  g_free (self->cli_server);
  g_free (self->cli_email);
  self->cli_server = g_strdup (server);
  self->cli_email = g_strdup (email);
  return -1;
}

static void
fd_application_shutdown (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    fd_connection_stop (self->connection);
  G_APPLICATION_CLASS (fd_application_parent_class)->shutdown (app);
}

static void
fd_application_dispose (GObject *object)
{
  FdApplication *self = FD_APPLICATION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _fd_application_drop_connection (self);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  _fd_application_clear_stores (self);
  _fd_application_clear_password (self);
  g_clear_pointer (&self->cli_server, g_free);
  g_clear_pointer (&self->cli_email, g_free);
  if (self->cli_password != NULL)
    memset (self->cli_password, 0, strlen (self->cli_password));
  g_clear_pointer (&self->cli_password, g_free);
  G_OBJECT_CLASS (fd_application_parent_class)->dispose (object);
}

static void
fd_application_class_init (FdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fd_application_dispose;
  app_class->startup = fd_application_startup;
  app_class->activate = fd_application_activate;
  app_class->handle_local_options = fd_application_handle_local_options;
  app_class->shutdown = fd_application_shutdown;
}

static void
fd_application_init (FdApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The contact center server to sign in to"), "URL" },
    { "email", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The email address to sign in with"), "EMAIL" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Sign in at once with the password read from standard input"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  self->cancellable = g_cancellable_new ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, FD_APP_ID, TRUE);
  /* Without the schema (an uninstalled build) the defaults apply. */
  if (schema != NULL)
    self->settings = g_settings_new (FD_APP_ID);
  else
    g_message ("The settings schema %s is not installed; using the defaults.", FD_APP_ID);
}

FdApplication *
fd_application_new (void)
{
  return g_object_new (FD_TYPE_APPLICATION,
                       "application-id", FD_APP_ID,
                       "resource-base-path", "/io/github/frontdeskcc/Frontdesk",
                       NULL);
}

GSettings *
fd_application_get_settings (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->settings;
}

FdAlerts *
fd_application_get_alerts (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->alerts;
}

FdConnection *
fd_application_get_connection (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->connection;
}

void
fd_application_set_backoff (FdApplication *self,
                            guint          base_ms,
                            guint          max_ms)
{
  g_return_if_fail (FD_IS_APPLICATION (self));
  self->backoff_base_ms = base_ms;
  self->backoff_max_ms = max_ms;
  if (self->connection != NULL)
    fd_connection_set_backoff (self->connection, base_ms, max_ms);
}
