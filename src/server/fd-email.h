#pragma once

/* FdEmail: the Email channel's threads in frontdeskd (docs/email.md,
 * "Wiring"). One IMAP worker thread per active email stream (at most
 * max_workers), started and stopped with the stream's settings and
 * password; each fetched mail is parsed in the worker and handed to the
 * main loop, which stores it with the folder position in one transaction
 * (fd_center_receive_mail()). One sender thread sends the durable outbox
 * over SMTP and reports each result to the center. Everything but the two
 * kinds of thread runs on the main loop. */

#include "fd-authorize.h"
#include "fd-center.h"
#include "fd-secret-box.h"

G_BEGIN_DECLS

typedef struct {
  guint backoff_ms;         /* first delay after an error (IMAP reconnect, SMTP retry); default 2000 */
  guint max_backoff_ms;     /* IMAP reconnect delay cap; default 300000 */
  guint smtp_max_attempts;  /* a reply failing temporarily this often fails; default 8 */
  guint max_workers;        /* IMAP worker threads at most; default 64 */
  guint idle_seconds;       /* one IDLE at most, then a new fetch; default 300 */
  const char *oauth_base_url; /* the OAuth token endpoints on this origin (tests); NULL: the providers' */
} FdEmailOptions;

#define FD_EMAIL_DEFAULT_BACKOFF_MS      2000
#define FD_EMAIL_DEFAULT_MAX_BACKOFF_MS  300000
#define FD_EMAIL_DEFAULT_SMTP_ATTEMPTS   8
#define FD_EMAIL_DEFAULT_MAX_WORKERS     64
#define FD_EMAIL_DEFAULT_IDLE_SECONDS    300
/* An SMTP retry waits at most this long. */
#define FD_EMAIL_MAX_SMTP_BACKOFF_MS     (3600 * 1000)

typedef struct _FdEmail FdEmail;

void     fd_email_options_init (FdEmailOptions       *options);
/* @center and @box must outlive the service. */
FdEmail *fd_email_new          (FdCenter             *center,
                                FdSecretBox          *box,
                                const FdEmailOptions *options);
/* The authorization flow asked for a stream that cannot run without one
 * (no settings, no credentials, a revoked grant); NULL: none. Before
 * fd_email_start(); @authorize must outlive the service. */
void     fd_email_set_authorize (FdEmail             *self,
                                 FdAuthorize         *authorize);
/* Starts the workers of the active email streams and the sender, and
 * follows configuration changes from then on. */
void     fd_email_start        (FdEmail              *self);
/* Stops every thread (cancelled and joined) and frees. */
void     fd_email_free         (FdEmail              *self);

G_END_DECLS
