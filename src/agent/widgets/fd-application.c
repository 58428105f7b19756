#define G_LOG_DOMAIN "fd-application"

#include "fd-config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "fd-alerts.h"
#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-conversation-window.h"
#include "fd-preferences-window.h"
#include "fd-secrets.h"
#include "fd-session.h"
#include "fd-window.h"

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
};

G_DEFINE_FINAL_TYPE (FdApplication, fd_application, ADW_TYPE_APPLICATION)

static void
clear_password (FdApplication *self)
{
  if (self->stored_password != NULL)
    {
      memset (self->stored_password, 0, strlen (self->stored_password));
      g_clear_pointer (&self->stored_password, g_free);
    }
}

static FdWindow *
main_window (FdApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static void
on_window_is_active_notify_cb (GtkWindow     *window,
                               GParamSpec    *pspec,
                               FdApplication *self)
{
  if (self->alerts != NULL)
    fd_alerts_set_window_active (self->alerts, gtk_window_is_active (window));
}

static FdWindow *
ensure_window (FdApplication *self)
{
  FdWindow *window = main_window (self);

  if (window == NULL)
    {
      window = fd_window_new (GTK_APPLICATION (self), self->settings);
      g_signal_connect_object (window, "notify::is-active",
                               G_CALLBACK (on_window_is_active_notify_cb), self, 0);
      if (self->connection != NULL)
        fd_window_set_connection (window, self->connection);
    }
  return window;
}

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

static void sign_in_with_password (FdApplication *self, const char *url, const char *email,
                                   const char *password, GTask *task);

static void
drop_connection (FdApplication *self)
{
  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->alerts);
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
  FdWindow *window = main_window (self);

  drop_connection (self);
  clear_password (self);
  /* A refused token: try the stored password once, else ask the person. */
  if (password != NULL && self->secrets != NULL)
    {
      sign_in_with_password (self, url, fd_secrets_get_email (self->secrets), password, NULL);
      memset (password, 0, strlen (password));
      return;
    }
  if (window != NULL)
    fd_window_show_sign_in (window, error ? error->message : NULL);
}

