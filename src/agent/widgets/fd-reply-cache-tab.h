#pragma once

#include "fd-conversation-part.h"
#include "fd-reply-cache.h"

G_BEGIN_DECLS

/* The Reply Cache tab: the agent's cached replies (newest first, one
 * ellipsized line, the whole text as tooltip); activating one sends it. */

#define FD_TYPE_REPLY_CACHE_TAB (fd_reply_cache_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdReplyCacheTab, fd_reply_cache_tab, FD, REPLY_CACHE_TAB, FdConversationPart)

/* The cache to show (may be NULL: an empty tab). */
void        fd_reply_cache_tab_set_cache (FdReplyCacheTab     *self,
                                          FdReplyCache        *cache);

G_END_DECLS
