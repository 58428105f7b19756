#define G_LOG_DOMAIN "fd-visitor-api"

#include "fd-visitor-api.h"
#include "fd-listener.h"
#include "fd-visitor-request.h"
#include "fd-agent-api.h"
#include "fd-center-actions.h"
#include "fd-rate-limit.h"

#include "fd-auth.h"
#include "fd-protocol.h"

#include <string.h>

G_DEFINE_QUARK (fd-visitor-api-error-quark, fd_visitor_api_error)

/* Buckets remembered per limit: beyond this the longest-idle is forgotten. */
#define MAX_KEYS 10000
/* What a client refused for too many open sockets is told to wait. */
#define SOCKETS_RETRY_AFTER 30

struct _FdVisitorApi
{
  FdCenter        *center;
  SoupServer      *server;
  gulong           request_read_id;
  FdVisitorLimits  limits;
  FdRateLimit     *create_limit;   /* per client address: sessions + callbacks */
  FdRateLimit     *message_limit;  /* per conversation: send-message */
  FdRateLimit     *typing_limit;   /* per conversation: typing */
  GHashTable      *socket_ips;     /* FdVisitorConn* → char* client address */
  GHashTable      *ip_sockets;     /* char* client address → open sockets (GUINT) */
};

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

/* --- Origins ----------------------------------------------------------------- */

/* scheme://host:port with a lower-case scheme and host and the port always
 * written out, so that "https://Shop.example" and "https://shop.example:443/"
 * compare equal. NULL when @origin is not an absolute http(s) URL, like the
 * "null" origin of sandboxed frames and file: pages. */
static char *
normalize_origin (const char *origin)
{
  g_autoptr(GUri) uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if (g_strcmp0 (scheme, "http") == 0)
    port = port > 0 ? port : 80;
  else if (g_strcmp0 (scheme, "https") == 0)
    port = port > 0 ? port : 443;
  else
    return NULL;
  return g_strdup_printf (strchr (host, ':') != NULL ? "%s://[%s]:%d" : "%s://%s:%d", scheme, host, port);
}