static void
on_alerts_toast_cb (FdAlerts      *alerts,
                    const char    *text,
                    gint64         conversation_id,
                    FdApplication *self)
{
  FdWindow *window = main_window (self);

  if (window != NULL)
    fd_window_add_offer_toast (window, text, conversation_id);
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
install_connection (FdApplication *self,
                    FdConnection  *connection)
{
  FdWindow *window;

  drop_connection (self);
  self->connection = g_object_ref (connection);
  if (self->settings != NULL)
    {
      self->alerts = fd_alerts_new (G_APPLICATION (self), self->settings,
                                    fd_session_get_activity_model (fd_connection_get_session (connection)));
      g_signal_connect (self->alerts, "toast", G_CALLBACK (on_alerts_toast_cb), self);
      if (main_window (self) != NULL)
        fd_alerts_set_window_active (self->alerts, gtk_window_is_active (GTK_WINDOW (main_window (self))));
    }
  self->joined_on_startup = FALSE;
  g_signal_connect_object (connection, "signed-out", G_CALLBACK (on_signed_out_cb), self, 0);
  g_signal_connect_object (connection, "token-rotated", G_CALLBACK (on_token_rotated_cb), self, 0);
  g_signal_connect_object (fd_connection_get_session (connection), "conversation-changed",
                           G_CALLBACK (on_session_conversation_changed_cb), self, 0);
  g_signal_connect_object (connection, "notify::state", G_CALLBACK (on_connection_state_notify_cb), self, 0);
  g_signal_connect_object (fd_session_get_queue_model (fd_connection_get_session (connection)), "items-changed",
                           G_CALLBACK (on_queues_items_changed_cb), self, 0);
  window = main_window (self);
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
      FdWindow *window = main_window (self);

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
      FdWindow *window = main_window (self);

      /* A sign-in with the stored password has no page waiting for it. */
      if (g_task_get_source_tag (task) == sign_in_with_password && window != NULL)
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
  clear_password (self);
  self->stored_password = g_strdup (data->password);
  fd_secrets_store_async (self->secrets, fd_connection_get_token (data->connection), data->password,
                          self->cancellable, on_secrets_stored_cb, g_object_ref (self));
  install_connection (self, data->connection);
  g_task_return_boolean (task, TRUE);
}

static void
sign_in_with_password (FdApplication *self,
                       const char    *url,
                       const char    *email,
                       const char    *password,
                       GTask         *task)
{
  SignInData *data = g_new0 (SignInData, 1);

  if (task == NULL)
    {
      task = g_task_new (self, self->cancellable, NULL, NULL);
      g_task_set_source_tag (task, sign_in_with_password);
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
  sign_in_with_password (self, server_url, email, password, task);
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
  FdWindow *window = main_window (self);

  if (!fd_secrets_lookup_finish (FD_SECRETS (source), result, &token, &password, &error))
    {
      if (window != NULL)
        fd_window_show_sign_in (window, error ? error->message : NULL);
      return;
    }
  clear_password (self);
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

      sign_in_with_password (self, fd_secrets_get_server_url (self->secrets),
                             fd_secrets_get_email (self->secrets), stored, NULL);
      memset (stored, 0, strlen (stored));
    }
  else if (window != NULL)
    fd_window_show_sign_in (window, NULL);
}

/* Later starts sign in by themselves with what the keyring holds. */
static void
start_stored_session (FdApplication *self)
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

/* --- the quit guard ------------------------------------------------------------ */

gboolean
fd_application_check_can_leave (FdApplication *self,
                                GtkWindow     *parent)
{
  FdActivityModel *model;
  g_autoptr(GString) body = NULL;
  GtkWidget *dialog;
  guint n;

  g_return_val_if_fail (FD_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);

  if (self->connection == NULL)
    return TRUE;
  model = fd_session_get_activity_model (fd_connection_get_session (self->connection));
  n = fd_activity_model_count_reserved (model);
  if (n == 0)
    return TRUE;

  body = g_string_new (g_dngettext (NULL, "Transfer or close this conversation first:",
                                    "Transfer or close these conversations first:", n));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      /* A reserved callback waits with the agent across sessions. */
      if (!fd_conversation_item_get_reserved (item) ||
          fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK)
        continue;
      g_string_append (body, "\n• ");
      /* Translators: "WebChat with Natalie Maines". */
      g_string_append_printf (body, _("%s with %s"), fd_conversation_item_get_activity (item),
                              fd_conversation_item_get_from (item));
    }

  if (parent == NULL)
    parent = GTK_WINDOW (main_window (self));
  dialog = adw_message_dialog_new (parent, _("Conversations Still Open"), body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_OK"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/* --- actions ------------------------------------------------------------------- */

/* A failed reserve or reject from a notification or toast: the toast
 * says why. */
static void
show_request_error (FdApplication *self,
                    GError        *error)
{
  FdWindow *window = main_window (self);

  if (window != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The request failed: %s"), error->message);
      fd_window_add_toast (window, text);
    }
}

static void
on_reserve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation = fd_connection_reserve_finish (FD_CONNECTION (source), result, &error);

  if (error != NULL)
    show_request_error (self, error);
}

static void
on_reject_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_reject_finish (FD_CONNECTION (source), result, &error))
    show_request_error (self, error);
}

static void
app_reserve_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  FdApplication *self = user_data;
  gint64 id = g_variant_get_int64 (parameter);

  if (self->connection == NULL || id <= 0)
    return;
  fd_connection_reserve_async (self->connection, id, self->cancellable, on_reserve_cb, g_object_ref (self));
}

static void
app_reject_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  FdApplication *self = user_data;
  gint64 id = g_variant_get_int64 (parameter);

  if (self->connection == NULL || id <= 0)
    return;
  fd_connection_reject_async (self->connection, id, self->cancellable, on_reject_cb, g_object_ref (self));
}

static void
clear_stores (FdApplication *self)
{
  g_clear_object (&self->drafts);
  g_clear_object (&self->reply_cache);
  g_clear_object (&self->recent_files);
  g_clear_pointer (&self->stores_key, g_free);
}

