#define G_LOG_DOMAIN "fd-application"

/* Signing in and the keyring (docs/app.md, "Sign-in"): the sign-in page's
 * email and password, or on later starts the token (or password) FdSecrets
 * kept; the connection of the signed-in agent with what follows from it —
 * the rotated token stored again, a refused token retried once with the
 * stored password, "Join all contact center queues on start-up", the
 * drafts of ended conversations dropped; and signing out. */

#include <glib/gi18n.h>
#include <string.h>

#include "fd-application-private.h"
#include "fd-attachment-cache.h"
#include "fd-crm-user.h"

static FdConnection *
new_connection (FdApplication *self,
                const char    *server_url)
{
  FdConnection *connection = fd_connection_new (server_url);

  if (self->backoff_base_ms > 0)
    fd_connection_set_backoff (connection, self->backoff_base_ms, self->backoff_max_ms);
  return connection;
}

/* --- joining on start-up ----------------------------------------------------- */

static void
on_join_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fd_connection_set_joined_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("Could not join a queue on start-up: %s", error->message);
}

/* "Join all contact center queues on start-up": once per sign-in, when
 * the first hello is answered and the queues are known. */
static void
maybe_join_all (FdApplication *self)
{
  GListModel *queues;

  if (self->joined_on_startup || self->connection == NULL ||
      fd_connection_get_state (self->connection) != FD_CONNECTION_STATE_CONNECTED)
    return;
  /* The snapshot with the queues follows the hello's answer. */
  queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (self->connection)));
  if (g_list_model_get_n_items (queues) == 0)
    return;
  self->joined_on_startup = TRUE;
  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "join-queues-on-startup"))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);

      if (!fd_queue_item_get_joined (item))
        fd_connection_set_joined_async (self->connection, fd_queue_item_get_id (item), TRUE,
                                        self->cancellable, on_join_cb, NULL);
    }
}

static void
on_connection_state_notify_cb (FdConnection  *connection,
                               GParamSpec    *pspec,
                               FdApplication *self)
{
  maybe_join_all (self);
}

static void
on_queues_items_changed_cb (GListModel    *queues,
                            guint          position,
                            guint          removed,
                            guint          added,
                            FdApplication *self)
{
  maybe_join_all (self);
}

/* --- sign-in ----------------------------------------------------------------- */

void
_fd_application_drop_connection (FdApplication *self)
{
  _fd_application_stop_alerts (self);
  _fd_application_stop_presence (self);
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  g_signal_handlers_disconnect_by_data (fd_connection_get_session (self->connection), self);
  g_signal_handlers_disconnect_by_data (fd_session_get_queue_model (fd_connection_get_session (self->connection)), self);
  g_clear_object (&self->connection);
}

static void
on_signed_out_cb (FdConnection  *connection,
                  const GError  *error,
                  FdApplication *self)
{
  g_autofree char *url = g_strdup (fd_connection_get_server_url (connection));
  g_autofree char *password = g_strdup (self->stored_password);
  FdWindow *window = _fd_application_main_window (self);

  _fd_application_drop_connection (self);
  _fd_application_clear_password (self);
  /* A refused token: try the stored password once, else ask the person. */
  if (password != NULL && self->secrets != NULL)
    {
      _fd_application_sign_in_with_password (self, url, fd_secrets_get_email (self->secrets), password, NULL);
      memset (password, 0, strlen (password));
      return;
    }
  if (window != NULL)
    fd_window_show_sign_in (window, error ? error->message : NULL);
}

/* A conversation that ended has no use for its draft any more. */
static void
on_session_conversation_changed_cb (FdSession            *session,
                                    const FdConversation *conversation,
                                    FdApplication        *self)
{
  if (self->drafts == NULL)
    return;
  if (conversation->state == FD_CONVERSATION_CLOSED || conversation->state == FD_CONVERSATION_MISSED)
    fd_drafts_clear (self->drafts, conversation->id);
}

static void on_secrets_stored_cb (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data);

