#pragma once

#include <glib-object.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

#define FD_TYPE_CONVERSATION_ITEM (fd_conversation_item_get_type ())
G_DECLARE_FINAL_TYPE (FdConversationItem, fd_conversation_item, FD, CONVERSATION_ITEM, GObject)

/* One row of the Activity List: a conversation offered to or reserved by
 * the signed-in agent, with the display texts FdActivityModel computes for
 * it. Read-only for everyone but the model. */

gint64                fd_conversation_item_get_id             (FdConversationItem *self);
const FdConversation *fd_conversation_item_get_conversation   (FdConversationItem *self);
/* The current offer to this agent, NULL once reserved. */
const FdOffer        *fd_conversation_item_get_offer          (FdConversationItem *self);
gboolean              fd_conversation_item_get_reserved       (FdConversationItem *self);
gint                  fd_conversation_item_get_unread         (FdConversationItem *self);
/* 0 when the offer never bounces (callbacks) or the row is reserved. */
gint64                fd_conversation_item_get_bounce_at      (FdConversationItem *self);
/* When the customer's oldest unanswered message arrived; 0 = none. */
gint64                fd_conversation_item_get_last_unreplied_at (FdConversationItem *self);

/* Display texts of the columns. */
const char           *fd_conversation_item_get_activity       (FdConversationItem *self);
const char           *fd_conversation_item_get_icon_name      (FdConversationItem *self);
const char           *fd_conversation_item_get_from           (FdConversationItem *self);
const char           *fd_conversation_item_get_to             (FdConversationItem *self);
const char           *fd_conversation_item_get_duration       (FdConversationItem *self);
const char           *fd_conversation_item_get_status         (FdConversationItem *self);
/* The bounce countdown ("00:25"), "" when there is none. */
const char           *fd_conversation_item_get_countdown      (FdConversationItem *self);
/* Seconds until the offer bounces, -1 when it does not. */
gint                  fd_conversation_item_get_bounce_remaining (FdConversationItem *self);

G_END_DECLS
