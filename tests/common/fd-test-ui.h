#pragma once

#include <gtk/gtk.h>

#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-connection.h"
#include "fd-window.h"

G_BEGIN_DECLS

/* Helpers of the GTK tests (suite 'ui' and the end-to-end test): waiting on
 * the main context for a condition, letting it run for a while, and saving
 * a widget as a PNG in the artifacts directory. */

#define FD_TEST_UI_WAIT_MS 10000

typedef gboolean (*FdTestUiCheck) (gpointer data);

/* Iterates the default main context until @check returns TRUE; fails the
 * test, naming @what, after FD_TEST_UI_WAIT_MS. */
void   fd_test_ui_wait            (FdTestUiCheck  check,
                                   gpointer       data,
                                   const char    *what);
/* The same with its own deadline. */
void   fd_test_ui_wait_ms         (FdTestUiCheck  check,
                                   gpointer       data,
                                   guint          timeout_ms,
                                   const char    *what);
/* Lets pending work (redraws, replies, idles) run for @ms. */
void   fd_test_ui_spin            (guint          ms);
/* The directory CI keeps as artifacts (FD_ARTIFACTS_DIR, made if needed). */
char  *fd_test_ui_artifacts_dir   (void);
/* The environment every GTK test runs in (cairo renderer, X11, no AT-SPI
 * registry writing into TAP, memory settings), then gtk_test_init and
 * adw_init. */
void   fd_test_ui_init            (int           *argc,
                                   char        ***argv);
/* An async callback that keeps the result: @user_data is a GAsyncResult**
 * that fd_test_ui_has_result() waits on. */
void     fd_test_ui_on_done_cb           (GObject       *source,
                                          GAsyncResult  *result,
                                          gpointer       user_data);
gboolean fd_test_ui_has_result           (gpointer       data);
/* An FdConnection connected with its queues known. */
gboolean fd_test_ui_is_connected         (gpointer       connection);
/* An FdConnection whose every queue is joined. */
gboolean fd_test_ui_all_queues_joined    (gpointer       connection);
/* An FdWindow on its main page with such a connection. */
gboolean fd_test_ui_is_main_connected    (gpointer       window);
/* FdChatWindow states: loaded with at least one message, reserved by this
 * agent, closed, nothing of its own waiting for the server. */
gboolean fd_test_ui_chat_is_loaded       (gpointer       window);
gboolean fd_test_ui_chat_is_reserved     (gpointer       window);
gboolean fd_test_ui_chat_is_closed       (gpointer       window);
gboolean fd_test_ui_chat_nothing_pending (gpointer       window);
/* Whether @object is what a search looks for (@data is the search's). */
typedef gboolean (*FdTestUiMatch) (gpointer      object,
                                   gconstpointer data);

/* The first toplevel window @match accepts, NULL when none does. */
gpointer       fd_test_ui_find_toplevel   (FdTestUiMatch  match,
                                           gconstpointer  data);
/* The first toplevel window of @type, NULL when none is. */
gpointer       fd_test_ui_find_toplevel_of_type (GType        type);
/* How many toplevel windows of @type there are. */
guint          fd_test_ui_count_toplevels (GType          type);
/* @widget or its first descendant (depth first) that @match accepts,
 * NULL when none is. */
GtkWidget     *fd_test_ui_find_widget     (GtkWidget     *widget,
                                           FdTestUiMatch  match,
                                           gconstpointer  data);
/* The same for the first one of @type. */
GtkWidget     *fd_test_ui_find_descendant (GtkWidget *widget,
                                           GType      type);
/* The first button below @widget whose action is @action (e.g.
 * "chat.add-crm-log"), NULL when none is. */
GtkWidget     *fd_test_ui_find_action_button (GtkWidget  *widget,
                                              const char *action);
/* The rows of @list (its placeholder left out). */
guint  fd_test_ui_count_rows      (GtkListBox    *list);
/* The row of @list carrying @id as a gint64* under the data @key
 * ("fd-agent-id", "fd-conversation-id"), NULL when none does. */
GtkListBoxRow *fd_test_ui_find_row_by_id (GtkListBox *list,
                                          const char *key,
                                          gint64      id);
/* Renders @widget to @name (a .png file name) in the artifacts directory,
 * once it is mapped and sized; returns the path written. Fails the test
 * when the widget gets no size or the file cannot be written. */
char  *fd_test_ui_save_screenshot (GtkWidget     *widget,
                                   const char    *name);

/* The first GtkPopoverMenu child of @widget (a list's context menu), or
 * NULL. */
