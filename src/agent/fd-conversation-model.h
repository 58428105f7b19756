#pragma once

#include <gio/gio.h>

#include "fd-connection.h"
#include "fd-drafts.h"
#include "fd-message-item.h"
#include "fd-recent-files.h"

G_BEGIN_DECLS

/* One live conversation as the app sees it (docs/app.md, "The conversation
 * model"): the conversation entity, the transcript as a GListModel of
 * FdMessageItem, the agent's own sends keyed by client_id with their
 * state, typing both ways, the transfer offer and its outcome, the draft,
 * the unread count and the sentence the window's status line shows. It
 * learns from the session's typed signals (fd-session.h) and acts through
 * the connection's typed calls only. No GTK: windows bind to it; they get
 * it from fd_session_get_conversation_model(), so that the windows of one
 * conversation share it. */

/* The way the conversation's last transfer went, from this agent's side. */
typedef enum {
  FD_TRANSFER_NONE,      /* none asked, or the request failed */
  FD_TRANSFER_OFFERED,   /* asked: the colleague has an offer */
  FD_TRANSFER_ACCEPTED,  /* the colleague reserved the conversation */
  FD_TRANSFER_DECLINED,  /* declined or bounced: still this agent's */
} FdTransferState;

#define FD_TYPE_CONVERSATION_MODEL (fd_conversation_model_get_type ())
G_DECLARE_FINAL_TYPE (FdConversationModel, fd_conversation_model, FD, CONVERSATION_MODEL, GObject)

/* Seeds the conversation from the Activity List's row when there is one
 * and asks the server for the whole of it (get-conversation). */
FdConversationModel *fd_conversation_model_new    (FdConnection        *connection,
                                                   gint64               conversation_id);
gint64               fd_conversation_model_get_id (FdConversationModel *self);
FdConnection        *fd_conversation_model_get_connection (FdConversationModel *self);
/* The conversation as last heard (NULL until anything is known). */
const FdConversation *fd_conversation_model_get_conversation (FdConversationModel *self);
/* TRUE once get-conversation answered. */
gboolean             fd_conversation_model_get_loaded   (FdConversationModel *self);
/* This agent holds it: replies, transfer and close are possible. */
gboolean             fd_conversation_model_get_reserved (FdConversationModel *self);
gboolean             fd_conversation_model_get_closed   (FdConversationModel *self);
/* Offered (unreserved, or being handed to this agent): reserve and reject
 * are possible. */
gboolean             fd_conversation_model_get_offered  (FdConversationModel *self);
/* The transcript: FdMessageItem, in arrival order, each message once. */
GListModel          *fd_conversation_model_get_messages (FdConversationModel *self);
/* The agent's own messages waiting for the server. */
guint                fd_conversation_model_get_n_pending (FdConversationModel *self);
/* The pending or failed message sent with @client_id, NULL when none. */
FdMessageItem       *fd_conversation_model_lookup_pending (FdConversationModel *self,
                                                          const char          *client_id);
/* Visitor messages that arrived while nobody was viewing (0 after
 * mark-read). */
guint                fd_conversation_model_get_unread   (FdConversationModel *self);
/* What the status line says ("" for nothing): why replying is off, the
 * transfer's progress, or the last error as the server's sentence. */
const char          *fd_conversation_model_get_status   (FdConversationModel *self);
/* "Name is typing…" while the visitor types, "" otherwise. */
const char          *fd_conversation_model_get_typing_text (FdConversationModel *self);
/* The window's title: "Conversation: To - mm:ss", computed now. */
char                *fd_conversation_model_dup_title    (FdConversationModel *self);
/* The server's origin + @url for server-relative file URLs ("/…"), @url
 * otherwise (a copy). */
char                *fd_conversation_model_dup_absolute_url (FdConversationModel *self,
                                                          const char          *url);

/* The agent's local stores, each optional: the draft is kept in @drafts,
 * files sent go to @recent_files. */
void                 fd_conversation_model_set_stores   (FdConversationModel *self,
                                                         FdDrafts            *drafts,
                                                         FdRecentFiles       *recent_files);
/* The kept draft, NULL when none. */
const char          *fd_conversation_model_get_draft    (FdConversationModel *self);
/* The compose text changed (the agent typed): kept as the draft, and the
 * visitor is told the agent is typing (at most once per throttle) and
 * that the agent stopped (after the idle delay, or when emptied). */
void                 fd_conversation_model_set_compose_text (FdConversationModel *self,
                                                         const char          *text);
void                 fd_conversation_model_clear_draft  (FdConversationModel *self);
/* Sends "stopped typing" now if "typing" was the last thing sent. */
void                 fd_conversation_model_stop_typing  (FdConversationModel *self);
/* TRUE while the visitor was last told that the agent types. */
gboolean             fd_conversation_model_get_agent_typing (FdConversationModel *self);
/* The typing throttle and idle delay (default 3 s and 5 s; tests). */
void                 fd_conversation_model_set_typing_delays (FdConversationModel *self,
                                                         guint                throttle_ms,
                                                         guint                idle_ms);
/* Whether a window shows the conversation: visitor messages are marked
 * read while it does and this agent holds it. */
void                 fd_conversation_model_set_viewing  (FdConversationModel *self,
                                                         gboolean             viewing);

/* Sends @text (stripped; nothing for blank text or when not reserved, then
 * FALSE): the message is in the transcript at once as SENDING, then SENT
 * on the server's ack or echo, or FAILED with the reason. */
