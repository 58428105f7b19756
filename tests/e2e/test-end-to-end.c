#define G_LOG_DOMAIN "test-end-to-end"

/* The end-to-end test (issue 5) through the real pieces: frontdeskd --demo,
 * a visitor in headless Chromium using the real widget (driven by
 * tests/browser/visitor-driver.mjs over a pipe), and the agent app in this
 * process under Xvfb. The visitor starts a chat; Jenna sees the row, opens
 * the Web Chat window by double-click, sees the text written before she
 * reserved, reserves, sends a canned reply, an emoji and a file; the
 * visitor sees all three; Jenna transfers to Natalie, who gets the whole
 * transcript, reserves, answers and closes; the visitor rates and the
 * server keeps the rating. Screenshots of every tab of the window and of
 * the widget go to $FD_ARTIFACTS_DIR. */

#include <glib/gstdio.h>
#include <string.h>

#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#define NATALIE_NAME     "Natalie Maines"
/* The widget shows agents to the customer by first name (docs/widget.md). */
#define NATALIE_FIRST    "Natalie"
#define JENNA_FIRST      "Jenna"
#define VISITOR_NAME     "Greta Visitor"
#define VISITOR_EMAIL    "greta@visitor.example"
#define FIRST_TEXT       "Hi! Do you ship to Norway?"
#define NATALIE_TEXT     "Natalie here: yes, we ship to Norway."
#define FILE_NAME        "e2e price list.txt"
#define FILE_CONTENTS    "Starter $29\nTeam $49\n"
#define RATING_COMMENT   "Quick and friendly."

/* Chromium's start and each of the driver's own waits (20 s) fit in this;
 * the driver's sentence comes first when something does not show. */
#define DRIVER_WAIT_MS   60000
#define APP_WAIT_MS      15000

static gint64 test_start_us;

/* Logs how long the flow took up to @step (the report's timing). */
static void
mark_step (const char *step)
{
  g_test_message ("%5.1f s: %s", (g_get_monotonic_time () - test_start_us) / 1e6, step);
}

/* --- the visitor driver ---------------------------------------------------- */

typedef struct {
  GSubprocess      *process;
  GOutputStream    *input;
  GDataInputStream *output;
} Driver;

typedef struct {
  char     *line;
  GError   *error;
  gboolean  done;
} LineRead;

static void
on_line_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  LineRead *line_read = user_data;

  line_read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                                &line_read->error);
  line_read->done = TRUE;
}

static gboolean
line_done (gpointer data)
{
  return ((LineRead *) data)->done;
}

static Driver *
driver_start (void)
{
  const char *node = g_getenv ("FD_NODE");
  const char *script = g_getenv ("FD_VISITOR_DRIVER");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  Driver *self = g_new0 (Driver, 1);

  g_assert_nonnull (node);
  g_assert_nonnull (script);
  /* stderr is inherited: the driver's diagnostics land in the test log. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  self->process = g_subprocess_launcher_spawn (launcher, &error, node, script, NULL);
  g_assert_no_error (error);
  self->input = g_subprocess_get_stdin_pipe (self->process);
  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  return self;
}

static JsonBuilder *
command_new (const char *name)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cmd");
  json_builder_add_string_value (builder, name);
  return builder;
}

/* Sends the command in @builder (consumed) and returns the driver's answer;
 * an {"ok": false} answer fails the test with the driver's sentence. The
 * main context runs meanwhile, so that the app keeps working. */
static JsonObject *
driver_send (Driver      *self,
             JsonBuilder *builder)
{
  g_autoptr(JsonBuilder) owned = builder;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  LineRead line_read = { NULL, NULL, FALSE };
  const char *name;
  JsonObject *answer;

  json_builder_end_object (owned);
  root = json_builder_get_root (owned);
  name = json_object_get_string_member (json_node_get_object (root), "cmd");
  text = json_to_string (root, FALSE);
  line = g_strconcat (text, "\n", NULL);
  g_assert_true (g_output_stream_write_all (self->input, line, strlen (line), NULL, NULL, &error));
  g_assert_no_error (error);

  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, &line_read);
  fd_test_ui_wait_ms (line_done, &line_read, DRIVER_WAIT_MS, name);
  g_assert_no_error (line_read.error);
  if (line_read.line == NULL)
    g_error ("The visitor driver exited while answering “%s”.", name);
  json_parser_load_from_data (parser, line_read.line, -1, &error);
  g_assert_no_error (error);
  g_free (line_read.line);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  answer = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_get_boolean_member_with_default (answer, "ok", FALSE))
    g_error ("The visitor driver failed “%s”: %s", name,
             json_object_get_string_member_with_default (answer, "error", "(no reason given)"));
  return json_object_ref (answer);
}

