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

static char *
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

static void
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

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, fd_test_server_free);
  g_clear_pointer (&f->smtpd, fd_test_smtpd_free);
  g_clear_pointer (&f->dovecot, fd_test_dovecot_free);
}

/* --- Mail ------------------------------------------------------------------ */

static void
deliver (Fixture    *f,
         const char *message_id,
         const char *subject,
         const char *extra_headers,
         const char *text)
{
  fd_test_dovecot_deliver_text (f->dovecot, STREAM_ADDRESS, subject, message_id, "Mon, 7 Dec 2026 09:00:00 +0000",
                                extra_headers, text);
}

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

/* A customer's mail delivered, offered to @agent and reserved by it: the
 * start of every reply test. Returns the conversation's id. */
static gint64
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

/* kill -9 while the server is storing a sync: after a restart every mail
 * exactly once, none lost, none doubled. The mails wait in the mailbox
 * while frontdeskd is down, so that the kill lands in the middle of the one
 * sync that follows its start (checked: fewer than all were stored). */
#define SYNC_MAILS 400

static void
test_kill_during_sync (Fixture       *f,
                       gconstpointer  data)
{
  gint64 stored;

  fd_test_server_stop (f->server);
  for (guint i = 0; i < SYNC_MAILS; i++)
    {
      g_autofree char *id = g_strdup_printf ("bulk-%u@customer.test", i);
      g_autofree char *subject = g_strdup_printf ("Question %u", i);

      deliver (f, id, subject, NULL, "Some text.");
    }
  fd_test_server_start (f->server);
  wait_count (f, COUNT_MAILS_IN, 1);
  fd_test_server_kill (f->server);
  stored = fd_test_server_db_count (f->server, COUNT_MAILS_IN);
  g_test_message ("killed after %" G_GINT64_FORMAT " of %d mails", stored, SYNC_MAILS);
  g_assert_cmpint (stored, <, SYNC_MAILS);
  /* Whatever was committed moved the position with it. */
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT last_uid FROM email_folders"), ==, stored);

  fd_test_server_start (f->server);
  wait_count (f, COUNT_MAILS_IN, SYNC_MAILS);
  fd_test_spin (1500);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_MAILS_IN), ==, SYNC_MAILS);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_IN_MESSAGES), ==, SYNC_MAILS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(DISTINCT dedupe_key) FROM email_mails"), ==, SYNC_MAILS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT last_uid FROM email_folders"), ==, SYNC_MAILS);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM conversations WHERE kind = 'email'"), ==, SYNC_MAILS);
}

/* frontdeskd down while 300 mails arrive: all 300 afterwards. */
static void
test_outage (Fixture       *f,
             gconstpointer  data)
{
  fd_test_server_stop (f->server);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("outage-%u@customer.test", i);

      deliver (f, id, "While you were away", NULL, "Hello.");
    }
  fd_test_server_start (f->server);
  wait_count (f, COUNT_MAILS_IN, 300);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_IN_MESSAGES), ==, 300);
}

/* A UIDVALIDITY change re-syncs the whole folder; every mail is dropped as
 * a duplicate by its key. */
static void
test_uidvalidity_change (Fixture       *f,
                         gconstpointer  data)
{
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("uv-%u@customer.test", i);

      deliver (f, id, "Before", NULL, "Hello.");
    }
  wait_count (f, COUNT_MAILS_IN, 5);
  fd_test_server_stop (f->server);
  fd_test_dovecot_reset_uids (f->dovecot);
  deliver (f, "uv-new@customer.test", "After", NULL, "Hello again.");
  fd_test_server_start (f->server);
  wait_count (f, COUNT_MAILS_IN, 6);
  fd_test_spin (1000);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_MAILS_IN), ==, 6);
  g_assert_cmpint (fd_test_server_db_count (f->server, COUNT_IN_MESSAGES), ==, 6);
}

/* The reply is acked while SMTP refuses connections; frontdeskd is killed;
 * SMTP is fixed; after the restart the reply arrives exactly once. */
static void
test_outbox_survives_kill (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *settings = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  FdTestAgent *natalie;
  FdFrame *ack;
  gint64 conversation_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mail (f, natalie, "q@customer.test", "Order 42", NULL, "Where is my order?");
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "It ships today."));
  fd_frame_free (ack);
  fd_frame_free (fd_test_agent_wait_delivery (natalie, 0, FD_DELIVERY_QUEUED, 30000));
  /* At least one attempt failed against the refusing port. */
  wait_count (f, "SELECT count(*) FROM email_outbox WHERE state = 'queued' AND attempts > 0", 1);
  fd_test_agent_free (natalie);
  fd_test_server_kill (f->server);
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 0);

  /* Restart, then point the stream at the working SMTP server. */
  fd_test_server_start (f->server);
  settings = settings_json (f, f->smtp_port);
  body = g_strdup_printf ("{\"settings_json\":\"%s\"}", settings);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));

  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_nonnull (strstr (reply->text, "It ships today."));
  wait_count (f, "SELECT count(*) FROM email_outbox WHERE state = 'sent'", 1);
  fd_test_spin (2000);
  g_assert_cmpuint (fd_test_smtpd_count (f->smtpd), ==, 1);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT attempts FROM email_outbox"), >=, 2);
}

