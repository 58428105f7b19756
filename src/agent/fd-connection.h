#pragma once

#include <gio/gio.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

/* The app's one connection to frontdeskd (docs/app.md, "Connection"), the
 * transport: signs in over HTTP, keeps one agent websocket open, resumes
 * it after drops with backoff, queues requests while offline
 * (fd-offline-queue.c) and uploads files (fd-uploads.c). What the events
 * mean — the models and the typed signals — is its FdSession
 * (fd-session.h). Widgets never talk to the socket: they make typed
 * requests (below, fd-connection-calls.c) and listen to the session. */

#define FD_TYPE_CONNECTION (fd_connection_get_type ())
G_DECLARE_FINAL_TYPE (FdConnection, fd_connection, FD, CONNECTION, GObject)

/* Declared in fd-session.h, which includes this header. */
typedef struct _FdSession FdSession;

typedef enum {
  FD_CONNECTION_STATE_DISCONNECTED,  /* signed out, or stopped */
  FD_CONNECTION_STATE_CONNECTING,    /* first connection after sign-in */
  FD_CONNECTION_STATE_CONNECTED,     /* hello answered: requests flow */
  FD_CONNECTION_STATE_RECONNECTING,  /* the socket dropped; retrying with backoff */
} FdConnectionState;

#define FD_TYPE_CONNECTION_STATE (fd_connection_state_get_type ())
GType fd_connection_state_get_type (void);

#define FD_CONNECTION_ERROR (fd_connection_error_quark ())

/* The wire error codes keep their FdWireError values, so that
 * `error->code == FD_WIRE_ERROR_CONFLICT` reads naturally; the codes after
 * them are the app's own. */
typedef enum {
  FD_CONNECTION_ERROR_MALFORMED = FD_WIRE_ERROR_MALFORMED,
  FD_CONNECTION_ERROR_UNKNOWN_TYPE = FD_WIRE_ERROR_UNKNOWN_TYPE,
  FD_CONNECTION_ERROR_INVALID_FIELD = FD_WIRE_ERROR_INVALID_FIELD,
  FD_CONNECTION_ERROR_TOO_LARGE = FD_WIRE_ERROR_TOO_LARGE,
  FD_CONNECTION_ERROR_UNAUTHORIZED = FD_WIRE_ERROR_UNAUTHORIZED,
  FD_CONNECTION_ERROR_FORBIDDEN = FD_WIRE_ERROR_FORBIDDEN,
  FD_CONNECTION_ERROR_NOT_FOUND = FD_WIRE_ERROR_NOT_FOUND,
  FD_CONNECTION_ERROR_CONFLICT = FD_WIRE_ERROR_CONFLICT,
  FD_CONNECTION_ERROR_INVALID_STATE = FD_WIRE_ERROR_INVALID_STATE,
  FD_CONNECTION_ERROR_RATE_LIMITED = FD_WIRE_ERROR_RATE_LIMITED,
  FD_CONNECTION_ERROR_STREAM_INACTIVE = FD_WIRE_ERROR_STREAM_INACTIVE,
  FD_CONNECTION_ERROR_INTERNAL = FD_WIRE_ERROR_INTERNAL,
  FD_CONNECTION_ERROR_NETWORK = 100,   /* the server cannot be reached */
  FD_CONNECTION_ERROR_PROTOCOL,        /* the server answered something unreadable */
  FD_CONNECTION_ERROR_SIGNED_OUT,      /* not signed in, or signed out meanwhile */
} FdConnectionError;

GQuark              fd_connection_error_quark      (void);

/* @server_url: "http://host:port" (or https) of frontdeskd. */
FdConnection       *fd_connection_new              (const char          *server_url);
const char         *fd_connection_get_server_url   (FdConnection        *self);
FdConnectionState   fd_connection_get_state        (FdConnection        *self);
/* The bearer token of this session (store it with FdSecrets), or NULL. */
const char         *fd_connection_get_token        (FdConnection        *self);
/* The signed-in agent and organization as the server last described them. */
const FdAgent      *fd_connection_get_agent        (FdConnection        *self);
const FdOrganization *fd_connection_get_organization (FdConnection      *self);
/* The organization's connected CRM as the last welcome named it
 * ("salesforce", "zendesk"), NULL without one; notifies "crm-provider". */