/* A command whose arguments are all strings: pairs of member name and
 * value, NULL-terminated. */
static JsonObject *
driver_callv (Driver     *self,
              const char *name,
              va_list     args)
{
  JsonBuilder *builder = command_new (name);
  const char *member;

  while ((member = va_arg (args, const char *)) != NULL)
    {
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, va_arg (args, const char *));
    }
  return driver_send (self, builder);
}

static JsonObject *
driver_call (Driver     *self,
             const char *name,
             ...)
{
  JsonObject *answer;
  va_list args;

  va_start (args, name);
  answer = driver_callv (self, name, args);
  va_end (args);
  return answer;
}

/* The same when only success matters. */
static void
driver_run (Driver     *self,
            const char *name,
            ...)
{
  va_list args;

  va_start (args, name);
  json_object_unref (driver_callv (self, name, args));
  va_end (args);
}

static void
on_driver_wait_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
on_driver_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Closes the driver's stdin, which ends it (and Chromium); it must exit
 * cleanly and soon, or it is killed and the test fails. */
static void
driver_stop (Driver *self)
{
  g_autoptr(GError) error = NULL;
  gboolean exited = FALSE;
  gboolean expired = FALSE;
  guint deadline;

  g_output_stream_close (self->input, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (self->process, NULL, on_driver_wait_cb, &exited);
  deadline = g_timeout_add (APP_WAIT_MS, on_driver_deadline_cb, &expired);
  while (!exited && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!exited)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_error ("The visitor driver did not exit when its stdin closed.");
    }
  g_source_remove (deadline);
  g_assert_true (g_subprocess_get_if_exited (self->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->process), ==, 0);
  g_clear_object (&self->output);
  g_clear_object (&self->process);
  g_free (self);
}

/* --- the app ---------------------------------------------------------------- */

typedef struct {
  FdTestServer *server;
  Driver       *driver;
} Flow;

static gboolean
has_visitor_row (gpointer window)
{
  return fd_test_ui_find_row (window, VISITOR_NAME) >= 0;
}

/* The first descendant of @widget (depth first) of @type. */
static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The attachment link of @window named @name: a label carrying the
 * attachment's server URL. */
static GtkLabel *
find_attachment_label (GtkWidget  *widget,
                       const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;

      if (GTK_IS_LABEL (child) && g_object_get_data (G_OBJECT (child), "fd-attachment-url") != NULL &&
          strstr (gtk_label_get_text (GTK_LABEL (child)), name) != NULL)
        return GTK_LABEL (child);
      if ((found = find_attachment_label (child, name)) != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  FdApplication *app;
  gint64         id;
} ChatLookup;

static FdChatWindow *
find_app_chat_window (ChatLookup *lookup)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (lookup->app)); l != NULL; l = l->next)
    if (FD_IS_CHAT_WINDOW (l->data) && fd_chat_window_get_id (l->data) == lookup->id)
      return l->data;
  return NULL;
}

static gboolean
has_app_chat_window (gpointer data)
{
  return find_app_chat_window (data) != NULL;
}

static gboolean
has_one_row (gpointer data)
{
  return fd_test_ui_count_rows (data) == 1;
}

