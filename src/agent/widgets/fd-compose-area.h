#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The compose area: the message box (Enter or the Send button sends,
 * Shift+Enter breaks the line), kept as the draft as the agent types;
 * Add Attachment… (a file chooser; a right click or the button beside it
 * shows the recent attachments). */

#define FD_TYPE_COMPOSE_AREA (fd_compose_area_get_type ())
G_DECLARE_FINAL_TYPE (FdComposeArea, fd_compose_area, FD, COMPOSE_AREA, FdConversationPart)

/* Puts the kept draft back when the box is empty (no typing notice). */
void         fd_compose_area_restore_draft    (FdComposeArea       *self);
/* Sends the box's text and empties it (nothing when blank or not
 * reserved). */
void         fd_compose_area_send             (FdComposeArea       *self);
/* Inserts @text at the cursor and focuses the box. */
void         fd_compose_area_insert           (FdComposeArea       *self,
                                               const char          *text);
/* The selected text of the box, NULL without a selection. */
char        *fd_compose_area_dup_selection    (FdComposeArea       *self);
void         fd_compose_area_set_extra_menu   (FdComposeArea       *self,
                                               GMenuModel          *menu);
void         fd_compose_area_set_recent_files (FdComposeArea       *self,
                                               FdRecentFiles       *recent_files);
void         fd_compose_area_refresh_recent_files (FdComposeArea   *self);
GtkTextView *fd_compose_area_get_view         (FdComposeArea       *self);
GtkWidget   *fd_compose_area_get_recent_button (FdComposeArea      *self);
GtkListBox  *fd_compose_area_get_recent_list  (FdComposeArea       *self);

G_END_DECLS
