/* test-imap.c: fd-imap against a real Dovecot on loopback. */
#include "fd-imap.h"
#include "fd-test-dovecot.h"

#include <string.h>

#define PASSWORD "s3cret-pass"

static char *
make_mail (guint n)
{
  return g_strdup_printf ("From: Customer <customer@example.test>\r\n"
                          "To: support@example.test\r\n"
                          "Subject: Question %u\r\n"
                          "Message-ID: <q%u@example.test>\r\n"
                          "\r\n"
                          "Body of question %u.\r\n", n, n, n);
}

static void
deliver_n (FdTestDovecot *dovecot,
           guint          from,
           guint          count)
{
  for (guint i = from; i < from + count; i++)
    {
      g_autofree char *mail = make_mail (i);
      fd_test_dovecot_deliver (dovecot, NULL, mail, -1);
    }
}

static FdImapConfig
config_for (FdTestDovecot *dovecot,
            const char    *password)
{
  FdImapConfig config = {
    .host = "127.0.0.1",
    .port = fd_test_dovecot_get_port (dovecot),
    .tls_mode = FD_IMAP_TLS_NONE,
    .user = fd_test_dovecot_get_user (dovecot),
    .password = password,
    .timeout_seconds = 20,
  };
  return config;
}

static FdImapSession *
connect_ok (FdTestDovecot *dovecot)
{
  FdImapConfig config = config_for (dovecot, PASSWORD);
  g_autoptr(GError) error = NULL;
  FdImapSession *session = fd_imap_connect (&config, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

/* What the callback saw: UIDs and the question number in each body. */
typedef struct {
  GArray *uids;
  GArray *numbers;
  GArray *refused_uids;
  guint stop_after;
} Seen;

static void
seen_init (Seen *seen)
{
  seen->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  seen->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  seen->refused_uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  seen->stop_after = 0;
}

static void
seen_clear (Seen *seen)
{
  g_array_unref (seen->uids);
  g_array_unref (seen->numbers);
  g_array_unref (seen->refused_uids);
}

static gboolean
on_message (guint32       uid,
            GBytes       *raw,
            const GError *refused,
            gpointer      user_data)
{
  Seen *seen = user_data;

  if (raw == NULL)
    {
      g_assert_nonnull (refused);
      g_array_append_val (seen->refused_uids, uid);
    }
  else
    {
      gsize size;
      const char *data = g_bytes_get_data (raw, &size);
      g_autofree char *text = g_strndup (data, size);
      const char *subject = strstr (text, "Subject: Question ");
      guint n;

      g_assert_null (refused);
      g_assert_nonnull (subject);
      n = (guint) g_ascii_strtoull (subject + strlen ("Subject: Question "), NULL, 10);
      g_array_append_val (seen->numbers, n);
    }
  g_array_append_val (seen->uids, uid);
  return seen->stop_after == 0 || seen->uids->len < seen->stop_after;
}

static void
assert_increasing (GArray *uids)
{
  for (guint i = 1; i < uids->len; i++)
    g_assert_cmpuint (g_array_index (uids, guint32, i - 1), <, g_array_index (uids, guint32, i));
}

/* A session to @dovecot signed in with INBOX selected, the mails 1 to
 * @n_mails delivered before (none when 0). */
static FdImapSession *
open_inbox (FdTestDovecot *dovecot,
            guint          n_mails)
{
  FdImapSession *session;
  g_autoptr(GError) error = NULL;

  deliver_n (dovecot, 1, n_mails);
  session = connect_ok (dovecot);
  g_assert_true (fd_imap_select (session, "INBOX", NULL, NULL, &error));
  g_assert_no_error (error);
  return session;
}

/* @seen, initialized, filled by one fetch of the selected folder after
 * @last_uid (batches of @max_batch, 0: the default), which succeeds. */
static void
fetch_into (FdImapSession *session,
            guint32        last_uid,
            guint          max_batch,
            Seen          *seen)
{
  g_autoptr(GError) error = NULL;

  seen_init (seen);
  g_assert_true (fd_imap_fetch_since (session, last_uid, max_batch, on_message, seen, NULL, &error));
  g_assert_no_error (error);
}

static void
test_login (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = connect_ok (dovecot);

  /* Dovecot offers IDLE to a signed-in session. */
  g_assert_true (fd_imap_has_idle (session));
}

static void
test_login_bad_password (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  FdImapConfig config = config_for (dovecot, "wrong");
  g_autoptr(GError) error = NULL;
  g_autoptr(FdImapSession) session = fd_imap_connect (&config, NULL, &error);

  g_assert_null (session);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_AUTH);
  /* The server's reason is in the message. */
  g_assert_nonnull (strstr (error->message, "Authentication failed"));
}

static void
test_connect_refused (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  FdImapConfig config = config_for (dovecot, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdImapSession) session = NULL;

  fd_test_dovecot_stop (dovecot);
  session = fd_imap_connect (&config, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK);
}

static void
test_select (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  guint32 validity = 0, next = 0;

  deliver_n (dovecot, 1, 3);
  session = connect_ok (dovecot);
  g_assert_true (fd_imap_select (session, "INBOX", &validity, &next, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (validity, !=, 0);
  g_assert_cmpuint (next, ==, 4);

  g_assert_false (fd_imap_select (session, "NoSuchFolder", &validity, &next, &error));
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NO_FOLDER);
}

static void
test_fetch_in_order (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 3);
  g_autoptr(GError) error = NULL;
  Seen seen;
  guint n_seen = 0;

  seen_init (&seen);
  g_assert_true (fd_imap_fetch_since (session, 0, 0, on_message, &seen, &n_seen, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_seen, ==, 3);
  g_assert_cmpuint (seen.uids->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (seen.uids, guint32, i), ==, i + 1);
      g_assert_cmpuint (g_array_index (seen.numbers, guint, i), ==, i + 1);
    }
  seen_clear (&seen);

  /* Nothing new: nothing called back (n:* must not return the last one). */
  fetch_into (session, 3, 0, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 0);
  seen_clear (&seen);
}

static void
test_fetch_since_position (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 5);
  Seen seen;

  fetch_into (session, 2, 2, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (seen.uids, guint32, i), ==, i + 3);
      g_assert_cmpuint (g_array_index (seen.numbers, guint, i), ==, i + 3);
    }
  seen_clear (&seen);
}

