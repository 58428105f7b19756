#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-crm.h"
#include "fd-store-private.h"

/* The CRM integration's tables (schema version 11); see fd-store-crm.h. */

static char *
blob_text (GBytes *blob)
{
  gsize size;
  const guchar *data;

  if (blob == NULL)
    return NULL;
  data = g_bytes_get_data (blob, &size);
  return g_base64_encode (data, size);
}

static GBytes *
text_blob (char *text)
{
  guchar *data;
  gsize size;

  if (text == NULL)
    return NULL;
  data = g_base64_decode (text, &size);
  g_free (text);
  return g_bytes_new_take (data, size);
}

void
fd_store_crm_connection_free (FdStoreCrmConnection *connection)
{
  if (connection == NULL)
    return;
  g_free (connection->provider);
  g_free (connection->instance_url);
  g_free (connection->client_id);
  g_clear_pointer (&connection->client_secret, g_bytes_unref);
  g_clear_pointer (&connection->tokens, g_bytes_unref);
  g_free (connection->status);
  g_free (connection->status_reason);
  g_free (connection->pending_state);
  g_free (connection->link_hash);
  g_clear_pointer (&connection->pending_verifier, g_bytes_unref);
  g_free (connection);
}

gboolean
fd_store_put_crm_connection (FdStore                    *self,
                             const FdStoreCrmConnection *c,
                             GError                    **error)
{
  g_autofree char *secret = blob_text (c->client_secret);
  g_autofree char *tokens = blob_text (c->tokens);
  g_autofree char *verifier = blob_text (c->pending_verifier);

  if (!fd_store_check_string (c->provider, "CRM provider", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (c->instance_url, "CRM instance URL", FD_STORE_MAX_STRING, TRUE, error) ||
      !fd_store_check_string (c->client_id, "CRM client id", FD_STORE_MAX_STRING, TRUE, error) ||
      !fd_store_check_string (c->status, "CRM status", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (c->status_reason, "CRM status reason", FD_STORE_MAX_STRING, FALSE, error))
    return FALSE;
  return fd_store_execute (self,
                           "INSERT OR REPLACE INTO crm_connections (organization_id, provider, instance_url, "
                           "client_id, client_secret, tokens, status, status_reason, pending_state, "
                           "pending_verifier, pending_expires_at, connected_at, updated_at, link_hash, link_expires_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                           FD_STORE_ARGS (FD_ARG_INT (c->organization_id), FD_ARG_TEXT (c->provider),
                                          FD_ARG_TEXT (c->instance_url), FD_ARG_TEXT (c->client_id),
                                          FD_ARG_TEXT (secret), FD_ARG_TEXT (tokens), FD_ARG_TEXT (c->status),
                                          FD_ARG_TEXT (c->status_reason), FD_ARG_TEXT (c->pending_state),
                                          FD_ARG_TEXT (verifier), FD_ARG_INT (c->pending_expires_at),
                                          FD_ARG_INT (c->connected_at), FD_ARG_INT (g_get_real_time ()),
                                          FD_ARG_TEXT (c->link_hash), FD_ARG_INT (c->link_expires_at)),
                           error);
}

#define CONNECTION_COLUMNS "organization_id, provider, instance_url, client_id, client_secret, tokens, " \
  "status, status_reason, pending_state, pending_verifier, pending_expires_at, connected_at, updated_at, " \
  "link_hash, link_expires_at"

static FdStoreCrmConnection *
read_connection (FdStoreStmt *stmt)
{
  FdStoreCrmConnection *c = g_new0 (FdStoreCrmConnection, 1);

  c->organization_id = fd_store_col_int64 (stmt, 0);
  c->provider = fd_store_col_text (stmt, 1);
  c->instance_url = fd_store_col_text (stmt, 2);
  c->client_id = fd_store_col_text (stmt, 3);
  c->client_secret = text_blob (fd_store_col_text (stmt, 4));
  c->tokens = text_blob (fd_store_col_text (stmt, 5));
  c->status = fd_store_col_text (stmt, 6);
  c->status_reason = fd_store_col_text (stmt, 7);
  c->pending_state = fd_store_col_text (stmt, 8);
  c->pending_verifier = text_blob (fd_store_col_text (stmt, 9));
  c->pending_expires_at = fd_store_col_int64 (stmt, 10);
  c->connected_at = fd_store_col_int64 (stmt, 11);
  c->updated_at = fd_store_col_int64 (stmt, 12);
  c->link_hash = fd_store_col_text (stmt, 13);
  c->link_expires_at = fd_store_col_int64 (stmt, 14);
  return c;
}

FdStoreCrmConnection *
fd_store_get_crm_connection (FdStore  *self,
                             gint64    organization_id,
                             GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, "SELECT " CONNECTION_COLUMNS " FROM crm_connections "
                                 "WHERE organization_id = ?1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id)), error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "No CRM is connected to this organization."))
    return NULL;
  return read_connection (stmt);
}

FdStoreCrmConnection *
fd_store_find_crm_connection (FdStore     *self,
                              const char  *link_hash,
                              const char  *pending_state,
                              GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  if (link_hash == NULL && pending_state == NULL)
    {
      fd_store_not_found ("CRM connection", error);
      return NULL;
    }
  stmt = fd_store_prepare_bound (self, "SELECT " CONNECTION_COLUMNS " FROM crm_connections "
                                 "WHERE (?1 IS NOT NULL AND link_hash = ?1) OR (?2 IS NOT NULL AND pending_state = ?2)",
                                 FD_STORE_ARGS (FD_ARG_TEXT (link_hash), FD_ARG_TEXT (pending_state)), error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "This link is not valid (used, replaced or mistyped)."))
    return NULL;
  return read_connection (stmt);
}

