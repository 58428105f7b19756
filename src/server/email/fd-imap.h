/* fd-imap.h: receiving mail from one IMAP mailbox with libetpan.
 *
 * Blocking calls meant for one worker thread per mailbox (docs/email.md,
 * "Receiving (IMAP)"). A session is not shared between threads; the only
 * call another thread may make is g_cancellable_cancel() on the
 * cancellables passed in, which interrupts a connect, a network wait or an
 * IDLE. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_IMAP_ERROR (fd_imap_error_quark ())
GQuark fd_imap_error_quark (void);

typedef enum {
  FD_IMAP_ERROR_NETWORK,    /* unreachable, closed, timed out */
  FD_IMAP_ERROR_TLS,        /* handshake or certificate refused */
  FD_IMAP_ERROR_AUTH,       /* the server refused the credentials */
  FD_IMAP_ERROR_PROTOCOL,   /* the server answered NO/BAD or nonsense */
  FD_IMAP_ERROR_QUOTA,      /* the mailbox is over quota (APPEND) */
  FD_IMAP_ERROR_NO_FOLDER,  /* SELECT or APPEND of a folder that is not there */
  FD_IMAP_ERROR_TOO_LARGE,  /* a message over the size cap (not fetched) */
  FD_IMAP_ERROR_CANCELLED,  /* the cancellable was cancelled */
} FdImapError;

typedef enum {
  FD_IMAP_TLS_IMPLICIT,     /* IMAPS, port 993 */
  FD_IMAP_TLS_STARTTLS,     /* port 143, STARTTLS required */
  FD_IMAP_TLS_NONE,         /* cleartext: loopback tests only */
} FdImapTlsMode;

typedef struct {
  const char *host;
  guint16 port;                 /* 0: 993 for implicit TLS, else 143 */
  FdImapTlsMode tls_mode;
  const char *tls_ca_file;      /* NULL: the system's trust store */
  const char *user;
  const char *password;         /* LOGIN; or … */
  const char *oauth_token;      /* … an access token for XOAUTH2 */
  guint timeout_seconds;        /* connect and each network wait; 0: 30 */
  gsize max_message_size;       /* size cap of one message; 0: 25 MiB */
} FdImapConfig;

typedef struct _FdImapSession FdImapSession;

FdImapSession *fd_imap_connect (const FdImapConfig *config,
                                GCancellable       *cancellable,
                                GError            **error);
void           fd_imap_session_free (FdImapSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdImapSession, fd_imap_session_free)

gboolean fd_imap_has_idle (FdImapSession *session);

gboolean fd_imap_select (FdImapSession *session,
                         const char    *folder,
                         guint32       *uidvalidity,
                         guint32       *uidnext,
                         GError       **error);

/* Called once per message in UID order. raw is the whole message, or NULL
 * with refused set (FD_IMAP_ERROR_TOO_LARGE, or PROTOCOL when the server
 * did not return it) when it was not fetched: the caller records the UID
 * and goes on. The caller stores the message before its new position.
 * Return FALSE to stop (e.g. the store failed). */
typedef gboolean (*FdImapMessageFunc) (guint32       uid,
                                       GBytes       *raw,
                                       const GError *refused,
                                       gpointer      user_data);

/* Every message of the selected folder with UID > last_uid, max_batch at a
 * time (0: 100). Returns FALSE on a session error (set) or when the
 * callback stopped (error unset); *n_seen (may be NULL) counts the
 * callbacks made. */
gboolean fd_imap_fetch_since (FdImapSession     *session,
                              guint32            last_uid,
                              guint              max_batch,
                              FdImapMessageFunc  callback,
                              gpointer           user_data,
                              guint             *n_seen,
                              GError           **error);

typedef enum {
  FD_IMAP_IDLE_FAILED,      /* error set; close the session */
  FD_IMAP_IDLE_NEW_MAIL,    /* the server announced a message (EXISTS) */
  FD_IMAP_IDLE_TIMEOUT,     /* nothing within timeout_seconds */
  FD_IMAP_IDLE_POLL,        /* no IDLE here: poll on the stream's interval */
} FdImapIdleResult;

FdImapIdleResult fd_imap_idle_wait (FdImapSession *session,
                                    guint          timeout_seconds,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* NOOP: asks the server to look at the selected folder now. A poll sends
 * it before fd_imap_fetch_since, since a server may answer other commands
 * from what it saw a moment ago (Dovecot looks at a Maildir again at most
 * every 5 s then), and RFC 3501 names NOOP as the command that polls. */
gboolean fd_imap_noop (FdImapSession *session,
                       GError       **error);

/* Appends raw to folder, flagged \Seen; *uid (may be NULL) is the new
 * message's UID when the server has UIDPLUS, else 0. */
gboolean fd_imap_append_sent (FdImapSession *session,
                              const char    *folder,
                              GBytes        *raw,
                              guint32       *uid,
                              GError       **error);

G_END_DECLS