/* A poll: after NOOP, a fetch sees the mail delivered since the last one
 * (Dovecot answers a fetch right after another from what it saw then, and
 * looks at the Maildir again only every 5 s unless asked by NOOP). */
static void
test_noop_sees_new_mail (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 1);
  g_autoptr(GError) error = NULL;
  Seen seen;

  fetch_into (session, 0, 0, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 1);

  deliver_n (dovecot, 2, 1);
  g_assert_true (fd_imap_noop (session, &error));
  g_assert_no_error (error);
  g_assert_true (fd_imap_fetch_since (session, 1, 0, on_message, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.uids->len, ==, 2);
  g_assert_cmpuint (g_array_index (seen.uids, guint32, 1), ==, 2);
  g_assert_cmpuint (g_array_index (seen.numbers, guint, 1), ==, 2);
  seen_clear (&seen);
}

static void
test_callback_stops (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 4);
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  seen.stop_after = 2;
  /* The store failed at the second: nothing after it is handed over. */
  g_assert_false (fd_imap_fetch_since (session, 0, 0, on_message, &seen, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.uids->len, ==, 2);
  seen_clear (&seen);
}

static void
test_outage (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(GError) error = NULL;
  guint32 last_uid, validity_before, validity_after;
  Seen seen;

  deliver_n (dovecot, 1, 2);
  {
    g_autoptr(FdImapSession) session = connect_ok (dovecot);

    g_assert_true (fd_imap_select (session, "INBOX", &validity_before, NULL, &error));
    fetch_into (session, 0, 100, &seen);
    g_assert_cmpuint (seen.uids->len, ==, 2);
    last_uid = g_array_index (seen.uids, guint32, 1);
    seen_clear (&seen);
  }

  /* 600 mails while no one was connected and IMAP itself was down. */
  fd_test_dovecot_stop (dovecot);
  deliver_n (dovecot, 3, 600);
  fd_test_dovecot_start (dovecot);

  {
    g_autoptr(FdImapSession) session = connect_ok (dovecot);
    g_autoptr(GHashTable) numbers = g_hash_table_new (NULL, NULL);

    g_assert_true (fd_imap_select (session, "INBOX", &validity_after, NULL, &error));
    g_assert_cmpuint (validity_after, ==, validity_before);
    fetch_into (session, last_uid, 100, &seen);
    g_assert_cmpuint (seen.uids->len, ==, 600);
    g_assert_cmpuint (seen.refused_uids->len, ==, 0);
    assert_increasing (seen.uids);
    g_assert_cmpuint (g_array_index (seen.uids, guint32, 0), >, last_uid);
    for (guint i = 0; i < seen.numbers->len; i++)
      {
        guint n = g_array_index (seen.numbers, guint, i);

        g_assert_cmpuint (n, >=, 3);
        g_assert_cmpuint (n, <, 603);
        g_assert_true (g_hash_table_add (numbers, GUINT_TO_POINTER (n)));
      }
    g_assert_cmpuint (g_hash_table_size (numbers), ==, 600);
    seen_clear (&seen);
  }
}

