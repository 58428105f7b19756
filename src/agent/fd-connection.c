#define G_LOG_DOMAIN "fd-connection"

#include "fd-connection.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fd-config.h"

#define SESSIONS_PATH        "/api/agent/v1/sessions"
#define SESSION_CURRENT_PATH "/api/agent/v1/sessions/current"
#define SOCKET_PATH          "/api/agent/v1/socket"

/* docs/protocol.md: ping after 30 s of silence; the peer is gone after 90. */
#define PING_AFTER_USEC      (30 * G_USEC_PER_SEC)
#define DEAD_AFTER_USEC      (90 * G_USEC_PER_SEC)
#define WATCHDOG_SECONDS     5

#define DEFAULT_BACKOFF_BASE_MS 500
#define DEFAULT_BACKOFF_MAX_MS  30000
#define BACKOFF_JITTER          0.2

/* Close code of a revoked token (docs/protocol.md, sign-in). */
#define CLOSE_TOKEN_REVOKED  4401

G_DEFINE_QUARK (fd-connection-error-quark, fd_connection_error)

G_DEFINE_ENUM_TYPE (FdConnectionState, fd_connection_state,
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_RECONNECTING, "reconnecting"))

/* A request that has no ack yet. It keeps its id and frame for its whole
 * life, so a resend after a reconnect is byte-for-byte the same request. */
typedef struct {
  FdConnection *self;        /* not owned */
  char         *id;
  FdFrame      *frame;
  GTask        *task;
  GSource      *cancel_source;
  guint         sends;       /* how many times it went out */
  gboolean      in_flight;   /* sent on the current socket */
} Pending;

struct _FdConnection
{
  GObject                  parent_instance;

  char                    *server_url;
  char                    *token;
  FdConnectionState        state;
  gboolean                 active;        /* signed in: keep reconnecting */
  gboolean                 connected_once; /* since sign-in, for the UI's banner */

  SoupSession             *session;
  SoupWebsocketConnection *socket;
  GCancellable            *connect_cancellable;
  char                    *hello_id;
  gboolean                 hello_done;
  guint64                  next_id;
  gint64                   last_seq;
  gint64                   last_traffic;  /* monotonic µs */
  gint64                   last_sent;     /* monotonic µs */

  GQueue                   pending;       /* Pending*, in request order */

  guint                    reconnect_source;
  guint                    watchdog_source;
  guint                    attempt;
  guint                    backoff_base_ms;
  guint                    backoff_max_ms;

  GCancellable            *cancellable;   /* cancelled in dispose */
  GDBusConnection         *system_bus;
  guint                    sleep_subscription;

  FdAgent                 *agent;
  FdOrganization          *organization;
  FdQueueModel            *queues;
  FdActivityModel         *activities;
  FdCallState             *call_state;
};

