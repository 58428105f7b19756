#define G_LOG_DOMAIN "fd-crm"

#include "fd-crm-provider.h"
#include "fd-http-answer.h"
#include "fd-protocol.h"

#include <string.h>

/* The HTTP side of every provider (fd-crm-provider.h): one request, its
 * answer read up to FD_CRM_MAX_RESPONSE, HTTP and JSON failures typed. */

G_DEFINE_QUARK (fd-crm-error-quark, fd_crm_error)

#define MAX_MESSAGE 300
#define MAX_RETRY_AFTER 3600
#define DEFAULT_RETRY_AFTER 30

void
fd_crm_match_free (FdCrmMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->record_id);
  g_free (match->kind);
  g_free (match->label);
  g_free (match->record_url);
  g_free (match->company);
  g_free (match->name);
  g_free (match);
}

const char *
fd_crm_json_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
fd_crm_json_object (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
fd_crm_json_array (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

gboolean
fd_crm_check_origin (const char *url, gboolean allow_http, GError **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      !(g_strcmp0 (scheme, "https") == 0 || (allow_http && g_strcmp0 (scheme, "http") == 0)) ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || (path != NULL && *path != '\0' && strcmp (path, "/") != 0))
    {
      g_set_error (error, FD_CRM_ERROR, FD_CRM_ERROR_REFUSED,
                   "The instance URL must be an https origin such as https://acme.my.salesforce.com "
                   "(no path, query or user name).");
      return FALSE;
    }
  return TRUE;
}

/* A CRM's text, fit for a message: valid UTF-8, no controls, bounded. */
static char *
clean (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL || *text == '\0')
    return g_strdup ("no message");
  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && out->len < MAX_MESSAGE; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  FdCrmCall *call;
  SoupMessage *message;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->message);
  g_free (request);
}

/* The CRM's own words about an error: Salesforce answers a list of
 * {"message","errorCode"}, Zendesk {"error", "description"} (error may be
 * an object {"title","message"}). */
static void
error_words (JsonNode *root, char **code, char **message)
{
  JsonObject *object = NULL;

  *code = NULL;
  *message = NULL;
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (root), 0);
      if (JSON_NODE_HOLDS_OBJECT (first))
        {
          object = json_node_get_object (first);
          *code = g_strdup (fd_crm_json_string (object, "errorCode"));
          *message = g_strdup (fd_crm_json_string (object, "message"));
        }
      return;
    }
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (fd_crm_json_string (object, "error") != NULL)
    {
      *code = g_strdup (fd_crm_json_string (object, "error"));
      *message = g_strdup (fd_crm_json_string (object, "description"));
    }
  else if (fd_crm_json_object (object, "error") != NULL)
    {
      JsonObject *error = fd_crm_json_object (object, "error");
      *code = g_strdup (fd_crm_json_string (error, "title"));
      *message = g_strdup (fd_crm_json_string (error, "message"));
    }
}

static gint
retry_after (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  guint64 seconds;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &seconds, NULL))
    return (gint) MIN (seconds, MAX_RETRY_AFTER);
  return DEFAULT_RETRY_AFTER;
}

static void
finish (GTask *task, GBytes *bytes)
{
  Request *request = g_task_get_task_data (task);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  guint status = soup_message_get_status (request->message);
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (request->message), NULL);
  gboolean is_json = type != NULL && (g_ascii_strcasecmp (type, "application/json") == 0);
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *code = NULL;
  g_autofree char *words = NULL;
  g_autofree char *safe_code = NULL;
  g_autofree char *safe_words = NULL;

  if (is_json && len > 0)
    root = fd_json_parse (data, len, FD_CRM_MAX_RESPONSE, &parse_error);

  if (status >= 200 && status < 300)
    {
      if (len == 0)
        {
          g_task_return_pointer (task, NULL, NULL);
          return;
        }
      if (!is_json || root == NULL)
        {
          g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_INVALID,
                                   "The CRM's answer is not JSON (%s).",
                                   !is_json ? "wrong content type" : parse_error->message);
          return;
        }
      g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
      return;
    }

  error_words (root, &code, &words);
  safe_code = clean (code);
  safe_words = clean (words);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_UNAUTHORIZED,
                             "The CRM refused the access token (%s).", safe_code);
  else if (status == 429 || g_strcmp0 (code, "REQUEST_LIMIT_EXCEEDED") == 0)
    {
      request->call->retry_after = retry_after (request->message);
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_RATE_LIMITED,
                               "The CRM's rate limit was reached; trying again in %d s.",
                               request->call->retry_after);
    }
  else if (status >= 500 || status < 100)
    g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_UNAVAILABLE,
                             "The CRM answered HTTP %u; trying again later.", status);
  else
    g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_REFUSED,
                             "The CRM refused the request (HTTP %u, %s: %s).", status, safe_code, safe_words);
}

