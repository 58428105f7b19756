#define G_LOG_DOMAIN "test-window"

/* The agent app's window against the real frontdeskd --demo: sign in
 * through the sign-in page, join queues, a visitor's chat as a row,
 * reserve, a second agent losing the row, the last-agent warning, the
 * quit guard, a server restart with the banner, and a screenshot.
 *
 * This file holds the checks and waits on the main window that its
 * pieces share (test-window.h), /ui/window/templates and main(); the flow
 * is in test-window-flow.c, the empty states in test-window-empty-states.c,
 * the cells on screen in test-window-cells.c. */

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

#include "test-window.h"

/* --- checks ---------------------------------------------------------------- */

gboolean
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

void
wait_rows (FdWindow   *window,
           guint       n,
           const char *what)
{
  RowCount count = { window, n };

  fd_test_ui_wait (has_n_rows, &count, what);
}

gboolean
banner_shown (gpointer data)
{
  return fd_window_get_banner_visible (data);
}

gboolean
banner_hidden_and_connected (gpointer data)
{
  return !fd_window_get_banner_visible (data) && fd_test_ui_is_main_connected (data);
}

void
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

void
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

gboolean
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

FdChatWindow *
find_chat_window (gint64 id)
{
  return fd_test_ui_find_toplevel (is_chat_window_of, &id);
}

/* Whether @accels holds @expected, as GTK parses them (it rewrites the
 * strings it keeps). */
gboolean
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

gboolean
has_chat_window (gpointer data)
{
  return find_chat_window (((ChatWait *) data)->id) != NULL;
}

/* The Web Chat window that double-click opens through app.open-conversation. */
FdChatWindow *
find_conversation_window (void)
{
  return fd_test_ui_find_toplevel (is_chat_window_of, NULL);
}

gboolean
has_conversation_window (gpointer data)
{
  return find_conversation_window () != NULL;
}

gboolean
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

gboolean
status_changed (gpointer data)
{
  DurationWait *wait = data;
  g_autofree char *now = fd_activity_list_dup_cell_text (wait->list, wait->row, FD_TEST_UI_COL_STATUS);

  return g_strcmp0 (now, wait->before) != 0;
}

gboolean
acd_is_lunch (gpointer data)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (data), "acd");

  return g_str_equal (g_variant_get_string (state, NULL), "unavailable:lunch");
}

gboolean
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

gboolean
has_no_row (gpointer data)
{
  RowWait *wait = data;

  return fd_test_ui_find_row (wait->window, wait->from) < 0;
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
