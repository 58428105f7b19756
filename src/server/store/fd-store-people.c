#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-file-policy.h"
#include "fd-store-private.h"

#include <string.h>

/* Organizations, agents, queues and queue membership. */

/* Organizations. */

#define ORG_COLUMNS "id, name, reserve_acd, created_at, blocked_extensions"

static FdOrganization *
org_from_row (FdStoreStmt *stmt)
{
  FdOrganization *org = fd_organization_new ();
  g_autofree char *reserve_acd = NULL;

  org->id = fd_store_col_int64 (stmt, 0);
  org->name = fd_store_col_text (stmt, 1);
  reserve_acd = fd_store_col_text (stmt, 2);
  fd_reserve_acd_from_string (reserve_acd, &org->reserve_acd);
  org->created_at = fd_store_col_int64 (stmt, 3);
  {
    g_autofree char *blocked = fd_store_col_text (stmt, 4);

    org->blocked_extensions = fd_store_strv_from_json (blocked);
  }
  return org;
}

/* Checks @org; its blocked extensions, normalized (".EXE" → "exe"), in
 * @out_blocked as the JSON text to store (NULL: the default list). */
static gboolean
check_org (const FdOrganization  *org,
           char                 **out_blocked,
           GError               **error)
{
  g_auto(GStrv) blocked = NULL;
  g_autoptr(GError) policy_error = NULL;

  *out_blocked = NULL;
  if (!fd_store_check_string (org->name, "organization name", FD_STORE_MAX_NAME, TRUE, error) ||
      !fd_store_check_enum (fd_reserve_acd_to_string (org->reserve_acd), "reserve setting", error))
    return FALSE;
  if (!fd_file_policy_normalize_list (org->blocked_extensions, &blocked, &policy_error))
    return fd_store_invalid (error, "%s", policy_error->message);
  *out_blocked = fd_store_strv_to_json (blocked);
  return TRUE;
}

