#define G_LOG_DOMAIN "test-window"

/* The agent app's window against the real frontdeskd --demo: sign in
 * through the sign-in page, join queues, a visitor's chat as a row,
 * reserve, a second agent losing the row, the last-agent warning, the
 * quit guard, a server restart with the banner, and a screenshot. */

#include <glib/gstdio.h>

#include "fd-activity-cell.h"
#include "fd-application.h"
#include "fd-attachment-cache.h"
#include "fd-chat-window.h"
#include "fd-conversation-window.h"
#include "fd-secrets.h"
#include "fd-session.h"
#include "fd-tick-label.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-wallboard.h"
#include "fd-activity-log.h"
#include "fd-window.h"


/* --- checks ---------------------------------------------------------------- */

static gboolean
has_sign_in_error (gpointer data)
{
  return fd_sign_in_page_get_error (fd_window_get_sign_in_page (data)) != NULL;
}

typedef struct {
  FdWindow *window;
  guint     n;
} RowCount;

static gboolean
has_n_rows (gpointer data)
{
  RowCount *count = data;

  return fd_activity_list_get_n_rows (fd_window_get_activity_list (count->window)) == count->n;
}

static void
wait_rows (FdWindow   *window,
           guint       n,
           const char *what)
{
  RowCount count = { window, n };

  fd_test_ui_wait (has_n_rows, &count, what);
}

static gboolean
banner_shown (gpointer data)
{
  return fd_window_get_banner_visible (data);
}

static gboolean
banner_hidden_and_connected (gpointer data)
{
  return !fd_window_get_banner_visible (data) && fd_test_ui_is_main_connected (data);
}

static void
join_with_sidebar (FdWindow   *window,
                   const char *queue)
{
  FdQueueSidebar *sidebar = fd_window_get_queue_sidebar (window);
  int position = fd_test_ui_find_queue (fd_window_get_connection (window), queue);
  FdTestUiIndicator joined = { window, (guint) position, "Joined" };

  g_assert_cmpint (position, >=, 0);
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (sidebar, (guint) position), ==, "Not joined");
  fd_queue_sidebar_select (sidebar, (guint) position);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (sidebar), "queue.join", NULL));
  fd_test_ui_wait (fd_test_ui_has_indicator, &joined, "the queue's indicator to turn joined");
}

static void
take_screenshot (FdWindow *window)
{
  g_autofree char *path = fd_test_ui_save_screenshot (GTK_WIDGET (window), "main-window.png");

  if (g_strcmp0 (g_getenv ("FD_UPDATE_SCREENSHOTS"), "1") == 0)
    {
      g_autofree char *dir = g_build_filename (g_getenv ("FD_SOURCE_DATADIR"), "screenshots", NULL);
      g_autofree char *copy = g_build_filename (dir, "main-window.png", NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_true (g_file_set_contents (copy, contents, (gssize) length, &error));
      g_assert_no_error (error);
      g_test_message ("Updated %s", copy);
    }
}

static gboolean
conversation_loaded (gpointer data)
{
  return fd_chat_window_get_n_messages (data) > 0;
}

/* The Web Chat window of conversation @id, NULL when none is open. */
static gboolean
is_chat_window_of (gpointer      window,
                   gconstpointer id)
{
  return FD_IS_CHAT_WINDOW (window) && (id == NULL || fd_chat_window_get_id (window) == *(const gint64 *) id);
}

static FdChatWindow *
find_chat_window (gint64 id)
{
  return fd_test_ui_find_toplevel (is_chat_window_of, &id);
}

/* Whether @accels holds @expected, as GTK parses them (it rewrites the
 * strings it keeps). */
static gboolean
accel_listed (char       **accels,
              const char  *expected)
{
  guint key, want_key;
  GdkModifierType mods, want_mods;

  g_assert_true (gtk_accelerator_parse (expected, &want_key, &want_mods));
  for (guint i = 0; accels != NULL && accels[i] != NULL; i++)
    if (gtk_accelerator_parse (accels[i], &key, &mods) &&
        gdk_keyval_to_lower (key) == gdk_keyval_to_lower (want_key) && mods == want_mods)
      return TRUE;
  return FALSE;
}

typedef struct {
  gint64 id;
} ChatWait;

static gboolean
has_chat_window (gpointer data)
{
  return find_chat_window (((ChatWait *) data)->id) != NULL;
}

/* The Web Chat window that double-click opens through app.open-conversation. */
static FdChatWindow *
find_conversation_window (void)
{
  return fd_test_ui_find_toplevel (is_chat_window_of, NULL);
}

static gboolean
has_conversation_window (gpointer data)
{
  return find_conversation_window () != NULL;
}

static gboolean
is_reserved_row (gpointer data)
{
  FdWindow *window = data;
  int row = fd_test_ui_find_row (window, "Natalie Maines");
  g_autofree char *status = NULL;

  if (row < 0)
    return FALSE;
  status = fd_activity_list_dup_cell_text (fd_window_get_activity_list (window), (guint) row, FD_TEST_UI_COL_STATUS);
  return g_str_has_prefix (status, "Reserved");
}

typedef struct {
  FdActivityList *list;
  guint           row;
  char           *before;
} DurationWait;

static gboolean
status_changed (gpointer data)
{
  DurationWait *wait = data;
  g_autofree char *now = fd_activity_list_dup_cell_text (wait->list, wait->row, FD_TEST_UI_COL_STATUS);

  return g_strcmp0 (now, wait->before) != 0;
}

static gboolean
acd_is_lunch (gpointer data)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (data), "acd");

  return g_str_equal (g_variant_get_string (state, NULL), "unavailable:lunch");
}

typedef struct {
  FdWindow   *window;
  const char *from;
  const char *status;   /* prefix; NULL = any */
} RowWait;