G_DEFINE_FINAL_TYPE (FdConnection, fd_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_STATE,
  PROP_LAST_SEQ,
  PROP_ACTIVITY_MODEL,
  PROP_QUEUE_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_EVENT,
  SIGNAL_SIGNED_OUT,
  SIGNAL_TOKEN_ROTATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void open_socket       (FdConnection *self);
static void drop_socket       (FdConnection *self);
static void schedule_reconnect (FdConnection *self);

/* --- small helpers ------------------------------------------------------- */

static void
set_state (FdConnection      *self,
           FdConnectionState  state)
{
  if (self->state == state)
    return;
  g_debug ("Connection state: %s → %s",
           g_enum_get_value (g_type_class_peek (FD_TYPE_CONNECTION_STATE), self->state)->value_nick,
           g_enum_get_value (g_type_class_peek (FD_TYPE_CONNECTION_STATE), state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static char *
next_request_id (FdConnection *self,
                 const char   *prefix)
{
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT, prefix, ++self->next_id);
}

/* The sentence to show for a wire error when the server sent none. */
static const char *
default_sentence (FdWireError code)
{
  switch (code)
    {
    case FD_WIRE_ERROR_UNAUTHORIZED:
      return "The server did not accept the sign-in; sign in again.";
    case FD_WIRE_ERROR_FORBIDDEN:
      return "You are not allowed to do this.";
    case FD_WIRE_ERROR_NOT_FOUND:
      return "The conversation or queue no longer exists.";
    case FD_WIRE_ERROR_CONFLICT:
      return "Someone else changed this first.";
    case FD_WIRE_ERROR_INVALID_STATE:
      return "This is not possible in the conversation's current state.";
    case FD_WIRE_ERROR_RATE_LIMITED:
      return "Too many attempts; wait a moment and try again.";
    case FD_WIRE_ERROR_INTERNAL:
      return "The server failed; try again later.";
    default:
      return "The server refused the request.";
    }
}

static GError *
error_from_body (const FdErrorBody *body)
{
  const char *message = body->message != NULL && *body->message != '\0'
                        ? body->message : default_sentence (body->code);

  return g_error_new_literal (FD_CONNECTION_ERROR, (gint) body->code, message);
}

/* --- pending requests ---------------------------------------------------- */

static void
pending_free (Pending *p)
{
  if (p->cancel_source != NULL)
    {
      g_source_destroy (p->cancel_source);
      g_source_unref (p->cancel_source);
    }
  g_clear_object (&p->task);
  g_clear_pointer (&p->frame, fd_frame_free);
  g_free (p->id);
  g_free (p);
}

static Pending *
find_pending (FdConnection *self,
              const char   *id)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (g_strcmp0 (p->id, id) == 0)
        return p;
    }
  return NULL;
}

/* Takes @p out of the queue and completes its task with @error (owned) or
 * @ack (owned). */
static void
pending_complete (FdConnection *self,
                  Pending      *p,
                  FdFrame      *ack,
                  GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&p->task);

  g_queue_remove (&self->pending, p);
  pending_free (p);
  if (task == NULL)
    {
      g_clear_pointer (&ack, fd_frame_free);
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ack, (GDestroyNotify) fd_frame_free);
}

static void
fail_all_pending (FdConnection *self,
                  GQuark        domain,
                  gint          code,
                  const char   *message)
{
  Pending *p;

  while ((p = g_queue_peek_head (&self->pending)) != NULL)
    pending_complete (self, p, NULL, g_error_new_literal (domain, code, message));
}

static gboolean
on_pending_cancelled_cb (GCancellable *cancellable,
                         gpointer      user_data)
{
  Pending *p = user_data;
  FdConnection *self = p->self;

  /* A request cancelled before its ack is forgotten: it is not resent
   * after a reconnect, and a late ack is ignored. */
  g_source_unref (g_steal_pointer (&p->cancel_source));
  pending_complete (self, p, NULL,
                    g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The request was cancelled."));
  return G_SOURCE_REMOVE;
}

static gboolean
socket_is_open (FdConnection *self)
{
  return self->socket != NULL &&
         soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN;
}

static void
send_frame (FdConnection  *self,
            const FdFrame *frame)
{
  g_autofree char *text = NULL;

  g_assert (socket_is_open (self));

  text = fd_frame_encode (frame, NULL);
  soup_websocket_connection_send_text (self->socket, text);
  self->last_sent = g_get_monotonic_time ();
}

static void
send_pending (FdConnection *self,
              Pending      *p)
{
  send_frame (self, p->frame);
  p->in_flight = TRUE;
  p->sends++;
  if (p->sends > 1)
    g_debug ("Resending request %s (%s) after a reconnect", p->id,
             fd_frame_type_to_string (p->frame->type));
}

static void
flush_pending (FdConnection *self)
{
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (!p->in_flight)
        send_pending (self, p);
    }
}

/* --- frames from the server ---------------------------------------------- */

static void
apply_welcome (FdConnection    *self,
               const FdWelcome *welcome)
{
  /* The server rotated the session: the new token replaces ours at once,
   * here and (through the signal) in the keyring, since the old one lives
   * only a few minutes more (docs/protocol.md, "Sessions"). */
  if (welcome->token != NULL && welcome->token[0] != '\0' && g_strcmp0 (welcome->token, self->token) != 0)
    {
      g_free (self->token);
      self->token = g_strdup (welcome->token);
      g_signal_emit (self, signals[SIGNAL_TOKEN_ROTATED], 0, self->token);
    }
  if (welcome->agent != NULL)
    {
      g_clear_pointer (&self->agent, fd_agent_free);
      self->agent = fd_agent_copy (welcome->agent);
      fd_activity_model_set_agent_id (self->activities, self->agent->id);
    }
  if (welcome->organization != NULL)
    {
      g_clear_pointer (&self->organization, fd_organization_free);
      self->organization = fd_organization_copy (welcome->organization);
      fd_activity_model_set_organization_name (self->activities, self->organization->name);
    }
  /* The server restored an older database: our seq means nothing there,
   * and the snapshot that follows restarts the count. */
  if (!welcome->resumed && welcome->seq < self->last_seq)
    self->last_seq = 0;
}

