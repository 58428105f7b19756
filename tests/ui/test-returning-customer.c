#define G_LOG_DOMAIN "test-returning-customer"

/* Issue 18: a returning customer types a new name ("Rose Lavelle") with an
 * email address already on file for "Ada Lovelace". The Web Chat window,
 * against the real frontdeskd --demo, names her as she typed, says who is
 * on file, and marks the typed address "Not verified" in the visitor pane
 * and in every History entry (docs/app.md, "A returning customer"). */

#include "fd-chat-window.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"

#define JENNA_EMAIL    "jenna@kakapo.example"
#define JENNA_PASSWORD "jenna-demo"
#define CHAT_KEY       "kakapo-website-chat"
#define ADA_EMAIL      "ada@visitor.example"

typedef struct {
  FdChatWindow *window;
  guint         n_rows;
} RowsWait;

static gboolean
has_rows (gpointer data)
{
  RowsWait *wait = data;

  return fd_test_ui_count_rows (fd_chat_window_get_history_list (wait->window)) >= wait->n_rows;
}

/* The second line of a History row: where, then who as typed. */
static const char *
row_detail (GtkListBoxRow *row)
{
  GtkWidget *title = gtk_widget_get_first_child (gtk_list_box_row_get_child (row));
  GtkWidget *detail = gtk_widget_get_next_sibling (title);

  g_assert_true (GTK_IS_LABEL (detail));
  return gtk_label_get_text (GTK_LABEL (detail));
}

/* Loaded, with or without messages (these visitors have not written). */
static gboolean
is_loaded (gpointer window)
{
  return fd_chat_window_get_loaded (window);
}

static gboolean
has_size (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static FdChatWindow *
open_chat (FdConnection *jenna,
           gint64        id)
{
  FdTestUiItemLookup lookup = { .connection = jenna, .id = id };
  FdChatWindow *window;

  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the offer");
  window = fd_chat_window_new (NULL, jenna, id);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (is_loaded, window, "the conversation");
  return window;
}

static void
close_window (FdChatWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
}

static void
test_returning_customer (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) ada = NULL;
  g_autoptr(FdTestVisitor) rose = NULL;
  FdChatWindow *window;
  FdConversationItem *item;
  GtkListBoxRow *row;
  RowsWait rows;

  fd_test_server_add_args (server, "--demo", NULL);
  fd_test_server_start (server);
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), JENNA_EMAIL, JENNA_PASSWORD);
  fd_test_ui_join_queue (jenna, "Sales");

  /* Ada's first visit: her own name, nothing on file to differ from. */
  ada = fd_test_visitor_start_with_email (server, CHAT_KEY, "Ada Lovelace", ADA_EMAIL);
  fd_test_visitor_connect (ada);
  window = open_chat (jenna, ada->conversation_id);
  g_assert_cmpstr (fd_chat_window_get_detail (window, "name"), ==, "Ada Lovelace");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "on-file"), ==, "");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "verified"), ==, "Not verified");
  close_window (window);

  /* Rose types Ada's address: linked to Ada's contact, named as typed. */
  rose = fd_test_visitor_start_with_email (server, CHAT_KEY, "Rose Lavelle", ADA_EMAIL);
  fd_test_visitor_connect (rose);
  window = open_chat (jenna, rose->conversation_id);
  g_assert_cmpstr (fd_chat_window_get_detail (window, "name"), ==, "Rose Lavelle");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "on-file"), ==, "On file as Ada Lovelace");
  g_assert_cmpstr (fd_chat_window_get_detail (window, "email"), ==, ADA_EMAIL);
  g_assert_cmpstr (fd_chat_window_get_detail (window, "verified"), ==, "Not verified");
  item = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (jenna)),
                                   rose->conversation_id);
  g_assert_nonnull (item);
  g_assert_cmpstr (fd_conversation_item_get_from (item), ==, "Rose Lavelle");

  /* Every History entry says who typed what, and that it is not verified. */
  rows.window = window;
  rows.n_rows = 2;
  fd_test_ui_wait (has_rows, &rows, "both chats in History");
  row = fd_test_ui_find_row_by_id (fd_chat_window_get_history_list (window), "fd-conversation-id",
                                   rose->conversation_id);
  g_assert_nonnull (row);
  g_assert_cmpstr (g_strstr_len (row_detail (row), -1, "\n"), ==,
                   "\nRose Lavelle · " ADA_EMAIL " · Not verified");
  row = fd_test_ui_find_row_by_id (fd_chat_window_get_history_list (window), "fd-conversation-id",
                                   ada->conversation_id);
  g_assert_nonnull (row);
  g_assert_cmpstr (g_strstr_len (row_detail (row), -1, "\n"), ==,
                   "\nAda Lovelace · " ADA_EMAIL " · Not verified");
  fd_test_ui_wait (has_size, window, "the window on screen");
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "returning-customer.png"));
  close_window (window);

  fd_connection_stop (jenna);
  fd_test_ui_spin (50);
  g_assert_finalize_object (g_steal_pointer (&jenna));
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/returning-customer/pane-and-history", test_returning_customer);
  return g_test_run ();
}
