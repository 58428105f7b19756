#define G_LOG_DOMAIN "fd-agent-api"

#include "fd-agent-api.h"
#include "fd-agent-socket.h"
#include "fd-center-actions.h"

#include "fd-auth.h"
#include "fd-listener.h"
#include "fd-rate-limit.h"

#include <string.h>

/* Remote addresses whose failures are remembered at most; past it, those
 * whose minute is over are forgotten first, then all. */
#define MAX_FAILURE_HOSTS 4096
/* Keys each sign-in limit remembers (FdRateLimit drops the idlest). */
#define MAX_SIGN_IN_KEYS  4096
/* Retry-After when the hashing queue is full. */
#define BUSY_RETRY_AFTER  2

struct _FdAgentApi
{
  FdCenter     *center;
  SoupServer   *server;
  gulong        request_read_id;
  GHashTable   *failures;      /* remote host → Failures */
  FdRateLimit  *per_account;   /* casefolded email → sign-ins, successes too */
  FdRateLimit  *per_address;   /* remote host → sign-ins */
  GCancellable *cancellable;   /* cancels sign-ins in the pool at free */
};

typedef struct {
  gint64 window_start;
  guint  count;
} Failures;

/* --- HTTP helpers shared with the visitor API -------------------------------- */

void
fd_api_respond_json (SoupServerMessage *msg,
                     guint              status,
                     JsonNode          *node)
{
  g_autoptr(JsonNode) owned = node;
  gsize len = 0;
  char *text = fd_json_to_string (owned, &len);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
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
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"frontdesk\"");
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
  FdWireError code = fd_center_wire_error_for (error);

  if (code == FD_WIRE_ERROR_INTERNAL)
    {
      g_warning ("Request failed: %s", error->message);
      fd_api_respond_error (msg, code, "The server could not handle this request; try again later.", 0);
    }
  else
    fd_api_respond_error (msg, code, error->message, 0);
}

JsonNode *
fd_api_read_body (SoupServerMessage  *msg,
                  GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  JsonNode *node;

  node = fd_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), FD_LIMIT_FRAME_SIZE, error);
  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    {
      json_node_unref (node);
      g_set_error_literal (error, FD_PROTOCOL_ERROR, FD_PROTOCOL_ERROR_MALFORMED,
                           "The request body must be a JSON object.");
      return NULL;
    }
  return node;
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

/* --- Sign-in and sign-out ---------------------------------------------------- */

static const char *
remote_host (SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);

  return host != NULL ? host : "";
}

/* Seconds to wait when @host failed too often, else 0. */
static gint
failures_retry_after (FdAgentApi        *self,
                      SoupServerMessage *msg)
{
  Failures *f = g_hash_table_lookup (self->failures, remote_host (msg));
  gint64 now = g_get_monotonic_time ();

  if (f == NULL || now - f->window_start >= 60 * G_USEC_PER_SEC)
    return 0;
  if (f->count < FD_AGENT_API_MAX_FAILURES)
    return 0;
  return (gint) ((f->window_start + 60 * G_USEC_PER_SEC - now) / G_USEC_PER_SEC) + 1;
}

static gboolean
failure_expired (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  return *(gint64 *) user_data - ((Failures *) value)->window_start >= 60 * G_USEC_PER_SEC;
}

static void
count_failure (FdAgentApi *self,
               const char *host)
{
  Failures *f = g_hash_table_lookup (self->failures, host);
  gint64 now = g_get_monotonic_time ();

  if (f == NULL)
    {
      /* Bounded: forget finished minutes first, then everyone. */
      if (g_hash_table_size (self->failures) >= MAX_FAILURE_HOSTS)
        g_hash_table_foreach_remove (self->failures, failure_expired, &now);
      if (g_hash_table_size (self->failures) >= MAX_FAILURE_HOSTS)
        g_hash_table_remove_all (self->failures);
      f = g_new0 (Failures, 1);
      g_hash_table_insert (self->failures, g_strdup (host), f);
    }
  if (now - f->window_start >= 60 * G_USEC_PER_SEC)
    {
      f->window_start = now;
      f->count = 0;
    }
  f->count++;
}

/* One sign-in waiting for the hashing pool; its message is paused. */
typedef struct {
  FdAgentApi        *self;
  SoupServerMessage *msg;
  char              *host;
  gboolean           gone;       /* the client disconnected meanwhile */
} SignInCall;

static void
on_sign_in_disconnected_cb (SoupServerMessage *msg,
                            SignInCall        *call)
{
  call->gone = TRUE;
}

