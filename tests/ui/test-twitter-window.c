#define G_LOG_DOMAIN "test-twitter-window"

/* The Twitter window (docs/twitter.md, "The app's Twitter window") under
 * Xvfb against a real frontdeskd: a customer's mention in the demo's
 * stream "Kakapo on X", reserved by Jenna; the window's thread, the
 * weighted character counter, the Public reply / Direct message toggle,
 * the Direct Message request icon, and the server's refusal of an
 * over-long reply shown in the window. The seeded tests check the
 * server's X outbox (x_outbox) row by row; /ui/twitter-window/live runs
 * the whole way with the fake X (tests/twitter/fd-x-fake.py): the mention
 * polled, offered, reserved, answered publicly and by DM, the request
 * sent, all as the fake received them. Screenshots in FD_ARTIFACTS_DIR.
 *
 * This file holds the seeding, the fixture, the waits and helpers its
 * pieces share (test-twitter-window.h), the seeded window's tests and
 * main(); the whole app (/ui/twitter-window/from-activity-list) is in
 * test-twitter-window-app.c, the fake X's run in test-twitter-window-live.c. */

#include <sqlite3.h>
#include <string.h>

#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-tweet-row.h"
#include "fd-twitter-window.h"

#include "test-twitter-window.h"

/* --- seeding ---------------------------------------------------------------------- */

static sqlite3_stmt *
prepare (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  return stmt;
}

static gint64
step_insert (sqlite3      *db,
             sqlite3_stmt *stmt)
{
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return sqlite3_last_insert_rowid (db);
}

static gint64
select_id (sqlite3    *db,
           const char *sql,
           const char *key,
           gint64     *second)
{
  sqlite3_stmt *stmt = prepare (db, sql);
  gint64 id;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = sqlite3_column_int64 (stmt, 0);
  if (second != NULL)
    *second = sqlite3_column_int64 (stmt, 1);
  sqlite3_finalize (stmt);
  return id;
}

/* A customer's mention as the server stores one it polled (a message and
 * its x_items row), in a twitter conversation of "Kakapo on X" reserved
 * by Jenna; the stream's X account id known as after authorization. */
