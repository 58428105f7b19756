#pragma once

/* Shared by FdEmail's own files only: fd-email.c (the service: which
 * workers run, start and stop), fd-email-fetch.c (an IMAP worker thread)
 * and fd-email-send.c (the outbox sender thread). */

#include "fd-email.h"
#include "fd-email-settings.h"
#include "fd-oauth.h"
#include "fd-oauth-keeper.h"
#include "fd-stream-workers.h"

G_BEGIN_DECLS

typedef struct {
  gatomicrefcount  ref;
  FdEmail         *email;   /* NULL once the service is gone (main loop only) */
} Link;

typedef struct {
  gatomicrefcount  ref;
  gboolean         stopped;      /* main loop only */
  gint64           organization_id;
  gint64           stream_id;
  char            *fingerprint;  /* settings and sealed password: a change restarts */
  FdEmailSettings *settings;
  char            *password;     /* wiped when freed; NULL with OAuth */
  gboolean         oauth;        /* office365, gmail: XOAUTH2 with a token */
  char            *token;        /* worker thread only: the access token of the session; wiped */
  char            *own[2];       /* loop protection: the stream's own address */
  FdEmailOptions   options;
  guint32          uidvalidity;  /* the worker thread's position */
  guint32          last_uid;
  GCancellable    *cancellable;
  GThread         *thread;
  GMutex           lock;
  GCond            cond;
  gboolean         job_done;
  gboolean         job_ok;
  char            *last_health;  /* worker thread only: what it reported last */
  Link            *link;
} Worker;

struct _FdEmail {
  FdCenter       *center;
  FdStore        *store;
  FdSecretBox    *box;
  FdEmailOptions  options;
  GHashTable     *workers;      /* stream id → Worker */
  FdStreamWorkers streams;      /* the workers kept in line, the sender pumped (fd-stream-workers.h) */
  Link           *link;
  /* The sender. */
  GThread        *sender;
  GAsyncQueue    *send_queue;   /* SendJob; a job with no message stops it */
  GCancellable   *send_cancellable;
  GHashTable     *in_flight;    /* message ids handed to the sender */
  /* OAuth (fd-email-oauth.c). */
  char           *oauth_base_url;   /* NULL: the providers' own */
  SoupSession    *oauth_session;
  GCancellable   *oauth_cancellable;
  FdOAuthKeeper  *oauth_keeper;     /* the streams' token sets (fd-oauth-keeper.h) */
  FdAuthorize    *authorize;        /* the authorization flow; NULL: none */
};

/* fd-email.c */
Link    *email_link_ref       (Link    *link);
void     email_link_unref     (Link    *link);
/* Frees a secret, overwritten first. */
void     email_wipe_free      (char    *secret);

/* fd-email-fetch.c */
Worker  *email_worker_ref     (Worker  *w);
void     email_worker_unref   (Worker  *w);
/* The thread of a worker: sessions until it is cancelled; takes a reference. */
gpointer email_worker_thread  (gpointer data);

/* fd-email-send.c */
/* Starts the sender thread. */
void     email_sender_start   (FdEmail *self);
/* Stops the sender thread (the send under way cancelled, queued ones dropped)
 * and frees its queue. */
void     email_sender_stop    (FdEmail *self);
/* Queues the replies whose send is due and not under way. */
void     email_outbox_pump    (FdEmail *self);

/* fd-email-oauth.c */
/* The stream secrets of OAuth streams (stream_secrets.name). */
#define EMAIL_SECRET_OAUTH_TOKENS        "oauth_tokens"
#define EMAIL_SECRET_OAUTH_CLIENT_SECRET "oauth_client_secret"
/* An access token expiring within this is refreshed first. */
#define EMAIL_OAUTH_MARGIN_SECONDS 300

typedef struct _EmailTokenRequest EmailTokenRequest;

gboolean       email_stream_uses_oauth     (const FdEmailSettings *settings);
/* The keeper of the email streams' token sets (fd-email-oauth.c). */
FdOAuthKeeper *email_oauth_keeper_new      (FdEmail     *self);
/* Completes a waiting request as cancelled and drops a reference. */
void           email_token_request_cancel  (gpointer     request);
/* Any thread but the main loop's: a valid access token of the stream,
 * refreshed (and saved) first when it expires soon; FD_OAUTH_ERROR or
 * G_IO_ERROR_CANCELLED otherwise. */
char          *email_oauth_token_wait      (Link          *link,
                                            gint64         organization_id,
                                            gint64         stream_id,
                                            GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
