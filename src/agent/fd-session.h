#pragma once

#include <gio/gio.h>

#include "fd-activity-model.h"
#include "fd-call-state.h"
#include "fd-connection.h"
#include "fd-conversation-model.h"
#include "fd-queue-model.h"

G_BEGIN_DECLS

/* What the connection's events mean (docs/app.md, "Connection and
 * session"): the session owns the models of the signed-in agent — the
 * Activity List, the Queues, the phone call, the open conversations —
 * applies every event to them and then tells its listeners in typed
 * signals. Each connection has one session, made with it
 * (fd_connection_get_session()); no GTK here. */

#define FD_TYPE_SESSION (fd_session_get_type ())
G_DECLARE_FINAL_TYPE (FdSession, fd_session, FD, SESSION, GObject)

/* The transport (borrowed), NULL once it was disposed. */
FdConnection        *fd_session_get_connection          (FdSession *self);
FdActivityModel     *fd_session_get_activity_model      (FdSession *self);
FdQueueModel        *fd_session_get_queue_model         (FdSession *self);
/* The phone call this agent has going, as far as the app knows. */
FdCallState         *fd_session_get_call_state          (FdSession *self);
/* The model of conversation @conversation_id (a new reference): the one
 * already open, so that every window of a conversation shares it, or a
 * new one that loads the conversation. The session does not keep it
 * alive. NULL once the connection is gone. */
FdConversationModel *fd_session_get_conversation_model  (FdSession *self,
                                                         gint64     conversation_id);
/* The open model of @conversation_id (borrowed), NULL when none is. */
FdConversationModel *fd_session_lookup_conversation_model (FdSession *self,
                                                           gint64     conversation_id);

/* Signals, each emitted after the models applied the event; the body is
 * borrowed for the emission:
 *   "snapshot"             (const FdSnapshot *)    everything, after a (re)connect without resume
 *   "offer"                (const FdOfferEvent *)  a conversation is offered to this agent
 *   "withdraw"             (const FdWithdraw *)    an offer is gone
 *   "conversation-changed" (const FdConversation *) state, holder, transfer, details
 *   "message"              (const FdMessage *)     a message in a conversation this agent sees
 *   "delivery"             (const FdDelivery *)    where an agent's email reply is (queued, sent, failed)
 *   "typing"               (const FdTyping *)      the visitor types or stopped
 *   "agent-state"          (const FdAgent *)       an agent's ACD state (this one's or a colleague's)
 *   "queue-state"          (const FdQueueState *)  a queue's members and whether this agent joined
 *   "stats"                (const FdStatsReport *) the statistics report
 *   "supervised-agent-state" (const FdAgentState *) supervisors: one row of the agents table
 *   "stream-health"        (const FdStreamHealthInfo *) supervisors: a media stream needs attention, or is ok again */

G_END_DECLS
