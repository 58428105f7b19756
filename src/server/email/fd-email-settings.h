#pragma once

/* The settings of an email stream, from its settings_json (docs/admin.md,
 * "Email streams"): the address and display name, the platform, the IMAP
 * and SMTP servers with their TLS modes, the user name and the polling
 * interval. Never a secret: the password is a separate write-only field,
 * sealed into the store. Read and checked in one place for the admin API,
 * the site import and the workers. Pure; any thread. */

#include <glib.h>

#include "fd-imap.h"
#include "fd-oauth.h"
#include "fd-smtp.h"

G_BEGIN_DECLS

#define FD_EMAIL_SETTINGS_ERROR (fd_email_settings_error_quark ())
GQuark fd_email_settings_error_quark (void);

typedef enum {
  FD_EMAIL_SETTINGS_ERROR_INVALID,  /* a missing or bad field: the message names it */
} FdEmailSettingsError;

#define FD_EMAIL_DEFAULT_POLL_SECONDS 30
#define FD_EMAIL_MIN_POLL_SECONDS     1
#define FD_EMAIL_MAX_POLL_SECONDS     3600
/* A stream's CA file at most (a private CA and its intermediates, or a
 * whole bundle, fits several times). */
#define FD_EMAIL_MAX_CA_FILE_BYTES    (1024 * 1024)

typedef struct {
  char          *address;        /* the stream's address: From of replies, loop protection */
  char          *display_name;   /* NULL = none */
  char          *platform;       /* "other", "office365" or "gmail" (OAuth) */
  char          *imap_host;
  guint16        imap_port;      /* 0 = the TLS mode's default */
  FdImapTlsMode  imap_tls;
  char          *smtp_host;
  guint16        smtp_port;
  FdSmtpTls      smtp_tls;
  char          *user_name;      /* IMAP and SMTP login; NULL = the address */
  guint          poll_seconds;   /* when the server has no IDLE; default 30 */
  char          *sent_folder;    /* IMAP folder a copy of each sent reply goes to; NULL = none */
  char          *oauth_client_id; /* office365, gmail: the registered application */
  char          *oauth_tenant;    /* office365: NULL = "common" */
  char          *ca_file;         /* PEM certificates the IMAP and SMTP servers are checked against;
                                   * NULL = the system's trust store */
} FdEmailSettings;

/* Parses and checks @json (the text of a JSON object) of a stream ready to
 * receive: address, imap_host and smtp_host present (Office 365 and Gmail:
 * their servers by default, and oauth_client_id).
 * TLS mode "none" is refused unless the host is a loopback address. */
FdEmailSettings *fd_email_settings_parse (const char  *json,
                                          GError     **error);
/* What the admin API and the site import accept: every member present
 * well-formed (the same rules), none required. A stream is created with a
 * name alone and completed later; until then it "needs attention". */
gboolean         fd_email_settings_check (const char  *json,
                                          GError     **error);
void             fd_email_settings_free  (FdEmailSettings *settings);

/* Checks a stream's "ca_file" as the server reads it: an absolute path
 * of a regular file it can read, at most FD_EMAIL_MAX_CA_FILE_BYTES, that
 * holds at least one PEM certificate. INVALID with a sentence otherwise. */
gboolean         fd_email_ca_file_check  (const char  *path,
                                          GError     **error);

/* TRUE for "localhost", 127.0.0.0/8 and ::1. */
gboolean         fd_email_host_is_loopback (const char *host);

/* An OAuth stream's token set as sealed in the store and written through
 * the admin API's "oauth_tokens": {"refresh_token", "access_token",
 * "expires_at"} (the last two optional: without an access token it is
 * refreshed at once). FD_OAUTH_ERROR_INVALID when malformed. A CRM
 * connection's tokens are sealed in the same form (fd-crm.c). */
FdOAuthTokens   *fd_email_oauth_tokens_parse   (const char  *json,
                                                gsize        length,
                                                GError     **error);
char            *fd_email_oauth_tokens_to_json (const FdOAuthTokens *tokens);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdEmailSettings, fd_email_settings_free)

G_END_DECLS
