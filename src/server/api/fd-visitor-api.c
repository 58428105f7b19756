#define G_LOG_DOMAIN "fd-visitor-api"

#include "fd-visitor-api-private.h"

#include "fd-api-http.h"
#include "fd-auth.h"
#include "fd-center-actions.h"
#include "fd-protocol.h"
#include "fd-visitor-request.h"

#include <string.h>

G_DEFINE_QUARK (fd-visitor-api-error-quark, fd_visitor_api_error)

/* Buckets remembered per limit: beyond this the longest-idle is forgotten. */
#define MAX_KEYS 10000
/* What a client refused for too many open sockets is told to wait. */
#define SOCKETS_RETRY_AFTER 30

/* --- Limits ------------------------------------------------------------------ */

void
fd_visitor_limits_init_defaults (FdVisitorLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->create_per_minute = 10;
  limits->create_burst = 5;
  /* The burst covers a widget resending the messages a visitor typed while
   * offline, all at once after reconnecting. */
  limits->message_per_minute = 60;
  limits->message_burst = 50;
  limits->typing_per_minute = 60;
  limits->typing_burst = 20;
  limits->sockets_per_address = 20;
}

static gboolean
parse_count (const char  *text,
             guint       *out,
             GError     **error)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 1000000, &value, NULL))
    {
      g_set_error (error, FD_VISITOR_API_ERROR, FD_VISITOR_API_ERROR_BAD_LIMITS,
                   "“%s” is not a whole number between 1 and 1000000.", text);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
fd_visitor_limits_parse (const char       *text,
                         FdVisitorLimits  *limits,
                         GError          **error)
{
  g_auto(GStrv) items = NULL;
  FdVisitorLimits parsed = *limits;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (g_strstrip (items[i]), "=", 2);
      g_auto(GStrv) rate = NULL;
      guint *per_minute = NULL;
      guint *burst = NULL;

      if (pair[0] == NULL || pair[0][0] == '\0')
        continue;
      if (pair[1] == NULL)
        {
          g_set_error (error, FD_VISITOR_API_ERROR, FD_VISITOR_API_ERROR_BAD_LIMITS,
                       "The visitor limit “%s” has no value; write NAME=VALUE.", pair[0]);
          return FALSE;
        }
      if (g_strcmp0 (pair[0], "sockets") == 0)
        {
          if (!parse_count (pair[1], &parsed.sockets_per_address, error))
            return FALSE;
          continue;
        }
      if (g_strcmp0 (pair[0], "create") == 0)
        {
          per_minute = &parsed.create_per_minute;
          burst = &parsed.create_burst;
        }
      else if (g_strcmp0 (pair[0], "message") == 0)
        {
          per_minute = &parsed.message_per_minute;
          burst = &parsed.message_burst;
        }
      else if (g_strcmp0 (pair[0], "typing") == 0)
        {
          per_minute = &parsed.typing_per_minute;
          burst = &parsed.typing_burst;
        }
      else
        {
          g_set_error (error, FD_VISITOR_API_ERROR, FD_VISITOR_API_ERROR_BAD_LIMITS,
                       "There is no visitor limit called “%s”; the limits are create, message, typing and sockets.",
                       pair[0]);
          return FALSE;
        }
      rate = g_strsplit (pair[1], "/", 2);
      if (rate[0] == NULL || rate[1] == NULL)
        {
          g_set_error (error, FD_VISITOR_API_ERROR, FD_VISITOR_API_ERROR_BAD_LIMITS,
                       "The visitor limit “%s” needs PER_MINUTE/BURST, for example 10/5.", pair[0]);
          return FALSE;
        }
      if (!parse_count (rate[0], per_minute, error) || !parse_count (rate[1], burst, error))
        return FALSE;
    }
  *limits = parsed;
  return TRUE;
}

/* --- HTTP -------------------------------------------------------------------- */

static void
respond_inactive (SoupServerMessage *msg)
{
  /* Any site may learn that the channel is gone: the widget shows it. */
  fd_cors_allow_origin (msg, NULL);
  fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
}

static const char *
client_address (SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);

  return host != NULL ? host : "unknown";
}

/* The one place where a session or callback request is admitted for a
 * stream: the stream exists, the page's origin may use it (a refusal carries
 * no CORS header, so the page learns nothing) and the client address has not
 * spent its creation allowance. */
