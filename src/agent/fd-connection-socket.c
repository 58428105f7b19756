#define G_LOG_DOMAIN "fd-connection"

/* The socket's life (docs/app.md, "Connection"): opening it with the
 * session's token and saying hello, a close or a refused handshake (a
 * revoked session signs out), the watchdog and its pings, reconnection
 * with backoff, and closing it before the machine sleeps. */

#include <glib/gi18n.h>
#include "fd-connection-private.h"

#include <string.h>

#include "fd-config.h"

#define SOCKET_PATH          "/api/agent/v1/socket"

/* docs/protocol.md: ping after 30 s of silence; the peer is gone after 90. */
#define PING_AFTER_USEC      (30 * G_USEC_PER_SEC)
#define DEAD_AFTER_USEC      (90 * G_USEC_PER_SEC)
#define WATCHDOG_SECONDS     5
#define BACKOFF_JITTER          0.2

/* Close code of a revoked token (docs/protocol.md, sign-in). */
#define CLOSE_TOKEN_REVOKED  4401


/* The error_description of a refused handshake's "WWW-Authenticate: Bearer
 * …" (RFC 6750), such as "Your session expired; sign in again.", or NULL. */
static char *
challenge_description (SoupMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                     "WWW-Authenticate");
  g_autoptr(GHashTable) params = NULL;
  const char *description;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  params = soup_header_parse_param_list (header + 7);
  description = params != NULL ? g_hash_table_lookup (params, "error_description") : NULL;
  if (description == NULL || *description == '\0' || !g_utf8_validate (description, -1, NULL))
    return NULL;
  return g_strdup (description);
}

static void
on_socket_closed_cb (SoupWebsocketConnection *socket,
                     FdConnection            *self)
{
  gushort code = soup_websocket_connection_get_close_code (socket);

  g_debug ("The socket closed (code %u)", code);
  _fd_connection_drop_socket (self);
  if (code == CLOSE_TOKEN_REVOKED)
    {
      /* The server says why (expired, password changed, signed out by an
       * administrator); an older server sent a word or nothing. */
      const char *reason = soup_websocket_connection_get_close_data (socket);
      g_autoptr(GError) error = g_error_new_literal (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED,
                                                     reason != NULL && strchr (reason, ' ') != NULL ? reason
                                                     : _("This session was signed out on the server; sign in again."));

      fd_connection_stop (self);
      g_signal_emit_by_name (self, "signed-out", error);
      return;
    }
  _fd_connection_schedule_reconnect (self);
}

static void
on_socket_error_cb (SoupWebsocketConnection *socket,
                    GError                  *error,
                    FdConnection            *self)
{
  g_debug ("Socket error: %s", error->message);
}

static gboolean
on_watchdog_cb (gpointer user_data)
{
  FdConnection *self = user_data;
  gint64 now = g_get_monotonic_time ();

  if (!_fd_connection_socket_is_open (self) || !self->hello_done)
    return G_SOURCE_CONTINUE;
  if (now - self->last_traffic >= DEAD_AFTER_USEC)
    {
      g_message ("No traffic from the server for 90 s; reconnecting");
      _fd_connection_drop_socket (self);
      _fd_connection_schedule_reconnect (self);
      return G_SOURCE_CONTINUE;
    }
  if (now - self->last_traffic >= PING_AFTER_USEC && now - self->last_sent >= PING_AFTER_USEC)
    {
      g_autofree char *id = _fd_connection_next_request_id (self, "p");
      g_autoptr(FdFrame) ping = fd_frame_new_request (FD_FRAME_PING, id, NULL);

      _fd_connection_send_frame (self, ping);
    }
  return G_SOURCE_CONTINUE;
}