static void
test_uidvalidity_change (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(GError) error = NULL;
  guint32 before = 0, after = 0;

  deliver_n (dovecot, 1, 2);
  {
    g_autoptr(FdImapSession) session = connect_ok (dovecot);
    g_assert_true (fd_imap_select (session, "INBOX", &before, NULL, &error));
  }
  fd_test_dovecot_reset_uids (dovecot);
  {
    g_autoptr(FdImapSession) session = connect_ok (dovecot);
    g_assert_true (fd_imap_select (session, "INBOX", &after, NULL, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (before, !=, 0);
  g_assert_cmpuint (after, !=, before);
}

static void
test_size_cap (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  FdImapConfig config = config_for (dovecot, PASSWORD);
  g_autoptr(FdImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  Seen seen;

  deliver_n (dovecot, 1, 1);
  g_string_append (big, "From: a@example.test\r\nSubject: Question 2\r\n\r\n");
  for (guint i = 0; i < 200; i++)
    g_string_append (big, "0123456789012345678901234567890123456789\r\n");
  fd_test_dovecot_deliver (dovecot, NULL, big->str, big->len);
  deliver_n (dovecot, 3, 1);

  config.max_message_size = 4096;
  session = fd_imap_connect (&config, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_imap_select (session, "INBOX", NULL, NULL, &error));
  fetch_into (session, 0, 0, &seen);
  /* The big one is reported by UID and the sync goes on past it. */
  g_assert_cmpuint (seen.uids->len, ==, 3);
  g_assert_cmpuint (seen.refused_uids->len, ==, 1);
  g_assert_cmpuint (g_array_index (seen.refused_uids, guint32, 0), ==, 2);
  g_assert_cmpuint (seen.numbers->len, ==, 2);
  g_assert_cmpuint (g_array_index (seen.numbers, guint, 1), ==, 3);
  seen_clear (&seen);
}

static gpointer
deliver_later_thread (gpointer data)
{
  FdTestDovecot *dovecot = data;

  /* Any moment will do: a mail that lands before IDLE starts is
   * announced when it starts. */
  g_usleep (100 * 1000);
  deliver_n (dovecot, 2, 1);
  return NULL;
}

static void
test_idle_wakes (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 1);
  g_autoptr(GError) error = NULL;
  GThread *thread;
  FdImapIdleResult result;
  Seen seen;

  fetch_into (session, 0, 0, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 1);
  seen_clear (&seen);

  thread = g_thread_new ("deliver", deliver_later_thread, dovecot);
  /* A long timeout: the wait ends because of the mail, not the clock. */
  result = fd_imap_idle_wait (session, 300, NULL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, FD_IMAP_IDLE_NEW_MAIL);

  /* The session goes on: the new mail is fetched after IDLE. */
  fetch_into (session, 1, 0, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 1);
  g_assert_cmpuint (g_array_index (seen.numbers, guint, 0), ==, 2);
  seen_clear (&seen);
}

static void
test_idle_timeout (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 0);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fd_imap_idle_wait (session, 1, NULL, &error), ==, FD_IMAP_IDLE_TIMEOUT);
  g_assert_no_error (error);
  /* Still usable after DONE. */
  g_assert_true (fd_imap_select (session, "INBOX", NULL, NULL, &error));
}

static gpointer
cancel_later_thread (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (G_CANCELLABLE (data));
  return NULL;
}

static void
test_idle_cancel (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;

  thread = g_thread_new ("cancel", cancel_later_thread, cancellable);
  /* Without the cancel this would wait for 10 minutes (and time out the
   * test). */
  g_assert_cmpint (fd_imap_idle_wait (session, 600, cancellable, &error), ==, FD_IMAP_IDLE_FAILED);
  g_thread_join (thread);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED);
}