static FdStream *
admit (FdVisitorApi       *self,
       SoupServerMessage  *msg,
       const char         *stream_key,
       FdStreamKind        kind)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  guint retry_after = 0;

  stream = fd_store_get_stream_by_key (fd_center_get_store (self->center), stream_key, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        respond_inactive (msg);
      else
        fd_api_respond_gerror (msg, error);
      return NULL;
    }
  if (!fd_visitor_origin_allowed (stream, fd_cors_request_origin (msg)))
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN, "This channel is not available on this website.", 0);
      return NULL;
    }
  fd_cors_allow_origin (msg, stream);
  /* Every session or callback rings agents: one address may not flood the
   * queue. The answer is readable by the page, so the widget can say when
   * to try again. */
  if (!fd_rate_limit_take (self->create_limit, client_address (msg), &retry_after))
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_RATE_LIMITED,
                            "Too many requests from this address; try again in a little while.",
                            (gint) retry_after);
      return NULL;
    }
  if (stream->kind != kind)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD,
                            kind == FD_STREAM_WEBCHAT ? "This channel does not take chats."
                                                      : "This channel does not take callback requests.", 0);
      return NULL;
    }
  return g_steal_pointer (&stream);
}

static gboolean
check_department (SoupServerMessage *msg,
                  const FdStream    *stream,
                  const char        *department)
{
  if (department == NULL || stream->departments == NULL || stream->departments[0] == NULL ||
      g_strv_contains ((const char * const *) stream->departments, department))
    return TRUE;
  fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "This channel has no such department.", 0);
  return FALSE;
}

/* A new conversation of @stream for the visitor asking: the contact as the
 * form gave it, and the client's address. The store links it to a contact
 * already on file with the same address and leaves that contact as it is,
 * so what the visitor typed is also kept on the conversation itself,
 * unverified (docs/protocol.md, "Conversation"). */
static FdConversation *
new_conversation (SoupServerMessage *msg,
                  const FdStream    *stream,
                  const char        *name,
                  const char        *phone,
                  const char        *department)
{
  FdConversation *conv = fd_conversation_new ();

  conv->organization_id = stream->organization_id;
  conv->stream_id = stream->id;
  conv->contact = fd_contact_new ();
  conv->contact->organization_id = stream->organization_id;
  conv->contact->name = g_strdup (name);
  conv->contact->phone = g_strdup (phone);
  conv->visitor_name = g_strdup (name);
  conv->address_verified = FALSE;
  conv->department = g_strdup (department);
  conv->ip = g_strdup (soup_server_message_get_remote_host (msg));
  return conv;
}

static char *
socket_url (SoupServerMessage *msg,
            const char        *token)
{
  const char *host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host");
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);

  if (host == NULL || *host == '\0')
    host = g_uri_get_host (uri);
  return g_strdup_printf ("%s://%s" FD_VISITOR_API_SOCKET "?token=%s",
                          g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? "wss" : "ws", host, escaped);
}

static void
start_session (FdVisitorApi      *self,
               SoupServerMessage *msg)
{
  FdStore *store = fd_center_get_store (self->center);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(FdVisitorSessionRequest) request = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdVisitorSession) session = fd_visitor_session_new ();
  const char *user_agent;

  request = fd_visitor_request_parse_session (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (request == NULL)
    {
      fd_cors_allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_WEBCHAT);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv = new_conversation (msg, stream, request->name, request->phone, request->department);
  conv->contact->email = g_strdup (request->email);
  conv->visitor_email = g_strdup (request->email);
  conv->page_url = g_strdup (request->page_url);
  user_agent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "User-Agent");
  fd_visitor_parse_user_agent (user_agent, &conv->browser, &conv->os);

  stored = fd_center_start_conversation (self->center, conv, &error);
  if (stored == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  session->token = fd_auth_create_visitor_token (store, stored->organization_id, stored->id, &error);
  if (session->token == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  session->conversation_id = stored->id;
  session->socket_url = socket_url (msg, session->token);
  fd_api_respond_json (msg, SOUP_STATUS_CREATED, fd_visitor_session_to_json (session));
}

static void
request_callback (FdVisitorApi      *self,
                  SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(FdCallbackRequest) request = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdCallbackCreated) created = fd_callback_created_new ();

  request = fd_visitor_request_parse_callback (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (request == NULL)
    {
      fd_cors_allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_CALLBACK);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv = new_conversation (msg, stream, request->name, request->number, request->department);
  conv->callback_number = g_strdup (request->number);
  conv->callback_time = g_strdup (request->preferred_time);

  stored = fd_center_start_conversation (self->center, conv, &error);
  if (stored == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  created->conversation_id = stored->id;
  fd_api_respond_json (msg, SOUP_STATUS_CREATED, fd_callback_created_to_json (created));
}

static void
on_http_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FdVisitorApi *self = user_data;
  gboolean post = g_strcmp0 (soup_server_message_get_method (msg), "POST") == 0;

  if ((g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 || g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0) &&
      g_strcmp0 (soup_server_message_get_method (msg), "OPTIONS") == 0)
    fd_cors_answer_preflight (msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 && post)
    start_session (self, msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0 && post)
    request_callback (self, msg);
  else if (g_strcmp0 (path, FD_VISITOR_API_SESSIONS) == 0 || g_strcmp0 (path, FD_VISITOR_API_CALLBACKS) == 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "This method is not allowed here.", 0);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else
    fd_api_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is nothing at this address.", 0);
}

/* --- The registry of sockets, subscribed to the center -------------------- */

/* Counts an open socket against its client address. */
static void
hold_socket (FdVisitorApi  *self,
             FdVisitorConn *conn,
             const char    *address)
{
  guint open = GPOINTER_TO_UINT (g_hash_table_lookup (self->ip_sockets, address));

  g_hash_table_insert (self->socket_ips, conn, g_strdup (address));
  g_hash_table_insert (self->ip_sockets, g_strdup (address), GUINT_TO_POINTER (open + 1));
}

static void
release_socket (FdVisitorApi  *self,
                FdVisitorConn *conn)
{
  const char *address = g_hash_table_lookup (self->socket_ips, conn);
  guint open;

  if (address == NULL)
    return;
  open = GPOINTER_TO_UINT (g_hash_table_lookup (self->ip_sockets, address));
  if (open <= 1)
    g_hash_table_remove (self->ip_sockets, address);
  else
    g_hash_table_insert (self->ip_sockets, g_strdup (address), GUINT_TO_POINTER (open - 1));
  g_hash_table_remove (self->socket_ips, conn);
}

void
fd_visitor_api_remove_socket (FdVisitorApi  *self,
                              FdVisitorConn *conn)
{
  release_socket (self, conn);
  fd_ws_silence_remove (self->silence, conn->conn);
  g_ptr_array_remove (self->sockets, conn);
}

static void
sink_visitor_frame (gpointer    data,
                    gint64      conversation_id,
                    const char *text)
{
  FdVisitorApi *self = data;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdVisitorConn *vc = g_ptr_array_index (self->sockets, i);

      if (vc->hello_done && vc->conversation_id == conversation_id)
        fd_ws_budget_send (vc->budget, text);
    }
}

