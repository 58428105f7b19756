#pragma once

/* The Activity Log (docs/protocol.md, "list-conversation-log"): which
 * conversations an agent may see in the log, a page of them, and opening
 * one of them (get-conversation). */

#include "fd-center.h"
#include "fd-messages.h"

G_BEGIN_DECLS

/* A page of the log of @agent; open conversations' handle time runs to
 * @now (µs; the server passes the real time, tests their own). */
FdLogPage            *fd_center_list_conversation_log (FdCenter          *self,
                                                       const FdAgent     *agent,
                                                       const FdLogQuery  *query,
                                                       gint64             now,
                                                       GError           **error);
/* A conversation @agent may open: one of a queue they are a member of, one
 * they held at any time, or any of the organization's for an admin.
 * not-found for another organization's, forbidden for the rest. */
FdConversation       *fd_center_get_loggable          (FdCenter          *self,
                                                       const FdAgent     *agent,
                                                       gint64             conversation_id,
                                                       GError           **error);

G_END_DECLS
