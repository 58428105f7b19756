#define G_LOG_DOMAIN "fd-test-ui"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fd-session.h"
#include "fd-test-client.h"
#include "fd-test-ui.h"

void
fd_test_ui_wait_ms (FdTestUiCheck  check,
                    gpointer       data,
                    guint          timeout_ms,
                    const char    *what)
{
  fd_test_wait (check, data, timeout_ms, what);
}

void
fd_test_ui_wait (FdTestUiCheck  check,
                 gpointer       data,
                 const char    *what)
{
  fd_test_ui_wait_ms (check, data, FD_TEST_UI_WAIT_MS, what);
}

void
fd_test_ui_spin (guint ms)
{
  fd_test_spin (ms);
}

char *
fd_test_ui_artifacts_dir (void)
{
  const char *env = g_getenv ("FD_ARTIFACTS_DIR");
  g_autofree char *dir = env != NULL && *env != '\0' ? g_strdup (env)
                                                     : g_build_filename (g_get_tmp_dir (), "frontdesk-artifacts", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return g_steal_pointer (&dir);
}

static gboolean
has_size (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0 &&
         gtk_widget_get_height (widget) > 0;
}

char *
fd_test_ui_save_screenshot (GtkWidget  *widget,
                            const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = fd_test_ui_artifacts_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GtkNative *native = gtk_widget_get_native (widget);
  int width, height;

  g_assert_nonnull (native);
  /* A window just presented is mapped and sized on a later frame. */
  fd_test_ui_wait (has_size, widget, name);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  /* The paintable shows what the widget last drew: nothing while a
   * relayout (a tab switch, a new row) is still waiting for its frame, so
   * ask for a frame and try again until one came, for up to 5 s. */
  paintable = gtk_widget_paintable_new (widget);
  for (guint attempt = 0; node == NULL && attempt < 50; attempt++)
    {
      gtk_widget_queue_draw (widget);
      fd_test_ui_spin (100);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  if (node == NULL)
    g_error ("%s: the widget drew nothing in 5 s", name);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (native), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_test_message ("Screenshot: %s", path);
  return g_steal_pointer (&path);
}

void
fd_test_ui_on_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  fd_test_on_done_cb (source, result, user_data);
}

gboolean
fd_test_ui_has_result (gpointer data)
{
  return fd_test_has_result (data);
}

gboolean
fd_test_ui_is_connected (gpointer connection)
{
  return fd_connection_get_state (connection) == FD_CONNECTION_STATE_CONNECTED &&
         g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session ((connection))))) > 0;
}

gboolean
fd_test_ui_all_queues_joined (gpointer connection)
{
  GListModel *queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (connection)));

  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);

      if (!fd_queue_item_get_joined (item))
        return FALSE;
    }
  return g_list_model_get_n_items (queues) > 0;
}

gboolean
fd_test_ui_is_main_connected (gpointer window)
{
  FdConnection *connection = fd_window_get_connection (window);

  return g_str_equal (fd_window_get_page (window), "main") && connection != NULL &&
         fd_test_ui_is_connected (connection);
}

gboolean
fd_test_ui_chat_is_loaded (gpointer window)
{
  return fd_chat_window_get_loaded (window) && fd_chat_window_get_n_messages (window) > 0;
}

gboolean
fd_test_ui_chat_is_reserved (gpointer window)
{
  return fd_chat_window_get_reserved (window);
}

gboolean
fd_test_ui_chat_is_closed (gpointer window)
{
  return fd_chat_window_get_closed (window);
}

gboolean
fd_test_ui_chat_nothing_pending (gpointer window)
{
  return fd_chat_window_get_n_pending (window) == 0;
}

gpointer
fd_test_ui_find_toplevel (FdTestUiMatch match,
                          gconstpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (match (window, data))
        return window;
    }
  return NULL;
}