static void
on_answered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GBytes) bytes = fd_http_answer_finish (result, &error);

  if (bytes != NULL)
    finish (task, bytes);
  else if (g_error_matches (error, FD_HTTP_ANSWER_ERROR, FD_HTTP_ANSWER_ERROR_TOO_LARGE))
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_INVALID,
                               "The CRM's answer is larger than %d bytes.", FD_CRM_MAX_RESPONSE);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_UNAVAILABLE,
                               "The CRM cannot be reached (%s); trying again later.", error->message);
      g_error_free (error);
    }
}

void
fd_crm_http_async (FdCrmCall           *call,
                   const char          *method,
                   const char          *path,
                   JsonNode            *body,
                   const char          *idempotency_key,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (call->instance_url, path, NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", call->access_token != NULL ? call->access_token : "", NULL);
  Request *request = g_new0 (Request, 1);
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, fd_crm_http_async);
  request->call = call;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request->message = soup_message_new (method, url);
  if (request->message == NULL)
    {
      g_task_return_new_error (task, FD_CRM_ERROR, FD_CRM_ERROR_REFUSED, "The CRM request's URL is not valid.");
      return;
    }
  headers = soup_message_get_request_headers (request->message);
  soup_message_headers_replace (headers, "Authorization", bearer);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      gsize len;
      char *text = json_to_string (body, FALSE);
      len = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, len);
      soup_message_set_request_body_from_bytes (request->message, "application/json", bytes);
    }
  fd_http_answer_async (call->session, request->message, FD_CRM_MAX_RESPONSE, cancellable,
                        on_answered, g_steal_pointer (&task));
}

JsonNode *
fd_crm_http_finish (GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- A provider's lookup and log entry ------------------------------------ */

typedef struct {
  const FdCrmProvider  *provider;
  FdCrmCall            *call;
  char                **paths;
  guint                 index;   /* the search under way */
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_strfreev (lookup->paths);
  g_free (lookup);
}

static void on_search (GObject *source, GAsyncResult *result, gpointer user_data);

static void
send_search (GTask *task)
{
  Lookup *lookup = g_task_get_task_data (task);

  fd_crm_http_async (lookup->call, "GET", lookup->paths[lookup->index], NULL, NULL,
                     g_task_get_cancellable (task), on_search, task);
}

static void
on_search (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = fd_crm_http_finish (result, &error);
  FdCrmMatch *match = NULL;

  if (error == NULL)
    match = lookup->provider->read_match (lookup->call, lookup->index, root, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (match != NULL)
    g_task_return_pointer (task, match, (GDestroyNotify) fd_crm_match_free);
  else if (lookup->paths[++lookup->index] != NULL)
    send_search (g_steal_pointer (&task));
  else
    g_task_return_pointer (task, NULL, NULL);
}

void
fd_crm_lookup_async (const FdCrmProvider *provider,
                     FdCrmCall           *call,
                     const char          *email,
                     const char          *phone,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->provider = provider;
  lookup->call = call;
  lookup->paths = provider->lookup_paths (email, phone);
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);
  if (lookup->paths[0] == NULL)
    g_task_return_pointer (task, NULL, NULL);
  else
    send_search (g_steal_pointer (&task));
}

static void
on_logged (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  const FdCrmProvider *provider = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = fd_crm_http_finish (result, &error);
  char *id = NULL;

  if (error == NULL)
    id = provider->read_log_id (root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL,
                                &error);
  if (id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, id, g_free);
}

void
fd_crm_log_async (const FdCrmProvider     *provider,
                  FdCrmCall               *call,
                  const FdCrmEntryRequest *entry,
                  GCancellable            *cancellable,
                  GAsyncReadyCallback      callback,
                  gpointer                 user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonNode) body = provider->log_body (entry);

  /* The provider is static: borrowed. */
  g_task_set_task_data (task, (gpointer) provider, NULL);
  fd_crm_http_async (call, "POST", provider->log_path, body,
                     provider->log_idempotency_key ? entry->idempotency_key : NULL, cancellable, on_logged, task);
}
