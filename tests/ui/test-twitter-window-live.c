#define G_LOG_DOMAIN "test-twitter-window"

/* /ui/twitter-window/live: the whole way with the fake X
 * (tests/twitter/fd-x-fake.py): the mention polled, offered, reserved,
 * answered publicly, with an image and by DM, a refused DM retried, the
 * request sent, all as the fake received them. */

#include <string.h>

#include "fd-session.h"
#include "fd-test-x-fake.h"
#include "fd-tweet-row.h"

#include "test-twitter-window.h"

/* --- live: the fake X ------------------------------------------------------------------- */

typedef struct {
  FdTestXFake *fake;
  gboolean     dms;           /* the sent DMs, else the posts */
  const char  *text;          /* a substring of the text */
  const char  *field;         /* and this member … */
  const char  *value;         /* … with this value (NULL: not checked) */
} FakeWait;

static gboolean
fake_received (gpointer data)
{
  FakeWait *wait = data;
  g_autoptr(JsonArray) items = wait->dms ? fd_test_x_fake_sent_dms (wait->fake) : fd_test_x_fake_posts (wait->fake);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *text = json_object_get_string_member_with_default (item, "text", "");

      if (strstr (text, wait->text) == NULL)
        continue;
      if (wait->field == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (item, wait->field, ""), wait->value) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
fake_count (FdTestXFake *fake,
            gboolean     dms)
{
  g_autoptr(JsonArray) items = dms ? fd_test_x_fake_sent_dms (fake) : fd_test_x_fake_posts (fake);

  return json_array_get_length (items);
}

typedef struct {
  FdConnection *connection;
  gint64        id;
} TweetLookup;

/* The first Tweet row of the Activity List. */
static gboolean
has_tweet_row (gpointer data)
{
  TweetLookup *lookup = data;
  GListModel *rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (lookup->connection)));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(FdConversationItem) item = g_list_model_get_item (rows, i);

      if (fd_conversation_item_get_conversation (item)->kind == FD_STREAM_TWITTER)
        {
          lookup->id = fd_conversation_item_get_id (item);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_reserved (gpointer data)
{
  return fd_conversation_model_get_reserved (fd_twitter_window_get_model (data));
}

/* The delivery event says Sent; X's id comes with the message the next
 * time it is loaded (docs/twitter.md). */
static gboolean
item_sent_to_x (gpointer data)
{
  return fd_message_item_get_delivery_state (data) == FD_DELIVERY_STATUS_SENT;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

typedef struct {
  FdTestXFake *fake;
  guint        n;      /* posts with one media id to wait for */
} MediaWait;

static gboolean
fake_got_media (gpointer data)
{
  MediaWait *wait = data;
  g_autoptr(JsonArray) posts = fd_test_x_fake_posts (wait->fake);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (json_object_has_member (post, "media_ids") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (post, "media_ids")) &&
          json_array_get_length (json_object_get_array_member (post, "media_ids")) == 1)
        n++;
    }
  return n >= wait->n;
}

static gboolean
item_failed_at_x (gpointer data)
{
  return fd_message_item_get_delivery_state (data) == FD_DELIVERY_STATUS_FAILED;
}

