#define G_LOG_DOMAIN "test-chat-window"

/* The Web Chat window against the real frontdeskd --demo: the transcript
 * before reserving, Reserve, the visitor's details as plain text, typing,
 * Enter and Shift+Enter, a canned reply, a resource, emoji (left click
 * inserts, right click sends), X hides, Close ends the chat; drafts kept
 * across windows and stores, the reply cache, and attachments (upload,
 * drop, recent list, missing files, the size cap); the History tab.
 *
 * This file holds the flow, the links' markup, the helpers its pieces
 * share (test-chat-window.h) and main(); drafts, the reply cache and
 * attachments are in test-chat-window-stores.c, the History tab in
 * test-chat-window-history.c, Transfer in test-chat-window-transfer.c. */

#include <string.h>

#include "fd-chat-window.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"

#include "test-chat-window.h"

static gboolean
is_typing (gpointer data)
{
  return g_strcmp0 (fd_chat_window_get_typing_text (data), VISITOR_NAME " is typing…") == 0;
}

gboolean
has_one_row (gpointer data)
{
  return fd_test_ui_count_rows (data) == 1;
}

gboolean
has_no_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) == 0;
}

gboolean
has_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) > 0;
}

gboolean
has_many_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) > 1;
}

char *
compose_text (FdChatWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (window));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type,
                 guint      button)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type) &&
          (button == 0 || gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == button))
        return controller;
    }
  return NULL;
}

/* Presses @keyval with @state in the compose box, as the key controller
 * sees a real key press. Returns whether it was handled. */
gboolean
press_key (FdChatWindow   *window,
           guint           keyval,
           GdkModifierType state)
{
  GtkEventController *keys = find_controller (GTK_WIDGET (fd_chat_window_get_compose_view (window)),
                                              GTK_TYPE_EVENT_CONTROLLER_KEY, 0);
  gboolean handled = FALSE;

  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  return handled;
}

void
set_compose (FdChatWindow *window,
             const char   *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (window));
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

static gboolean
is_same (gpointer      object,
         gconstpointer other)
{
  return object == other;
}

static gboolean
is_toplevel (gpointer window)
{
  return fd_test_ui_find_toplevel (is_same, window) != NULL;
}

/* An agent signed in with the connection alone and joined to Sales. */
/* A window on conversation @id of @connection, shown, with its transcript
 * loaded (@what names the wait); the caller holds a reference. */
FdChatWindow *
open_chat (FdConnection *connection,
           gint64        id,
           const char   *what)
{
  FdChatWindow *window = fd_chat_window_new (NULL, connection, id);

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, window, what);
  return window;
}

/* Reserves the conversation from @window and waits until it is. */
void
reserve_chat (FdChatWindow *window,
              const char   *what)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, what);
}

/* Connects @visitor, who writes @text (client id "v1"), and waits until the
 * conversation is in @agent's Activity List (@what names the wait). */
void
visitor_writes (FdTestVisitor *visitor,
                const char    *text,
                FdConnection  *agent,
                const char    *what)
{
  FdTestUiItemLookup lookup = { agent, visitor->conversation_id };

  fd_test_visitor_connect (visitor);
  fd_test_visitor_send (visitor, "v1", text);
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, what);
}

FdConnection *
connect_agent (FdTestServer *server,
               const char   *email,
               const char   *password)
{
  FdConnection *connection = fd_test_ui_sign_in (fd_test_server_get_url (server), email, password);

  fd_test_ui_join_queue (connection, "Sales");
  return connection;
}

