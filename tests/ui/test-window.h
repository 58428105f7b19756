#pragma once

#include <gtk/gtk.h>

#include "fd-application.h"
#include "fd-chat-window.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"
#include "fd-window.h"

G_BEGIN_DECLS

/* Shared by the pieces of test-window: the checks and waits on the main
 * window (test-window.c) and the helpers that find the Activity List's
 * cells on screen (test-window-cells.c). */

typedef struct {
  gint64 id;
} ChatWait;

typedef struct {
  FdActivityList *list;
  guint           row;
  char           *before;
} DurationWait;

typedef struct {
  FdWindow   *window;
  const char *from;
  const char *status;   /* prefix; NULL = any */
} RowWait;

typedef struct {
  GtkWidget  *label;
  const char *before;
} LabelWait;

/* test-window.c: the checks */
gboolean      has_sign_in_error           (gpointer    data);
/* Waits until @window's Activity List has @n rows. */
void          wait_rows                   (FdWindow   *window,
                                           guint       n,
                                           const char *what);
gboolean      banner_shown                (gpointer    data);
gboolean      banner_hidden_and_connected (gpointer    data);
/* Joins @queue from @window's sidebar and waits for its indicator. */
void          join_with_sidebar           (FdWindow   *window,
                                           const char *queue);
/* main-window.png (and the docs' copy with FD_UPDATE_SCREENSHOTS=1). */
void          take_screenshot             (FdWindow   *window);
gboolean      conversation_loaded         (gpointer    data);
FdChatWindow *find_chat_window            (gint64      id);
gboolean      accel_listed                (char      **accels,
                                           const char *expected);
/* @data is a ChatWait. */
gboolean      has_chat_window             (gpointer    data);
FdChatWindow *find_conversation_window    (void);
gboolean      has_conversation_window     (gpointer    data);
/* Natalie Maines's row is reserved. */
gboolean      is_reserved_row             (gpointer    data);
/* @data is a DurationWait. */
gboolean      status_changed              (gpointer    data);
gboolean      acd_is_lunch                (gpointer    data);
/* @data is a RowWait. */
gboolean      has_row                     (gpointer    data);
gboolean      has_no_row                  (gpointer    data);

/* test-window-cells.c: the cells on screen */
const char   *shown_text                  (GtkWidget      *widget);
GtkWidget    *find_descendant             (GtkWidget      *widget,
                                           GType           type,
                                           const char     *text);
void          right_click_row             (FdActivityList *list,
                                           const char     *from);
GtkWidget    *find_text_with_prefix       (GtkWidget      *widget,
                                           const char     *prefix);
/* @data is a LabelWait. */
gboolean      label_changed               (gpointer        data);
void          assert_cell_shows_model     (GtkWidget      *cell,
                                           FdActivityList *list,
                                           guint           row,
                                           guint           column);
gboolean      has_css_class               (gpointer        widget,
                                           gconstpointer   css_class);
gboolean      is_visible                  (gpointer        widget);

/* The tests of test-window-flow.c, test-window-empty-states.c and
 * test-window-cells.c. */
void test_window_flow         (void);
void test_window_empty_states (void);
void test_window_cells        (void);

G_END_DECLS