/* The caches belong to one agent on one server (docs/app.md, "Local
 * caches"): another sign-in gets its own. */
static void
ensure_stores (FdApplication *self)
{
  const FdAgent *agent = fd_connection_get_agent (self->connection);
  const char *url = fd_connection_get_server_url (self->connection);
  g_autofree char *key = NULL;

  if (agent == NULL || agent->email == NULL || url == NULL)
    {
      clear_stores (self);
      return;
    }
  key = g_strconcat (url, "\n", agent->email, NULL);
  if (g_strcmp0 (key, self->stores_key) == 0)
    return;
  clear_stores (self);
  self->drafts = fd_drafts_new (NULL, url, agent->email);
  self->reply_cache = fd_reply_cache_new (NULL, url, agent->email);
  self->recent_files = fd_recent_files_new (NULL, url, agent->email);
  self->stores_key = g_steal_pointer (&key);
}

static void
app_open_conversation_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  FdApplication *self = user_data;
  FdWindow *window = ensure_window (self);
  gint64 id = g_variant_get_int64 (parameter);

  FdConversationItem *item;

  gtk_window_present (GTK_WINDOW (window));
  if (self->connection == NULL || id <= 0)
    return;
  self->current_conversation = id;
  /* A Web Chat has its own window, one per conversation: a hidden one (its
   * X only hides it) is shown again. Other kinds keep the placeholder. */
  item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (self->connection)), id);
  if (item != NULL && fd_conversation_item_get_conversation (item)->kind == FD_STREAM_WEBCHAT)
    {
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
        if (FD_IS_CHAT_WINDOW (l->data) && fd_chat_window_get_id (l->data) == id)
          {
            gtk_window_present (l->data);
            return;
          }
      FdChatWindow *chat = fd_chat_window_new (GTK_WINDOW (window), self->connection, id);

      ensure_stores (self);
      fd_chat_window_set_stores (chat, self->drafts, self->reply_cache, self->recent_files);
      gtk_window_present (GTK_WINDOW (chat));
      return;
    }
  gtk_window_present (GTK_WINDOW (fd_conversation_window_new (GTK_WINDOW (window), self->connection, id)));
}

/* The conversation the agent is looking at: the focused conversation
 * window's, else the one opened last. */
static gint64
current_conversation (FdApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (FD_IS_CHAT_WINDOW (active))
    return fd_chat_window_get_id (FD_CHAT_WINDOW (active));
  if (FD_IS_CONVERSATION_WINDOW (active))
    return fd_conversation_window_get_id (FD_CONVERSATION_WINDOW (active));
  return self->current_conversation;
}

FdDrafts *
fd_application_get_drafts (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->drafts;
}

gint64
fd_application_step_conversation (FdApplication *self,
                                  gint64         from,
                                  int            direction)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GListModel *model;
  gint64 id;
  int index = -1;

  g_return_val_if_fail (FD_IS_APPLICATION (self), 0);
  g_return_val_if_fail (direction == 1 || direction == -1, 0);

  if (self->connection == NULL)
    return 0;
  model = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (self->connection)));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (model, i);

      /* Opening a callback dials it: never by cycling through the list. */
      if (fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK)
        continue;
      id = fd_conversation_item_get_id (item);
      if (id == from)
        index = (int) ids->len;
      g_array_append_val (ids, id);
    }
  if (ids->len == 0)
    return 0;
  if (index < 0)
    return g_array_index (ids, gint64, direction > 0 ? 0 : ids->len - 1);
  return g_array_index (ids, gint64, ((guint) index + ids->len + (guint) direction) % ids->len);
}

static void
app_step_conversation_cb (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  FdApplication *self = user_data;
  int direction = g_str_equal (g_action_get_name (G_ACTION (action)), "next-conversation") ? 1 : -1;
  gint64 id = fd_application_step_conversation (self, current_conversation (self), direction);

  if (id > 0)
    g_action_group_activate_action (G_ACTION_GROUP (self), "open-conversation", g_variant_new_int64 (id));
}

static void
app_show_window_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (ensure_window (user_data)));
}