static void
sign_in_call_free (SignInCall *call)
{
  g_signal_handlers_disconnect_by_data (call->msg, call);
  g_clear_object (&call->msg);
  g_free (call->host);
  g_free (call);
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SignInCall *call = user_data;
  FdAgentApi *self = call->self;
  SoupServerMessage *msg = call->msg;
  g_autoptr(FdSignIn) answer = fd_sign_in_new ();
  g_autoptr(GPtrArray) revoked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = fd_auth_sign_in_finish (result, &answer->agent, &answer->token, revoked, &error);
  /* Cancelled: the API is gone, and @self with it. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || call->gone)
    {
      sign_in_call_free (call);
      return;
    }
  if (!ok && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BUSY))
    fd_api_respond_error (msg, FD_WIRE_ERROR_RATE_LIMITED, error->message, BUSY_RETRY_AFTER);
  else if (!ok && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS))
    {
      count_failure (self, call->host);
      fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, "The email address or the password is wrong.", 0);
    }
  else if (!ok)
    fd_api_respond_gerror (msg, error);
  else
    {
      /* Tokens beyond the agent's bound were revoked: their sockets go. */
      for (guint i = 0; i < revoked->len; i++)
        fd_center_close_token_sockets (self->center, revoked->pdata[i]);
      answer->organization = fd_store_get_organization (self->center->store, answer->agent->organization_id,
                                                        &error);
      if (answer->organization == NULL)
        fd_api_respond_gerror (msg, error);
      else
        {
          fd_center_note_agent (self->center, answer->agent);
          fd_api_respond_json (msg, SOUP_STATUS_OK, fd_sign_in_to_json (answer));
        }
    }
  soup_server_message_unpause (msg);
  sign_in_call_free (call);
}

/* Answers 429 when @key has no sign-in left in @limit. */
static gboolean
limit_refuses (FdRateLimit       *limit,
               const char        *key,
               const char        *message,
               SoupServerMessage *msg)
{
  guint retry_after = 0;

  if (fd_rate_limit_take (limit, key, &retry_after))
    return FALSE;
  fd_api_respond_error (msg, FD_WIRE_ERROR_RATE_LIMITED, message, (gint) retry_after);
  return TRUE;
}

/* Sign-in answers once Argon2 ran in the pool (fd_auth_sign_in_async); the
 * message is paused meanwhile and the main loop serves everyone else.
 * The limits come first and cost nothing: failures per address, then
 * sign-ins per address and per account, successes included. */
static void
sign_in (FdAgentApi        *self,
         SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FdSignInRequest) request = NULL;
  g_autofree char *account = NULL;
  gint retry_after = failures_retry_after (self, msg);
  SignInCall *call;

  if (retry_after > 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_RATE_LIMITED,
                            "Too many failed sign-ins; wait a minute and try again.", retry_after);
      return;
    }
  node = fd_api_read_body (msg, &error);
  request = node != NULL ? fd_sign_in_request_from_json (node, &error) : NULL;
  if (request == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  account = g_utf8_casefold (request->email, -1);
  if (limit_refuses (self->per_address, remote_host (msg),
                     "Too many sign-ins from this address; wait a moment and try again.", msg) ||
      limit_refuses (self->per_account, account,
                     "Too many sign-ins to this account; wait a moment and try again.", msg))
    return;

  call = g_new0 (SignInCall, 1);
  call->self = self;
  call->msg = g_object_ref (msg);
  call->host = g_strdup (remote_host (msg));
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_sign_in_disconnected_cb), call);
  soup_server_message_pause (msg);
  fd_auth_sign_in_async (self->center->store, request->email, request->password, self->cancellable,
                         on_signed_in_cb, call);
}

static void
sign_out (FdAgentApi        *self,
          SoupServerMessage *msg)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  g_autofree char *token_hash = NULL;
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(GError) error = NULL;

  if (token == NULL || !fd_auth_check_agent_token (self->center->store, token, &agent, &error) ||
      !fd_auth_revoke_agent_token (self->center->store, token, &error))
    {
      if (error != NULL && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED))
        fd_api_respond_gerror (msg, error);
      else if (g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_EXPIRED))
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, error->message, 0);
      else
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, "Sign in first: the token is missing or wrong.", 0);
      return;
    }
  token_hash = fd_auth_hash_token (token);
  fd_center_close_token_sockets (self->center, token_hash);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
on_sessions_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FdAgentApi *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_strcmp0 (path, FD_AGENT_API_SESSIONS) == 0 && g_strcmp0 (method, "POST") == 0)
    sign_in (self, msg);
  else if (g_strcmp0 (path, FD_AGENT_API_SESSIONS "/current") == 0 && g_strcmp0 (method, "DELETE") == 0)
    sign_out (self, msg);
  else if (g_strcmp0 (path, FD_AGENT_API_SESSIONS) == 0 || g_strcmp0 (path, FD_AGENT_API_SESSIONS "/current") == 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "This method is not allowed here.", 0);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else
    fd_api_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is nothing at this address.", 0);
}