static const FdCenterSink visitor_sink = {
  .visitor_frame = sink_visitor_frame,
};

/* --- The websocket handshake ------------------------------------------------ */

static char *
dup_query_token (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = uri != NULL ? g_uri_get_query (uri) : NULL;
  g_autoptr(GHashTable) params = NULL;

  if (query == NULL)
    return NULL;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  return params != NULL ? g_strdup (g_hash_table_lookup (params, "token")) : NULL;
}

static gboolean
check_token (FdVisitorApi      *self,
             SoupServerMessage *msg,
             gint64            *out_conversation_id,
             gint64            *out_organization_id,
             GError           **error)
{
  g_autofree char *token = dup_query_token (msg);

  if (token == NULL)
    {
      g_set_error_literal (error, FD_CENTER_ERROR, FD_WIRE_ERROR_UNAUTHORIZED,
                           "The visitor websocket needs its token in the query.");
      return FALSE;
    }
  return fd_auth_check_visitor_token (fd_center_get_store (self->center), token, out_conversation_id, out_organization_id, error);
}

/* Browsers do not apply CORS to websockets: without this check any page
 * could use a leaked token. A request without Origin is not a browser's. A
 * deleted stream no longer limits the chats it already has. Answers the
 * refusal and returns FALSE. */
static gboolean
check_socket_origin (FdVisitorApi      *self,
                     SoupServerMessage *msg,
                     gint64             organization_id,
                     gint64             conversation_id)
{
  const char *origin = fd_cors_request_origin (msg);
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  if (origin == NULL)
    return TRUE;
  conv = fd_store_get_conversation (fd_center_get_store (self->center), organization_id, conversation_id, FALSE, &error);
  if (conv != NULL)
    stream = fd_store_get_stream (fd_center_get_store (self->center), organization_id, conv->stream_id, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        return TRUE;
      fd_api_respond_gerror (msg, error);
      return FALSE;
    }
  if (fd_visitor_origin_allowed (stream, origin))
    return TRUE;
  fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN, "This channel is not available on this website.", 0);
  return FALSE;
}

static void
on_request_read_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  FdVisitorApi *self = user_data;
  g_autoptr(GError) error = NULL;
  GUri *uri = soup_server_message_get_uri (msg);
  gint64 conv = 0;
  gint64 org = 0;

  if (uri == NULL || g_strcmp0 (g_uri_get_path (uri), FD_VISITOR_API_SOCKET) != 0)
    return;
  if (!check_token (self, msg, &conv, &org, &error))
    {
      if (fd_api_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
        fd_api_respond_gerror (msg, error);
      else
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, "The visitor token is wrong.", 0);
      return;
    }
  if (!check_socket_origin (self, msg, org, conv))
    return;
  if (GPOINTER_TO_UINT (g_hash_table_lookup (self->ip_sockets, client_address (msg))) >=
      self->limits.sockets_per_address)
    fd_api_respond_error (msg, FD_WIRE_ERROR_RATE_LIMITED,
                          "Too many chats are open from this address; close one and try again.",
                          SOCKETS_RETRY_AFTER);
}

