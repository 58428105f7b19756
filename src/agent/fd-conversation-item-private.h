#pragma once

/* What FdActivityModel changes in its rows. */

#include "fd-conversation-item.h"

G_BEGIN_DECLS

typedef struct {
  const char *activity;
  const char *icon_name;
  const char *from;
  const char *to;
  const char *duration;
  const char *status;
  const char *countdown;
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