/* The server rotated the session: the keyring gets the new token (with the
 * password kept for a refused token), so that the next start uses it. */
static void
on_token_rotated_cb (FdConnection  *connection,
                     const char    *token,
                     FdApplication *self)
{
  if (self->secrets == NULL)
    return;
  fd_secrets_store_async (self->secrets, token, self->stored_password, self->cancellable,
                          on_secrets_stored_cb, g_object_ref (self));
}

static void
on_crm_user_lookup_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdConnection) connection = user_data;
  g_autofree char *crm_user = NULL;

  /* Nothing stored or the keyring unreachable: entries are added as the
   * organization's CRM user. */
  if (fd_crm_user_lookup_finish (FD_CRM_USER (source), result, NULL, &crm_user, NULL))
    fd_connection_set_crm_user (connection, crm_user);
}

/* The agent's own CRM user (Preferences > CRM), kept in the keyring
 * beside the Frontdesk credentials, attributes their CRM log entries. */
static void
load_crm_user (FdApplication *self,
               FdConnection  *connection)
{
  g_autofree char *email = self->settings != NULL ? g_settings_get_string (self->settings, "email") : NULL;
  g_autoptr(FdCrmUser) user = NULL;

  if (email == NULL || *email == '\0')
    return;
  user = fd_crm_user_new (fd_connection_get_server_url (connection), email);
  fd_crm_user_lookup_async (user, NULL, on_crm_user_lookup_cb, g_object_ref (connection));
}

static void
install_connection (FdApplication *self,
                    FdConnection  *connection)
{
  FdWindow *window;

  _fd_application_drop_connection (self);
  self->connection = g_object_ref (connection);
  _fd_application_start_alerts (self);
  _fd_application_start_presence (self);
  load_crm_user (self, connection);
  self->joined_on_startup = FALSE;
  g_signal_connect_object (connection, "signed-out", G_CALLBACK (on_signed_out_cb), self, 0);
  g_signal_connect_object (connection, "token-rotated", G_CALLBACK (on_token_rotated_cb), self, 0);
  g_signal_connect_object (fd_connection_get_session (connection), "conversation-changed",
                           G_CALLBACK (on_session_conversation_changed_cb), self, 0);
  g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state_notify_cb), self, 0);
  g_signal_connect_object (fd_session_get_queue_model (fd_connection_get_session (connection)), "items-changed",
                           G_CALLBACK (on_queues_items_changed_cb), self, 0);
  window = _fd_application_main_window (self);
  if (window != NULL)
    fd_window_set_connection (window, connection);
  maybe_join_all (self);
}

static void
on_secrets_stored_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_secrets_store_finish (FD_SECRETS (source), result, &error))
    {
      FdWindow *window = _fd_application_main_window (self);

      g_message ("Could not store the credentials: %s", error->message);
      if (window != NULL)
        fd_window_add_toast (window, _("Your sign-in could not be saved in the keyring; you will be asked again next time."));
    }
}

typedef struct {
  FdConnection *connection;
  char         *email;
  char         *password;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  g_clear_object (&data->connection);
  g_free (data->email);
  if (data->password != NULL)
    memset (data->password, 0, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
on_sign_in_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdApplication *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fd_connection_sign_in_finish (data->connection, result, &error))
    {
      FdWindow *window = _fd_application_main_window (self);

      /* A sign-in with the stored password has no page waiting for it. */
      if (g_task_get_source_tag (task) == _fd_application_sign_in_with_password && window != NULL)
        fd_window_show_sign_in (window, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->settings != NULL)
    {
      g_settings_set_string (self->settings, "server-url", fd_connection_get_server_url (data->connection));
      g_settings_set_string (self->settings, "email", data->email);
    }
  g_clear_object (&self->secrets);
  self->secrets = fd_secrets_new (fd_connection_get_server_url (data->connection), data->email);
  _fd_application_clear_password (self);
  self->stored_password = g_strdup (data->password);
  fd_secrets_store_async (self->secrets, fd_connection_get_token (data->connection), data->password,
                          self->cancellable, on_secrets_stored_cb, g_object_ref (self));
  install_connection (self, data->connection);
  g_task_return_boolean (task, TRUE);
}

void
_fd_application_sign_in_with_password (FdApplication *self,
                       const char    *url,
                       const char    *email,
                       const char    *password,
                       GTask         *task)
{
  SignInData *data = g_new0 (SignInData, 1);

  if (task == NULL)
    {
      task = g_task_new (self, self->cancellable, NULL, NULL);
      g_task_set_source_tag (task, _fd_application_sign_in_with_password);
    }
  data->connection = new_connection (self, url);
  data->email = g_strdup (email);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_data_free);
  fd_connection_sign_in_async (data->connection, email, password, g_task_get_cancellable (task),
                               on_sign_in_cb, task);
}