void
test_live (void)
{
  g_autoptr(FdTestXFake) fake = fd_test_x_fake_new (ACCOUNT_ID, "@KakapoSystems");
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autofree char *grant = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *mention_id = NULL;
  g_autofree char *a281 = g_strnfill (281, 'a');
  g_autofree char *a300 = g_strnfill (300, 'a');
  TweetLookup lookup = { NULL, 0 };
  FakeWait wait = { fake, FALSE, NULL, NULL, NULL };
  FdTwitterWindow *window;
  FdTweetComposer *composer;
  FdConversationModel *model;
  FdMessageItem *item;
  FdTweetRow *row;
  gint64 org_id, stream_id, public_id, dm_id;
  guint posts_before;

  fd_test_server_add_args (server, "--x-api-base-url", fd_test_x_fake_get_url (fake),
                           "--x-oauth-base-url", fd_test_x_fake_get_url (fake), "--x-backoff-ms", "200", NULL);
  fd_test_server_start (server);
  org_id = fd_test_admin_import_demo (server);
  stream_id = fd_test_admin_find_id (server, org_id, "streams", "Kakapo on X");
  /* The stream authorized as an administrator would store a grant: the
   * fake's tokens, its account, a one-second cycle. */
  grant = fd_test_x_fake_grant (fake, 3600);
  body = g_strdup_printf ("{\"settings_json\":\"{\\\"handle\\\":\\\"@KakapoSystems\\\",\\\"poll_seconds\\\":1,"
                          "\\\"account_id\\\":\\\"" ACCOUNT_ID "\\\",\\\"oauth_client_id\\\":\\\"kakapo-x-app\\\"}\","
                          "\"oauth_tokens\":%s}", grant);
  path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT, org_id, stream_id);
  patched = fd_test_admin_expect (server, "PATCH", path, body, 200);

  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_join_queue (jenna, "Support");

  /* A customer mentions the account: polled within a cycle, offered. */
  mention_id = fd_test_x_fake_mention (fake, CUSTOMER_ID, "nmaines", "Natalie Maines", MENTION, NULL);
  lookup.connection = jenna;
  fd_test_ui_wait_ms (has_tweet_row, &lookup, 20000, "the mention offered in the Activity List");
  {
    FdConversationItem *offered = fd_activity_model_lookup (
      fd_session_get_activity_model (fd_connection_get_session (jenna)), lookup.id);

    g_assert_cmpstr (fd_conversation_item_get_activity (offered), ==, "Tweet");
    g_assert_cmpstr (fd_conversation_item_get_from (offered), ==, "Natalie Maines (@nmaines)");
    g_assert_true (g_str_has_prefix (fd_conversation_item_get_to (offered), "Kakapo Systems > Kakapo on X"));
  }

  window = fd_twitter_window_new (NULL, jenna, lookup.id);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (is_loaded, window, "the polled mention in the window");
  model = fd_twitter_window_get_model (window);
  composer = fd_twitter_window_get_composer (window);
  row = FD_TWEET_ROW (fd_tweet_thread_get_row (fd_twitter_window_get_thread (window), 0));
  g_assert_cmpstr (fd_tweet_row_get_kind_text (row), ==, "Public post");
  g_assert_cmpstr (fd_message_item_get_tweet_id (fd_tweet_row_get_item (row)), ==, mention_id);
  /* Offered: nothing can be sent yet, the request icon waits too. */
  g_assert_false (gtk_widget_get_sensitive (fd_tweet_composer_get_send_button (composer)));
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.reserve", NULL);
  fd_test_ui_wait (is_reserved, window, "the reservation");

  /* The counter. */
  type_text (window, a281);
  g_assert_cmpstr (gtk_label_get_text (fd_tweet_composer_get_counter (composer)), ==, "281 / 280");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fd_tweet_composer_get_counter (composer)), "error"));
  g_assert_false (gtk_widget_get_sensitive (fd_tweet_composer_get_send_button (composer)));
  g_assert_cmpstr (fd_tweet_composer_get_count_description (composer), ==, "X counts 281 of 280 characters");
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "twitter-window-live-counter-error.png"));

  /* A public reply reaches X answering the mention. */
  type_text (window, "We are on it, sorry for the wait 🙏");
  g_assert_cmpstr (gtk_label_get_text (fd_tweet_composer_get_counter (composer)), ==, "35 / 280");
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.send", NULL);
  wait.text = "We are on it, sorry for the wait";
  wait.field = "in_reply_to_tweet_id";
  wait.value = mention_id;
  fd_test_ui_wait (fake_received, &wait, "the public reply at X, answering the mention");
  item = last_item (model);
  fd_test_ui_wait (item_sent_to_x, item, "the public reply's Sent state");
  public_id = fd_message_item_get_id (item);
  g_assert_false (fd_message_item_get_tweet_direct (item));

  /* An image from the compose area (uploaded, then sent the way the
   * reply goes): X gets the post with its media id. */
  {
    static const guchar pixel[4] = { 0xd0, 0x20, 0x20, 0xff };
    g_autoptr(GBytes) bytes = g_bytes_new_static (pixel, sizeof pixel);
    g_autoptr(GdkTexture) texture = gdk_memory_texture_new (1, 1, GDK_MEMORY_R8G8B8A8, bytes, 4);
    g_autofree char *dir = fd_test_make_tmpdir ();
    g_autofree char *png = g_build_filename (dir, "label.png", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (png);
    MediaWait media = { fake, 0 };

    g_autofree char *store_dir = fd_test_make_tmpdir ();
    g_autoptr(FdRecentFiles) recent = fd_recent_files_new (store_dir, fd_test_server_get_url (server),
                                                           FD_TEST_JENNA_EMAIL);
    GtkListBox *recent_list = fd_tweet_composer_get_recent_list (composer);
    GtkListBoxRow *recent_row;
    GtkEventController *gesture = NULL;
    GListModel *controllers;

    g_assert_true (gdk_texture_save_to_png (texture, png));
    fd_twitter_window_set_stores (window, NULL, NULL, recent);
    g_assert_cmpuint (fd_test_ui_count_rows (recent_list), ==, 0);
    fd_twitter_window_attach_file (window, file);
    media.n = 1;
    fd_test_ui_wait (fake_got_media, &media, "the image posted at X with its media id");
    row = FD_TWEET_ROW (fd_tweet_thread_get_row (fd_twitter_window_get_thread (window),
                                                 g_list_model_get_n_items (fd_conversation_model_get_messages (model)) - 1));
    g_assert_cmpstr (fd_tweet_row_get_attachments_text (row), ==, "📎 label.png");

    /* The recent attachments, on a right click of Add attachment (the
     * guide): the image listed, sent again from there. */
    fd_test_ui_wait (has_rows, recent_list, "the image among the recent attachments");
    recent_row = gtk_list_box_get_row_at_index (recent_list, 0);
    g_assert_cmpstr (g_object_get_data (G_OBJECT (recent_row), "fd-payload"), ==, png);
    controllers = gtk_widget_observe_controllers (fd_tweet_composer_get_attach_button (composer));
    for (guint i = 0; gesture == NULL && i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          gesture = controller;
      }
    g_object_unref (controllers);
    g_assert_nonnull (gesture);
    g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (recent_list)));
    g_signal_emit_by_name (gesture, "pressed", 1, 5.0, 5.0);
    fd_test_ui_wait (is_mapped, recent_list, "the recent attachments on a right click");
    g_signal_emit_by_name (recent_list, "row-activated", recent_row);
    media.n = 2;
    fd_test_ui_wait (fake_got_media, &media, "the recent image posted again");
    fd_test_rm_rf (dir);
    fd_test_rm_rf (store_dir);
  }

  /* A direct message reaches the customer's X user. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_direct_toggle (composer)), TRUE);
  type_text (window, "Could you send us your order number here?");
  g_assert_true (fd_tweet_composer_send (composer));
  wait.dms = TRUE;
  wait.text = "Could you send us your order number here?";
  wait.field = "participant_id";
  wait.value = CUSTOMER_ID;
  fd_test_ui_wait (fake_received, &wait, "the DM at X, to the customer");
  item = last_item (model);
  fd_test_ui_wait (item_sent_to_x, item, "the DM's Sent state");
  dm_id = fd_message_item_get_id (item);
  g_assert_true (fd_message_item_get_tweet_direct (item));

  /* X refuses a DM (the customer closed their DMs): the reply shows
   * X's reason with Retry; once open again, Retry delivers it. */
  fd_test_x_fake_control (fake, "{\"dms_closed\":[\"" CUSTOMER_ID "\"]}");
  type_text (window, "Are you still there?");
  g_assert_true (fd_tweet_composer_send (composer));
  item = last_item (model);
  fd_test_ui_wait (item_failed_at_x, item, "X's refusal of the DM");
  row = FD_TWEET_ROW (fd_tweet_thread_get_row (fd_twitter_window_get_thread (window),
                                               g_list_model_get_n_items (fd_conversation_model_get_messages (model)) - 1));
  g_assert_true (fd_tweet_row_get_item (row) == item);
  g_assert_true (g_str_has_prefix (fd_tweet_row_get_state_text (row), "Failed: "));
  g_assert_true (gtk_widget_get_visible (fd_tweet_row_get_retry_button (row)));
  fd_test_ui_spin (200);
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "twitter-window-live-failed.png"));
  fd_test_x_fake_control (fake, "{\"dms_closed\":[]}");
  g_signal_emit_by_name (fd_tweet_row_get_retry_button (row), "clicked");
  wait.text = "Are you still there?";
  fd_test_ui_wait (fake_received, &wait, "the retried DM at X");
  fd_test_ui_wait (item_sent_to_x, item, "the retried DM's Sent state");
  g_assert_cmpstr (fd_tweet_row_get_state_text (row), ==, "Sent");
  g_assert_false (gtk_widget_get_visible (fd_tweet_row_get_retry_button (row)));

  /* The Direct Message request: once, with the compose link; the icon goes. */
  g_assert_true (gtk_widget_get_visible (fd_twitter_window_get_dm_request_button (window)));
  gtk_widget_activate_action (GTK_WIDGET (window), "twitter.dm-request", NULL);
  fd_test_ui_wait (dm_request_gone, window, "the Direct Message request icon to go");
  wait.dms = FALSE;
  wait.text = "https://x.com/messages/compose?recipient_id=" ACCOUNT_ID;
  wait.field = "in_reply_to_tweet_id";
  wait.value = mention_id;
  fd_test_ui_wait (fake_received, &wait, "the request's link at X");
  fd_test_ui_spin (200);
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "twitter-window-live-dm-requested.png"));

  /* Past the app's counter: the server refuses, the window says why, X
   * gets nothing. */
  posts_before = fake_count (fake, FALSE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (fd_tweet_composer_get_public_toggle (composer)), TRUE);
  g_assert_true (fd_conversation_model_send_tweet (model, a300, FALSE));
  fd_test_ui_wait (status_is_length_refusal, window, "the server's length refusal on the status line");
  fd_test_ui_spin (300);
  g_assert_cmpuint (fake_count (fake, FALSE), ==, posts_before);
  g_assert_cmpint (fd_message_item_get_send_state (last_item (model)), ==, FD_SEND_STATE_FAILED);
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);

  /* Opened again: the replies carry X's ids (and the post its page), the
   * request icon stays away. */
  window = fd_twitter_window_new (NULL, jenna, lookup.id);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (is_loaded, window, "the conversation loaded again");
  model = fd_twitter_window_get_model (window);
  g_assert_false (gtk_widget_get_visible (fd_twitter_window_get_dm_request_button (window)));
  for (guint i = 0; i < g_list_model_get_n_items (fd_conversation_model_get_messages (model)); i++)
    {
      g_autoptr(FdMessageItem) reply = g_list_model_get_item (fd_conversation_model_get_messages (model), i);

      if (fd_message_item_get_id (reply) == public_id)
        {
          g_assert_cmpstr (fd_message_item_get_tweet_id (reply), !=, "");
          g_assert_true (g_str_has_prefix (fd_message_item_get_tweet_url (reply), "https://x.com/"));
          public_id = 0;
        }
      else if (fd_message_item_get_id (reply) == dm_id)
        {
          g_assert_cmpstr (fd_message_item_get_tweet_id (reply), !=, "");
          g_assert_true (fd_message_item_get_tweet_direct (reply));
          dm_id = 0;
        }
    }
  g_assert_cmpint (public_id, ==, 0);
  g_assert_cmpint (dm_id, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}