static gint64
seed_mention (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt;
  gint64 org_id = 0, queue_id = 0, agent_id, stream_id, contact_id, conversation_id, message_id;
  gint64 at = g_get_real_time () - 30 * G_USEC_PER_SEC;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  agent_id = select_id (db, "SELECT id, organization_id FROM agents WHERE email = ?", FD_TEST_JENNA_EMAIL, &org_id);
  stream_id = select_id (db, "SELECT id, queue_id FROM streams WHERE key = ?", "kakapo-twitter", &queue_id);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);

  stmt = prepare (db, "UPDATE streams SET settings_json = ? WHERE id = ?");
  sqlite3_bind_text (stmt, 1, "{\"handle\":\"@KakapoSystems\",\"poll_seconds\":180,\"account_id\":\"" ACCOUNT_ID "\","
                     "\"oauth_client_id\":\"kakapo-x-app\"}",
                     -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, stream_id);
  step_insert (db, stmt);

  stmt = prepare (db, "INSERT INTO contacts (organization_id, name, twitter_handle, created_at) VALUES (?, ?, ?, ?)");
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_text (stmt, 2, "Natalie Maines", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, "@nmaines", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  contact_id = step_insert (db, stmt);

  stmt = prepare (db,
    "INSERT INTO conversations (organization_id, stream_id, queue_id, kind, state, contact_id, agent_id, "
    "visitor_name, created_at, first_assigned_at, reserved_at, last_customer_message_at, unread) "
    "VALUES (?, ?, ?, 'twitter', 'reserved', ?, ?, 'Natalie Maines', ?, ?, ?, ?, 0)");
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, stream_id);
  sqlite3_bind_int64 (stmt, 3, queue_id);
  sqlite3_bind_int64 (stmt, 4, contact_id);
  sqlite3_bind_int64 (stmt, 5, agent_id);
  for (int c = 6; c <= 9; c++)
    sqlite3_bind_int64 (stmt, c, at);
  conversation_id = step_insert (db, stmt);

  stmt = prepare (db, "INSERT INTO messages (organization_id, conversation_id, direction, author_name, text, created_at) "
                      "VALUES (?, ?, 'in', 'Natalie Maines', ?, ?)");
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, conversation_id);
  sqlite3_bind_text (stmt, 3, MENTION, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  message_id = step_insert (db, stmt);

  stmt = prepare (db,
    "INSERT INTO x_items (organization_id, stream_id, direct, x_id, thread_key, conversation_id, message_id, "
    "author_id, author_handle, created_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, 'nmaines', ?)");
  sqlite3_bind_int64 (stmt, 1, org_id);
  sqlite3_bind_int64 (stmt, 2, stream_id);
  sqlite3_bind_text (stmt, 3, MENTION_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, MENTION_ID, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, conversation_id);
  sqlite3_bind_int64 (stmt, 6, message_id);
  sqlite3_bind_text (stmt, 7, CUSTOMER_ID, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, at);
  step_insert (db, stmt);

  /* The store keeps the messages' full-text index itself. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return conversation_id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = fd_test_server_new ();
  fd_test_server_start (f->server);
  fd_test_admin_import_demo (f->server);
  fd_test_server_stop (f->server);
  f->conversation_id = seed_mention (fd_test_server_get_db_path (f->server));
  fd_test_server_start (f->server);
  f->jenna = fd_test_ui_sign_in (fd_test_server_get_url (f->server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fd_connection_stop (f->jenna);
  fd_test_ui_spin (50);
  g_assert_finalize_object (g_steal_pointer (&f->jenna));
  g_clear_pointer (&f->server, fd_test_server_free);
}

/* --- waits ---------------------------------------------------------------------------- */

gboolean
is_loaded (gpointer data)
{
  FdConversationModel *model = fd_twitter_window_get_model (data);

  return fd_conversation_model_get_loaded (model) &&
         g_list_model_get_n_items (fd_conversation_model_get_messages (model)) > 0 &&
         fd_twitter_window_get_dm_request_button (data) != NULL;
}

typedef struct {
  FdConversationModel *model;
  guint                n;
} CountWait;

static gboolean
has_n_messages (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (fd_conversation_model_get_messages (wait->model)) >= wait->n;
}

/* Stored by the server (its echo or ack) and in its outbox: the ack, or a
 * delivery event, brings the outbox's state. */
static gboolean
item_acked (gpointer data)
{
  return fd_message_item_get_send_state (data) == FD_SEND_STATE_SENT && fd_message_item_get_id (data) > 0 &&
         fd_message_item_get_delivery_state (data) != FD_DELIVERY_STATUS_NONE;
}

gboolean
dm_request_gone (gpointer data)
{
  const char *status = fd_twitter_window_get_status (data);

  /* A refusal would leave the icon: say why at once. */
  if (*status != '\0')
    g_error ("The Direct Message request failed: %s", status);
  return !gtk_widget_get_visible (fd_twitter_window_get_dm_request_button (data));
}

gboolean
status_is_length_refusal (gpointer data)
{
  return g_str_has_prefix (fd_twitter_window_get_status (data), "X counts this reply as 300 characters");
}

FdMessageItem *
last_item (FdConversationModel *model)
{
  GListModel *messages = fd_conversation_model_get_messages (model);
  guint n = g_list_model_get_n_items (messages);
  g_autoptr(FdMessageItem) item = n > 0 ? g_list_model_get_item (messages, n - 1) : NULL;

  /* The model keeps it. */
  return item;
}

void
type_text (FdTwitterWindow *window,
           const char      *text)
{
  GtkTextView *view = fd_tweet_composer_get_view (fd_twitter_window_get_composer (window));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static FdTwitterWindow *
open_window (Fixture *f)
{
  FdTestUiItemLookup lookup = { f->jenna, f->conversation_id };
  FdTwitterWindow *window;

  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the tweet in the Activity List");
  window = fd_twitter_window_new (NULL, f->jenna, f->conversation_id);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (is_loaded, window, "the mention in the window");
  return window;
}

static void
close_window (FdTwitterWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
}

/* --- the tests ------------------------------------------------------------------------------ */

/* The Activity List's Tweet row and the thread's post. */
static void
test_thread (Fixture       *f,
             gconstpointer  data)
{
  FdActivityModel *activity = fd_session_get_activity_model (fd_connection_get_session (f->jenna));
  FdConversationItem *item;
  FdTwitterWindow *window = open_window (f);
  FdTweetRow *row;

  item = fd_activity_model_lookup (activity, f->conversation_id);
  g_assert_nonnull (item);
  g_assert_cmpstr (fd_conversation_item_get_activity (item), ==, "Tweet");
  g_assert_cmpstr (fd_conversation_item_get_icon_name (item), ==, "send-to-symbolic");
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Natalie Maines (@nmaines)");
  g_assert_true (g_str_has_prefix (fd_conversation_item_get_to (item), "Kakapo Systems > Kakapo on X"));
  g_assert_cmpstr (fd_conversation_item_get_status (item), ==, "Reserved");

  row = FD_TWEET_ROW (fd_tweet_thread_get_row (fd_twitter_window_get_thread (window), 0));
  g_assert_nonnull (row);
  g_assert_cmpstr (fd_tweet_row_get_kind_text (row), ==, "Public post");
  g_assert_cmpstr (fd_tweet_row_get_author_text (row), ==, "Natalie Maines @nmaines");
  g_assert_true (gtk_widget_get_visible (fd_tweet_row_get_link_button (row)));
  g_assert_cmpstr (fd_message_item_get_tweet_url (fd_tweet_row_get_item (row)), ==,
                   "https://x.com/nmaines/status/" MENTION_ID);
  g_assert_true (fd_conversation_model_get_has_customer_post (fd_twitter_window_get_model (window)));
  /* The contact pane: the name and the handle, as plain text. */
  g_assert_cmpstr (fd_twitter_window_get_contact_detail (window, "name"), ==, "Natalie Maines");
  g_assert_cmpstr (fd_twitter_window_get_contact_detail (window, "handle"), ==, "@nmaines");
  /* Only x.com and twitter.com pages over https are ever opened. */
  g_assert_null (fd_tweet_row_check_url ("http://x.com/nmaines/status/1"));
  g_assert_null (fd_tweet_row_check_url ("https://x.com.evil.example/status/1"));
  g_assert_null (fd_tweet_row_check_url ("https://user@x.com/status/1"));
  g_assert_nonnull (fd_tweet_row_check_url ("https://twitter.com/nmaines/status/1"));
  /* The window fits a laptop's screen (1366×768 less the panels). */
  {
    int min_height = 0;

    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
    g_assert_cmpint (min_height, <=, 700);
  }
  close_window (window);
}

/* The counter: X's weighted length, the error style past 280, Send off
 * and the accessible description; emoji count 2, a URL 23; a DM counts
 * characters up to 10,000. */
static void
test_counter (Fixture       *f,
              gconstpointer  data)
{
  FdTwitterWindow *window = open_window (f);
  FdTweetComposer *composer = fd_twitter_window_get_composer (window);
  GtkLabel *counter = fd_tweet_composer_get_counter (composer);
  GtkWidget *send = fd_tweet_composer_get_send_button (composer);
  g_autofree char *a281 = g_strnfill (281, 'a');
  g_autofree char *a280 = g_strnfill (280, 'a');

  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_direct_toggle (composer))));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_public_toggle (composer))));
  g_assert_false (gtk_widget_get_sensitive (send));

  type_text (window, a280);
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "280 / 280");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_true (gtk_widget_get_sensitive (send));

  type_text (window, a281);
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "281 / 280");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_false (gtk_widget_get_sensitive (send));
  g_assert_cmpstr (fd_tweet_composer_get_count_description (composer), ==, "X counts 281 of 280 characters");
  /* Ctrl+Enter sends nothing either. */
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.send", NULL);
  g_assert_false (fd_tweet_composer_send (composer));
  g_assert_cmpuint (g_list_model_get_n_items (fd_conversation_model_get_messages (fd_twitter_window_get_model (window))),
                    ==, 1);
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "twitter-window-counter-error.png"));

  type_text (window, "😀");
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "2 / 280");
  type_text (window, "Track it: https://shop.example/orders/7?with=a-very-long-query-string-indeed");
  /* "Track it: " is 10, the URL 23. */
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "33 / 280");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));

  /* A direct message counts characters, up to 10,000. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_direct_toggle (composer)), TRUE);
  g_assert_true (fd_conversation_model_get_reply_direct (fd_twitter_window_get_model (window)));
  type_text (window, a281);
  g_assert_cmpstr (gtk_label_get_text (counter), ==, "281 / 10000");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (counter), "error"));
  g_assert_true (gtk_widget_get_sensitive (send));
  g_assert_cmpstr (fd_tweet_composer_get_count_description (composer), ==, "281 of 10000 characters");
  type_text (window, "");
  close_window (window);
}

/* Sending: a DM reaches the outbox for the customer's X user id, a public
 * reply for the mention; the server's refusal of an over-long reply
 * (forced past the app) is shown in the window. */
