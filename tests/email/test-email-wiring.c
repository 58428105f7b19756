#define G_LOG_DOMAIN "fd-test"

/* The Email channel wired into frontdeskd (docs/email.md, "Wiring"): a real
 * frontdeskd on loopback with a real Dovecot (the stream's mailbox) and a
 * real aiosmtpd (where replies go), driven as an agent app and a customer's
 * mail client would. A missing dovecot or aiosmtpd fails, never skips. */

#include <signal.h>
#include <string.h>

#include "fd-mail-parse.h"
#include "fd-test-client.h"
#include "fd-test-dovecot.h"
#include "fd-test-oauth-provider.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"
#include "test-email-wiring.h"

char *
settings_json (Fixture *f,
               guint16  smtp_port)
{
  return g_strdup_printf ("{\\\"address\\\":\\\"" STREAM_ADDRESS "\\\",\\\"display_name\\\":\\\"Kakapo Support\\\","
                          "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\","
                          "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"none\\\","
                          "\\\"user_name\\\":\\\"%s\\\",\\\"poll_seconds\\\":1}",
                          fd_test_dovecot_get_port (f->dovecot), smtp_port,
                          fd_test_dovecot_get_user (f->dovecot));
}

/* Set by a test's own set-up: how many times a reply is tried (NULL = the
 * server's default). */
static const char *smtp_attempts;

void
start_server (Fixture *f)
{
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--email-backoff-ms", "200", "--email-max-backoff-ms", "1000",
                           "--email-idle-seconds", "5", NULL);
  if (smtp_attempts != NULL)
    fd_test_server_add_args (f->server, "--email-smtp-attempts", smtp_attempts, NULL);
  fd_test_server_start (f->server);
}

/* The demo site, and an email stream on the Sales queue that rings every
 * member, reading the Dovecot mailbox and sending to aiosmtpd (or to
 * @smtp_port when not 0). */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *settings = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) stream = NULL;

  f->dovecot = fd_test_dovecot_new_started (MAILBOX_PASSWORD);
  f->smtpd = fd_test_smtpd_new_mailbox ();
  f->smtp_port = fd_test_smtpd_get_port (f->smtpd);
  start_server (f);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales");

  settings = settings_json (f, data != NULL ? GPOINTER_TO_UINT (data) : f->smtp_port);
  body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Test Mail\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"settings_json\":\"%s\",\"password\":\"" MAILBOX_PASSWORD "\"}",
                          f->queue_id, settings);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  f->stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  /* The password is write-only. */
  g_assert_false (json_object_has_member (json_node_get_object (stream), "password"));
  g_assert_null (strstr (json_object_get_string_member (json_node_get_object (stream), "settings_json"),
                         MAILBOX_PASSWORD));

  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
}

void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->smtpd, fd_test_smtpd_free);
  g_clear_pointer (&f->dovecot, fd_test_dovecot_free);
}

static void
fixture_set_up_smtp_down (Fixture       *f,
                          gconstpointer  data)
{
  smtp_attempts = "2";
  fixture_set_up (f, data);
  smtp_attempts = NULL;
}

/* --- Mail ------------------------------------------------------------------ */

void
deliver (Fixture    *f,
         const char *message_id,
         const char *subject,
         const char *extra_headers,
         const char *text)
{
  fd_test_dovecot_deliver_text (f->dovecot, STREAM_ADDRESS, subject, message_id, "Mon, 7 Dec 2026 09:00:00 +0000",
                                extra_headers, text);
}

/* A customer's mail delivered, offered to @agent and reserved by it: the
 * start of every reply test. Returns the conversation's id. */
