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
#include "fd-test-server.h"
#include "fd-test-ui.h"

#define AGENT_CRM_USER "005000000000009AAA"

static const char seed[] =
  "{\"salesforce\": {"
  "  \"Contact\": [],"
  "  \"Lead\": [{\"Id\": \"00Q000000000002AAA\", \"Name\": \"Natalie Maines\", \"Email\": \"natalie@lead.example\","
  "             \"Phone\": \"+15550100002\", \"Company\": \"Dixie Records\"}]},"
  " \"zendesk\": {\"users\": [], \"organizations\": []}}";

/* --- the server's CRM fake (as tests/crm/test-crm.c runs it) ------------------ */

typedef struct {
  GSubprocess *process;
  char        *dir;
  char        *url;
  SoupSession *session;
} Fake;

static Fake *
fake_start (void)
{
  Fake *fake = g_new0 (Fake, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *seed_path = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "crm", "fd-crm-fake.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  fake->dir = fd_test_make_tmpdir ();
  seed_path = g_build_filename (fake->dir, "seed.json", NULL);
  g_assert_true (g_file_set_contents (seed_path, seed, -1, NULL));
  fake->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/bin/python3", script,
                                    seed_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  fake->url = g_strdup_printf ("http://127.0.0.1:%s", line);
  fake->session = soup_session_new ();
  return fake;
}

static void
fake_free (Fake *fake)
{
  g_subprocess_force_exit (fake->process);
  g_subprocess_wait (fake->process, NULL, NULL);
  g_object_unref (fake->process);
  g_object_unref (fake->session);
  fd_test_rm_rf (fake->dir);
  g_free (fake->dir);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

/* The Tasks the fake received (GET /_state). */
static JsonArray *
fake_tasks (Fake *fake)
{
  g_autofree char *url = g_strconcat (fake->url, "/_state", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read (fake->session, msg, NULL, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  node = json_from_string (g_bytes_get_data (answer, NULL), &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_node_get_object (node), "tasks"));
}

static char *
set_cookie_value (SoupMessage *msg,
                  const char  *name)
{
  const char *header = soup_message_headers_get_list (soup_message_get_response_headers (msg), "Set-Cookie");
  g_autofree char *prefix = g_strconcat (name, "=", NULL);
  const char *start = header != NULL ? strstr (header, prefix) : NULL;

  g_assert_nonnull (start);
  start += strlen (prefix);
  return g_strndup (start, strcspn (start, ";, "));
}

static GBytes *
page_send (SoupSession *session,
           SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return body;
}

/* The administrator connects the organization's Salesforce through
 * frontdeskd's connect page (docs/crm.md), the fake consenting. */
static void
crm_connect (FdTestServer *server,
             gint64        org_id,
             Fake         *fake)
{
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/crm", org_id);
  g_autofree char *body = g_strdup_printf ("{\"provider\":\"salesforce\",\"instance_url\":\"%s\",\"client_id\":\"frontdesk-app\","
                                           "\"client_secret\":\"s3cret-client\"}", fake->url);
  g_autoptr(JsonNode) answer = fd_test_admin_expect (server, "PUT", path, body, 200);
  const char *link = json_object_get_string_member (json_node_get_object (answer), "connect_url");
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) get = soup_message_new ("GET", link);
  g_autoptr(SoupMessage) post = soup_message_new ("POST", link);
  g_autoptr(SoupMessage) consent = NULL;
  g_autoptr(SoupMessage) callback = NULL;
  g_autoptr(GBytes) page = page_send (browser, get);
  g_autoptr(GBytes) form = NULL;
  g_autoptr(GBytes) done = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *html = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
  g_autofree char *csrf_cookie = set_cookie_value (get, "fd_crm_csrf");
  g_autofree char *cookie = NULL;
  g_autofree char *state_cookie = NULL;
  g_autofree char *form_body = NULL;
  const char *csrf = strstr (html, "name=\"csrf\" value=\"");

  g_assert_nonnull (csrf);
  csrf += strlen ("name=\"csrf\" value=\"");
  form_body = g_strdup_printf ("csrf=%.*s", (int) strcspn (csrf, "\""), csrf);
  cookie = g_strdup_printf ("fd_crm_csrf=%s", csrf_cookie);
  soup_message_headers_replace (soup_message_get_request_headers (post), "Cookie", cookie);
  bytes = g_bytes_new (form_body, strlen (form_body));
  soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", bytes);
  form = page_send (browser, post);
  g_assert_cmpuint (soup_message_get_status (post), ==, 303);
  state_cookie = set_cookie_value (post, "fd_crm_state");
  consent = soup_message_new ("GET", soup_message_headers_get_one (soup_message_get_response_headers (post), "Location"));
  g_clear_pointer (&form, g_bytes_unref);
  form = page_send (browser, consent);
  g_assert_cmpuint (soup_message_get_status (consent), ==, 302);
  callback = soup_message_new ("GET", soup_message_headers_get_one (soup_message_get_response_headers (consent),
                                                                     "Location"));
  g_free (cookie);
  cookie = g_strdup_printf ("fd_crm_state=%s", state_cookie);
  soup_message_headers_replace (soup_message_get_request_headers (callback), "Cookie", cookie);
  done = page_send (browser, callback);
  g_assert_cmpuint (soup_message_get_status (callback), ==, 200);
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

typedef struct { Fake *fake; } TaskWait;

static gboolean
has_task (gpointer data)
{
  g_autoptr(JsonArray) tasks = fake_tasks (((TaskWait *) data)->fake);

  return json_array_get_length (tasks) >= 1;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      found = find_button (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      found = find_type (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_live (void)
{
  g_autoptr(Fake) fake = fake_start ();
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
  crm_connect (server, org_id, fake);

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

  title = ADW_WINDOW_TITLE (find_type (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE));
  g_assert_cmpstr (adw_window_title_get_subtitle (title), ==, "Natalie Maines (Salesforce Lead)");
  model = fd_session_get_conversation_model (fd_connection_get_session (jenna), visitor->conversation_id);
  conv = fd_conversation_model_get_conversation (model);
  g_assert_cmpstr (conv->contact->crm_company, ==, "Dixie Records");
  g_clear_object (&model);
  /* The fake is an http instance: no https record, View contact is off. */
  g_assert_false (gtk_widget_get_sensitive (find_button (GTK_WIDGET (window), "chat.view-crm")));
  g_assert_true (gtk_widget_get_sensitive (find_button (GTK_WIDGET (window), "chat.add-crm-log")));
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

  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
  fd_connection_stop (jenna);
  fd_test_ui_spin (50);
  g_assert_finalize_object (g_steal_pointer (&jenna));
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/crm/live", test_live);
  return g_test_run ();
}