gboolean
fd_store_create_organization (FdStore         *self,
                              FdOrganization  *org,
                              GError         **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *blocked = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "INSERT INTO organizations (name, reserve_acd, created_at, blocked_extensions) "
                           "VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  if (org->created_at == 0)
    org->created_at = g_get_real_time ();
  fd_store_bind_text (stmt, 1, org->name);
  fd_store_bind_text (stmt, 2, fd_reserve_acd_to_string (org->reserve_acd));
  sqlite3_bind_int64 (stmt, 3, org->created_at);
  fd_store_bind_text (stmt, 4, blocked);
  if (!fd_store_run (self, stmt, error))
    return FALSE;
  org->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdOrganization *
fd_store_get_organization (FdStore  *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self, "SELECT " ORG_COLUMNS " FROM organizations WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return org_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "No such organization.");
  return NULL;
}

GPtrArray *
fd_store_list_organizations (FdStore  *self,
                             GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = fd_organization_list_new ();
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self, "SELECT " ORG_COLUMNS " FROM organizations ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (list, org_from_row (stmt));
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

gboolean
fd_store_update_organization (FdStore               *self,
                              const FdOrganization  *org,
                              GError               **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *blocked = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (org != NULL, FALSE);

  if (!check_org (org, &blocked, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE organizations SET name = ?2, reserve_acd = ?3, blocked_extensions = ?4 "
                           "WHERE id = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, org->id);
  fd_store_bind_text (stmt, 2, org->name);
  fd_store_bind_text (stmt, 3, fd_reserve_acd_to_string (org->reserve_acd));
  fd_store_bind_text (stmt, 4, blocked);
  return fd_store_run_update (self, stmt, "organization", error);
}

gboolean
fd_store_delete_organization (FdStore  *self,
                              gint64    id,
                              GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self, "DELETE FROM organizations WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return fd_store_run_delete (self, stmt, "organization", error);
}

/* Agents. */

#define AGENT_COLUMNS "id, organization_id, email, name, role, acd_state, acd_reason, idle_since, created_at, password_hash"

static FdAgent *
agent_from_row (FdStoreStmt  *stmt,
                char        **out_password_hash)
{
  FdAgent *agent = fd_agent_new ();
  g_autofree char *role = NULL;
  g_autofree char *acd_state = NULL;

  agent->id = fd_store_col_int64 (stmt, 0);
  agent->organization_id = fd_store_col_int64 (stmt, 1);
  agent->email = fd_store_col_text (stmt, 2);
  agent->name = fd_store_col_text (stmt, 3);
  role = fd_store_col_text (stmt, 4);
  fd_role_from_string (role, &agent->role);
  acd_state = fd_store_col_text (stmt, 5);
  fd_acd_state_from_string (acd_state, &agent->acd_state);
  agent->acd_reason = fd_store_col_text (stmt, 6);
  agent->idle_since = fd_store_col_int64 (stmt, 7);
  agent->created_at = fd_store_col_int64 (stmt, 8);
  if (out_password_hash != NULL)
    {
      *out_password_hash = fd_store_col_text (stmt, 9);
      if (*out_password_hash != NULL && **out_password_hash == '\0')
        g_clear_pointer (out_password_hash, g_free);
    }
  return agent;
}

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

gboolean
fd_store_create_agent (FdStore     *self,
                       FdAgent     *agent,
                       const char  *password_hash,
                       GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *email = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (agent != NULL, FALSE);

  if (!check_agent (agent, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "INSERT INTO agents (organization_id, email, name, password_hash, role, "
                           "acd_state, acd_reason, idle_since, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  if (stmt == NULL)
    return FALSE;
  /* Stored case-folded so that the UNIQUE index compares case-insensitively. */
  email = fd_store_fold (agent->email);
  if (agent->created_at == 0)
    agent->created_at = g_get_real_time ();
  sqlite3_bind_int64 (stmt, 1, agent->organization_id);
  fd_store_bind_text (stmt, 2, email);
  fd_store_bind_text (stmt, 3, agent->name);
  /* No password yet is stored as "", which matches no password. */
  fd_store_bind_text (stmt, 4, password_hash != NULL ? password_hash : "");
  fd_store_bind_text (stmt, 5, fd_role_to_string (agent->role));
  fd_store_bind_text (stmt, 6, fd_acd_state_to_string (agent->acd_state));
  fd_store_bind_text (stmt, 7, agent->acd_reason);
  sqlite3_bind_int64 (stmt, 8, agent->idle_since);
  sqlite3_bind_int64 (stmt, 9, agent->created_at);
  if (!fd_store_run (self, stmt, error))
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
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " AGENT_COLUMNS " FROM agents "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return agent_from_row (stmt, NULL);
  if (rc == SQLITE_DONE)
    fd_store_not_found ("agent", error);
  return NULL;
}

FdAgent *
fd_store_get_agent_by_email (FdStore     *self,
                             const char  *email,
                             char       **out_password_hash,
                             GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *folded = NULL;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (email != NULL, NULL);

  stmt = fd_store_prepare (self, "SELECT " AGENT_COLUMNS " FROM agents WHERE email = ?1", error);
  if (stmt == NULL)
    return NULL;
  folded = fd_store_fold (email);
  fd_store_bind_text (stmt, 1, folded);
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return agent_from_row (stmt, out_password_hash);
  if (rc == SQLITE_DONE)
    g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "No agent has this email address.");
  return NULL;
}

GPtrArray *
fd_store_list_agents (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = fd_agent_list_new ();
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " AGENT_COLUMNS " FROM agents WHERE organization_id = ?1 "
                           "ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (list, agent_from_row (stmt, NULL));
  return rc < 0 ? NULL : g_steal_pointer (&list);
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
  stmt = fd_store_prepare (self,
                           "UPDATE agents SET email = ?3, name = ?4, role = ?5, acd_state = ?6, "
                           "acd_reason = ?7, idle_since = ?8 "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  email = fd_store_fold (agent->email);
  sqlite3_bind_int64 (stmt, 1, agent->organization_id);
  sqlite3_bind_int64 (stmt, 2, agent->id);
  fd_store_bind_text (stmt, 3, email);
  fd_store_bind_text (stmt, 4, agent->name);
  fd_store_bind_text (stmt, 5, fd_role_to_string (agent->role));
  fd_store_bind_text (stmt, 6, fd_acd_state_to_string (agent->acd_state));
  fd_store_bind_text (stmt, 7, agent->acd_reason);
  sqlite3_bind_int64 (stmt, 8, agent->idle_since);
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
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_check_enum (fd_acd_state_to_string (state), "ACD state", error) ||
      !fd_store_check_string (reason, "ACD reason", FD_STORE_MAX_NAME, FALSE, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE agents SET acd_state = ?3, acd_reason = ?4, idle_since = ?5 "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, agent_id);
  fd_store_bind_text (stmt, 3, fd_acd_state_to_string (state));
  fd_store_bind_text (stmt, 4, reason);
  sqlite3_bind_int64 (stmt, 5, idle_since);
  return fd_store_run_update (self, stmt, "agent", error);
}

gboolean
fd_store_set_agent_password_hash (FdStore     *self,
                                  gint64       organization_id,
                                  gint64       agent_id,
                                  const char  *password_hash,
                                  GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "UPDATE agents SET password_hash = ?3 "
                           "WHERE organization_id = ?1 AND id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, agent_id);
  fd_store_bind_text (stmt, 3, password_hash);
  return fd_store_run_update (self, stmt, "agent", error);
}

/* Rows that name their owner by (level, owner_id) have no foreign key: they
 * go with the owner here. */
static gboolean
delete_owned_items (FdStore     *self,
                    gint64       organization_id,
                    FdLevel      level,
                    gint64       owner_id,
                    GError     **error)
{
  static const char * const sql[] = {
    "DELETE FROM canned_replies WHERE organization_id = ?1 AND level = ?2 AND owner_id = ?3",
    "DELETE FROM resources WHERE organization_id = ?1 AND level = ?2 AND owner_id = ?3",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, organization_id);
      fd_store_bind_text (stmt, 2, fd_level_to_string (level));
      sqlite3_bind_int64 (stmt, 3, owner_id);
      if (!fd_store_run (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fd_store_delete_agent (FdStore  *self,
                       gint64    organization_id,
                       gint64    id,
                       GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = delete_owned_items (self, organization_id, FD_LEVEL_AGENT, id, error) &&
       (stmt = fd_store_prepare (self, "DELETE FROM agents WHERE organization_id = ?1 AND id = ?2",
                                 error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, organization_id);
      sqlite3_bind_int64 (stmt, 2, id);
      ok = fd_store_run_delete (self, stmt, "agent", error);
    }
  return fd_store_end (self, ok, error);
}

/* Queues. */

static GArray *
load_queue_member_ids (FdStore  *self,
                       gint64    queue_id,
                       GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = fd_store_prepare (self,
                           "SELECT agent_id FROM queue_members WHERE queue_id = ?1 ORDER BY agent_id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, queue_id);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 id = fd_store_col_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  return rc < 0 ? NULL : g_steal_pointer (&ids);
}

static GPtrArray *
list_queues (FdStore     *self,
             const char  *sql,
             gint64       organization_id,
             gint64       id,
             GError     **error)
{
  g_autoptr(GPtrArray) list = fd_queue_list_new ();
  int rc;

  {
    g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    sqlite3_bind_int64 (stmt, 2, id);
    while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
      {
        FdQueue *queue = fd_queue_new ();

        queue->id = fd_store_col_int64 (stmt, 0);
        queue->organization_id = fd_store_col_int64 (stmt, 1);
        queue->name = fd_store_col_text (stmt, 2);
        g_ptr_array_add (list, queue);
      }
    if (rc < 0)
      return NULL;
  }

  for (guint i = 0; i < list->len; i++)
    {
      FdQueue *queue = g_ptr_array_index (list, i);

      queue->member_ids = load_queue_member_ids (self, queue->id, error);
      if (queue->member_ids == NULL)
        return NULL;
    }
  return g_steal_pointer (&list);
}

gboolean
fd_store_create_queue (FdStore   *self,
                       FdQueue   *queue,
                       GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (queue != NULL, FALSE);

  if (!fd_store_check_string (queue->name, "queue name", FD_STORE_MAX_NAME, TRUE, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "INSERT INTO queues (organization_id, name, created_at) VALUES (?1, ?2, ?3)",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, queue->organization_id);
  fd_store_bind_text (stmt, 2, queue->name);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
  if (!fd_store_run (self, stmt, error))
    return FALSE;
  queue->id = fd_store_last_insert_id (self);
  return TRUE;
}

FdQueue *
fd_store_get_queue (FdStore  *self,
                    gint64    organization_id,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  list = list_queues (self,
                      "SELECT id, organization_id, name FROM queues "
                      "WHERE organization_id = ?1 AND id = ?2", organization_id, id, error);
  if (list == NULL)
    return NULL;
  if (list->len == 0)
    {
      fd_store_not_found ("queue", error);
      return NULL;
    }
  return g_ptr_array_steal_index (list, 0);
}

GPtrArray *
fd_store_list_queues (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return list_queues (self,
                      "SELECT id, organization_id, name FROM queues "
                      "WHERE organization_id = ?1 AND ?2 = 0 ORDER BY id", organization_id, 0, error);
}

gboolean
fd_store_update_queue (FdStore        *self,
                       const FdQueue  *queue,
                       GError        **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (queue != NULL, FALSE);

  if (!fd_store_check_string (queue->name, "queue name", FD_STORE_MAX_NAME, TRUE, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE queues SET name = ?3 WHERE organization_id = ?1 AND id = ?2",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, queue->organization_id);
  sqlite3_bind_int64 (stmt, 2, queue->id);
  fd_store_bind_text (stmt, 3, queue->name);
  return fd_store_run_update (self, stmt, "queue", error);
}

gboolean
fd_store_delete_queue (FdStore  *self,
                       gint64    organization_id,
                       gint64    id,
                       GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = delete_owned_items (self, organization_id, FD_LEVEL_QUEUE, id, error) &&
       (stmt = fd_store_prepare (self, "DELETE FROM queues WHERE organization_id = ?1 AND id = ?2",
                                 error)) != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, organization_id);
      sqlite3_bind_int64 (stmt, 2, id);
      ok = fd_store_run_delete (self, stmt, "queue", error);
      if (!ok)
        fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                           "The queue still has media streams or conversations: move or delete them first.");
    }
  return fd_store_end (self, ok, error);
}

/* Membership. */

gboolean
fd_store_add_queue_member (FdStore  *self,
                           gint64    organization_id,
                           gint64    queue_id,
                           gint64    agent_id,
                           GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "INSERT INTO queue_members (organization_id, queue_id, agent_id, joined) "
                           "VALUES (?1, ?2, ?3, 0) ON CONFLICT (queue_id, agent_id) DO NOTHING",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, queue_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  if (!fd_store_run (self, stmt, error))
    {
      /* The composite foreign keys refuse an agent or queue of another
       * organization: for the caller it does not exist. */
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_NOT_FOUND,
                         "No such queue or agent in this organization.");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_store_remove_queue_member (FdStore  *self,
                              gint64    organization_id,
                              gint64    queue_id,
                              gint64    agent_id,
                              GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "DELETE FROM queue_members "
                           "WHERE organization_id = ?1 AND queue_id = ?2 AND agent_id = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, queue_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  return fd_store_run_delete (self, stmt, "queue member", error);
}

gboolean
fd_store_set_queue_member_joined (FdStore   *self,
                                  gint64     organization_id,
                                  gint64     queue_id,
                                  gint64     agent_id,
                                  gboolean   joined,
                                  GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "UPDATE queue_members SET joined = ?4 "
                           "WHERE organization_id = ?1 AND queue_id = ?2 AND agent_id = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, queue_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  sqlite3_bind_int (stmt, 4, joined ? 1 : 0);
  return fd_store_run_update (self, stmt, "queue member", error);
}

GArray *
fd_store_list_queue_members (FdStore  *self,
                             gint64    organization_id,
                             gint64    queue_id,
                             gint64    agent_id,
                             GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (FdQueueMember));
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT queue_id, agent_id, joined FROM queue_members "
                           "WHERE organization_id = ?1 AND (?2 = 0 OR queue_id = ?2) "
                           "AND (?3 = 0 OR agent_id = ?3) ORDER BY queue_id, agent_id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, queue_id);
  sqlite3_bind_int64 (stmt, 3, agent_id);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      FdQueueMember member = {
        .queue_id = fd_store_col_int64 (stmt, 0),
        .agent_id = fd_store_col_int64 (stmt, 1),
        .joined = sqlite3_column_int (stmt, 2) != 0,
      };

      g_array_append_val (members, member);
    }
  return rc < 0 ? NULL : g_steal_pointer (&members);
}