static void
handle_reply (FdConnection *self,
              FdFrame      *frame)
{
  Pending *p;

  if (frame->type == FD_FRAME_PONG)
    return;

  if (self->hello_id != NULL && g_strcmp0 (frame->id, self->hello_id) == 0)
    {
      g_clear_pointer (&self->hello_id, g_free);
      if (frame->type == FD_FRAME_ERROR)
        {
          const FdErrorBody *body = frame->body;

          g_message ("The server refused hello (%s)", fd_wire_error_to_string (body->code));
          if (body->code == FD_WIRE_ERROR_UNAUTHORIZED)
            {
              g_autoptr(GError) error = error_from_body (body);

              fd_connection_stop (self);
              g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
            }
          else
            {
              drop_socket (self);
              schedule_reconnect (self);
            }
          return;
        }
      apply_welcome (self, frame->body);
      self->hello_done = TRUE;
      self->connected_once = TRUE;
      self->attempt = 0;
      set_state (self, FD_CONNECTION_STATE_CONNECTED);
      flush_pending (self);
      return;
    }

  p = find_pending (self, frame->id);
  if (p == NULL)
    {
      g_debug ("Reply to an unknown or cancelled request %s", frame->id != NULL ? frame->id : "(none)");
      return;
    }

  if (frame->type == FD_FRAME_ERROR)
    {
      const FdErrorBody *body = frame->body;

      /* A reject resent after an unknown outcome fails with invalid-state
       * when the first one went through: the offer is gone either way,
       * which is what the agent asked for. */
      if (p->sends > 1 && p->frame->type == FD_FRAME_REJECT &&
          body->code == FD_WIRE_ERROR_INVALID_STATE)
        {
          pending_complete (self, p, fd_frame_new_ack (frame->id, FD_FRAME_REJECT, NULL), NULL);
          return;
        }
      pending_complete (self, p, NULL, error_from_body (body));
      return;
    }
  pending_complete (self, p, fd_frame_copy (frame), NULL);
}

static void
handle_event (FdConnection *self,
              FdFrame      *frame)
{
  /* A replay overlapping what we already applied. The snapshot replaces
   * everything, whatever its number. */
  if (frame->type != FD_FRAME_SNAPSHOT && frame->seq <= self->last_seq)
    return;

  switch (frame->type)
    {
    case FD_FRAME_AGENT_STATE:
      g_clear_pointer (&self->agent, fd_agent_free);
      self->agent = fd_agent_copy (frame->body);
      break;
    case FD_FRAME_SNAPSHOT:
      {
        const FdSnapshot *snapshot = frame->body;

        if (snapshot->agent != NULL)
          {
            g_clear_pointer (&self->agent, fd_agent_free);
            self->agent = fd_agent_copy (snapshot->agent);
          }
      }
      break;
    default:
      break;
    }
  /* Queues first: the activity rows name their queue. */
  fd_queue_model_apply_frame (self->queues, frame);
  fd_activity_model_apply_frame (self->activities, frame);

  self->last_seq = frame->seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEQ]);
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, frame);
}

static void
on_socket_message_cb (SoupWebsocketConnection *socket,
                      gint                     type,
                      GBytes                  *message,
                      FdConnection            *self)
{
  g_autoptr(FdFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  self->last_traffic = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  frame = fd_frame_decode (FD_FRAMES_AGENT_SERVER, data, len, &error);
  if (frame == NULL)
    {
      /* Never log the frame: it may hold a customer's message. */
      g_warning ("Ignoring a frame from the server that cannot be read: %s", error->message);
      return;
    }
  g_object_ref (self);
  if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_REPLY)
    {
      /* A reply may complete a task whose callback ends the session. */
      handle_reply (self, frame);
    }
  else if (fd_frame_type_get_role (frame->type) == FD_FRAME_ROLE_EVENT)
    handle_event (self, frame);
  g_object_unref (self);
}

