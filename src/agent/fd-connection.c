#define G_LOG_DOMAIN "fd-connection"

/* The transport (docs/app.md, "Connection and session"): the one agent
 * websocket, hello with last_seq and the welcome (the rotated token, who
 * is signed in), replies to their requests and new events to the session,
 * start and stop. The socket's life (opening, closing, the watchdog,
 * reconnection with backoff), the offline queue, sign-in, suspend, errors
 * and uploads are the files named after them (fd-connection-private.h
 * lists them). */

#include <glib/gi18n.h>
#include "fd-connection-private.h"

#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "fd-config.h"
#include "fd-properties.h"
#include "fd-session-private.h"

#define DEFAULT_BACKOFF_BASE_MS 500
#define DEFAULT_BACKOFF_MAX_MS  30000

G_DEFINE_ENUM_TYPE (FdConnectionState, fd_connection_state,
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (FD_CONNECTION_STATE_RECONNECTING, "reconnecting"))

G_DEFINE_FINAL_TYPE (FdConnection, fd_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_STATE,
  PROP_LAST_SEQ,
  PROP_CRM_PROVIDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_SIGNED_OUT,
  SIGNAL_TOKEN_ROTATED,
  SIGNAL_GOING_TO_SLEEP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- small helpers ------------------------------------------------------- */

void
_fd_connection_set_state (FdConnection      *self,
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

char *
_fd_connection_next_request_id (FdConnection *self,
                                const char   *prefix)
{
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT, prefix, ++self->next_id);
}

gboolean
_fd_connection_socket_is_open (FdConnection *self)
{
  return self->socket != NULL &&
         soup_websocket_connection_get_state (self->socket) == SOUP_WEBSOCKET_STATE_OPEN;
}

void
_fd_connection_send_frame (FdConnection  *self,
                           const FdFrame *frame)
{
  g_autofree char *text = NULL;

  g_assert (_fd_connection_socket_is_open (self));

  text = fd_frame_encode (frame, NULL);
  soup_websocket_connection_send_text (self->socket, text);
  self->last_sent = g_get_monotonic_time ();
}

/* --- frames from the server ---------------------------------------------- */

void
_fd_connection_set_crm_provider (FdConnection *self,
                                 const char   *crm_provider)
{
  if (crm_provider != NULL && *crm_provider == '\0')
    crm_provider = NULL;
  if (g_strcmp0 (crm_provider, self->crm_provider) == 0)
    return;
  g_free (self->crm_provider);
  self->crm_provider = g_strdup (crm_provider);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CRM_PROVIDER]);
}

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
  _fd_connection_set_identity (self, welcome->agent, welcome->organization);
  /* The organization's connected CRM (issue 15): the CRM actions follow it. */
  _fd_connection_set_crm_provider (self, welcome->crm_provider);
  /* The server restored an older database: our seq means nothing there,
   * and the snapshot that follows restarts the count. */
  if (!welcome->resumed && welcome->seq < self->last_seq)
    self->last_seq = 0;
}

static void
handle_reply (FdConnection *self,
              FdFrame      *frame)
{
  FdPending *p;

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
              g_autoptr(GError) error = _fd_connection_error_from_body (body);

              fd_connection_stop (self);
              g_signal_emit (self, signals[SIGNAL_SIGNED_OUT], 0, error);
            }
          else
            {
              _fd_connection_drop_socket (self);
              _fd_connection_schedule_reconnect (self);
            }
          return;
        }
      apply_welcome (self, frame->body);
      self->hello_done = TRUE;
      self->connected_once = TRUE;
      self->attempt = 0;
      _fd_connection_set_state (self, FD_CONNECTION_STATE_CONNECTED);
      _fd_pending_flush (self);
      return;
    }

  p = _fd_pending_find (self, frame->id);
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
          _fd_pending_complete (self, p, fd_frame_new_ack (frame->id, FD_FRAME_REJECT, NULL), NULL);
          return;
        }
      _fd_pending_complete (self, p, NULL, _fd_connection_error_from_body (body));
      return;
    }
  _fd_pending_complete (self, p, fd_frame_copy (frame), NULL);
}

/* A snapshot's frames (megabytes of text, JSON trees and structs) are
 * freed once applied, and so is what the views allocate building and
 * painting their first frame of the new rows, but glibc keeps the freed
 * heap; give it back once that frame is long painted, so that the app's
 * resident memory is what it holds (docs/app.md, "Activity List model"). */
#define TRIM_DELAY_MS 1000

static gboolean
trim_heap_cb (gpointer user_data)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

