#define G_LOG_DOMAIN "fd-connection"

/* The connection's errors (docs/app.md, "Connection"): the wire error
 * codes keep their values in FD_CONNECTION_ERROR, each with the server's
 * sentence or, when it sent none, one of ours that says what to do. */

#include <glib/gi18n.h>

#include "fd-connection-private.h"

G_DEFINE_QUARK (fd-connection-error-quark, fd_connection_error)

/* The sentence to show for a wire error when the server sent none. */
static const char *
default_sentence (FdWireError code)
{
  switch (code)
    {
    case FD_WIRE_ERROR_UNAUTHORIZED:
      return _("The server did not accept the sign-in; sign in again.");
    case FD_WIRE_ERROR_FORBIDDEN:
      return _("You are not allowed to do this.");
    case FD_WIRE_ERROR_NOT_FOUND:
      return _("The conversation or queue no longer exists.");
    case FD_WIRE_ERROR_CONFLICT:
      return _("Someone else changed this first.");
    case FD_WIRE_ERROR_INVALID_STATE:
      return _("This is not possible in the conversation's current state.");
    case FD_WIRE_ERROR_RATE_LIMITED:
      return _("Too many attempts; wait a moment and try again.");
    case FD_WIRE_ERROR_INTERNAL:
      return _("The server failed; try again later.");
    default:
      return _("The server refused the request.");
    }
}

GError *
_fd_connection_error_from_body (const FdErrorBody *body)
{
  const char *message = body->message != NULL && *body->message != '\0'
                        ? body->message : default_sentence (body->code);

  return g_error_new_literal (FD_CONNECTION_ERROR, (gint) body->code, message);
}

GError *
_fd_connection_http_error (SoupMessage *msg,
                           GBytes      *bytes,
                           const char  *what)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdErrorBody) body = NULL;

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                          FD_LIMIT_SERVER_FRAME_SIZE, NULL);
  if (node != NULL)
    body = fd_error_body_from_json (node, NULL);
  if (body != NULL)
    return _fd_connection_error_from_body (body);
  /* Translators: the first %s is what the app was doing (“Signing in”,
   * “Uploading the file”), then the HTTP status code and its English
   * reason phrase. */
  return g_error_new (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                      _("%s failed: the server answered %u %s."), what,
                      soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
}
