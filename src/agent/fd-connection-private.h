#pragma once

/* What the files of the transport share (docs/app.md, "Connection"):
 * fd-connection.c (hello and resume, the frames from the server, start
 * and stop), fd-connection-socket.c (the socket's life: opening, closing,
 * the watchdog, reconnection), fd-offline-queue.c (requests waiting for their ack),
 * fd-connection-sign-in.c (sign-in and sign-out over HTTP),
 * fd-connection-suspend.c (logind's PrepareForSleep) and fd-uploads.c
 * (files over HTTP). Nothing outside them includes this. */

#include <libsoup/soup.h>

#include "fd-connection.h"

G_BEGIN_DECLS

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
  gboolean      before_sleep; /* to be answered before the machine sleeps */
} FdPending;

struct _FdConnection
{
  GObject                  parent_instance;

  char                    *server_url;
  char                    *token;
  FdConnectionState        state;
  gboolean                 active;        /* signed in: keep reconnecting */
  gboolean                 connected_once; /* since sign-in, for the UI's banner */

  SoupSession             *http;          /* sign-in, uploads and the socket */
  SoupWebsocketConnection *socket;
  GCancellable            *connect_cancellable;
  char                    *hello_id;
  gboolean                 hello_done;
  guint64                  next_id;
  gint64                   last_seq;
  /* The pages of a paged snapshot received so far (docs/protocol.md,
   * "snapshot"), applied as one when the last arrives; NULL otherwise. */
  FdSnapshot              *snapshot_pages;
  gint                     snapshot_next_page;
  gint64                   last_traffic;  /* monotonic µs */
  gint64                   last_sent;     /* monotonic µs */

  GQueue                   pending;       /* FdPending*, in request order */

  guint                    reconnect_source;
  guint                    watchdog_source;
  guint                    attempt;
  guint                    backoff_base_ms;
  guint                    backoff_max_ms;

  GCancellable            *cancellable;   /* cancelled in dispose */
  GDBusConnection         *system_bus;
  guint                    sleep_subscription;
  int                      sleep_lock_fd; /* logind's delay lock; -1: none */
  gboolean                 inhibiting;    /* an Inhibit call is under way */
  gboolean                 going_to_sleep; /* from PrepareForSleep(true) to (false) */
  guint                    sleep_source;  /* the bound on the answers awaited before sleeping */
  guint                    sleep_delay_ms;

  FdAgent                 *agent;
  FdOrganization          *organization;
  char                    *crm_provider;   /* the welcome's; NULL = no CRM */
  char                    *crm_user;       /* the agent's own CRM user; NULL = none */
  /* What the events mean: the models and the typed signals. */
  FdSession               *session;
};

/* fd-connection.c */
void      _fd_connection_set_state        (FdConnection      *self,
                                           FdConnectionState  state);
char     *_fd_connection_next_request_id  (FdConnection      *self,
                                           const char        *prefix);
gboolean  _fd_connection_socket_is_open   (FdConnection      *self);
void      _fd_connection_send_frame       (FdConnection      *self,
                                           const FdFrame     *frame);
/* A frame from the server: a reply to its request, an event to the
 * session. */
void      _fd_connection_on_socket_message_cb (SoupWebsocketConnection *socket,
                                               gint                     type,
                                               GBytes                  *message,
                                               FdConnection            *self);
/* The wire error as a FD_CONNECTION_ERROR with the server's sentence, or
 * ours when it sent none. */
GError   *_fd_connection_error_from_body  (const FdErrorBody *body);
/* An HTTP answer that is not the expected one, as a GError: the server's
 * error body when it has one. */
GError   *_fd_connection_http_error       (SoupMessage       *msg,
                                           GBytes            *bytes,
                                           const char        *what);

/* fd-connection-socket.c */
void      _fd_connection_drop_socket      (FdConnection      *self);
/* The machine is going to sleep: the socket closes, state RECONNECTING. */
void      _fd_connection_going_to_sleep   (FdConnection      *self);
void      _fd_connection_open_socket      (FdConnection      *self);
/* Signed in: the socket opens again after a backoff. */
void      _fd_connection_schedule_reconnect (FdConnection    *self);