/* A wrong IMAP password: "needs attention" with the reason, visible
 * through the admin API; the right one makes it recover. */
static void
test_needs_attention (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autoptr(JsonNode) answer = NULL;

  wait_health (f, "ok", 250);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"wrong-password\"}", 200));
  wait_health (f, "needs-attention", 250);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "refused the user name or password"));
  g_assert_null (strstr (reason, "wrong-password"));

  /* Mail that arrives meanwhile is fetched after the fix. */
  deliver (f, "late@customer.test", "Late", NULL, "Are you there?");
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"" MAILBOX_PASSWORD "\"}", 200));
  wait_health (f, "ok", 250);
  wait_count (f, COUNT_MAILS_IN, 1);

  /* TLS "none" is for loopback only; a password in the settings is refused. */
  answer = fd_test_admin_expect (f->server, "PATCH", path,
                                 "{\"settings_json\":\"{\\\"address\\\":\\\"a@b.example\\\",\\\"imap_host\\\":"
                                 "\\\"imap.example.com\\\",\\\"imap_tls\\\":\\\"none\\\"}\"}", 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
  g_clear_pointer (&answer, json_node_unref);
  answer = fd_test_admin_expect (f->server, "PATCH", path,
                                 "{\"settings_json\":\"{\\\"password\\\":\\\"x\\\"}\"}", 400);
  g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
}

typedef struct {
  gint64         stream_id;
  FdStreamHealth health;
} HealthMatch;

static gboolean
is_stream_health (const FdFrame *frame,
                  gpointer       data)
{
  HealthMatch *match = data;

  return frame->type == FD_FRAME_STREAM_HEALTH &&
         ((FdStreamHealthInfo *) frame->body)->stream_id == match->stream_id &&
         ((FdStreamHealthInfo *) frame->body)->health == match->health;
}

/* The stream-health event of @health for the fixture's stream. */
static FdStreamHealthInfo *
wait_stream_health (Fixture        *f,
                    FdTestAgent    *agent,
                    FdStreamHealth  health)
{
  HealthMatch match = { f->stream_id, health };
  FdFrame *frame = fd_test_socket_wait_match (agent->socket, is_stream_health, &match, 30000, "stream-health");
  FdStreamHealthInfo *info = g_steal_pointer (&frame->body);

  fd_frame_free (frame);
  return info;
}

/* The item of @stream_id in a list-stream-health ack, NULL when none. */
static const FdStreamHealthInfo *
find_health (const FdFrame *ack,
             gint64         stream_id)
{
  GPtrArray *items = ((FdStreamHealthList *) ack->body)->items;

  for (guint i = 0; i < items->len; i++)
    if (((FdStreamHealthInfo *) g_ptr_array_index (items, i))->stream_id == stream_id)
      return g_ptr_array_index (items, i);
  return NULL;
}

/* The ack of list-stream-health (owned by the returned frame), its email
 * streams only: the demo's twitter stream is listed whatever its health
 * (docs/twitter.md, "Health"). */
static FdFrame *
list_stream_health (FdTestAgent *agent)
{
  FdFrame *ack = fd_test_agent_expect_ack (agent, FD_FRAME_LIST_STREAM_HEALTH, NULL);
  GPtrArray *items = ((FdStreamHealthList *) ack->body)->items;

  for (guint i = items->len; i > 0; i--)
    if (((FdStreamHealthInfo *) g_ptr_array_index (items, i - 1))->kind == FD_STREAM_TWITTER)
      g_ptr_array_remove_index (items, i - 1);
  return ack;
}

/* A supervisor's app sees a stream that needs attention (issue 12): a
 * wrong IMAP password sends "stream-health" with the reason to the
 * connected supervisor and admin, list-stream-health shows the stream, and
 * the fix sends "ok" and empties the list; an agent gets neither (forbidden
 * for the request, no event). */
