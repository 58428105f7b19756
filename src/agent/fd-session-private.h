#pragma once

/* What FdConnection calls on its session (fd-connection.c,
 * fd-connection-sign-in.c); nothing else includes this. */

#include "fd-session.h"

G_BEGIN_DECLS

/* Made by the connection in its init; @connection is not referenced (it
 * owns the session). */
FdSession *_fd_session_new          (FdConnection         *connection);
/* The connection is being disposed: the session forgets it. */
void       _fd_session_detach       (FdSession            *self);
/* Applies an event frame to the models (queues first: the activity rows
 * name their queue). */
void       _fd_session_apply_event  (FdSession            *self,
                                     const FdFrame        *frame);
/* Emits the typed signal of an event already applied. */
void       _fd_session_emit_event   (FdSession            *self,
                                     const FdFrame        *frame);
/* The server said who is signed in (either may be NULL: unchanged). */
void       _fd_session_set_identity (FdSession            *self,
                                     const FdAgent        *agent,
                                     const FdOrganization *organization);
/* Nothing of the old session applies: the models are emptied, and with
 * @forget_agent (signed out) the Activity List forgets the agent too. */
void       _fd_session_reset        (FdSession            *self,
                                     gboolean              forget_agent);

G_END_DECLS
