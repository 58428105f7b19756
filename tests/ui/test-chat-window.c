#define G_LOG_DOMAIN "test-chat-window"

/* The Web Chat window against the real frontdeskd --demo: the transcript
 * before reserving, Reserve, the visitor's details as plain text, typing,
 * Enter and Shift+Enter, a canned reply, a resource, emoji (left click
 * inserts, right click sends), X hides, Close ends the chat; drafts kept
 * across windows and stores, the reply cache, and attachments (upload,
 * drop, recent list, missing files, the size cap); the History tab. */

#include <glib/gstdio.h>
#include <string.h>

#include "fd-chat-window.h"
#include "fd-conversation-window.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-transfer-popover.h"

#define VISITOR_NAME   "<b>Eve</b>"
#define WAIT_MS        10000

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Loaded, messages or not (a visit that has not written yet). */
static gboolean
is_loaded_any (gpointer data)
{
  return fd_chat_window_get_loaded (data);
}

static gboolean
is_typing (gpointer data)
{
  return g_strcmp0 (fd_chat_window_get_typing_text (data), VISITOR_NAME " is typing…") == 0;
}

static gboolean
has_one_row (gpointer data)
{
  return fd_test_ui_count_rows (data) == 1;
}

static gboolean
has_no_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) == 0;
}

static gboolean
has_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) > 0;
}

static gboolean
has_many_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) > 1;
}

static char *
compose_text (FdChatWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (window));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkEventController *
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
static gboolean
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

static void
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
static FdChatWindow *
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
static void
reserve_chat (FdChatWindow *window,
              const char   *what)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, what);
}

/* Connects @visitor, who writes @text (client id "v1"), and waits until the
 * conversation is in @agent's Activity List (@what names the wait). */
static void
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

static FdConnection *
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

/* The agent of a new --demo server, signed in and joined to Sales, and a
 * visitor writing; returns the reserved window (one reference owned). */
static FdChatWindow *
open_reserved_chat (FdTestServer   *server,
                    FdConnection  **connection,
                    FdTestVisitor **visitor)
{
  FdChatWindow *window;

  fd_test_server_start_demo (server);
  *connection = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);

  *visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Ann");
  visitor_writes (*visitor, "Hello there", *connection, "the offer in the Activity List");

  window = open_chat (*connection, (*visitor)->conversation_id, "the transcript");
  reserve_chat (window, "the reservation");
  return window;
}

/* A new window on a conversation the agent holds (an app restart opens
 * one), loaded and reserved. */
static FdChatWindow *
reopen_chat (FdConnection *connection,
             gint64        id)
{
  FdChatWindow *window = fd_chat_window_new (NULL, connection, id);

  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, window, "the transcript again");
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, "the reservation again");
  return window;
}

/* Drafts: the typed text is kept as the agent types, comes back in a new
 * window with a new FdDrafts on the same folder (an app restart), and
 * sending clears it. */
static void
test_chat_window_drafts (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-drafts-XXXXXX", &error);
  g_autofree char *text = NULL;
  FdDrafts *drafts;
  FdChatWindow *window;
  gint64 id;

  g_assert_no_error (error);
  window = open_reserved_chat (server, &jenna, &visitor);
  id = fd_chat_window_get_id (window);
  drafts = fd_drafts_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  fd_chat_window_set_stores (window, drafts, NULL, NULL);
  g_assert_null (fd_drafts_get (drafts, id));
  set_compose (window, "Let me check that ");
  g_assert_cmpstr (fd_drafts_get (drafts, id), ==, "Let me check that ");
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (fd_chat_window_get_compose_view (window)),
                                    "for you.", -1);
  g_assert_cmpstr (fd_drafts_get (drafts, id), ==, "Let me check that for you.");
  fd_test_ui_close_window (window);
  /* The store writes on dispose: an app restart reads it back. */
  g_assert_finalize_object (drafts);

  drafts = fd_drafts_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  g_assert_cmpstr (fd_drafts_get (drafts, id), ==, "Let me check that for you.");
  window = fd_chat_window_new (NULL, jenna, id);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_chat_window_set_stores (window, drafts, NULL, NULL);
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "Let me check that for you.");
  g_clear_pointer (&text, g_free);
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, window, "the transcript");
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, "the reserved state");

  /* Sending clears the draft, also on disk. */
  g_assert_true (press_key (window, GDK_KEY_Return, 0));
  fd_test_visitor_expect_text (visitor, "Let me check that for you.", WAIT_MS);
  g_assert_null (fd_drafts_get (drafts, id));
  g_assert_true (fd_drafts_save (drafts, &error));
  g_assert_no_error (error);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgement");
  fd_test_ui_close_window (window);
  g_assert_finalize_object (drafts);
  drafts = fd_drafts_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  g_assert_null (fd_drafts_get (drafts, id));
  g_assert_finalize_object (drafts);

  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
  fd_test_rm_rf (dir);
}

