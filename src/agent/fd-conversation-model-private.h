#pragma once

#include "fd-conversation-model.h"
#include "fd-session.h"

G_BEGIN_DECLS

/* Shared by fd-conversation-model.c (state, transcript, events, object),
 * fd-conversation-model-sending.c (sends and their states, retry),
 * fd-conversation-model-actions.c (typing, drafts, attachments,
 * transfer, getters) and fd-conversation-model-twitter.c. */

struct _FdConversationModel
{
  GObject         parent_instance;

  FdConnection   *connection;
  FdSession      *session;     /* the connection's: its typed signals */
  gint64          id;
  GCancellable   *cancellable;     /* every request of the model; cancelled in dispose */
  FdConversation *conversation;
  gboolean        loaded;
  gboolean        viewing;
  char           *status;
  char           *typing_text;
  guint           unread;

  GListStore     *messages;        /* FdMessageItem */
  GHashTable     *seen_ids;        /* gint64* id → FdMessageItem* (borrowed) */
  GHashTable     *pending;         /* client_id → FdMessageItem* (owned ref), SENDING or FAILED */

  FdDrafts       *drafts;
  FdRecentFiles  *recent_files;

  guint           typing_throttle_ms;
  guint           typing_idle_ms;
  guint           typing_idle_source;
  gint64          typing_sent_at;
  gboolean        typing_sent;

  /* The last transfer this agent asked for: to whom, and what came of it. */
  gint64          transfer_agent_id;
  char           *transfer_name;
  gboolean        transfer_returned;

  GPtrArray      *history;         /* FdConversation*, as the server sent them */
  gint64          history_contact_id;

  /* Twitter: whether a customer's public post is in the transcript (a
   * public reply needs one), the agent's choice of a public reply or a
   * direct message (chosen: the agent set it; else it follows the
   * posts), and the Direct Message request (acknowledged, or in flight). */
  gboolean        has_customer_post;
  gboolean        reply_direct;
  gboolean        reply_direct_chosen;
  gboolean        dm_request_acked;
  gboolean        dm_request_pending;
};

gboolean _fd_conversation_model_is_reserved         (FdConversationModel *self);
gboolean _fd_conversation_model_is_closed           (FdConversationModel *self);
gboolean _fd_conversation_model_is_transferred_here (FdConversationModel *self);
/* Recomputes the status from the state and tells the views. */
void     _fd_conversation_model_update_state        (FdConversationModel *self);
/* Marks the conversation read while viewed and held by this agent. */
void     _fd_conversation_model_mark_read           (FdConversationModel *self);
void     _fd_conversation_model_emit_changed        (FdConversationModel *self);
/* Shows the agent's message at once as SENDING and sends it. */
void     _fd_conversation_model_send_message        (FdConversationModel *self,
                                                     const char          *text,
                                                     GPtrArray           *attachments);
/* Twitter: a message of the transcript was added (a customer's post makes
 * a public reply possible). */
void     _fd_conversation_model_tweet_added         (FdConversationModel *self,
                                                     const FdMessage     *message);
/* Twitter: the conversation changed (dm_requested). */
void     _fd_conversation_model_notify_twitter      (FdConversationModel *self,
                                                     gboolean             was_dm_requested);
/* Adds a message the server sent (an ack's, an event's). */
void     _fd_conversation_model_add_message         (FdConversationModel *self,
                                                     const FdMessage     *message);
/* Who wrote @message, as the transcript says it. */
const char *_fd_conversation_model_author_of        (FdConversationModel *self,
                                                     const FdMessage     *message);
/* A pending message the server now has: SENT, remembered by its id. */
void     _fd_conversation_model_confirm_pending     (FdConversationModel *self,
                                                     FdMessageItem       *item,
                                                     const FdMessage     *stored);

G_END_DECLS
