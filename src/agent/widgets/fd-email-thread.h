#pragma once

#include "fd-conversation-part.h"
#include "fd-email-message-view.h"

G_BEGIN_DECLS

/* The Email window's thread (docs/app.md, "The Email window"): the
 * model's messages newest first in a GtkListView (rows are built only for
 * what is on screen, so long threads stay fast), each an
 * FdEmailMessageView; the newest mail and the customer's original (at the
 * bottom) expanded, the ones between collapsed until the agent opens them. */

#define FD_TYPE_EMAIL_THREAD (fd_email_thread_get_type ())
G_DECLARE_FINAL_TYPE (FdEmailThread, fd_email_thread, FD, EMAIL_THREAD, FdConversationPart)

/* The messages as shown: newest first. */
GListModel         *fd_email_thread_get_shown    (FdEmailThread *self);
/* The row showing the @position-th shown message, NULL when it is not
 * built (not on screen). */
FdEmailMessageView *fd_email_thread_get_view     (FdEmailThread *self,
                                                  guint          position);

G_END_DECLS
