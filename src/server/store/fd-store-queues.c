#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* Queues and their members (who belongs to a queue and who has joined it). */

/* The threshold to store: 0 stands for the default. */
static gboolean
check_service_level (FdQueue  *queue,
                     GError  **error)
{
  if (queue->service_level_seconds == 0)
    queue->service_level_seconds = FD_STORE_SERVICE_LEVEL_DEFAULT;
  if (queue->service_level_seconds < 1 || queue->service_level_seconds > FD_STORE_SERVICE_LEVEL_MAX)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                   "The service level of a queue is 1 to %d seconds.", FD_STORE_SERVICE_LEVEL_MAX);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_members (FdStore    *self,
              GPtrArray  *queues,
              GError    **error)
{
  return fd_store_load_ids (self, queues, "SELECT agent_id FROM queue_members WHERE queue_id = ?1 ORDER BY agent_id",
                            G_STRUCT_OFFSET (FdQueue, id), G_STRUCT_OFFSET (FdQueue, member_ids), error);
}

static const FdStoreTable queue_table = {
  .what = "queue",
  .info = &fd_queue_info,
  FD_STORE_TABLE_SQL ("queues", "id, organization_id, name, service_level_seconds"),
  .load_children = load_members,
};

gboolean
fd_store_create_queue (FdStore   *self,
                       FdQueue   *queue,
                       GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (queue != NULL, FALSE);

  if (!fd_store_check_string (queue->name, "queue name", FD_STORE_MAX_NAME, TRUE, error) ||
      !check_service_level (queue, error))
    return FALSE;
  if (!fd_store_execute (self,
                         "INSERT INTO queues (organization_id, name, created_at, service_level_seconds) "
                         "VALUES (?1, ?2, ?3, ?4)",
                         FD_STORE_ARGS (FD_ARG_INT (queue->organization_id),
                                        FD_ARG_TEXT (queue->name),
                                        FD_ARG_INT (g_get_real_time ()),
                                        FD_ARG_INT (queue->service_level_seconds)), error))
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
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &queue_table, organization_id, id, error);
}

GPtrArray *
fd_store_list_queues (FdStore  *self,
                      gint64    organization_id,
                      GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_list (self, &queue_table, organization_id, error);
}

gboolean
fd_store_update_queue (FdStore        *self,
                       const FdQueue  *queue,
                       GError        **error)
{
  FdQueue checked;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (queue != NULL, FALSE);

  checked = *queue;
  if (!fd_store_check_string (queue->name, "queue name", FD_STORE_MAX_NAME, TRUE, error) ||
      !check_service_level (&checked, error))
    return FALSE;
  return fd_store_execute_update (self,
                                  "UPDATE queues SET name = ?3, service_level_seconds = ?4 "
                                  "WHERE organization_id = ?1 AND id = ?2",
                                  "queue",
                                  FD_STORE_ARGS (FD_ARG_INT (queue->organization_id),
                                                 FD_ARG_INT (queue->id),
                                                 FD_ARG_TEXT (queue->name),
                                                 FD_ARG_INT (checked.service_level_seconds)), error);
}

gboolean
fd_store_delete_queue (FdStore  *self,
                       gint64    organization_id,
                       gint64    id,
                       GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = fd_store_delete_owned_items (self, organization_id, FD_LEVEL_QUEUE, id, error) &&
       fd_store_table_delete (self, &queue_table, organization_id, id, error);
  if (!ok)
    fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                       "The queue still has media streams or conversations: move or delete them first.");
  return fd_store_end (self, ok, error);
}

/* Membership. */

#define T FdQueueMember
static const FdFieldInfo member_fields[] = {
  FD_F_INT64 (T, queue_id, FALSE),
  FD_F_INT64 (T, agent_id, FALSE),
  FD_F_BOOL (T, joined, FALSE),
};
static FD_TYPE_INFO (member_info, "queue member", T, member_fields, g_free);
#undef T

gboolean
fd_store_add_queue_member (FdStore  *self,
                           gint64    organization_id,
                           gint64    queue_id,
                           gint64    agent_id,
                           GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fd_store_execute (self,
                         "INSERT INTO queue_members (organization_id, queue_id, agent_id, joined) "
                         "VALUES (?1, ?2, ?3, 0) ON CONFLICT (queue_id, agent_id) DO NOTHING",
                         FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (queue_id),
                                        FD_ARG_INT (agent_id)), error))
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
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_delete (self,
                                  "DELETE FROM queue_members "
                                  "WHERE organization_id = ?1 AND queue_id = ?2 AND agent_id = ?3",
                                  "queue member",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (queue_id),
                                                 FD_ARG_INT (agent_id)), error);
}

gboolean
fd_store_set_queue_member_joined (FdStore   *self,
                                  gint64     organization_id,
                                  gint64     queue_id,
                                  gint64     agent_id,
                                  gboolean   joined,
                                  GError   **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_update (self,
                                  "UPDATE queue_members SET joined = ?4 "
                                  "WHERE organization_id = ?1 AND queue_id = ?2 AND agent_id = ?3",
                                  "queue member",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (queue_id),
                                                 FD_ARG_INT (agent_id),
                                                 FD_ARG_INT (joined ? 1 : 0)), error);
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

  stmt = fd_store_prepare_bound (self,
                                 "SELECT queue_id, agent_id, joined FROM queue_members "
                                 "WHERE organization_id = ?1 AND (?2 = 0 OR queue_id = ?2) "
                                 "AND (?3 = 0 OR agent_id = ?3) ORDER BY queue_id, agent_id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (queue_id),
                                                FD_ARG_INT (agent_id)), error);
  if (stmt == NULL)
    return NULL;
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      FdQueueMember member = { 0 };

      fd_store_read_columns (stmt, &member_info, 0, 0, &member);
      g_array_append_val (members, member);
    }
  return rc < 0 ? NULL : g_steal_pointer (&members);
}
