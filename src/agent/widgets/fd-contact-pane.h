#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The visitor pane: name, email (mailto:), phone (tel:), department,
 * "Browser on OS", "IP: …" and the page URL, always as plain text. */

#define FD_TYPE_CONTACT_PANE (fd_contact_pane_get_type ())
G_DECLARE_FINAL_TYPE (FdContactPane, fd_contact_pane, FD, CONTACT_PANE, FdConversationPart)

/* "name", "on-file", "handle" (X), "email", "phone", "verified", "department", "browser",
 * "ip", "page";
 * NULL for an unknown name. */
const char *fd_contact_pane_get_detail (FdContactPane       *self,
                                        const char          *name);

/* Opens @uri with the desktop's default handler (links in the chat
 * window go through here). */
void        fd_launch_uri              (GtkWidget           *widget,
                                        const char          *uri);

G_END_DECLS
