#pragma once

#include <adwaita.h>

#include "fd-connection.h"

G_BEGIN_DECLS

#define FD_TYPE_CONVERSATION_WINDOW (fd_conversation_window_get_type ())
G_DECLARE_FINAL_TYPE (FdConversationWindow, fd_conversation_window, FD, CONVERSATION_WINDOW, AdwWindow)

/* A read-only placeholder for the conversation window: the transcript of
 * one conversation, fetched with get-conversation over the connection.
 * Customer text is shown as plain text, never markup. */

FdConversationWindow *fd_conversation_window_new      (GtkWindow    *parent,
                                                       FdConnection *connection,
                                                       gint64        conversation_id);
gint64                fd_conversation_window_get_id   (FdConversationWindow *self);
/* How many messages are shown (0 until loaded). */
guint                 fd_conversation_window_get_n_messages (FdConversationWindow *self);

G_END_DECLS
