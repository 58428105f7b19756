#pragma once

#include <gtk/gtk.h>

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
/* An FdWindow on its main page with such a connection. */
gboolean fd_test_ui_is_main_connected    (gpointer       window);
/* FdChatWindow states: loaded with at least one message, reserved by this
 * agent, closed, nothing of its own waiting for the server. */
gboolean fd_test_ui_chat_is_loaded       (gpointer       window);
gboolean fd_test_ui_chat_is_reserved     (gpointer       window);
gboolean fd_test_ui_chat_is_closed       (gpointer       window);
gboolean fd_test_ui_chat_nothing_pending (gpointer       window);
/* The rows of @list (its placeholder left out). */
guint  fd_test_ui_count_rows      (GtkListBox    *list);
/* The row of @list carrying @id as a gint64* under the data @key
 * ("fd-agent-id", "fd-conversation-id"), NULL when none does. */
GtkListBoxRow *fd_test_ui_find_row_by_id (GtkListBox *list,
                                          const char *key,
                                          gint64      id);
/* Renders @widget (mapped and sized) to @name (a .png file name) in the
 * artifacts directory; returns the path written. Fails the test when the
 * widget has no size or the file cannot be written. */
char  *fd_test_ui_save_screenshot (GtkWidget     *widget,
                                   const char    *name);

G_END_DECLS
