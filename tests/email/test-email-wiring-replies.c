#define G_LOG_DOMAIN "fd-test"

/* test-email-wiring: the agent's replies on their way out: the outbox
 * through a kill, a refusal and its retry, the mail's headers, the copy
 * in the Sent folder. */

#include <string.h>

#include "test-email-wiring.h"

/* The reply is acked while SMTP refuses connections; frontdeskd is killed;
 * SMTP is fixed; after the restart the reply arrives exactly once. */
void
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
void
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

/* An email message carries its mail: the customer's From, To, Cc, Subject
 * and Date; the agent's To, Cc and Subject are what is sent (a bad Cc is
 * refused and stores nothing); get-conversation shows where a reply is:
 * failed with the reason while the SMTP server is down, sent after
 * retry-delivery. A reply without To or Subject goes to the customer with
 * "Re: subject [#id]". */
void
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
void
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