gboolean
fd_visitor_origin_allowed (const FdStream *stream,
                           const char     *origin)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (stream != NULL, FALSE);

  /* Origin protects a browser's user from other sites; a client that sends
   * none is not a browser (or is the server's own page) and could send any
   * Origin it liked anyway. An empty list means the admin has not limited
   * the stream yet. */
  if (origin == NULL || stream->allowed_origins == NULL || stream->allowed_origins[0] == NULL)
    return TRUE;
  wanted = normalize_origin (origin);
  if (wanted == NULL)
    return FALSE;
  for (guint i = 0; stream->allowed_origins[i] != NULL; i++)
    {
      g_autofree char *allowed = normalize_origin (stream->allowed_origins[i]);

      if (g_strcmp0 (allowed, wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/* --- User-Agent -------------------------------------------------------------- */

typedef struct {
  const char *needle;
  const char *name;
} UaRule;

/* Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". */
static const UaRule browsers[] = {
  { "Edg/", "Edge" },
  { "Edge/", "Edge" },
  { "OPR/", "Opera" },
  { "Opera", "Opera" },
  { "SamsungBrowser/", "Samsung Internet" },
  { "Firefox/", "Firefox" },
  { "FxiOS/", "Firefox" },
  { "CriOS/", "Chrome" },
  { "Chromium/", "Chromium" },
  { "Chrome/", "Chrome" },
  { "Safari/", "Safari" },
  { "MSIE ", "Internet Explorer" },
  { "Trident/", "Internet Explorer" },
};

static const UaRule systems[] = {
  { "Windows", "Windows" },
  { "iPhone", "iOS" },
  { "iPad", "iOS" },
  { "Android", "Android" },
  { "CrOS", "ChromeOS" },
  { "Mac OS X", "macOS" },
  { "Macintosh", "macOS" },
  { "Linux", "Linux" },
  { "FreeBSD", "FreeBSD" },
};

static const char *
match_rule (const UaRule *rules,
            guint         n_rules,
            const char   *user_agent)
{
  for (guint i = 0; user_agent != NULL && i < n_rules; i++)
    if (strstr (user_agent, rules[i].needle) != NULL)
      return rules[i].name;
  return "Unknown";
}

void
fd_visitor_parse_user_agent (const char  *user_agent,
                             char       **out_browser,
                             char       **out_os)
{
  g_return_if_fail (out_browser != NULL && out_os != NULL);

  *out_browser = g_strdup (match_rule (browsers, G_N_ELEMENTS (browsers), user_agent));
  *out_os = g_strdup (match_rule (systems, G_N_ELEMENTS (systems), user_agent));
}

/* --- HTTP -------------------------------------------------------------------- */

static void allow_origin (SoupServerMessage *msg, const FdStream *stream);

static void
respond_inactive (SoupServerMessage *msg)
{
  /* Any site may learn that the channel is gone: the widget shows it. */
  allow_origin (msg, NULL);
  fd_api_respond_error (msg, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.", 0);
}

static const char *
request_origin (SoupServerMessage *msg)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
}

static const char *
client_address (SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);

  return host != NULL ? host : "unknown";
}

/* CORS: the widget runs on the business's site. A preflight is answered for
 * any origin (it names no stream); the answer itself is readable only by
 * the stream's allowed origins (any when the list is empty). */
static void
allow_origin (SoupServerMessage *msg,
              const FdStream    *stream)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *origin = request_origin (msg);

  if (origin == NULL)
    return;
  if (stream != NULL && !fd_visitor_origin_allowed (stream, origin))
    return;
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (headers, "Vary", "Origin");
}

static void
answer_preflight (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  allow_origin (msg, NULL);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "POST");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
  soup_message_headers_replace (headers, "Access-Control-Max-Age", "600");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
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

  stream = fd_store_get_stream_by_key (self->center->store, stream_key, &error);
  if (stream == NULL)
    {
      if (g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        respond_inactive (msg);
      else
        fd_api_respond_gerror (msg, error);
      return NULL;
    }
  if (!fd_visitor_origin_allowed (stream, request_origin (msg)))
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN, "This channel is not available on this website.", 0);
      return NULL;
    }
  allow_origin (msg, stream);
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
  FdStore *store = self->center->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(FdVisitorSessionRequest) request = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdVisitorSession) session = fd_visitor_session_new ();
  const char *user_agent;

  request = fd_visitor_request_parse_session (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (request == NULL)
    {
      allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_WEBCHAT);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv->organization_id = stream->organization_id;
  conv->stream_id = stream->id;
  conv->contact = fd_contact_new ();
  conv->contact->organization_id = stream->organization_id;
  conv->contact->name = g_strdup (request->name);
  conv->contact->email = g_strdup (request->email);
  conv->contact->phone = g_strdup (request->phone);
  conv->department = g_strdup (request->department);
  conv->page_url = g_strdup (request->page_url);
  conv->ip = g_strdup (soup_server_message_get_remote_host (msg));
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
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autoptr(FdConversation) stored = NULL;
  g_autoptr(FdCallbackCreated) created = fd_callback_created_new ();

  request = fd_visitor_request_parse_callback (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (request == NULL)
    {
      allow_origin (msg, NULL);
      fd_api_respond_gerror (msg, error);
      return;
    }
  stream = admit (self, msg, request->stream_key, FD_STREAM_CALLBACK);
  if (stream == NULL || !check_department (msg, stream, request->department))
    return;

  conv->organization_id = stream->organization_id;
  conv->stream_id = stream->id;
  conv->contact = fd_contact_new ();
  conv->contact->organization_id = stream->organization_id;
  conv->contact->name = g_strdup (request->name);
  conv->contact->phone = g_strdup (request->number);
  conv->department = g_strdup (request->department);
  conv->callback_number = g_strdup (request->number);
  conv->callback_time = g_strdup (request->preferred_time);
  conv->ip = g_strdup (soup_server_message_get_remote_host (msg));

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
    answer_preflight (msg);
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

/* --- The websocket ----------------------------------------------------------- */

static void
send_frame (FdVisitorConn *self,
            FdFrame       *frame)
{
  g_autoptr(FdFrame) owned = frame;
  g_autofree char *text = fd_frame_encode (owned, NULL);

  fd_ws_budget_send (self->budget, text);
}

static void
send_error (FdVisitorConn *self,
            const char    *id,
            const GError  *error)
{
  FdWireError code = fd_center_wire_error_for (error);

  if (code == FD_WIRE_ERROR_INTERNAL)
    g_warning ("Visitor request failed: %s", error->message);
  send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, id, code,
                                        code == FD_WIRE_ERROR_INTERNAL
                                          ? "The server could not handle this; try again later."
                                          : error->message));
}

