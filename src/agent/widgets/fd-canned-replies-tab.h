#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The Canned Replies tab (docs/app.md, "The Web Chat window"): a search
 * entry and the replies the server finds for the conversation; activating
 * a row sends its text. */

#define FD_TYPE_CANNED_REPLIES_TAB (fd_canned_replies_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdCannedRepliesTab, fd_canned_replies_tab, FD, CANNED_REPLIES_TAB, FdConversationPart)

G_END_DECLS
