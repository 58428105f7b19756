#define G_LOG_DOMAIN "fd-connection"

/* Sign-in and sign-out over HTTP (docs/app.md, "Connection"): POST
 * /api/agent/v1/sessions answers with the token, the agent and the
 * organization, then the connection opens its socket with the token;
 * DELETE /api/agent/v1/sessions/current revokes it, and the session is
 * forgotten here even when the server could not be told. */

#include <glib/gi18n.h>
#include "fd-connection-private.h"

#define SESSIONS_PATH        "/api/agent/v1/sessions"
#define SESSION_CURRENT_PATH "/api/agent/v1/sessions/current"

static void
signed_in (GTask    *task,
           gpointer  data)
{
  FdConnection *self = g_task_get_source_object (task);
  g_autoptr(FdSignIn) answer = data;

  /* A different agent than before: nothing of the old session applies. */
  if (self->agent != NULL && answer->agent != NULL && self->agent->id != answer->agent->id)
    _fd_connection_reset (self, FALSE);
  _fd_connection_set_identity (self, answer->agent, answer->organization);
  fd_connection_start (self, answer->token);
  g_task_return_boolean (task, TRUE);
}

static const FdHttpAnswer sign_in_answer = {
  /* Translators: “Signing in” completes “%s failed: the server answered …”,
   * “the sign-in” completes “The server's answer to %s cannot be read”. */
  0, N_("Signing in"), N_("the sign-in"), (FdFromJson) fd_sign_in_from_json, signed_in,
};

void
fd_connection_sign_in_async (FdConnection        *self,
                             const char          *email,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FdSignInRequest) request = fd_sign_in_request_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  GError *error = NULL;
  SoupMessage *msg;
  char *text;
  gsize len = 0;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_sign_in_async);

  url = g_strconcat (self->server_url, SESSIONS_PATH, NULL);
  msg = _fd_connection_http_message (self, SOUP_METHOD_POST, url, NULL, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);

  request->email = g_strdup (email);
  request->password = g_strdup (password);
  node = fd_sign_in_request_to_json (request);
  text = fd_json_to_string (node, &len);
  bytes = g_bytes_new_take (text, len);
  _fd_connection_http_call (self, msg, "application/json", bytes, g_steal_pointer (&task), &sign_in_answer);
}

gboolean
fd_connection_sign_in_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
forget_session (FdConnection *self)
{
  fd_connection_stop (self);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->agent, fd_agent_free);
  g_clear_pointer (&self->organization, fd_organization_free);
  self->connected_once = FALSE;
  _fd_connection_reset (self, TRUE);
}

static void
on_sign_out_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                               _("You are signed out here, but the server could not be told: %s"),
                               error->message);
      return;
    }
  status = soup_message_get_status (msg);
  /* 401: the token was already revoked or expired — signed out all the same. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_boolean (task, TRUE);
  else
    /* Translators: completes “%s failed: the server answered …”. */
    g_task_return_error (task, _fd_connection_http_error (msg, bytes, _("Signing out")));
}

void
fd_connection_sign_out_async (FdConnection        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  SoupMessage *msg;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_sign_out_async);

  token = g_strdup (self->token);
  forget_session (self);
  url = token != NULL ? g_strconcat (self->server_url, SESSION_CURRENT_PATH, NULL) : NULL;
  /* Without a token or an address there is no one to tell. */
  msg = url != NULL ? _fd_connection_http_message (self, SOUP_METHOD_DELETE, url, token, NULL) : NULL;
  if (msg == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_sign_out_cb, g_steal_pointer (&task));
}

gboolean
fd_connection_sign_out_finish (FdConnection  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

