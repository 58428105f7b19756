#define G_LOG_DOMAIN "fd-test"

/* test-email-wiring: mail in, whatever happens on the way: frontdeskd
 * killed in the middle of a sync, down while mail arrives, a UIDVALIDITY
 * change, a mail that is not a mail. */

#include <string.h>

#include "test-email-wiring.h"

/* kill -9 while the server is storing a sync: after a restart every mail
 * exactly once, none lost, none doubled. The mails wait in the mailbox
 * while frontdeskd is down, so that the kill lands in the middle of the one
 * sync that follows its start (checked: fewer than all were stored). */
#define SYNC_MAILS 400

void
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
void
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
void
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

/* Mail that is not a mail: kept raw as a file on a conversation that says
 * so, never dropped. */
void
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