GtkWidget *
fd_test_ui_find_widget (GtkWidget     *widget,
                        FdTestUiMatch  match,
                        gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fd_test_ui_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_of_type (gpointer      object,
            gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (object, *(const GType *) type);
}

GtkWidget *
fd_test_ui_find_descendant (GtkWidget *widget,
                            GType      type)
{
  return fd_test_ui_find_widget (widget, is_of_type, &type);
}

gpointer
fd_test_ui_find_toplevel_of_type (GType type)
{
  return fd_test_ui_find_toplevel (is_of_type, &type);
}

guint
fd_test_ui_count_toplevels (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      n += G_TYPE_CHECK_INSTANCE_TYPE (window, type);
    }
  return n;
}

static gboolean
is_action_button (gpointer      widget,
                  gconstpointer action)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (widget), action) == 0;
}

GtkWidget *
fd_test_ui_find_action_button (GtkWidget  *widget,
                               const char *action)
{
  return fd_test_ui_find_widget (widget, is_action_button, action);
}

guint
fd_test_ui_count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      n++;
  return n;
}

GtkListBoxRow *
fd_test_ui_find_row_by_id (GtkListBox *list,
                           const char *key,
                           gint64      id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const gint64 *row_id = g_object_get_data (G_OBJECT (child), key);

      if (GTK_IS_LIST_BOX_ROW (child) && row_id != NULL && *row_id == id)
        return GTK_LIST_BOX_ROW (child);
    }
  return NULL;
}

/* A desktop's phone app, as far as GIO sees one: a tel: handler @id
 * (a desktop file id) in the test's own XDG_DATA_HOME (the wrapper makes a
 * fresh one) whose entry has the @keys lines ("Exec=true %u\n"). Without
 * it, Call Number meets a desktop with no phone app
 * (FD_TEST_NO_PHONE_APP, tests/ui/test-callbacks.c). */
void
fd_test_ui_install_phone_app (const char *id,
                              const char *keys)
{
  const char *data_home = g_getenv ("XDG_DATA_HOME");
  const char *config_home = g_getenv ("XDG_CONFIG_HOME");
  g_autofree char *apps = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *mimeapps = NULL;
  g_autofree char *defaults = NULL;
  g_autoptr(GError) error = NULL;

  /* Only in the wrapper's throw-away directories, never a real home. */
  if (data_home == NULL || config_home == NULL || strstr (data_home, "frontdesk-keyring.") == NULL)
    return;
  apps = g_build_filename (data_home, "applications", NULL);
  g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config_home, 0700), ==, 0);
  desktop = g_build_filename (apps, id, NULL);
  entry = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Dialer\n%s"
                           "NoDisplay=true\nMimeType=x-scheme-handler/tel;\n", keys);
  g_file_set_contents (desktop, entry, -1, &error);
  g_assert_no_error (error);
  mimeapps = g_build_filename (config_home, "mimeapps.list", NULL);
  defaults = g_strdup_printf ("[Default Applications]\nx-scheme-handler/tel=%s\n", id);
  g_file_set_contents (mimeapps, defaults, -1, &error);
  g_assert_no_error (error);
}

void
fd_test_ui_init (int    *argc,
                 char ***argv)
{
  if (g_getenv ("FD_TEST_NO_PHONE_APP") == NULL)
    fd_test_ui_install_phone_app ("fd-test-dialer.desktop", "Exec=true %u\n");
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  /* GTK 4.8 has no GDK_DEBUG=no-portals; the private session bus has no
   * portal anyway. The AT-SPI registry the bus would start writes to
   * stdout, which breaks TAP. A test that checks accessible properties
   * sets GTK_A11Y=test (GTK's in-process recorder, no bus) before this;
   * the AT-SPI test (tests/a11y) sets GTK_A11Y=atspi and keeps TAP apart. */
  if (g_strcmp0 (g_getenv ("GTK_A11Y"), "test") != 0 && g_strcmp0 (g_getenv ("GTK_A11Y"), "atspi") != 0)
    g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
}