/* --- socket life ------------------------------------------------------------ */

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
  drop_socket (self);
  if (code == CLOSE_TOKEN_REVOKED)
    {
      /* The server says why (expired, password changed, signed out by an
       * administrator); an older server sent a word or nothing. */
      const char *reason = soup_websocket_connection_get_close_data (socket);
      g_autoptr(GError) error = g_error_new_literal (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_UNAUTHORIZED,
                                                     reason != NULL && strchr (reason, ' ') != NULL ? reason
                                                     : "This session was signed out on the server; sign in again.");

      fd_connection_stop (self);
      g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
      return;
    }
  schedule_reconnect (self);
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

  if (!socket_is_open (self) || !self->hello_done)
    return G_SOURCE_CONTINUE;
  if (now - self->last_traffic >= DEAD_AFTER_USEC)
    {
      g_message ("No traffic from the server for 90 s; reconnecting");
      drop_socket (self);
      schedule_reconnect (self);
      return G_SOURCE_CONTINUE;
    }
  if (now - self->last_traffic >= PING_AFTER_USEC && now - self->last_sent >= PING_AFTER_USEC)
    {
      g_autofree char *id = next_request_id (self, "p");
      g_autoptr(FdFrame) ping = fd_frame_new_request (FD_FRAME_PING, id, NULL);

      send_frame (self, ping);
    }
  return G_SOURCE_CONTINUE;
}

/* Forgets the socket; pending requests stay queued for the next one. */
static void
drop_socket (FdConnection *self)
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
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    ((Pending *) l->data)->in_flight = FALSE;

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
                                                              : "The server no longer accepts this session; sign in again.");

          fd_connection_stop (self);
          g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, signed_out);
          return;
        }
      g_debug ("Cannot open the socket: %s", error->message);
      schedule_reconnect (self);
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
  g_signal_connect (self->socket, "message", G_CALLBACK (on_socket_message_cb), self);
  g_signal_connect (self->socket, "closed", G_CALLBACK (on_socket_closed_cb), self);
  g_signal_connect (self->socket, "error", G_CALLBACK (on_socket_error_cb), self);
  self->last_traffic = g_get_monotonic_time ();
  self->watchdog_source = g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog_cb, self);

  body = fd_hello_new ();
  body->protocol = FD_PROTOCOL_VERSION;
  body->last_seq = self->last_seq;
  body->client = g_strdup ("frontdesk/" PACKAGE_VERSION);
  self->hello_id = next_request_id (self, "h");
  hello = fd_frame_new_request (FD_FRAME_HELLO, self->hello_id, body);
  send_frame (self, hello);
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

static void
open_socket (FdConnection *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = socket_url (self);
  g_autofree char *auth = NULL;

  g_assert (self->socket == NULL);

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_autoptr(GError) error = g_error_new (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                                             "“%s” is not a server address.", self->server_url);

      fd_connection_stop (self);
      g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
      return;
    }
  auth = g_strdup_printf ("Bearer %s", self->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);

  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable,
                                        on_websocket_connect_cb, g_object_ref (self));
}

static gboolean
on_reconnect_cb (gpointer user_data)
{
  FdConnection *self = user_data;

  self->reconnect_source = 0;
  if (self->active && self->socket == NULL && self->connect_cancellable == NULL)
    open_socket (self);
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

static void
schedule_reconnect (FdConnection *self)
{
  guint delay;

  if (!self->active)
    return;
  set_state (self, self->connected_once ? FD_CONNECTION_STATE_RECONNECTING : FD_CONNECTION_STATE_CONNECTING);
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
  if (self->hello_done && socket_is_open (self))
    return;
  drop_socket (self);
  set_state (self, FD_CONNECTION_STATE_RECONNECTING);
  open_socket (self);
}

/* --- suspend ------------------------------------------------------------- */

static void
on_prepare_for_sleep_cb (GDBusConnection *bus,
                         const char      *sender,
                         const char      *path,
                         const char      *interface,
                         const char      *signal_name,
                         GVariant        *parameters,
                         gpointer         user_data)
{
  FdConnection *self = user_data;
  gboolean going_to_sleep = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!self->active)
    return;
  if (going_to_sleep)
    {
      /* The socket will not survive the night; close it cleanly now and
       * come back at once on waking rather than after a backoff. */
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      drop_socket (self);
      set_state (self, FD_CONNECTION_STATE_RECONNECTING);
    }
  else
    fd_connection_reconnect_now (self);
}

