#pragma once

#include <glib-object.h>

#include "fd-protocol.h"

G_BEGIN_DECLS

/* One message of a conversation's transcript as the app shows it
 * (docs/app.md, "The conversation model"): the stored message, or the
 * agent's own message while the server has not confirmed it, with its
 * send state. Items live in FdConversationModel's message list; only the
 * model changes them. */

typedef enum {
  FD_SEND_STATE_SENT,     /* stored by the server (every received message) */
  FD_SEND_STATE_SENDING,  /* the agent's own, waiting for the ack or echo */
  FD_SEND_STATE_FAILED,   /* refused or failed; see the error; can be retried */
} FdSendState;

#define FD_TYPE_MESSAGE_ITEM (fd_message_item_get_type ())
G_DECLARE_FINAL_TYPE (FdMessageItem, fd_message_item, FD, MESSAGE_ITEM, GObject)

/* A copy of @message; @author is the name to show (the model picks it). */
FdMessageItem      *fd_message_item_new            (const FdMessage *message,
                                                    const char      *author,
                                                    FdSendState      state);
/* The server's id, 0 while not stored. */
gint64              fd_message_item_get_id         (FdMessageItem   *self);
FdDirection         fd_message_item_get_direction  (FdMessageItem   *self);
const char         *fd_message_item_get_author     (FdMessageItem   *self);
/* Plain text, never markup; "" for a file sent without words. */
const char         *fd_message_item_get_text       (FdMessageItem   *self);
/* Microseconds since the epoch (UTC). */
gint64              fd_message_item_get_created_at (FdMessageItem   *self);
const char         *fd_message_item_get_client_id  (FdMessageItem   *self);
/* FdAttachment*, possibly empty, never NULL. */
GPtrArray          *fd_message_item_get_attachments (FdMessageItem  *self);
FdSendState         fd_message_item_get_send_state (FdMessageItem   *self);
/* Why a FAILED message was not sent (a sentence), NULL otherwise. */
const char         *fd_message_item_get_error      (FdMessageItem   *self);

/* For FdConversationModel: the send state and its reason, and the stored
 * message's id and time once the server has it. */
void                fd_message_item_set_send_state (FdMessageItem   *self,
                                                    FdSendState      state,
                                                    const char      *error);
void                fd_message_item_set_stored     (FdMessageItem   *self,
                                                    gint64           id,
                                                    gint64           created_at);

G_END_DECLS