static gboolean
has_row (gpointer data)
{
  RowWait *wait = data;
  int row = fd_test_ui_find_row (wait->window, wait->from);
  g_autofree char *status = NULL;

  if (row < 0)
    return FALSE;
  if (wait->status == NULL)
    return TRUE;
  status = fd_activity_list_dup_cell_text (fd_window_get_activity_list (wait->window), (guint) row, FD_TEST_UI_COL_STATUS);
  return g_str_has_prefix (status, wait->status);
}

static gboolean
has_no_row (gpointer data)
{
  RowWait *wait = data;

  return fd_test_ui_find_row (wait->window, wait->from) < 0;
}

/* --- a right-click --------------------------------------------------------- */

/* The text @widget shows: a label's, or an Activity List cell's (which
 * draw their own); NULL for other widgets. */
static const char *
shown_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (FD_IS_TICK_LABEL (widget))
    return fd_tick_label_get_label (FD_TICK_LABEL (widget));
  if (FD_IS_ACTIVITY_CELL (widget))
    return fd_activity_cell_get_label (FD_ACTIVITY_CELL (widget));
  return NULL;
}

/* The descendant of @widget of @type (and showing @text), depth first. */
static GtkWidget *
find_descendant (GtkWidget  *widget,
                 GType       type,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (text == NULL || g_strcmp0 (shown_text (child), text) == 0))
        return child;
      if ((found = find_descendant (child, type, text)) != NULL)
        return found;
    }
  return NULL;
}

/* A right-click on the From cell of @from's row, through the column
 * view's own gesture at the cell's place. */
static void
right_click_row (FdActivityList *list,
                 const char     *from)
{
  GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
  GtkWidget *cell = find_descendant (view, FD_TYPE_TICK_LABEL, from);
  GtkEventController *right_click = NULL;
  g_autoptr(GListModel) controllers = NULL;
  graphene_point_t point;

  g_assert_nonnull (cell);
  controllers = gtk_widget_observe_controllers (view);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && right_click == NULL; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        right_click = controller;
    }
  g_assert_nonnull (right_click);
  g_assert_true (gtk_widget_compute_point (cell, view, &GRAPHENE_POINT_INIT (2, 2), &point));
  g_signal_emit_by_name (right_click, "pressed", 1, (double) point.x, (double) point.y);
}

/* The widget under @widget whose shown text starts with @prefix. */
static GtkWidget *
find_text_with_prefix (GtkWidget  *widget,
                       const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (shown_text (child) != NULL && g_str_has_prefix (shown_text (child), prefix))
        return child;
      if ((found = find_text_with_prefix (child, prefix)) != NULL)
        return found;
    }
  return NULL;
}

typedef struct {
  GtkWidget  *label;
  const char *before;
} LabelWait;

static gboolean
label_changed (gpointer data)
{
  LabelWait *wait = data;

  return g_strcmp0 (shown_text (wait->label), wait->before) != 0;
}

/* A cell on screen and its row's text in the model: the cell follows the
 * model at the rows' clock's tick, in the same turn of the main loop, but a
 * slow machine (ASan) may read the model a tick apart from the cell. */
typedef struct {
  GtkWidget      *cell;
  FdActivityList *list;
  guint           row;
  guint           column;
} CellWait;

static gboolean
cell_shows_model (gpointer data)
{
  CellWait *wait = data;
  g_autofree char *model = fd_activity_list_dup_cell_text (wait->list, wait->row, wait->column);

  return g_strcmp0 (shown_text (wait->cell), model) == 0;
}

/* Waits until @cell shows its row's text, then checks that its
 * accessible label says the same. */
static void
assert_cell_shows_model (GtkWidget      *cell,
                         FdActivityList *list,
                         guint           row,
                         guint           column)
{
  CellWait wait = { cell, list, row, column };

  fd_test_ui_wait (cell_shows_model, &wait, "the cell on screen to show its row's text");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, shown_text (cell));
}

