#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* One mail of the Email window's thread (docs/app.md, "The Email
 * window"): an expander whose title is the sender, the time and the send
 * state (with Retry); inside, the header lines From, To, Cc, Date and
 * Subject, the attachments below the subject line (each with Open and
 * Save), and the text — plain text with links for http(s) URLs only,
 * never markup from the customer. A system note is one dim line. Rows of
 * the thread's GtkListView are recycled: everything follows the item set
 * last. */

#define FD_TYPE_EMAIL_MESSAGE_VIEW (fd_email_message_view_get_type ())
G_DECLARE_FINAL_TYPE (FdEmailMessageView, fd_email_message_view, FD, EMAIL_MESSAGE_VIEW, GtkBox)

GtkWidget     *fd_email_message_view_new             (void);
/* Shows @item of @model (NULL: nothing); @expanded when the agent has not
 * chosen (the item keeps the agent's choice across recycling). */
void           fd_email_message_view_set_item        (FdEmailMessageView  *self,
                                                      FdConversationModel *model,
                                                      FdMessageItem       *item,
                                                      gboolean             expanded);
FdMessageItem *fd_email_message_view_get_item        (FdEmailMessageView  *self);
gboolean       fd_email_message_view_get_expanded    (FdEmailMessageView  *self);
void           fd_email_message_view_set_expanded    (FdEmailMessageView  *self,
                                                      gboolean             expanded);

/* For tests and accessibility checks. */
const char    *fd_email_message_view_get_subject     (FdEmailMessageView  *self);
const char    *fd_email_message_view_get_text        (FdEmailMessageView  *self);
/* The header line's value (From, To, Cc), "" when not shown. */
const char    *fd_email_message_view_get_header      (FdEmailMessageView  *self,
                                                      const char          *name);
/* "Queued", "Sent", "Failed: …", "Sending…", "Not sent: …" or "". */
const char    *fd_email_message_view_get_state_text  (FdEmailMessageView  *self);
GtkWidget     *fd_email_message_view_get_retry_button (FdEmailMessageView *self);
GtkListBox    *fd_email_message_view_get_attachments (FdEmailMessageView  *self);
/* Whether the attachments come right after the subject line. */
gboolean       fd_email_message_view_attachments_below_subject (FdEmailMessageView *self);

G_END_DECLS
