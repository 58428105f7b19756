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

/* Where an agent's email reply is in the server's outbox (docs/protocol.md,
 * "delivery"); NONE for every other message. */
typedef enum {
  FD_DELIVERY_STATUS_NONE,
  FD_DELIVERY_STATUS_QUEUED,
  FD_DELIVERY_STATUS_SENT,
  FD_DELIVERY_STATUS_FAILED,
} FdDeliveryStatus;

#define FD_TYPE_DELIVERY_STATUS (fd_delivery_status_get_type ())
GType fd_delivery_status_get_type (void);

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

/* Email (properties of the same names, notified on change): the mail's
 * sender as one mailbox ("Name <address>", or the address; "" when not an
 * email), To and Cc (mailboxes; NULL when none), the subject line ("" when
 * none) and its Date (µs, 0 when unknown). */
const char         *fd_message_item_get_mail_from  (FdMessageItem   *self);
const char * const *fd_message_item_get_mail_to    (FdMessageItem   *self);
const char * const *fd_message_item_get_mail_cc    (FdMessageItem   *self);
const char         *fd_message_item_get_subject    (FdMessageItem   *self);
gint64              fd_message_item_get_mail_date  (FdMessageItem   *self);
/* TRUE when the message is a mail (has any of the above). */
gboolean            fd_message_item_get_is_mail    (FdMessageItem   *self);
/* An agent's email reply: where it is in the outbox ("delivery-state"),
 * the mail server's answer when it FAILED ("delivery-reason", "" else)
 * and the tries so far ("delivery-attempts"). */
FdDeliveryStatus    fd_message_item_get_delivery_state    (FdMessageItem *self);
const char         *fd_message_item_get_delivery_reason   (FdMessageItem *self);
gint                fd_message_item_get_delivery_attempts (FdMessageItem *self);

/* Twitter (docs/twitter.md, "The app's Twitter window"): the message is a
 * post or a direct message of X ("is-tweet"); "tweet-direct" for a direct
 * message; X's id of it ("tweet-id", "" until X accepted an agent's reply);
 * the author's handle without "@" ("tweet-author-handle", "" when
 * unknown); the post it answers ("tweet-in-reply-to", "") and its page on
 * x.com ("tweet-url", "" for DMs and replies not posted yet). */
gboolean            fd_message_item_get_is_tweet   (FdMessageItem   *self);
gboolean            fd_message_item_get_tweet_direct (FdMessageItem *self);
const char         *fd_message_item_get_tweet_id   (FdMessageItem   *self);
const char         *fd_message_item_get_tweet_author_handle (FdMessageItem *self);
const char         *fd_message_item_get_tweet_in_reply_to (FdMessageItem *self);
const char         *fd_message_item_get_tweet_url  (FdMessageItem   *self);

/* For FdConversationModel: the send state and its reason, and the stored
 * message's id and time once the server has it. */
void                fd_message_item_set_send_state (FdMessageItem   *self,
                                                    FdSendState      state,
                                                    const char      *error);
void                fd_message_item_set_stored     (FdMessageItem   *self,
                                                    gint64           id,
                                                    gint64           created_at);
/* For FdConversationModel: the mail as the server has it (NULL keeps what
 * is shown), and the reply's place in the outbox (from a delivery event,
 * the ack or a loaded message; NULL keeps it). */
void                fd_message_item_set_mail       (FdMessageItem       *self,
                                                    const FdMailHeaders *mail);
void                fd_message_item_set_delivery   (FdMessageItem       *self,
                                                    const FdDelivery    *delivery);
/* For FdConversationModel: the tweet as the server has it now (once X
 * accepted a reply: its id and url); NULL keeps what is shown. */
void                fd_message_item_set_tweet      (FdMessageItem       *self,
                                                    const FdTweet       *tweet);

G_END_DECLS
