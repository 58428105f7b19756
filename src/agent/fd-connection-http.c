#define G_LOG_DOMAIN "fd-connection"

/* The HTTP side of the connection (docs/app.md, "Connection"): sign-in,
 * sign-out and uploads each send one request on the connection's own
 * SoupSession and read one JSON answer. The message, the send and the
 * reading of the answer (with the errors a person can act on) are here
 * once. */

#include "fd-connection-private.h"

void
_fd_connection_return_error (GTask       *task,
                             GError     **error,
                             GQuark       domain,
                             gint         code,
                             const char  *format,
                             ...)
{
  g_autoptr(GError) owned = g_steal_pointer (error);
  g_autofree char *what = NULL;
  va_list args;

  g_assert (G_IS_TASK (task));
  g_assert (owned != NULL);

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&owned));
      return;
    }
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_task_return_new_error (task, domain, code, "%s: %s", what, owned->message);
}

SoupMessage *
_fd_connection_http_message (FdConnection  *self,
                             const char    *method,
                             const char    *url,
                             const char    *token,
                             GError       **error)
{
  SoupMessage *msg;

  g_assert (FD_IS_CONNECTION (self));

  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                   "“%s” is not a server address; it looks like https://desk.example.com.",
                   self->server_url);
      return NULL;
    }
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  return msg;
}

void
_fd_connection_http_send (FdConnection        *self,
                          SoupMessage         *msg,
                          const char          *content_type,
                          GBytes              *body,
                          GTask               *task,
                          GAsyncReadyCallback  callback)
{
  /* The cancellable is read before the task is handed over. */
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_assert (FD_IS_CONNECTION (self));
  g_assert (SOUP_IS_MESSAGE (msg));

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, cancellable, callback, task);
}

gpointer
_fd_connection_http_answer (FdConnection        *self,
                            GAsyncResult        *result,
                            SoupMessage         *msg,
                            const FdHttpAnswer  *expected,
                            GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  gpointer answer = NULL;
  guint status;

  g_assert (FD_IS_CONNECTION (self));

  bytes = soup_session_send_and_read_finish (self->http, result, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                     "The server at %s cannot be reached: %s", self->server_url, local_error->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK && (expected->also_ok == 0 || status != expected->also_ok))
    {
      g_propagate_error (error, _fd_connection_http_error (msg, bytes, expected->doing));
      return NULL;
    }
  node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                        FD_LIMIT_SERVER_FRAME_SIZE, &local_error);
  if (node != NULL)
    answer = expected->from_json (node, &local_error);
  if (answer == NULL)
    g_set_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                 "The server's answer to %s cannot be read: %s", expected->answer_to, local_error->message);
  return answer;
}