static void
test_stream_health (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);
  FdTestAgent *natalie;
  FdTestAgent *ed;
  FdTestAgent *jenna;
  g_autoptr(FdFrame) before = NULL;
  g_autoptr(FdFrame) during = NULL;
  g_autoptr(FdFrame) after = NULL;
  g_autoptr(FdStreamHealthInfo) bad = NULL;
  g_autoptr(FdStreamHealthInfo) bad_ed = NULL;
  g_autoptr(FdStreamHealthInfo) fixed = NULL;
  g_autoptr(FdStreamHealthInfo) fixed_ed = NULL;
  const FdStreamHealthInfo *item;
  gint64 demo_stream_id;

  wait_health (f, "ok", 250);
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  jenna = fd_test_agent_sign_in_and_join (f->server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD,
                                          f->queue_id, NULL);
  ed = fd_test_agent_sign_in (f->server, "ed@kakapo.example", "ed-demo-admin");
  fd_test_agent_connect (ed);

  /* The demo's "Support Email" has no mailbox password: it is listed. */
  before = list_stream_health (natalie);
  g_assert_null (find_health (before, f->stream_id));
  g_assert_cmpuint (((FdStreamHealthList *) before->body)->items->len, ==, 1);
  item = g_ptr_array_index (((FdStreamHealthList *) before->body)->items, 0);
  g_assert_cmpstr (item->name, ==, "Support Email");
  demo_stream_id = item->stream_id;
  g_assert_cmpint (item->health, !=, FD_STREAM_HEALTH_OK);
  g_assert_nonnull (item->reason);
  fd_test_agent_expect_error (jenna, FD_FRAME_LIST_STREAM_HEALTH, NULL, FD_WIRE_ERROR_FORBIDDEN);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"wrong-password\"}", 200));
  bad = wait_stream_health (f, natalie, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (bad->name, ==, "Test Mail");
  g_assert_cmpint (bad->kind, ==, FD_STREAM_EMAIL);
  g_assert_nonnull (bad->reason);
  g_assert_nonnull (strstr (bad->reason, "refused the user name or password"));
  g_assert_null (strstr (bad->reason, "wrong-password"));
  bad_ed = wait_stream_health (f, ed, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (bad_ed->reason, ==, bad->reason);

  during = list_stream_health (natalie);
  g_assert_cmpuint (((FdStreamHealthList *) during->body)->items->len, ==, 2);
  item = find_health (during, f->stream_id);
  g_assert_nonnull (item);
  g_assert_cmpint (item->stream_id, ==, f->stream_id);
  g_assert_cmpstr (item->name, ==, "Test Mail");
  g_assert_cmpint (item->kind, ==, FD_STREAM_EMAIL);
  g_assert_cmpint (item->health, ==, FD_STREAM_HEALTH_NEEDS_ATTENTION);
  g_assert_cmpstr (item->reason, ==, bad->reason);
  fd_test_agent_expect_error (jenna, FD_FRAME_LIST_STREAM_HEALTH, NULL, FD_WIRE_ERROR_FORBIDDEN);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, "{\"password\":\"" MAILBOX_PASSWORD "\"}", 200));
  fixed = wait_stream_health (f, natalie, FD_STREAM_HEALTH_OK);
  g_assert_null (fixed->reason);
  g_assert_cmpstr (fixed->name, ==, "Test Mail");
  fixed_ed = wait_stream_health (f, ed, FD_STREAM_HEALTH_OK);
  after = list_stream_health (natalie);
  g_assert_null (find_health (after, f->stream_id));
  g_assert_cmpuint (((FdStreamHealthList *) after->body)->items->len, ==, 1);

  /* A deleted stream needs nobody: ok, and off the list. */
  {
    g_autofree char *demo_path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                                  f->org_id, demo_stream_id);
    g_autoptr(FdFrame) empty = NULL;
    HealthMatch match = { demo_stream_id, FD_STREAM_HEALTH_OK };

    g_assert_null (fd_test_admin_expect (f->server, "DELETE", demo_path, NULL, 204));
    fd_frame_free (fd_test_socket_wait_match (natalie->socket, is_stream_health, &match, 30000, "deleted stream ok"));
    empty = list_stream_health (natalie);
    g_assert_cmpuint (((FdStreamHealthList *) empty->body)->items->len, ==, 0);
  }

  /* The agent was connected the whole time: not one stream-health event. */
  fd_test_socket_settle (jenna->socket, 200);
  g_assert_cmpuint (fd_test_socket_drop (jenna->socket, FD_FRAME_STREAM_HEALTH), ==, 0);

  fd_test_agent_free (ed);
  fd_test_agent_free (jenna);
  fd_test_agent_free (natalie);
}


static void
point_smtp_at (Fixture *f,
               guint16  port)
{
  g_autofree char *settings = settings_json (f, port);
  g_autofree char *body = g_strdup_printf ("{\"settings_json\":\"%s\"}", settings);
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);

  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
}

/* A permanent refusal fails the reply with the server's answer; the agent
 * retries it once the administrator fixed the mail server. */