/* FALSE when the conversation spent its tokens of @limit; @retry_after
 * tells when one comes back. */
static gboolean
conversation_within (FdVisitorConn *self,
                     FdRateLimit   *limit,
                     guint         *retry_after)
{
  char key[32];

  g_snprintf (key, sizeof key, "%" G_GINT64_FORMAT, self->conversation_id);
  return fd_rate_limit_take (limit, key, retry_after);
}

static void
handle_frame (FdVisitorConn *self,
              const FdFrame *frame)
{
  FdCenter *center = self->center;
  FdVisitorApi *api = center->visitor_api;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;
  guint retry_after = 0;

  if (frame->type != FD_FRAME_VISITOR_HELLO && !self->hello_done)
    {
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                                            "Send hello first."));
      return;
    }

  switch (frame->type)
    {
    case FD_FRAME_VISITOR_HELLO:
      /* Once per socket: a repeated hello would resend the transcript for
       * a few bytes from the client. */
      if (self->hello_done)
        {
          send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_INVALID_STATE,
                                                "This chat has said hello already; to resync, reconnect."));
          break;
        }
      {
        FdVisitorWelcome *welcome = fd_center_visitor_welcome (center, self->organization_id,
                                                               self->conversation_id,
                                                               ((FdVisitorHello *) frame->body)->last_message_id,
                                                               &error);

        ok = welcome != NULL;
        if (ok)
          {
            send_frame (self, fd_frame_new (FD_FRAME_VISITOR_WELCOME, welcome));
            self->hello_done = TRUE;
          }
      }
      break;
    case FD_FRAME_VISITOR_SEND_MESSAGE:
      {
        g_autoptr(FdMessage) msg = NULL;
        gboolean duplicate = FALSE;

        /* Refused, not stored: the widget keeps the message and resends it
         * with the same client_id after retry_after, so nothing is lost. */
        if (!conversation_within (self, api->message_limit, &retry_after))
          {
            FdFrame *refusal = fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_RATE_LIMITED,
                                                   "Too many messages at once; this one will be sent in a moment.");

            ((FdErrorBody *) refusal->body)->retry_after = (gint) retry_after;
            send_frame (self, refusal);
            break;
          }
        msg = fd_center_send_visitor_message (center, self->organization_id, self->conversation_id,
                                              frame->body, &duplicate, &error);
        ok = msg != NULL;
        /* A new message was echoed by the push; a resend is echoed here. */
        if (ok && duplicate)
          {
            msg->agent_id = 0;
            msg->organization_id = 0;
            send_frame (self, fd_frame_new (FD_FRAME_VISITOR_MESSAGE, g_steal_pointer (&msg)));
          }
      }
      break;
    case FD_FRAME_VISITOR_TYPING:
      /* Typing is a hint that the next one replaces: over the limit it is
       * dropped without a word. */
      if (!conversation_within (self, api->typing_limit, &retry_after))
        break;
      ok = fd_center_visitor_typing (center, self->organization_id, self->conversation_id,
                                     ((FdVisitorTyping *) frame->body)->typing, &error);
      break;
    case FD_FRAME_VISITOR_CLOSE:
      ok = fd_center_visitor_close (center, self->organization_id, self->conversation_id, frame->body, &error);
      break;
    case FD_FRAME_VISITOR_RATE:
      ok = fd_center_visitor_rate (center, self->organization_id, self->conversation_id, frame->body, &error);
      break;
    case FD_FRAME_VISITOR_PING:
      send_frame (self, fd_frame_new (FD_FRAME_VISITOR_PONG, NULL));
      break;
    default:
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, frame->id, FD_WIRE_ERROR_UNKNOWN_TYPE,
                                            "The server does not take this frame."));
      break;
    }
  if (!ok)
    send_error (self, frame->id, error);
}

