#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-email.h"
#include "fd-store-private.h"

#include <string.h>

/* The Email channel's tables (schema version 6); see fd-store-email.h. */

gboolean
fd_store_set_stream_secret (FdStore     *self,
                            gint64       organization_id,
                            gint64       stream_id,
                            const char  *name,
                            GBytes      *sealed,
                            GError     **error)
{
  g_autofree char *text = NULL;
  gsize size;
  const guchar *data;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (sealed == NULL)
    return fd_store_execute (self, "DELETE FROM stream_secrets WHERE organization_id = ?1 AND stream_id = ?2 AND name = ?3",
                             FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id), FD_ARG_TEXT (name)),
                             error);
  data = g_bytes_get_data (sealed, &size);
  text = g_base64_encode (data, size);
  return fd_store_execute (self,
                           "INSERT INTO stream_secrets (organization_id, stream_id, name, sealed, updated_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (stream_id, name) DO UPDATE SET sealed = excluded.sealed, "
                           "updated_at = excluded.updated_at",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id), FD_ARG_TEXT (name),
                                          FD_ARG_TEXT (text), FD_ARG_INT (g_get_real_time ())),
                           error);
}

GBytes *
fd_store_get_stream_secret (FdStore     *self,
                            gint64       organization_id,
                            gint64       stream_id,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *text = NULL;
  guchar *data;
  gsize size;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self, "SELECT sealed FROM stream_secrets "
                                 "WHERE organization_id = ?1 AND stream_id = ?2 AND name = ?3",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                FD_ARG_TEXT (name)),
                                 error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "This media stream has no %s.", name))
    return NULL;
  text = fd_store_col_text (stmt, 0);
  data = g_base64_decode (text != NULL ? text : "", &size);
  return g_bytes_new_take (data, size);
}

gboolean
fd_store_set_stream_health (FdStore     *self,
                            gint64       organization_id,
                            gint64       stream_id,
                            const char  *health,
                            const char  *reason,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_check_string (health, "media stream health", FD_STORE_MAX_NAME, FALSE, error) ||
      !fd_store_check_string (reason, "media stream health reason", FD_STORE_MAX_STRING, FALSE, error))
    return FALSE;
  return fd_store_execute_update (self, "UPDATE streams SET health = ?3, health_reason = ?4 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "media stream",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                 FD_ARG_TEXT (health), FD_ARG_TEXT (reason)),
                                  error);
}

gboolean
fd_store_get_folder_position (FdStore     *self,
                              gint64       organization_id,
                              gint64       stream_id,
                              const char  *folder,
                              guint32     *uidvalidity,
                              guint32     *last_uid,
                              GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  stmt = fd_store_prepare_bound (self, "SELECT uidvalidity, last_uid FROM email_folders "
                                 "WHERE organization_id = ?1 AND stream_id = ?2 AND folder = ?3",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                FD_ARG_TEXT (folder)),
                                 error);
  if (stmt == NULL)
    return FALSE;
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    return FALSE;
  *uidvalidity = rc == SQLITE_ROW ? (guint32) fd_store_col_int64 (stmt, 0) : 0;
  *last_uid = rc == SQLITE_ROW ? (guint32) fd_store_col_int64 (stmt, 1) : 0;
  return TRUE;
}

gboolean
fd_store_set_folder_position (FdStore     *self,
                              gint64       organization_id,
                              gint64       stream_id,
                              const char  *folder,
                              guint32      uidvalidity,
                              guint32      last_uid,
                              GError     **error)
{
  return fd_store_execute (self,
                           "INSERT INTO email_folders (organization_id, stream_id, folder, uidvalidity, last_uid) "
                           "VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (stream_id, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
                           "last_uid = excluded.last_uid",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id), FD_ARG_TEXT (folder),
                                          FD_ARG_INT (uidvalidity), FD_ARG_INT (last_uid)),
                           error);
}

/* At most FD_STORE_MAX_LIST mailboxes of @list, as a JSON array; NULL for
 * none. */
static char *
mailboxes_to_json (const char * const *list)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; list != NULL && list[i] != NULL && kept->len < FD_STORE_MAX_LIST; i++)
    g_ptr_array_add (kept, (gpointer) list[i]);
  if (kept->len == 0)
    return NULL;
  g_ptr_array_add (kept, NULL);
  return fd_store_strv_to_json ((char * const *) kept->pdata);
}

