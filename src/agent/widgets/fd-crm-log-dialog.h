#pragma once

#include <adwaita.h>

#include "fd-connection.h"

G_BEGIN_DECLS

#define FD_TYPE_CRM_LOG_DIALOG (fd_crm_log_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdCrmLogDialog, fd_crm_log_dialog, FD, CRM_LOG_DIALOG, AdwWindow)

/* "Add CRM log entry" (docs/app.md, "CRM"): a small modal window with a
 * subject (FD_LIMIT_NAME characters) and a text (FD_LIMIT_TEXT), Send and
 * Cancel. Send makes the crm-log request for @conversation_id through
 * @connection, attributed to @crm_user (the agent's own CRM user; NULL =
 * none); the window closes once the server acknowledged it and otherwise
 * stays open with the server's sentence. */
FdCrmLogDialog *fd_crm_log_dialog_new (GtkWindow    *parent,
                                       FdConnection *connection,
                                       gint64        conversation_id,
                                       const char   *crm_user);
/* Sets the fields (for tests and a prefilled subject). */
void            fd_crm_log_dialog_set_entry (FdCrmLogDialog *self,
                                             const char     *subject,
                                             const char     *text);
/* The error shown (NULL when none); TRUE while a request is under way. */
const char     *fd_crm_log_dialog_get_error   (FdCrmLogDialog *self);
gboolean        fd_crm_log_dialog_get_sending (FdCrmLogDialog *self);

G_END_DECLS
