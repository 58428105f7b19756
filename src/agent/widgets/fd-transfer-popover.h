#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* The Transfer popover: the colleagues joined to the conversation's
 * stream queue (name and Available / Unavailable / Wrap-up / Offline),
 * offline ones insensitive. Rows carry the agent id as a gint64* under
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

G_END_DECLS