static void
test_server_goes_away (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 3);
  g_autoptr(GError) error = NULL;
  Seen seen;

  fd_test_dovecot_kill (dovecot);

  seen_init (&seen);
  g_assert_false (fd_imap_fetch_since (session, 0, 0, on_message, &seen, NULL, &error));
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK);
  g_assert_cmpuint (seen.uids->len, ==, 0);
  seen_clear (&seen);
  g_clear_error (&error);

  /* A broken session says so instead of hanging. */
  g_assert_cmpint (fd_imap_idle_wait (session, 600, NULL, &error), ==, FD_IMAP_IDLE_FAILED);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK);
}

static void
test_idle_server_goes_away (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = open_inbox (dovecot, 0);
  g_autoptr(GError) error = NULL;
  GThread *thread;

  thread = g_thread_new ("kill", (GThreadFunc) (void (*) (void)) fd_test_dovecot_kill, dovecot);
  g_assert_cmpint (fd_imap_idle_wait (session, 600, NULL, &error), ==, FD_IMAP_IDLE_FAILED);
  g_thread_join (thread);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NETWORK);
}

static void
test_append_sent (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mail = make_mail (7);
  g_autoptr(GBytes) raw = g_bytes_new (mail, strlen (mail));
  guint32 uid = 0;
  Seen seen;

  fd_test_dovecot_add_folder (dovecot, "Sent");
  session = connect_ok (dovecot);
  g_assert_true (fd_imap_append_sent (session, "Sent", raw, &uid, &error));
  g_assert_no_error (error);
  /* Dovecot has UIDPLUS: the new message's UID comes back. */
  g_assert_cmpuint (uid, ==, 1);
  g_assert_cmpuint (fd_test_dovecot_count (dovecot, "Sent"), ==, 1);

  g_assert_true (fd_imap_select (session, "Sent", NULL, NULL, &error));
  fetch_into (session, 0, 0, &seen);
  g_assert_cmpuint (seen.uids->len, ==, 1);
  g_assert_cmpuint (g_array_index (seen.numbers, guint, 0), ==, 7);
  seen_clear (&seen);

  g_assert_false (fd_imap_append_sent (session, "NoSuchFolder", raw, &uid, &error));
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_NO_FOLDER);
}

static void
assert_tls_session_works (FdImapConfig *config)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdImapSession) session = fd_imap_connect (config, NULL, &error);
  guint32 next = 0;
  Seen seen;

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_true (fd_imap_has_idle (session));
  g_assert_true (fd_imap_select (session, "INBOX", NULL, &next, &error));
  g_assert_cmpuint (next, ==, 3);
  fetch_into (session, 0, 0, &seen);
  g_assert_cmpuint (seen.numbers->len, ==, 2);
  g_assert_cmpuint (g_array_index (seen.numbers, guint, 1), ==, 2);
  seen_clear (&seen);
}

static void
test_tls (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started_tls (PASSWORD);
  FdImapConfig config = config_for (dovecot, PASSWORD);

  deliver_n (dovecot, 1, 2);
  config.tls_ca_file = fd_test_dovecot_get_ca_file (dovecot);

  config.tls_mode = FD_IMAP_TLS_IMPLICIT;
  config.port = fd_test_dovecot_get_tls_port (dovecot);
  assert_tls_session_works (&config);

  config.tls_mode = FD_IMAP_TLS_STARTTLS;
  config.port = fd_test_dovecot_get_port (dovecot);
  assert_tls_session_works (&config);
}