static void
test_send (Fixture       *f,
           gconstpointer  data)
{
  FdTwitterWindow *window = open_window (f);
  FdTweetComposer *composer = fd_twitter_window_get_composer (window);
  FdConversationModel *model = fd_twitter_window_get_model (window);
  CountWait wait = { model, 2 };
  g_autofree char *sql = NULL;
  g_autofree char *a300 = g_strnfill (300, 'a');
  FdMessageItem *item;

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_direct_toggle (composer)), TRUE);
  type_text (window, "Could you send us your order number here?");
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.send", NULL);
  fd_test_ui_wait (has_n_messages, &wait, "the DM in the thread");
  item = last_item (model);
  g_assert_true (fd_message_item_get_tweet_direct (item));
  fd_test_ui_wait (item_acked, item, "the DM's ack");
  g_assert_cmpuint (fd_message_item_get_delivery_state (item), !=, FD_DELIVERY_STATUS_NONE);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM x_outbox WHERE message_id = %" G_GINT64_FORMAT
                         " AND direct = 1 AND participant_id = '" CUSTOMER_ID "'", fd_message_item_get_id (item));
  g_assert_cmpint (fd_test_server_db_count (f->server, sql), ==, 1);
  g_assert_cmpstr (gtk_label_get_text (fd_tweet_composer_get_counter (composer)), ==, "0 / 10000");

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_public_toggle (composer)), TRUE);
  type_text (window, "We are on it, sorry for the wait!");
  g_assert_true (fd_tweet_composer_send (composer));
  wait.n = 3;
  fd_test_ui_wait (has_n_messages, &wait, "the public reply in the thread");
  item = last_item (model);
  g_assert_false (fd_message_item_get_tweet_direct (item));
  fd_test_ui_wait (item_acked, item, "the public reply's ack");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT COUNT(*) FROM x_outbox WHERE message_id = %" G_GINT64_FORMAT
                         " AND direct = 0 AND in_reply_to = '" MENTION_ID "'", fd_message_item_get_id (item));
  g_assert_cmpint (fd_test_server_db_count (f->server, sql), ==, 1);

  /* Past the app's counter: the server's own check and its sentence. */
  g_assert_true (fd_conversation_model_send_tweet (model, a300, FALSE));
  fd_test_ui_wait (status_is_length_refusal, window, "the server's length refusal on the status line");
  item = last_item (model);
  g_assert_cmpint (fd_message_item_get_send_state (item), ==, FD_SEND_STATE_FAILED);
  g_assert_cmpstr (fd_message_item_get_error (item), ==, "X counts this reply as 300 characters; a post may have 280.");
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT COUNT(*) FROM x_outbox"), ==, 2);
  close_window (window);
}

