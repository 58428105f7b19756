#pragma once

/* A real SMTP server on loopback for the email tests, started and stopped
 * by the test: aiosmtpd run by /usr/bin/python3 (Debian's
 * python3-aiosmtpd). A missing program fails the test, never skips it.
 *
 * fd_test_smtpd_new_mailbox() runs the command line as an administrator
 * would: `python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c
 * aiosmtpd.handlers.Mailbox DIR`, which parses each message and stores it
 * into the Maildir DIR (with X-Peer, X-MailFrom and X-RcptTo headers added).
 * fd_test_smtpd_new() runs tests/email/fd-smtpd.py for what the command line
 * cannot do (TLS, AUTH, chosen replies); it stores each message byte for
 * byte and its envelope. */

#include <gio/gio.h>

#include "fd-mail-parse.h"

G_BEGIN_DECLS

typedef struct _FdTestSmtpd FdTestSmtpd;

typedef enum {
  FD_TEST_SMTPD_TLS_NONE,
  FD_TEST_SMTPD_TLS_STARTTLS,  /* required before MAIL */
  FD_TEST_SMTPD_TLS_IMPLICIT,
} FdTestSmtpdTls;

typedef struct {
  FdTestSmtpdTls      tls;           /* a self-signed certificate for 127.0.0.1 is made */
  const char         *auth;          /* "user:password": AUTH required */
  const char         *exclude_auth;  /* "PLAIN" or "LOGIN": not offered */
  const char         *xoauth2;       /* "user:token": AUTH XOAUTH2 required */
  const char * const *rcpt_replies;  /* "address=451 4.2.0 Busy", NULL-terminated */
  const char         *data_reply;    /* the reply to every DATA, e.g. "554 5.7.1 No" */
} FdTestSmtpdOptions;

FdTestSmtpd *fd_test_smtpd_new_mailbox (void);
FdTestSmtpd *fd_test_smtpd_new         (const FdTestSmtpdOptions *options);
void         fd_test_smtpd_free        (FdTestSmtpd *smtpd);

guint16      fd_test_smtpd_get_port    (FdTestSmtpd *smtpd);
/* The certificate to trust (PEM), NULL without TLS. */
const char  *fd_test_smtpd_get_ca_file (FdTestSmtpd *smtpd);

/* Waits (at most 20 s) until n messages are stored and returns them in the
 * order they arrived, as GBytes; fails the test otherwise. */
GPtrArray   *fd_test_smtpd_wait_messages (FdTestSmtpd *smtpd,
                                          guint        n);
/* The envelope of the i-th message (fd_test_smtpd_new() only): the sender
 * then each recipient. */
GStrv        fd_test_smtpd_get_envelope  (FdTestSmtpd *smtpd,
                                          guint        i);
/* How many messages are stored now. */
guint        fd_test_smtpd_count         (FdTestSmtpd *smtpd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestSmtpd, fd_test_smtpd_free)

/* A message the server sent (from fd_test_smtpd_wait_messages()), parsed
 * with the server's own MIME reader; a parse error fails the test. */
FdMail      *fd_test_smtpd_parse_message (GBytes *raw);

/* The authorization emails frontdeskd sent through @relay (its mail
 * relay) for the stream named @name, the ones whose text has the line
 * "Name: @name", parsed, in the order they arrived. */
GPtrArray   *fd_test_smtpd_authorization_mails     (FdTestSmtpd *relay,
                                                    const char  *name);
/* Waits (at most 30 s) for the @n-th (1-based) of them and returns it with
 * its link, the line that holds "/authorize/fdal_". */
FdMail      *fd_test_smtpd_wait_authorization_mail (FdTestSmtpd *relay,
                                                    const char  *name,
                                                    guint        n,
                                                    char       **out_url);

G_END_DECLS
