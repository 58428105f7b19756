#pragma once

/* What the files of test-email-wiring share: the fixture (set up in
 * test-email-wiring.c, which has main() and the flow), its mail and
 * database helpers and waits, and the tests each other file holds. */

#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"

G_BEGIN_DECLS

#define MAILBOX_PASSWORD "mailbox-secret-1"
#define STREAM_ADDRESS   "support@example.test"
#define CUSTOMER         "alice@customer.test"

typedef struct {
  FdTestDovecot *dovecot;
  FdTestSmtpd   *smtpd;
  FdTestServer  *server;
  gint64         org_id;
  gint64         queue_id;
  gint64         stream_id;
  guint16        smtp_port;
} Fixture;

/* test-email-wiring.c: the fixture's pieces and the mail helpers. */
char   *settings_json     (Fixture       *f,
                           guint16        smtp_port);
void    start_server      (Fixture       *f);
void    fixture_tear_down (Fixture       *f,
                           gconstpointer  data);
void    deliver           (Fixture       *f,
                           const char    *message_id,
                           const char    *subject,
                           const char    *extra_headers,
                           const char    *text);
gint64  reserve_mail      (Fixture       *f,
                           FdTestAgent   *agent,
                           const char    *message_id,
                           const char    *subject,
                           const char    *extra_headers,
                           const char    *text);

/* --- The database, read beside the running server (WAL) ----------------------- */

/* Polls every 10 ms (fd_test_wait() sleeps until an event of the main
 * context, and a database changes without one) for at most 60 s. */
#define wait_count(f, sql, at_least) fd_test_server_wait_db_count ((f)->server, (sql), (at_least), 10)
/* The stream's health is @wanted, polled every @interval_ms for at most 60 s. */
#define wait_health(f, wanted, interval_ms) \
  fd_test_admin_wait_health ((f)->server, (f)->org_id, (f)->stream_id, (wanted), (interval_ms), 60)

#define COUNT_IN_MESSAGES "SELECT count(*) FROM messages WHERE direction = 'in'"
#define COUNT_MAILS_IN    "SELECT count(*) FROM email_mails WHERE direction = 'in'"

/* --- Agent side ---------------------------------------------------------- */

/* A mail reaches the agent through the worker's IMAP session: allow for a
 * loaded machine (ASan on two shared cores), as the other mail waits do. */
#define wait_offer(agent) fd_test_agent_wait_offer ((agent), 30000, "an offer of a mail")

/* test-email-wiring-mail-in.c */
void test_kill_during_sync     (Fixture       *f,
                                gconstpointer  data);
void test_outage               (Fixture       *f,
                                gconstpointer  data);
void test_uidvalidity_change   (Fixture       *f,
                                gconstpointer  data);
void test_unparsable           (Fixture       *f,
                                gconstpointer  data);

/* test-email-wiring-health.c */
void test_needs_attention      (Fixture       *f,
                                gconstpointer  data);
void test_stream_health        (Fixture       *f,
                                gconstpointer  data);

/* test-email-wiring-replies.c */
void test_outbox_survives_kill (Fixture       *f,
                                gconstpointer  data);
void test_rejected_then_retry  (Fixture       *f,
                                gconstpointer  data);
void test_headers              (Fixture       *f,
                                gconstpointer  data);
void test_sent_copy            (Fixture       *f,
                                gconstpointer  data);

/* test-email-wiring-oauth.c */
void test_oauth                (void);

/* test-email-wiring-ca.c */
void test_ca_file              (void);

G_END_DECLS
