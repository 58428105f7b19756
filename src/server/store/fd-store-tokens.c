#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Token hashes of agents, visitors and administrators. The store never sees
 * a token itself: fd-auth hashes it first. */

static gboolean
check_hash (const char  *token_hash,
            GError     **error)
{
  return fd_store_check_string (token_hash, "token hash", FD_STORE_MAX_ID, TRUE, error);
}

/* Inserts a token whose hash is the first of @args; a foreign key that
 * refuses the owner (of another organization, or none) is NOT_FOUND with
 * @no_owner. */
static gboolean
insert_token (FdStore           *self,
              const char        *sql,
              const FdStoreArg  *args,
              guint              n_args,
              const char        *no_owner,
              GError           **error)
{
  if (!check_hash (args[0].text, error))
    return FALSE;
  if (!fd_store_execute (self, sql, args, n_args, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND, no_owner);
      return FALSE;
    }
  return TRUE;
}

static gboolean
lookup_token (FdStore     *self,
              const char  *sql,
              const char  *token_hash,
              gint64      *out_organization_id,
              gint64      *out_owner_id,
              gboolean    *out_revoked,
              GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  if (!check_hash (token_hash, error))
    return FALSE;
  stmt = fd_store_prepare_bound (self, sql,
                                 FD_STORE_ARGS (FD_ARG_TEXT (token_hash)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "No such token."))
    return FALSE;
  if (out_organization_id != NULL)
    *out_organization_id = fd_store_col_int64 (stmt, 0);
  if (out_owner_id != NULL)
    *out_owner_id = fd_store_col_int64 (stmt, 1);
  if (out_revoked != NULL)
    *out_revoked = fd_store_col_int64 (stmt, 2) != 0;
  return TRUE;
}

static gboolean
revoke_tokens (FdStore     *self,
        const char  *sql,
        const char  *text,
        gint64       id1,
        gint64       id2,
        gboolean     must_exist,
        GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  /* Revoking twice keeps the first time. */
  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  if (text != NULL)
    fd_store_bind_text (stmt, 2, text);
  else
    {
      sqlite3_bind_int64 (stmt, 2, id1);
      sqlite3_bind_int64 (stmt, 3, id2);
    }
  if (must_exist)
    return fd_store_run_update (self, stmt, "token", error);
  return fd_store_run (self, stmt, error);
}

gboolean
fd_store_lookup_agent_token (FdStore     *self,
                             const char  *token_hash,
                             gint64      *out_organization_id,
                             gint64      *out_agent_id,
                             gboolean    *out_revoked,
                             GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return lookup_token (self,
                       "SELECT organization_id, agent_id, revoked_at FROM agent_tokens WHERE hash = ?1",
                       token_hash, out_organization_id, out_agent_id, out_revoked, error);
}

gboolean
fd_store_revoke_agent_token (FdStore     *self,
                             const char  *token_hash,
                             GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);

  return revoke_tokens (self,
                 "UPDATE agent_tokens SET revoked_at = CASE revoked_at WHEN 0 THEN ?1 ELSE revoked_at END "
                 "WHERE hash = ?2", token_hash, 0, 0, TRUE, error);
}

gboolean
fd_store_revoke_agent_tokens (FdStore  *self,
                              gint64    organization_id,
                              gint64    agent_id,
                              GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return revoke_tokens (self,
                 "UPDATE agent_tokens SET revoked_at = ?1 "
                 "WHERE organization_id = ?2 AND agent_id = ?3 AND revoked_at = 0",
                 NULL, organization_id, agent_id, FALSE, error);
}

gboolean
fd_store_insert_agent_token_full (FdStore     *self,
                                  gint64       organization_id,
                                  gint64       agent_id,
                                  const char  *token_hash,
                                  gint64       expires_at,
                                  GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return insert_token (self,
                       "INSERT INTO agent_tokens (hash, organization_id, agent_id, created_at, "
                       "last_used_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                       FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_INT (organization_id),
                                      FD_ARG_INT (agent_id), FD_ARG_INT (g_get_real_time ()),
                                      FD_ARG_INT (expires_at)),
                       "No such agent in this organization.", error);
}

#define T FdStoreAgentToken
static const FdFieldInfo agent_token_fields[] = {
  FD_F_INT64 (T, organization_id, FALSE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_TIME (T, created_at, FALSE),
  FD_F_TIME (T, last_used_at, FALSE),
  FD_F_TIME (T, expires_at, FALSE),
  FD_F_BOOL (T, revoked, FALSE),
};
static FD_TYPE_INFO (agent_token_info, "token", T, agent_token_fields, g_free);
#undef T

gboolean
fd_store_get_agent_token (FdStore           *self,
                          const char        *token_hash,
                          FdStoreAgentToken *out_token,
                          GError           **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_token != NULL, FALSE);

  if (!check_hash (token_hash, error))
    return FALSE;
  stmt = fd_store_prepare_bound (self,
                                 "SELECT organization_id, agent_id, created_at, last_used_at, expires_at, "
                                 "revoked_at != 0 AS revoked FROM agent_tokens WHERE hash = ?1",
                                 FD_STORE_ARGS (FD_ARG_TEXT (token_hash)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "No such token."))
    return FALSE;
  *out_token = (FdStoreAgentToken) { 0 };
  fd_store_read_columns (stmt, &agent_token_info, 0, 0, out_token);
  return TRUE;
}

