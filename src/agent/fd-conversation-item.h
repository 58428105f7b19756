#pragma once

#include <glib-object.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

#define FD_TYPE_CONVERSATION_ITEM (fd_conversation_item_get_type ())
G_DECLARE_FINAL_TYPE (FdConversationItem, fd_conversation_item, FD, CONVERSATION_ITEM, GObject)

/* The one clock the rows of an FdActivityModel share: "now" (µs, the
 * model's clock) moves once a second (fd_activity_model_refresh()). The
 * Activity List's time cells watch it through the row's "clock", so a tick
 * costs one notification read by the bound rows only; a row's texts are
 * computed when read, never for rows nobody shows (docs/app.md, "Display
 * formats"). */
#define FD_TYPE_ACTIVITY_CLOCK (fd_activity_clock_get_type ())
G_DECLARE_FINAL_TYPE (FdActivityClock, fd_activity_clock, FD, ACTIVITY_CLOCK, GObject)

gint64                fd_activity_clock_get_now               (FdActivityClock    *self);

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

/* The shared clock of the model's rows (NULL for a row without a model). */
FdActivityClock      *fd_conversation_item_get_clock          (FdConversationItem *self);

/* Display texts of the columns, computed when read (as of the clock's
 * "now"). */
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