/* fd-connection-http.c */
typedef gpointer (*FdFromJson) (JsonNode *node, GError **error);
/* Returns *@error (taken) on @task: as it is when it is a cancellation,
 * else as @domain/@code with the sentence "FORMAT: its message". */
void         _fd_connection_return_error (GTask         *task,
                                          GError       **error,
                                          GQuark         domain,
                                          gint           code,
                                          const char    *format,
                                          ...) G_GNUC_PRINTF (5, 6);
/* A request to @url, with the session's @token when not NULL; NULL with
 * a sentence when @url is no address. */
SoupMessage *_fd_connection_http_message (FdConnection  *self,
                                          const char    *method,
                                          const char    *url,
                                          const char    *token,
                                          GError       **error);
/* What an HTTP request expects back: 200 or @also_ok (when not 0), and
 * a body @from_json reads, which @done gets (taken) to complete the task
 * with. @doing ("Signing in") and @answer_to ("the sign-in") name the
 * request in the sentences of the errors. */
typedef struct {
  guint        also_ok;
  const char  *doing;
  const char  *answer_to;
  FdFromJson   from_json;
  void       (*done) (GTask    *task,
                      gpointer  answer);
} FdHttpAnswer;
/* Sends @msg (with @body, when not NULL) on the connection's HTTP session
 * and completes @task (taken) with what @expected says: an error when the
 * server cannot be reached, answers another status or sends what cannot
 * be read. */
void         _fd_connection_http_call    (FdConnection        *self,
                                          SoupMessage         *msg,
                                          const char          *content_type,
                                          GBytes              *body,
                                          GTask               *task,
                                          const FdHttpAnswer  *expected);

/* The welcome named the organization's CRM (NULL or "" = none);
 * notifies "crm-provider" on change. Tests call it in place of a server
 * with a CRM. */
void _fd_connection_set_crm_provider (FdConnection *self,
                                      const char   *crm_provider);
/* The server told who is signed in: a sign-in answer or a welcome. */
void      _fd_connection_set_identity     (FdConnection         *self,
                                           const FdAgent        *agent,
                                           const FdOrganization *organization);
/* Nothing the app knew of the session applies any more (signed out, or
 * another agent signed in): the models are emptied. */
void      _fd_connection_reset            (FdConnection      *self,
                                           gboolean           forget_agent);

/* fd-offline-queue.c */
FdPending *_fd_pending_find               (FdConnection      *self,
                                           const char        *id);
/* Takes @p out of the queue and completes its task with @error (owned) or
 * @ack (owned). */
void      _fd_pending_complete            (FdConnection      *self,
                                           FdPending         *p,
                                           FdFrame           *ack,
                                           GError            *error);
void      _fd_pending_fail_all            (FdConnection      *self,
                                           GQuark             domain,
                                           gint               code,
                                           const char        *message);
/* Sends what has not gone out on the current socket, in request order. */
void      _fd_pending_flush               (FdConnection      *self);
/* The socket dropped: everything in flight goes out again on the next. */
void      _fd_pending_unsend_all          (FdConnection      *self);

/* fd-connection-suspend.c */
void      _fd_connection_watch_suspend    (FdConnection      *self);
void      _fd_connection_unwatch_suspend  (FdConnection      *self);
/* Signed in (or woken up): asks logind for a delay lock, when there is a
 * system bus and none is held or asked for. */
void      _fd_connection_take_sleep_lock  (FdConnection      *self);
/* Signed out or stopped: no lock, no sleep in progress. */
void      _fd_connection_release_sleep_lock (FdConnection    *self);
/* A request left the queue: when it was the last one awaited before a
 * sleep, the socket closes and the lock goes. */
void      _fd_connection_check_sleep      (FdConnection      *self);

G_END_DECLS