static gboolean
has_css_class (gpointer      widget,
               gconstpointer css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static gboolean
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

/* --- the test ---------------------------------------------------------------- */

static void
run_flow (FdApplication *app,
          FdTestServer  *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdTestVisitor) v1 = NULL;
  g_autoptr(FdTestVisitor) v2 = NULL;
  g_autoptr(FdTestVisitor) v3 = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *email = NULL;
  g_autoptr(FdSecrets) secrets = NULL;
  FdWindow *window;
  FdWindow *window2;
  FdActivityList *list;
  AdwMessageDialog *dialog;
  FdChatWindow *conversation;
  gint64 reserved_id;
  int row;
  int support;

  window = fd_test_ui_app_window (app);
  g_assert_nonnull (window);
  g_object_ref (window);
  g_assert_cmpstr (fd_window_get_page (window), ==, "sign-in");
  g_assert_false (fd_window_get_views_enabled (window));

  /* A wrong password: a sentence on the page, still the page. */
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (server),
                          FD_TEST_JENNA_EMAIL, "not-the-password");
  fd_test_ui_wait (has_sign_in_error, window, "the sign-in error");
  g_assert_cmpstr (fd_window_get_page (window), ==, "sign-in");
  g_assert_cmpuint (strlen (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window))), >, 10);
  g_assert_null (fd_application_get_connection (app));

  /* Bad input is refused by the page itself. */
  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), "ftp://x", FD_TEST_JENNA_EMAIL, "x");
  g_assert_cmpstr (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window)), ==,
                   "The server address must start with http:// or https://.");

  fd_sign_in_page_submit (fd_window_get_sign_in_page (window), fd_test_server_get_url (server),
                          FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page after sign-in");
  g_assert_null (fd_sign_in_page_get_error (fd_window_get_sign_in_page (window)));
  /* Signed in: the header offers the views, starting with the Activity List. */
  g_assert_true (fd_window_get_views_enabled (window));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  g_assert_false (fd_window_set_view (window, "no-such-view"));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  /* The Activity Log and the Wallboard are built when first shown, not
   * at sign-in (docs/performance.md, "Session 8: RSS"); shown once, they
   * stay built. */
  g_assert_null (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD));
  g_assert_null (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG));
  g_assert_true (fd_window_set_view (window, "log"));
  g_assert_true (fd_window_set_view (window, "wallboard"));
  fd_test_ui_spin (200);
  g_assert_true (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD)));
  g_assert_nonnull (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG));
  g_assert_true (fd_window_set_view (window, "activity"));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  /* The views not shown are not mapped, so their timers and the Activity
   * Log's spinner stay off (an idle app draws nothing). */
  fd_test_ui_spin (200);
  g_assert_false (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_WALLBOARD)));
  g_assert_false (gtk_widget_get_mapped (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG)));
  GtkWidget *log_spinner = fd_test_ui_find_descendant (fd_test_ui_find_descendant (GTK_WIDGET (window), FD_TYPE_ACTIVITY_LOG),
                                                       GTK_TYPE_SPINNER);
  g_assert_nonnull (log_spinner);
  g_assert_false (gtk_spinner_get_spinning (GTK_SPINNER (log_spinner)));
  email = g_settings_get_string (fd_application_get_settings (app), "email");
  g_assert_cmpstr (email, ==, FD_TEST_JENNA_EMAIL);

  /* The token and password went to the keyring, not to the settings. */
  secrets = fd_secrets_new (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  fd_test_ui_spin (200);
  fd_secrets_lookup_async (secrets, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the keyring lookup");
  g_assert_true (fd_secrets_lookup_finish (secrets, result, &token, &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, fd_connection_get_token (fd_application_get_connection (app)));
  g_assert_cmpstr (password, ==, FD_TEST_JENNA_PASSWORD);
  g_clear_object (&result);

  /* Join both queues from the sidebar. */
  join_with_sidebar (window, "Sales");
  join_with_sidebar (window, "Support");

  /* A second agent in a window of its own, joined to Sales only. */
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  window2 = fd_window_new (NULL, NULL);
  g_object_ref (window2);
  fd_window_set_connection (window2, natalie);
  gtk_window_present (GTK_WINDOW (window2));
  join_with_sidebar (window2, "Sales");

  /* Visitors' chats arrive as rows in both lists (ring-all). */
  gtk_window_present (GTK_WINDOW (window));
  v1 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  v2 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Tom Baker");
  v3 = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Ada Lovelace");
  wait_rows (window, 3, "three rows for the first agent");
  wait_rows (window2, 3, "three rows for the second agent");

  list = fd_window_get_activity_list (window);
  row = fd_test_ui_find_row (window, "Natalie Maines");
  g_assert_cmpint (row, >=, 0);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_ACTIVITY);
  g_assert_cmpstr (cell, ==, "WebChat");
  g_clear_pointer (&cell, g_free);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_TO);
  g_assert_cmpstr (cell, ==, "Kakapo Systems > Website Chat (Sales)");
  g_clear_pointer (&cell, g_free);
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_DURATION);
  g_assert_true (g_regex_match_simple ("^[0-9]{2}:[0-9]{2}$", cell, 0, 0));
  g_clear_pointer (&cell, g_free);
  /* The offer's bounce countdown is on its row. */
  cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
  g_assert_true (g_regex_match_simple ("^Unreserved · [0-9]{2}:[0-9]{2}$", cell, 0, 0));
  g_clear_pointer (&cell, g_free);

  /* The row's cells on screen (each an FdTickLabel drawing its text, the
   * Activity cell one FdActivityCell) show its texts once bound, as their
   * accessible labels too, and the Activity cell names the row for a
   * screen reader. Durations and countdowns tick while rows exist, in the
   * model and in the cells on screen (the list's one handler on the rows'
   * clock). */
  {
    DurationWait tick = { list, (guint) row, fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS) };
    GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
    GtkWidget *from_cell = find_descendant (view, FD_TYPE_TICK_LABEL, "Natalie Maines");
    GtkWidget *row_widget = from_cell;
    GtkWidget *activity_cell = NULL;
    GtkWidget *to_cell = NULL;
    GtkWidget *duration_cell = NULL;
    GtkWidget *status_cell = NULL;
    LabelWait shown = { NULL, NULL };
    g_autofree char *shown_before = NULL;

    /* The row widget of that row, then its cells. */
    g_assert_nonnull (from_cell);
    while (row_widget != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row_widget)) != GTK_ACCESSIBLE_ROLE_ROW)
      row_widget = gtk_widget_get_parent (row_widget);
    g_assert_nonnull (row_widget);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (from_cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines");
    g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (from_cell), GTK_ACCESSIBLE_ROLE_LABEL));
    g_assert_cmpint (gtk_widget_get_width (from_cell), >, 0);

    activity_cell = find_descendant (row_widget, FD_TYPE_ACTIVITY_CELL, NULL);
    g_assert_nonnull (activity_cell);
    g_assert_cmpstr (shown_text (activity_cell), ==, "WebChat");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (activity_cell), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat");
    /* The icon, then the text: wider than the text's 16-px icon. */
    g_assert_cmpint (gtk_widget_get_width (activity_cell), >, 16 + 6);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "WebChat from Natalie Maines, Unreserved");
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row_widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                         "Kakapo Systems > Website Chat (Sales)");

    to_cell = find_descendant (row_widget, FD_TYPE_TICK_LABEL, "Kakapo Systems > Website Chat (Sales)");
    g_assert_nonnull (to_cell);
    /* The Duration cell: tabular digits. */
    duration_cell = fd_test_ui_find_widget (row_widget, has_css_class, "numeric");
    g_assert_true (FD_IS_TICK_LABEL (duration_cell));
    g_assert_true (g_regex_match_simple ("^[0-9]{2}:[0-9]{2}$", shown_text (duration_cell), 0, 0));

    status_cell = find_text_with_prefix (row_widget, "Unreserved · ");
    g_assert_nonnull (status_cell);
    assert_cell_shows_model (status_cell, list, (guint) row, FD_TEST_UI_COL_STATUS);
    g_free (tick.before);
    tick.before = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_STATUS);
    shown_before = g_strdup (shown_text (status_cell));
    shown = (LabelWait) { status_cell, shown_before };
    fd_test_ui_wait (status_changed, &tick, "the countdown to tick");
    fd_test_ui_wait (label_changed, &shown, "the countdown on screen to tick");
    /* The cells on screen show the model's texts after the tick. */
    assert_cell_shows_model (status_cell, list, (guint) row, FD_TEST_UI_COL_STATUS);
    assert_cell_shows_model (duration_cell, list, (guint) row, FD_TEST_UI_COL_DURATION);
    g_free (tick.before);
  }

  /* Reserve from the row's action: the row is reserved here and gone
   * from the second agent's list. */
  fd_activity_list_select (list, (guint) row);
  reserved_id = fd_conversation_item_get_id (fd_activity_list_get_selected (list));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
  fd_test_ui_wait (is_reserved_row, window, "the reserved row");
  wait_rows (window2, 2, "the second agent to lose the row");
  g_assert_cmpint (fd_test_ui_find_row (window2, "Natalie Maines"), ==, -1);
  g_assert_cmpint (fd_test_ui_find_row (window, "Natalie Maines"), >=, 0);

  fd_test_ui_spin (300);
  take_screenshot (window);

  /* The ACD state menu: Unavailable (Lunch) once the server acked it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.acd", "s", "unavailable:lunch"));
  fd_test_ui_wait (acd_is_lunch, window, "the ACD state to change");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.acd", "s", "available"));

  /* Leaving Support as its last joined agent asks first. */
  support = fd_test_ui_find_queue (fd_window_get_connection (window), "Support");
  fd_queue_sidebar_select (fd_window_get_queue_sidebar (window), (guint) support);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window)), "queue.leave", NULL));
  dialog = fd_test_ui_wait_dialog (NULL, "the last-agent warning");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Support"));
  fd_test_ui_answer_dialog (dialog, "cancel");
  fd_test_ui_spin (200);
  g_assert_cmpstr (fd_queue_sidebar_get_indicator (fd_window_get_queue_sidebar (window), (guint) support), ==, "Joined");

  /* Quitting is refused while a conversation is reserved, naming it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  dialog = fd_test_ui_wait_dialog (NULL, "the quit guard");
  /* One conversation, in the singular (issue 18: plural forms). */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Conversation Still Open");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Transfer or close this conversation first:"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "WebChat with Natalie Maines"));
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_nonnull (fd_test_ui_app_window (app));
  g_assert_nonnull (fd_application_get_connection (app));
  /* Closing the last window is refused the same way. */
  gtk_window_close (GTK_WINDOW (window));
  dialog = fd_test_ui_wait_dialog (NULL, "the close guard");
  fd_test_ui_answer_dialog (dialog, "close");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* A customer message, then the transcript window shows it. */
  fd_test_visitor_connect (v1);
  fd_test_visitor_send (v1, "c1", "Hello <b>there</b>");
  row = fd_test_ui_find_row (window, "Natalie Maines");
  fd_activity_list_select (list, (guint) row);
  fd_test_ui_spin (300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.open", NULL));
  fd_test_ui_wait (has_conversation_window, NULL, "the conversation window");
  conversation = find_conversation_window ();
  g_assert_cmpint (fd_chat_window_get_id (conversation), ==, reserved_id);
  fd_test_ui_wait (conversation_loaded, conversation, "the transcript");

  /* Ctrl+Tab / Ctrl+Shift+Tab: the next and previous rows' conversations,
   * in the Activity List's order, wrapping around. */
  {
    g_auto(GStrv) next_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                       "app.next-conversation");
    g_auto(GStrv) previous_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                           "app.previous-conversation");
    FdActivityModel *model = fd_session_get_activity_model (fd_connection_get_session ((fd_window_get_connection (window))));
    guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
    guint at = G_MAXUINT;
    gint64 next_id, previous_id;

    g_assert_true (accel_listed (next_accels, "<Control>Tab"));
    g_assert_true (accel_listed (previous_accels, "<Control><Shift>Tab"));
    g_assert_cmpuint (n, ==, 3);
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(FdConversationItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

        if (fd_conversation_item_get_id (item) == reserved_id)
          at = i;
      }
    g_assert_cmpuint (at, <, n);
    {
      g_autoptr(FdConversationItem) after = g_list_model_get_item (G_LIST_MODEL (model), (at + 1) % n);
      g_autoptr(FdConversationItem) before = g_list_model_get_item (G_LIST_MODEL (model), (at + n - 1) % n);

      next_id = fd_conversation_item_get_id (after);
      previous_id = fd_conversation_item_get_id (before);
    }
    g_assert_cmpint (fd_application_step_conversation (app, reserved_id, 1), ==, next_id);
    g_assert_cmpint (fd_application_step_conversation (app, reserved_id, -1), ==, previous_id);
    /* Three rows: forward twice is back once. */
    g_assert_cmpint (fd_application_step_conversation (app, next_id, 1), ==, previous_id);
    {
      g_autoptr(FdConversationItem) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

      g_assert_cmpint (fd_application_step_conversation (app, 0, 1), ==, fd_conversation_item_get_id (first));
    }

    /* The action opens the next one's window (the last one opened was
     * Natalie's, whichever window the window manager focuses). */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (conversation), "app.next-conversation", NULL));
    {
      ChatWait opened = { next_id };

      fd_test_ui_wait (has_chat_window, &opened, "the next conversation's window");
    }
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.previous-conversation", NULL));
    fd_test_ui_spin (200);
    /* Back to Natalie's own window: presented again, not a second one. */
    g_assert_true (find_chat_window (reserved_id) == conversation);
    g_assert_cmpuint (fd_test_ui_count_toplevels (FD_TYPE_CHAT_WINDOW), ==, 2);
    gtk_window_destroy (GTK_WINDOW (find_chat_window (next_id)));
  }
  /* A draft typed in the window is kept (until the chat ends, below). */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (fd_chat_window_get_compose_view (conversation));

    gtk_text_buffer_set_text (buffer, "A reply I have not sent", -1);
    g_assert_nonnull (fd_application_get_drafts (app));
    g_assert_cmpuint (fd_drafts_get_n_drafts (fd_application_get_drafts (app)), ==, 1);
  }
  gtk_window_destroy (GTK_WINDOW (conversation));

  /* The server goes away: the banner; it comes back: the same rows. */
  fd_test_server_kill (server);
  fd_test_ui_wait (banner_shown, window, "the reconnecting banner");
  fd_test_server_start (server);
  fd_test_ui_wait (banner_hidden_and_connected, window, "the connection to resume");
  fd_test_ui_spin (300);
  g_assert_cmpuint (fd_activity_list_get_n_rows (list), ==, 3);
  g_assert_cmpint (fd_test_ui_find_row (window, "Natalie Maines"), >=, 0);
  g_assert_true (is_reserved_row (window));
  g_assert_cmpuint (fd_activity_model_count_reserved (fd_session_get_activity_model (fd_connection_get_session ((fd_window_get_connection (window))))), ==, 1);

  /* Closing the conversation lets the agent quit. */
  fd_connection_close_conversation_async (fd_window_get_connection (window), reserved_id, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "closing the conversation");
  {
    FdConversation *closed = fd_connection_close_conversation_finish (fd_window_get_connection (window), result, &error);

    g_assert_no_error (error);
    fd_conversation_free (closed);
  }
  g_clear_object (&result);
  wait_rows (window, 2, "the closed row to leave");
  /* The chat ended: its draft went with it. */
  g_assert_cmpuint (fd_drafts_get_n_drafts (fd_application_get_drafts (app)), ==, 0);

  /* A right-click on Tom Baker's row, not selected, selects it and opens
   * an offer's menu (Reserve first). */
  row = fd_test_ui_find_row (window, "Tom Baker");
  g_assert_cmpint (row, >=, 0);
  {
    GtkWidget *view = find_descendant (GTK_WIDGET (list), GTK_TYPE_COLUMN_VIEW, NULL);
    GtkPopover *menu = fd_test_ui_find_popover_menu (GTK_WIDGET (list));
    g_autofree char *first = NULL;

    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view))),
                                       GTK_INVALID_LIST_POSITION);
    g_assert_null (fd_activity_list_get_selected (list));
    right_click_row (list, "Tom Baker");
    g_assert_nonnull (fd_activity_list_get_selected (list));
    g_assert_cmpstr (fd_conversation_item_get_from (fd_activity_list_get_selected (list)), ==, "Tom Baker");
    fd_test_ui_wait (is_visible, menu, "the row's menu");
    g_assert_true (g_menu_model_get_item_attribute (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), 0,
                                                    G_MENU_ATTRIBUTE_ACTION, "s", &first));
    g_assert_cmpstr (first, ==, "activity.reserve");
    gtk_popover_popdown (menu);
  }

  /* Reject (Delete, Ctrl+Shift+R): the offer leaves this list while the
   * other agent of the ring-all phase keeps it. */
  fd_activity_list_select (list, (guint) row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reject", NULL));
  wait_rows (window, 1, "the rejected row to leave");
  g_assert_cmpint (fd_test_ui_find_row (window2, "Tom Baker"), >=, 0);
  g_assert_cmpint (fd_test_ui_find_row (window, "Tom Baker"), ==, -1);

  /* The second agent leaves Sales (Jenna is still joined: no question). */
  {
    int sales2 = fd_test_ui_find_queue (natalie, "Sales");
    FdTestUiIndicator left = { window2, (guint) sales2, "Not joined" };

    fd_queue_sidebar_select (fd_window_get_queue_sidebar (window2), (guint) sales2);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window2)), "queue.leave", NULL));
    fd_test_ui_wait (fd_test_ui_has_indicator, &left, "the second agent leaving Sales");
    g_assert_null (fd_test_ui_find_dialog (NULL));
  }

  /* A callback: its own menu actions. */
  {
    guint status = 0;
    g_autoptr(JsonNode) answer = fd_test_http_request (server, NULL, "POST", "/api/visitor/v1/callbacks",
                                                       "{\"stream_key\":\"kakapo-website-callback\","
                                                       "\"name\":\"Grace Hopper\",\"number\":\"+15550100\"}",
                                                       &status);
    RowWait callback = { window, "Grace Hopper", NULL };
    g_autofree char *number = NULL;

    g_assert_cmpuint (status, ==, 201);
    g_assert_nonnull (answer);
    fd_test_ui_wait (has_row, &callback, "the callback row");
    row = fd_test_ui_find_row (window, "Grace Hopper");
    g_clear_pointer (&cell, g_free);
    cell = fd_activity_list_dup_cell_text (list, (guint) row, FD_TEST_UI_COL_ACTIVITY);
    g_assert_cmpstr (cell, ==, "Callback");
    fd_activity_list_select (list, (guint) row);
    /* A callback cannot be rejected: the action is disabled. */
    gtk_widget_activate_action (GTK_WIDGET (list), "activity.reject", NULL);
    fd_test_ui_spin (200);
    g_assert_cmpint (fd_test_ui_find_row (window, "Grace Hopper"), >=, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.reserve", NULL));
    callback.status = "Reserved";
    fd_test_ui_wait (has_row, &callback, "the reserved callback");

    row = fd_test_ui_find_row (window, "Grace Hopper");
    fd_activity_list_select (list, (guint) row);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.copy-number", NULL));
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (list)), NULL, fd_test_ui_on_done_cb, &result);
    fd_test_ui_wait (fd_test_ui_has_result, &result, "the clipboard");
    number = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (GTK_WIDGET (list)), result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (number, ==, "+15550100");
    g_clear_object (&result);

    /* Call number asks for the outcome and records the attempt. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    dialog = fd_test_ui_wait_dialog (NULL, "the call outcome question");
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "How Did the Call Go?");
    g_assert_false (gtk_window_get_modal (GTK_WINDOW (dialog)));
    g_assert_true (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session ((fd_window_get_connection (window))))));

    /* On that call, another callback is refused with a sentence. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    {
      AdwMessageDialog *busy = fd_test_ui_wait_dialog ("Already on a Call", "Already on a Call");

      g_assert_nonnull (strstr (adw_message_dialog_get_body (busy), "Grace Hopper"));
      adw_message_dialog_response (busy, "close");
      gtk_window_destroy (GTK_WINDOW (busy));
    }
    g_assert_nonnull (fd_test_ui_find_dialog ("How Did the Call Go?"));

    /* Saying how it went ends the call: the next one may start. */
    fd_test_ui_answer_dialog (dialog, fd_call_outcome_to_string (FD_CALL_NO_ANSWER));
    g_assert_false (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session (fd_window_get_connection (window)))));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.call-number", NULL));
    dialog = fd_test_ui_wait_dialog ("How Did the Call Go?", "How Did the Call Go?");
    fd_test_ui_answer_dialog (dialog, "cancel");
    g_assert_false (fd_call_state_get_on_call (fd_session_get_call_state (fd_connection_get_session (fd_window_get_connection (window)))));
    fd_test_ui_spin (300);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.close-callback", NULL));
    fd_test_ui_wait (has_no_row, &callback, "the closed callback to leave");
  }

  /* Leave Sales, now as its last agent: asked, and confirmed. */
  {
    int sales = fd_test_ui_find_queue (fd_window_get_connection (window), "Sales");
    FdTestUiIndicator left = { window, (guint) sales, "Not joined" };

    fd_queue_sidebar_select (fd_window_get_queue_sidebar (window), (guint) sales);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fd_window_get_queue_sidebar (window)), "queue.leave", NULL));
    dialog = fd_test_ui_wait_dialog (NULL, "the last-agent warning for Sales");
    /* Issue 18: not "Leave the Last Agent’s Queue?". */
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Leave as the Last Agent?");
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Sales”"));
    fd_test_ui_answer_dialog (dialog, "leave");
    fd_test_ui_wait (fd_test_ui_has_indicator, &left, "leaving Sales");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_null (fd_test_ui_find_dialog (NULL));
  g_assert_null (fd_test_ui_app_window (app));

  gtk_window_destroy (GTK_WINDOW (window2));
  fd_connection_sign_out_async (natalie, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the second agent's sign-out");
  g_assert_true (fd_connection_sign_out_finish (natalie, result, &error));
  g_clear_object (&result);
  fd_test_ui_spin (200);

  g_assert_finalize_object (window2);
  g_assert_finalize_object (window);
  g_assert_finalize_object (g_steal_pointer (&natalie));
}