void
fd_application_sign_in_async (FdApplication       *self,
                              const char          *server_url,
                              const char          *email,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (FD_IS_APPLICATION (self));
  g_return_if_fail (server_url != NULL && email != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_application_sign_in_async);
  _fd_application_sign_in_with_password (self, server_url, email, password, task);
}

gboolean
fd_application_sign_in_finish (FdApplication *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;
  FdWindow *window = _fd_application_main_window (self);

  if (!fd_secrets_lookup_finish (FD_SECRETS (source), result, &token, &password, &error))
    {
      if (window != NULL)
        fd_window_show_sign_in (window, error ? error->message : NULL);
      return;
    }
  _fd_application_clear_password (self);
  self->stored_password = g_steal_pointer (&password);
  if (token != NULL)
    {
      g_autoptr(FdConnection) connection = new_connection (self, fd_secrets_get_server_url (self->secrets));

      install_connection (self, connection);
      fd_connection_start (connection, token);
      memset (token, 0, strlen (token));
    }
  else if (self->stored_password != NULL)
    {
      g_autofree char *stored = g_strdup (self->stored_password);

      _fd_application_sign_in_with_password (self, fd_secrets_get_server_url (self->secrets),
                             fd_secrets_get_email (self->secrets), stored, NULL);
      memset (stored, 0, strlen (stored));
    }
  else if (window != NULL)
    fd_window_show_sign_in (window, NULL);
}

/* Later starts sign in by themselves with what the keyring holds. */
void
_fd_application_start_stored_session (FdApplication *self)
{
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;

  if (self->settings == NULL)
    return;
  url = g_settings_get_string (self->settings, "server-url");
  email = g_settings_get_string (self->settings, "email");
  if (*url == '\0' || *email == '\0')
    return;
  g_clear_object (&self->secrets);
  self->secrets = fd_secrets_new (url, email);
  fd_secrets_lookup_async (self->secrets, self->cancellable, on_lookup_cb, g_object_ref (self));
}

static void
on_sign_out_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  FdWindow *window = _fd_application_main_window (self);

  /* The session is forgotten locally either way; say so if the server
   * could not be told. */
  if (!fd_connection_sign_out_finish (FD_CONNECTION (source), result, &error) && window != NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fd_window_add_toast (window, error->message);
}

static void
on_secrets_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fd_secrets_clear_finish (FD_SECRETS (source), result, &error))
    g_message ("Could not remove the stored credentials: %s", error->message);
}

void
_fd_application_sign_out (FdApplication *self)
{
  FdWindow *window = _fd_application_main_window (self);

  fd_connection_sign_out_async (self->connection, NULL, on_sign_out_cb, g_object_ref (self));
  if (self->secrets != NULL)
    fd_secrets_clear_async (self->secrets, NULL, on_secrets_cleared_cb, NULL);
  _fd_application_clear_password (self);
  _fd_application_drop_connection (self);
  /* The next agent at this desk does not find the customers' files. */
  fd_attachment_cache_clean (NULL, 0);
  if (window != NULL)
    fd_window_show_sign_in (window, NULL);
}
