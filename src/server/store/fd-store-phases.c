#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

/* The routing phases of a media stream, replaced as a whole. */

static gboolean
load_phase_agents (FdStore    *self,
                   GPtrArray  *phases,
                   GError    **error)
{
  return fd_store_load_ids (self, phases, "SELECT agent_id FROM phase_agents WHERE phase_id = ?1 ORDER BY position",
                            G_STRUCT_OFFSET (FdPhase, id), G_STRUCT_OFFSET (FdPhase, agent_ids), error);
}

static const FdStoreTable phase_table = {
  .what = "routing phase",
  .info = &fd_phase_info,
  .load_children = load_phase_agents,
};

GPtrArray *
fd_store_list_phases (FdStore  *self,
                      gint64    organization_id,
                      gint64    stream_id,
                      GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!fd_store_exists (self, "SELECT 1 FROM streams WHERE organization_id = ?1 AND id = ?2",
                        organization_id, stream_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                         "No such media stream in this organization.");
      return NULL;
    }
  stmt = fd_store_prepare_bound (self,
                                 "SELECT id, organization_id, stream_id, position, strategy, "
                                 "bounce_seconds, duration_seconds FROM phases "
                                 "WHERE organization_id = ?1 AND stream_id = ?2 ORDER BY position",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (stream_id)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &phase_table, stmt, error);
}

static gboolean
check_phase (const FdPhase  *phase,
             GError        **error)
{
  if (!fd_store_check_enum (fd_strategy_to_string (phase->strategy), "routing strategy", error))
    return FALSE;
  if (phase->bounce_seconds < 0 || phase->duration_seconds < 0)
    return fd_store_invalid (error, "A routing phase's durations cannot be negative.");
  if (phase->agent_ids != NULL && phase->agent_ids->len > FD_STORE_MAX_LIST)
    return fd_store_invalid (error, "A routing phase names more than %u agents.", FD_STORE_MAX_LIST);
  return TRUE;
}

static gboolean
insert_phase (FdStore  *self,
              FdPhase  *phase,
              GError  **error)
{
  {
    if (!fd_store_execute (self,
                           "INSERT INTO phases (organization_id, stream_id, position, strategy, "
                           "bounce_seconds, duration_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           FD_STORE_ARGS (FD_ARG_INT (phase->organization_id),
                                          FD_ARG_INT (phase->stream_id),
                                          FD_ARG_INT (phase->position),
                                          FD_ARG_TEXT (fd_strategy_to_string (phase->strategy)),
                                          FD_ARG_INT (phase->bounce_seconds),
                                          FD_ARG_INT (phase->duration_seconds)), error))
      return FALSE;
    phase->id = fd_store_last_insert_id (self);
  }

  for (guint i = 0; phase->agent_ids != NULL && i < phase->agent_ids->len; i++)
    {
      /* A repeated agent is stored once, at its first position. */
      if (!fd_store_execute (self,
                             "INSERT INTO phase_agents (organization_id, phase_id, agent_id, position) "
                             "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (phase_id, agent_id) DO NOTHING",
                             FD_STORE_ARGS (FD_ARG_INT (phase->organization_id),
                                            FD_ARG_INT (phase->id),
                                            FD_ARG_INT (g_array_index (phase->agent_ids, gint64, i)),
                                            FD_ARG_INT ((int) i)), error))
        {
          fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_INVALID,
                             "A routing phase names an agent that does not exist in this organization.");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
fd_store_replace_phases (FdStore    *self,
                         gint64      organization_id,
                         gint64      stream_id,
                         GPtrArray  *phases,
                         GError    **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (phases != NULL, FALSE);

  if (phases->len > FD_STORE_MAX_LIST)
    return fd_store_invalid (error, "A media stream cannot have more than %u routing phases.",
                             FD_STORE_MAX_LIST);
  for (guint i = 0; i < phases->len; i++)
    if (!check_phase (g_ptr_array_index (phases, i), error))
      return FALSE;

  if (!fd_store_begin (self, error))
    return FALSE;
  ok = fd_store_exists (self,
                        "SELECT 1 FROM streams WHERE organization_id = ?1 AND id = ?2 AND deleted = 0",
                        organization_id, stream_id, error);
  if (!ok)
    fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                       "No such media stream in this organization.");
  if (ok)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;

      stmt = fd_store_prepare_bound (self,
                                     "DELETE FROM phases WHERE organization_id = ?1 AND stream_id = ?2",
                                     FD_STORE_ARGS (FD_ARG_INT (organization_id), FD_ARG_INT (stream_id)),
                                                    error);
      ok = stmt != NULL && fd_store_run (self, stmt, error);
    }
  for (guint i = 0; ok && i < phases->len; i++)
    {
      FdPhase *phase = g_ptr_array_index (phases, i);

      phase->organization_id = organization_id;
      phase->stream_id = stream_id;
      phase->position = (int) i;
      ok = insert_phase (self, phase, error);
    }
  return fd_store_end (self, ok, error);
}