gboolean             fd_conversation_model_send_text    (FdConversationModel *self,
                                                         const char          *text);
/* Email (docs/app.md, "The conversation model"): sends @text (stripped)
 * and @attachments (FdAttachment*, uploaded; may be NULL) as a reply with
 * @to and @cc (mailboxes, e.g. from fd_format_parse_addresses(); NULL or
 * empty: the customer, no Cc) and @subject (NULL or "": "Re: subject";
 * the server adds the token [#id]). Shown at once as SENDING with these
 * headers; the ack brings the mail as sent and its delivery state, and
 * delivery events move it on. The model keeps itself alive until the
 * server acknowledged, so closing the window loses nothing. FALSE when
 * not reserved or with neither text nor attachments. */
gboolean             fd_conversation_model_send_email   (FdConversationModel *self,
                                                         const char          *text,
                                                         const char * const  *to,
                                                         const char * const  *cc,
                                                         const char          *subject,
                                                         GPtrArray           *attachments);
/* Queues a reply whose delivery FAILED again (retry-delivery); errors go
 * to the status line. FALSE when @item's delivery did not fail. */
gboolean             fd_conversation_model_retry_delivery (FdConversationModel *self,
                                                         FdMessageItem       *item);
/* The reply's prefill: "Re: subject" with one "Re:" however many the
 * customer's client stacked; the customer's mailbox ("Name <address>"),
 * NULL when the conversation has no usable address. */
char                *fd_conversation_model_dup_reply_subject (FdConversationModel *self);
char                *fd_conversation_model_dup_reply_to (FdConversationModel *self);
/* Sends a FAILED message again with the same client_id. */
gboolean             fd_conversation_model_retry        (FdConversationModel *self,
                                                         FdMessageItem       *item);
/* Uploads @file and sends it as an attachment (status line: "Uploading
 * “name”…", then errors as sentences). */
void                 fd_conversation_model_attach_file  (FdConversationModel *self,
                                                         GFile               *file);

/* Twitter (docs/twitter.md, "The app's Twitter window"). A twitter
 * conversation; whether the customer wrote a public post in it (a public
 * reply answers their latest one); the Direct Message request was sent
 * ("dm-requested": the conversation says so, or the server acknowledged
 * this agent's request); the agent's choice ("reply-direct"): public by
 * default when there is a post, always direct without one. */
gboolean             fd_conversation_model_get_is_twitter (FdConversationModel *self);
gboolean             fd_conversation_model_get_has_customer_post (FdConversationModel *self);
gboolean             fd_conversation_model_get_dm_requested (FdConversationModel *self);
gboolean             fd_conversation_model_get_reply_direct (FdConversationModel *self);
/* FALSE (nothing changes) for a public reply without a post to answer. */
gboolean             fd_conversation_model_set_reply_direct (FdConversationModel *self,
                                                         gboolean             direct);
/* Sends @text (stripped) as a public reply or, @direct, a direct message,
 * and makes that the reply's way from now on. Shown at once as SENDING;
 * the server checks X's length (a refusal: FAILED with its sentence, also
 * on the status line); then delivery events. FALSE when not reserved, for
 * blank text, or public without a post. */
gboolean             fd_conversation_model_send_tweet   (FdConversationModel *self,
                                                         const char          *text,
                                                         gboolean             direct);
/* The Direct Message request can be sent: a twitter conversation with a
 * customer post, not requested yet. */
gboolean             fd_conversation_model_get_can_request_dm (FdConversationModel *self);
/* A dm-request is on its way ("dm-request-pending"). */
gboolean             fd_conversation_model_get_dm_request_pending (FdConversationModel *self);
/* Sends dm-request; the ack's reply joins the transcript and
 * "dm-requested" becomes TRUE; an error goes to the status line. FALSE
 * when it cannot be sent (see above, or not reserved, or in flight). */
gboolean             fd_conversation_model_request_dm   (FdConversationModel *self);

void                 fd_conversation_model_reserve      (FdConversationModel *self);
/* A successful reject emits "rejected". */
void                 fd_conversation_model_reject       (FdConversationModel *self);
void                 fd_conversation_model_close        (FdConversationModel *self);
/* Offers the conversation to colleague @agent_id, called @name. */
void                 fd_conversation_model_transfer     (FdConversationModel *self,
                                                         gint64               agent_id,
                                                         const char          *name);
FdTransferState      fd_conversation_model_get_transfer_state (FdConversationModel *self);
const char          *fd_conversation_model_get_transfer_name  (FdConversationModel *self);

/* The contact's history as the server sent it (FdConversation*, newest
 * first; this conversation as it is now), asked once loaded and again
 * when the contact changes; "history-changed" says when it changed. */
GPtrArray           *fd_conversation_model_get_history  (FdConversationModel *self);

/* Lists for the side tabs and the transfer popover, asked for this
 * conversation; the callback's source object is the connection, finish
 * with fd_connection_list_*_finish(). */
void                 fd_conversation_model_list_canned_replies_async (FdConversationModel *self,
                                                         const char          *search,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
void                 fd_conversation_model_list_resources_async (FdConversationModel *self,
                                                         const char          *search,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
void                 fd_conversation_model_list_colleagues_async (FdConversationModel *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* Shows @error's sentence on the status line (a cancellation shows
 * nothing), or @text. */
void                 fd_conversation_model_report_error (FdConversationModel *self,
                                                         const GError        *error);
void                 fd_conversation_model_set_status   (FdConversationModel *self,
                                                         const char          *text);

G_END_DECLS
