#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <string.h>

/* Agents: their accounts, roles and ACD state. */

#define AGENT_COLUMNS "id, organization_id, email, name, role, acd_state, acd_reason, idle_since, " \
                      "created_at, password_hash"

/* The password hash, the last column, is no field of FdAgent: only the
 * sign-in reads it. */
static const FdStoreTable agent_table = {
  .what = "agent",
  .info = &fd_agent_info,
  .n_columns = 9,
  FD_STORE_TABLE_SQL ("agents", AGENT_COLUMNS),
};

static gboolean
check_email (const char  *email,
             GError     **error)
{
  if (!fd_store_check_string (email, "email address", FD_STORE_MAX_NAME, TRUE, error))
    return FALSE;
  if (strchr (email, '@') == NULL || strchr (email, ' ') != NULL)
    return fd_store_invalid (error, "The email address is not of the form name@example.com.");
  return TRUE;
}

static gboolean
check_agent (const FdAgent  *agent,
             GError        **error)
{
  return check_email (agent->email, error) &&
         fd_store_check_string (agent->name, "agent name", FD_STORE_MAX_NAME, TRUE, error) &&
         fd_store_check_enum (fd_role_to_string (agent->role), "role", error) &&
         fd_store_check_enum (fd_acd_state_to_string (agent->acd_state), "ACD state", error) &&
         fd_store_check_string (agent->acd_reason, "ACD reason", FD_STORE_MAX_NAME, FALSE, error);
}

/* An agent named by another row (0: none) must be of its organization. */
gboolean
fd_store_check_agent_in_org (FdStore  *self,
                             gint64    organization_id,
                             gint64    agent_id,
                             GError  **error)
{
  if (agent_id == 0)
    return TRUE;
  if (!fd_store_exists (self, "SELECT 1 FROM agents WHERE organization_id = ?1 AND id = ?2",
                        organization_id, agent_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_INVALID,
                         "The agent does not exist in this organization.");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_store_create_agent (FdStore     *self,
                       FdAgent     *agent,
                       const char  *password_hash,
                       GError     **error)
{
  g_autofree char *email = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (agent != NULL, FALSE);

  if (!check_agent (agent, error))
    return FALSE;
  /* Stored case-folded so that the UNIQUE index compares case-insensitively. */
  email = fd_store_fold (agent->email);
  if (agent->created_at == 0)
    agent->created_at = g_get_real_time ();
  /* No password yet is stored as "", which matches no password. */
  if (!fd_store_execute (self,
                         "INSERT INTO agents (organization_id, email, name, password_hash, role, "
                         "acd_state, acd_reason, idle_since, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         FD_STORE_ARGS (FD_ARG_INT (agent->organization_id), FD_ARG_TEXT (email),
                                        FD_ARG_TEXT (agent->name),
                                        FD_ARG_TEXT (password_hash != NULL ? password_hash : ""),
                                        FD_ARG_TEXT (fd_role_to_string (agent->role)),
                                        FD_ARG_TEXT (fd_acd_state_to_string (agent->acd_state)),
                                        FD_ARG_TEXT (agent->acd_reason), FD_ARG_INT (agent->idle_since),
                                        FD_ARG_INT (agent->created_at)), error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                         "An agent with this email address already exists.");
      return FALSE;
    }
  agent->id = fd_store_last_insert_id (self);
  g_free (agent->email);
  agent->email = g_steal_pointer (&email);
  return TRUE;
}

FdAgent *
fd_store_get_agent (FdStore  *self,
                    gint64    organization_id,
                    gint64    id,
                    GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &agent_table, organization_id, id, error);
}

FdAgent *
fd_store_get_agent_by_email (FdStore     *self,
                             const char  *email,
                             char       **out_password_hash,
                             GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *folded = NULL;
  FdAgent *agent;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (email != NULL, NULL);

  folded = fd_store_fold (email);
  stmt = fd_store_prepare_bound (self, "SELECT " AGENT_COLUMNS " FROM agents WHERE email = ?1",
                                 FD_STORE_ARGS (FD_ARG_TEXT (folded)), error);
  if (stmt == NULL || !fd_store_step_row (self, stmt, error, "No agent has this email address."))
    return NULL;
  agent = fd_store_table_row (&agent_table, stmt);
  if (out_password_hash != NULL)
    {
      /* No password yet is stored as "". */
      *out_password_hash = fd_store_col_text (stmt, agent_table.n_columns);
      if (*out_password_hash != NULL && **out_password_hash == '\0')
        g_clear_pointer (out_password_hash, g_free);
    }
  return agent;
}

GPtrArray *
fd_store_list_agents (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_list (self, &agent_table, organization_id, error);
}

gboolean
fd_store_update_agent (FdStore        *self,
                       const FdAgent  *agent,
                       GError        **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *email = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (agent != NULL, FALSE);

  if (!check_agent (agent, error))
    return FALSE;
  email = fd_store_fold (agent->email);
  stmt = fd_store_prepare_bound (self,
                                 "UPDATE agents SET email = ?3, name = ?4, role = ?5, acd_state = ?6, "
                                 "acd_reason = ?7, idle_since = ?8 "
                                 "WHERE organization_id = ?1 AND id = ?2",
                                 FD_STORE_ARGS (FD_ARG_INT (agent->organization_id),
                                                FD_ARG_INT (agent->id), FD_ARG_TEXT (email),
                                                FD_ARG_TEXT (agent->name),
                                                FD_ARG_TEXT (fd_role_to_string (agent->role)),
                                                FD_ARG_TEXT (fd_acd_state_to_string (agent->acd_state)),
                                                FD_ARG_TEXT (agent->acd_reason),
                                                FD_ARG_INT (agent->idle_since)), error);
  if (stmt == NULL)
    return FALSE;
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc < 0)
    {
      fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                         "An agent with this email address already exists.");
      return FALSE;
    }
  if (fd_store_changes (self) == 0)
    return fd_store_not_found ("agent", error);
  return TRUE;
}

gboolean
fd_store_set_agent_acd (FdStore     *self,
                        gint64       organization_id,
                        gint64       agent_id,
                        FdAcdState   state,
                        const char  *reason,
                        gint64       idle_since,
                        GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_check_enum (fd_acd_state_to_string (state), "ACD state", error) ||
      !fd_store_check_string (reason, "ACD reason", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE agents SET acd_state = ?3, acd_reason = ?4, idle_since = ?5 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "agent",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                                 FD_ARG_TEXT (fd_acd_state_to_string (state)),
                                                 FD_ARG_TEXT (reason),
                                                 FD_ARG_INT (idle_since)), error);
}

gboolean
fd_store_set_agent_password_hash (FdStore     *self,
                                  gint64       organization_id,
                                  gint64       agent_id,
                                  const char  *password_hash,
                                  GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  return fd_store_execute_update (self,
                                  "UPDATE agents SET password_hash = ?3 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "agent",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (agent_id),
                                                 FD_ARG_TEXT (password_hash)), error);
}

gboolean
fd_store_delete_agent (FdStore  *self,
                       gint64    organization_id,
                       gint64    id,
                       GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = fd_store_delete_owned_items (self, organization_id, FD_LEVEL_AGENT, id, error) &&
       fd_store_table_delete (self, &agent_table, organization_id, id, error);
  return fd_store_end (self, ok, error);
}