/* The Direct Message request: the icon while it can be sent, the request
 * with the compose link queued once, the icon gone, and gone again in a
 * window opened later. */
static void
test_dm_request (Fixture       *f,
                 gconstpointer  data)
{
  FdTwitterWindow *window = open_window (f);
  GtkWidget *button = fd_twitter_window_get_dm_request_button (window);

  g_autofree char *texts = NULL;

  g_assert_true (gtk_widget_get_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Send Direct Message request");
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.dm-request", NULL);
  fd_test_ui_wait (dm_request_gone, window, "the Direct Message request icon to go");
  g_assert_true (fd_conversation_model_get_dm_requested (fd_twitter_window_get_model (window)));
  fd_test_ui_spin (200);
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "twitter-window-dm-requested.png"));
  texts = fd_test_server_db_list (f->server,
                                  "SELECT m.text FROM x_outbox o JOIN messages m ON m.id = o.message_id "
                                  "WHERE o.direct = 0 AND o.in_reply_to = '" MENTION_ID "'");
  g_assert_nonnull (strstr (texts, "@nmaines "));
  g_assert_nonnull (strstr (texts, "https://x.com/messages/compose?recipient_id=" ACCOUNT_ID));
  g_assert_cmpint (fd_test_server_db_count (f->server, "SELECT dm_requested FROM conversations WHERE kind = 'twitter'"),
                   ==, 1);
  close_window (window);

  /* Opened later: the conversation says it was sent; no icon. */
  window = open_window (f);
  g_assert_false (gtk_widget_get_visible (fd_twitter_window_get_dm_request_button (window)));
  g_assert_false (fd_conversation_model_request_dm (fd_twitter_window_get_model (window)));
  close_window (window);
}


