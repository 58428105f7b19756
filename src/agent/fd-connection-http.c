#define G_LOG_DOMAIN "fd-connection"

/* The HTTP side of the connection (docs/app.md, "Connection"): sign-in,
 * sign-out and uploads each send one request on the connection's own
 * SoupSession and read one JSON answer. The message, the send and the
 * reading of the answer (with the errors a person can act on) are here
 * once. */

#include <glib/gi18n.h>
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
                   _("“%s” is not a server address; it looks like https://desk.example.com."),
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

typedef struct {
  GTask              *task;
  const FdHttpAnswer *expected;
} HttpCall;

/* The answer to the message @result is about; NULL with an error when the
 * server cannot be reached, answers another status or sends what cannot
 * be read. */
static gpointer
read_answer (FdConnection        *self,
             GAsyncResult        *result,
             const FdHttpAnswer  *expected,
             GError             **error)
{
  SoupMessage *msg = soup_session_get_async_result_message (self->http, result);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  gpointer answer = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (self->http, result, &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                     _("The server at %s cannot be reached: %s"), self->server_url, local_error->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK && (expected->also_ok == 0 || status != expected->also_ok))
    {
      g_propagate_error (error, _fd_connection_http_error (msg, bytes, _(expected->doing)));
      return NULL;
    }
  node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                        FD_LIMIT_SERVER_FRAME_SIZE, &local_error);
  if (node != NULL)
    answer = expected->from_json (node, &local_error);
  if (answer == NULL)
    /* Translators: the first %s names the request (“the sign-in”, “the
     * upload”), the second why its answer cannot be read. */
    g_set_error (error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                 _("The server's answer to %s cannot be read: %s"), _(expected->answer_to), local_error->message);
  return answer;
}

static void
on_http_answer_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree HttpCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  GError *error = NULL;
  gpointer answer = read_answer (g_task_get_source_object (task), result, call->expected, &error);

  if (answer == NULL)
    g_task_return_error (task, error);
  else
    call->expected->done (task, answer);
}

void
_fd_connection_http_call (FdConnection        *self,
                          SoupMessage         *msg,
                          const char          *content_type,
                          GBytes              *body,
                          GTask               *task,
                          const FdHttpAnswer  *expected)
{
  HttpCall *call = g_new0 (HttpCall, 1);

  call->task = task;
  call->expected = expected;
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    on_http_answer_cb, call);
}