/* Reply cache: a selection of the compose box and of a transcript message
 * is added ("Add Reply to Cache"), the Reply Cache tab lists it newest
 * first, and activating a row sends it. */
static void
test_chat_window_reply_cache (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-reply-cache-XXXXXX", &error);
  g_autofree char *text = NULL;
  FdReplyCache *cache;
  FdChatWindow *window;
  GtkListBox *list;
  GtkListBoxRow *row;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  GtkWidget *label = NULL;

  g_assert_no_error (error);
  window = open_reserved_chat (server, &jenna, &visitor);
  list = fd_chat_window_get_reply_cache_list (window);

  /* Without a cache the action is off and the call says why. */
  g_assert_false (fd_chat_window_add_reply_to_cache (window, &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_INVALID);
  g_clear_error (&error);

  cache = fd_reply_cache_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  fd_chat_window_set_stores (window, NULL, cache, NULL);
  g_assert_true (has_no_rows (list));

  /* Nothing selected: a typed error, nothing cached. */
  set_compose (window, "  Happy to help with that!  Anything else?");
  g_assert_false (fd_chat_window_add_reply_to_cache (window, &error));
  g_assert_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_EMPTY);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 0);

  /* The selection (trimmed) goes in, through the menu's action. */
  buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (window));
  gtk_text_buffer_get_iter_at_offset (buffer, &start, 0);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, 27);
  gtk_text_buffer_select_range (buffer, &start, &end);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.add-reply-to-cache", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 1);
  g_assert_true (has_one_row (list));

  /* A transcript message's selection, when it has the focus. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (window)); child != NULL; )
    {
      if (GTK_IS_LABEL (child) && gtk_label_get_selectable (GTK_LABEL (child)) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), "Hello there") == 0)
        {
          label = child;
          break;
        }
      /* Depth-first walk of the widget tree. */
      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && gtk_widget_get_next_sibling (child) == NULL)
            child = gtk_widget_get_parent (child);
          if (child != NULL)
            child = gtk_widget_get_next_sibling (child);
        }
    }
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_grab_focus (label));
  gtk_label_select_region (GTK_LABEL (label), 0, 5);
  g_assert_true (fd_chat_window_add_reply_to_cache (window, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cache)), ==, 2);
  g_assert_true (has_many_rows (list));

  /* Newest first; activating the older one sends it to the visitor. */
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Hello");
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Happy to help with that!");
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  fd_test_visitor_expect_text (visitor, "Happy to help with that!", WAIT_MS);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgement");
  /* Sending from the cache leaves the compose box alone. */
  text = compose_text (window);
  g_assert_cmpstr (text, ==, "  Happy to help with that!  Anything else?");

  /* Twenty-one more replies (23 in all) ... */
  for (guint i = 1; i <= 21; i++)
    {
      g_autofree char *reply = g_strdup_printf ("Cached reply %u", i);

      set_compose (window, reply);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_select_range (buffer, &start, &end);
      g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (fd_chat_window_get_compose_view (window))));
      g_assert_true (fd_chat_window_add_reply_to_cache (window, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 23);

  /* ... and an app restart (new cache, new window) lists the latest 20,
   * newest first. */
  fd_test_ui_close_window (window);
  g_assert_finalize_object (cache);
  cache = fd_reply_cache_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  window = reopen_chat (jenna, visitor->conversation_id);
  fd_chat_window_set_stores (window, NULL, cache, NULL);
  list = fd_chat_window_get_reply_cache_list (window);
  g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 20);
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Cached reply 21");
  row = gtk_list_box_get_row_at_index (list, 19);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Cached reply 2");
  fd_test_ui_close_window (window);
  g_assert_finalize_object (cache);

  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
  fd_test_rm_rf (dir);
}