static gboolean
window_is_reserved (gpointer data)
{
  return fd_conversation_model_get_reserved (fd_twitter_window_get_model (data));
}

/* Transfer: the colleagues joined to the stream's queue are listed;
 * Natalie takes the tweet in her own Twitter window and answers it. */
gboolean
has_rows (gpointer list)
{
  return fd_test_ui_count_rows (list) > 0;
}

static gboolean
status_transferred (gpointer window)
{
  return g_str_has_prefix (fd_twitter_window_get_status (window), "Transferred to Natalie Maines.");
}

static void
test_transfer (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(FdConnection) natalie = fd_test_ui_sign_in (fd_test_server_get_url (f->server), FD_TEST_NATALIE_EMAIL,
                                                        FD_TEST_NATALIE_PASSWORD);
  FdTestUiItemLookup lookup = { natalie, f->conversation_id };
  FdTwitterWindow *window;
  FdTwitterWindow *taken;
  GtkListBoxRow *row;
  FdMessageItem *item;
  g_autofree char *sql = NULL;
  gint64 natalie_id = fd_connection_get_agent (natalie)->id;

  fd_test_ui_join_queue (natalie, "Support");
  window = open_window (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "twitter.transfer", NULL));
  fd_test_ui_wait (has_rows, fd_twitter_window_get_transfer_list (window), "the colleagues to transfer to");
  row = fd_test_ui_find_row_by_id (fd_twitter_window_get_transfer_list (window), "fd-agent-id", natalie_id);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_signal_emit_by_name (fd_twitter_window_get_transfer_list (window), "row-activated", row);
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the transfer offer in Natalie's list");

  taken = fd_twitter_window_new (NULL, natalie, f->conversation_id);
  gtk_window_present (GTK_WINDOW (taken));
  fd_test_ui_wait (is_loaded, taken, "the mention in Natalie's window");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (taken), "twitter.reserve", NULL));
  fd_test_ui_wait (window_is_reserved, taken, "Natalie's reservation");
  fd_test_ui_wait (status_transferred, window, "Jenna's window to say it went");
  g_assert_false (fd_conversation_model_get_reserved (fd_twitter_window_get_model (window)));
  /* Jenna may no longer send; Natalie answers publicly. */
  g_assert_false (gtk_widget_get_sensitive (fd_tweet_composer_get_send_button (fd_twitter_window_get_composer (window))));
  type_text (taken, "Natalie here, I will look into order 7.");
  g_assert_true (fd_tweet_composer_send (fd_twitter_window_get_composer (taken)));
  item = last_item (fd_twitter_window_get_model (taken));
  fd_test_ui_wait (item_acked, item, "Natalie's reply acknowledged");
  sql = g_strdup_printf ("SELECT COUNT(*) FROM x_outbox WHERE message_id = %" G_GINT64_FORMAT
                         " AND direct = 0 AND in_reply_to = '" MENTION_ID "'", fd_message_item_get_id (item));
  g_assert_cmpint (fd_test_server_db_count (f->server, sql), ==, 1);

  close_window (taken);
  close_window (window);
  fd_connection_stop (natalie);
  fd_test_ui_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add ("/ui/twitter-window/thread", Fixture, NULL, fixture_set_up, test_thread, fixture_tear_down);
  g_test_add ("/ui/twitter-window/counter", Fixture, NULL, fixture_set_up, test_counter, fixture_tear_down);
  g_test_add ("/ui/twitter-window/send", Fixture, NULL, fixture_set_up, test_send, fixture_tear_down);
  g_test_add ("/ui/twitter-window/dm-request", Fixture, NULL, fixture_set_up, test_dm_request, fixture_tear_down);
  g_test_add ("/ui/twitter-window/transfer", Fixture, NULL, fixture_set_up, test_transfer, fixture_tear_down);
  g_test_add ("/ui/twitter-window/from-activity-list", Fixture, NULL, fixture_set_up, test_from_activity_list,
              fixture_tear_down);
  g_test_add_func ("/ui/twitter-window/live", test_live);
  return g_test_run ();
}
