#define G_LOG_DOMAIN "fd-api"

#include "fd-email-settings.h"
#include "fd-api-http.h"

#include "fd-auth.h"
#include "fd-center.h"
#include "fd-protocol.h"
#include "fd-site.h"
#include "fd-store.h"

#include <string.h>

/* --- Errors ------------------------------------------------------------------ */

FdWireError
fd_api_wire_error_for (const GError *error)
{
  if (error == NULL)
    return FD_WIRE_ERROR_INTERNAL;
  if (error->domain == FD_CENTER_ERROR)
    return (FdWireError) error->code;
  if (error->domain == FD_STORE_ERROR)
    {
      switch ((FdStoreError) error->code)
        {
        case FD_STORE_ERROR_NOT_FOUND:
          return FD_WIRE_ERROR_NOT_FOUND;
        case FD_STORE_ERROR_CONFLICT:
          return FD_WIRE_ERROR_CONFLICT;
        case FD_STORE_ERROR_INVALID:
          return FD_WIRE_ERROR_INVALID_FIELD;
        case FD_STORE_ERROR_TOO_NEW:
        case FD_STORE_ERROR_CORRUPT:
        case FD_STORE_ERROR_FAILED:
        default:
          return FD_WIRE_ERROR_INTERNAL;
        }
    }
  if (error->domain == FD_AUTH_ERROR)
    {
      switch ((FdAuthError) error->code)
        {
        case FD_AUTH_ERROR_FAILED:
          return FD_WIRE_ERROR_INTERNAL;
        case FD_AUTH_ERROR_WEAK_PASSWORD:
          return FD_WIRE_ERROR_INVALID_FIELD;
        case FD_AUTH_ERROR_BUSY:
          return FD_WIRE_ERROR_RATE_LIMITED;
        case FD_AUTH_ERROR_BAD_CREDENTIALS:
        case FD_AUTH_ERROR_BAD_TOKEN:
        case FD_AUTH_ERROR_REVOKED:
        case FD_AUTH_ERROR_EXPIRED:
        default:
          return FD_WIRE_ERROR_UNAUTHORIZED;
        }
    }
  if (error->domain == FD_SITE_ERROR)
    return error->code == FD_SITE_ERROR_NOT_EMPTY ? FD_WIRE_ERROR_CONFLICT : FD_WIRE_ERROR_INVALID_FIELD;
  if (error->domain == FD_EMAIL_SETTINGS_ERROR)
    return FD_WIRE_ERROR_INVALID_FIELD;
  return fd_wire_error_from_gerror (error);
}

char *
fd_api_error_text (FdHttpErrorShape  shape,
                   FdWireError       code,
                   const char       *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (shape == FD_HTTP_ERRORS_ADMIN)
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
    }
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, fd_wire_error_to_string (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (shape == FD_HTTP_ERRORS_ADMIN)
    json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return fd_json_to_string (root, NULL);
}

void
fd_api_set_challenge (SoupServerMessage *msg,
                      FdHttpErrorShape   shape)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                shape == FD_HTTP_ERRORS_ADMIN ? "Bearer realm=\"frontdesk-admin\""
                                                              : "Bearer realm=\"frontdesk\"");
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              char              *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

void
fd_api_respond_json (SoupServerMessage *msg,
                     guint              status,
                     JsonNode          *node)
{
  g_autoptr(JsonNode) owned = node;

  respond_text (msg, status, fd_json_to_string (owned, NULL));
}

void
fd_api_respond_error (SoupServerMessage *msg,
                      FdWireError        code,
                      const char        *message,
                      gint               retry_after)
{
  g_autoptr(FdErrorBody) body = fd_error_body_new_full (code, message);

  body->retry_after = retry_after;
  if (code == FD_WIRE_ERROR_UNAUTHORIZED)
    fd_api_set_challenge (msg, FD_HTTP_ERRORS_FLAT);
  if (code == FD_WIRE_ERROR_RATE_LIMITED)
    {
      g_autofree char *seconds = g_strdup_printf ("%d", retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
    }
  fd_api_respond_json (msg, fd_wire_error_get_http_status (code), fd_error_body_to_json (body));
}

void
fd_api_respond_gerror (SoupServerMessage *msg,
                       const GError      *error)
{
  FdWireError code = fd_api_wire_error_for (error);

  if (code == FD_WIRE_ERROR_INTERNAL)
    {
      g_warning ("Request failed: %s", error->message);
      fd_api_respond_error (msg, code, "The server could not handle this request; try again later.", 0);
    }
  else
    fd_api_respond_error (msg, code, error->message, 0);
}

void
fd_api_respond_admin_error (SoupServerMessage *msg,
                            FdWireError        code,
                            const char        *message)
{
  if (code == FD_WIRE_ERROR_UNAUTHORIZED)
    fd_api_set_challenge (msg, FD_HTTP_ERRORS_ADMIN);
  respond_text (msg, fd_wire_error_get_http_status (code),
                fd_api_error_text (FD_HTTP_ERRORS_ADMIN, code, message));
}

/* Store and codec messages are written for people and never carry values
 * that are secret; internal failures are logged and answered generically. */
void
fd_api_respond_admin_gerror (SoupServerMessage *msg,
                             const GError      *error)
{
  FdWireError code = fd_api_wire_error_for (error);

  /* The admin API's one difference (docs/admin.md): a body nested too
   * deeply is a malformed body there, not a large one. */
  if (g_error_matches (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_TOO_DEEP))
    code = FD_WIRE_ERROR_MALFORMED;
  if (code == FD_WIRE_ERROR_INTERNAL)
    {
      g_warning ("Admin request failed: %s", error->message);
      fd_api_respond_admin_error (msg, code, "The server could not complete the request; its log says why.");
      return;
    }
  fd_api_respond_admin_error (msg, code, error->message);
}

/* --- Requests ---------------------------------------------------------------- */

JsonNode *
fd_api_require_object (JsonNode  *node,
                       GError   **error)
{
  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    {
      json_node_unref (node);
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                           "The request body must be a JSON object.");
      return NULL;
    }
  return node;
}

