#define G_LOG_DOMAIN "test-crm-app"

/* CRM in the agent app (docs/app.md, "CRM") against the real frontdeskd
 * --demo: the "Add CRM log entry" dialog sends crm-log and shows the
 * server's sentence (this server has no CRM connected); View contact in
 * CRM is off without an https record and on with one; the window's
 * header names the customer with the CRM label. The CRM fields reach the
 * app as the server's "conversation" event carries them once its lookup
 * finished (docs/protocol.md); until the server's CRM part is merged the
 * test applies that event, built from the wire JSON, to the session.
 * Screenshots: crm-log-dialog-error.png, crm-chat-window.png. The same
 * against the server's CRM part end to end: test-crm-live.c. */

#include <string.h>

#include "fd-chat-window.h"
#include "fd-connection-private.h"
#include "fd-crm-log-dialog.h"
#include "fd-session-private.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"

#define RECORD_URL "https://example.my.salesforce.com/lightning/r/Lead/00Q5e00000AbCdE/view"

static gboolean
has_error (gpointer data)
{
  return fd_crm_log_dialog_get_error (data) != NULL;
}

/* The agent of a new --demo server, signed in and joined to Sales, and a
 * visitor "Natalie Maines" writing; returns the reserved window. */
static FdChatWindow *
open_reserved_chat (FdTestServer   *server,
                    FdConnection  **connection,
                    FdTestVisitor **visitor)
{
  FdChatWindow *window;
  FdTestUiItemLookup lookup;

  fd_test_server_start_demo (server);
  *connection = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_join_queue (*connection, "Sales");
  *visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  fd_test_visitor_connect (*visitor);
  fd_test_visitor_send (*visitor, "v1", "Hello, I bought a licence last week.");
  lookup = (FdTestUiItemLookup) { *connection, (*visitor)->conversation_id };
  fd_test_ui_wait (fd_test_ui_has_activity_item, &lookup, "the offer in the Activity List");

  window = fd_chat_window_new (NULL, *connection, (*visitor)->conversation_id);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, window, "the transcript");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, "the reservation");
  return window;
}

/* The server's "conversation" event after its CRM lookup: the contact
 * with the CRM fields, as docs/protocol.md spells them. */
static void
apply_crm_event (FdConnection *connection,
                 FdChatWindow *window,
                 gint64        id,
                 const char   *record_url)
{
  FdSession *session = fd_connection_get_session (connection);
  FdConversationModel *model = fd_session_get_conversation_model (session, id);
  FdConversation *conv = fd_conversation_copy (fd_conversation_model_get_conversation (model));
  g_autoptr(FdFrame) frame = NULL;
  g_autofree char *json = g_strdup_printf ("{\"id\": %" G_GINT64_FORMAT ", \"organization_id\": %" G_GINT64_FORMAT ","
                                           " \"name\": \"Natalie Maines\", \"crm_label\": \"(Salesforce Lead)\","
                                           " \"crm_provider\": \"salesforce\", \"crm_record_url\": \"%s\","
                                           " \"crm_company\": \"Dixie Chicks Ltd\", \"crm_kind\": \"Lead\"}",
                                           conv->contact_id > 0 ? conv->contact_id : 1, conv->organization_id,
                                           record_url);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_clear_pointer (&conv->contact, fd_contact_free);
  conv->contact = fd_contact_from_json (node, &error);
  g_assert_no_error (error);
  frame = fd_frame_new_event (FD_FRAME_CONVERSATION, fd_connection_get_last_seq (connection), conv);
  _fd_session_apply_event (session, frame);
  _fd_session_emit_event (session, frame);
  g_object_unref (model);
  fd_test_ui_spin (100);
}

/* The dialog: Send needs a text within the bound; the server's refusal
 * (no CRM connected here) is shown as its sentence and the dialog stays
 * open with the text kept. */
static void
test_log_dialog (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autofree char *too_long = g_strnfill (FD_LIMIT_TEXT + 1, 'x');
  g_autofree char *shot = NULL;
  FdChatWindow *window;
  FdCrmLogDialog *dialog;
  GtkWidget *send;

  window = open_reserved_chat (server, &jenna, &visitor);
  /* No CRM in the welcome: Add CRM log entry is off and says why. */
  g_assert_null (fd_connection_get_crm_provider (jenna));
  g_assert_false (gtk_widget_get_sensitive (fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.add-crm-log")));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (fd_test_ui_find_action_button (GTK_WIDGET (window),
                                                                               "chat.add-crm-log")), ==,
                   "Add CRM log entry: no CRM is connected for this organization");

  dialog = fd_crm_log_dialog_new (GTK_WINDOW (window), jenna, visitor->conversation_id, "005xx0000012345AAA");
  g_object_ref (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  send = fd_test_ui_find_action_button (GTK_WIDGET (dialog), "crm-log.send");
  g_assert_nonnull (send);
  g_assert_false (gtk_widget_get_sensitive (send));
  fd_crm_log_dialog_set_entry (dialog, "Licence", too_long);
  g_assert_false (gtk_widget_get_sensitive (send));
  fd_crm_log_dialog_set_entry (dialog, "Licence renewal", "Asked about renewing the licence bought last week.");
  g_assert_true (gtk_widget_get_sensitive (send));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "crm-log.send", NULL));
  fd_test_ui_wait (has_error, dialog, "the server's answer to crm-log");
  g_assert_cmpstr (fd_crm_log_dialog_get_error (dialog), ==, "No CRM is connected to this organization yet.");
  g_assert_false (fd_crm_log_dialog_get_sending (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (gtk_widget_get_sensitive (send));
  fd_test_ui_spin (200);
  shot = fd_test_ui_save_screenshot (GTK_WIDGET (dialog), "crm-log-dialog-error.png");
  g_test_message ("screenshot: %s", shot);

  gtk_window_destroy (GTK_WINDOW (dialog));
  fd_test_ui_spin (50);
  g_assert_finalize_object (dialog);
  fd_test_ui_close_window (window);
  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}

/* The label in the header, View contact in CRM only for an https record,
 * Add CRM log entry once the organization has a CRM. */
static void
test_contact (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autofree char *shot = NULL;
  FdChatWindow *window;
  GtkWidget *view;
  GtkWidget *log;
  AdwWindowTitle *title;

  window = open_reserved_chat (server, &jenna, &visitor);
  view = fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.view-crm");
  log = fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.add-crm-log");
  g_assert_false (gtk_widget_get_sensitive (view));
  title = ADW_WINDOW_TITLE (fd_test_ui_find_descendant (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Natalie Maines");

  /* A record URL that is not https is never opened. */
  apply_crm_event (jenna, window, visitor->conversation_id, "http://example.my.salesforce.com/lightning/r/Lead/1/view");
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Natalie Maines (Salesforce Lead)");
  g_assert_false (gtk_widget_get_sensitive (view));

  apply_crm_event (jenna, window, visitor->conversation_id, RECORD_URL);
  g_assert_true (gtk_widget_get_sensitive (view));
  g_assert_false (gtk_widget_get_sensitive (log));

  _fd_connection_set_crm_provider (jenna, "salesforce");
  g_assert_true (gtk_widget_get_sensitive (log));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (log), ==, "Add a manual entry to the contact in the CRM");
  fd_test_ui_spin (200);
  shot = fd_test_ui_save_screenshot (GTK_WIDGET (window), "crm-chat-window.png");
  g_test_message ("screenshot: %s", shot);

  fd_test_ui_close_window (window);
  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/crm/log-dialog", test_log_dialog);
  g_test_add_func ("/ui/crm/contact", test_contact);
  return g_test_run ();
}
