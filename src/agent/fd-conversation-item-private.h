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

FdConversationItem *_fd_conversation_item_new            (const FdConversation *conversation);
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
void                _fd_conversation_item_set_texts      (FdConversationItem *self,
                                                          const FdConversationItemTexts *texts);

G_END_DECLS
