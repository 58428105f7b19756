#pragma once

#include "fd-conversation-part.h"
#include "fd-recent-files.h"

G_BEGIN_DECLS

/* The Twitter window's compose area (docs/twitter.md, "The app's Twitter
 * window"): Public reply / Direct message (the model's "reply-direct";
 * public only when the customer posted), the text with the live count —
 * X's weighted length "N / 280" for a public reply, "N / 10000" characters
 * for a DM — in the error style and with Send off past the limit, Add
 * attachment with the recent attachments on a right click, and Send. */

#define FD_TWEET_DM_MAX_CHARS 10000

#define FD_TYPE_TWEET_COMPOSER (fd_tweet_composer_get_type ())
G_DECLARE_FINAL_TYPE (FdTweetComposer, fd_tweet_composer, FD, TWEET_COMPOSER, FdConversationPart)

/* Sends the text the way chosen; FALSE (nothing sent) when Send is off. */
gboolean     fd_tweet_composer_send            (FdTweetComposer *self);
void         fd_tweet_composer_insert          (FdTweetComposer *self,
                                                const char      *text);
char        *fd_tweet_composer_dup_selection   (FdTweetComposer *self);
void         fd_tweet_composer_restore_draft   (FdTweetComposer *self);
void         fd_tweet_composer_set_recent_files (FdTweetComposer *self,
                                                FdRecentFiles   *recent_files);
void         fd_tweet_composer_refresh_recent_files (FdTweetComposer *self);
/* Parts, for the window and tests. */
GtkTextView *fd_tweet_composer_get_view        (FdTweetComposer *self);
GtkWidget   *fd_tweet_composer_get_send_button (FdTweetComposer *self);
GtkLabel    *fd_tweet_composer_get_counter     (FdTweetComposer *self);
GtkWidget   *fd_tweet_composer_get_public_toggle (FdTweetComposer *self);
GtkWidget   *fd_tweet_composer_get_direct_toggle (FdTweetComposer *self);
GtkWidget   *fd_tweet_composer_get_attach_button (FdTweetComposer *self);
GtkWidget   *fd_tweet_composer_get_recent_button (FdTweetComposer *self);
GtkListBox  *fd_tweet_composer_get_recent_list (FdTweetComposer *self);
/* What the counter tells a screen reader: "X counts 291 of 280
 * characters" ("" when empty). */
const char  *fd_tweet_composer_get_count_description (FdTweetComposer *self);

G_END_DECLS