/* A visitor frame carrying the agent's message with one attachment. */
static gboolean
is_visitor_attachment (const FdFrame *frame,
                       gpointer       user_data)
{
  const FdMessage *message = frame->body;

  return frame->type == FD_FRAME_VISITOR_MESSAGE && message->direction == FD_DIRECTION_OUT &&
         message->attachments != NULL && message->attachments->len == 1;
}

static gboolean
has_status (gpointer data)
{
  return *fd_chat_window_get_status (data) != '\0' &&
         !g_str_has_prefix (fd_chat_window_get_status (data), "Uploading");
}

/* Waits for the visitor to receive one attachment named @name and checks
 * that the server hands out exactly @contents for it. */
static void
expect_attachment (FdTestServer  *server,
                   FdTestVisitor *visitor,
                   const char    *name,
                   const char    *contents)
{
  g_autoptr(FdFrame) frame = fd_test_socket_wait_match (visitor->socket, is_visitor_attachment, NULL,
                                                        WAIT_MS, "the visitor to receive an attachment");
  const FdMessage *message = frame->body;
  const FdAttachment *attachment = g_ptr_array_index (message->attachments, 0);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_cmpstr (attachment->name, ==, name);
  g_assert_true (g_str_has_prefix (attachment->url, "/files/"));
  g_assert_cmpint (attachment->size, ==, strlen (contents));
  url = g_strconcat (fd_test_server_get_url (server), attachment->url, NULL);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), contents, strlen (contents));
}

/* Attachments: a file attached (as the file chooser's response does) and
 * one dropped on the window reach the visitor with server-relative URLs
 * that download the same bytes; the recent list shows them, a renamed one
 * as missing and insensitive; a file over 10 MB is refused with a sentence
 * and nothing is sent. */
