#define G_LOG_DOMAIN "fd-crm-preferences"

#include <glib/gi18n.h>

#include "fd-crm-preferences.h"

/* Salesforce's login endpoints (production orgs); a sandbox or another
 * CRM sets crm-authorize-url and crm-token-url. */
#define SALESFORCE_AUTHORIZE_URL "https://login.salesforce.com/services/oauth2/authorize"
#define SALESFORCE_TOKEN_URL     "https://login.salesforce.com/services/oauth2/token"
#define SALESFORCE_SCOPE         "api refresh_token"

struct _FdCrmPreferences
{
  AdwPreferencesPage  parent_instance;

  GtkSwitch          *pop_switch;
  AdwActionRow       *user_row;
  GtkWidget          *connect_button;
  GtkWidget          *disconnect_button;
  GtkLabel           *error_label;

  GSettings          *settings;
  FdConnection       *connection;
  FdCrmUser          *user;
  GCancellable       *cancellable;
  char               *crm_user;     /* NULL = not connected */
  guint               busy;
};

G_DEFINE_FINAL_TYPE (FdCrmPreferences, fd_crm_preferences, ADW_TYPE_PREFERENCES_PAGE)

static void
update (FdCrmPreferences *self)
{
  gboolean connected = self->crm_user != NULL;
  g_autofree char *subtitle = NULL;

  if (self->user == NULL)
    subtitle = g_strdup (_("Sign in to Frontdesk first"));
  else if (self->busy > 0)
    subtitle = g_strdup (_("Waiting for the CRM… finish signing in in your browser"));
  else if (connected && *self->crm_user != '\0')
    subtitle = g_strdup_printf (_("Connected as %s"), self->crm_user);
  else if (connected)
    subtitle = g_strdup (_("Connected"));
  else
    subtitle = g_strdup (_("Not connected: your log entries are added as the organization’s CRM user"));
  adw_action_row_set_subtitle (self->user_row, subtitle);
  gtk_widget_set_visible (self->connect_button, !connected);
  gtk_widget_set_visible (self->disconnect_button, connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "crm.connect", self->user != NULL && self->busy == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "crm.disconnect", self->user != NULL && self->busy == 0);
}

static void
show_error (FdCrmPreferences *self,
            const GError     *error)
{
  gboolean shown = error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  gtk_label_set_text (self->error_label, shown ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), shown);
}

static void
set_crm_user (FdCrmPreferences *self,
              const char       *crm_user)
{
  g_free (self->crm_user);
  self->crm_user = g_strdup (crm_user);
  if (self->connection != NULL)
    fd_connection_set_crm_user (self->connection, crm_user);
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdCrmPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = NULL;

  self->busy--;
  if (fd_crm_user_lookup_finish (FD_CRM_USER (source), result, NULL, &crm_user, &error))
    set_crm_user (self, crm_user);
  show_error (self, error);
  update (self);
}

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FdCrmPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = fd_crm_user_connect_finish (FD_CRM_USER (source), result, &error);

  self->busy--;
  if (crm_user != NULL)
    set_crm_user (self, crm_user);
  show_error (self, error);
  update (self);
}

static void
on_disconnected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FdCrmPreferences) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy--;
  if (fd_crm_user_disconnect_finish (FD_CRM_USER (source), result, &error))
    set_crm_user (self, NULL);
  show_error (self, error);
  update (self);
}

static char *
setting_or (FdCrmPreferences *self,
            const char       *key,
            const char       *fallback)
{
  g_autofree char *value = g_settings_get_string (self->settings, key);

  if (*value != '\0')
    return g_steal_pointer (&value);
  return g_strdup (fallback);
}

static void
crm_connect_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdCrmPreferences *self = FD_CRM_PREFERENCES (widget);
  const char *provider = self->connection != NULL ? fd_connection_get_crm_provider (self->connection) : NULL;
  gboolean salesforce = g_strcmp0 (provider, "salesforce") == 0;
  g_autofree char *authorize = setting_or (self, "crm-authorize-url", salesforce ? SALESFORCE_AUTHORIZE_URL : NULL);
  g_autofree char *token = setting_or (self, "crm-token-url", salesforce ? SALESFORCE_TOKEN_URL : NULL);
  g_autofree char *client_id = setting_or (self, "crm-client-id", NULL);

  if (self->user == NULL || self->busy > 0)
    return;
  self->busy++;
  show_error (self, NULL);
  update (self);
  fd_crm_user_connect_async (self->user, provider != NULL ? provider : "", authorize, token, client_id,
                             salesforce ? SALESFORCE_SCOPE : NULL, self->cancellable,
                             on_connected_cb, g_object_ref (self));
}