static void
on_system_bus_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);
  FdConnection *self;

  if (bus == NULL)
    {
      /* No system bus (a container, a test): suspend goes unnoticed and the
       * watchdog finds the dead socket instead. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, so suspend is not watched: %s", error->message);
      return;
    }
  self = user_data;
  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1",
                                        "org.freedesktop.login1.Manager", "PrepareForSleep",
                                        "/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_prepare_for_sleep_cb, self, NULL);
}

/* --- GObject ------------------------------------------------------------- */

static void
fd_connection_dispose (GObject *object)
{
  FdConnection *self = FD_CONNECTION (object);

  self->active = FALSE;
  g_cancellable_cancel (self->cancellable);
  drop_socket (self);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  if (self->system_bus != NULL && self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
  fail_all_pending (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection was closed.");
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->activities);
  g_clear_object (&self->call_state);
  g_clear_object (&self->queues);

  G_OBJECT_CLASS (fd_connection_parent_class)->dispose (object);
}

static void
fd_connection_finalize (GObject *object)
{
  FdConnection *self = FD_CONNECTION (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->agent, fd_agent_free);
  g_clear_pointer (&self->organization, fd_organization_free);

  G_OBJECT_CLASS (fd_connection_parent_class)->finalize (object);
}

static void
fd_connection_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FdConnection *self = FD_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SEQ:
      g_value_set_int64 (value, self->last_seq);
      break;
    case PROP_ACTIVITY_MODEL:
      g_value_set_object (value, self->activities);
      break;
    case PROP_QUEUE_MODEL:
      g_value_set_object (value, self->queues);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_connection_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FdConnection *self = FD_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      {
        g_autofree char *url = g_value_dup_string (value);

        /* "http://host:8080/" and "http://host:8080" are one server. */
        while (url != NULL && g_str_has_suffix (url, "/"))
          url[strlen (url) - 1] = '\0';
        self->server_url = g_steal_pointer (&url);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_connection_class_init (FdConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_connection_dispose;
  object_class->finalize = fd_connection_finalize;
  object_class->get_property = fd_connection_get_property;
  object_class->set_property = fd_connection_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FD_TYPE_CONNECTION_STATE, FD_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SEQ] =
    g_param_spec_int64 ("last-seq", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVITY_MODEL] =
    g_param_spec_object ("activity-model", NULL, NULL, FD_TYPE_ACTIVITY_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUEUE_MODEL] =
    g_param_spec_object ("queue-model", NULL, NULL, FD_TYPE_QUEUE_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* An event frame (FdFrame*, borrowed) after the models applied it. */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* The server refused the session (revoked or expired token): the UI
   * shows the sign-in page with the error's message. */
  signals[SIGNAL_SIGNED_OUT] =
    g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The server rotated the session's token (the new one, a string): store
   * it in place of the old one. */
  signals[SIGNAL_TOKEN_ROTATED] =
    g_signal_new ("token-rotated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fd_connection_init (FdConnection *self)
{
  g_queue_init (&self->pending);
  self->cancellable = g_cancellable_new ();
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->session = soup_session_new_with_options ("user-agent", "frontdesk/" PACKAGE_VERSION, NULL);
  self->queues = fd_queue_model_new ();
  self->activities = fd_activity_model_new (self->queues);
  self->call_state = fd_call_state_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_system_bus_cb, self);
}

FdConnection *
fd_connection_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL && *server_url != '\0', NULL);

  return g_object_new (FD_TYPE_CONNECTION, "server-url", server_url, NULL);
}

/* --- getters ------------------------------------------------------------- */

const char *
fd_connection_get_server_url (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->server_url;
}

FdConnectionState
fd_connection_get_state (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), FD_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
fd_connection_get_token (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->token;
}

const FdAgent *
fd_connection_get_agent (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->agent;
}

const FdOrganization *
fd_connection_get_organization (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->organization;
}

gint64
fd_connection_get_last_seq (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), 0);
  return self->last_seq;
}

FdActivityModel *
fd_connection_get_activity_model (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->activities;
}

FdCallState *
fd_connection_get_call_state (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->call_state;
}

FdQueueModel *
fd_connection_get_queue_model (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->queues;
}

gboolean
fd_connection_get_watching_suspend (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), FALSE);
  return self->sleep_subscription != 0;
}

guint
fd_connection_get_n_pending (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), 0);
  return self->pending.length;
}