static gboolean
has_sign_in_page (gpointer data)
{
  return g_str_equal (fd_window_get_page (data), "sign-in");
}

/* A copy of an attachment opened @age_seconds ago from an Email window. */
static void
write_opened_attachment (const char *name,
                         gint64      age_seconds)
{
  g_autofree char *dir = fd_attachment_cache_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "a customer's file", -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_attribute_uint64 (file, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                              (guint64) (g_get_real_time () / G_USEC_PER_SEC - age_seconds),
                                              G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
is_attachment_cached (const char *name)
{
  g_autofree char *dir = fd_attachment_cache_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* A later start: signed in by itself with the token in the keyring, joins
 * every queue (join-queues-on-startup), then signs out, which removes the
 * stored credentials. The attachments opened from Email windows: the copy
 * of two days ago went at start, today's stays until signing out. */
static void
run_restart_flow (FdApplication *app,
                  FdTestServer  *server)
{
  FdWindow *window = fd_test_ui_app_window (app);
  g_autoptr(FdSecrets) secrets = fd_secrets_new (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;
  int sales;

  g_assert_nonnull (window);
  g_object_ref (window);
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "signing in with the stored token");
  sales = fd_test_ui_find_queue (fd_window_get_connection (window), "Sales");
  {
    FdTestUiIndicator joined = { window, (guint) sales, "Joined" };

    fd_test_ui_wait (fd_test_ui_has_indicator, &joined, "joining Sales on start-up");
  }

  g_assert_false (is_attachment_cached ("stale.pdf"));
  g_assert_true (is_attachment_cached ("fresh.txt"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.sign-out", NULL));
  fd_test_ui_wait (has_sign_in_page, window, "the sign-in page after signing out");
  g_assert_null (fd_application_get_connection (app));
  g_assert_false (fd_window_get_views_enabled (window));
  g_assert_cmpstr (fd_window_get_view (window), ==, "activity");
  g_assert_false (is_attachment_cached ("fresh.txt"));
  fd_test_ui_spin (300);
  fd_secrets_lookup_async (secrets, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, "the keyring lookup");
  g_assert_false (fd_secrets_lookup_finish (secrets, result, &token, &password, &error));
  g_assert_no_error (error);
  g_assert_null (token);
  g_assert_null (password);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.quit", NULL));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
}

/* The flow runs inside g_application_run(), as the app runs for a person,
 * so that app.quit ends it and shutdown releases what startup took. */
static void
test_window_flow (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdApplication) app = NULL;

  fd_test_server_start_demo (server);

  fd_test_ui_run_app (fd_test_ui_new_app (), (FdTestUiRun) run_flow, server);

  /* The settings (memory backend) and the keyring outlive the app. */
  write_opened_attachment ("stale.pdf", 2 * 24 * 3600);
  write_opened_attachment ("fresh.txt", 60);
  app = fd_test_ui_new_app ();
  g_settings_set_boolean (fd_application_get_settings (app), "join-queues-on-startup", TRUE);
  fd_test_ui_run_app (g_steal_pointer (&app), (FdTestUiRun) run_restart_flow, server);
}

/* --- /ui/window/templates ------------------------------------------------- */

static gboolean
has_popover_menu_child (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      return TRUE;
  return FALSE;
}

/* What the templates of the sidebar and the Activity List (ui/) give the
 * window without a server: the accessible names, the columns in order,
 * each sortable, and the row menus' popovers. */
static void
test_window_templates (void)
{
  static const char *titles[] = { "Activity", "From", "To", "Duration", "Status" };
  FdWindow *window = fd_window_new (NULL, NULL);
  GtkWidget *list = GTK_WIDGET (fd_window_get_activity_list (window));
  GtkWidget *sidebar = GTK_WIDGET (fd_window_get_queue_sidebar (window));
  GtkWidget *view = fd_test_ui_find_descendant (list, GTK_TYPE_COLUMN_VIEW);
  GtkWidget *queues = fd_test_ui_find_descendant (sidebar, GTK_TYPE_LIST_BOX);
  GListModel *columns;

  g_assert_nonnull (view);
  g_assert_nonnull (queues);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, "Activity List");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (queues), GTK_ACCESSIBLE_PROPERTY_LABEL, "Queues");
  g_assert_nonnull (gtk_widget_get_tooltip_text (view));
  g_assert_nonnull (gtk_widget_get_tooltip_text (queues));

  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_cmpstr (gtk_column_view_column_get_title (column), ==, titles[i]);
      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
      g_assert_nonnull (gtk_column_view_column_get_factory (column));
      g_assert_true (gtk_column_view_column_get_resizable (column));
      g_assert_cmpint (gtk_column_view_column_get_expand (column), ==, i == FD_TEST_UI_COL_FROM || i == FD_TEST_UI_COL_TO);
    }

  /* The menus are popovers of the list and the sidebar themselves (the
   * callbacks test opens the list's). */
  g_assert_true (has_popover_menu_child (list));
  g_assert_true (has_popover_menu_child (sidebar));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* --- /ui/window/empty-states ------------------------------------------------ */

typedef struct {
  FdWindow   *window;
  const char *page;
} PageWait;

static gboolean
has_activity_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (fd_window_get_activity_page (wait->window), wait->page) == 0;
}

static void
wait_activity_page (FdWindow   *window,
                    const char *page)
{
  PageWait wait = { window, page };
  g_autofree char *what = g_strdup_printf ("the Activity List's page '%s'", page);

  fd_test_ui_wait (has_activity_page, &wait, what);
}

/* The title of the status page shown in the Activity List's place. */
static const char *
activity_status_title (FdWindow *window)
{
  GtkWidget *stack = gtk_widget_get_parent (GTK_WIDGET (fd_window_get_activity_list (window)));
  GtkWidget *page;

  g_assert_true (GTK_IS_STACK (stack));
  page = gtk_stack_get_visible_child (GTK_STACK (stack));
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  return adw_status_page_get_title (ADW_STATUS_PAGE (page));
}

static void
save_empty_state (FdWindow   *window,
                  const char *name)
{
  g_autofree char *path = NULL;

  fd_test_ui_spin (300);
  path = fd_test_ui_save_screenshot (GTK_WIDGET (window), name);
  g_test_message ("Saved %s", path);
}

/* What a new agent sees instead of a blank Activity List: join a queue
 * (with the button that does it), nothing waiting, reconnecting,
 * disconnected; a conversation arriving shows the list. Screenshots of
 * each empty state go to the artifacts. */
static void
test_window_empty_states (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(FdConnection) jenna = NULL;
  g_autoptr(FdConnection) natalie = NULL;
  g_autoptr(FdTestVisitor) visitor = NULL;
  FdWindow *window;
  FdWindow *window2;

  fd_test_server_start_demo (server);
  jenna = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_JENNA_EMAIL, FD_TEST_JENNA_PASSWORD);
  window = fd_window_new (NULL, NULL);
  g_object_ref (window);
  fd_window_set_connection (window, jenna);
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_wait (fd_test_ui_is_main_connected, window, "the main page");

  /* Signed in, no queue joined: say so, and offer to join. */
  wait_activity_page (window, "not-joined");
  g_assert_cmpstr (activity_status_title (window), ==, "Join a Queue to Receive Conversations");
  save_empty_state (window, "empty-not-joined.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.join-all", NULL));
  fd_test_ui_wait (fd_test_ui_all_queues_joined, jenna, "every queue to be joined");

  /* Joined, nothing waiting. */
  wait_activity_page (window, "waiting");
  g_assert_cmpstr (activity_status_title (window), ==, "No Conversations Waiting");
  save_empty_state (window, "empty-waiting.png");

  /* The server goes away: reconnecting; it comes back: waiting again. */
  fd_test_server_kill (server);
  wait_activity_page (window, "offline");
  g_assert_cmpstr (activity_status_title (window), ==, "Reconnecting…");
  g_assert_true (fd_window_get_banner_visible (window));
  save_empty_state (window, "empty-reconnecting.png");
  fd_test_server_start (server);
  fd_test_ui_wait (banner_hidden_and_connected, window, "the connection to resume");
  wait_activity_page (window, "waiting");

  /* A conversation arriving shows the list. */
  visitor = fd_test_visitor_start (server, FD_TEST_CHAT_KEY, "Natalie Maines");
  wait_activity_page (window, "list");
  g_assert_cmpuint (fd_activity_list_get_n_rows (fd_window_get_activity_list (window)), ==, 1);

  /* A connection that stopped: disconnected. */
  natalie = fd_test_ui_sign_in (fd_test_server_get_url (server), FD_TEST_NATALIE_EMAIL, FD_TEST_NATALIE_PASSWORD);
  window2 = fd_window_new (NULL, NULL);
  g_object_ref (window2);
  fd_window_set_connection (window2, natalie);
  gtk_window_present (GTK_WINDOW (window2));
  wait_activity_page (window2, "not-joined");
  fd_connection_stop (natalie);
  wait_activity_page (window2, "offline");
  g_assert_cmpstr (activity_status_title (window2), ==, "Disconnected");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window2)) && g_action_group_get_action_enabled (G_ACTION_GROUP (window2), "join-all"));
  save_empty_state (window2, "empty-disconnected.png");

  gtk_window_destroy (GTK_WINDOW (window2));
  g_assert_finalize_object (window2);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* --- /ui/window/cells ------------------------------------------------------ */