static void
test_rejected_then_retry (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *auth = g_strdup_printf ("%s:" MAILBOX_PASSWORD, fd_test_dovecot_get_user (f->dovecot));
  FdTestSmtpdOptions options = { .auth = auth, .data_reply = "554 5.7.1 Relaying denied" };
  g_autoptr(FdTestSmtpd) refusing = fd_test_smtpd_new (&options);
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  FdDelivery *retry;
  FdTestAgent *natalie;
  FdFrame *frame;
  gint64 conversation_id, message_id;

  point_smtp_at (f, fd_test_smtpd_get_port (refusing));
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mail (f, natalie, "r@customer.test", "Refund", NULL, "I want a refund.");
  frame = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                    fd_test_send_message (conversation_id, "r-1", "Refund on its way."));
  message_id = ((FdMessage *) frame->body)->id;
  fd_frame_free (frame);

  frame = fd_test_agent_wait_delivery (natalie, 0, FD_DELIVERY_FAILED, 30000);
  g_assert_cmpint (((FdDelivery *) frame->body)->message_id, ==, message_id);
  g_test_message ("reason: %s", ((FdDelivery *) frame->body)->reason);
  g_assert_nonnull (strstr (((FdDelivery *) frame->body)->reason, "5.7.1"));
  g_assert_cmpint (((FdDelivery *) frame->body)->attempts, ==, 1);
  fd_frame_free (frame);

  /* Only a failed reply can be retried, and only a reply. */
  retry = g_new0 (FdDelivery, 1);
  retry->conversation_id = conversation_id;
  retry->message_id = message_id - 1;
  fd_test_agent_expect_error (natalie, FD_FRAME_RETRY_DELIVERY, retry, FD_WIRE_ERROR_NOT_FOUND);

  point_smtp_at (f, f->smtp_port);
  retry = g_new0 (FdDelivery, 1);
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  frame = fd_test_agent_expect_ack (natalie, FD_FRAME_RETRY_DELIVERY, retry);
  g_assert_cmpint (((FdDelivery *) frame->body)->state, ==, FD_DELIVERY_QUEUED);
  fd_frame_free (frame);
  frame = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (frame);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_nonnull (strstr (reply->text, "Refund on its way."));

  retry = g_new0 (FdDelivery, 1);
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  fd_test_agent_expect_error (natalie, FD_FRAME_RETRY_DELIVERY, retry, FD_WIRE_ERROR_INVALID_STATE);
  fd_test_agent_free (natalie);
}

/* The message @message_id of @detail. */
static const FdMessage *
find_message (FdConversationDetail *detail,
              gint64                message_id)
{
  for (guint i = 0; detail->messages != NULL && i < detail->messages->len; i++)
    if (((FdMessage *) g_ptr_array_index (detail->messages, i))->id == message_id)
      return g_ptr_array_index (detail->messages, i);
  g_assert_not_reached ();
}

static void
fixture_set_up_smtp_down (Fixture       *f,
                          gconstpointer  data)
{
  smtp_attempts = "2";
  fixture_set_up (f, data);
  smtp_attempts = NULL;
}

/* An email message carries its mail: the customer's From, To, Cc, Subject
 * and Date; the agent's To, Cc and Subject are what is sent (a bad Cc is
 * refused and stores nothing); get-conversation shows where a reply is:
 * failed with the reason while the SMTP server is down, sent after
 * retry-delivery. A reply without To or Subject goes to the customer with
 * "Re: subject [#id]". */