gboolean
fd_store_touch_agent_token (FdStore     *self,
                            const char  *token_hash,
                            gint64       last_used_at,
                            gint64       expires_at,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_hash (token_hash, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE agent_tokens SET last_used_at = ?2, expires_at = ?3 WHERE hash = ?1",
                                  "token",
                                  FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_INT (last_used_at),
                                                 FD_ARG_INT (expires_at)), error);
}

gboolean
fd_store_limit_agent_tokens (FdStore     *self,
                             gint64       organization_id,
                             gint64       agent_id,
                             guint        keep,
                             gint64       now,
                             GPtrArray   *revoked_hashes,
                             GError     **error)
{
  g_autoptr(FdStoreStmt) list = NULL;
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  /* Newest first; rowid breaks ties of tokens made within a microsecond. */
  list = fd_store_prepare_bound (self,
                                 "SELECT hash FROM agent_tokens "
                                 "WHERE organization_id = ?1 AND agent_id = ?2 AND revoked_at = 0 "
                                 "AND (expires_at = 0 OR expires_at > ?3) "
                                 "ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?4",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                                FD_ARG_INT (now), FD_ARG_INT (keep)), error);
  if (list == NULL)
    return FALSE;
  while ((rc = fd_store_step (self, list, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (doomed, fd_store_col_text (list, 0));
  if (rc < 0)
    return FALSE;
  fd_store_stmt_release (list);
  for (guint i = 0; i < doomed->len; i++)
    {
      if (!fd_store_revoke_agent_token (self, doomed->pdata[i], error))
        return FALSE;
      if (revoked_hashes != NULL)
        g_ptr_array_add (revoked_hashes, g_strdup (doomed->pdata[i]));
    }
  return TRUE;
}

gboolean
fd_store_purge_agent_tokens (FdStore  *self,
                             gint64    organization_id,
                             gint64    agent_id,
                             gint64    before,
                             GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute (self,
                           "DELETE FROM agent_tokens WHERE organization_id = ?1 AND agent_id = ?2 "
                           "AND ((revoked_at > 0 AND revoked_at < ?3) OR (expires_at > 0 AND expires_at < ?3))",
                           FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                          FD_ARG_INT (before)), error);
}

gboolean
fd_store_insert_visitor_token (FdStore     *self,
                               gint64       organization_id,
                               gint64       conversation_id,
                               const char  *token_hash,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return insert_token (self,
                       "INSERT INTO visitor_tokens (hash, organization_id, conversation_id, created_at) "
                       "VALUES (?1, ?2, ?3, ?4)",
                       FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_INT (organization_id),
                                      FD_ARG_INT (conversation_id), FD_ARG_INT (g_get_real_time ())),
                       "No such conversation in this organization.", error);
}

gboolean
fd_store_lookup_visitor_token (FdStore     *self,
                               const char  *token_hash,
                               gint64      *out_organization_id,
                               gint64      *out_conversation_id,
                               gboolean    *out_revoked,
                               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return lookup_token (self,
                       "SELECT organization_id, conversation_id, revoked_at FROM visitor_tokens "
                       "WHERE hash = ?1",
                       token_hash, out_organization_id, out_conversation_id, out_revoked, error);
}

gboolean
fd_store_revoke_visitor_tokens (FdStore  *self,
                                gint64    organization_id,
                                gint64    conversation_id,
                                GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return revoke_tokens (self,
                 "UPDATE visitor_tokens SET revoked_at = ?1 "
                 "WHERE organization_id = ?2 AND conversation_id = ?3 AND revoked_at = 0",
                 NULL, organization_id, conversation_id, FALSE, error);
}

gboolean
fd_store_insert_admin_token (FdStore     *self,
                             const char  *token_hash,
                             const char  *label,
                             GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_hash (token_hash, error) ||
      !fd_store_check_string (label, "token label", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  return fd_store_execute (self,
                           "INSERT INTO admin_tokens (hash, label, created_at) VALUES (?1, ?2, ?3)",
                           FD_STORE_ARGS (FD_ARG_TEXT (token_hash), FD_ARG_TEXT (label),
                                          FD_ARG_INT (g_get_real_time ())), error);
}

gboolean
fd_store_lookup_admin_token (FdStore     *self,
                             const char  *token_hash,
                             gboolean    *out_revoked,
                             GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return lookup_token (self,
                       "SELECT 0, 0, revoked_at FROM admin_tokens WHERE hash = ?1",
                       token_hash, NULL, NULL, out_revoked, error);
}

gboolean
fd_store_revoke_admin_token (FdStore     *self,
                             const char  *token_hash,
                             GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);

  return revoke_tokens (self,
                 "UPDATE admin_tokens SET revoked_at = CASE revoked_at WHEN 0 THEN ?1 ELSE revoked_at END "
                 "WHERE hash = ?2", token_hash, 0, 0, TRUE, error);
}

gboolean
fd_store_count_admin_tokens (FdStore  *self,
                             gint64   *out_count,
                             GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  return fd_store_query_int64 (self, "SELECT count(*) FROM admin_tokens WHERE revoked_at = 0",
                               NULL, 0, out_count, error);
}