void
fd_connection_set_backoff (FdConnection *self,
                           guint         base_ms,
                           guint         max_ms)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (base_ms > 0 && max_ms >= base_ms);

  self->backoff_base_ms = base_ms;
  self->backoff_max_ms = max_ms;
}

/* --- session ------------------------------------------------------------- */

void
fd_connection_start (FdConnection *self,
                     const char   *token)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (token != NULL && *token != '\0');

  if (g_strcmp0 (self->token, token) != 0)
    {
      g_free (self->token);
      self->token = g_strdup (token);
    }
  self->active = TRUE;
  self->attempt = 0;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_socket (self);
  set_state (self, self->connected_once ? FD_CONNECTION_STATE_RECONNECTING : FD_CONNECTION_STATE_CONNECTING);
  open_socket (self);
}

void
fd_connection_stop (FdConnection *self)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  self->active = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_socket (self);
  fail_all_pending (self, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                    "The connection was closed before the server answered.");
  set_state (self, FD_CONNECTION_STATE_DISCONNECTED);
}

static GError *
http_error (SoupMessage *msg,
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
    return error_from_body (body);
  return g_error_new (FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                      "%s failed: the server answered %u %s.", what,
                      soup_message_get_status (msg), soup_message_get_reason_phrase (msg));
}

static void
on_sign_in_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdConnection *self = g_task_get_source_object (task);
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdSignIn) answer = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                                 "The server at %s cannot be reached: %s", self->server_url, error->message);
      return;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_task_return_error (task, http_error (msg, bytes, "Signing in"));
      return;
    }
  node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                        FD_LIMIT_SERVER_FRAME_SIZE, &error);
  if (node != NULL)
    answer = fd_sign_in_from_json (node, &error);
  if (answer == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                               "The server's answer to the sign-in cannot be read: %s", error->message);
      return;
    }

  /* A different agent than before: nothing of the old session applies. */
  if (self->agent != NULL && answer->agent != NULL && self->agent->id != answer->agent->id)
    {
      self->last_seq = 0;
      fd_activity_model_clear (self->activities);
      fd_queue_model_clear (self->queues);
    }
  if (answer->agent != NULL)
    {
      g_clear_pointer (&self->agent, fd_agent_free);
      self->agent = fd_agent_copy (answer->agent);
      fd_activity_model_set_agent_id (self->activities, self->agent->id);
    }
  if (answer->organization != NULL)
    {
      g_clear_pointer (&self->organization, fd_organization_free);
      self->organization = fd_organization_copy (answer->organization);
      fd_activity_model_set_organization_name (self->activities, self->organization->name);
    }
  fd_connection_start (self, answer->token);
  g_task_return_boolean (task, TRUE);
}

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
  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                               "“%s” is not a server address; it looks like https://desk.example.com.",
                               self->server_url);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);

  request->email = g_strdup (email);
  request->password = g_strdup (password);
  node = fd_sign_in_request_to_json (request);
  text = fd_json_to_string (node, &len);
  bytes = g_bytes_new_take (text, len);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_sign_in_cb, g_steal_pointer (&task));
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
  self->last_seq = 0;
  self->connected_once = FALSE;
  fd_activity_model_clear (self->activities);
  fd_queue_model_clear (self->queues);
  fd_activity_model_set_agent_id (self->activities, 0);
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
                               "You are signed out here, but the server could not be told: %s",
                               error->message);
      return;
    }
  status = soup_message_get_status (msg);
  /* 401: the token was already revoked or expired — signed out all the same. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) || status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, http_error (msg, bytes, "Signing out"));
}

void
fd_connection_sign_out_async (FdConnection        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *token = NULL;
  SoupMessage *msg;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_sign_out_async);

  token = g_strdup (self->token);
  forget_session (self);
  if (token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  url = g_strconcat (self->server_url, SESSION_CURRENT_PATH, NULL);
  msg = soup_message_new (SOUP_METHOD_DELETE, url);
  if (msg == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  auth = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
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

/* --- requests ------------------------------------------------------------ */