/* Takes one page of a paged snapshot. Returns TRUE when @frame now holds
 * the whole snapshot (one frame, or the pages joined when the last came),
 * FALSE while pages are missing or the frame is dropped. A page out of order
 * drops what was gathered (cannot happen on one socket; a new socket starts
 * over from page 1, see _fd_connection_drop_socket()). */
static gboolean
gather_snapshot_page (FdConnection *self,
                      FdFrame      *frame)
{
  FdSnapshot *page = frame->body;
  gint number = MAX (page->page, 1);

  if (number == 1)
    {
      g_clear_pointer (&self->snapshot_pages, fd_snapshot_free);
      if (!page->more)
        return TRUE;
      /* Keep the first page as the base the others are added to. */
      self->snapshot_pages = g_steal_pointer (&frame->body);
      frame->body = fd_snapshot_new ();
      self->snapshot_next_page = 2;
      return FALSE;
    }
  if (self->snapshot_pages == NULL || number != self->snapshot_next_page ||
      number > FD_LIMIT_SNAPSHOT_PAGES)
    {
      g_warning ("Snapshot page %d out of order; waiting for a new snapshot", number);
      g_clear_pointer (&self->snapshot_pages, fd_snapshot_free);
      return FALSE;
    }
  /* Move the page's items over, so nothing is copied. */
  g_ptr_array_extend_and_steal (self->snapshot_pages->conversations, g_steal_pointer (&page->conversations));
  g_ptr_array_extend_and_steal (self->snapshot_pages->offers, g_steal_pointer (&page->offers));
  page->conversations = fd_conversation_detail_list_new ();
  page->offers = fd_offer_list_new ();
  if (page->agent != NULL)
    {
      g_clear_pointer (&self->snapshot_pages->agent, fd_agent_free);
      self->snapshot_pages->agent = g_steal_pointer (&page->agent);
    }
  if (page->queues != NULL)
    {
      g_clear_pointer (&self->snapshot_pages->queues, g_ptr_array_unref);
      self->snapshot_pages->queues = g_steal_pointer (&page->queues);
      page->queues = fd_queue_state_list_new ();
    }
  self->snapshot_next_page++;
  if (page->more)
    return FALSE;
  /* The last page: the frame carries the whole snapshot from here on. */
  fd_snapshot_free (frame->body);
  frame->body = g_steal_pointer (&self->snapshot_pages);
  ((FdSnapshot *) frame->body)->more = FALSE;
  return TRUE;
}

/* A message event that carries its conversation (the hello's
 * `message_conversation`) stands for the `conversation` event the server
 * left out: the session's models and listeners get that event, with the
 * same seq, as if it had come (docs/protocol.md, "hello"). */
static void
apply_carried_conversation (FdConnection  *self,
                            const FdFrame *frame)
{
  FdMessage *msg = frame->body;
  g_autoptr(FdFrame) carried = fd_frame_new_event (FD_FRAME_CONVERSATION, frame->seq,
                                                    g_steal_pointer (&msg->conversation));

  _fd_session_apply_event (self->session, carried);
  _fd_session_emit_event (self->session, carried);
}

static void
handle_event (FdConnection *self,
              FdFrame      *frame)
{
  /* A replay overlapping what we already applied. The snapshot replaces
   * everything, whatever its number. */
  if (frame->type != FD_FRAME_SNAPSHOT && frame->seq <= self->last_seq)
    return;
  if (frame->type == FD_FRAME_SNAPSHOT && !gather_snapshot_page (self, frame))
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
  /* The session's models apply the event, the seq moves on, then the
   * session tells its listeners in typed signals. */
  _fd_session_apply_event (self->session, frame);
  self->last_seq = frame->seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SEQ]);
  _fd_session_emit_event (self->session, frame);
  if (frame->type == FD_FRAME_SNAPSHOT)
    g_timeout_add_full (G_PRIORITY_LOW, TRIM_DELAY_MS, trim_heap_cb, NULL, NULL);
  if (frame->type == FD_FRAME_MESSAGE && ((FdMessage *) frame->body)->conversation != NULL)
    apply_carried_conversation (self, frame);
}

void
_fd_connection_set_identity (FdConnection         *self,
                             const FdAgent        *agent,
                             const FdOrganization *organization)
{
  if (agent != NULL)
    {
      g_clear_pointer (&self->agent, fd_agent_free);
      self->agent = fd_agent_copy (agent);
    }
  if (organization != NULL)
    {
      g_clear_pointer (&self->organization, fd_organization_free);
      self->organization = fd_organization_copy (organization);
    }
  _fd_session_set_identity (self->session, agent != NULL ? self->agent : NULL,
                            organization != NULL ? self->organization : NULL);
}

