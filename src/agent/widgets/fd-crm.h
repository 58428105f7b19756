#pragma once

#include <adwaita.h>

#include "fd-connection.h"

G_BEGIN_DECLS

/* The CRM actions every window offers the same way (docs/app.md, "CRM"). */

/* Opens @contact's record in the system browser ("View contact in CRM",
 * "Show CRM contact"); FALSE without an https record URL. A launch that
 * fails says so in a dialog on @parent. */
gboolean fd_crm_show_contact   (GtkWindow       *parent,
                                const FdContact *contact);
/* "Add CRM log entry": the dialog for @conversation_id, attributed to
 * the connection's CRM user. */
GtkWindow *fd_crm_add_log_entry (GtkWindow      *parent,
                                 FdConnection   *connection,
                                 gint64          conversation_id);

G_END_DECLS
