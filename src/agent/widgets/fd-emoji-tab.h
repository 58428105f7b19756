#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The Emoji tab: 18 common emoji buttons with the names screen readers
 * say. A click emits "insert" (the window puts it into the compose box),
 * a right click sends it at once. */

#define FD_TYPE_EMOJI_TAB (fd_emoji_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdEmojiTab, fd_emoji_tab, FD, EMOJI_TAB, FdConversationPart)

/* The button at @index, NULL past the end. */
GtkWidget *fd_emoji_tab_get_button (FdEmojiTab          *self,
                                    guint                index);

G_END_DECLS