const char         *fd_connection_get_crm_provider (FdConnection        *self);
/* The agent's own CRM user id (FdCrmUser, Preferences > CRM) that the
 * app's CRM log entries carry as crm_user; NULL = none. */
const char         *fd_connection_get_crm_user     (FdConnection        *self);
void                fd_connection_set_crm_user     (FdConnection        *self,
                                                    const char          *crm_user);
/* The seq of the last event applied (sent in hello on reconnect). */
gint64              fd_connection_get_last_seq     (FdConnection        *self);
/* The session made with this connection (borrowed; NULL once the
 * connection is disposed): its models and typed signals. */
FdSession          *fd_connection_get_session      (FdConnection        *self);
/* Requests waiting for an ack (queued offline or in flight). */
guint               fd_connection_get_n_pending    (FdConnection        *self);

/* Backoff after a drop: @base_ms doubling to @max_ms, ±20 % jitter
 * (default 500 ms and 30 s). Tests make it fast. */
void                fd_connection_set_backoff      (FdConnection        *self,
                                                    guint                base_ms,
                                                    guint                max_ms);

/* The wait before reconnection attempt @attempt (0 = the first after a
 * drop): @base_ms × 2^@attempt capped at @max_ms, times 1 ± 20 % chosen by
 * @random01 in [0, 1). Exposed for tests and docs/app.md. */
guint               fd_connection_backoff_delay    (guint                base_ms,
                                                    guint                max_ms,
                                                    guint                attempt,
                                                    double               random01);
/* TRUE once the connection listens to logind's PrepareForSleep (FALSE
 * without a system bus). */
gboolean            fd_connection_get_watching_suspend (FdConnection    *self);
/* TRUE while the connection holds logind's delay lock for sleep: signed
 * in, logind there, and not gone to sleep (fd-connection-suspend.c). */
gboolean            fd_connection_get_holding_sleep_lock (FdConnection  *self);
/* How long a suspend waits for the answers to requests queued before it
 * (the app's "unavailable: suspended") before the socket closes anyway;
 * default 3000 ms, under logind's 5 s InhibitDelayMaxSec. */
void                fd_connection_set_sleep_delay  (FdConnection        *self,
                                                    guint                delay_ms);

/* Signs in with email and password (POST /api/agent/v1/sessions), then
 * connects. Errors: FD_CONNECTION_ERROR_UNAUTHORIZED, _RATE_LIMITED,
 * _NETWORK, … */