static char *
clip (const char *text,
      glong       max)
{
  if (text == NULL)
    return NULL;
  return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), max));
}

gboolean
fd_store_add_mail (FdStore            *self,
                   const FdStoreMail  *mail,
                   gboolean           *duplicate,
                   GError            **error)
{
  g_autofree char *references = fd_store_strv_to_json ((char * const *) mail->references);
  g_autofree char *subject = NULL;
  g_autofree char *to = mailboxes_to_json (mail->to);
  g_autofree char *cc = mailboxes_to_json (mail->cc);
  g_autofree char *from_name = clip (mail->from_name, FD_STORE_MAX_NAME);
  g_autofree char *from_address = clip (mail->from_address, FD_STORE_MAX_NAME);

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (mail->dedupe_key != NULL, FALSE);

  /* A subject longer than the store keeps is cut, not refused: the mail
   * must be stored whatever its sender wrote. */
  if (mail->subject != NULL)
    subject = g_utf8_substring (mail->subject, 0, MIN (g_utf8_strlen (mail->subject, -1), FD_STORE_MAX_STRING));
  if (!fd_store_execute (self,
                         "INSERT INTO email_mails (organization_id, stream_id, dedupe_key, direction, "
                         "mail_message_id, references_json, subject, conversation_id, message_id, automatic, "
                         "created_at, from_name, from_address, to_json, cc_json, mail_date) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
                         "ON CONFLICT (stream_id, dedupe_key) DO NOTHING",
                         FD_STORE_ARGS (FD_ARG_INT (mail->organization_id), FD_ARG_INT (mail->stream_id),
                                        FD_ARG_TEXT (mail->dedupe_key), FD_ARG_TEXT (mail->direction),
                                        FD_ARG_TEXT (mail->mail_message_id), FD_ARG_TEXT (references),
                                        FD_ARG_TEXT (subject), FD_ARG_ID (mail->conversation_id),
                                        FD_ARG_ID (mail->message_id), FD_ARG_INT (mail->automatic ? 1 : 0),
                                        FD_ARG_INT (g_get_real_time ()), FD_ARG_TEXT (from_name),
                                        FD_ARG_TEXT (from_address), FD_ARG_TEXT (to), FD_ARG_TEXT (cc),
                                        FD_ARG_INT (mail->date)),
                         error))
    return FALSE;
  *duplicate = fd_store_changes (self) == 0;
  return TRUE;
}

gboolean
fd_store_link_mail (FdStore     *self,
                    gint64       organization_id,
                    gint64       stream_id,
                    const char  *dedupe_key,
                    gint64       conversation_id,
                    gint64       message_id,
                    GError     **error)
{
  return fd_store_execute_update (self, "UPDATE email_mails SET conversation_id = ?4, message_id = ?5 "
                                  "WHERE organization_id = ?1 AND stream_id = ?2 AND dedupe_key = ?3",
                                  "mail",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                 FD_ARG_TEXT (dedupe_key), FD_ARG_ID (conversation_id),
                                                 FD_ARG_ID (message_id)),
                                  error);
}

gint64
fd_store_find_mail_thread (FdStore             *self,
                           gint64               organization_id,
                           gint64               stream_id,
                           const char * const  *message_ids,
                           GError             **error)
{
  gint64 best = 0;
  gint64 best_mail = 0;

  for (guint i = 0; message_ids != NULL && message_ids[i] != NULL; i++)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;
      int rc;

      stmt = fd_store_prepare_bound (self, "SELECT id, conversation_id FROM email_mails "
                                     "WHERE organization_id = ?1 AND stream_id = ?2 AND mail_message_id = ?3 "
                                     "AND conversation_id IS NOT NULL ORDER BY id DESC LIMIT 1",
                                     FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id),
                                                    FD_ARG_TEXT (message_ids[i])),
                                     error);
      if (stmt == NULL)
        return -1;
      rc = fd_store_step (self, stmt, FALSE, error);
      if (rc < 0)
        return -1;
      if (rc == SQLITE_ROW && fd_store_col_int64 (stmt, 0) > best_mail)
        {
          best_mail = fd_store_col_int64 (stmt, 0);
          best = fd_store_col_int64 (stmt, 1);
        }
    }
  return best;
}