void
_fd_connection_reset (FdConnection *self,
                      gboolean      forget_agent)
{
  self->last_seq = 0;
  _fd_session_reset (self->session, forget_agent);
}

void
_fd_connection_on_socket_message_cb (SoupWebsocketConnection *socket,
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
/* --- GObject ------------------------------------------------------------- */

static void
fd_connection_dispose (GObject *object)
{
  FdConnection *self = FD_CONNECTION (object);

  self->active = FALSE;
  g_cancellable_cancel (self->cancellable);
  _fd_connection_drop_socket (self);
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  _fd_connection_unwatch_suspend (self);
  _fd_pending_fail_all (self, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection was closed.");
  if (self->http != NULL)
    soup_session_abort (self->http);
  g_clear_object (&self->http);
  if (self->session != NULL)
    _fd_session_detach (self->session);
  g_clear_object (&self->session);

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
  g_clear_pointer (&self->crm_provider, g_free);
  g_clear_pointer (&self->crm_user, g_free);
  g_clear_pointer (&self->snapshot_pages, fd_snapshot_free);

  G_OBJECT_CLASS (fd_connection_parent_class)->finalize (object);
}

/* Construct-only. "http://host:8080/" and "http://host:8080" are one
 * server. */
static void
set_server_url (FdConnection *self,
                const char   *server_url)
{
  g_autofree char *url = g_strdup (server_url);

  while (url != NULL && g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  self->server_url = g_steal_pointer (&url);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_SERVER_URL] = { .name = "server-url", .type = G_TYPE_STRING, .getter = G_CALLBACK (fd_connection_get_server_url),
                        .setter = G_CALLBACK (set_server_url), .flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY },
  [PROP_STATE] = FD_PROPERTY_ENUM ("state", fd_connection_get_state, fd_connection_state_get_type,
                                   FD_CONNECTION_STATE_DISCONNECTED),
  [PROP_LAST_SEQ] = FD_PROPERTY_INT64 ("last-seq", fd_connection_get_last_seq),
  [PROP_CRM_PROVIDER] = FD_PROPERTY_STRING ("crm-provider", fd_connection_get_crm_provider, NULL),
};

static void
fd_connection_class_init (FdConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_connection_dispose;
  object_class->finalize = fd_connection_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);

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
  /* logind announced a suspend (fd-connection-suspend.c): requests made
   * in a handler are answered, or the sleep delay passes, before the
   * socket closes and the machine may sleep. */
  signals[SIGNAL_GOING_TO_SLEEP] =
    g_signal_new ("going-to-sleep", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fd_connection_init (FdConnection *self)
{
  g_queue_init (&self->pending);
  self->cancellable = g_cancellable_new ();
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->http = soup_session_new_with_options ("user-agent", "frontdesk/" PACKAGE_VERSION, NULL);
  self->session = _fd_session_new (self);
  _fd_connection_watch_suspend (self);
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

const char *
fd_connection_get_crm_user (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->crm_user;
}

void
fd_connection_set_crm_user (FdConnection *self,
                            const char   *crm_user)
{
  g_return_if_fail (FD_IS_CONNECTION (self));
  g_free (self->crm_user);
  self->crm_user = crm_user != NULL && *crm_user != '\0' ? g_strdup (crm_user) : NULL;
}

const char *
fd_connection_get_crm_provider (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->crm_provider;
}

gint64
fd_connection_get_last_seq (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), 0);
  return self->last_seq;
}

FdSession *
fd_connection_get_session (FdConnection *self)
{
  g_return_val_if_fail (FD_IS_CONNECTION (self), NULL);
  return self->session;
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

/* --- start and stop ------------------------------------------------------ */

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
  _fd_connection_drop_socket (self);
  _fd_connection_set_state (self, self->connected_once ? FD_CONNECTION_STATE_RECONNECTING : FD_CONNECTION_STATE_CONNECTING);
  _fd_connection_open_socket (self);
  _fd_connection_take_sleep_lock (self);
}

void
fd_connection_stop (FdConnection *self)
{
  g_return_if_fail (FD_IS_CONNECTION (self));

  self->active = FALSE;
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  _fd_connection_release_sleep_lock (self);
  _fd_connection_drop_socket (self);
  _fd_pending_fail_all (self, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                        "The connection was closed before the server answered.");
  _fd_connection_set_state (self, FD_CONNECTION_STATE_DISCONNECTED);
}