static void
test_chat_window_flow (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(FdFrame) closed = NULL;
  FdChatWindow *window;
  GtkWidget *compose;
  GtkWidget *send_button;
  GtkListBoxRow *row;
  GtkEventController *right_click;
  g_autofree char *transcript = NULL;
  g_autofree char *text = NULL;

  fd_test_server_start_demo (server);

  /* The agent, signed in with the connection alone, joined to Sales. */
  jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);

  /* A visitor whose name looks like markup writes before anyone reserves. */
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, VISITOR_NAME);
  visitor_writes (visitor, "Hello, is <i>anyone</i> there? See https://example.com/a?b=1&c=2.", jenna, "the offer in the Activity List");
  fd_test_ui_spin (300);

  window = open_chat (jenna, visitor->conversation_id, "the transcript");

  /* Before reserving: the visitor's text shows, literally; compose is off. */
  transcript = fd_chat_window_dup_transcript (window);
  g_assert_nonnull (strstr (transcript, "Hello, is <i>anyone</i> there? See https://example.com/a?b=1&c=2."));
  g_clear_pointer (&transcript, g_free);
  compose = GTK_WIDGET (fd_chat_window_get_compose_view (window));
  g_assert_false (gtk_widget_get_sensitive (compose));
  g_assert_false (fd_chat_window_get_reserved (window));
  /* The compose area shows a Send button beside Enter (off until reserved). */
  send_button = fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.send");
  g_assert_nonnull (send_button);
  g_assert_true (gtk_widget_get_visible (send_button));
  g_assert_false (gtk_widget_is_sensitive (send_button));
  g_assert_true (gtk_widget_is_sensitive (fd_chat_window_get_emoji_button (window, 0)) == FALSE);
  g_assert_cmpstr (fd_chat_window_get_detail (window, "name"), ==, VISITOR_NAME);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)),
                                   "Conversation: Kakapo Systems > Website Chat (Sales) - "));
  g_assert_true (g_regex_match_simple (" - [0-9]{2}:[0-9]{2}$", gtk_window_get_title (GTK_WINDOW (window)), 0, 0));

  /* Reserve from the window: compose turns on. */
  reserve_chat (window, "the reservation");
  g_assert_true (gtk_widget_get_sensitive (compose));
  g_assert_true (gtk_widget_is_sensitive (fd_chat_window_get_emoji_button (window, 0)));

  /* The visitor's typing indicator (only the reserving agent sees it). */
  {
    FdVisitorTyping *typing = fd_visitor_typing_new ();
    g_autoptr(FdFrame) frame = NULL;

    typing->typing = TRUE;
    frame = fd_frame_new (FD_FRAME_VISITOR_TYPING, typing);
    fd_test_socket_send (visitor->socket, frame);
    fd_test_ui_wait (is_typing, window, "the typing indicator");
  }

  /* Shift+Enter breaks the line and sends nothing; Enter sends. */
  set_compose (window, "Hi Eve,");
  g_assert_true (press_key (window, GDK_KEY_Return, GDK_SHIFT_MASK));
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "Hi Eve,\n");
  g_clear_pointer (&text, g_free);
  g_assert_cmpuint (fd_chat_window_get_n_pending (window), ==, 0);
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (compose)), "how can I help?", -1);
  g_assert_true (press_key (window, GDK_KEY_Return, 0));
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  fd_test_visitor_expect_text (visitor, "Hi Eve,\nhow can I help?", WAIT_MS);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the message's acknowledgement");
  transcript = fd_chat_window_dup_transcript (window);
  /* Shown once: the echo replaced the pending mark instead of adding a line. */
  g_assert_nonnull (strstr (transcript, "Hi Eve,\nhow can I help?"));
  g_assert_null (strstr (strstr (transcript, "Hi Eve,\nhow can I help?") + 1, "Hi Eve,\nhow can I help?"));
  g_clear_pointer (&transcript, g_free);

  /* The Send button sends as Enter does. */
  g_assert_true (gtk_widget_is_sensitive (send_button));
  set_compose (window, "Sent with the button.");
  g_signal_emit_by_name (send_button, "clicked");
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "");
  g_clear_pointer (&text, g_free);
  fd_test_visitor_expect_text (visitor, "Sent with the button.", WAIT_MS);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the button's message's acknowledgement");

  /* A canned reply found by its name, sent by activating its row. */
  fd_test_ui_wait (has_many_rows, fd_chat_window_get_canned_list (window), "the canned replies");
  gtk_editable_set_text (fd_chat_window_get_canned_search (window), "Pricing");
  fd_test_ui_wait (has_one_row, fd_chat_window_get_canned_list (window), "the search for Pricing");
  row = gtk_list_box_get_row_at_index (fd_chat_window_get_canned_list (window), 0);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  fd_test_visitor_expect_text (visitor, "Our plans start at $29 per agent per month; I can send you the full price list.",
                               WAIT_MS);

  /* A resource found by its description, sent as its URL. */
  fd_test_ui_wait (has_rows, fd_chat_window_get_resource_list (window), "the resources");
  gtk_editable_set_text (fd_chat_window_get_resource_search (window), "no such resource");
  fd_test_ui_wait (has_no_rows, fd_chat_window_get_resource_list (window), "a search finding nothing");
  gtk_editable_set_text (fd_chat_window_get_resource_search (window), "products, pricing");
  fd_test_ui_wait (has_one_row, fd_chat_window_get_resource_list (window), "the search for the website");
  row = gtk_list_box_get_row_at_index (fd_chat_window_get_resource_list (window), 0);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  fd_test_visitor_expect_text (visitor, "https://kakapo.example/", WAIT_MS);

  /* Emoji: a left click inserts at the cursor, a right click sends. */
  set_compose (window, "Thanks ");
  g_signal_emit_by_name (fd_chat_window_get_emoji_button (window, 0), "clicked");
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "Thanks 😀");
  g_clear_pointer (&text, g_free);
  right_click = find_controller (fd_chat_window_get_emoji_button (window, 9), GTK_TYPE_GESTURE_CLICK,
                                 GDK_BUTTON_SECONDARY);
  g_assert_nonnull (right_click);
  g_signal_emit_by_name (right_click, "pressed", 1, 4.0, 4.0);
  fd_test_visitor_expect_text (visitor, "👍", WAIT_MS);
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "Thanks 😀");
  g_clear_pointer (&text, g_free);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgements");

  /* The window's X only hides it: the conversation stays. */
  gtk_window_close (GTK_WINDOW (window));
  fd_test_ui_spin (50);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (is_toplevel (window));
  g_assert_true (fd_test_ui_has_activity_item (&(FdTestUiItemLookup) { jenna, visitor->conversation_id }));
  gtk_window_present (GTK_WINDOW (window));

  /* Close ends the conversation; the visitor hears of it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.close", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_closed, window, "the conversation to close");
  closed = fd_test_visitor_wait (visitor, FD_FRAME_VISITOR_CLOSED);
  g_assert_true (((FdVisitorClosed *) closed->body)->ask_rating);
  g_assert_false (gtk_widget_get_sensitive (compose));

  fd_test_ui_close_window (window);

  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}

/* Links: only parsed http(s) URLs become <a>, everything else is escaped
 * text, and sentence punctuation stays outside the link. */