void
fd_connection_request_async (FdConnection        *self,
                             FdFrameType          type,
                             gpointer             body,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const FdTypeInfo *info;
  Pending *p;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (type < FD_FRAME_N_TYPES &&
                    fd_frame_type_get_set (type) == FD_FRAMES_AGENT_CLIENT &&
                    type != FD_FRAME_HELLO && type != FD_FRAME_PING);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_request_async);

  info = fd_frame_type_get_body_info (type);
  if (!self->active || self->token == NULL)
    {
      if (body != NULL && info != NULL)
        fd_codec_free (info, body);
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT,
                               "You are signed out; sign in to do this.");
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      if (body != NULL && info != NULL)
        fd_codec_free (info, body);
      return;
    }

  p = g_new0 (Pending, 1);
  p->self = self;
  p->id = next_request_id (self, "r");
  p->frame = fd_frame_new_request (type, p->id, body);
  p->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      p->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (p->cancel_source, G_SOURCE_FUNC (on_pending_cancelled_cb), p, NULL);
      g_source_attach (p->cancel_source, g_main_context_get_thread_default ());
    }
  g_queue_push_tail (&self->pending, p);
  if (self->hello_done && socket_is_open (self))
    send_pending (self, p);
}

FdFrame *
fd_connection_request_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The ack's body, taken out of the ack; NULL with @error on failure, NULL
 * without when the ack had no body. */
static gpointer
steal_ack_body (FdConnection  *self,
                GAsyncResult  *result,
                GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  if (ack == NULL)
    return NULL;
  return g_steal_pointer (&ack->body);
}

static gboolean
ack_ok (FdConnection  *self,
        GAsyncResult  *result,
        GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  return ack != NULL;
}

static FdConversationRef *
conversation_ref (gint64 conversation_id)
{
  FdConversationRef *ref = fd_conversation_ref_new ();

  ref->conversation_id = conversation_id;
  return ref;
}

void
fd_connection_reserve_async (FdConnection        *self,
                             gint64               conversation_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_RESERVE, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdConversation *
fd_connection_reserve_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return steal_ack_body (self, result, error);
}

void
fd_connection_reject_async (FdConnection        *self,
                            gint64               conversation_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_REJECT, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

gboolean
fd_connection_reject_finish (FdConnection  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return ack_ok (self, result, error);
}

void
fd_connection_close_conversation_async (FdConnection        *self,
                                        gint64               conversation_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  fd_connection_request_async (self, FD_FRAME_CLOSE, conversation_ref (conversation_id),
                               cancellable, callback, user_data);
}

FdConversation *
fd_connection_close_conversation_finish (FdConnection  *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return steal_ack_body (self, result, error);
}

void
fd_connection_set_joined_async (FdConnection        *self,
                                gint64               queue_id,
                                gboolean             join,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  FdQueueRef *ref;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (queue_id > 0);

  ref = fd_queue_ref_new ();
  ref->queue_id = queue_id;
  fd_connection_request_async (self, join ? FD_FRAME_JOIN : FD_FRAME_LEAVE, ref,
                               cancellable, callback, user_data);
}

gboolean
fd_connection_set_joined_finish (FdConnection  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(FdFrame) ack = fd_connection_request_finish (self, result, error);

  if (ack == NULL)
    return FALSE;
  /* The ack carries the queue's state; apply it in case no queue-state
   * event preceded it. */
  fd_queue_model_apply_frame (self->queues, ack);
  return TRUE;
}

void
fd_connection_set_acd_async (FdConnection        *self,
                             FdAcdState           state,
                             const char          *reason,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  FdSetAcd *body;

  g_return_if_fail (FD_IS_CONNECTION (self));

  body = fd_set_acd_new ();
  body->state = state;
  body->reason = g_strdup (reason);
  fd_connection_request_async (self, FD_FRAME_SET_ACD, body, cancellable, callback, user_data);
}

gboolean
fd_connection_set_acd_finish (FdConnection  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return ack_ok (self, result, error);
}

void
fd_connection_send_message_async (FdConnection        *self,
                                  gint64               conversation_id,
                                  const char          *text,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  FdSendMessage *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (text != NULL);

  body = fd_send_message_new ();
  body->conversation_id = conversation_id;
  /* Chosen once, here: every resend of this request carries it, and the
   * server stores the message only the first time. */
  body->client_id = g_uuid_string_random ();
  body->text = g_strdup (text);
  fd_connection_request_async (self, FD_FRAME_SEND_MESSAGE, body, cancellable, callback, user_data);
}

FdMessage *
fd_connection_send_message_finish (FdConnection  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return steal_ack_body (self, result, error);
}

void
fd_connection_mark_read_async (FdConnection        *self,
                               gint64               conversation_id,
                               gint64               message_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  FdMarkRead *body;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);

  body = fd_mark_read_new ();
  body->conversation_id = conversation_id;
  body->message_id = message_id;
  fd_connection_request_async (self, FD_FRAME_MARK_READ, body, cancellable, callback, user_data);
}