gint64
reserve_mail (Fixture     *f,
              FdTestAgent *agent,
              const char  *message_id,
              const char  *subject,
              const char  *extra_headers,
              const char  *text)
{
  g_autoptr(FdOfferEvent) offer = NULL;
  gint64 conversation_id;

  deliver (f, message_id, subject, extra_headers, text);
  offer = wait_offer (agent);
  conversation_id = offer->offer->conversation_id;
  fd_frame_free (fd_test_agent_expect_ack (agent, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  return conversation_id;
}

/* A mail delivered to the mailbox becomes an offer; the agent's reply
 * reaches the customer threaded; the customer's answer joins the
 * conversation by its headers, and by the subject's token without them;
 * an auto-reply opens nothing. */
static void
test_flow (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  g_autoptr(FdMessage) answer = NULL;
  g_autoptr(FdMessage) answer2 = NULL;
  g_autoptr(FdOfferEvent) offer2 = NULL;
  g_autofree char *token = NULL;
  g_autofree char *in_reply_to = NULL;
  g_autofree char *stray_subject = NULL;
  FdFrame *ack, *delivered;
  FdTestAgent *natalie;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  deliver (f, "question-1@customer.test", "Shipping to Norway?", NULL, "Hello, do you ship to Norway?");

  offer = wait_offer (natalie);
  conversation_id = offer->offer->conversation_id;
  g_assert_cmpint (offer->conversation->kind, ==, FD_STREAM_EMAIL);
  g_assert_cmpstr (offer->conversation->subject, ==, "Shipping to Norway?");
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  g_assert_cmpuint (detail->messages->len, >=, 1);
  g_assert_cmpstr (((FdMessage *) g_ptr_array_index (detail->messages, 0))->text, ==,
                   "Hello, do you ship to Norway?");
  g_assert_cmpstr (detail->conversation->visitor_email, ==, CUSTOMER);
  g_assert_false (detail->conversation->address_verified);

  /* The reply: acked once stored with its outbox row, then sent. */
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Yes, we do."));
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  g_assert_cmpint (((FdDelivery *) delivered->body)->conversation_id, ==, conversation_id);
  fd_frame_free (delivered);

  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_cmpstr (reply->from->address, ==, STREAM_ADDRESS);
  g_assert_cmpstr (reply->from->name, ==, "Kakapo Support");
  g_assert_cmpuint (reply->to->len, ==, 1);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->to, 0))->address, ==, CUSTOMER);
  token = g_strdup_printf ("[#%" G_GINT64_FORMAT "]", conversation_id);
  g_assert_nonnull (strstr (reply->subject, token));
  g_assert_true (g_str_has_prefix (reply->subject, "Re: "));
  g_assert_cmpint (reply->token, ==, conversation_id);
  g_assert_cmpstr (reply->in_reply_to, ==, "question-1@customer.test");
  g_assert_cmpuint (reply->references->len, >=, 1);
  g_assert_cmpstr (g_ptr_array_index (reply->references, reply->references->len - 1), ==,
                   "question-1@customer.test");
  g_assert_nonnull (reply->message_id);
  g_assert_true (g_str_has_suffix (reply->message_id, "@example.test"));
  g_assert_nonnull (strstr (reply->text, "Yes, we do."));

  /* The customer answers with In-Reply-To: the same conversation. */
  in_reply_to = g_strdup_printf ("In-Reply-To: <%s>\r\nReferences: <question-1@customer.test> <%s>\r\n",
                                 reply->message_id, reply->message_id);
  deliver (f, "answer-1@customer.test", "Re: something else entirely", in_reply_to, "Great, thanks!");
  answer = fd_test_agent_wait_customer_message (natalie, conversation_id, "Great, thanks!", 30000);
  g_assert_cmpstr (answer->author_name, ==, "Alice Customer");

  /* A client that drops the headers: the subject's token threads it. */
  stray_subject = g_strdup_printf ("Re: Shipping %s", token);
  deliver (f, "answer-2@customer.test", stray_subject, NULL, "One more question.");
  answer2 = fd_test_agent_wait_customer_message (natalie, conversation_id, "One more question.", 30000);
  g_assert_cmpint (answer2->conversation_id, ==, conversation_id);

  /* An auto-reply opens nothing and is never answered; the next new mail
   * is the next offer. */
  deliver (f, "auto-1@customer.test", "Out of office", "Auto-Submitted: auto-replied\r\n", "I am away.");
  deliver (f, "question-2@customer.test", "Another topic", NULL, "A new question.");
  offer2 = wait_offer (natalie);
  g_assert_cmpstr (offer2->conversation->subject, ==, "Another topic");
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM email_mails WHERE automatic = 1 AND conversation_id IS NULL"),
                   ==, 1);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'email'"), ==, 2);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_IN_MESSAGES), ==, 4);
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 1);
  fd_test_agent_free (natalie);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/email/wiring/flow", Fixture, NULL, fixture_set_up, test_flow, fixture_tear_down);
  g_test_add ("/email/wiring/kill-during-sync", Fixture, NULL, fixture_set_up, test_kill_during_sync,
              fixture_tear_down);
  g_test_add ("/email/wiring/outage", Fixture, NULL, fixture_set_up, test_outage, fixture_tear_down);
  g_test_add ("/email/wiring/uidvalidity-change", Fixture, NULL, fixture_set_up, test_uidvalidity_change,
              fixture_tear_down);
  g_test_add ("/email/wiring/outbox-survives-kill", Fixture, GUINT_TO_POINTER (fd_test_free_port ()),
              fixture_set_up, test_outbox_survives_kill, fixture_tear_down);
  g_test_add ("/email/wiring/needs-attention", Fixture, NULL, fixture_set_up, test_needs_attention,
              fixture_tear_down);
  g_test_add ("/email/wiring/stream-health", Fixture, NULL, fixture_set_up, test_stream_health,
              fixture_tear_down);
  g_test_add ("/email/wiring/rejected-then-retry", Fixture, NULL, fixture_set_up, test_rejected_then_retry,
              fixture_tear_down);
  g_test_add ("/email/wiring/sent-copy", Fixture, NULL, fixture_set_up, test_sent_copy, fixture_tear_down);
  g_test_add ("/email/wiring/headers", Fixture, GUINT_TO_POINTER (fd_test_free_port ()), fixture_set_up_smtp_down,
              test_headers, fixture_tear_down);
  g_test_add ("/email/wiring/unparsable", Fixture, NULL, fixture_set_up, test_unparsable, fixture_tear_down);
  g_test_add_func ("/email/wiring/oauth", test_oauth);
  g_test_add_func ("/email/wiring/ca-file", test_ca_file);
  return g_test_run ();
}