static void
test_headers (Fixture       *f,
              gconstpointer  data)
{
  const char *to[] = { "Alice Customer <" CUSTOMER ">", "carol@customer.test", NULL };
  const char *cc[] = { "\"Bob, the boss\" <bob@customer.test>", NULL };
  const char *bad_cc[] = { "bob@customer.test", "not an address", NULL };
  g_autoptr(FdConversationDetail) detail = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  g_autoptr(FdMail) reply2 = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *default_subject = NULL;
  const FdMessage *question, *out;
  FdSendMessage *send;
  FdDelivery *retry;
  FdTestAgent *natalie;
  FdFrame *frame;
  gint64 conversation_id, message_id;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mail (f, natalie, "order-42@customer.test", "Order 42",
                                  "Cc: \"Bob, the boss\" <bob@customer.test>, dave@customer.test\r\n",
                                  "Where is my order?");

  /* The customer's mail as received. */
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  question = g_ptr_array_index (detail->messages, 0);
  g_assert_cmpint (question->direction, ==, FD_DIRECTION_IN);
  g_assert_nonnull (question->mail);
  g_assert_null (question->delivery);
  g_assert_cmpstr (question->mail->from_name, ==, "Alice Customer");
  g_assert_cmpstr (question->mail->from, ==, CUSTOMER);
  g_assert_cmpstrv (question->mail->to, ((const char *[]) { STREAM_ADDRESS, NULL }));
  g_assert_cmpstrv (question->mail->cc, ((const char *[]) { "\"Bob, the boss\" <bob@customer.test>",
                                                            "dave@customer.test", NULL }));
  g_assert_cmpstr (question->mail->subject, ==, "Order 42");
  date = g_date_time_new_utc (2026, 12, 7, 9, 0, 0);
  g_assert_cmpint (question->mail->date, ==, g_date_time_to_unix (date) * G_USEC_PER_SEC);
  g_clear_pointer (&detail, fd_conversation_detail_free);

  /* A bad Cc is refused, naming the field; nothing is stored or sent. */
  send = fd_test_send_message (conversation_id, "h-0", "Let me check.");
  send->cc = g_strdupv ((char **) bad_cc);
  fd_test_agent_expect_error (natalie, FD_FRAME_SEND_MESSAGE, send, FD_WIRE_ERROR_INVALID_FIELD);
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM messages WHERE direction = 'out'"), ==, 0);
  send = fd_test_send_message (conversation_id, "h-0", "Let me check.");
  send->to = g_strdupv ((char **) (const char *[]) { "two@x.test, three@x.test", NULL });
  fd_test_agent_expect_error (natalie, FD_FRAME_SEND_MESSAGE, send, FD_WIRE_ERROR_INVALID_FIELD);

  /* The agent's To, Cc and Subject: the token is added. */
  send = fd_test_send_message (conversation_id, "h-1", "Your order left today.");
  send->to = g_strdupv ((char **) to);
  send->cc = g_strdupv ((char **) cc);
  send->subject = g_strdup ("Your order");
  frame = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE, send);
  message_id = ((FdMessage *) frame->body)->id;
  subject = g_strdup_printf ("Your order [#%" G_GINT64_FORMAT "]", conversation_id);
  g_assert_nonnull (((FdMessage *) frame->body)->mail);
  g_assert_cmpstr (((FdMessage *) frame->body)->mail->subject, ==, subject);
  g_assert_cmpstr (((FdMessage *) frame->body)->mail->from, ==, STREAM_ADDRESS);
  g_assert_cmpstr (((FdMessage *) frame->body)->mail->from_name, ==, "Kakapo Support");
  g_assert_nonnull (((FdMessage *) frame->body)->delivery);
  g_assert_cmpint (((FdMessage *) frame->body)->delivery->state, ==, FD_DELIVERY_QUEUED);
  fd_frame_free (frame);

  /* The SMTP server is down: failed for good after two tries; a window
   * opened now shows it. */
  frame = fd_test_agent_wait_delivery (natalie, 0, FD_DELIVERY_FAILED, 30000);
  fd_frame_free (frame);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  out = find_message (detail, message_id);
  g_assert_nonnull (out->mail);
  g_assert_cmpstrv (out->mail->to, to);
  g_assert_cmpstrv (out->mail->cc, cc);
  g_assert_cmpstr (out->mail->subject, ==, subject);
  g_assert_nonnull (out->delivery);
  g_assert_cmpint (out->delivery->state, ==, FD_DELIVERY_FAILED);
  g_assert_cmpint (out->delivery->attempts, ==, 2);
  g_assert_nonnull (out->delivery->reason);
  g_assert_cmpstr (out->delivery->reason, !=, "");
  g_clear_pointer (&detail, fd_conversation_detail_free);

  /* Retried once the server is there: sent as the agent wrote it. */
  point_smtp_at (f, fd_test_smtpd_get_port (f->smtpd));
  retry = g_new0 (FdDelivery, 1);
  retry->conversation_id = conversation_id;
  retry->message_id = message_id;
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RETRY_DELIVERY, retry));
  frame = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (frame);
  detail = fd_test_agent_get_conversation (natalie, conversation_id);
  out = find_message (detail, message_id);
  g_assert_cmpint (out->delivery->state, ==, FD_DELIVERY_SENT);
  g_assert_null (out->delivery->reason);
  g_clear_pointer (&detail, fd_conversation_detail_free);

  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));
  g_assert_cmpstr (reply->subject, ==, subject);
  g_assert_cmpuint (reply->to->len, ==, 2);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->to, 0))->address, ==, CUSTOMER);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->to, 0))->name, ==, "Alice Customer");
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->to, 1))->address, ==, "carol@customer.test");
  g_assert_cmpuint (reply->cc->len, ==, 1);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->cc, 0))->address, ==, "bob@customer.test");
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply->cc, 0))->name, ==, "Bob, the boss");
  g_assert_cmpstr (reply->in_reply_to, ==, "order-42@customer.test");
  g_clear_pointer (&sent, g_ptr_array_unref);

  /* Neither To nor Subject: the customer, "Re: Order 42 [#id]". */
  frame = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                    fd_test_send_message (conversation_id, "h-2", "Anything else?"));
  message_id = ((FdMessage *) frame->body)->id;
  default_subject = g_strdup_printf ("Re: Order 42 [#%" G_GINT64_FORMAT "]", conversation_id);
  g_assert_cmpstr (((FdMessage *) frame->body)->mail->subject, ==, default_subject);
  g_assert_cmpstrv (((FdMessage *) frame->body)->mail->to,
                    ((const char *[]) { "Alice Customer <" CUSTOMER ">", NULL }));
  g_assert_null (((FdMessage *) frame->body)->mail->cc);
  fd_frame_free (frame);
  frame = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (frame);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 2);
  reply2 = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 1));
  g_assert_cmpstr (reply2->subject, ==, default_subject);
  g_assert_cmpuint (reply2->to->len, ==, 1);
  g_assert_cmpstr (((FdMailAddress *) g_ptr_array_index (reply2->to, 0))->address, ==, CUSTOMER);
  g_assert_cmpuint (reply2->cc->len, ==, 0);
  fd_test_agent_free (natalie);
}

