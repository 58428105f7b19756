#define G_LOG_DOMAIN "fd-x-client"

/* The X API client's request (fd-x-client.c has the calls).
 *
 * One request at a time per call: the answer is read up to
 * FD_X_MAX_RESPONSE, parsed with the protocol's strict, depth-bounded
 * parser, then mapped to a struct by the call's own reader; X's problem
 * JSON ({"title","detail","type","status"} or {"errors":[…]}) becomes a
 * typed error whose message quotes X's detail, cleaned and cut. The
 * rate-limit headers are read on success and on failure. */

#include "fd-x-client-private.h"
#include "fd-codec.h"
#include "fd-http-answer.h"

#include <string.h>
#include <json-glib/json-glib.h>

#define MAX_DETAIL      300

/* --- the request --------------------------------------------------------- */

typedef struct {
  const char    *what;          /* "mentions", … for messages */
  SoupMessage   *message;
  GBytes        *body;          /* once read */
  ReadAnswer     read;
  GDestroyNotify free_result;
  FdXRateLimit   rate;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->message);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

static gint64
header_int (SoupMessageHeaders *headers,
            const char         *name)
{
  g_autofree char *value = g_strdup (soup_message_headers_get_one (headers, name));
  guint64 number;

  if (value != NULL && g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, G_MAXINT64, &number, NULL))
    return (gint64) number;
  return -1;
}

static void
read_rate (Call *call)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->message);
  gint64 reset = header_int (headers, "x-rate-limit-reset");

  call->rate.limit = header_int (headers, "x-rate-limit-limit");
  call->rate.remaining = header_int (headers, "x-rate-limit-remaining");
  call->rate.reset = MAX (reset, 0);
}

/* X's words about a failure: the first of its errors' messages (the most
 * precise, in a 400), else a problem's detail, else its title; cleaned and
 * cut for a health reason. */
static char *
problem_detail (JsonNode *root)
{
  JsonObject *object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *errors = x_client_member_array (object, "errors");
  const char *text = NULL;

  if (errors != NULL && json_array_get_length (errors) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (errors, 0)))
    {
      JsonObject *first = json_array_get_object_element (errors, 0);
      text = x_client_member_string (first, "message");
      if (text == NULL)
        text = x_client_member_string (first, "detail");
    }
  if (text == NULL)
    text = x_client_member_string (object, "detail");
  if (text == NULL)
    text = x_client_member_string (object, "title");
  if (text == NULL)
    text = x_client_member_string (object, "error_description");
  return text != NULL ? x_client_bounded (text, MAX_DETAIL, TRUE) : g_strdup ("no detail given");
}

static void
return_status_error (GTask *task,
                     Call  *call,
                     guint  status)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *detail = NULL;

  if (g_bytes_get_size (call->body) > 0)
    root = fd_json_parse (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body), FD_X_MAX_RESPONSE,
                          NULL);
  detail = problem_detail (root);

  if (status == 429)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      g_autoptr(GDateTime) at = NULL;
      g_autofree char *when = NULL;

      /* A reset absent, past or absurdly far is X's window from now. */
      if (call->rate.reset <= now || call->rate.reset > now + 24 * 3600)
        call->rate.reset = now + FD_X_DEFAULT_RESET_SECONDS;
      at = g_date_time_new_from_unix_utc (call->rate.reset);
      when = g_date_time_format (at, "%H:%M:%S");
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED,
                               "X's rate limit for %s is reached until %s UTC; the stream waits until then.",
                               call->what, when);
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED,
                             "X refused the access token (%s); it must be refreshed or the account authorized again.",
                             detail);
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_FORBIDDEN, "X refused the %s request: %s", call->what, detail);
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_NOT_FOUND, "X does not know this %s request (HTTP 404: %s).",
                             call->what, detail);
  else if (status >= 400 && status < 500)
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST, "X found the %s request invalid (HTTP %u: %s).",
                             call->what, status, detail);
  else
    g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_SERVER,
                             "X answered the %s request with HTTP %u; it is tried again later.", call->what, status);
}

static void
finish_call (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  guint status = soup_message_get_status (call->message);
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (call->message), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gpointer result;

  read_rate (call);
  if (status < 200 || status >= 300)
    {
      return_status_error (task, call, status);
      return;
    }
  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not JSON; it is tried again later.", call->what);
      return;
    }
  root = fd_json_parse (g_bytes_get_data (call->body, NULL), g_bytes_get_size (call->body), FD_X_MAX_RESPONSE,
                        &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not a JSON object (%s); it is tried again later.",
                               call->what, root == NULL ? error->message : "another value");
      return;
    }
  result = call->read (json_node_get_object (root), &call->rate, &error);
  if (result == NULL)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is not in X's shape (%s); it is tried again later.",
                               call->what, error->message);
      return;
    }
  g_task_return_pointer (task, result, call->free_result);
}

static void
on_answered (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;

  call->body = fd_http_answer_finish (result, &error);
  if (call->body != NULL)
    finish_call (task);
  else if (g_error_matches (error, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE))
    {
      read_rate (call);
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_MALFORMED,
                               "X's answer to the %s request is larger than %d bytes; it is tried again later.",
                               call->what, FD_X_MAX_RESPONSE);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_NETWORK,
                               "X cannot be reached for the %s request (%s); it is tried again later.",
                               call->what, error->message);
      g_error_free (error);
    }
}

/* Sends @message (its request body set) for @task, whose answer @read maps. */
void
x_client_send_call (FdXClient     *self,
                    GTask         *task,
                    const char    *what,
                    SoupMessage   *message,
                    ReadAnswer     read,
                    GDestroyNotify free_result)
{
  Call *call = g_new0 (Call, 1);
  SoupMessageHeaders *headers;

  call->what = what;
  call->read = read;
  call->free_result = free_result;
  call->rate.limit = call->rate.remaining = -1;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  if (message == NULL)
    {
      g_task_return_new_error (task, FD_X_ERROR, FD_X_ERROR_INVALID_REQUEST,
                               "The X API base URL does not make a valid %s request URL.", what);
      g_object_unref (task);
      return;
    }
  call->message = message;
  /* X never redirects an API call: a redirect is an answer of its own. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (message);
  if (self->access_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->access_token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  self->calls++;
  fd_http_answer_async (self->session, message, FD_X_MAX_RESPONSE, g_task_get_cancellable (task), on_answered, task);
}

SoupMessage *
x_client_json_message (FdXClient  *self,
                       const char *path,
                       JsonNode   *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *message = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  char *text;

  if (message == NULL)
    return NULL;
  text = fd_json_to_string (body, &len);
  bytes = g_bytes_new_take (text, len);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  return message;
}

gpointer
x_client_finish_common (FdXClient     *self,
                        GAsyncResult  *result,
                        gpointer       tag,
                        FdXRateLimit  *out_rate,
                        GError       **error)
{
  Call *call;

  g_return_val_if_fail (FD_IS_X_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (out_rate != NULL)
    {
      if (call != NULL)
        *out_rate = call->rate;
      else
        *out_rate = (FdXRateLimit) { -1, -1, 0 };
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}
