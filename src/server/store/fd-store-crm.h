#pragma once

/* The CRM integration's tables (schema version 11; docs/crm.md and
 * docs/store.md): the organization's connection, the contact's CRM fields,
 * and the durable outbox of log entries. Sealed values are FdSecretBox
 * blobs, sealed and opened by the caller (fd-crm.c); the store keeps them
 * as base64 and never sees a secret in the clear. Main loop only. */

#include "fd-store.h"

G_BEGIN_DECLS

/* Connection status (docs/crm.md, "Connection"). */
#define FD_CRM_STATUS_PENDING              "pending"              /* no grant yet */
#define FD_CRM_STATUS_CONNECTED            "connected"
#define FD_CRM_STATUS_NEEDS_AUTHORIZATION  "needs-authorization"  /* refresh refused */

/* Outbox row states. */
#define FD_CRM_ENTRY_QUEUED "queued"
#define FD_CRM_ENTRY_SENT   "sent"

typedef struct {
  gint64  organization_id;
  char   *provider;           /* "salesforce", "zendesk" */
  char   *instance_url;
  char   *client_id;
  GBytes *client_secret;      /* sealed; NULL = public client */
  GBytes *tokens;             /* sealed JSON; NULL = not authorized */
  char   *status;
  char   *status_reason;
  char   *pending_state;      /* the consent under way; NULL = none */
  GBytes *pending_verifier;   /* sealed PKCE verifier */
  gint64  pending_expires_at;
  char   *link_hash;          /* SHA-256 hex of the connect page's token */
  gint64  link_expires_at;
  gint64  connected_at;
  gint64  updated_at;
} FdStoreCrmConnection;

void                  fd_store_crm_connection_free (FdStoreCrmConnection *connection);

/* Inserts or replaces the organization's connection (all columns). */
gboolean              fd_store_put_crm_connection  (FdStore                    *self,
                                                    const FdStoreCrmConnection *connection,
                                                    GError                    **error);
/* NULL with NOT_FOUND when the organization has none. */
FdStoreCrmConnection *fd_store_get_crm_connection  (FdStore                    *self,
                                                    gint64                      organization_id,
                                                    GError                    **error);
/* The connection whose link token hashes to @link_hash, or whose consent
 * is @pending_state (one of the two NULL). NOT_FOUND otherwise. */
FdStoreCrmConnection *fd_store_find_crm_connection (FdStore                  *self,
                                                    const char                 *link_hash,
                                                    const char                 *pending_state,
                                                    GError                    **error);
/* Every connection (at start). */
GPtrArray            *fd_store_list_crm_connections (FdStore                   *self,
                                                    GError                    **error);
gboolean              fd_store_delete_crm_connection (FdStore                  *self,
                                                    gint64                      organization_id,
                                                    GError                    **error);

/* The contact's CRM fields, all NULL = no match. *@changed says whether a
 * field differs from what was stored (then a `conversation` event is due). */
gboolean              fd_store_set_contact_crm     (FdStore                    *self,
                                                    gint64                      organization_id,
                                                    gint64                      contact_id,
                                                    const FdContact            *fields,
                                                    const char                 *record_id,
                                                    gboolean                   *changed,
                                                    GError                    **error);
/* The record's id in the CRM (NULL: no match; NOT_FOUND: no contact, then
 * *@error is set). */
char                 *fd_store_get_contact_crm_record (FdStore                 *self,
                                                    gint64                      organization_id,
                                                    gint64                      contact_id,
                                                    GError                    **error);

typedef struct {
  gint64  id;
  gint64  organization_id;
  gint64  conversation_id;
  gboolean automatic;
  gint64  agent_id;
  char   *crm_user;
  char   *subject;
  char   *body;
  char   *idempotency_key;
  gint    attempts;
  gint64  next_attempt_at;
} FdStoreCrmEntry;

void             fd_store_crm_entry_free     (FdStoreCrmEntry *entry);

/* Queues an entry (the caller checks the bound with
 * fd_store_count_crm_entries()). An automatic entry for a conversation that
 * has one is not added again (TRUE, *@out_id 0). */
gboolean         fd_store_add_crm_entry      (FdStore               *self,
                                              const FdStoreCrmEntry *entry,
                                              gint64                *out_id,
                                              GError               **error);
/* Queued entries due at @now, oldest first, at most @limit. */
GPtrArray       *fd_store_list_due_crm_entries (FdStore            *self,
                                              gint64                 now,
                                              guint                  limit,
                                              GError               **error);
/* The earliest next_attempt_at of a queued entry; 0 = none queued. */
gint64           fd_store_next_crm_attempt   (FdStore               *self,
                                              GError               **error);
/* Accepted by the CRM as @remote_id. */
gboolean         fd_store_crm_entry_sent     (FdStore               *self,
                                              gint64                 id,
                                              const char            *remote_id,
                                              GError               **error);
/* Failed: tried again at @next_attempt_at. @reason is a sentence. */
gboolean         fd_store_crm_entry_retry    (FdStore               *self,
                                              gint64                 id,
                                              gint64                 next_attempt_at,
                                              const char            *reason,
                                              GError               **error);
/* The organization's queued entries due at once (it was connected again). */
gboolean         fd_store_crm_entries_due_now (FdStore              *self,
                                              gint64                 organization_id,
                                              GError               **error);
/* Counts of the organization's entries queued / sent (status). */
gboolean         fd_store_count_crm_entries  (FdStore               *self,
                                              gint64                 organization_id,
                                              gint64                *queued,
                                              gint64                *sent,
                                              GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreCrmConnection, fd_store_crm_connection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreCrmEntry, fd_store_crm_entry_free)

G_END_DECLS