static void
test_chat_window_markup (void)
{
  static const struct {
    const char *text;
    const char *markup;
  } cases[] = {
    { "plain", "plain" },
    { "<b>Eve</b> & co", "&lt;b&gt;Eve&lt;/b&gt; &amp; co" },
    { "See https://example.com/a?b=1&c=2.",
      "See <a href=\"https://example.com/a?b=1&amp;c=2\">https://example.com/a?b=1&amp;c=2</a>." },
    { "(http://kakapo.example/help)", "(<a href=\"http://kakapo.example/help\">http://kakapo.example/help</a>)" },
    { "javascript:alert(1) ftp://x.example/", "javascript:alert(1) ftp://x.example/" },
    { "http://\"onmouseover=x", "http://&quot;onmouseover=x" },
    { "https://", "https://" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = fd_chat_window_text_to_markup (cases[i].text);

      g_assert_cmpstr (markup, ==, cases[i].markup);
    }
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/chat-window/markup", test_chat_window_markup);
  g_test_add_func ("/ui/chat-window/flow", test_chat_window_flow);
  g_test_add_func ("/ui/chat-window/drafts", test_chat_window_drafts);
  g_test_add_func ("/ui/chat-window/reply-cache", test_chat_window_reply_cache);
  g_test_add_func ("/ui/chat-window/attachments", test_chat_window_attachments);
  g_test_add_func ("/ui/chat-window/history", test_chat_window_history);
  g_test_add_func ("/ui/chat-window/returning-customer", test_chat_window_returning_customer);
  g_test_add_func ("/ui/chat-window/transfer", test_chat_window_transfer);
  g_test_add_func ("/ui/chat-window/transfer-nobody-joined", test_chat_window_transfer_nobody_joined);
  return g_test_run ();
}
