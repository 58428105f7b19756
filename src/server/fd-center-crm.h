#pragma once

/* The center's CRM writes (fd-center-crm.c; docs/crm.md). Main loop. */

#include "fd-center.h"
#include "fd-messages.h"

G_BEGIN_DECLS

/* A transcript sent to a CRM is at most this many bytes (then cut, said). */
#define FD_CRM_TRANSCRIPT_MAX (30 * 1024)

/* Stores what a lookup found on the conversation's contact (@fields' crm_
 * members, all NULL = no match) and sends the conversation again when a
 * field changed. */
gboolean  fd_center_set_contact_crm     (FdCenter              *self,
                                         gint64                 organization_id,
                                         gint64                 conversation_id,
                                         const FdContact       *fields,
                                         const char            *record_id,
                                         GError               **error);
/* The conversation's messages as plain text. */
char     *fd_center_crm_transcript      (FdCenter              *self,
                                         const FdConversation  *conv,
                                         GError               **error);
/* Inside the closing transaction: queues the automatic entry when the
 * organization has a CRM (once per conversation). */
gboolean  fd_center_crm_queue_automatic (FdCenter              *self,
                                         const FdConversation  *conv,
                                         GError               **error);
/* `crm-log`: the entry stored durably (its own transaction), or an error:
 * not visible, no CRM (invalid-state), the queue full (rate-limited). */
gboolean  fd_center_crm_log             (FdCenter              *self,
                                         const FdAgent         *agent,
                                         const FdCrmLog        *log,
                                         GError               **error);

/* Runs @write on the store in one transaction of the center (the outbox's
 * and the connection's bookkeeping), so that it commits with the center's
 * group and never inside another request's. */
typedef gboolean (*FdCenterStoreWrite) (FdStore *store, gpointer data, GError **error);
gboolean  fd_center_crm_write           (FdCenter              *self,
                                         FdCenterStoreWrite     write,
                                         gpointer               data,
                                         GError               **error);

G_END_DECLS