static void
test_chat_window_attachments (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fd-attach-XXXXXX", &error);
  g_autofree char *price_path = g_build_filename (dir, "price list.txt", NULL);
  g_autofree char *moved_path = g_build_filename (dir, "moved.txt", NULL);
  g_autofree char *dropped_path = g_build_filename (dir, "dropped.csv", NULL);
  g_autofree char *big_path = g_build_filename (dir, "big.bin", NULL);
  g_autoptr(GFile) price = g_file_new_for_path (price_path);
  g_autoptr(GFile) dropped = g_file_new_for_path (dropped_path);
  g_autoptr(GFile) big = g_file_new_for_path (big_path);
  g_autoptr(GFileOutputStream) stream = NULL;
  GValue value = G_VALUE_INIT;
  FdRecentFiles *recent;
  FdChatWindow *window;
  GtkDropTarget *drop;
  GtkListBox *list;
  GtkListBoxRow *row;
  gboolean dropped_ok = FALSE;
  guint n_messages;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (price_path, "Starter $29\nTeam $49\n", -1, &error));
  g_assert_true (g_file_set_contents (dropped_path, "a,b\n1,2\n", -1, &error));
  g_assert_no_error (error);

  window = open_reserved_chat (server, &jenna, &visitor);
  recent = fd_recent_files_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  fd_chat_window_set_stores (window, NULL, NULL, recent);
  list = fd_chat_window_get_recent_list (window);
  g_assert_true (has_no_rows (list));

  /* The chooser's path. */
  fd_chat_window_attach_file (window, price);
  expect_attachment (server, visitor, "price list.txt", "Starter $29\nTeam $49\n");
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgement");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 1);
  g_assert_true (has_one_row (list));

  /* The drop target's path, with a GFile. */
  drop = GTK_DROP_TARGET (find_controller (GTK_WIDGET (window), GTK_TYPE_DROP_TARGET, 0));
  g_assert_nonnull (drop);
  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, dropped);
  g_signal_emit_by_name (drop, "drop", &value, 10.0, 10.0, &dropped_ok);
  g_value_unset (&value);
  g_assert_true (dropped_ok);
  expect_attachment (server, visitor, "dropped.csv", "a,b\n1,2\n");
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgement");
  g_assert_true (has_many_rows (list));
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, dropped_path);
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, price_path);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));

  /* Moved away: after a refresh it is listed as missing, insensitive,
   * with a tooltip saying why. */
  g_assert_cmpint (g_rename (price_path, moved_path), ==, 0);
  fd_chat_window_refresh_recent_files (window);
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, price_path);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, "This file was moved or deleted.");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (row))), ==,
                   "price list.txt (missing)");
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));

  /* A right click on Add Attachment shows the recent list (the guide). */
  {
    GtkEventController *right_click = NULL;

    /* Add Attachment sits beside the recent attachments' button. */
    for (GtkWidget *child = gtk_widget_get_first_child (gtk_widget_get_parent (fd_chat_window_get_recent_button (window)));
         child != NULL; child = gtk_widget_get_next_sibling (child))
      if ((right_click = find_controller (child, GTK_TYPE_GESTURE_CLICK, GDK_BUTTON_SECONDARY)) != NULL)
        break;
    g_assert_nonnull (right_click);
    g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (list)));
    g_signal_emit_by_name (right_click, "pressed", 1, 5.0, 5.0);
    fd_test_ui_wait (is_mapped, list, "the recent attachments to show");
    gtk_menu_button_popdown (GTK_MENU_BUTTON (fd_chat_window_get_recent_button (window)));
  }

  /* Over 10 MB (sparse): refused before sending, with a sentence. */
  stream = g_file_replace (big, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_seekable_truncate (G_SEEKABLE (stream), 10 * 1024 * 1024 + 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
  n_messages = fd_chat_window_get_n_messages (window);
  fd_chat_window_attach_file (window, big);
  fd_test_ui_wait (has_status, window, "the refusal");
  g_assert_cmpstr (fd_chat_window_get_status (window), ==,
                   "“big.bin” is larger than 10 MB; attachments can be at most 10 MB.");
  g_assert_cmpuint (fd_chat_window_get_n_messages (window), ==, n_messages);
  g_assert_cmpuint (fd_chat_window_get_n_pending (window), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 2);

  /* Eighteen more (20 in all), then an app restart: the 20 are back,
   * the moved file still listed as missing. One more in the new window
   * and another restart: the oldest (the moved one) has dropped off. */
  for (guint i = 1; i <= 19; i++)
    {
      g_autofree char *name = g_strdup_printf ("note-%02u.txt", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      if (i == 19)
        {
          fd_test_ui_close_window (window);
          g_assert_finalize_object (recent);
          recent = fd_recent_files_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
          window = reopen_chat (jenna, visitor->conversation_id);
          fd_chat_window_set_stores (window, NULL, NULL, recent);
          list = fd_chat_window_get_recent_list (window);
          g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 20);
          row = gtk_list_box_get_row_at_index (list, 19);
          g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, price_path);
          g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (row))), ==,
                           "price list.txt (missing)");
        }
      g_assert_true (g_file_set_contents (path, name, -1, &error));
      g_assert_no_error (error);
      fd_chat_window_attach_file (window, file);
      expect_attachment (server, visitor, name, name);
      fd_test_ui_wait (fd_test_ui_chat_nothing_pending, window, "the acknowledgement");
    }
  fd_test_ui_close_window (window);
  g_assert_finalize_object (recent);
  recent = fd_recent_files_new (dir, fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  window = reopen_chat (jenna, visitor->conversation_id);
  fd_chat_window_set_stores (window, NULL, NULL, recent);
  list = fd_chat_window_get_recent_list (window);
  g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 20);
  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_nonnull (g_strrstr (g_object_get_data (G_OBJECT (row), "fd-payload"), "note-19.txt"));
  row = gtk_list_box_get_row_at_index (list, 19);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, dropped_path);

  fd_test_ui_close_window (window);
  g_assert_finalize_object (recent);
  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
  fd_test_rm_rf (dir);
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

/* --- history ---------------------------------------------------------------------- */

#define HISTORY_EMAIL "returning@visitor.example"

static GtkListBoxRow *
find_history_row (FdChatWindow *window,
                  gint64        id)
{
  return fd_test_ui_find_row_by_id (fd_chat_window_get_history_list (window), "fd-conversation-id", id);
}

typedef struct {
  FdChatWindow *window;
  gint64        id;
} HistoryLookup;

static gboolean
has_history_row (gpointer data)
{
  HistoryLookup *lookup = data;

  return find_history_row (lookup->window, lookup->id) != NULL;
}

static const char *
row_label (GtkListBoxRow *row,
           guint          index)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_box_row_get_child (row));

  for (guint i = 0; i < index && label != NULL; i++)
    label = gtk_widget_get_next_sibling (label);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
