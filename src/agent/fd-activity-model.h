#pragma once

#include "fd-array-model.h"
#include "fd-conversation-item.h"
#include "fd-format.h"
#include "fd-queue-model.h"

G_BEGIN_DECLS

#define FD_TYPE_ACTIVITY_MODEL (fd_activity_model_get_type ())
G_DECLARE_FINAL_TYPE (FdActivityModel, fd_activity_model, FD, ACTIVITY_MODEL, FdArrayModel)

/* The Activity List: a GListModel of FdConversationItem holding every
 * conversation offered to or reserved by the signed-in agent, fed by the
 * agent socket's events (offer, withdraw, conversation, message, snapshot).
 * Rows compute their display texts when read, with the model's clock; call
 * fd_activity_model_refresh() once a second for live durations: it moves
 * the rows' one shared clock (fd_activity_model_get_clock()), which the
 * cells on screen watch, and walks no row. */

/* @queues (may be NULL) gives the queue names of the "To" column. */
FdActivityModel    *fd_activity_model_new          (FdQueueModel    *queues);
/* NULL @clock restores g_get_real_time(). */
void                fd_activity_model_set_clock    (FdActivityModel *self,
                                                    FdClockFunc      clock,
                                                    gpointer         user_data,
                                                    GDestroyNotify   destroy);
void                fd_activity_model_set_agent_id (FdActivityModel *self,
                                                    gint64           agent_id);
gint64              fd_activity_model_get_agent_id (FdActivityModel *self);
void                fd_activity_model_set_organization_name (FdActivityModel *self,
                                                    const char      *name);
/* The protocol does not name media streams in conversations; whoever
 * knows a stream's name tells the model here. */
void                fd_activity_model_set_stream_name (FdActivityModel *self,
                                                    gint64           stream_id,
                                                    const char      *name);
/* Whether Duration shows the customer's unanswered wait in brackets
 * (Settings > Agent > Conversations). Default TRUE. */
void                fd_activity_model_set_show_unreplied (FdActivityModel *self,
                                                    gboolean         show);
gboolean            fd_activity_model_get_show_unreplied (FdActivityModel *self);

/* Applies one server event; returns TRUE when it changed the model's
 * knowledge (frames of other types are ignored). */
gboolean            fd_activity_model_apply_frame  (FdActivityModel *self,
                                                    const FdFrame   *frame);
/* Moves the shared clock to the clock's time and notifies its "now" once;
 * rows read afterwards show their texts as of that time. */
void                fd_activity_model_refresh      (FdActivityModel *self);
FdActivityClock    *fd_activity_model_get_clock    (FdActivityModel *self);
/* The row of @conversation_id (borrowed), NULL when absent. */
FdConversationItem *fd_activity_model_lookup       (FdActivityModel *self,
                                                    gint64           conversation_id);
/* How many rows other than callbacks the agent has reserved (quitting and
 * signing out are refused while > 0; a reserved callback waits across
 * sessions). */
guint               fd_activity_model_count_reserved (FdActivityModel *self);
void                fd_activity_model_clear        (FdActivityModel *self);

G_END_DECLS
