#pragma once

/* Sending one message over SMTP with libcurl: implicit TLS (smtps://),
 * STARTTLS (required, never optional) or, on loopback only, none; PLAIN/LOGIN
 * with a password or XOAUTH2 with a bearer token.
 *
 * fd_smtp_send() blocks: the server calls it from its outbox worker thread.
 * It keeps no state between calls and may run in several threads at once.
 * Nothing it logs or puts in an error contains the message or a secret; an
 * error carries the server's reply code and text
 * (fd_smtp_error_get_reply_code()) so the agent can see why a reply failed.
 * docs/email.md, "Sending (SMTP)", has the rules. */

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_SMTP_ERROR (fd_smtp_error_quark ())

typedef enum {
  FD_SMTP_ERROR_NETWORK,    /* cannot connect, connection lost, timeout: retry later */
  FD_SMTP_ERROR_TLS,        /* handshake failed, certificate not trusted, no STARTTLS */
  FD_SMTP_ERROR_AUTH,       /* credentials refused: needs the administrator (or a new token) */
  FD_SMTP_ERROR_REJECTED,   /* 5xx: the server refused the message for good */
  FD_SMTP_ERROR_TEMPORARY,  /* 4xx: the server asks to retry later */
  FD_SMTP_ERROR_CANCELLED,  /* the GCancellable was cancelled */
  FD_SMTP_ERROR_INVALID,    /* a bad configuration, sender or recipient (nothing was sent) */
} FdSmtpError;

GQuark fd_smtp_error_quark (void);

/* The last reply of the server (e.g. 550) when the error is one, else 0. */
guint       fd_smtp_error_get_reply_code (const GError *error);
/* That reply's text ("5.7.1 Relay access denied"), or NULL. */
const char *fd_smtp_error_get_reply_text (const GError *error);

typedef enum {
  FD_SMTP_TLS_IMPLICIT,  /* smtps://, usually port 465 */
  FD_SMTP_TLS_STARTTLS,  /* smtp:// upgraded before anything else, usually 587 */
  FD_SMTP_TLS_NONE,      /* plain text: refused unless the host is loopback */
} FdSmtpTls;

typedef enum {
  FD_SMTP_AUTH_NONE,
  FD_SMTP_AUTH_PASSWORD,  /* PLAIN or LOGIN, whichever the server offers */
  FD_SMTP_AUTH_XOAUTH2,   /* Office 365 and Gmail: username + access token */
} FdSmtpAuth;

typedef struct {
  const char *host;               /* required */
  guint16     port;               /* 0 = 465 (implicit) or 587 */
  FdSmtpTls   tls;
  const char *ca_file;            /* PEM bundle to trust; NULL = the system's */
  FdSmtpAuth  auth;
  const char *username;           /* PASSWORD and XOAUTH2 */
  const char *password;           /* PASSWORD */
  const char *access_token;       /* XOAUTH2 */
  guint       connect_timeout_s;  /* 0 = 30 */
  guint       timeout_s;          /* whole transaction; 0 = 300 */
} FdSmtpConfig;

/* Sends message (CRLF line endings, e.g. from fd_mail_compose_reply()) from
 * the envelope sender `from` to every address of the NULL-terminated rcpt.
 * Either every recipient is accepted and the message is sent, or nothing is. */
gboolean fd_smtp_send (const FdSmtpConfig  *config,
                       const char          *from,
                       const char * const  *rcpt,
                       GBytes              *message,
                       GCancellable        *cancellable,
                       GError             **error);

G_END_DECLS