GtkPopover *fd_test_ui_find_popover_menu (GtkWidget *widget);
/* Opens the Activity List's menu on its selected row (activity.menu) and
 * returns its items as shown, "Reserve Conversation|Show CRM Contact (No
 * CRM is configured) (disabled)": each item's text, " (disabled)" when
 * insensitive. The menu stays open. */
char       *fd_test_ui_dup_activity_menu (FdWindow *window);

/* The Activity List's columns, as the tests read its cells. */
enum {
  FD_TEST_UI_COL_ACTIVITY,
  FD_TEST_UI_COL_FROM,
  FD_TEST_UI_COL_TO,
  FD_TEST_UI_COL_DURATION,
  FD_TEST_UI_COL_STATUS,
};

/* Makes the desktop file @id, whose entry has the @keys lines (Exec=…),
 * the desktop's tel: handler, in the test wrapper's own XDG directories
 * only. fd_test_ui_init() installs one that runs true(1) unless
 * FD_TEST_NO_PHONE_APP is set. */
void           fd_test_ui_install_phone_app  (const char    *id,
                                              const char    *keys);

/* An FdApplication for a test: no alerts (no notification server or sound
 * card here; the alerts have their own suite, tests/alerts), no D-Bus name
 * (the session bus is shared with the keyring, nothing exported keeps the
 * app alive), and reconnection after 50 to 400 ms. */
FdApplication *fd_test_ui_new_app            (void);
/* Runs @app (taken) as a person would, inside g_application_run(), with
 * @run (@app, @data) called after its own activation; asserts that it
 * exits with 0 and is finalized. */
typedef void (*FdTestUiRun) (FdApplication *app,
                             gpointer       data);
void           fd_test_ui_run_app            (FdApplication *app,
                                              FdTestUiRun    run,
                                              gpointer       data);
/* The app's main window, NULL when it has none. */
FdWindow      *fd_test_ui_app_window         (FdApplication *app);
/* The position of the window's Activity List row whose From cell is
 * @from, -1 when none is. */
int            fd_test_ui_find_row           (FdWindow      *window,
                                              const char    *from);
/* The text of cell @column of that row, NULL when there is no such row. */
char          *fd_test_ui_dup_cell           (FdWindow      *window,
                                              const char    *from,
                                              guint          column);
/* Waits up to @timeout_ms for that row with the Status cell exactly
 * @status (NULL: any status). */
void           fd_test_ui_wait_row           (FdWindow      *window,
                                              const char    *from,
                                              const char    *status,
                                              guint          timeout_ms,
                                              const char    *what);
/* The position of the queue named @name in the connection's queue model,
 * -1 when none is. */
int            fd_test_ui_find_queue         (FdConnection  *connection,
                                              const char    *name);

/* Waits for the Queues sidebar's indicator of a queue to read @text. */
typedef struct {
  FdWindow   *window;
  guint       position;
  const char *text;
} FdTestUiIndicator;

gboolean       fd_test_ui_has_indicator      (gpointer       indicator);

/* Waits for the activity model of a connection to hold a conversation. */
typedef struct {
  FdConnection *connection;
  gint64        id;
} FdTestUiItemLookup;

gboolean       fd_test_ui_has_activity_item  (gpointer       lookup);

/* Waits for an FdChatWindow's status line to start with @prefix. */
typedef struct {
  FdChatWindow *window;
  const char   *prefix;
} FdTestUiStatusWait;

gboolean       fd_test_ui_chat_has_status_prefix (gpointer   wait);

/* Signs an agent in with a new connection to @url, asserting that it
 * succeeds, and waits until it is connected. */
FdConnection  *fd_test_ui_sign_in            (const char    *url,
                                              const char    *email,
                                              const char    *password);
/* Joins the queue named @name through the connection, asserting that the
 * queue is listed and that the server agrees. */
void           fd_test_ui_join_queue         (FdConnection  *connection,
                                              const char    *name);
/* The end of a test that signed in: stops @connection and asserts that
 * it is finalized (the test gives up its last reference). */
void           fd_test_ui_stop_connection    (FdConnection  *connection);
/* Destroys @window (a GtkWindow the test holds the last reference to)
 * and asserts that it is finalized once the main context ran. */
void           fd_test_ui_close_window       (gpointer       window);

/* Message dialogs: the visible one whose heading is @heading (NULL: any),
 * NULL when none is shown. */
AdwMessageDialog *fd_test_ui_find_dialog     (const char    *heading);
/* Waits for it, naming @what when it does not come. */
AdwMessageDialog *fd_test_ui_wait_dialog     (const char    *heading,
                                              const char    *what);
/* Answers @dialog with @response, closes it and asserts that no dialog is
 * left. */
void           fd_test_ui_answer_dialog      (AdwMessageDialog *dialog,
                                              const char       *response);

G_END_DECLS
