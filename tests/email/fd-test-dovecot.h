#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real Dovecot (IMAP with IDLE and UIDPLUS) on a free loopback port,
 * with its own configuration, passwd-file, Maildir, base_dir and state_dir
 * in a fresh temporary directory (TESTING.md, "Mail peers"). Cleartext on
 * loopback only. Every failure to start is fatal to the test: a missing
 * dovecot binary fails, it never skips. */
typedef struct _FdTestDovecot FdTestDovecot;

/* One mailbox, user "customer@example.test" with the given password. */
FdTestDovecot *fd_test_dovecot_new_started (const char *password);
/* The same with TLS: STARTTLS on the port, implicit TLS on the TLS port,
 * a certificate for 127.0.0.1 signed by a certificate authority the
 * helper makes with openssl (fd_test_dovecot_get_ca_file()). */
FdTestDovecot *fd_test_dovecot_new_started_tls (const char *password);
guint16        fd_test_dovecot_get_tls_port (FdTestDovecot *self);
/* The same with XOAUTH2 too: Dovecot's oauth2 passdb asks a token
 * introspection endpoint run by the helper, for which token (and only it)
 * is an active grant of the user. */
FdTestDovecot *fd_test_dovecot_new_started_oauth (const char *password,
                                                  const char *token);
/* The test CA's certificate to trust (PEM), NULL without TLS. */
const char    *fd_test_dovecot_get_ca_file (FdTestDovecot *self);
const char    *fd_test_dovecot_get_user    (FdTestDovecot *self);
guint16        fd_test_dovecot_get_port    (FdTestDovecot *self);
/* The user's Maildir (INBOX); folder F is Maildir/.F (Maildir++). */
const char    *fd_test_dovecot_get_maildir (FdTestDovecot *self);
/* Writes raw into Maildir/tmp then renames it into new/, as a delivery
 * agent does. folder NULL is INBOX. */
void           fd_test_dovecot_deliver     (FdTestDovecot *self,
                                            const char    *folder,
                                            const char    *raw,
                                            gssize         length);
/* Delivers to INBOX a plain text (UTF-8) mail from "Alice Customer
 * <alice@customer.test>" to @to, with @subject, Message-ID <@message_id>,
 * Date @date, @extra_headers (each ending in CRLF; NULL: none) and @text. */
void           fd_test_dovecot_deliver_text (FdTestDovecot *self,
                                             const char    *to,
                                             const char    *subject,
                                             const char    *message_id,
                                             const char    *date,
                                             const char    *extra_headers,
                                             const char    *text);
void           fd_test_dovecot_add_folder  (FdTestDovecot *self,
                                            const char    *folder);
/* Messages in the folder's new/ and cur/ (NULL: INBOX). */
guint          fd_test_dovecot_count       (FdTestDovecot *self,
                                            const char    *folder);
/* Appends text to the configuration and restarts (e.g. a quota). */
void           fd_test_dovecot_set_extra_config (FdTestDovecot *self,
                                                 const char    *text);
void           fd_test_dovecot_stop        (FdTestDovecot *self);
/* SIGKILL to Dovecot and every process it started: connections drop. */
void           fd_test_dovecot_kill        (FdTestDovecot *self);
/* Starts again on the same port with the same mail. */
void           fd_test_dovecot_start       (FdTestDovecot *self);
/* Stops, forgets INBOX's UIDs (dovecot-uidlist and the index), starts:
 * the next SELECT gives a new UIDVALIDITY. */
void           fd_test_dovecot_reset_uids  (FdTestDovecot *self);
void           fd_test_dovecot_free        (FdTestDovecot *self);

/* For the agent app's tests: the demo site imported into @server (an
 * FdTestServer), and an email stream "Test Mail" on its Sales queue that
 * rings every member, reading this mailbox (password @password) with the
 * address @address and sending to SMTP on loopback @smtp_port, no TLS.
 * Returns the stream's id; *@org_id the organization's. */
gint64         fd_test_dovecot_add_stream  (FdTestDovecot *self,
                                            gpointer       server,
                                            const char    *password,
                                            const char    *address,
                                            guint16        smtp_port,
                                            gint64        *org_id);
/* Points the stream at SMTP on @smtp_port (the admin API's PATCH). */
void           fd_test_dovecot_set_stream_smtp (FdTestDovecot *self,
                                                gpointer       server,
                                                gint64         org_id,
                                                gint64         stream_id,
                                                const char    *address,
                                                guint16        smtp_port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestDovecot, fd_test_dovecot_free)

G_END_DECLS
