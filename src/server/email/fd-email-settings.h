#pragma once

/* The settings of an email stream, from its settings_json (docs/admin.md,
 * "Email streams"): the address and display name, the platform, the IMAP
 * and SMTP servers with their TLS modes, the user name and the polling
 * interval. Never a secret: the password is a separate write-only field,
 * sealed into the store. Read and checked in one place for the admin API,
 * the site import and the workers. Pure; any thread. */

#include <glib.h>

#include "fd-imap.h"
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

typedef struct {
  char          *address;        /* the stream's address: From of replies, loop protection */
  char          *display_name;   /* NULL = none */
  char          *platform;       /* "other" (Office 365 and Gmail come with OAuth) */
  char          *imap_host;
  guint16        imap_port;      /* 0 = the TLS mode's default */
  FdImapTlsMode  imap_tls;
  char          *smtp_host;
  guint16        smtp_port;
  FdSmtpTls      smtp_tls;
  char          *user_name;      /* IMAP and SMTP login; NULL = the address */
  guint          poll_seconds;   /* when the server has no IDLE; default 30 */
  char          *sent_folder;    /* IMAP folder a copy of each sent reply goes to; NULL = none */
} FdEmailSettings;

/* Parses and checks @json (the text of a JSON object) of a stream ready to
 * receive: address, imap_host and smtp_host present, platform "other".
 * TLS mode "none" is refused unless the host is a loopback address. */
FdEmailSettings *fd_email_settings_parse (const char  *json,
                                          GError     **error);
/* What the admin API and the site import accept: every member present
 * well-formed (the same rules), none required. A stream is created with a
 * name alone and completed later; until then it "needs attention". */
gboolean         fd_email_settings_check (const char  *json,
                                          GError     **error);
void             fd_email_settings_free  (FdEmailSettings *settings);

/* TRUE for "localhost", 127.0.0.0/8 and ::1. */
gboolean         fd_email_host_is_loopback (const char *host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdEmailSettings, fd_email_settings_free)

G_END_DECLS