is_conversation_window_of (gpointer      window,
                           gconstpointer id)
{
  return FD_IS_CONVERSATION_WINDOW (window) &&
         fd_conversation_window_get_id (window) == *(const gint64 *) id;
}

static FdConversationWindow *
find_conversation_window (gint64 id)
{
  return fd_test_ui_find_toplevel (is_conversation_window_of, &id);
}

static gboolean
has_conversation_messages (gpointer data)
{
  FdConversationWindow *window = find_conversation_window (*(gint64 *) data);

  return window != NULL && fd_conversation_window_get_n_messages (window) > 0;
}

static gint64
first_contact_id (FdConnection *connection,
                  gint64        conversation_id)
{
  FdConversationItem *item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (connection)), conversation_id);

  g_assert_nonnull (item);
  return fd_conversation_item_get_conversation (item)->contact_id;
}

/* The same visitor (by email) chats twice: the second window's History
 * lists the first, closed, and exactly what the server sent (at most
 * 10, newest first); activating it opens it read-only. */
/* Issue 18: a returning customer types a new name ("Rose Lavelle") with an
 * email address already on file for "Ada Lovelace". The window names her
 * as she typed, says who is on file, and marks the typed address "Not
 * verified" in the visitor pane and in every History entry (docs/app.md,
 * "A returning customer"). */
#define ADA_EMAIL "ada@visitor.example"

static void
test_chat_window_returning_customer (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) ada = NULL;
  g_autoptr(FdTestVisitor) rose = NULL;
  HistoryLookup history;
  FdChatWindow *window;
  FdConversationItem *item;
  GtkListBoxRow *row;

  fd_test_server_start_demo (server);
  jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);

  /* Ada's first visit: her own name, nothing on file to differ from. */
  ada = fd_test_visitor_start_with_email (server, FD_TEST_CHAT_KEY, "Ada Lovelace", ADA_EMAIL);
  visitor_writes (ada, "Hello", jenna, "Ada's chat");
  window = open_chat (jenna, ada->conversation_id, "Ada's transcript");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "name"), ==, "Ada Lovelace");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "on-file"), ==, "");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "verified"), ==, "Not verified");
  fd_test_ui_close_window (window);

  /* Rose types Ada's address: linked to Ada's contact, named as typed. */
  rose = fd_test_visitor_start_with_email (server, FD_TEST_CHAT_KEY, "Rose Lavelle", ADA_EMAIL);
  visitor_writes (rose, "Hello again", jenna, "Rose's chat");
  window = open_chat (jenna, rose->conversation_id, "Rose's transcript");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "name"), ==, "Rose Lavelle");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "on-file"), ==, "On file as Ada Lovelace");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "email"), ==, ADA_EMAIL);
  g_assert_cmpstr (fd_chat_window_get_detail (window, "verified"), ==, "Not verified");
  item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (jenna)),
                                   rose->conversation_id);
  g_assert_nonnull (item);
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Rose Lavelle");

  /* Every History entry says who typed what, and that it is not verified. */
  history.window = window;
  history.id = ada->conversation_id;
  fd_test_ui_wait (has_history_row, &history, "Ada's chat in History");
  row = find_history_row (window, rose->conversation_id);
  g_assert_nonnull (row);
  g_assert_cmpstr (g_strstr_len (row_label (row, 1), -1, "\n"), ==,
                   "\nRose Lavelle · " ADA_EMAIL " · Not verified");
  row = find_history_row (window, ada->conversation_id);
  g_assert_nonnull (row);
  g_assert_cmpstr (g_strstr_len (row_label (row, 1), -1, "\n"), ==,
                   "\nAda Lovelace · " ADA_EMAIL " · Not verified");
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "returning-customer.png"));
  fd_test_ui_close_window (window);

  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}

/* The transfer list's row for @agent_id, NULL when not listed. */
static GtkListBoxRow *
find_transfer_row (FdChatWindow *window,
                   gint64        agent_id)
{
  return fd_test_ui_find_row_by_id (fd_chat_window_get_transfer_list (window), "fd-agent-id", agent_id);
}

/* Whether a label under @widget reads @text. */
static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* Why nobody can be chosen, as the Transfer popover says it (NULL: it
 * does not). */
