#define G_LOG_DOMAIN "test-crm-live"

/* CRM end to end in the agent app (docs/app.md, "CRM"; docs/crm.md): a
 * real frontdeskd whose organization is connected, through its connect
 * page, to tests/crm/fd-crm-fake.py (the server's stand-in of Salesforce's
 * REST calls); the app signs in, learns the CRM from the welcome, a
 * visitor with a Lead's email chats, and the label the server's lookup
 * finds later reaches the From column and the window header; View
 * contact stays off (the fake's http instance gives no https record);
 * "Add CRM log entry" sends crm-log with the agent's CRM user, and the
 * fake receives the Task owned by that user. Screenshot:
 * crm-live-chat-window.png. Built only with the server's CRM part
 * (tests/crm/fd-crm-fake.py present). */

#include <string.h>

#include "fd-chat-window.h"
#include "fd-crm.h"
#include "fd-crm-log-dialog.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-crm-fake.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"

#define AGENT_CRM_USER "005000000000009AAA"

static const char seed[] =
  "{\"salesforce\": {"
  "  \"Contact\": [],"
  "  \"Lead\": [{\"Id\": \"00Q000000000002AAA\", \"Name\": \"Natalie Maines\", \"Email\": \"natalie@lead.example\","
  "             \"Phone\": \"+15550100002\", \"Company\": \"Dixie Records\"}]},"
  " \"zendesk\": {\"users\": [], \"organizations\": []}}";

/* The Tasks the fake received. */
static JsonArray *
fake_tasks (FdTestCrmFake *fake)
{
  g_autoptr(JsonObject) state = fd_test_crm_fake_state (fake);

  return json_array_ref (json_object_get_array_member (state, "tasks"));
}

/* --- the app ----------------------------------------------------------------- */

typedef struct {
  FdConnection *connection;
  gint64        id;
} Item;

static gboolean
has_label (gpointer data)
{
  Item *item = data;
  FdConversationItem *row = fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (item->connection)),
                                                      item->id);

  return row != NULL && g_str_has_suffix (fd_conversation_item_get_from (row), "(Salesforce Lead)");
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

typedef struct { FdTestCrmFake *fake; } TaskWait;

static gboolean
has_task (gpointer data)
{
  g_autoptr(JsonArray) tasks = fake_tasks (((TaskWait *) data)->fake);

  return json_array_get_length (tasks) >= 1;
}

static void
test_live (void)
{
  g_autoptr(FdTestCrmFake) fake = fd_test_crm_fake_new (seed);
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  g_autoptr(JsonArray) tasks = NULL;
  FdChatWindow *window;
  GtkWindow *dialog;
  AdwWindowTitle *title;
  const FdConversation *conv;
  FdConversationModel *model;
  JsonObject *task;
  Item item;
  TaskWait task_wait = { fake };
  gint64 org_id;

  fd_test_server_add_args (server, "--crm-allow-http", "--crm-backoff-ms", "300", NULL);
  fd_test_server_start (server);
  org_id = fd_test_admin_import_demo (server);
  fd_test_crm_connect (server, org_id, "salesforce", fake);

  /* The welcome names the CRM; the agent's own CRM user is set as
   * Preferences > CRM sets it (test-crm-preferences covers that flow). */
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  g_assert_cmpstr (fd_connection_get_crm_provider (jenna), ==, "salesforce");
  fd_connection_set_crm_user (jenna, AGENT_CRM_USER);
  fd_test_ui_join_queue (jenna, "Sales");

  visitor = fd_test_visitor_start_with_email (server, FD_TEST_CHAT_KEY, "Natalie Maines", "natalie@lead.example");
  fd_test_visitor_connect (visitor);
  fd_test_visitor_send (visitor, "v1", "Hello, I asked about a quote yesterday.");
  item = (Item) { jenna, visitor->conversation_id };
  /* The From column: the label arrives with the lookup's conversation event. */
  fd_test_ui_wait (has_label, &item, "the CRM label in the Activity List");

  window = fd_chat_window_new (NULL, jenna, visitor->conversation_id);
  g_object_ref (window);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, window, "the transcript");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, window, "the reservation");

  title = ADW_WINDOW_TITLE (fd_test_ui_find_descendant (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Natalie Maines (Salesforce Lead)");
  model = fd_session_get_conversation_model (fd_connection_get_session (jenna), visitor->conversation_id);
  conv = fd_conversation_model_get_conversation (model);
  g_assert_cmpstr (conv->contact->crm_company, ==, "Dixie Records");
  g_clear_object (&model);
  /* The fake is an http instance: no https record, View contact is off. */
  g_assert_false (gtk_widget_get_sensitive (fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.view-crm")));
  g_assert_true (gtk_widget_get_sensitive (fd_test_ui_find_action_button (GTK_WIDGET (window), "chat.add-crm-log")));
  fd_test_ui_spin (200);
  g_free (fd_test_ui_save_screenshot (GTK_WIDGET (window), "crm-live-chat-window.png"));

  /* Add CRM log entry: acknowledged once queued, the window closes, and
   * the fake gets the Task owned by the agent's CRM user. */
  dialog = fd_crm_add_log_entry (GTK_WINDOW (window), jenna, visitor->conversation_id);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  fd_crm_log_dialog_set_entry (FD_CRM_LOG_DIALOG (dialog), "Quote", "Sent the quote for 12 seats.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "crm-log.send", NULL));
  fd_test_ui_wait (is_gone, &dialog, "the CRM log dialog to close on the ack");
  fd_test_ui_wait (has_task, &task_wait, "the manual Task at the fake Salesforce");
  tasks = fake_tasks (fake);
  g_assert_cmpuint (json_array_get_length (tasks), ==, 1);
  task = json_array_get_object_element (tasks, 0);
  g_assert_cmpstr (json_object_get_string_member (task, "Subject"), ==, "Quote");
  g_assert_cmpstr (json_object_get_string_member (task, "OwnerId"), ==, AGENT_CRM_USER);

  fd_test_ui_close_window (window);
  fd_test_ui_stop_connection (g_steal_pointer (&jenna));
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/crm/live", test_live);
  return g_test_run ();
}