FdApplication *
fd_test_ui_new_app (void)
{
  FdApplication *app = fd_application_new ();

  g_assert_nonnull (fd_application_get_settings (app));
  g_settings_set_boolean (fd_application_get_settings (app), "alert-notification", FALSE);
  g_settings_set_boolean (fd_application_get_settings (app), "alert-sound", FALSE);
  g_application_set_application_id (G_APPLICATION (app), NULL);
  fd_application_set_backoff (app, 50, 400);
  return app;
}

FdWindow *
fd_test_ui_app_window (FdApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (FD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

int
fd_test_ui_find_row (FdWindow   *window,
                     const char *from)
{
  FdActivityList *list = fd_window_get_activity_list (window);

  for (guint i = 0; i < fd_activity_list_get_n_rows (list); i++)
    {
      g_autofree char *text = fd_activity_list_dup_cell_text (list, i, FD_TEST_UI_COL_FROM);

      if (g_strcmp0 (text, from) == 0)
        return (int) i;
    }
  return -1;
}

int
fd_test_ui_find_queue (FdConnection *connection,
                       const char   *name)
{
  GListModel *queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (connection)));

  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);

      if (g_str_equal (fd_queue_item_get_name (item), name))
        return (int) i;
    }
  return -1;
}

gboolean
fd_test_ui_has_indicator (gpointer data)
{
  FdTestUiIndicator *indicator = data;

  return g_strcmp0 (fd_queue_sidebar_get_indicator (fd_window_get_queue_sidebar (indicator->window),
                                                    indicator->position), indicator->text) == 0;
}

gboolean
fd_test_ui_has_activity_item (gpointer data)
{
  FdTestUiItemLookup *lookup = data;

  return fd_activity_model_lookup (fd_session_get_activity_model (fd_connection_get_session (lookup->connection)), lookup->id) != NULL;
}

gboolean
fd_test_ui_chat_has_status_prefix (gpointer data)
{
  FdTestUiStatusWait *wait = data;

  return g_str_has_prefix (fd_chat_window_get_status (wait->window), wait->prefix);
}

FdConnection *
fd_test_ui_sign_in (const char *url,
                    const char *email,
                    const char *password)
{
  g_autoptr(FdConnection) connection = fd_connection_new (url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signing_in = g_strdup_printf ("the sign-in of %s", email);
  g_autofree char *connecting = g_strdup_printf ("the connection of %s", email);

  fd_connection_sign_in_async (connection, email, password, NULL, fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, signing_in);
  g_assert_true (fd_connection_sign_in_finish (connection, result, &error));
  g_assert_no_error (error);
  fd_test_ui_wait (fd_test_ui_is_connected, connection, connecting);
  return g_steal_pointer (&connection);
}

void
fd_test_ui_join_queue (FdConnection *connection,
                       const char   *name)
{
  int position = fd_test_ui_find_queue (connection, name);
  g_autoptr(FdQueueItem) queue = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("joining %s", name);

  g_assert_cmpint (position, >=, 0);
  queue = g_list_model_get_item (G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (connection))), (guint) position);
  g_assert_nonnull (queue);
  fd_connection_set_joined_async (connection, fd_queue_item_get_id (queue), TRUE, NULL,
                                  fd_test_ui_on_done_cb, &result);
  fd_test_ui_wait (fd_test_ui_has_result, &result, what);
  g_assert_true (fd_connection_set_joined_finish (connection, result, &error));
  g_assert_no_error (error);
}

void
fd_test_ui_stop_connection (FdConnection *connection)
{
  g_assert_true (FD_IS_CONNECTION (connection));
  fd_connection_stop (connection);
  fd_test_ui_spin (50);
  g_assert_finalize_object (connection);
}

void
fd_test_ui_close_window (gpointer window)
{
  g_assert_true (GTK_IS_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));
  fd_test_ui_spin (100);
  g_assert_finalize_object (window);
}