/* Forgets the socket; pending requests stay queued for the next one. */
void
_fd_connection_drop_socket (FdConnection *self)
{
  g_autoptr(SoupWebsocketConnection) socket = g_steal_pointer (&self->socket);

  if (self->connect_cancellable != NULL)
    {
      g_cancellable_cancel (self->connect_cancellable);
      g_clear_object (&self->connect_cancellable);
    }
  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  g_clear_pointer (&self->hello_id, g_free);
  self->hello_done = FALSE;
  /* Pages of a snapshot cut off by the drop: the next socket sends a new one. */
  g_clear_pointer (&self->snapshot_pages, fd_snapshot_free);
  _fd_pending_unsend_all (self);

  if (socket == NULL)
    return;
  g_signal_handlers_disconnect_by_data (socket, self);
  if (soup_websocket_connection_get_state (socket) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

static void
on_websocket_connect_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FdConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) socket = NULL;
  g_autoptr(FdFrame) hello = NULL;
  SoupMessage *msg;
  FdHello *body;

  socket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  if (socket == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->connect_cancellable);
      if (msg != NULL && soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
        {
          g_autofree char *why = challenge_description (msg);
          g_autoptr(GError) signed_out = g_error_new_literal (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED,
                                                              why != NULL ? why
                                                              : _("The server no longer accepts this session; sign in again."));

          fd_connection_stop (self);
          g_signal_emit_by_name (self, "signed-out", signed_out);
          return;
        }
      g_debug ("Cannot open the socket: %s", error->message);
      _fd_connection_schedule_reconnect (self);
      return;
    }
  g_clear_object (&self->connect_cancellable);
  if (!self->active)
    {
      soup_websocket_connection_close (socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      return;
    }

  self->socket = g_steal_pointer (&socket);
  soup_websocket_connection_set_max_incoming_payload_size (self->socket, FD_LIMIT_SERVER_FRAME_SIZE);
  soup_websocket_connection_set_keepalive_interval (self->socket, 0);
  g_signal_connect (self->socket, "message", G_CALLBACK (_fd_connection_on_socket_message_cb), self);
  g_signal_connect (self->socket, "closed", G_CALLBACK (on_socket_closed_cb), self);
  g_signal_connect (self->socket, "error", G_CALLBACK (on_socket_error_cb), self);
  self->last_traffic = g_get_monotonic_time ();
  self->watchdog_source = g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog_cb, self);

  body = fd_hello_new ();
  body->protocol = FD_PROTOCOL_VERSION;
  body->last_seq = self->last_seq;
  body->client = g_strdup ("frontdesk/" PACKAGE_VERSION);
  /* handle_event() applies the conversation a message event carries. */
  body->message_conversation = TRUE;
  self->hello_id = _fd_connection_next_request_id (self, "h");
  hello = fd_frame_new_request (FD_FRAME_HELLO, self->hello_id, body);
  _fd_connection_send_frame (self, hello);
}

static char *
socket_url (FdConnection *self)
{
  const char *rest = self->server_url;
  const char *scheme = "ws://";

  if (g_str_has_prefix (rest, "https://"))
    {
      scheme = "wss://";
      rest += strlen ("https://");
    }
  else if (g_str_has_prefix (rest, "http://"))
    rest += strlen ("http://");
  return g_strconcat (scheme, rest, SOCKET_PATH, NULL);
}

void
_fd_connection_open_socket (FdConnection *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = socket_url (self);
  g_autofree char *auth = NULL;

  g_assert (self->socket == NULL);

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_autoptr(GError) error = g_error_new (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                                             _("“%s” is not a server address."), self->server_url);

      fd_connection_stop (self);
      g_signal_emit_by_name (self, "signed-out", error);
      return;
    }
  auth = g_strdup_printf ("Bearer %s", self->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);

  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->http, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable,
                                        on_websocket_connect_cb, g_object_ref (self));
}

static gboolean
on_reconnect_cb (gpointer user_data)
{
  FdConnection *self = user_data;

  self->reconnect_source = 0;
  if (self->active && self->socket == NULL && self->connect_cancellable == NULL)
    _fd_connection_open_socket (self);
  return G_SOURCE_REMOVE;
}

guint
fd_connection_backoff_delay (guint  base_ms,
                             guint  max_ms,
                             guint  attempt,
                             double random01)
{
  guint shift = MIN (attempt, 16u);
  guint64 delay = MIN ((guint64) base_ms << shift, (guint64) max_ms);
  double factor = 1.0 + BACKOFF_JITTER * (2.0 * CLAMP (random01, 0.0, 1.0) - 1.0);

  return (guint) MAX (1.0, (double) delay * factor);
}

/* The next delay, with jitter so that many apps dropped by one server
 * restart do not all come back at once. */
static guint
next_backoff_ms (FdConnection *self)
{
  return fd_connection_backoff_delay (self->backoff_base_ms, self->backoff_max_ms,
                                      self->attempt++, g_random_double ());
}

void
_fd_connection_schedule_reconnect (FdConnection *self)
{
  guint delay;

  if (!self->active)
    return;
  _fd_connection_set_state (self, self->connected_once ? FD_CONNECTION_STATE_RECONNECTING : FD_CONNECTION_STATE_CONNECTING);
  if (self->reconnect_source != 0)
    return;
  delay = next_backoff_ms (self);
  g_debug ("Reconnecting in %u ms", delay);
  self->reconnect_source = g_timeout_add (delay, on_reconnect_cb, self);
}

void
fd_connection_reconnect_now (FdConnection *self)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  if (!self->active)
    return;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  self->attempt = 0;
  if (self->hello_done && _fd_connection_socket_is_open (self))
    return;
  _fd_connection_drop_socket (self);
  _fd_connection_set_state (self, FD_CONNECTION_STATE_RECONNECTING);
  _fd_connection_open_socket (self);
}

void
_fd_connection_going_to_sleep (FdConnection *self)
{
  /* The socket will not survive the night; close it cleanly now and come
   * back at once on waking rather than after a backoff. */
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  _fd_connection_drop_socket (self);
  _fd_connection_set_state (self, FD_CONNECTION_STATE_RECONNECTING);
}