static gboolean
has_many_rows (gpointer data)
{
  return fd_test_ui_count_rows (data) > 1;
}

static gboolean
is_not_reserved (gpointer data)
{
  return !fd_chat_window_get_reserved (data);
}

typedef struct {
  FdChatWindow *window;
  gint64        agent_id;
} ColleagueLookup;

static GtkListBoxRow *
find_colleague_row (ColleagueLookup *lookup)
{
  return fd_test_ui_find_row_by_id (fd_chat_window_get_transfer_list (lookup->window), "fd-agent-id",
                                    lookup->agent_id);
}

static gboolean
has_colleague_row (gpointer data)
{
  return find_colleague_row (data) != NULL;
}

/* Saves @window on each tab of its side panel as chat-window-<tab>.png. */
static void
screenshot_tabs (FdChatWindow *window)
{
  GtkNotebook *tabs = GTK_NOTEBOOK (find_descendant (GTK_WIDGET (window), GTK_TYPE_NOTEBOOK));
  int n_pages;

  g_assert_nonnull (tabs);
  n_pages = gtk_notebook_get_n_pages (tabs);
  /* Canned Replies, Resources, Reply Cache, Emoji, History. */
  g_assert_cmpint (n_pages, ==, 5);
  for (int i = 0; i < n_pages; i++)
    {
      GtkNotebookPage *page = gtk_notebook_get_page (tabs, gtk_notebook_get_nth_page (tabs, i));
      g_autofree char *title = NULL;
      g_autofree char *slug = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      g_object_get (page, "tab-label", &title, NULL);
      g_assert_nonnull (title);
      slug = g_ascii_strdown (title, -1);
      g_strdelimit (slug, " ", '-');
      name = g_strdup_printf ("chat-window-%s.png", slug);
      gtk_notebook_set_current_page (tabs, i);
      fd_test_ui_spin (250);
      path = fd_test_ui_save_screenshot (GTK_WIDGET (window), name);
      g_test_message ("Screenshot: %s", path);
    }
  gtk_notebook_set_current_page (tabs, 0);
}