/* Mail that is not a mail: kept raw as a file on a conversation that says
 * so, never dropped. */
static void
test_unparsable (Fixture       *f,
                 gconstpointer  data)
{
  static const char raw[] = "\0\001\002\377\376 binary garbage without any header\0\n";
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(FdConversationDetail) detail = NULL;
  FdTestAgent *natalie;
  FdMessage *msg;
  FdAttachment *attachment;

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  fd_test_dovecot_deliver (f->dovecot, NULL, raw, sizeof raw - 1);
  offer = wait_offer (natalie);
  detail = fd_test_agent_get_conversation (natalie, offer->offer->conversation_id);
  g_assert_cmpuint (detail->messages->len, ==, 1);
  msg = g_ptr_array_index (detail->messages, 0);
  g_assert_nonnull (strstr (msg->text, "could not be read"));
  g_assert_nonnull (msg->attachments);
  g_assert_cmpuint (msg->attachments->len, ==, 1);
  attachment = g_ptr_array_index (msg->attachments, 0);
  g_assert_cmpstr (attachment->name, ==, "unreadable-mail.eml");
  g_assert_cmpint (attachment->size, >=, (gint64) sizeof raw - 2);
  fd_test_agent_free (natalie);
}

/* The stream's settings with "sent_folder": @folder. */
static void
set_sent_folder (Fixture    *f,
                 const char *folder)
{
  g_autofree char *settings = settings_json (f, f->smtp_port);
  g_autofree char *body = NULL;
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           f->org_id, f->stream_id);

  settings[strlen (settings) - 1] = '\0';
  body = g_strdup_printf ("{\"settings_json\":\"%s,\\\"sent_folder\\\":\\\"%s\\\"}\"}", settings, folder);
  json_node_unref (fd_test_admin_expect (f->server, "PATCH", path, body, 200));
}

typedef struct {
  Fixture    *f;
  const char *folder;
  guint       count;
} FolderWait;

static gboolean
folder_has (gpointer data)
{
  FolderWait *wait = data;

  return fd_test_dovecot_count (wait->f->dovecot, wait->folder) >= wait->count;
}

/* Every message of the Maildir++ folder, concatenated. */
static char *
folder_text (Fixture    *f,
             const char *folder)
{
  g_autoptr(GString) text = g_string_new (NULL);
  static const char * const subdirs[] = { "new", "cur" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *dir_path = g_strdup_printf ("%s/.%s/%s", fd_test_dovecot_get_maildir (f->dovecot), folder,
                                                   subdirs[i]);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (dir_path, name, NULL);
          g_autofree char *contents = NULL;

          g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
          g_string_append (text, contents);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* With "sent_folder", a copy of each sent reply is appended to that folder
 * of the mailbox; when the copy fails (no such folder) the reply is still
 * sent, never failed, and the stream "needs attention" with the reason. */
static void
test_sent_copy (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(FdMessage) answer = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(FdMail) reply = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *health = NULL;
  g_autofree char *subject = NULL;
  FolderWait one_copy = { f, "Sent", 1 };
  FdTestAgent *natalie;
  FdFrame *ack, *delivered;
  gint64 conversation_id, message_id;

  fd_test_dovecot_add_folder (f->dovecot, "Sent");
  set_sent_folder (f, "Sent");
  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  conversation_id = reserve_mail (f, natalie, "question-1@customer.test", "Shipping to Norway?", NULL,
                                  "Hello, do you ship to Norway?");

  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Yes, we do."));
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (delivered);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  reply = fd_test_smtpd_parse_message (g_ptr_array_index (sent, 0));

  /* The copy in Dovecot's Sent maildir is the message that was sent. */
  fd_test_poll_until (folder_has, &one_copy, 20, 60, "a copy in Sent");
  g_assert_cmpuint (fd_test_dovecot_count (f->dovecot, "Sent"), ==, 1);
  copy = folder_text (f, "Sent");
  g_assert_nonnull (strstr (copy, reply->message_id));
  g_assert_nonnull (strstr (copy, "Yes, we do."));
  g_assert_cmpuint (fd_test_dovecot_count (f->dovecot, NULL), ==, 1);

  /* A folder the mailbox does not have. The customer's next mail shows the
   * restarted worker has synced (and reported "ok") before the reply. */
  set_sent_folder (f, "Nowhere");
  subject = g_strdup_printf ("Re: Shipping [#%" G_GINT64_FORMAT "]", conversation_id);
  deliver (f, "answer-1@customer.test", subject, NULL, "And to Iceland?");
  answer = fd_test_agent_wait_customer_message (natalie, conversation_id, "And to Iceland?", 30000);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-2", "Iceland too."));
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (delivered);
  g_clear_pointer (&sent, g_ptr_array_unref);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 2);
  wait_health (f, "needs-attention", 50);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "copy to the Sent folder failed"));
  g_assert_nonnull (strstr (reason, "Nowhere"));
  g_assert_null (strstr (reason, MAILBOX_PASSWORD));
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT count(*) FROM email_outbox WHERE state = 'sent'"), ==, 2);
  g_assert_cmpuint (fd_test_dovecot_count (f->dovecot, "Sent"), ==, 1);
  fd_test_agent_free (natalie);
}

