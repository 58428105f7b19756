#define G_LOG_DOMAIN "fd-test"

/* test-email-wiring: servers whose certificates come from a private
 * certificate authority, and the stream's ca_file. */

#include <string.h>

#include "test-email-wiring.h"

/* --- A private certificate authority ------------------------------------------ */

/* The settings of a stream reading Dovecot over implicit TLS and sending
 * over implicit TLS to @smtpd, trusting @ca_file (NULL: the system's
 * trust store). */
static char *
tls_settings_body (Fixture     *f,
                   FdTestSmtpd *smtpd,
                   const char  *ca_file)
{
  g_autofree char *ca = ca_file != NULL ? g_strdup_printf (",\\\"ca_file\\\":\\\"%s\\\"", ca_file) : g_strdup ("");

  return g_strdup_printf ("{\"settings_json\":\"{\\\"address\\\":\\\"" STREAM_ADDRESS "\\\","
                          "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"implicit\\\","
                          "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"implicit\\\","
                          "\\\"user_name\\\":\\\"%s\\\"%s}\"}",
                          fd_test_dovecot_get_tls_port (f->dovecot), fd_test_smtpd_get_port (smtpd),
                          fd_test_dovecot_get_user (f->dovecot), ca);
}

static void
expect_ca_refused (Fixture    *f,
                   const char *path,
                   const char *ca_file,
                   const char *words)
{
  g_autofree char *body = tls_settings_body (f, f->smtpd, ca_file);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (f->server, "PATCH", path, body, 400);
  JsonObject *error = json_object_get_object_member (json_node_get_object (answer), "error");

  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  g_test_message ("%s: %s", ca_file, json_object_get_string_member (error, "message"));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), words));
}

/* Servers whose certificates come from a private CA: without the stream's
 * ca_file the stream needs attention with a certificate reason; a CA file
 * that cannot serve is refused at configuration; with the CA of the IMAP
 * server alone mail arrives but the reply fails on the SMTP server's
 * certificate; with both, the reply is sent. */
void
test_ca_file (void)
{
  g_autofree char *dir = fd_test_make_tmpdir ();
  g_autofree char *imap_ca = g_build_filename (dir, "imap-ca.pem", NULL);
  g_autofree char *both_ca = g_build_filename (dir, "both-ca.pem", NULL);
  g_autofree char *not_pem = g_build_filename (dir, "not-pem.pem", NULL);
  g_autofree char *huge = g_build_filename (dir, "huge.pem", NULL);
  g_autofree char *text = NULL, *smtp_text = NULL, *bundle = NULL, *body = NULL, *path = NULL;
  g_autofree char *reason = NULL, *health = NULL, *padding = NULL;
  g_autoptr(JsonNode) stream = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  FdTestSmtpdOptions options = { .tls = FD_TEST_SMTPD_TLS_IMPLICIT };
  Fixture fixture = { 0 }, *f = &fixture;
  FdTestAgent *natalie;
  FdDelivery *retry;
  FdFrame *frame;
  gint64 conversation_id, message_id;

  f->dovecot = fd_test_dovecot_new_started_tls (MAILBOX_PASSWORD);
  f->smtpd = fd_test_smtpd_new (&options);
  g_assert_true (g_file_get_contents (fd_test_dovecot_get_ca_file (f->dovecot), &text, NULL, NULL));
  g_assert_true (g_file_get_contents (fd_test_smtpd_get_ca_file (f->smtpd), &smtp_text, NULL, NULL));
  bundle = g_strconcat (text, smtp_text, NULL);
  g_assert_true (g_file_set_contents (imap_ca, text, -1, NULL));
  g_assert_true (g_file_set_contents (both_ca, bundle, -1, NULL));
  g_assert_true (g_file_set_contents (not_pem, "not a certificate\n", -1, NULL));
  padding = g_strnfill (1024 * 1024 + 1, '#');
  g_assert_true (g_file_set_contents (huge, padding, -1, NULL));

  start_server (f);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales");
  body = tls_settings_body (f, f->smtpd, NULL);
  body[strlen (body) - 1] = '\0';
  path = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Private CA\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"password\":\"" MAILBOX_PASSWORD "\",%s}", f->queue_id, body + 1);
  g_free (body);
  body = g_steal_pointer (&path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  f->stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, f->org_id, f->stream_id);

  /* The system's trust store does not know the test's CA. */
  wait_health (f, "needs-attention", 100);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_test_message ("reason: %s", reason);
  g_assert_nonnull (strstr (reason, "certificate"));
  g_assert_nonnull (strstr (reason, "ca_file"));

  /* Refused at configuration, the stream left as it was. */
  expect_ca_refused (f, path, "/nonexistent/ca.pem", "cannot read");
  expect_ca_refused (f, path, "relative/ca.pem", "absolute path");
  expect_ca_refused (f, path, not_pem, "no PEM certificate");
  expect_ca_refused (f, path, huge, "larger than");
  expect_ca_refused (f, path, dir, "not a regular file");

  /* The IMAP server's CA: mail arrives; the reply fails on the SMTP
   * server's certificate, which that CA did not sign. */
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  g_free (body);
  body = tls_settings_body (f, f->smtpd, imap_ca);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
  wait_health (f, "ok", 100);
  conversation_id = reserve_mail (f, natalie, "ca-1@customer.test", "Private CA", NULL, "Can you read this?");
  frame = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                    fd_test_send_message (conversation_id, "r-1", "Loud and clear."));
  message_id = ((FdMessage *) frame->body)->id;
  fd_frame_free (frame);
  frame = fd_test_agent_wait_delivery (natalie, 0, FD_DELIVERY_FAILED, 30000);
  g_test_message ("reason: %s", ((FdDelivery *) frame->body)->reason);
  g_assert_cmpint (((FdDelivery *) frame->body)->message_id, ==, message_id);
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 0);
  fd_frame_free (frame);

  /* Both CAs in one file: the reply is sent. */
  g_free (body);
  body = tls_settings_body (f, f->smtpd, both_ca);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
  retry = g_new0 (FdDelivery, 1);
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RETRY_DELIVERY, retry));
  frame = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (frame);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_nonnull (strstr (reply->text, "Loud and clear."));

  fd_test_agent_free (natalie);
  fixture_tear_down (f, NULL);
  fd_test_rm_rf (dir);
}