static void
run_flow (FdApplication *app,
          Flow          *flow)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *admin_token = fd_test_admin_read_token (flow->server);
  g_autofree char *dir = g_dir_make_tmp ("fd-e2e-XXXXXX", &error);
  g_autofree char *file_path = g_build_filename (dir, FILE_NAME, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autofree char *transcript = NULL;
  g_autofree char *canned_text = NULL;
  g_autofree char *emoji = NULL;
  g_autofree guchar *downloaded = NULL;
  FdWindow *window;
  FdActivityList *list;
  FdChatWindow *chat;
  FdChatWindow *natalie_chat;
  GtkListBox *canned;
  GtkListBoxRow *row;
  GtkWidget *emoji_button;
  GtkEventController *right_click = NULL;
  ChatLookup lookup;
  gint64 conversation_id;
  gint64 natalie_id;
  gsize downloaded_size;
  int position;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file_path, FILE_CONTENTS, -1, &error));
  g_assert_no_error (error);

  /* 1. Jenna signs in through the sign-in page and joins Sales from the
   * sidebar; Natalie, a second connection, joins Sales too. */
  window = fd_test_ui_app_window (app);
  g_assert_nonnull (window);
  g_object_ref (window);
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (flow->server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "Jenna's main page after sign-in");
  position = fd_test_ui_find_queue (fd_window_get_connection (window), "Sales");
  g_assert_cmpint (position, >=, 0);
  {
    FdQueueSidebar *sidebar = fd_window_get_queue_sidebar (window);
    FdTestUiIndicator sales = { window, (guint) position, "Joined" };

    fd_queue_sidebar_select (sidebar, sales.position);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "queue.join", NULL));
    fd_test_ui_wait (fd_test_ui_has_indicator, &sales, "Jenna joining Sales");
  }
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (flow->server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  fd_test_ui_join_queue (natalie, "Sales");
  mark_step ("both agents signed in and joined to Sales");

  /* 2. The visitor starts a chat in Chromium and writes first. */
  {
    JsonBuilder *start = command_new ("start");

    json_builder_set_member_name (start, "server");
    json_builder_add_string_value (start, fd_test_server_get_url (flow->server));
    json_builder_set_member_name (start, "admin_token");
    json_builder_add_string_value (start, admin_token);
    json_builder_set_member_name (start, "name");
    json_builder_add_string_value (start, VISITOR_NAME);
    json_builder_set_member_name (start, "email");
    json_builder_add_string_value (start, VISITOR_EMAIL);
    json_builder_set_member_name (start, "text");
    json_builder_add_string_value (start, FIRST_TEXT);
    answer = driver_send (flow->driver, start);
    conversation_id = json_object_get_int_member (answer, "conversation_id");
    g_assert_cmpint (conversation_id, >, 0);
    g_clear_pointer (&answer, json_object_unref);
  }
  mark_step ("the visitor started the chat in Chromium");

  /* 3. The row shows; a double-click (the column view's activation) opens
   * the Web Chat window with the text written before reserving, and the
   * compose box is off. */
  list = fd_window_get_activity_list (window);
  fd_test_ui_wait (has_visitor_row, window, "the visitor's row in Jenna's Activity List");
  {
    GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW);

    g_assert_nonnull (view);
    g_signal_emit_by_name (view, "activate", (guint) fd_test_ui_find_row (window, VISITOR_NAME));
  }
  lookup.app = app;
  lookup.id = conversation_id;
  fd_test_ui_wait (has_app_chat_window, &lookup, "the Web Chat window");
  chat = g_object_ref (find_app_chat_window (&lookup));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, chat, "the transcript in the Web Chat window");
  transcript = fd_chat_window_dup_transcript (chat);
  g_assert_nonnull (strstr (transcript, FIRST_TEXT));
  g_clear_pointer (&transcript, g_free);
  g_assert_cmpstr (fd_chat_window_get_detail (chat, "name"), ==, VISITOR_NAME);
  g_assert_false (fd_chat_window_get_reserved (chat));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (fd_chat_window_get_compose_view (chat))));
  mark_step ("the Web Chat window shows the visitor's first text");

  /* 4. Reserve; then a canned reply by activating its row, an emoji by a
   * right click, and a file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, chat, "Jenna's reservation");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (fd_chat_window_get_compose_view (chat))));
  driver_run (flow->driver, "wait-agent", "name", JENNA_FIRST, NULL);

  canned = fd_chat_window_get_canned_list (chat);
  fd_test_ui_wait (has_many_rows, canned, "the canned replies");
  gtk_editable_set_text (fd_chat_window_get_canned_search (chat), "Pricing");
  fd_test_ui_wait (has_one_row, canned, "the search for the Pricing reply");
  row = gtk_list_box_get_row_at_index (canned, 0);
  canned_text = g_strdup (g_object_get_data (G_OBJECT (row), "fd-payload"));
  g_assert_nonnull (canned_text);
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));

  emoji_button = fd_chat_window_get_emoji_button (chat, 9);
  g_assert_nonnull (emoji_button);
  emoji = g_strdup (gtk_button_get_label (GTK_BUTTON (emoji_button)));
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (emoji_button);

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && right_click == NULL; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_GESTURE_CLICK (controller) &&
            gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
          right_click = controller;
      }
  }
  g_assert_nonnull (right_click);
  g_signal_emit_by_name (right_click, "pressed", 1, 4.0, 4.0);

  fd_chat_window_attach_file (chat, file);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, chat, "the server to acknowledge Jenna's three messages");
  g_assert_cmpstr (fd_chat_window_get_status (chat), ==, "");
  mark_step ("Jenna reserved and sent a canned reply, an emoji and a file");

  /* 5. The visitor sees all three, and the link downloads the same bytes. */
  driver_run (flow->driver, "wait-text", "text", canned_text, "from", "agent", NULL);
  answer = driver_call (flow->driver, "wait-text", "text", emoji, "from", "agent", NULL);
  g_assert_cmpstr (json_object_get_string_member (answer, "author"), ==, JENNA_FIRST);
  g_clear_pointer (&answer, json_object_unref);
  answer = driver_call (flow->driver, "wait-link", "name", FILE_NAME, NULL);
  downloaded = g_base64_decode (json_object_get_string_member (answer, "base64"), &downloaded_size);
  g_assert_cmpmem (downloaded, downloaded_size, FILE_CONTENTS, strlen (FILE_CONTENTS));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (answer, "href"), fd_test_server_get_url (flow->server)));
  g_clear_pointer (&answer, json_object_unref);
  mark_step ("the visitor saw the canned reply, the emoji and the attachment");

  gtk_window_present (GTK_WINDOW (chat));
  screenshot_tabs (chat);
  mark_step ("screenshots of the Web Chat window's tabs");

  /* 6. Jenna transfers to Natalie from the Transfer popover: the offer is
   * out (the status line says so) and Jenna still holds the chat. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (chat), "chat.transfer", NULL));
  natalie_id = fd_connection_get_agent (natalie)->id;
  {
    ColleagueLookup colleague = { chat, natalie_id };

    fd_test_ui_wait (has_colleague_row, &colleague, "Natalie in the Transfer list");
    row = find_colleague_row (&colleague);
  }
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  {
    FdTestUiStatusWait waiting = { chat, "Waiting for " NATALIE_NAME };

    fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &waiting, "the status line to say the offer is out");
  }
  g_assert_true (fd_chat_window_get_reserved (chat));
  g_assert_false (gtk_widget_get_sensitive (fd_chat_window_get_transfer_button (chat)));
  mark_step ("Jenna offered the chat to Natalie");

  /* 7. Natalie has the offer, opens the window: the transcript went with
   * the chat. She reserves, answers and closes. */
  {
    FdTestUiItemLookup offer = { natalie, conversation_id };

    fd_test_ui_wait (fd_test_ui_has_activity_item, &offer, "the transfer offer in Natalie's activity model");
  }
  natalie_chat = fd_chat_window_new (NULL, natalie, conversation_id);
  g_object_ref (natalie_chat);
  gtk_window_present (GTK_WINDOW (natalie_chat));
  fd_test_ui_wait (fd_test_ui_chat_is_loaded, natalie_chat, "the transcript in Natalie's window");
  transcript = fd_chat_window_dup_transcript (natalie_chat);
  g_assert_nonnull (strstr (transcript, FIRST_TEXT));
  g_assert_nonnull (strstr (transcript, canned_text));
  g_assert_nonnull (strstr (transcript, emoji));
  g_clear_pointer (&transcript, g_free);
  g_assert_nonnull (find_attachment_label (GTK_WIDGET (natalie_chat), FILE_NAME));
  g_assert_false (fd_chat_window_get_reserved (natalie_chat));

  /* The window of the transfer's target offers Reserve (the chat is
   * still Jenna's on the server until Natalie takes it). */
  g_assert_cmpstr (fd_chat_window_get_status (natalie_chat), ==,
                   "A colleague is handing this conversation to you: reserve it to take it.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (natalie_chat), "chat.reserve", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_reserved, natalie_chat, "Natalie's reservation");
  fd_test_ui_wait (is_not_reserved, chat, "Jenna's window to let the chat go");
  {
    FdTestUiStatusWait transferred = { chat, "Transferred to " NATALIE_NAME };

    fd_test_ui_wait (fd_test_ui_chat_has_status_prefix, &transferred, "Jenna's status line to say the chat was transferred");
  }
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (fd_chat_window_get_compose_view (chat))));
  driver_run (flow->driver, "wait-agent", "name", NATALIE_FIRST, NULL);
  mark_step ("Natalie reserved the transferred chat with its whole transcript");

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (fd_chat_window_get_compose_view (natalie_chat)), NATALIE_TEXT, -1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (natalie_chat), "chat.send", NULL));
  answer = driver_call (flow->driver, "wait-text", "text", NATALIE_TEXT, "from", "agent", NULL);
  g_assert_cmpstr (json_object_get_string_member (answer, "author"), ==, NATALIE_FIRST);
  g_clear_pointer (&answer, json_object_unref);
  fd_test_ui_wait (fd_test_ui_chat_nothing_pending, natalie_chat, "the server to acknowledge Natalie's message");
  driver_run (flow->driver, "screenshot", "name", "e2e-visitor.png", NULL);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (natalie_chat), "chat.close", NULL));
  fd_test_ui_wait (fd_test_ui_chat_is_closed, natalie_chat, "Natalie closing the conversation");
  mark_step ("Natalie answered and closed");

  /* 8. The visitor is asked for a rating and rates; the server keeps it. */
  driver_run (flow->driver, "wait-rating-prompt", NULL);
  driver_run (flow->driver, "screenshot", "name", "e2e-visitor-rating.png", NULL);
  {
    JsonBuilder *rate = command_new ("rate");

    json_builder_set_member_name (rate, "stars");
    json_builder_add_int_value (rate, 5);
    json_builder_set_member_name (rate, "comment");
    json_builder_add_string_value (rate, RATING_COMMENT);
    json_object_unref (driver_send (flow->driver, rate));
  }
  driver_run (flow->driver, "check-page", NULL);
  {
    FdConversationRef *ref = fd_conversation_ref_new ();
    g_autoptr(FdFrame) ack = NULL;
    const FdConversationDetail *detail;

    ref->conversation_id = conversation_id;
    fd_connection_request_async (natalie, FD_FRAME_GET_CONVERSATION, ref, NULL, fd_test_ui_on_done_cb, &result);
    fd_test_ui_wait (fd_test_ui_has_result, &result, "get-conversation");
    ack = fd_connection_request_finish (natalie, result, &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    detail = ack->body;
    g_assert_cmpint (detail->conversation->state, ==, FD_CONVERSATION_CLOSED);
    g_assert_cmpint (detail->conversation->rating, ==, 5);
    g_assert_cmpstr (detail->conversation->comment, ==, RATING_COMMENT);
  }
  mark_step ("the visitor rated and the server stored the rating");

  /* Quit: nothing is reserved any more, so the app lets Jenna go. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  gtk_window_destroy (GTK_WINDOW (natalie_chat));
  fd_connection_stop (natalie);
  fd_test_ui_spin (50);
  g_assert_finalize_object (natalie_chat);
  g_assert_finalize_object (chat);
  g_assert_finalize_object (window);
  g_assert_finalize_object (g_steal_pointer (&natalie));
  fd_test_rm_rf (dir);
}

static void
on_activate_cb (GApplication *app,
                gpointer      flow)
{
  run_flow (FD_APPLICATION (app), flow);
}

static void
test_web_chat (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = fd_application_new ();
  Flow flow = { server, NULL };

  test_start_us = g_get_monotonic_time ();
  fd_test_server_start_demo (server);
  flow.driver = driver_start ();

  g_assert_nonnull (fd_application_get_settings (app));
  /* No notification server or sound card here (tests/alerts has them). */
  g_settings_set_boolean (fd_application_get_settings (app), "alert-notification", FALSE);
  g_settings_set_boolean (fd_application_get_settings (app), "alert-sound", FALSE);
  g_application_set_application_id (G_APPLICATION (app), NULL);
  fd_application_set_backoff (app, 50, 400);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_cb), &flow);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&app));

  driver_stop (flow.driver);
  mark_step ("the visitor's browser closed");
}

int
main (int   argc,
      char *argv[])
{
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/e2e/web-chat", test_web_chat);
  return g_test_run ();
}