static void
on_message_cb (SoupWebsocketConnection *conn,
               SoupWebsocketDataType    type,
               GBytes                  *message,
               gpointer                 user_data)
{
  FdVisitorConn *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdFrame) frame = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (message, &len);

  /* Over the limit: close with 1009, since the peer's framing state cannot
   * be trusted any more (docs/protocol.md, "Limits"). */
  if (len > FD_LIMIT_FRAME_SIZE)
    {
      soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_TOO_BIG, "Frame too large");
      return;
    }
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      send_frame (self, fd_frame_new_error (FD_FRAME_VISITOR_ERROR, NULL, FD_WIRE_ERROR_MALFORMED,
                                            "Frames are websocket text messages."));
      return;
    }
  frame = fd_frame_decode (FD_FRAMES_VISITOR_CLIENT, data, len, &error);
  if (frame == NULL)
    {
      g_autofree char *id = fd_api_peek_frame_id (data, len);

      send_frame (self, fd_frame_new_error_from_gerror (FD_FRAME_VISITOR_ERROR, id, error));
      return;
    }
  handle_frame (self, frame);
}

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
fd_visitor_socket_free (FdVisitorConn *self)
{
  if (self->center->visitor_api != NULL)
    release_socket (self->center->visitor_api, self);
  fd_center_remove_visitor_conn (self->center, self);
  g_signal_handlers_disconnect_by_data (self->conn, self);
  g_clear_pointer (&self->budget, fd_ws_budget_free);
  g_clear_object (&self->conn);
  g_free (self);
}

static void
on_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  fd_visitor_socket_free (user_data);
}

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
  return fd_auth_check_visitor_token (self->center->store, token, out_conversation_id, out_organization_id, error);
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
  const char *origin = request_origin (msg);
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  if (origin == NULL)
    return TRUE;
  conv = fd_store_get_conversation (self->center->store, organization_id, conversation_id, FALSE, &error);
  if (conv != NULL)
    stream = fd_store_get_stream (self->center->store, organization_id, conv->stream_id, &error);
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
      if (fd_center_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
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
  conn = g_new0 (FdVisitorConn, 1);
  conn->center = self->center;
  conn->conn = g_object_ref (connection);
  fd_listener_websocket_started (connection, FALSE);
  conn->budget = fd_ws_budget_new (connection);
  conn->organization_id = organization_id;
  conn->conversation_id = conversation_id;
  soup_websocket_connection_set_max_incoming_payload_size (connection, FD_WEBSOCKET_MAX_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (connection, 30);
  g_signal_connect (connection, "message", G_CALLBACK (on_message_cb), conn);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed_cb), conn);
  fd_center_add_visitor_conn (self->center, conn);
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
  self->socket_ips = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->ip_sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
fd_visitor_api_attach (FdVisitorApi *self,
                       SoupServer   *server)
{
  self->server = g_object_ref (server);
  self->request_read_id = g_signal_connect (server, "request-read", G_CALLBACK (on_request_read_cb), self);
  soup_server_add_handler (server, FD_VISITOR_API_SESSIONS, on_http_cb, self, NULL);
  soup_server_add_handler (server, FD_VISITOR_API_CALLBACKS, on_http_cb, self, NULL);
  soup_server_add_websocket_handler (server, FD_VISITOR_API_SOCKET, NULL, NULL, on_socket_cb, self, NULL);
}

void
fd_visitor_api_free (FdVisitorApi *self)
{
  if (self->server != NULL)
    {
      g_clear_signal_handler (&self->request_read_id, self->server);
      soup_server_remove_handler (self->server, FD_VISITOR_API_SESSIONS);
      soup_server_remove_handler (self->server, FD_VISITOR_API_CALLBACKS);
      soup_server_remove_handler (self->server, FD_VISITOR_API_SOCKET);
      g_clear_object (&self->server);
    }
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