JsonNode *
fd_api_read_body (SoupServerMessage  *msg,
                  GError            **error)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  return fd_api_require_object (fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                               FD_LIMIT_FRAME_SIZE, error), error);
}

JsonNode *
fd_api_read_json (SoupServerMessage  *msg,
                  gsize               max_size,
                  GError            **error)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  if (g_bytes_get_size (bytes) == 0)
    {
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                           "This request needs a JSON body.");
      return NULL;
    }
  return fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), max_size, error);
}

char *
fd_api_dup_bearer (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                     "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return *header != '\0' ? g_strdup (header) : NULL;
}

/* The request id of a frame that did not decode, when it can be read: also
 * from a frame nested too deeply to parse (docs/protocol.md, "Limits"). */
char *
fd_api_peek_frame_id (const char *data,
                      gsize       len)
{
  g_autofree char *id = NULL;

  if (!fd_json_check_bytes (data, len, FD_LIMIT_FRAME_SIZE, NULL))
    return NULL;
  id = fd_json_peek_string_member (data, len, "id");
  if (id == NULL || *id == '\0' || g_utf8_strlen (id, -1) > FD_LIMIT_ID)
    return NULL;
  return g_steal_pointer (&id);
}

/* --- Websockets -------------------------------------------------------------- */

void
fd_api_socket_send (FdWsBudget *budget,
                    FdFrame    *frame)
{
  g_autoptr(FdFrame) owned = frame;
  g_autofree char *text = fd_frame_encode (owned, NULL);
  g_autoptr(FdFrame) failure = NULL;
  g_autofree char *fail_text = NULL;

  /* Output held for a group commit: an answer to a request becomes an
   * error if the changes are lost (docs/architecture.md, "Durability"). */
  if (fd_ws_budget_is_holding () && owned->id != NULL &&
      owned->type != FD_FRAME_ERROR && owned->type != FD_FRAME_VISITOR_ERROR)
    {
      gboolean visitor = fd_frame_type_get_set (owned->type) == FD_FRAMES_VISITOR_SERVER;

      failure = fd_frame_new_error (visitor ? FD_FRAME_VISITOR_ERROR : FD_FRAME_ERROR, owned->id,
                                    FD_WIRE_ERROR_INTERNAL,
                                    "The server could not save this; send it again.");
      fail_text = fd_frame_encode (failure, NULL);
    }
  fd_ws_budget_send_reply (budget, text, fail_text);
}

FdFrame *
fd_api_error_frame (FdFrameType   error_type,
                    const char   *id,
                    const GError *error,
                    const char   *what,
                    const char   *internal_message)
{
  FdWireError code = fd_api_wire_error_for (error);

  if (code != FD_WIRE_ERROR_INTERNAL)
    return fd_frame_new_error (error_type, id, code, error->message);
  g_warning ("%s failed: %s", what, error->message);
  return fd_frame_new_error (error_type, id, code, internal_message);
}

void
fd_api_mount (FdApiMount        *mount,
              SoupServer        *server,
              const FdApiRoute  *routes,
              guint              n_routes,
              const FdApiSignal *signals,
              guint              n_signals,
              gpointer           user_data)
{
  g_return_if_fail (mount->server == NULL);
  g_return_if_fail (n_signals <= FD_API_MAX_SIGNALS);

  mount->server = g_object_ref (server);
  mount->routes = routes;
  mount->n_routes = n_routes;
  for (guint i = 0; i < n_signals; i++)
    mount->signal_ids[i] = g_signal_connect (server, signals[i].name, signals[i].callback, user_data);
  for (guint i = 0; i < n_routes; i++)
    {
      if (routes[i].socket != NULL)
        soup_server_add_websocket_handler (server, routes[i].path, NULL, NULL, routes[i].socket, user_data, NULL);
      else
        soup_server_add_handler (server, routes[i].path, routes[i].http, user_data, NULL);
    }
}

void
fd_api_unmount (FdApiMount *mount)
{
  if (mount->server == NULL)
    return;
  for (guint i = 0; i < FD_API_MAX_SIGNALS; i++)
    g_clear_signal_handler (&mount->signal_ids[i], mount->server);
  for (guint i = 0; i < mount->n_routes; i++)
    soup_server_remove_handler (mount->server, mount->routes[i].path);
  g_clear_object (&mount->server);
}