static void
on_socket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  FdVisitorApi *self = user_data;
  FdVisitorConn *conn;
  gint64 conversation_id = 0;
  gint64 organization_id = 0;

  if (!check_token (self, msg, &conversation_id, &organization_id, NULL))
    {
      soup_websocket_connection_close (connection, 4401, "Unauthorized");
      return;
    }
  conn = fd_visitor_socket_new (self, self->center, connection, organization_id, conversation_id);
  g_ptr_array_add (self->sockets, conn);
  fd_ws_silence_add (self->silence, connection);
  hold_socket (self, conn, client_address (msg));
}

FdVisitorApi *
fd_visitor_api_new (FdCenter *center)
{
  FdVisitorApi *self = g_new0 (FdVisitorApi, 1);
  const char *configured = g_getenv (FD_VISITOR_LIMITS_ENV);
  FdVisitorLimits limits;

  self->center = center;
  fd_visitor_limits_init_defaults (&limits);
  if (configured != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* The daemon still starts, with the documented defaults: a typo
       * must not take the contact center down. */
      if (!fd_visitor_limits_parse (configured, &limits, &error))
        g_warning ("Ignoring %s: %s", FD_VISITOR_LIMITS_ENV, error->message);
    }
  fd_visitor_api_set_limits (self, &limits);
  self->sockets = g_ptr_array_new ();
  self->socket_ips = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->ip_sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* A widget's socket is pinged too, and closed when silent: a browser
   * answers pings by itself, so only a dead tab or network is silent. */
  self->silence = fd_ws_silence_new (FD_VISITOR_SOCKET_KEEPALIVE, FD_VISITOR_SOCKET_SILENCE,
                                     "FRONTDESKD_TEST_VISITOR_KEEPALIVE");
  fd_center_add_sink (center, &visitor_sink, self);
  return self;
}

static const FdApiRoute visitor_routes[] = {
  { FD_VISITOR_API_SESSIONS, on_http_cb, NULL },
  { FD_VISITOR_API_CALLBACKS, on_http_cb, NULL },
  { FD_VISITOR_API_SOCKET, NULL, on_socket_cb },
};

static const FdApiSignal visitor_signals[] = {
  { "request-read", G_CALLBACK (on_request_read_cb) },
};

void
fd_visitor_api_attach (FdVisitorApi *self,
                       SoupServer   *server)
{
  fd_api_mount (&self->mount, server, visitor_routes, G_N_ELEMENTS (visitor_routes),
                visitor_signals, G_N_ELEMENTS (visitor_signals), self);
}

void
fd_visitor_api_free (FdVisitorApi *self)
{
  fd_api_unmount (&self->mount);
  fd_center_remove_sink (self->center, self);
  /* Sockets still open point at the API: free them first. */
  while (self->sockets->len > 0)
    fd_visitor_socket_free (g_ptr_array_index (self->sockets, self->sockets->len - 1));
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->silence, fd_ws_silence_free);
  g_clear_pointer (&self->create_limit, fd_rate_limit_free);
  g_clear_pointer (&self->message_limit, fd_rate_limit_free);
  g_clear_pointer (&self->typing_limit, fd_rate_limit_free);
  g_clear_pointer (&self->socket_ips, g_hash_table_unref);
  g_clear_pointer (&self->ip_sockets, g_hash_table_unref);
  g_free (self);
}

void
fd_visitor_api_set_limits (FdVisitorApi          *self,
                           const FdVisitorLimits *limits)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (limits != NULL);
  g_return_if_fail (limits->create_per_minute > 0 && limits->create_burst > 0);
  g_return_if_fail (limits->message_per_minute > 0 && limits->message_burst > 0);
  g_return_if_fail (limits->typing_per_minute > 0 && limits->typing_burst > 0);
  g_return_if_fail (limits->sockets_per_address > 0);

  self->limits = *limits;
  g_clear_pointer (&self->create_limit, fd_rate_limit_free);
  g_clear_pointer (&self->message_limit, fd_rate_limit_free);
  g_clear_pointer (&self->typing_limit, fd_rate_limit_free);
  self->create_limit = fd_rate_limit_new (limits->create_per_minute, limits->create_burst, MAX_KEYS);
  self->message_limit = fd_rate_limit_new (limits->message_per_minute, limits->message_burst, MAX_KEYS);
  self->typing_limit = fd_rate_limit_new (limits->typing_per_minute, limits->typing_burst, MAX_KEYS);
}