void                fd_connection_sign_in_async    (FdConnection        *self,
                                                    const char          *email,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_sign_in_finish   (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Connects with a token kept from an earlier sign-in. A token the server
 * refuses ends in state DISCONNECTED and the "signed-out" signal. */
void                fd_connection_start            (FdConnection        *self,
                                                    const char          *token);
/* Closes the socket without signing out (quitting); queued requests fail
 * with G_IO_ERROR_CANCELLED. */
void                fd_connection_stop             (FdConnection        *self);
/* Revokes the token (DELETE /api/agent/v1/sessions/current), then stops
 * and forgets the session even when the server could not be told. */
void                fd_connection_sign_out_async   (FdConnection        *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_sign_out_finish  (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Forces an immediate reconnection attempt (the machine woke up, the
 * network came back). */
void                fd_connection_reconnect_now    (FdConnection        *self);

/* Any request: takes ownership of @body (NULL for none). Queued while
 * offline and sent once connected; completes with the ack frame (free it
 * with fd_frame_free) or a FD_CONNECTION_ERROR carrying the wire code and
 * the server's sentence. The app's code uses the typed requests below;
 * this is what they are built on, and what tests use to send a frame as
 * it is. */
void                fd_connection_request_async    (FdConnection        *self,
                                                    FdFrameType          type,
                                                    gpointer             body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdFrame            *fd_connection_request_finish   (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Typed requests (fd-connection-calls.c). */
void                fd_connection_reserve_async    (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* The reserved conversation. */
FdConversation     *fd_connection_reserve_finish   (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_reject_async     (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_reject_finish    (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_close_conversation_async  (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdConversation     *fd_connection_close_conversation_finish (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Joins (@join TRUE) or leaves a queue. */
void                fd_connection_set_joined_async (FdConnection        *self,
                                                    gint64               queue_id,
                                                    gboolean             join,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_set_joined_finish (FdConnection       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_set_acd_async    (FdConnection        *self,
                                                    FdAcdState           state,
                                                    const char          *reason,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_set_acd_finish   (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Sends a text reply; the client_id is generated here once, so a resend
 * after a reconnect is never stored twice. */
void                fd_connection_send_message_async (FdConnection      *self,
                                                    gint64               conversation_id,
                                                    const char          *text,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* The stored message. */
FdMessage          *fd_connection_send_message_finish (FdConnection     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The largest file fd_connection_upload_file_async() sends (fd-uploads.c). */
#define FD_CONNECTION_UPLOAD_MAX_SIZE (10 * 1024 * 1024)

/* Uploads @file for conversation @conversation_id (POST
 * /api/agent/v1/files with this session's token, the raw bytes as the
 * body, the file's base name as its name) and completes with the
 * server's attachment, ready for send-message. A file over
 * FD_CONNECTION_UPLOAD_MAX_SIZE is refused before anything is sent
 * (FD_CONNECTION_ERROR_TOO_LARGE); not signed in: _SIGNED_OUT; the
 * server's refusals keep their wire codes. */
void                fd_connection_upload_file_async (FdConnection       *self,
                                                    gint64               conversation_id,
                                                    GFile               *file,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdAttachment       *fd_connection_upload_file_finish (FdConnection      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Downloads this server's file @url (an attachment's server-relative
 * "/files/…" URL; anything else is refused). A file the attachment policy
 * refuses is FD_CONNECTION_ERROR with the server's sentence. */
void                fd_connection_download_file_async (FdConnection    *self,
                                                    const char          *url,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GBytes             *fd_connection_download_file_finish (FdConnection   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_mark_read_async  (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    gint64               message_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_mark_read_finish (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Records how a callback's phone call went (callback-attempt). */
void                fd_connection_callback_attempt_async (FdConnection  *self,
                                                    gint64               conversation_id,
                                                    FdCallOutcome        outcome,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_callback_attempt_finish (FdConnection *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Adds a manual entry to the contact in the organization's CRM
 * (crm-log): @subject may be NULL, @text is required; @crm_user (the
 * agent's own CRM user, FdCrmUser; NULL = none) attributes the entry.
 * Acknowledged once the server queued it; without a connected CRM the
 * server answers FD_CONNECTION_ERROR_INVALID_STATE with its sentence. */
void                fd_connection_crm_log_async    (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    const char          *subject,
                                                    const char          *text,
                                                    const char          *crm_user,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_crm_log_finish   (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* What a conversation window needs, so that no widget builds a frame. */

/* The conversation and its transcript (oldest first). */
void                fd_connection_get_conversation_async (FdConnection  *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdConversationDetail *fd_connection_get_conversation_finish (FdConnection *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Sends a message with the caller's @client_id (made once with
 * g_uuid_string_random(); a retry passes the same one, so the server
 * stores it once) and @attachments (FdAttachment*, copied; may be NULL).
 * Finish with fd_connection_send_message_finish(). */
void                fd_connection_send_message_full_async (FdConnection *self,
                                                    gint64               conversation_id,
                                                    const char          *client_id,
                                                    const char          *text,
                                                    GPtrArray           *attachments,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Sends @body (taken) as it is: an email reply with its to, cc and
 * subject (docs/protocol.md, "send-message"). Finish with
 * fd_connection_send_message_finish(). */
void                fd_connection_send_message_body_async (FdConnection *self,
                                                    FdSendMessage       *body,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* Queues an email reply whose delivery failed again (retry-delivery). */
void                fd_connection_retry_delivery_async (FdConnection   *self,
                                                    gint64               conversation_id,
                                                    gint64               message_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* The reply's delivery as it now is (queued). */
FdDelivery         *fd_connection_retry_delivery_finish (FdConnection  *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Twitter: replies publicly to the customer's last post with the Direct
 * Message request link (dm-request; allowed once per conversation,
 * FD_WIRE_ERROR_INVALID_STATE after). */
void                fd_connection_dm_request_async (FdConnection       *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
/* The queued reply the server made. */
FdMessage          *fd_connection_dm_request_finish (FdConnection      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The organization's media streams that need attention (list-stream-health;
 * supervisors and admins only, FD_WIRE_ERROR_FORBIDDEN for an agent). */
/* The Personal Wallboard (docs/protocol.md): the stats report with the
 * agent's own figures, the last hour's samples (FdStats*, oldest first)
 * and, for supervisors and admins, the organization's agents
 * (FdAgentState*, by name; FD_CONNECTION_ERROR_FORBIDDEN for an agent). */
void                fd_connection_stats_async      (FdConnection        *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdStatsReport      *fd_connection_stats_finish     (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_stats_history_async  (FdConnection    *self,
                                                        GCancellable    *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer         user_data);
GPtrArray          *fd_connection_stats_history_finish (FdConnection    *self,
                                                        GAsyncResult    *result,
                                                        GError         **error);
void                fd_connection_list_agent_states_async  (FdConnection *self,
                                                            GCancellable *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer      user_data);
GPtrArray          *fd_connection_list_agent_states_finish (FdConnection *self,
                                                            GAsyncResult *result,
                                                            GError      **error);
void                fd_connection_list_stream_health_async (FdConnection *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdStreamHealthList *fd_connection_list_stream_health_finish (FdConnection *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* A page of the Activity Log (list-conversation-log; docs/protocol.md):
 * @query is copied. */
void                fd_connection_list_conversation_log_async (FdConnection *self,
                                                    const FdLogQuery    *query,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
FdLogPage          *fd_connection_list_conversation_log_finish (FdConnection *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Tells the visitor whether this agent is typing. */
void                fd_connection_send_typing_async (FdConnection       *self,
                                                    gint64               conversation_id,
                                                    gboolean             typing,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_send_typing_finish (FdConnection      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Canned replies / resources visible from @conversation_id (0 = all)
 * matching @search (NULL or "" = all). The finish functions return the
 * items (FdCannedReply* / FdResource*), empty when none. */
void                fd_connection_list_canned_replies_async (FdConnection *self,
                                                    gint64               conversation_id,
                                                    const char          *search,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray          *fd_connection_list_canned_replies_finish (FdConnection *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void                fd_connection_list_resources_async (FdConnection    *self,
                                                    gint64               conversation_id,
                                                    const char          *search,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray          *fd_connection_list_resources_finish (FdConnection   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The contact's last conversations as the server picks them
 * (FdConversation*, newest first). */
void                fd_connection_contact_history_async (FdConnection   *self,
                                                    gint64               contact_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray          *fd_connection_contact_history_finish (FdConnection  *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* The colleagues a conversation can be transferred to (FdColleague*). */
void                fd_connection_list_colleagues_async (FdConnection   *self,
                                                    gint64               conversation_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GPtrArray          *fd_connection_list_colleagues_finish (FdConnection  *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Offers the conversation to colleague @agent_id; what comes of it arrives
 * as conversation events (transfer_to). */
void                fd_connection_transfer_async   (FdConnection        *self,
                                                    gint64               conversation_id,
                                                    gint64               agent_id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean            fd_connection_transfer_finish  (FdConnection        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
