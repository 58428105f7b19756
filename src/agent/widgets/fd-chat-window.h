#pragma once

#include <adwaita.h>

#include "fd-connection.h"
#include "fd-conversation-model.h"
#include "fd-drafts.h"
#include "fd-recent-files.h"
#include "fd-reply-cache.h"

G_BEGIN_DECLS

#define FD_TYPE_CHAT_WINDOW (fd_chat_window_get_type ())
G_DECLARE_FINAL_TYPE (FdChatWindow, fd_chat_window, FD, CHAT_WINDOW, AdwWindow)

/* The agent's Web Chat window (docs/app.md, "The Web Chat window"): the
 * visitor's details, the transcript, Reserve / Reject before reserving,
 * the compose box, canned replies, resources and emoji after. Everything
 * goes through @connection; customer text is never markup. Closing the
 * window only hides it: the conversation stays in the Activity List. */

FdChatWindow *fd_chat_window_new            (GtkWindow    *parent,
                                             FdConnection *connection,
                                             gint64        conversation_id);
gint64        fd_chat_window_get_id         (FdChatWindow *self);
/* The conversation the window shows (its state, transcript and sends). */
FdConversationModel *fd_chat_window_get_model (FdChatWindow *self);
/* The agent's local stores (docs/app.md, "Local caches"), each optional
 * (NULL): the compose text is kept in @drafts as the agent types and
 * restored here when the box is empty; @reply_cache is the Reply Cache
 * tab and "Add Reply to Cache"; @recent_files the recent attachments.
 * FdApplication creates them once per sign-in. */
void          fd_chat_window_set_stores     (FdChatWindow  *self,
                                             FdDrafts      *drafts,
                                             FdReplyCache  *reply_cache,
                                             FdRecentFiles *recent_files);
/* Adds the selected text of the focused compose box or transcript message
 * (the compose box when neither has focus) to the reply cache: what
 * "Add Reply to Cache" (the chat.add-reply-to-cache action) does. Errors:
 * FD_CACHE_ERROR (no cache, nothing selected, blank or too long). */
gboolean      fd_chat_window_add_reply_to_cache (FdChatWindow *self,
                                                 GError      **error);
/* Uploads @file through the server and sends it to the visitor as an
 * attachment (what "Add Attachment", a recent attachment and a drop on
 * the window do); the path goes to the recent attachments. Errors (not
 * reserved, over 10 MB, unreadable, refused) show as a sentence on the
 * status line. */
void          fd_chat_window_attach_file    (FdChatWindow *self,
                                             GFile        *file);
/* Checks again which recent attachments are missing and rebuilds their
 * list (done each time the list opens). */
void          fd_chat_window_refresh_recent_files (FdChatWindow *self);
/* The status line's text, "" when hidden. */
const char   *fd_chat_window_get_status     (FdChatWindow *self);
/* TRUE once get-conversation answered. */
gboolean      fd_chat_window_get_loaded     (FdChatWindow *self);
/* TRUE while this agent holds the conversation (the compose box is on). */
gboolean      fd_chat_window_get_reserved   (FdChatWindow *self);
gboolean      fd_chat_window_get_closed     (FdChatWindow *self);
/* Messages shown (system lines included, day separators not). */
guint         fd_chat_window_get_n_messages (FdChatWindow *self);
/* Own messages sent and not yet acknowledged or echoed. */
guint         fd_chat_window_get_n_pending  (FdChatWindow *self);
/* The plain texts of the transcript's messages, one per line (tests). */
char         *fd_chat_window_dup_transcript (FdChatWindow *self);
/* The typing indicator's text, "" when hidden. */
const char   *fd_chat_window_get_typing_text (FdChatWindow *self);

/* Widgets, for tests and accessibility checks. */
GtkTextView  *fd_chat_window_get_compose_view (FdChatWindow *self);
GtkListBox   *fd_chat_window_get_canned_list  (FdChatWindow *self);
GtkListBox   *fd_chat_window_get_resource_list (FdChatWindow *self);
GtkListBox   *fd_chat_window_get_reply_cache_list (FdChatWindow *self);
/* The Transfer popover's list (the chat.transfer action asks the server
 * with list-colleagues and opens the popover with the answer): one row per colleague joined to the stream's
 * queue, carrying the agent id as a gint64* under "fd-agent-id"; offline
 * colleagues are insensitive. Activating a row transfers to them; the
 * status line then follows the offer ("Waiting for …", "Transferred to …",
 * "… did not take the conversation; it is still yours."). */
GtkListBox   *fd_chat_window_get_transfer_list (FdChatWindow *self);
/* The header bar's Transfer button: shown while reserved, insensitive
 * while an offer is out. */
GtkWidget    *fd_chat_window_get_transfer_button (FdChatWindow *self);
/* The History tab: the contact's last conversations as the server sent
 * them (contact-history); rows carry the conversation id as a gint64*
 * under "fd-conversation-id", and activating one opens it read-only in
 * an FdConversationWindow. */
GtkListBox   *fd_chat_window_get_history_list (FdChatWindow *self);
/* The recent attachments' menu button (beside Add Attachment, which also
 * opens it on a right click). */
GtkWidget    *fd_chat_window_get_recent_button (FdChatWindow *self);
/* The recent attachments list: rows carry the path as "fd-payload". */
GtkListBox   *fd_chat_window_get_recent_list (FdChatWindow *self);
GtkEditable  *fd_chat_window_get_canned_search (FdChatWindow *self);
GtkEditable  *fd_chat_window_get_resource_search (FdChatWindow *self);
/* The emoji button at @index, NULL past the end. */
GtkWidget    *fd_chat_window_get_emoji_button (FdChatWindow *self,
                                               guint         index);
/* The visitor's detail labels: "name", "email", "phone", "department",
 * "browser", "ip", "page". NULL for an unknown name. */
const char   *fd_chat_window_get_detail       (FdChatWindow *self,
                                               const char   *name);

/* A message's text as Pango markup for its label: everything escaped, and
 * links only around http(s) URLs that GUri parsed (re-serialized). */
char         *fd_chat_window_text_to_markup   (const char   *text);

G_END_DECLS
