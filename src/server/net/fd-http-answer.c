#define G_LOG_DOMAIN "fd-http"

#include "fd-http-answer.h"

#include <sodium.h>

G_DEFINE_QUARK (fd-http-answer-error-quark, fd_http_answer_error)

/* Read this much at a time: a few reads for the answers of the APIs. */
#define READ_CHUNK (16 * 1024)

typedef struct {
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
  gsize         max_bytes;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_object (&answer->message);
  g_clear_object (&answer->stream);
  /* A part read of an answer that failed is wiped: answers may hold
   * tokens (the caller wipes a whole one). */
  if (answer->body != NULL)
    {
      sodium_memzero (answer->body->data, answer->body->len);
      g_byte_array_unref (answer->body);
    }
  g_free (answer);
}

/* Closing an unread stream drops the connection: nothing more is read. */
static void
return_too_large (GTask *task)
{
  Answer *answer = g_task_get_task_data (task);

  g_input_stream_close (answer->stream, NULL, NULL);
  g_task_return_new_error (task, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE,
                           "The answer is larger than %" G_GSIZE_FORMAT " bytes.", answer->max_bytes);
}

static void on_read (GObject *source, GAsyncResult *result, gpointer user_data);

static void
read_more (GTask *task)
{
  Answer *answer = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (answer->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_read, task);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Answer *answer = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;
  const guint8 *data;

  if (chunk == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_bytes_get_data (chunk, &len);
  if (len == 0)
    {
      g_input_stream_close (answer->stream, NULL, NULL);
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&answer->body)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (answer->body->len + len > answer->max_bytes)
    {
      return_too_large (task);
      return;
    }
  g_byte_array_append (answer->body, data, (guint) len);
  read_more (g_steal_pointer (&task));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Answer *answer = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  GError *error = NULL;

  answer->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (answer->stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  headers = soup_message_get_response_headers (answer->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) answer->max_bytes)
    {
      return_too_large (task);
      return;
    }
  read_more (g_steal_pointer (&task));
}

void
fd_http_answer_async (SoupSession         *session,
                      SoupMessage         *message,
                      gsize                max_bytes,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;
  Answer *answer;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (NULL, cancellable, callback, user_data);
  answer = g_new0 (Answer, 1);
  g_task_set_source_tag (task, fd_http_answer_async);
  answer->message = g_object_ref (message);
  answer->body = g_byte_array_new ();
  answer->max_bytes = max_bytes;
  g_task_set_task_data (task, answer, (GDestroyNotify) answer_free);
  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, cancellable, on_sent, task);
}

GBytes *
fd_http_answer_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
