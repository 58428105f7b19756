#pragma once

#include <gtk/gtk.h>

#include "fd-message-item.h"

G_BEGIN_DECLS

/* A sent reply's state line, as a Twitter row and an email message show
 * it: the socket's state (Sending…, Not sent), then the server's outbox
 * (Queued, Sent, Failed with the reason, or @refused when the server gave
 * none). @state_label says it (dim, or in the error style when it failed),
 * @reason_label repeats the whole of a failure, @retry_button shows only
 * then. */
void fd_message_state_show (FdMessageItem *item,
                            const char    *refused,
                            GtkLabel      *state_label,
                            GtkLabel      *reason_label,
                            GtkWidget     *retry_button);

G_END_DECLS
