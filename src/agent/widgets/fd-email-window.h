#pragma once

#include <adwaita.h>

#include "fd-connection.h"
#include "fd-conversation-model.h"
#include "fd-drafts.h"
#include "fd-email-composer.h"
#include "fd-email-thread.h"
#include "fd-recent-files.h"
#include "fd-reply-cache.h"

G_BEGIN_DECLS

#define FD_TYPE_EMAIL_WINDOW (fd_email_window_get_type ())
G_DECLARE_FINAL_TYPE (FdEmailWindow, fd_email_window, FD, EMAIL_WINDOW, AdwWindow)

/* The agent's Email window (docs/app.md, "The Email window"), the guide's
 * "Managing Email": the toolbar icons (Transfer, Add attachment, Add CRM
 * log entry, Send Message), the reply area at the top, the thread below it
 * newest first with the customer's original at the bottom, the customer's
 * details, and the side tabs (canned replies, resources, reply cache,
 * history). Everything goes through @connection; customer text is never
 * markup. Closing the window only hides it. */

FdEmailWindow       *fd_email_window_new          (GtkWindow     *parent,
                                                   FdConnection  *connection,
                                                   gint64         conversation_id);
gint64               fd_email_window_get_id       (FdEmailWindow *self);
FdConversationModel *fd_email_window_get_model    (FdEmailWindow *self);
/* The agent's local stores, each optional (as fd_chat_window_set_stores). */
void                 fd_email_window_set_stores   (FdEmailWindow *self,
                                                   FdDrafts      *drafts,
                                                   FdReplyCache  *reply_cache,
                                                   FdRecentFiles *recent_files);
/* What Add attachment, a drop and a recent file do. */
void                 fd_email_window_attach_file  (FdEmailWindow *self,
                                                   GFile         *file);
void                 fd_email_window_refresh_recent_files (FdEmailWindow *self);
/* What Send Message and Ctrl+Enter do; FALSE when refused (the reason is
 * in the reply area). */
gboolean             fd_email_window_send         (FdEmailWindow *self);
const char          *fd_email_window_get_status   (FdEmailWindow *self);

/* The parts, for tests and accessibility checks. */
FdEmailComposer     *fd_email_window_get_composer (FdEmailWindow *self);
FdEmailThread       *fd_email_window_get_thread   (FdEmailWindow *self);
GtkWidget           *fd_email_window_get_toolbar  (FdEmailWindow *self);
GtkListBox          *fd_email_window_get_canned_list (FdEmailWindow *self);
GtkEditable         *fd_email_window_get_canned_search (FdEmailWindow *self);
GtkListBox          *fd_email_window_get_reply_cache_list (FdEmailWindow *self);
GtkListBox          *fd_email_window_get_history_list (FdEmailWindow *self);
GtkListBox          *fd_email_window_get_transfer_list (FdEmailWindow *self);
GtkListBox          *fd_email_window_get_recent_list (FdEmailWindow *self);
GtkWidget           *fd_email_window_get_recent_button (FdEmailWindow *self);

G_END_DECLS