static void
crm_disconnect_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FdCrmPreferences *self = FD_CRM_PREFERENCES (widget);

  if (self->user == NULL || self->busy > 0)
    return;
  self->busy++;
  update (self);
  fd_crm_user_disconnect_async (self->user, self->cancellable, on_disconnected_cb, g_object_ref (self));
}

static void
fd_crm_preferences_dispose (GObject *object)
{
  FdCrmPreferences *self = FD_CRM_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->user);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CRM_PREFERENCES);
  G_OBJECT_CLASS (fd_crm_preferences_parent_class)->dispose (object);
}

static void
fd_crm_preferences_finalize (GObject *object)
{
  FdCrmPreferences *self = FD_CRM_PREFERENCES (object);

  g_clear_pointer (&self->crm_user, g_free);
  G_OBJECT_CLASS (fd_crm_preferences_parent_class)->finalize (object);
}

static void
fd_crm_preferences_class_init (FdCrmPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_crm_preferences_dispose;
  object_class->finalize = fd_crm_preferences_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/frontdeskcc/Frontdesk/ui/fd-crm-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCrmPreferences, pop_switch);
  gtk_widget_class_bind_template_child (widget_class, FdCrmPreferences, user_row);
  gtk_widget_class_bind_template_child (widget_class, FdCrmPreferences, connect_button);
  gtk_widget_class_bind_template_child (widget_class, FdCrmPreferences, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, FdCrmPreferences, error_label);

  gtk_widget_class_install_action (widget_class, "crm.connect", NULL, crm_connect_cb);
  gtk_widget_class_install_action (widget_class, "crm.disconnect", NULL, crm_disconnect_cb);
}

static void
fd_crm_preferences_init (FdCrmPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
fd_crm_preferences_new (GSettings *settings)
{
  FdCrmPreferences *self;
  g_autofree char *server_url = NULL;
  g_autofree char *email = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (FD_TYPE_CRM_PREFERENCES, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "crm-contact-pop", self->pop_switch, "active", G_SETTINGS_BIND_DEFAULT);
  server_url = g_settings_get_string (settings, "server-url");
  email = g_settings_get_string (settings, "email");
  /* The CRM user belongs to this agent on this server, like the
   * Frontdesk credentials beside it in the keyring. */
  if (*server_url != '\0' && *email != '\0')
    {
      self->user = fd_crm_user_new (server_url, email);
      self->busy++;
      fd_crm_user_lookup_async (self->user, self->cancellable, on_lookup_cb, g_object_ref (self));
    }
  update (self);
  return GTK_WIDGET (self);
}

void
fd_crm_preferences_set_connection (FdCrmPreferences *self,
                                   FdConnection     *connection)
{
  g_return_if_fail (FD_IS_CRM_PREFERENCES (self));
  g_return_if_fail (connection == NULL || FD_IS_CONNECTION (connection));
  g_set_object (&self->connection, connection);
}

void
fd_crm_preferences_set_launcher (FdCrmPreferences  *self,
                                 FdCrmUserLauncher  launcher,
                                 gpointer           user_data)
{
  g_return_if_fail (FD_IS_CRM_PREFERENCES (self));
  if (self->user != NULL)
    fd_crm_user_set_launcher (self->user, launcher, user_data);
}

const char *
fd_crm_preferences_get_crm_user (FdCrmPreferences *self)
{
  g_return_val_if_fail (FD_IS_CRM_PREFERENCES (self), NULL);
  return self->crm_user;
}

const char *
fd_crm_preferences_get_error (FdCrmPreferences *self)
{
  g_return_val_if_fail (FD_IS_CRM_PREFERENCES (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ? gtk_label_get_text (self->error_label) : NULL;
}

gboolean
fd_crm_preferences_get_busy (FdCrmPreferences *self)
{
  g_return_val_if_fail (FD_IS_CRM_PREFERENCES (self), FALSE);
  return self->busy > 0;
}