/* --- OAuth (Office 365) ----------------------------------------------------- */

#define OAUTH_CLIENT_ID     "frontdesk-test-app"
#define OAUTH_CLIENT_SECRET "app-secret-1"
#define OAUTH_ACCESS_TOKEN  "access-granted-1"
#define MICROSOFT_SCOPE     "https://outlook.office.com/IMAP.AccessAsUser.All " \
                            "https://outlook.office.com/SMTP.Send offline_access"

/* An Office 365 stream against a local Microsoft token endpoint, a
 * Dovecot and an aiosmtpd that accept only the access token the provider
 * issues: the stored access token has expired, so the server refreshes
 * before it signs in; the provider rotates the refresh token at every
 * refresh (and voids the old one) and answers tokens that expire within
 * the server's margin, so each sign-in refreshes again: the reply after
 * the first mail is only sent if the rotated refresh token was saved.
 * Then the grant is revoked: the stream "needs authorization". */
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
static void
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

static void
test_oauth (void)
{
  g_autoptr(FdTestOAuthProvider) provider = NULL;
  g_autoptr(FdOfferEvent) offer = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(JsonNode) stream = NULL;
  g_autofree char *user_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *health = NULL;
  g_autofree char *reason = NULL;
  FdTestSmtpdOptions smtpd_options = { 0 };
  FdFrame *ack, *delivered;
  FdTestAgent *natalie;
  Fixture fixture = { 0 }, *f = &fixture;
  gint64 conversation_id, message_id;
  guint grants;

  provider = fd_test_oauth_provider_new (FD_TEST_OAUTH_MICROSOFT, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET);
  fd_test_oauth_provider_set_access_token (provider, OAUTH_ACCESS_TOKEN);
  fd_test_oauth_provider_set_expires_in (provider, 60);
  refresh_token = fd_test_oauth_provider_grant (provider, MICROSOFT_SCOPE);

  f->dovecot = fd_test_dovecot_new_started_oauth (MAILBOX_PASSWORD, OAUTH_ACCESS_TOKEN);
  user_token = g_strdup_printf ("%s:" OAUTH_ACCESS_TOKEN, fd_test_dovecot_get_user (f->dovecot));
  smtpd_options.xoauth2 = user_token;
  f->smtpd = fd_test_smtpd_new (&smtpd_options);
  f->server = fd_test_server_new ();
  fd_test_server_add_args (f->server, "--email-backoff-ms", "200", "--email-max-backoff-ms", "1000",
                           "--email-idle-seconds", "5", "--email-oauth-base-url",
                           fd_test_oauth_provider_get_base_url (provider), NULL);
  fd_test_server_start (f->server);
  f->org_id = fd_test_admin_import_demo (f->server);
  f->queue_id = fd_test_admin_find_id (f->server, f->org_id, "queues", "Sales");

  settings = g_strdup_printf ("{\\\"address\\\":\\\"" STREAM_ADDRESS "\\\",\\\"platform\\\":\\\"office365\\\","
                              "\\\"oauth_client_id\\\":\\\"" OAUTH_CLIENT_ID "\\\","
                              "\\\"imap_host\\\":\\\"127.0.0.1\\\",\\\"imap_port\\\":%u,\\\"imap_tls\\\":\\\"none\\\","
                              "\\\"smtp_host\\\":\\\"127.0.0.1\\\",\\\"smtp_port\\\":%u,\\\"smtp_tls\\\":\\\"none\\\","
                              "\\\"user_name\\\":\\\"%s\\\",\\\"poll_seconds\\\":1}",
                              fd_test_dovecot_get_port (f->dovecot), fd_test_smtpd_get_port (f->smtpd),
                              fd_test_dovecot_get_user (f->dovecot));
  body = g_strdup_printf ("{\"kind\":\"email\",\"name\":\"Office Mail\",\"queue_id\":%" G_GINT64_FORMAT ","
                          "\"settings_json\":\"%s\",\"oauth_client_secret\":\"" OAUTH_CLIENT_SECRET "\","
                          "\"oauth_tokens\":{\"access_token\":\"expired-access\",\"refresh_token\":\"%s\","
                          "\"expires_at\":1}}",
                          f->queue_id, settings, refresh_token);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", f->org_id);
  stream = fd_test_admin_expect (f->server, "POST", path, body, 201);
  f->stream_id = json_object_get_int_member (json_node_get_object (stream), "id");
  g_free (path);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                          f->org_id, f->stream_id);
  json_node_unref (fd_test_admin_expect (f->server, "PUT", path,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
  /* A token set without a refresh token, or secrets in the settings, are
   * refused. */
  {
    g_autofree char *item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                             f->org_id, f->stream_id);
    g_autoptr(JsonNode) answer = fd_test_admin_expect (f->server, "PATCH", item,
                                                       "{\"oauth_tokens\":{\"access_token\":\"a\"}}", 400);
    g_autoptr(JsonNode) answer2 = fd_test_admin_expect (f->server, "PATCH", item,
                                                        "{\"settings_json\":\"{\\\"oauth_tokens\\\":{}}\"}", 400);

    g_autoptr(JsonNode) answer3 = fd_test_admin_expect (f->server, "PATCH", item,
                                                        "{\"name\":\"Renamed\",\"oauth_tokens\":[]}", 400);
    g_autoptr(JsonNode) got = NULL;

    g_assert_cmpstr (fd_test_http_error_code (answer), ==, "invalid-field");
    g_assert_cmpstr (fd_test_http_error_code (answer2), ==, "invalid-field");
    /* A refused secret leaves the stream as it was. */
    g_assert_cmpstr (fd_test_http_error_code (answer3), ==, "invalid-field");
    got = fd_test_admin_expect (f->server, "GET", item, NULL, 200);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (got), "name"), ==, "Office Mail");
  }
  /* Sealed at rest. */
  g_assert_false (fd_test_server_db_contains (f->server, refresh_token));
  g_assert_false (fd_test_server_db_contains (f->server, OAUTH_CLIENT_SECRET));

  natalie = fd_test_agent_sign_in_and_join (f->server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD,
                                            f->queue_id, NULL);
  deliver (f, "oauth-1@customer.test", "Invoice", NULL, "Where is my invoice?");
  offer = wait_offer (natalie);
  conversation_id = offer->offer->conversation_id;
  grants = fd_test_oauth_provider_get_grants (provider);
  g_assert_cmpuint (grants, >=, 1);

  /* The reply: the sender refreshes again, with the rotated token. */
  fd_frame_free (fd_test_agent_expect_ack (natalie, FD_FRAME_RESERVE, fd_test_conversation_ref (conversation_id)));
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-1", "Attached again."));
  message_id = ((FdMessage *) ack->body)->id;
  fd_frame_free (ack);
  delivered = fd_test_agent_wait_delivery (natalie, message_id, FD_DELIVERY_SENT, 30000);
  fd_frame_free (delivered);
  sent = fd_test_smtpd_wait_messages (f->smtpd, 1);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpuint (fd_test_oauth_provider_get_grants (provider), >, grants);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, NULL);
  g_assert_cmpstr (health, ==, "ok");
  {
    g_autofree char *item = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                             f->org_id, f->stream_id);
    g_autoptr(JsonNode) got = fd_test_admin_expect (f->server, "GET", item, NULL, 200);

    /* The tokens and the client secret are write-only. */
    g_assert_false (json_object_has_member (json_node_get_object (got), "oauth_tokens"));
    g_assert_false (json_object_has_member (json_node_get_object (got), "oauth_client_secret"));
  }
  g_assert_false (fd_test_server_db_contains (f->server, OAUTH_ACCESS_TOKEN));

  /* The person withdraws consent: the next refresh is invalid_grant. */
  fd_test_oauth_provider_revoke (provider);
  ack = fd_test_agent_expect_ack (natalie, FD_FRAME_SEND_MESSAGE,
                                  fd_test_send_message (conversation_id, "r-2", "And once more."));
  fd_frame_free (ack);
  wait_health (f, "needs-authorization", 50);
  g_clear_pointer (&health, g_free);
  health = fd_test_admin_stream_health (f->server, f->org_id, f->stream_id, &reason);
  g_assert_nonnull (strstr (reason, "authorize the mailbox again"));

  fd_test_agent_free (natalie);
  fixture_tear_down (f, NULL);
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
