#define G_LOG_DOMAIN "fd-agent-api"

#include "fd-agent-api.h"
#include "fd-agent-socket.h"
#include "fd-center-actions.h"

#include "fd-auth.h"
#include "fd-listener.h"
#include "fd-rate-limit.h"
#include "fd-ws-silence.h"

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
  FdApiMount    mount;
  GHashTable   *failures;      /* remote host → Failures */
  FdRateLimit  *per_account;   /* casefolded email → sign-ins, successes too */
  FdRateLimit  *per_address;   /* remote host → sign-ins */
  GCancellable *cancellable;   /* cancels sign-ins in the pool at free */
  GPtrArray    *sockets;       /* FdAgentConn*, each frees itself at close */
  GHashTable   *by_agent;      /* gint64* agent id → GPtrArray of its FdAgentConn* */
  FdWsSilence  *silence;      /* one timer pings every socket, closes the silent */
  guint         expiry_id;     /* one timer for every socket's token check */
  gint64        expiry_at;     /* when it fires (monotonic), if expiry_id */
};

typedef struct {
  gint64 window_start;
  guint  count;
} Failures;

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
      answer->organization = fd_store_get_organization (fd_center_get_store (self->center), answer->agent->organization_id,
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
  fd_auth_sign_in_async (fd_center_get_store (self->center), request->email, request->password, self->cancellable,
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

  if (token == NULL || !fd_auth_check_agent_token (fd_center_get_store (self->center), token, &agent, &error) ||
      !fd_auth_revoke_agent_token (fd_center_get_store (self->center), token, &error))
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
  if (!fd_auth_check_agent_token (fd_center_get_store (self->center), token, &agent, error))
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
      if (fd_api_wire_error_for (error) == FD_WIRE_ERROR_INTERNAL)
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
  fd_agent_socket_new (self, self->center, connection, agent, token_hash);
}

/* --- The registry of sockets, subscribed to the center -------------------- */

/* One timer for every socket's token expiry too, armed for the earliest
 * socket due (FdAgentConn.expiry_due): 200 sockets, 200 sources fewer. */
static gboolean on_expiry_cb (gpointer user_data);

static void
arm_expiry (FdAgentApi *self,
            gint64      due,
            gint64      now)
{
  /* Seconds, rounded up, so that the timer finds the token expired. */
  gint64 delay = (due - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  delay = CLAMP (delay, 1, 24 * 3600);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  self->expiry_at = now + delay * G_USEC_PER_SEC;
  self->expiry_id = g_timeout_add_seconds ((guint) delay, on_expiry_cb, self);
}

void
fd_agent_api_schedule_expiry (FdAgentApi *self,
                              gint64      due)
{
  gint64 now = g_get_monotonic_time ();

  /* A timer firing within a second of @due finds it as the socket's own did. */
  if (self->expiry_id == 0 || due + G_USEC_PER_SEC <= self->expiry_at)
    arm_expiry (self, due, now);
}

static gboolean
on_expiry_cb (gpointer user_data)
{
  FdAgentApi *self = user_data;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  gint64 next = 0;

  self->expiry_id = 0;
  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdAgentConn *conn = g_ptr_array_index (self->sockets, i);

      if (conn->expiry_due != 0 && conn->expiry_due <= now)
        g_ptr_array_add (due, conn);
    }
  /* Checked after the walk: a check may close a socket, and each check
   * that keeps its socket sets its next due. */
  for (guint i = 0; i < due->len; i++)
    fd_agent_socket_check_expiry (g_ptr_array_index (due, i));
  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdAgentConn *conn = g_ptr_array_index (self->sockets, i);

      if (conn->expiry_due != 0 && (next == 0 || conn->expiry_due < next))
        next = conn->expiry_due;
    }
  /* A check may have armed the timer for its own socket's next due, later
   * than another socket's. */
  if (next != 0)
    fd_agent_api_schedule_expiry (self, next);
  return G_SOURCE_REMOVE;
}

void
fd_agent_api_add_socket (FdAgentApi  *self,
                         FdAgentConn *conn)
{
  GPtrArray *mine = g_hash_table_lookup (self->by_agent, &conn->agent_id);

  fd_ws_silence_add (self->silence, conn->conn);
  g_ptr_array_add (self->sockets, conn);
  if (mine == NULL)
    {
      mine = g_ptr_array_new ();
      g_hash_table_insert (self->by_agent, g_memdup2 (&conn->agent_id, sizeof conn->agent_id), mine);
    }
  g_ptr_array_add (mine, conn);
}

void
fd_agent_api_remove_socket (FdAgentApi  *self,
                            FdAgentConn *conn)
{
  GPtrArray *mine = g_hash_table_lookup (self->by_agent, &conn->agent_id);

  fd_ws_silence_remove (self->silence, conn->conn);
  g_ptr_array_remove (self->sockets, conn);
  if (mine != NULL && g_ptr_array_remove (mine, conn) && mine->len == 0)
    g_hash_table_remove (self->by_agent, &conn->agent_id);
}