static const char *
transfer_reason (FdChatWindow *window)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (fd_chat_window_get_transfer_list (window)),
                                                FD_TYPE_TRANSFER_POPOVER);

  g_assert_nonnull (popover);
  return fd_transfer_popover_get_reason (FD_TRANSFER_POPOVER (popover));
}

static void
open_transfer_list (FdChatWindow *window)
{
  GtkListBox *list = fd_chat_window_get_transfer_list (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.transfer", NULL));
  fd_test_ui_wait (has_rows, list, "the colleagues to transfer to");
}

static void
test_chat_window_transfer (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;
  FdChatWindow *window;
  FdChatWindow *taken;
  GtkListBoxRow *row;
  FdTestUiStatusWait status;
  FdTestUiItemLookup lookup;
  gint64 natalie_id;

  fd_test_server_start_demo (server);
  jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  natalie = connect_agent (server, FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  natalie_id = fd_connection_get_agent (natalie)->id;

  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, VISITOR_NAME);
  visitor_writes (visitor, "I need someone from billing.", jenna, "the offer");

  window = open_chat (jenna, visitor->conversation_id, "the transcript");
  /* Nothing to transfer before reserving. */
  g_assert_false (gtk_widget_get_visible (fd_chat_window_get_transfer_button (window)));
  reserve_chat (window, "the reservation");
  set_compose (window, "Let me find a colleague.");
  g_assert_true (press_key (window, GDK_KEY_Return, 0));
  fd_test_visitor_expect_text (visitor, "Let me find a colleague.", WAIT_MS);

  /* The members of Sales: Natalie, joined, first; Ed, a member who is
   * not joined, shown but not offered. */
  open_transfer_list (window);
  g_assert_cmpuint (fd_test_ui_count_rows (fd_chat_window_get_transfer_list (window)), ==, 2);
  row = find_transfer_row (window, natalie_id);
  g_assert_nonnull (row);
  g_assert_cmpint (gtk_list_box_row_get_index (row), ==, 0);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (has_label (GTK_WIDGET (row), "Available"));
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Natalie Maines");
  row = gtk_list_box_get_row_at_index (fd_chat_window_get_transfer_list (window), 1);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Ed Thrussell");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (has_label (GTK_WIDGET (row), "Not joined · Offline"));
  g_assert_null (transfer_reason (window));
  row = find_transfer_row (window, natalie_id);

  /* Offered; Natalie declines; it stays with Jenna, who is told. */
  g_signal_emit_by_name (fd_chat_window_get_transfer_list (window), "row-activated", row);
  status.window = window;
  status.prefix = "Waiting for Natalie Maines";
  fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &status, "the offer to show as waiting");
  /* One offer at a time. */
  g_assert_false (gtk_widget_is_sensitive (fd_chat_window_get_transfer_button (window)));
  lookup.connection = natalie;
  lookup.id = visitor->conversation_id;
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the transfer offer in Natalie's list");
  fd_connection_reject_async (natalie, visitor->conversation_id, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "Natalie declining");
  g_assert_true (fd_connection_reject_finish (natalie, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  status.prefix = "Natalie Maines did not take the conversation";
  fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &status, "the declined transfer");
  g_assert_true (fd_chat_window_get_reserved (window));

  /* Again: Natalie takes it in her own window and has the whole transcript. */
  open_transfer_list (window);
  row = find_transfer_row (window, natalie_id);
  g_assert_nonnull (row);
  g_signal_emit_by_name (fd_chat_window_get_transfer_list (window), "row-activated", row);
  status.prefix = "Waiting for Natalie Maines";
  fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &status, "the second offer");
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the second transfer offer");
  taken = open_chat (natalie, visitor->conversation_id, "Natalie's transcript");
  reserve_chat (taken, "Natalie's reservation");
  status.prefix = "Transferred to Natalie Maines.";
  fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &status, "Jenna's window to say it went");
  g_assert_false (fd_chat_window_get_reserved (window));
  transcript = fd_chat_window_dup_transcript (taken);
  g_assert_nonnull (strstr (transcript, "I need someone from billing."));
  g_assert_nonnull (strstr (transcript, "Let me find a colleague."));

  /* Natalie finishes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (taken), "chat.close", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_closed, taken, "the close");

  gtk_window_destroy (GTK_WINDOW (taken));
  g_object_unref (taken);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  fd_test_ui_spin (100);
}

/* Jenna is the only agent joined to Sales: the Transfer popover says why
 * nobody can be chosen and lists the members who are not joined — Natalie
 * (signed in, available) and Ed (offline) — as unavailable, with their
 * state. */
