#define G_LOG_DOMAIN "test-chat-window"

/* The Web Chat window's stores: drafts kept across windows and stores,
 * the reply cache, and attachments (upload, drop, recent list, missing
 * files, the size cap). */

#include <glib/gstdio.h>
#include <string.h>

#include "test-chat-window.h"

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
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
void
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
void
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
void
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
