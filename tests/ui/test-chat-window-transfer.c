#define G_LOG_DOMAIN "test-chat-window"

/* The Web Chat window's Transfer: colleagues listed with their state, an
 * offer declined then taken, and nobody joined to transfer to. */

#include <string.h>

#include "fd-session.h"
#include "fd-transfer-popover.h"

#include "test-chat-window.h"

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

void
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
void
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