static void
test_tls_untrusted (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started_tls (PASSWORD);
  g_autoptr(FdTestDovecot) other = fd_test_dovecot_new_started_tls (PASSWORD);
  FdImapConfig config = config_for (dovecot, PASSWORD);

  /* Another server's certificate is trusted, not this one's: refused
   * before any password is sent, both ways. */
  config.tls_ca_file = fd_test_dovecot_get_ca_file (other);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FdImapSession) session = NULL;

      config.tls_mode = i == 0 ? FD_IMAP_TLS_IMPLICIT : FD_IMAP_TLS_STARTTLS;
      config.port = i == 0 ? fd_test_dovecot_get_tls_port (dovecot) : fd_test_dovecot_get_port (dovecot);
      session = fd_imap_connect (&config, NULL, &error);
      g_assert_null (session);
      g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_TLS);
    }
}

static void
test_starttls_refused (void)
{
  /* A server without TLS: STARTTLS mode refuses to go on in cleartext. */
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  FdImapConfig config = config_for (dovecot, PASSWORD);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdImapSession) session = NULL;

  config.tls_mode = FD_IMAP_TLS_STARTTLS;
  session = fd_imap_connect (&config, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_TLS);
}

static void
test_append_over_quota (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started (PASSWORD);
  g_autoptr(FdImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new ("From: support@example.test\r\nSubject: Reply\r\n\r\n");
  g_autoptr(GBytes) raw = NULL;

  fd_test_dovecot_add_folder (dovecot, "Sent");
  fd_test_dovecot_set_extra_config (dovecot,
                                    "mail_plugins = quota\n"
                                    "plugin {\n  quota = maildir:User quota\n"
                                    "  quota_rule = *:storage=2K\n}\n");
  for (guint i = 0; i < 100; i++)
    g_string_append (big, "0123456789012345678901234567890123456789\r\n");
  raw = g_bytes_new (big->str, big->len);
  session = connect_ok (dovecot);
  g_assert_false (fd_imap_append_sent (session, "Sent", raw, NULL, &error));
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_QUOTA);
  g_assert_cmpuint (fd_test_dovecot_count (dovecot, "Sent"), ==, 0);
}

static void
test_xoauth2 (void)
{
  g_autoptr(FdTestDovecot) dovecot = fd_test_dovecot_new_started_oauth (PASSWORD, "access-token-1");
  FdImapConfig config = config_for (dovecot, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FdImapSession) session = NULL;

  config.oauth_token = "access-token-1";
  session = fd_imap_connect (&config, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fd_imap_select (session, "INBOX", NULL, NULL, &error));
  g_clear_pointer (&session, fd_imap_session_free);

  /* An expired or revoked token: AUTH, so the caller refreshes the token
   * or asks for authorization again. */
  config.oauth_token = "access-token-revoked";
  session = fd_imap_connect (&config, NULL, &error);
  g_assert_null (session);
  g_assert_error (error, FD_IMAP_ERROR, FD_IMAP_ERROR_AUTH);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/login", test_login);
  g_test_add_func ("/imap/login-bad-password", test_login_bad_password);
  g_test_add_func ("/imap/connect-refused", test_connect_refused);
  g_test_add_func ("/imap/select", test_select);
  g_test_add_func ("/imap/fetch-in-order", test_fetch_in_order);
  g_test_add_func ("/imap/fetch-since-position", test_fetch_since_position);
  g_test_add_func ("/imap/noop-sees-new-mail", test_noop_sees_new_mail);
  g_test_add_func ("/imap/callback-stops", test_callback_stops);
  g_test_add_func ("/imap/outage", test_outage);
  g_test_add_func ("/imap/uidvalidity-change", test_uidvalidity_change);
  g_test_add_func ("/imap/size-cap", test_size_cap);
  g_test_add_func ("/imap/idle-wakes", test_idle_wakes);
  g_test_add_func ("/imap/idle-timeout", test_idle_timeout);
  g_test_add_func ("/imap/idle-cancel", test_idle_cancel);
  g_test_add_func ("/imap/server-goes-away", test_server_goes_away);
  g_test_add_func ("/imap/idle-server-goes-away", test_idle_server_goes_away);
  g_test_add_func ("/imap/append-sent", test_append_sent);
  g_test_add_func ("/imap/append-over-quota", test_append_over_quota);
  g_test_add_func ("/imap/xoauth2", test_xoauth2);
  g_test_add_func ("/imap/tls", test_tls);
  g_test_add_func ("/imap/tls-untrusted", test_tls_untrusted);
  g_test_add_func ("/imap/starttls-refused", test_starttls_refused);

  return g_test_run ();
}