static void
app_preferences_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FdApplication *self = user_data;
  FdWindow *window = ensure_window (self);

  if (self->settings == NULL)
    {
      fd_window_add_toast (window, _("Preferences need the app’s settings schema, which is not installed."));
      return;
    }
  gtk_window_present (GTK_WINDOW (fd_preferences_window_new (GTK_WINDOW (window), self->settings)));
}

static void
app_shortcuts_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FdWindow *window = ensure_window (user_data);

  /* GtkApplication adds win.show-help-overlay when gtk/help-overlay.ui
   * is in the resources. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
app_about_cb (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  FdWindow *window = ensure_window (user_data);
  const char *developers[] = { "The Frontdesk contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-icon", FD_APP_ID,
                        "application-name", _("Frontdesk"),
                        "developer-name", _("The Frontdesk contributors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Answer web chats, callbacks, emails and tweets from one list."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_sign_out_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  FdWindow *window = main_window (self);

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

static void
app_sign_out_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FdApplication *self = user_data;
  FdWindow *window = main_window (self);

  if (self->connection == NULL || !fd_application_check_can_leave (self, GTK_WINDOW (window)))
    return;
  fd_connection_sign_out_async (self->connection, NULL, on_sign_out_cb, g_object_ref (self));
  if (self->secrets != NULL)
    fd_secrets_clear_async (self->secrets, NULL, on_secrets_cleared_cb, NULL);
  clear_password (self);
  drop_connection (self);
  if (window != NULL)
    fd_window_show_sign_in (window, NULL);
}

static void
app_quit_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  FdApplication *self = user_data;

  if (!fd_application_check_can_leave (self, GTK_WINDOW (main_window (self))))
    return;
  if (self->connection != NULL)
    fd_connection_stop (self->connection);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (G_APPLICATION (self));
}

/* --- GApplication ---------------------------------------------------------------- */

static void
fd_application_startup (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);
  static const GActionEntry entries[] = {
    { .name = "reserve", .activate = app_reserve_cb, .parameter_type = "x" },
    { .name = "reject", .activate = app_reject_cb, .parameter_type = "x" },
    { .name = "open-conversation", .activate = app_open_conversation_cb, .parameter_type = "x" },
    { .name = "next-conversation", .activate = app_step_conversation_cb },
    { .name = "previous-conversation", .activate = app_step_conversation_cb },
    { .name = "show-window", .activate = app_show_window_cb },
    { .name = "preferences", .activate = app_preferences_cb },
    { .name = "shortcuts", .activate = app_shortcuts_cb },
    { .name = "about", .activate = app_about_cb },
    { .name = "sign-out", .activate = app_sign_out_cb },
    { .name = "quit", .activate = app_quit_cb },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    /* Application accelerators run in the capture phase: Ctrl+Tab reaches
     * them even from the compose box. */
    { "app.next-conversation", { "<Control>Tab", "<Control>Page_Down", NULL } },
    { "app.previous-conversation", { "<Control><Shift>Tab", "<Control>Page_Up", NULL } },
    { "window.close", { "<Control><Shift>w", NULL } },
  };

  G_APPLICATION_CLASS (fd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
  /* Dark style follows the system. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
fd_application_activate (GApplication *app)
{
  FdApplication *self = FD_APPLICATION (app);
  FdWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (!self->started)
    {
      self->started = TRUE;
      if (self->cli_password != NULL)
        {
          /* A sign-in given on the command line (tools/demo) wins over the
           * keyring; it is stored there like any other sign-in. */
          sign_in_with_password (self, self->cli_server, self->cli_email, self->cli_password, NULL);
          memset (self->cli_password, 0, strlen (self->cli_password));
          g_clear_pointer (&self->cli_password, g_free);
          return;
        }
      if (self->settings != NULL && self->cli_server != NULL)
        g_settings_set_string (self->settings, "server-url", self->cli_server);
      if (self->settings != NULL && self->cli_email != NULL)
        g_settings_set_string (self->settings, "email", self->cli_email);
      start_stored_session (self);
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
  drop_connection (self);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);
  clear_stores (self);
  clear_password (self);
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
