#pragma once

#include <adwaita.h>

#include "fd-connection.h"
#include "fd-conversation-model.h"
#include "fd-drafts.h"
#include "fd-recent-files.h"
#include "fd-reply-cache.h"
#include "fd-tweet-composer.h"
#include "fd-tweet-thread.h"

G_BEGIN_DECLS

#define FD_TYPE_TWITTER_WINDOW (fd_twitter_window_get_type ())
G_DECLARE_FINAL_TYPE (FdTwitterWindow, fd_twitter_window, FD, TWITTER_WINDOW, AdwWindow)

/* The agent's Twitter window (docs/twitter.md, "The app's Twitter
 * window"), the guide's "Managing Twitter": the thread of the customer's
 * posts and direct messages and the stream's replies, the compose area
 * (public reply or direct message, the live count), the Direct Message
 * request icon in the header (gone once sent), Transfer, attachments with
 * the recent ones on a right click, the customer's details and the side
 * tabs (canned replies, resources, reply cache, emoji, history). An
 * arrangement of the conversation windows' parts over one
 * FdConversationModel; closing it only hides it. */

FdTwitterWindow     *fd_twitter_window_new            (GtkWindow       *parent,
                                                       FdConnection    *connection,
                                                       gint64           conversation_id);
void                 fd_twitter_window_set_stores     (FdTwitterWindow *self,
                                                       FdDrafts        *drafts,
                                                       FdReplyCache    *reply_cache,
                                                       FdRecentFiles   *recent_files);
gint64               fd_twitter_window_get_id         (FdTwitterWindow *self);
FdConversationModel *fd_twitter_window_get_model      (FdTwitterWindow *self);
FdTweetComposer     *fd_twitter_window_get_composer   (FdTwitterWindow *self);
FdTweetThread       *fd_twitter_window_get_thread     (FdTwitterWindow *self);
/* The header's Direct Message request button (shown only while the
 * request can be sent). */
GtkWidget           *fd_twitter_window_get_dm_request_button (FdTwitterWindow *self);
const char          *fd_twitter_window_get_status     (FdTwitterWindow *self);
/* Attaches @file (uploaded and sent the way the reply goes). */
void                 fd_twitter_window_attach_file    (FdTwitterWindow *self,
                                                       GFile           *file);
/* A detail of the contact pane (fd_contact_pane_get_detail()). */
const char          *fd_twitter_window_get_contact_detail (FdTwitterWindow *self,
                                                       const char      *name);
GtkListBox          *fd_twitter_window_get_canned_list (FdTwitterWindow *self);
GtkEditable         *fd_twitter_window_get_canned_search (FdTwitterWindow *self);
GtkListBox          *fd_twitter_window_get_transfer_list (FdTwitterWindow *self);

G_END_DECLS