static void
test_chat_window_transfer_nobody_joined (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  FdChatWindow *window;
  GtkListBox *list;
  GtkListBoxRow *row;
  gint64 natalie_id;

  fd_test_server_start_demo (server);
  jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  natalie_id = fd_connection_get_agent (natalie)->id;

  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, VISITOR_NAME);
  visitor_writes (visitor, "Anyone from billing?", jenna, "the offer");

  window = open_chat (jenna, visitor->conversation_id, "the transcript");
  reserve_chat (window, "the reservation");

  open_transfer_list (window);
  list = fd_chat_window_get_transfer_list (window);
  g_assert_cmpstr (transfer_reason (window), ==, "No colleague is joined to this stream");
  g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 2);
  /* Natalie, signed in, first; then Ed, offline. Neither can be chosen. */
  row = find_transfer_row (window, natalie_id);
  g_assert_nonnull (row);
  g_assert_cmpint (gtk_list_box_row_get_index (row), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (has_label (GTK_WIDGET (row), "Not joined · Available"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (row)));
  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "fd-payload"), ==, "Ed Thrussell");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (has_label (GTK_WIDGET (row), "Not joined · Offline"));

  /* Activating an unavailable row offers nothing: still Jenna's, no offer. */
  g_signal_emit_by_name (list, "row-activated", row);
  fd_test_ui_spin (300);
  g_assert_true (fd_chat_window_get_reserved (window));
  g_assert_cmpint (fd_conversation_item_get_conversation (fd_activity_model_lookup (
                     fd_session_get_activity_model (fd_connection_get_session (jenna)), visitor->conversation_id))->transfer_to, ==, 0);

  /* Closed before the window goes, as a person would: destroying the
   * window with the popover shown gave a Gdk critical (a destroyed
   * surface asked for the pointer) under ASan. */
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (list), FD_TYPE_TRANSFER_POPOVER)));
  fd_test_ui_spin (200);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  fd_test_ui_spin (100);
}

