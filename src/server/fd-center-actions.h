#pragma once

/* What agents and visitors can do in the live center: each call checks who
 * may do it, changes the store in one transaction, logs the events and
 * pushes them after the commit. Errors are FD_CENTER_ERROR with a wire code
 * (or a store error); fd_api_wire_error_for() (src/server/api) maps any of
 * them to the wire. */

#include "fd-center.h"
#include "fd-error.h"
#include "fd-messages.h"
#include "fd-store.h"
#include "fd-types.h"

G_BEGIN_DECLS

/* Tells the center which organization an agent belongs to (at sign-in and
 * when a socket or an upload names the agent). */
void            fd_center_note_agent            (FdCenter               *self,
                                                 const FdAgent          *agent);
/* Whether an agent may see an event of (@event_queue_id, @event_agent_id):
 * one that names it, or a queue it is a member of, or neither. */
gboolean        fd_center_agent_may_see         (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  agent_id,
                                                 gint64                  event_queue_id,
                                                 gint64                  event_agent_id);
/* The text of an event frame as the log stores it: a live push and its
 * replay are the same bytes. */
char           *fd_center_event_text            (const char             *type,
                                                 gint64                  seq,
                                                 const char             *payload_json);
/* How many members are joined to a queue right now. */
guint           fd_center_count_joined          (FdCenter               *self,
                                                 gint64                  queue_id);

/* --- Agents ------------------------------------------------------------------ */

FdQueueState   *fd_center_join                  (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  queue_id,
                                                 gboolean                join,
                                                 GError                **error);
FdAgent        *fd_center_set_acd               (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdSetAcd         *change,
                                                 GError                **error);
FdConversation *fd_center_reserve               (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
gboolean        fd_center_reject                (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
FdMessage      *fd_center_send_agent_message    (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdSendMessage    *request,
                                                 GError                **error);
gboolean        fd_center_agent_typing          (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdTyping         *typing,
                                                 GError                **error);
gboolean        fd_center_mark_read             (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdMarkRead       *mark,
                                                 GError                **error);
gboolean        fd_center_transfer              (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdTransfer       *transfer,
                                                 GError                **error);
/* The colleagues a conversation this agent holds can be transferred to:
 * the other members joined to its queue, online and available first. */
FdColleagues   *fd_center_list_colleagues       (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
FdConversation *fd_center_close                 (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
FdMessage      *fd_center_callback_attempt      (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdCallbackAttempt *attempt,
                                                 GError                **error);
/* A conversation the agent may see: of its organization, in a queue it is a
 * member of. */
FdConversation *fd_center_get_visible           (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
/* A conversation the agent holds: reserved by it right now (forbidden when
 * another agent holds it, invalid-state when nobody does). */
FdConversation *fd_center_get_held              (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
FdConversationDetail *fd_center_get_detail      (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  conversation_id,
                                                 GError                **error);
FdConversations *fd_center_contact_history      (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                  contact_id,
                                                 GError                **error);
FdStatsReport  *fd_center_stats                 (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 GError                **error);
/* The last hour of the agent's queues' statistics (docs/statistics.md). */
FdStatsHistory *fd_center_stats_history         (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 GError                **error);
/* Supervisors and admins: every agent's state now; FORBIDDEN otherwise. */
FdAgentStates  *fd_center_list_agent_states     (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 GError                **error);
FdCannedReplies *fd_center_list_canned_replies  (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdSearch         *search,
                                                 GError                **error);
FdResources    *fd_center_list_resources        (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 const FdSearch         *search,
                                                 GError                **error);
FdSnapshot     *fd_center_snapshot              (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 GError                **error);
/* The encoded `snapshot` events (seq @seq) that carry @snapshot: one frame
 * when it fits, else pages of at most @page_items conversations (clamped to
 * 1..FD_LIMIT_ARRAY), each frame within FD_LIMIT_SERVER_FRAME_SIZE, each
 * offer on the page of its conversation, `more` on every page but the last
 * (docs/protocol.md, "snapshot"). At most FD_LIMIT_SNAPSHOT_PAGES pages. */
GPtrArray      *fd_center_snapshot_frames       (const FdSnapshot       *snapshot,
                                                 gint64                  seq,
                                                 guint                   page_items);
/* Makes sure the organization's event log has a seq > 0 (a snapshot event
 * needs one) and returns the current seq. */
gboolean        fd_center_current_seq           (FdCenter               *self,
                                                 const FdAgent          *agent,
                                                 gint64                 *out_seq,
                                                 GError                **error);

/* --- Visitors ---------------------------------------------------------------- */

/* Stores @conv (filled by the visitor API, stream and contact set) and routes
 * it; returns it as stored after routing (it may already be missed). */
FdConversation *fd_center_start_conversation    (FdCenter               *self,
                                                 FdConversation         *conv,
                                                 GError                **error);
FdMessage      *fd_center_send_visitor_message  (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  conversation_id,
                                                 const FdVisitorSend    *send,
                                                 gboolean               *out_duplicate,
                                                 GError                **error);
gboolean        fd_center_visitor_typing        (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  conversation_id,
                                                 gboolean                typing,
                                                 GError                **error);
gboolean        fd_center_visitor_close         (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  conversation_id,
                                                 const FdRating         *rating,
                                                 GError                **error);
gboolean        fd_center_visitor_rate          (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  conversation_id,
                                                 const FdRating         *rating,
                                                 GError                **error);
FdVisitorWelcome *fd_center_visitor_welcome     (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  conversation_id,
                                                 gint64                  last_message_id,
                                                 GError                **error);

G_END_DECLS
