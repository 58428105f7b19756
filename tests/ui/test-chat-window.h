#pragma once

#include <gtk/gtk.h>

#include "fd-chat-window.h"
#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-ui.h"

G_BEGIN_DECLS

/* Shared by the pieces of test-chat-window: the visitor's name, the
 * visitor's waits, and the helpers (in test-chat-window.c) that sign an
 * agent in, open and reserve a chat, and type in its compose box. */

#define VISITOR_NAME   "<b>Eve</b>"
#define WAIT_MS        10000

/* Row counts of a GtkListBox, as fd_test_ui_wait() checks. */
gboolean            has_one_row     (gpointer data);
gboolean            has_no_rows     (gpointer data);
gboolean            has_rows        (gpointer data);
gboolean            has_many_rows   (gpointer data);
/* The compose box's text (free it). */
char               *compose_text    (FdChatWindow   *window);
/* @widget's controller of @type (for a gesture, of @button unless 0). */
GtkEventController *find_controller (GtkWidget      *widget,
                                     GType           type,
                                     guint           button);
gboolean            press_key       (FdChatWindow   *window,
                                     guint           keyval,
                                     GdkModifierType state);
/* Sets the compose box's text, the cursor at its end. */
void                set_compose     (FdChatWindow   *window,
                                     const char     *text);
FdChatWindow       *open_chat       (FdConnection   *connection,
                                     gint64          id,
                                     const char     *what);
void                reserve_chat    (FdChatWindow   *window,
                                     const char     *what);
void                visitor_writes  (FdTestVisitor  *visitor,
                                     const char     *text,
                                     FdConnection   *agent,
                                     const char     *what);
/* Signs @email in and joins Sales. */
FdConnection       *connect_agent   (FdTestServer   *server,
                                     const char     *email,
                                     const char     *password);

/* test-chat-window-stores.c */
void test_chat_window_drafts      (void);
void test_chat_window_reply_cache (void);
void test_chat_window_attachments (void);

/* test-chat-window-history.c */
void test_chat_window_returning_customer (void);
void test_chat_window_history            (void);

/* test-chat-window-transfer.c */
void test_chat_window_transfer               (void);
void test_chat_window_transfer_nobody_joined (void);

G_END_DECLS
