#pragma once

#include <adwaita.h>

#include "fd-connection.h"

G_BEGIN_DECLS

/* A past conversation of the Activity Log, read-only (docs/app.md, "The
 * Activity Log"): the transcript (FdTranscriptView over the session's
 * model of the conversation, which asks get-conversation), the
 * Performance Metrics (First Assigned Time, First Reply Time, Closed Time,
 * Handle Time), the Rating as five star icons (accessible name "Rated 4
 * of 5") and the customer's Comment as plain text. Escape closes it. */

#define FD_TYPE_CONVERSATION_LOG_WINDOW (fd_conversation_log_window_get_type ())
G_DECLARE_FINAL_TYPE (FdConversationLogWindow, fd_conversation_log_window, FD, CONVERSATION_LOG_WINDOW, AdwWindow)

/* @entry (copied) gives the title until the conversation is loaded. */
FdConversationLogWindow *fd_conversation_log_window_new (FdConnection     *connection,
                                                          const FdLogEntry *entry);
/* TRUE once the server answered get-conversation. */
gboolean    fd_conversation_log_window_get_loaded       (FdConversationLogWindow *self);
/* The texts shown, for the tests: the metric rows' values ("first-assigned",
 * "first-reply", "closed", "handle"), the stars' accessible name and the
 * comment. */
const char *fd_conversation_log_window_get_metric       (FdConversationLogWindow *self,
                                                         const char              *which);
const char *fd_conversation_log_window_get_rating_text  (FdConversationLogWindow *self);
guint       fd_conversation_log_window_get_n_stars_filled (FdConversationLogWindow *self);
const char *fd_conversation_log_window_get_comment      (FdConversationLogWindow *self);
guint       fd_conversation_log_window_get_n_messages   (FdConversationLogWindow *self);

G_END_DECLS