gboolean
fd_connection_mark_read_finish (FdConnection  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return ack_ok (self, result, error);
}

/* --- file uploads ----------------------------------------------------------------- */

#define FILES_PATH "/api/agent/v1/files"

typedef struct {
  gint64       conversation_id;
  GFile       *file;
  char        *name;     /* UTF-8 base name for the server */
  SoupMessage *msg;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->msg);
  g_free (data->name);
  g_free (data);
}

static void
on_upload_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdConnection *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  FdAttachment *attachment = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                                 "The server at %s cannot be reached: %s", self->server_url, error->message);
      return;
    }
  if (soup_message_get_status (data->msg) != SOUP_STATUS_CREATED &&
      soup_message_get_status (data->msg) != SOUP_STATUS_OK)
    {
      g_task_return_error (task, http_error (data->msg, bytes, "Uploading the file"));
      return;
    }
  node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                        FD_LIMIT_SERVER_FRAME_SIZE, &error);
  if (node != NULL)
    attachment = fd_attachment_from_json (node, &error);
  if (attachment == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                               "The server's answer to the upload cannot be read: %s", error->message);
      return;
    }
  g_task_return_pointer (task, attachment, (GDestroyNotify) fd_attachment_free);
}

static void
on_upload_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdConnection *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  GCancellable *cancellable;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, error->code, "“%s” cannot be read: %s",
                                 data->name, error->message);
      return;
    }
  /* The file may have grown since it was measured. */
  if (length > FD_CONNECTION_UPLOAD_MAX_SIZE)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_TOO_LARGE,
                               "“%s” is larger than 10 MB; attachments can be at most 10 MB.", data->name);
      return;
    }
  if (self->token == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT,
                               "Sign in to attach files.");
      return;
    }

  escaped = g_uri_escape_string (data->name, NULL, FALSE);
  url = g_strdup_printf ("%s" FILES_PATH "?conversation_id=%" G_GINT64_FORMAT "&name=%s",
                         self->server_url, data->conversation_id, escaped);
  data->msg = soup_message_new (SOUP_METHOD_POST, url);
  if (data->msg == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                               "“%s” is not a server address; it looks like https://desk.example.com.",
                               self->server_url);
      return;
    }
  auth = g_strdup_printf ("Bearer %s", self->token);
  soup_message_headers_replace (soup_message_get_request_headers (data->msg), "Authorization", auth);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  soup_message_set_request_body_from_bytes (data->msg, "application/octet-stream", bytes);
  /* The cancellable is read before the task is handed over. */
  cancellable = g_task_get_cancellable (task);
  soup_session_send_and_read_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                                    cancellable, on_upload_sent_cb, g_steal_pointer (&task));
}

static void
on_upload_info_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);
  GCancellable *cancellable;

  if (info == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, error->code, "“%s” cannot be attached: %s",
                                 data->name, error->message);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                               "“%s” is not a file; only files can be attached.", data->name);
      return;
    }
  if (g_file_info_get_size (info) > FD_CONNECTION_UPLOAD_MAX_SIZE)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_TOO_LARGE,
                               "“%s” is larger than 10 MB; attachments can be at most 10 MB.", data->name);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  g_file_load_contents_async (data->file, cancellable, on_upload_loaded_cb, g_steal_pointer (&task));
}

void
fd_connection_upload_file_async (FdConnection        *self,
                                 gint64               conversation_id,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *basename = NULL;
  UploadData *data;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_upload_file_async);
  data = g_new0 (UploadData, 1);
  data->conversation_id = conversation_id;
  data->file = g_object_ref (file);
  basename = g_file_get_basename (file);
  data->name = basename != NULL ? g_filename_display_name (basename) : g_strdup ("file");
  g_task_set_task_data (task, data, (GDestroyNotify) upload_data_free);

  if (self->token == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT,
                               "Sign in to attach files.");
      return;
    }
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           on_upload_info_cb, g_steal_pointer (&task));
}

FdAttachment *
fd_connection_upload_file_finish (FdConnection  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
