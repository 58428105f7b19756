#pragma once

/* What FdActivityModel changes in its rows. */

#include "fd-conversation-item.h"

G_BEGIN_DECLS

/* The texts of a row, in the order of their properties. */
typedef enum {
  FD_ITEM_TEXT_ACTIVITY,
  FD_ITEM_TEXT_ICON_NAME,
  FD_ITEM_TEXT_FROM,
  FD_ITEM_TEXT_TO,
  FD_ITEM_TEXT_DURATION,
  FD_ITEM_TEXT_STATUS,
  FD_ITEM_TEXT_COUNTDOWN,
  FD_ITEM_N_TEXTS
} FdItemText;

typedef struct {
  const char *text[FD_ITEM_N_TEXTS];   /* NULL reads as "" */
  gint        bounce_remaining;
} FdConversationItemTexts;

/* Computes the texts of @item as of @now (calls
 * _fd_conversation_item_set_texts() with notify FALSE). */
typedef void (*FdItemFormatFunc) (gpointer            owner,
                                  FdConversationItem *item,
                                  gint64              now);

FdActivityClock    *_fd_activity_clock_new               (FdItemFormatFunc      format,
                                                          gpointer              owner);
/* The owner is gone: rows keep the texts they have. */
void                _fd_activity_clock_detach            (FdActivityClock      *self);
/* Moves the clock; @notify: tell the bound rows ("notify::now"). */
void                _fd_activity_clock_set_now           (FdActivityClock      *self,
                                                          gint64                now,
                                                          gboolean              notify);
/* What the texts read changed (names, settings): every row computes again
 * when read. */
void                _fd_activity_clock_invalidate        (FdActivityClock      *self);

/* Takes a reference on @clock (NULL: texts only change when set). */
FdConversationItem *_fd_conversation_item_new            (const FdConversation *conversation,
                                                          FdActivityClock      *clock);
/* TRUE once the texts were computed (read, or set on an event). */
gboolean            _fd_conversation_item_has_texts      (FdConversationItem   *self);
/* Takes ownership of @conversation; keeps the old contact when the new
 * copy has none loaded. */
void                _fd_conversation_item_set_conversation (FdConversationItem *self,
                                                          FdConversation     *conversation);
/* Takes ownership of @offer (NULL = no offer). */
void                _fd_conversation_item_set_offer      (FdConversationItem *self,
                                                          FdOffer            *offer);
void                _fd_conversation_item_set_reserved   (FdConversationItem *self,
                                                          gboolean            reserved);
/* A customer message arrived (@incoming) or an agent answered. */
void                _fd_conversation_item_add_message    (FdConversationItem *self,
                                                          const FdMessage    *message);
/* Sets the texts, current as of the clock's now; @notify: notify the
 * properties that changed (FALSE while a getter computes them). */
void                _fd_conversation_item_set_texts      (FdConversationItem *self,
                                                          const FdConversationItemTexts *texts,
                                                          gboolean            notify);

G_END_DECLS
