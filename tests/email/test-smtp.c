/* fd_smtp_send() against a real aiosmtpd on loopback: the message arrives
 * byte for byte, to every recipient; STARTTLS and implicit TLS with a
 * certificate trusted through the CA option; AUTH PLAIN, LOGIN and XOAUTH2;
 * every failure as its typed error (AUTH, TLS, TEMPORARY, REJECTED with the
 * server's reply, NETWORK, CANCELLED). */

#include <gmime/gmime.h>
#include <string.h>

#include "fd-mail-compose.h"
#include "fd-smtp.h"
#include "fd-test-smtpd.h"

#define FROM "support@acme.example"
#define TO   "jane@customer.example"

static GBytes *
compose (const char *text)
{
  static const char * const references[] = { "<c1@customer.example>", NULL };
  g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 12, 7, 10, 0, 0);
  g_autoptr(GBytes) pdf = g_bytes_new_static ("%PDF-1.4\n\x00\x01\x02\xff", 13);
  FdMailAttachment attachment = { "Übersicht.pdf", "application/pdf", pdf };
  FdMailReply reply = {
    .from_address = FROM,
    .from_name = "Acme Support",
    .to_address = TO,
    .to_name = "Jane Doe",
    .message_id = "<r1@frontdesk.example>",
    .date = date,
    .subject = "Re: Order 55",
    .conversation = 1234,
    .in_reply_to = "<c2@customer.example>",
    .references = references,
    .text = text,
    .quoted_text = "Where is my order?\n.\n..\n",
    .attachments = &attachment,
    .n_attachments = 1,
  };
  g_autoptr(GError) error = NULL;
  GBytes *message = fd_mail_compose_reply (&reply, &error);

  g_assert_no_error (error);
  return message;
}

static FdSmtpConfig
config_for (FdTestSmtpd *smtpd,
            FdSmtpTls    tls)
{
  FdSmtpConfig config = {
    .host = "127.0.0.1",
    .port = fd_test_smtpd_get_port (smtpd),
    .tls = tls,
    .ca_file = fd_test_smtpd_get_ca_file (smtpd),
    .connect_timeout_s = 10,
    .timeout_s = 60,
  };
  return config;
}

static const char *
header_of (GMimeMessage *message,
           const char   *name)
{
  return g_mime_object_get_header (GMIME_OBJECT (message), name);
}

/* The administrator's aiosmtpd (the command line, Mailbox handler): the
 * reply arrives with its threading headers, for every recipient. */
static void
test_mailbox (void)
{
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new_mailbox ();
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_NONE);
  const char * const rcpt[] = { TO, "copy@acme.example", NULL };
  g_autoptr(GBytes) message = compose ("Thanks, it ships today.");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *parsed;
  const char *rcpt_to;

  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);

  stored = fd_test_smtpd_wait_messages (smtpd, 1);
  g_assert_cmpuint (stored->len, ==, 1);
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (g_ptr_array_index (stored, 0), NULL),
                                              g_bytes_get_size (g_ptr_array_index (stored, 0)));
  parser = g_mime_parser_new_with_stream (stream);
  parsed = g_mime_parser_construct_message (parser, NULL);
  g_assert_nonnull (parsed);

  g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, "Re: Order 55 [#1234]");
  g_assert_cmpstr (g_mime_message_get_message_id (parsed), ==, "r1@frontdesk.example");
  g_assert_cmpstr (header_of (parsed, "In-Reply-To"), ==, "<c2@customer.example>");
  g_assert_cmpstr (header_of (parsed, "References"), ==, "<c1@customer.example> <c2@customer.example>");
  g_assert_cmpstr (header_of (parsed, "X-MailFrom"), ==, FROM);
  rcpt_to = header_of (parsed, "X-RcptTo");
  g_assert_nonnull (rcpt_to);
  g_assert_nonnull (strstr (rcpt_to, TO));
  g_assert_nonnull (strstr (rcpt_to, "copy@acme.example"));

  g_object_unref (parsed);
  g_object_unref (parser);
  g_object_unref (stream);
}

/* The DATA bytes the server got are the message, byte for byte (lines that
 * start with a dot survive the dot-stuffing), with the envelope asked for. */
static void
test_byte_for_byte (void)
{
  FdTestSmtpdOptions options = { 0, };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_NONE);
  const char * const rcpt[] = { TO, "copy@acme.example", "boss@acme.example", NULL };
  g_autoptr(GBytes) message = compose (".\n.. two dots\nÜmlaut line\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_auto(GStrv) envelope = NULL;

  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);

  stored = fd_test_smtpd_wait_messages (smtpd, 1);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (stored, 0), message));

  envelope = fd_test_smtpd_get_envelope (smtpd, 0);
  g_assert_cmpuint (g_strv_length (envelope), ==, 4);
  g_assert_cmpstr (envelope[0], ==, FROM);
  g_assert_cmpstr (envelope[1], ==, TO);
  g_assert_cmpstr (envelope[2], ==, "copy@acme.example");
  g_assert_cmpstr (envelope[3], ==, "boss@acme.example");

  /* A second message on a new connection: no state kept between calls. */
  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = fd_test_smtpd_wait_messages (smtpd, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (stored, 1), message));
}

