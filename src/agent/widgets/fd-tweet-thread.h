#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The Twitter window's thread: the conversation's messages in arrival
 * order (the customer's posts and DMs, the stream's replies, notes), one
 * FdTweetRow each, following the model's list; new messages scroll into
 * view. */

#define FD_TYPE_TWEET_THREAD (fd_tweet_thread_get_type ())
G_DECLARE_FINAL_TYPE (FdTweetThread, fd_tweet_thread, FD, TWEET_THREAD, FdConversationPart)

/* The rows' list box (its children are GtkListBoxRows of FdTweetRow). */
GtkListBox *fd_tweet_thread_get_rows (FdTweetThread *self);
/* The FdTweetRow at @index, NULL past the end. */
GtkWidget  *fd_tweet_thread_get_row  (FdTweetThread *self,
                                      guint          index);

G_END_DECLS
