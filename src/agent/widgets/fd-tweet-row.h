#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* One message of a Twitter conversation in the Twitter window's thread
 * (docs/twitter.md, "The app's Twitter window"): marked public post or
 * direct message (an icon with its accessible label), the author's name
 * and @handle, the time, the text (plain, links escaped), "View on X" for
 * a post with an x.com URL, and for the agent's replies the send and
 * delivery state with Retry. A system note is one dim line. */

#define FD_TYPE_TWEET_ROW (fd_tweet_row_get_type ())
G_DECLARE_FINAL_TYPE (FdTweetRow, fd_tweet_row, FD, TWEET_ROW, GtkBox)

FdTweetRow    *fd_tweet_row_new           (FdConversationModel *model,
                                           FdMessageItem       *item);
FdMessageItem *fd_tweet_row_get_item      (FdTweetRow          *self);
/* What the row shows, for tests: the kind ("Public post", "Direct
 * message"), the author line, the state line ("" when none), whether
 * "View on X" and Retry are shown. */
const char    *fd_tweet_row_get_kind_text (FdTweetRow          *self);
const char    *fd_tweet_row_get_author_text (FdTweetRow        *self);
const char    *fd_tweet_row_get_state_text (FdTweetRow         *self);
/* The files sent with it, one "📎 name" a line ("" for none). */
const char    *fd_tweet_row_get_attachments_text (FdTweetRow   *self);
GtkWidget     *fd_tweet_row_get_link_button (FdTweetRow        *self);
GtkWidget     *fd_tweet_row_get_retry_button (FdTweetRow       *self);
/* The x.com page of a post when @url is one (https, host x.com or
 * twitter.com, no user info); NULL otherwise: nothing else is opened. */
const char    *fd_tweet_row_check_url     (const char          *url);

G_END_DECLS