static void
check_password_auth (const char *exclude)
{
  FdTestSmtpdOptions options = {
    .tls = FD_TEST_SMTPD_TLS_STARTTLS,
    .auth = "agent:s3cret pass",
    .exclude_auth = exclude,
  };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_STARTTLS);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  config.auth = FD_SMTP_AUTH_PASSWORD;
  config.username = "agent";

  /* Wrong password: AUTH, and nothing is delivered. */
  config.password = "wrong";
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_AUTH);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 535);
  g_assert_null (strstr (error->message, "wrong"));
  g_clear_error (&error);

  /* No credentials at all: the server requires them (530), AUTH too. */
  config.auth = FD_SMTP_AUTH_NONE;
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_AUTH);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 530);
  g_clear_error (&error);
  g_assert_cmpuint (fd_test_smtpd_count (smtpd), ==, 0);

  config.auth = FD_SMTP_AUTH_PASSWORD;
  config.password = "s3cret pass";
  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);
  stored = fd_test_smtpd_wait_messages (smtpd, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (stored, 0), message));
}

static void
test_auth_plain (void)
{
  check_password_auth ("LOGIN");
}

static void
test_auth_login (void)
{
  check_password_auth ("PLAIN");
}

/* A certificate nobody vouches for: TLS, before any credential is sent. */
static void
test_starttls_untrusted (void)
{
  FdTestSmtpdOptions options = { .tls = FD_TEST_SMTPD_TLS_STARTTLS };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_STARTTLS);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;

  config.ca_file = NULL;
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_TLS);
  g_assert_cmpuint (fd_test_smtpd_count (smtpd), ==, 0);
}

/* A server that offers no STARTTLS does not get the message in clear. */
static void
test_starttls_missing (void)
{
  FdTestSmtpdOptions options = { 0, };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_STARTTLS);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_TLS);
  g_assert_cmpuint (fd_test_smtpd_count (smtpd), ==, 0);
}

static void
test_implicit_tls (void)
{
  FdTestSmtpdOptions options = { .tls = FD_TEST_SMTPD_TLS_IMPLICIT };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_IMPLICIT);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);
  stored = fd_test_smtpd_wait_messages (smtpd, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (stored, 0), message));
}

static void
test_xoauth2 (void)
{
  FdTestSmtpdOptions options = {
    .tls = FD_TEST_SMTPD_TLS_STARTTLS,
    .xoauth2 = "support@acme.example:ya29.token-1",
  };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_STARTTLS);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  config.auth = FD_SMTP_AUTH_XOAUTH2;
  config.username = "support@acme.example";

  config.access_token = "ya29.expired";
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_AUTH);
  g_assert_null (strstr (error->message, "ya29"));
  g_clear_error (&error);

  config.access_token = "ya29.token-1";
  g_assert_true (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_no_error (error);
  stored = fd_test_smtpd_wait_messages (smtpd, 1);
  g_assert_true (g_bytes_equal (g_ptr_array_index (stored, 0), message));
}

/* 4xx: TEMPORARY (the outbox retries later); 5xx: REJECTED with the
 * server's words. Either way nothing is delivered to anybody. */
static void
test_replies (void)
{
  const char * const replies[] = {
    "busy@customer.example=451 4.2.0 Mailbox busy, try later",
    "nobody@customer.example=550 5.1.1 No such user here",
    NULL
  };
  FdTestSmtpdOptions options = { .rcpt_replies = replies };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_NONE);
  const char * const busy[] = { TO, "busy@customer.example", NULL };
  const char * const nobody[] = { "nobody@customer.example", TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_smtp_send (&config, FROM, busy, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_TEMPORARY);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 451);
  g_assert_cmpstr (fd_smtp_error_get_reply_text (error), ==, "4.2.0 Mailbox busy, try later");
  g_assert_nonnull (strstr (error->message, "451 4.2.0 Mailbox busy, try later"));
  g_clear_error (&error);

  g_assert_false (fd_smtp_send (&config, FROM, nobody, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_REJECTED);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 550);
  g_assert_cmpstr (fd_smtp_error_get_reply_text (error), ==, "5.1.1 No such user here");
  g_assert_nonnull (strstr (error->message, "550 5.1.1 No such user here"));

  /* The reply survives a copy of the error. */
  {
    g_autoptr(GError) copy = g_error_copy (error);

    g_assert_cmpuint (fd_smtp_error_get_reply_code (copy), ==, 550);
    g_assert_cmpstr (fd_smtp_error_get_reply_text (copy), ==, "5.1.1 No such user here");
  }
  g_assert_cmpuint (fd_test_smtpd_count (smtpd), ==, 0);
}