static int
natural_size (GtkWidget      *widget,
              GtkOrientation  orientation)
{
  int natural = 0;

  gtk_widget_measure (widget, orientation, -1, NULL, &natural, NULL, NULL);
  return natural;
}

/* The Activity List's own cell widgets, without a server: an FdTickLabel
 * takes a GtkLabel's room for the same text and follows its text, an
 * FdActivityCell takes an icon's and a label's and names its row. */
static void
test_window_cells (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Natalie Maines (@nmaines)");
  GtkWidget *tick = g_object_new (FD_TYPE_TICK_LABEL, NULL);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *activity = fd_activity_cell_new ();
  int width;

  g_object_ref (window);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), tick);
  gtk_box_append (GTK_BOX (box), list);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), activity);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  fd_tick_label_set_label (FD_TICK_LABEL (tick), "Natalie Maines (@nmaines)");
  fd_activity_cell_set_icon_name (FD_ACTIVITY_CELL (activity), "user-available-symbolic");
  fd_activity_cell_set_label (FD_ACTIVITY_CELL (activity), "Natalie Maines (@nmaines)");
  /* Named before it is in a window: the row gets the name once it is. */
  fd_activity_cell_set_row_name (FD_ACTIVITY_CELL (activity), "WebChat from Natalie Maines, Reserved", "Sales");
  gtk_window_present (GTK_WINDOW (window));
  fd_test_ui_spin (200);

  width = natural_size (label, GTK_ORIENTATION_HORIZONTAL);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, width);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_VERTICAL), ==, natural_size (label, GTK_ORIENTATION_VERTICAL));
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_HORIZONTAL), ==, 16 + 6 + width);
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_VERTICAL), ==,
                   MAX (16, natural_size (label, GTK_ORIENTATION_VERTICAL)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines (@nmaines)");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (activity), GTK_ACCESSIBLE_PROPERTY_LABEL, "Natalie Maines (@nmaines)");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat from Natalie Maines, Reserved");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "Sales");

  /* A new text: a new size, as the label's; the row's new name at once. */
  gtk_label_set_text (GTK_LABEL (label), "Ada");
  fd_tick_label_set_label (FD_TICK_LABEL (tick), "Ada");
  fd_activity_cell_set_label (FD_ACTIVITY_CELL (activity), "Ada");
  fd_activity_cell_set_row_name (FD_ACTIVITY_CELL (activity), "WebChat from Ada, Unreserved", NULL);
  fd_test_ui_spin (100);
  g_assert_cmpint (natural_size (label, GTK_ORIENTATION_HORIZONTAL), <, width);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpint (natural_size (activity, GTK_ORIENTATION_HORIZONTAL), ==,
                   16 + 6 + natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpstr (fd_tick_label_get_label (FD_TICK_LABEL (tick)), ==, "Ada");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tick), GTK_ACCESSIBLE_PROPERTY_LABEL, "Ada");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, "WebChat from Ada, Unreserved");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "");

  /* A larger font: measured again (the size is kept per font). */
  gtk_widget_add_css_class (tick, "title-1");
  gtk_widget_add_css_class (label, "title-1");
  fd_test_ui_spin (100);
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_HORIZONTAL), ==, natural_size (label, GTK_ORIENTATION_HORIZONTAL));
  g_assert_cmpint (natural_size (tick, GTK_ORIENTATION_VERTICAL), ==, natural_size (label, GTK_ORIENTATION_VERTICAL));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  /* Accessible properties are recorded (and checked) without AT-SPI. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  fd_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/window/templates", test_window_templates);
  g_test_add_func ("/ui/window/flow", test_window_flow);
  g_test_add_func ("/ui/window/empty-states", test_window_empty_states);
  g_test_add_func ("/ui/window/cells", test_window_cells);
  return g_test_run ();
}