GPtrArray *
fd_store_list_crm_connections (FdStore  *self,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_crm_connection_free);
  int rc;

  stmt = fd_store_prepare_bound (self, "SELECT " CONNECTION_COLUMNS " FROM crm_connections "
                                 "WHERE ?1 = ?1 ORDER BY organization_id",
                                 FD_STORE_ARGS (FD_ARG_INT (0)), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_connection (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
fd_store_delete_crm_connection (FdStore  *self,
                                gint64    organization_id,
                                GError  **error)
{
  return fd_store_execute_delete (self, "DELETE FROM crm_connections WHERE organization_id = ?1",
                                  "CRM connection", FD_STORE_ARGS (FD_ARG_INT (organization_id)), error);
}

gboolean
fd_store_set_contact_crm (FdStore          *self,
                          gint64            organization_id,
                          gint64            contact_id,
                          const FdContact  *f,
                          const char       *record_id,
                          gboolean         *changed,
                          GError          **error)
{
  if (!fd_store_check_string (f->crm_label, "CRM label", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (f->crm_provider, "CRM provider", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (f->crm_record_url, "CRM record URL", FD_STORE_MAX_STRING, FALSE, error) ||
      !fd_store_check_string (f->crm_company, "CRM company", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (f->crm_kind, "CRM kind", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  /* Only a row whose fields differ is written: changes() says whether an
   * event is due. */
  if (!fd_store_execute (self,
                         "UPDATE contacts SET crm_label = ?3, crm_provider = ?4, crm_record_url = ?5, "
                         "crm_company = ?6, crm_kind = ?7, crm_record_id = ?8 "
                         "WHERE organization_id = ?1 AND id = ?2 AND (crm_label IS NOT ?3 OR "
                         "crm_provider IS NOT ?4 OR crm_record_url IS NOT ?5 OR crm_company IS NOT ?6 "
                         "OR crm_kind IS NOT ?7 OR crm_record_id IS NOT ?8)",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (contact_id),
                                        FD_ARG_TEXT (f->crm_label), FD_ARG_TEXT (f->crm_provider),
                                        FD_ARG_TEXT (f->crm_record_url), FD_ARG_TEXT (f->crm_company),
                                        FD_ARG_TEXT (f->crm_kind), FD_ARG_TEXT (record_id)),
                         error))
    return FALSE;
  *changed = fd_store_changes (self) > 0;
  return fd_store_execute (self, "UPDATE contacts SET crm_checked_at = ?3 WHERE organization_id = ?1 AND id = ?2",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (contact_id),
                                          FD_ARG_INT (g_get_real_time ())),
                           error);
}

void
fd_store_crm_entry_free (FdStoreCrmEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->crm_user);
  g_free (entry->subject);
  g_free (entry->body);
  g_free (entry->idempotency_key);
  g_free (entry);
}

gboolean
fd_store_add_crm_entry (FdStore                *self,
                        const FdStoreCrmEntry  *e,
                        gint64                 *out_id,
                        GError                **error)
{
  if (!fd_store_check_string (e->subject, "CRM log subject", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_string (e->crm_user, "CRM user", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (e->idempotency_key, "CRM idempotency key", FD_STORE_MAX_NAME, TRUE, error))
    return FALSE;
  if (!fd_store_execute (self,
                         "INSERT INTO crm_outbox (organization_id, conversation_id, automatic, agent_id, "
                         "crm_user, subject, body, idempotency_key, state, next_attempt_at, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '" FD_CRM_ENTRY_QUEUED "', 0, ?9) "
                         "ON CONFLICT DO NOTHING",
                         FD_STORE_ARGS (FD_ARG_INT (e->organization_id), FD_ARG_INT (e->conversation_id),
                                        FD_ARG_INT (e->automatic ? 1 : 0), FD_ARG_ID (e->agent_id),
                                        FD_ARG_TEXT (e->crm_user), FD_ARG_TEXT (e->subject),
                                        FD_ARG_TEXT (e->body), FD_ARG_TEXT (e->idempotency_key),
                                        FD_ARG_INT (g_get_real_time ())),
                         error))
    return FALSE;
  *out_id = fd_store_changes (self) > 0 ? fd_store_last_insert_id (self) : 0;
  return TRUE;
}

GPtrArray *
fd_store_list_due_crm_entries (FdStore  *self,
                               gint64    now,
                               guint     limit,
                               GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_crm_entry_free);
  int rc;

  stmt = fd_store_prepare_bound (self,
                                 "SELECT id, organization_id, conversation_id, automatic, agent_id, crm_user, "
                                 "subject, body, idempotency_key, attempts, next_attempt_at FROM crm_outbox "
                                 "WHERE state = '" FD_CRM_ENTRY_QUEUED "' AND next_attempt_at <= ?1 "
                                 "ORDER BY next_attempt_at, id LIMIT ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (now), FD_ARG_INT (limit)), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      FdStoreCrmEntry *e = g_new0 (FdStoreCrmEntry, 1);
      e->id = fd_store_col_int64 (stmt, 0);
      e->organization_id = fd_store_col_int64 (stmt, 1);
      e->conversation_id = fd_store_col_int64 (stmt, 2);
      e->automatic = fd_store_col_int64 (stmt, 3) != 0;
      e->agent_id = fd_store_col_int64 (stmt, 4);
      e->crm_user = fd_store_col_text (stmt, 5);
      e->subject = fd_store_col_text (stmt, 6);
      e->body = fd_store_col_text (stmt, 7);
      e->idempotency_key = fd_store_col_text (stmt, 8);
      e->attempts = (gint) fd_store_col_int64 (stmt, 9);
      e->next_attempt_at = fd_store_col_int64 (stmt, 10);
      g_ptr_array_add (rows, e);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

gint64
fd_store_next_crm_attempt (FdStore  *self,
                           GError  **error)
{
  gint64 next = 0;

  if (!fd_store_query_int64 (self, "SELECT COALESCE (MIN (next_attempt_at), 0) FROM crm_outbox "
                             "WHERE state = ?1",
                             FD_STORE_ARGS (FD_ARG_TEXT (FD_CRM_ENTRY_QUEUED)), &next, error))
    return -1;
  return next;
}

gboolean
fd_store_crm_entry_sent (FdStore     *self,
                         gint64       id,
                         const char  *remote_id,
                         GError     **error)
{
  return fd_store_execute (self, "UPDATE crm_outbox SET state = '" FD_CRM_ENTRY_SENT "', remote_id = ?2, "
                           "sent_at = ?3, attempts = attempts + 1, reason = NULL WHERE id = ?1",
                           FD_STORE_ARGS (FD_ARG_INT (id), FD_ARG_TEXT (remote_id),
                                          FD_ARG_INT (g_get_real_time ())),
                           error);
}

gboolean
fd_store_crm_entry_retry (FdStore     *self,
                          gint64       id,
                          gint64       next_attempt_at,
                          const char  *reason,
                          GError     **error)
{
  return fd_store_execute (self, "UPDATE crm_outbox SET attempts = attempts + 1, next_attempt_at = ?2, "
                           "reason = ?3 WHERE id = ?1",
                           FD_STORE_ARGS (FD_ARG_INT (id), FD_ARG_INT (next_attempt_at), FD_ARG_TEXT (reason)),
                           error);
}

gboolean
fd_store_count_crm_entries (FdStore  *self,
                            gint64    organization_id,
                            gint64   *queued,
                            gint64   *sent,
                            GError  **error)
{
  return fd_store_query_int64 (self, "SELECT COUNT (*) FROM crm_outbox WHERE organization_id = ?1 AND state = ?2",
                               FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_TEXT (FD_CRM_ENTRY_QUEUED)),
                               queued, error) &&
         fd_store_query_int64 (self, "SELECT COUNT (*) FROM crm_outbox WHERE organization_id = ?1 AND state = ?2",
                               FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_TEXT (FD_CRM_ENTRY_SENT)),
                               sent, error);
}

char *
fd_store_get_contact_crm_record (FdStore  *self,
                                 gint64    organization_id,
                                 gint64    contact_id,
                                 GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, "SELECT crm_record_id FROM contacts WHERE organization_id = ?1 AND id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (contact_id)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "No such contact."))
    return NULL;
  return fd_store_col_text (stmt, 0);
}

gboolean
fd_store_crm_entries_due_now (FdStore  *self,
                              gint64    organization_id,
                              GError  **error)
{
  return fd_store_execute (self, "UPDATE crm_outbox SET next_attempt_at = 0 WHERE organization_id = ?1 AND state = ?2",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_TEXT (FD_CRM_ENTRY_QUEUED)), error);
}