gboolean
fd_store_get_last_customer_mail (FdStore          *self,
                                 gint64            organization_id,
                                 gint64            conversation_id,
                                 FdStoreLastMail  *out,
                                 GError          **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *references = NULL;

  memset (out, 0, sizeof *out);
  stmt = fd_store_prepare_bound (self, "SELECT m.mail_message_id, m.references_json, m.subject, g.text, g.created_at "
                                 "FROM email_mails m LEFT JOIN messages g ON g.id = m.message_id "
                                 "WHERE m.organization_id = ?1 AND m.conversation_id = ?2 AND m.direction = 'in' "
                                 "ORDER BY m.id DESC LIMIT 1",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (conversation_id)),
                                 error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "No mail of the customer in conversation %" G_GINT64_FORMAT ".",
                          conversation_id))
    return FALSE;
  out->mail_message_id = fd_store_col_text (stmt, 0);
  references = fd_store_col_text (stmt, 1);
  out->references = fd_store_strv_from_json (references);
  out->subject = fd_store_col_text (stmt, 2);
  out->text = fd_store_col_text (stmt, 3);
  out->created_at = fd_store_col_int64 (stmt, 4);
  return TRUE;
}

void
fd_store_last_mail_clear (FdStoreLastMail *mail)
{
  g_clear_pointer (&mail->mail_message_id, g_free);
  g_clear_pointer (&mail->references, g_strfreev);
  g_clear_pointer (&mail->subject, g_free);
  g_clear_pointer (&mail->text, g_free);
}

void
fd_store_outbox_free (FdStoreOutbox *row)
{
  if (row == NULL)
    return;
  g_free (row->mail_message_id);
  g_free (row->reason);
  g_free (row);
}

gboolean
fd_store_add_outbox (FdStore              *self,
                     const FdStoreOutbox  *row,
                     GError              **error)
{
  return fd_store_execute (self,
                           "INSERT INTO email_outbox (message_id, organization_id, stream_id, conversation_id, "
                           "mail_message_id, state, attempts, next_attempt_at, reason, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                           FD_STORE_ARGS (FD_ARG_INT (row->message_id), FD_ARG_INT (row->organization_id),
                                          FD_ARG_INT (row->stream_id), FD_ARG_INT (row->conversation_id),
                                          FD_ARG_TEXT (row->mail_message_id),
                                          FD_ARG_TEXT (fd_delivery_state_to_string (row->state)),
                                          FD_ARG_INT (row->attempts), FD_ARG_INT (row->next_attempt_at),
                                          FD_ARG_TEXT (row->reason), FD_ARG_INT (g_get_real_time ())),
                           error);
}

#define OUTBOX_COLUMNS "message_id, organization_id, stream_id, conversation_id, mail_message_id, state, " \
                       "attempts, next_attempt_at, reason"

static FdStoreOutbox *
outbox_row (FdStoreStmt *stmt)
{
  FdStoreOutbox *row = g_new0 (FdStoreOutbox, 1);
  g_autofree char *state = NULL;

  row->message_id = fd_store_col_int64 (stmt, 0);
  row->organization_id = fd_store_col_int64 (stmt, 1);
  row->stream_id = fd_store_col_int64 (stmt, 2);
  row->conversation_id = fd_store_col_int64 (stmt, 3);
  row->mail_message_id = fd_store_col_text (stmt, 4);
  state = fd_store_col_text (stmt, 5);
  fd_delivery_state_from_string (state, &row->state);
  row->attempts = (gint) fd_store_col_int64 (stmt, 6);
  row->next_attempt_at = fd_store_col_int64 (stmt, 7);
  row->reason = fd_store_col_text (stmt, 8);
  return row;
}

FdStoreOutbox *
fd_store_get_outbox (FdStore  *self,
                     gint64    organization_id,
                     gint64    message_id,
                     GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  stmt = fd_store_prepare_bound (self, "SELECT " OUTBOX_COLUMNS " FROM email_outbox "
                                 "WHERE organization_id = ?1 AND message_id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (message_id)),
                                 error);
  if (stmt == NULL ||
      !fd_store_step_row (self, stmt, error, "Message %" G_GINT64_FORMAT " is not an email reply.", message_id))
    return NULL;
  return outbox_row (stmt);
}

