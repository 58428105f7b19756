#pragma once

/* What agents and visitors can do in the live center: each call checks who
 * may do it, changes the store in one transaction, logs the events and
 * pushes them after the commit. Errors are FD_CENTER_ERROR with a wire code
 * (or a store error); fd_center_wire_error_for() maps any of them. */

#include "fd-center-private.h"
#include "fd-frame.h"

G_BEGIN_DECLS

/* Helpers for the sibling files (inside a transaction). */
FdMessage      *fd_center_add_message           (FdCenter               *self,
                                                 const FdMessage        *msg,
                                                 gint64                  queue_id,
                                                 gboolean               *out_duplicate,
                                                 GError                **error);
/* Queues @frame (taken) for the visitor sockets of the conversation. */
void            fd_center_push_visitor_frame    (FdCenter               *self,
                                                 gint64                  conversation_id,
                                                 FdFrame                *frame);
gboolean        fd_center_store_acd             (FdCenter               *self,
                                                 gint64                  organization_id,
                                                 gint64                  agent_id,
                                                 FdAcdState              state,
                                                 const char             *reason,
                                                 gint64                  now,
                                                 FdAgent               **out_agent,
                                                 GError                **error);
/* Tells the center which organization an agent belongs to. */
void            fd_center_note_agent            (FdCenter               *self,
                                                 const FdAgent          *agent);

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