static void
test_data_rejected (void)
{
  FdTestSmtpdOptions options = { .data_reply = "554 5.7.1 Message refused as spam" };
  g_autoptr(FdTestSmtpd) smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_NONE);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_REJECTED);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 554);
  g_assert_cmpstr (fd_smtp_error_get_reply_text (error), ==, "5.7.1 Message refused as spam");
}

static void
test_server_gone (void)
{
  FdTestSmtpdOptions options = { 0, };
  FdTestSmtpd *smtpd = fd_test_smtpd_new (&options);
  FdSmtpConfig config = config_for (smtpd, FD_SMTP_TLS_NONE);
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GBytes) message = compose ("Thanks.");
  g_autoptr(GError) error = NULL;

  fd_test_smtpd_free (smtpd);
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_NETWORK);
  g_assert_cmpuint (fd_smtp_error_get_reply_code (error), ==, 0);
}

/* A server that accepts the connection and never says a word. */
static GSocket *
silent_server (guint16 *port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

typedef struct {
  FdSmtpConfig  config;
  GBytes       *message;
  GCancellable *cancellable;
  GError       *error;
  gboolean      sent;
} SendJob;

static gpointer
send_thread (gpointer data)
{
  SendJob *job = data;
  const char * const rcpt[] = { TO, NULL };

  job->sent = fd_smtp_send (&job->config, FROM, rcpt, job->message, job->cancellable, &job->error);
  return NULL;
}

static void
test_cancel (void)
{
  guint16 port;
  g_autoptr(GSocket) silent = silent_server (&port);

  (void) silent; /* held for its cleanup only */
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) message = compose ("Thanks.");
  SendJob job = {
    .config = { .host = "127.0.0.1", .port = port, .tls = FD_SMTP_TLS_NONE, .timeout_s = 600 },
    .message = message,
    .cancellable = cancellable,
  };
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GError) error = NULL;
  GThread *thread;

  thread = g_thread_new ("smtp-send", send_thread, &job);
  g_usleep (300 * 1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_false (job.sent);
  g_assert_error (job.error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED);
  g_clear_error (&job.error);

  /* Cancelled before: nothing is tried. */
  g_assert_false (fd_smtp_send (&job.config, FROM, rcpt, message, cancellable, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED);
}

static void
test_timeout (void)
{
  guint16 port;
  g_autoptr(GSocket) silent = silent_server (&port);

  (void) silent; /* held for its cleanup only */
  g_autoptr(GBytes) message = compose ("Thanks.");
  FdSmtpConfig config = { .host = "127.0.0.1", .port = port, .tls = FD_SMTP_TLS_NONE, .timeout_s = 1 };
  const char * const rcpt[] = { TO, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_NETWORK);
}

/* Refused before any connection: plain text off loopback, bad addresses. */
static void
test_invalid (void)
{
  g_autoptr(GBytes) message = compose ("Thanks.");
  FdSmtpConfig config = { .host = "mail.example.com", .port = 25, .tls = FD_SMTP_TLS_NONE };
  const char * const rcpt[] = { TO, NULL };
  const char * const bad_rcpt[] = { TO, "x@y>\r\nRCPT TO:<evil@example.com", NULL };
  const char * const no_rcpt[] = { NULL };
  g_autoptr(GError) error = NULL;

  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
  g_clear_error (&error);

  config.host = "127.0.0.1";
  g_assert_false (fd_smtp_send (&config, FROM, bad_rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (fd_smtp_send (&config, FROM, no_rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (fd_smtp_send (&config, "support@acme.example>\r\nDATA", rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
  g_clear_error (&error);

  config.host = "127.0.0.1/path";
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
  g_clear_error (&error);

  config.host = "127.0.0.1";
  config.auth = FD_SMTP_AUTH_XOAUTH2;
  config.username = "support@acme.example";
  g_assert_false (fd_smtp_send (&config, FROM, rcpt, message, NULL, &error));
  g_assert_error (error, FD_SMTP_ERROR, FD_SMTP_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/smtp/mailbox", test_mailbox);
  g_test_add_func ("/smtp/byte-for-byte", test_byte_for_byte);
  g_test_add_func ("/smtp/auth-plain", test_auth_plain);
  g_test_add_func ("/smtp/auth-login", test_auth_login);
  g_test_add_func ("/smtp/starttls-untrusted", test_starttls_untrusted);
  g_test_add_func ("/smtp/starttls-missing", test_starttls_missing);
  g_test_add_func ("/smtp/implicit-tls", test_implicit_tls);
  g_test_add_func ("/smtp/xoauth2", test_xoauth2);
  g_test_add_func ("/smtp/temporary-and-rejected", test_replies);
  g_test_add_func ("/smtp/data-rejected", test_data_rejected);
  g_test_add_func ("/smtp/server-gone", test_server_gone);
  g_test_add_func ("/smtp/cancel", test_cancel);
  g_test_add_func ("/smtp/timeout", test_timeout);
  g_test_add_func ("/smtp/invalid", test_invalid);

  status = g_test_run ();
  g_mime_shutdown ();
  return status;
}