GPtrArray *
fd_store_list_due_outbox (FdStore  *self,
                          gint64    now,
                          GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_store_outbox_free);
  int rc;

  stmt = fd_store_prepare_bound (self, "SELECT " OUTBOX_COLUMNS " FROM email_outbox "
                                 "WHERE state = 'queued' AND next_attempt_at <= ?1 "
                                 "ORDER BY next_attempt_at, message_id LIMIT ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (now), FD_ARG_INT (FD_STORE_OUTBOX_BATCH)),
                                 error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (rows, outbox_row (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&rows);
}

gboolean
fd_store_update_outbox (FdStore              *self,
                        const FdStoreOutbox  *row,
                        GError              **error)
{
  return fd_store_execute_update (self,
                                  "UPDATE email_outbox SET state = ?3, attempts = ?4, next_attempt_at = ?5, "
                                  "reason = ?6, sent_at = CASE WHEN ?3 = 'sent' THEN ?7 ELSE sent_at END "
                                  "WHERE organization_id = ?1 AND message_id = ?2",
                                  "email reply",
                                  FD_STORE_ARGS (FD_ARG_INT (row->organization_id), FD_ARG_INT (row->message_id),
                                                 FD_ARG_TEXT (fd_delivery_state_to_string (row->state)),
                                                 FD_ARG_INT (row->attempts), FD_ARG_INT (row->next_attempt_at),
                                                 FD_ARG_TEXT (row->reason), FD_ARG_INT (g_get_real_time ())),
                                  error);
}

/* --- Authorization links (schema version 7) ---------------------------------- */

void
fd_store_authorization_clear (FdStoreAuthorization *link)
{
  g_clear_pointer (&link->oauth_state, g_free);
  g_clear_pointer (&link->oauth_verifier, g_free);
}

gboolean
fd_store_set_authorization (FdStore     *self,
                            gint64       organization_id,
                            gint64       stream_id,
                            const char  *token_hash,
                            gint64       created_at,
                            gint64       expires_at,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_check_string (token_hash, "token hash", FD_STORE_MAX_ID, TRUE, error))
    return FALSE;
  return fd_store_execute (self,
                           "INSERT INTO stream_authorizations (stream_id, organization_id, token_hash, created_at, "
                           "expires_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                           "ON CONFLICT (stream_id) DO UPDATE SET token_hash = excluded.token_hash, "
                           "created_at = excluded.created_at, expires_at = excluded.expires_at, used_at = 0, "
                           "attempts = 0, oauth_state = NULL, oauth_verifier = NULL",
                           FD_STORE_ARGS (FD_ARG_INT (stream_id), FD_ARG_INT (organization_id),
                                          FD_ARG_TEXT (token_hash), FD_ARG_INT (created_at),
                                          FD_ARG_INT (expires_at)),
                           error);
}

#define AUTHORIZATION_COLUMNS "organization_id, stream_id, created_at, expires_at, used_at, attempts, " \
                              "oauth_state, oauth_verifier, token_hash"

static char *
read_authorization (FdStoreStmt          *stmt,
                    FdStoreAuthorization *out)
{
  out->organization_id = fd_store_col_int64 (stmt, 0);
  out->stream_id = fd_store_col_int64 (stmt, 1);
  out->created_at = fd_store_col_int64 (stmt, 2);
  out->expires_at = fd_store_col_int64 (stmt, 3);
  out->used_at = fd_store_col_int64 (stmt, 4);
  out->attempts = (gint) fd_store_col_int64 (stmt, 5);
  out->oauth_state = fd_store_col_text (stmt, 6);
  out->oauth_verifier = fd_store_col_text (stmt, 7);
  return fd_store_col_text (stmt, 8);
}

