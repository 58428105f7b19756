#define G_LOG_DOMAIN "test-chat-window"

/* The Web Chat window's History tab: a returning visitor's earlier chats,
 * a returning customer who types a new name, the ten newest listed. */

#include "fd-conversation-window.h"
#include "fd-session.h"

#include "test-chat-window.h"

/* Loaded, messages or not (a visit that has not written yet). */
static gboolean
is_loaded_any (gpointer data)
{
  return fd_chat_window_get_loaded (data);
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

/* Issue 18: a returning customer types a new name ("Rose Lavelle") with an
 * email address already on file for "Ada Lovelace". The window names her
 * as she typed, says who is on file, and marks the typed address "Not
 * verified" in the visitor pane and in every History entry (docs/app.md,
 * "A returning customer"). */
#define ADA_EMAIL "ada@visitor.example"

void
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

/* The same visitor (by email) chats twice: the second window's History
 * lists the first, closed, and exactly what the server sent (at most
 * 10, newest first); activating it opens it read-only. */
void
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
