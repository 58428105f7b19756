#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The History tab: the contact's last conversations as the server sent
 * them (the model's history); rows carry the conversation id as a gint64*
 * under "fd-conversation-id", and activating one opens it read-only in an
 * FdConversationWindow. */

#define FD_TYPE_HISTORY_TAB (fd_history_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdHistoryTab, fd_history_tab, FD, HISTORY_TAB, FdConversationPart)

G_END_DECLS