/* --- The websocket ----------------------------------------------------------- */

/* The agent a handshake's token names, or NULL with an error. */
static FdAgent *
check_handshake (FdAgentApi        *self,
                 SoupServerMessage *msg,
                 char             **out_token_hash,
                 GError           **error)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  FdAgent *agent = NULL;

  if (token == NULL)
    {
      g_set_error_literal (error, FD_CENTER_ERROR, FD_WIRE_ERROR_UNAUTHORIZED,
                           "The websocket needs “Authorization: Bearer <token>”.");
      return NULL;
    }
  if (!fd_auth_check_agent_token (self->center->store, token, &agent, error))
    return NULL;
  if (out_token_hash != NULL)
    *out_token_hash = fd_auth_hash_token (token);
  return agent;
}

/* "WWW-Authenticate" of a refused token (RFC 6750) with @why as its
 * description: ASCII, without the characters that would end the quoted
 * string. */
static char *
bearer_challenge (const char *why)
{
  GString *challenge = g_string_new ("Bearer realm=\"frontdesk\", error=\"invalid_token\", error_description=\"");

  for (const char *p = why; *p != '\0'; p++)
    if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f && *p != '"' && *p != '\\')
      g_string_append_c (challenge, *p);
  g_string_append_c (challenge, '"');
  return g_string_free (challenge, FALSE);
}

/* Runs before any handler: a bad token never reaches the upgrade. */
static void
on_request_read_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  FdAgentApi *self = user_data;
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(GError) error = NULL;
  GUri *uri = soup_server_message_get_uri (msg);

  if (uri == NULL || g_strcmp0 (g_uri_get_path (uri), FD_AGENT_API_SOCKET) != 0)
    return;
  agent = check_handshake (self, msg, NULL, &error);
  if (agent == NULL)
    {
      if (fd_center_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
        fd_api_respond_gerror (msg, error);
      else
        {
          const char *why = error->domain == FD_CENTER_ERROR || error->domain == FD_AUTH_ERROR
                            ? error->message : "The token is wrong, expired or revoked.";
          g_autofree char *challenge = NULL;

          fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, why, 0);
          /* A websocket client sees the headers of a refused handshake, not
           * its body: the reason also travels in the challenge (RFC 6750). */
          challenge = bearer_challenge (why);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "WWW-Authenticate", challenge);
        }
    }
}

static void
on_socket_cb (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  FdAgentApi *self = user_data;
  g_autoptr(FdAgent) agent = NULL;
  g_autofree char *token_hash = NULL;

  agent = check_handshake (self, msg, &token_hash, NULL);
  if (agent == NULL)
    {
      soup_websocket_connection_close (connection, 4401, "Unauthorized");
      return;
    }
  fd_listener_websocket_started (connection, TRUE);
  fd_center_note_agent (self->center, agent);
  fd_agent_socket_new (self->center, connection, agent, token_hash);
}

FdAgentApi *
fd_agent_api_new (FdCenter *center)
{
  FdAgentApi *self = g_new0 (FdAgentApi, 1);

  self->center = center;
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->per_account = fd_rate_limit_new (fd_auth_get_settings ()->sign_ins_per_account,
                                         fd_auth_get_settings ()->sign_ins_per_account, MAX_SIGN_IN_KEYS);
  self->per_address = fd_rate_limit_new (fd_auth_get_settings ()->sign_ins_per_address,
                                         fd_auth_get_settings ()->sign_ins_per_address, MAX_SIGN_IN_KEYS);
  self->cancellable = g_cancellable_new ();
  return self;
}

void
fd_agent_api_attach (FdAgentApi *self,
                     SoupServer *server)
{
  self->server = g_object_ref (server);
  self->request_read_id = g_signal_connect (server, "request-read", G_CALLBACK (on_request_read_cb), self);
  soup_server_add_handler (server, FD_AGENT_API_SESSIONS, on_sessions_cb, self, NULL);
  soup_server_add_websocket_handler (server, FD_AGENT_API_SOCKET, NULL, NULL, on_socket_cb, self, NULL);
}

void
fd_agent_api_free (FdAgentApi *self)
{
  if (self->server != NULL)
    {
      g_clear_signal_handler (&self->request_read_id, self->server);
      soup_server_remove_handler (self->server, FD_AGENT_API_SESSIONS);
      soup_server_remove_handler (self->server, FD_AGENT_API_SOCKET);
      g_clear_object (&self->server);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->per_account, fd_rate_limit_free);
  g_clear_pointer (&self->per_address, fd_rate_limit_free);
  g_free (self);
}