static void
push_to (FdAgentApi *self,
         GPtrArray  *sockets,
         gint64      organization_id,
         gint64      seq,
         gint64      queue_id,
         gint64      agent_id,
         gboolean    folded,
         const char *text)
{
  /* Held until the group commit is synced: one copy for every socket. */
  char *shared = NULL;

  for (guint i = 0; i < sockets->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (sockets, i);

      if (!ac->hello_done || ac->organization_id != organization_id || seq <= ac->last_seq)
        continue;
      /* Its app applied the conversation with the message before. */
      if (folded && ac->message_conversation)
        continue;
      if (!fd_center_agent_may_see (self->center, ac->organization_id, ac->agent_id, queue_id, agent_id))
        continue;
      /* A socket closed for its budget resumes from its last seq. */
      if (shared == NULL)
        shared = g_ref_string_new (text);
      if (fd_ws_budget_send_shared (ac->budget, shared))
        ac->last_seq = seq;
    }
  g_clear_pointer (&shared, g_ref_string_release);
}

static void
sink_agent_event (gpointer    data,
                  gint64      organization_id,
                  gint64      seq,
                  gint64      queue_id,
                  gint64      agent_id,
                  gboolean    folded,
                  const char *text)
{
  FdAgentApi *self = data;

  /* An event for one agent (an offer, its queue-state) looks at that
   * agent's sockets only: a ring-all arrival with many agents joined is
   * one event per agent, and no pass over every socket for each. */
  if (agent_id != 0)
    {
      GPtrArray *mine = g_hash_table_lookup (self->by_agent, &agent_id);

      if (mine != NULL)
        push_to (self, mine, organization_id, seq, queue_id, agent_id, folded, text);
      return;
    }
  push_to (self, self->sockets, organization_id, seq, queue_id, agent_id, folded, text);
}

static gboolean
sink_agent_online (gpointer data,
                   gint64   agent_id)
{
  FdAgentApi *self = data;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->sockets, i);

      if (ac->agent_id == agent_id && ac->hello_done &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        return TRUE;
    }
  return FALSE;
}

static void
sink_close_token (gpointer    data,
                  const char *token_hash,
                  gushort     code,
                  const char *reason)
{
  FdAgentApi *self = data;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->sockets, i);

      if (g_strcmp0 (ac->token_hash, token_hash) == 0 &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ac->conn, code, reason);
    }
}

static void
sink_close_agent (gpointer    data,
                  gint64      organization_id,
                  gint64      agent_id,
                  gushort     code,
                  const char *reason)
{
  FdAgentApi *self = data;

  for (guint i = 0; i < self->sockets->len; i++)
    {
      FdAgentConn *ac = g_ptr_array_index (self->sockets, i);

      if (ac->organization_id == organization_id && ac->agent_id == agent_id &&
          soup_websocket_connection_get_state (ac->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (ac->conn, code, reason);
    }
}

static const FdCenterSink agent_sink = {
  .agent_event = sink_agent_event,
  .agent_online = sink_agent_online,
  .close_token = sink_close_token,
  .close_agent = sink_close_agent,
};

/* --- The object -------------------------------------------------------------- */

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
  self->sockets = g_ptr_array_new ();
  self->by_agent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  /* One timer for every socket's ping and silence check, rather than
   * libsoup's keepalive timer per socket (docs/performance.md, "Fan-out"). */
  self->silence = fd_ws_silence_new (FD_AGENT_SOCKET_KEEPALIVE, FD_AGENT_SOCKET_SILENCE,
                                     "FRONTDESKD_TEST_AGENT_KEEPALIVE");
  fd_center_add_sink (center, &agent_sink, self);
  return self;
}

static const FdApiRoute agent_routes[] = {
  { FD_AGENT_API_SESSIONS, on_sessions_cb, NULL },
  { FD_AGENT_API_SOCKET, NULL, on_socket_cb },
};

static const FdApiSignal agent_signals[] = {
  { "request-read", G_CALLBACK (on_request_read_cb) },
};

void
fd_agent_api_attach (FdAgentApi *self,
                     SoupServer *server)
{
  fd_api_mount (&self->mount, server, agent_routes, G_N_ELEMENTS (agent_routes),
                agent_signals, G_N_ELEMENTS (agent_signals), self);
}

void
fd_agent_api_free (FdAgentApi *self)
{
  fd_api_unmount (&self->mount);
  fd_center_remove_sink (self->center, self);
  g_clear_handle_id (&self->expiry_id, g_source_remove);
  /* Sockets still open point at the API: free them first. */
  while (self->sockets->len > 0)
    fd_agent_socket_free (g_ptr_array_index (self->sockets, self->sockets->len - 1));
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->by_agent, g_hash_table_unref);
  g_clear_pointer (&self->silence, fd_ws_silence_free);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->per_account, fd_rate_limit_free);
  g_clear_pointer (&self->per_address, fd_rate_limit_free);
  g_free (self);
}
