#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* The Transfer popover: the members of the conversation's stream queue
 * (name and Available / Unavailable / Wrap-up / Offline, "Not joined · "
 * before it for those not joined), joined ones first; offline and not
 * joined ones insensitive, and "No colleague is joined to this stream"
 * above the list when nobody can take it. Rows carry the agent id as a gint64* under
 * "fd-agent-id" and the name as "fd-payload"; activating one asks the
 * model to transfer. */

#define FD_TYPE_TRANSFER_POPOVER (fd_transfer_popover_get_type ())
G_DECLARE_FINAL_TYPE (FdTransferPopover, fd_transfer_popover, FD, TRANSFER_POPOVER, GtkPopover)

void        fd_transfer_popover_set_model (FdTransferPopover   *self,
                                           FdConversationModel *model);
/* Asks the server who the colleagues are; the popover opens with the
 * answer (while the conversation is still this agent's, with no offer
 * out). */
void        fd_transfer_popover_load      (FdTransferPopover   *self);
GtkListBox *fd_transfer_popover_get_list  (FdTransferPopover   *self);
/* The sentence saying why nobody can be chosen, NULL when it is hidden. */
const char *fd_transfer_popover_get_reason (FdTransferPopover  *self);

G_END_DECLS