static gboolean
is_dialog_headed (gpointer      window,
                  gconstpointer heading)
{
  return ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
         (heading == NULL || g_strcmp0 (adw_message_dialog_get_heading (window), heading) == 0);
}

AdwMessageDialog *
fd_test_ui_find_dialog (const char *heading)
{
  return fd_test_ui_find_toplevel (is_dialog_headed, heading);
}

static gboolean
has_dialog (gpointer heading)
{
  return fd_test_ui_find_dialog (heading) != NULL;
}

AdwMessageDialog *
fd_test_ui_wait_dialog (const char *heading,
                        const char *what)
{
  fd_test_ui_wait (has_dialog, (gpointer) heading, what);
  return fd_test_ui_find_dialog (heading);
}

void
fd_test_ui_answer_dialog (AdwMessageDialog *dialog,
                          const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  fd_test_ui_spin (50);
  g_assert_null (fd_test_ui_find_dialog (NULL));
}

GtkPopover *
fd_test_ui_find_popover_menu (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      return GTK_POPOVER (child);
  return NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Each visible GtkModelButton's text and sensitivity, in order. */
static void
collect_menu_items (GtkWidget *widget,
                    GPtrArray *items)
{
  GType model_button = g_type_from_name ("GtkModelButton");

  if (model_button != 0 && G_TYPE_CHECK_INSTANCE_TYPE (widget, model_button) && gtk_widget_get_visible (widget))
    {
      g_autofree char *text = NULL;

      g_object_get (widget, "text", &text, NULL);
      g_ptr_array_add (items, gtk_widget_is_sensitive (widget) ? g_strdup (text)
                                                               : g_strdup_printf ("%s (disabled)", text));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_menu_items (child, items);
}

char *
fd_test_ui_dup_activity_menu (FdWindow *window)
{
  FdActivityList *list = fd_window_get_activity_list (window);
  GtkPopover *popover = fd_test_ui_find_popover_menu (GTK_WIDGET (list));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (list), "activity.menu", NULL));
  fd_test_ui_wait (is_mapped, popover, "the row's menu");
  /* Let the action states reach the buttons. */
  fd_test_ui_spin (200);
  collect_menu_items (GTK_WIDGET (popover), items);
  g_ptr_array_add (items, NULL);
  return g_strjoinv ("|", (char **) items->pdata);
}

char *
fd_test_ui_dup_cell (FdWindow   *window,
                     const char *from,
                     guint       column)
{
  int row = fd_test_ui_find_row (window, from);

  if (row < 0)
    return NULL;
  return fd_activity_list_dup_cell_text (fd_window_get_activity_list (window), (guint) row, column);
}

typedef struct {
  FdWindow   *window;
  const char *from;
  const char *status;   /* the exact Status cell; NULL = any */
} RowWait;

static gboolean
has_row (gpointer data)
{
  RowWait *wait = data;
  g_autofree char *status = fd_test_ui_dup_cell (wait->window, wait->from, FD_TEST_UI_COL_STATUS);

  return status != NULL && (wait->status == NULL || g_str_equal (status, wait->status));
}

void
fd_test_ui_wait_row (FdWindow   *window,
                     const char *from,
                     const char *status,
                     guint       timeout_ms,
                     const char *what)
{
  RowWait wait = { window, from, status };

  fd_test_ui_wait_ms (has_row, &wait, timeout_ms, what);
}

typedef struct {
  FdTestUiRun run;
  gpointer    data;
} AppRun;

static void
on_run_app_activate_cb (GApplication *app,
                        AppRun       *app_run)
{
  app_run->run (FD_APPLICATION (app), app_run->data);
}

void
fd_test_ui_run_app (FdApplication *app,
                    FdTestUiRun    run,
                    gpointer       data)
{
  AppRun app_run = { run, data };

  g_signal_connect_after (app, "activate", G_CALLBACK (on_run_app_activate_cb), &app_run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 0, NULL), ==, 0);
  g_assert_finalize_object (app);
}
