#define G_LOG_DOMAIN "fd-admin-client"

#include "fd-config.h"
#include "fd-admin-client.h"

#include <libsoup/soup.h>
#include <string.h>

#define ADMIN_API_PREFIX "/api/admin/v1"

struct _FdAdminClient
{
  GObject      parent_instance;

  SoupSession *session;
  char        *base_url;
  char        *token;
};

G_DEFINE_FINAL_TYPE (FdAdminClient, fd_admin_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-admin-client-error-quark, fd_admin_client_error)

static void
fd_admin_client_finalize (GObject *object)
{
  FdAdminClient *self = FD_ADMIN_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->base_url, g_free);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (fd_admin_client_parent_class)->finalize (object);
}

static void
fd_admin_client_class_init (FdAdminClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_admin_client_finalize;
}

static void
fd_admin_client_init (FdAdminClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "frontdeskctl/" PACKAGE_VERSION,
                                                 "timeout", 60,
                                                 NULL);
}

/* @base_url is the server's root, e.g. "http://127.0.0.1:8080"; @token may be
 * NULL, then requests go out without credentials (and the server says 401). */
FdAdminClient *
fd_admin_client_new (const char *base_url,
                     const char *token)
{
  FdAdminClient *self;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (FD_TYPE_ADMIN_CLIENT, NULL);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  self->token = g_strdup (token);
  return self;
}

const char *
fd_admin_client_get_url (FdAdminClient *self)
{
  g_return_val_if_fail (FD_IS_ADMIN_CLIENT (self), NULL);
  return self->base_url;
}

static FdAdminClientError
error_code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY:
      return FD_ADMIN_CLIENT_ERROR_INVALID;
    case SOUP_STATUS_UNAUTHORIZED:
      return FD_ADMIN_CLIENT_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return FD_ADMIN_CLIENT_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return FD_ADMIN_CLIENT_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return FD_ADMIN_CLIENT_ERROR_CONFLICT;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return FD_ADMIN_CLIENT_ERROR_TOO_LARGE;
    default:
      return FD_ADMIN_CLIENT_ERROR_INTERNAL;
    }
}

/* Turns an error answer into a GError carrying the server's own sentence when
 * the body is the API's {"error": {"code", "message"}} shape. */
static void
set_error_from_answer (GError     **error,
                       guint        status,
                       const char  *reason,
                       GBytes      *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonNode *root;

  if (data != NULL && size > 0 &&
      json_parser_load_from_data (parser, data, (gssize) size, NULL) &&
      (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *err = json_object_get_member (json_node_get_object (root), "error");
      const char *message = NULL;

      if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
        message = json_object_get_string_member_with_default (json_node_get_object (err),
                                                              "message", NULL);
      if (message != NULL)
        {
          g_set_error_literal (error, FD_ADMIN_CLIENT_ERROR, error_code_for_status (status), message);
          return;
        }
    }

  if (status == SOUP_STATUS_UNAUTHORIZED)
    g_set_error_literal (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_UNAUTHORIZED,
                         "The server refused the admin token.");
  else
    g_set_error (error, FD_ADMIN_CLIENT_ERROR, error_code_for_status (status),
                 "The server answered %u %s.", status, reason ? reason : "");
}

JsonNode *
fd_admin_client_request (FdAdminClient  *self,
                         const char     *method,
                         const char     *path,
                         JsonNode       *body,
                         GError        **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *url = NULL;
  const char *data;
  gsize size = 0;
  guint status;

  g_return_val_if_fail (FD_IS_ADMIN_CLIENT (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  url = g_strconcat (self->base_url, ADMIN_API_PREFIX, path, NULL);
  msg = soup_message_new (method, url);
  if (msg == NULL)
    {
      g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_CONNECT,
                   "“%s” is not a valid server URL.", self->base_url);
      return NULL;
    }

  if (self->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }

  if (body != NULL)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      gsize len = 0;
      char *text;

      json_generator_set_root (gen, body);
      text = json_generator_to_data (gen, &len);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (self->session, msg, NULL, &local_error);
  if (answer == NULL)
    {
      g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_CONNECT,
                   "Cannot reach the server at %s: %s", self->base_url, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_error_from_answer (error, status, soup_message_get_reason_phrase (msg), answer);
      return NULL;
    }

  data = g_bytes_get_data (answer, &size);
  if (status == SOUP_STATUS_NO_CONTENT || size == 0)
    return json_node_new (JSON_NODE_NULL);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, FD_ADMIN_CLIENT_ERROR, FD_ADMIN_CLIENT_ERROR_BAD_RESPONSE,
                   "The server at %s did not answer with JSON; is it a Frontdesk server?",
                   self->base_url);
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}