gboolean
fd_store_get_stream_authorization (FdStore               *self,
                                   gint64                 organization_id,
                                   gint64                 stream_id,
                                   FdStoreAuthorization  *out,
                                   GError               **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  stmt = fd_store_prepare_bound (self, "SELECT " AUTHORIZATION_COLUMNS " FROM stream_authorizations "
                                 "WHERE organization_id = ?1 AND stream_id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "The stream has no authorization link."))
    return FALSE;
  g_free (read_authorization (stmt, out));
  return TRUE;
}

/* The link whose @column (a text of at most FD_STORE_MAX_ID characters,
 * @what in the error) is @key: FALSE with NOT_FOUND @not_found. Its token
 * hash in *@out_token_hash when not NULL. */
static gboolean
find_authorization_by (FdStore               *self,
                       const char            *sql,
                       const char            *key,
                       const char            *what,
                       const char            *not_found,
                       FdStoreAuthorization  *out,
                       char                 **out_token_hash,
                       GError               **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *token_hash = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!fd_store_check_string (key, what, FD_STORE_MAX_ID, TRUE, error))
    return FALSE;
  stmt = fd_store_prepare_bound (self, sql, FD_STORE_ARGS (FD_ARG_TEXT (key)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "%s", not_found))
    return FALSE;
  token_hash = read_authorization (stmt, out);
  if (out_token_hash != NULL)
    *out_token_hash = g_steal_pointer (&token_hash);
  return TRUE;
}

gboolean
fd_store_find_authorization_by_state (FdStore               *self,
                                      const char            *state,
                                      FdStoreAuthorization  *out,
                                      char                 **out_token_hash,
                                      GError               **error)
{
  return find_authorization_by (self, "SELECT " AUTHORIZATION_COLUMNS " FROM stream_authorizations "
                                "WHERE oauth_state = ?1", state, "OAuth state",
                                "No authorization is waiting for this answer.", out, out_token_hash, error);
}

gboolean
fd_store_find_authorization (FdStore               *self,
                             const char            *token_hash,
                             FdStoreAuthorization  *out,
                             GError               **error)
{
  return find_authorization_by (self, "SELECT " AUTHORIZATION_COLUMNS " FROM stream_authorizations "
                                "WHERE token_hash = ?1", token_hash, "token hash",
                                "No such authorization link.", out, NULL, error);
}

gboolean
fd_store_has_authorization (FdStore   *self,
                            gint64     organization_id,
                            gint64     stream_id,
                            gboolean  *out_has,
                            GError   **error)
{
  gint64 count = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_query_int64 (self, "SELECT count(*) FROM stream_authorizations "
                             "WHERE organization_id = ?1 AND stream_id = ?2",
                             FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id)), &count, error))
    return FALSE;
  *out_has = count > 0;
  return TRUE;
}

gboolean
fd_store_count_authorization_attempt (FdStore     *self,
                                      const char  *token_hash,
                                      gint        *out_attempts,
                                      GError     **error)
{
  gint64 attempts = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_execute_update (self, "UPDATE stream_authorizations SET attempts = attempts + 1 "
                                "WHERE token_hash = ?1", "authorization link",
                                FD_STORE_ARGS (FD_ARG_TEXT (token_hash)), error) ||
      !fd_store_query_int64 (self, "SELECT attempts FROM stream_authorizations WHERE token_hash = ?1",
                             FD_STORE_ARGS (FD_ARG_TEXT (token_hash)), &attempts, error))
    return FALSE;
  *out_attempts = (gint) MIN (attempts, G_MAXINT);
  return TRUE;
}

gboolean
fd_store_use_authorization (FdStore     *self,
                            const char  *token_hash,
                            gint64       now,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_update (self, "UPDATE stream_authorizations SET used_at = ?2, oauth_state = NULL, "
                                  "oauth_verifier = NULL WHERE token_hash = ?1 AND used_at = 0",
                                  "authorization link",
                                  FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_INT (now)), error);
}

gboolean
fd_store_set_authorization_oauth (FdStore     *self,
                                  const char  *token_hash,
                                  const char  *state,
                                  const char  *sealed_verifier,
                                  GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_update (self, "UPDATE stream_authorizations SET oauth_state = ?2, oauth_verifier = ?3 "
                                  "WHERE token_hash = ?1 AND used_at = 0",
                                  "authorization link",
                                  FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_TEXT (state),
                                                 FD_ARG_TEXT (sealed_verifier)), error);
}