static void
test_chat_window_history (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) first = NULL;
  g_autoptr(FdTestVisitor) second = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FdChatWindow *window;
  FdConversationWindow *opened;
  GtkListBoxRow *row;
  HistoryLookup history;
  FdTestUiItemLookup lookup;
  gint64 first_id;

  /* Twelve chats from one address in a minute are more than a visitor's
   * default limits allow (docs/widget.md); the server reads these. */
  g_setenv ("FRONTDESKD_VISITOR_LIMITS", "create=6000/1000,message=6000/1000,typing=6000/1000,sockets=1000", TRUE);
  fd_test_server_start_demo (server);
  g_unsetenv ("FRONTDESKD_VISITOR_LIMITS");
  jenna = connect_agent (server, FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);

  /* The first chat, reserved and closed. */
  first = fd_test_visitor_start_full (server, FD_TEST_CHAT_KEY, "Ann", HISTORY_EMAIL, NULL);
  first_id = first->conversation_id;
  visitor_writes (first, "First visit", jenna, "the first offer");
  window = open_chat (jenna, first_id, "the first transcript");
  reserve_chat (window, "the first reservation");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.close", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_closed, window, "the first conversation to close");
  fd_test_ui_close_window (window);

  /* The second chat of the same visitor lists the first in History. */
  second = fd_test_visitor_start_full (server, FD_TEST_CHAT_KEY, "Ann", HISTORY_EMAIL, NULL);
  g_assert_cmpint (second->conversation_id, !=, first_id);
  fd_test_visitor_connect (second);
  fd_test_visitor_send (second, "v1", "Back again");
  lookup.connection = jenna;
  lookup.id = second->conversation_id;
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the second offer");
  window = open_chat (jenna, second->conversation_id, "the second transcript");
  history.window = window;
  history.id = first_id;
  fd_test_ui_wait (has_history_row, &history, "the first chat in History");
  g_assert_cmpuint (fd_test_ui_count_rows (fd_chat_window_get_history_list (window)), <=, 10);
  row = find_history_row (window, first_id);
  g_assert_nonnull (g_strstr_len (row_label (row, 0), -1, "WebChat"));
  g_assert_nonnull (g_strstr_len (row_label (row, 1), -1, "Closed"));
  /* Newest first: the first chat comes after the second. */
  if (find_history_row (window, second->conversation_id) != NULL)
    g_assert_true (gtk_widget_get_first_child (GTK_WIDGET (fd_chat_window_get_history_list (window)))
                   == GTK_WIDGET (find_history_row (window, second->conversation_id)));

  /* The tab shows exactly what the server sent (the server keeps to 10),
   * in its order. */
  {
    FdContactRef *ref = fd_contact_ref_new ();
    g_autoptr(FdFrame) ack = NULL;
    const FdConversations *sent;
    GtkWidget *child;

    ref->contact_id = first_contact_id (jenna, second->conversation_id);
    fd_connection_request_async (jenna, FD_FRAME_CONTACT_HISTORY, ref, NULL, fd_test_ui_on_done_cb, &result);
    fd_test_ui_wait (fd_test_ui_has_result, &result, "contact-history");
    ack = fd_connection_request_finish (jenna, result, &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    sent = ack->body;
    g_assert_cmpuint (sent->conversations->len, <=, 10);
    g_assert_cmpuint (fd_test_ui_count_rows (fd_chat_window_get_history_list (window)), ==, sent->conversations->len);
    child = gtk_widget_get_first_child (GTK_WIDGET (fd_chat_window_get_history_list (window)));
    for (guint i = 0; i < sent->conversations->len; i++, child = gtk_widget_get_next_sibling (child))
      g_assert_cmpint (*(gint64 *) g_object_get_data (G_OBJECT (child), "fd-conversation-id"), ==,
                       ((FdConversation *) g_ptr_array_index (sent->conversations, i))->id);
  }

  /* Activating the row opens the first chat read-only, with its messages. */
  g_signal_emit_by_name (fd_chat_window_get_history_list (window), "row-activated", row);
  fd_test_ui_wait (has_conversation_messages, &first_id, "the first chat's transcript");
  opened = find_conversation_window (first_id);
  g_assert_nonnull (opened);
  g_assert_cmpint (fd_conversation_window_get_id (opened), ==, first_id);
  g_object_ref (opened);
  gtk_window_destroy (GTK_WINDOW (opened));
  fd_test_ui_close_window (window);
  fd_test_ui_spin (50);
  g_assert_finalize_object (opened);

  /* Ten more visits (twelve in all): History lists exactly the ten newest
   * (this one first), so the first two visits have dropped off. */
  {
    g_autoptr(GPtrArray) visits = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_test_visitor_free);
    FdTestVisitor *last = NULL;
    GtkListBox *list;

    for (guint i = 0; i < 10; i++)
      {
        last = fd_test_visitor_start_full (server, FD_TEST_CHAT_KEY, "Ann", HISTORY_EMAIL, NULL);
        g_ptr_array_add (visits, last);
      }
    lookup.id = last->conversation_id;
    fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the twelfth offer");
    window = fd_chat_window_new (NULL, jenna, last->conversation_id);
    g_object_ref (window);
    gtk_window_present (GTK_WINDOW (window));
    fd_test_ui_wait (is_loaded_any, window, "the twelfth chat");
    list = fd_chat_window_get_history_list (window);
    history.window = window;
    history.id = ((FdTestVisitor *) g_ptr_array_index (visits, 0))->conversation_id;
    fd_test_ui_wait (has_history_row, &history, "the third visit in History");
    g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 10);
    g_assert_null (find_history_row (window, first_id));
    g_assert_null (find_history_row (window, second->conversation_id));
    g_assert_true (gtk_widget_get_first_child (GTK_WIDGET (list)) ==
                   GTK_WIDGET (find_history_row (window, last->conversation_id)));
    /* This conversation's own row says so and follows its state. */
    g_assert_true (g_str_has_prefix (row_label (find_history_row (window, last->conversation_id), 1),
                                     "This conversation · Unreserved"));
    reserve_chat (window, "the twelfth reservation");
    g_assert_true (g_str_has_prefix (row_label (find_history_row (window, last->conversation_id), 1),
                                     "This conversation · Reserved"));
    g_assert_cmpuint (fd_test_ui_count_rows (list), ==, 10);
    fd_test_ui_close_window (window);
  }

  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
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
