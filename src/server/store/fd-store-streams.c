#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <sodium.h>
#include <string.h>

/* Media streams and their routing phases. */

/* 16 random bytes: as unguessable as a UUID, 22 characters in a URL. The key
 * is public (it sits in the business's web page), so it is not hashed. */
#define STREAM_KEY_BYTES 16

#define STREAM_COLUMNS "id, organization_id, queue_id, kind, name, key, departments, " \
                       "allowed_origins, settings_json, deleted, created_at"

static FdStream *
stream_from_row (FdStoreStmt *stmt)
{
  FdStream *stream = fd_stream_new ();
  g_autofree char *kind = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *origins = NULL;

  stream->id = fd_store_col_int64 (stmt, 0);
  stream->organization_id = fd_store_col_int64 (stmt, 1);
  stream->queue_id = fd_store_col_int64 (stmt, 2);
  kind = fd_store_col_text (stmt, 3);
  fd_stream_kind_from_string (kind, &stream->kind);
  stream->name = fd_store_col_text (stmt, 4);
  stream->key = fd_store_col_text (stmt, 5);
  departments = fd_store_col_text (stmt, 6);
  stream->departments = fd_store_strv_from_json (departments);
  origins = fd_store_col_text (stmt, 7);
  stream->allowed_origins = fd_store_strv_from_json (origins);
  stream->settings_json = fd_store_col_text (stmt, 8);
  stream->deleted = sqlite3_column_int (stmt, 9) != 0;
  stream->created_at = fd_store_col_int64 (stmt, 10);
  return stream;
}

static gboolean
check_stream (const FdStream  *stream,
              GError         **error)
{
  return fd_store_check_string (stream->name, "media stream name", FD_STORE_MAX_NAME, TRUE, error) &&
         fd_store_check_enum (fd_stream_kind_to_string (stream->kind), "media stream kind", error) &&
         fd_store_check_strv (stream->departments, "department", FD_STORE_MAX_NAME, error) &&
         fd_store_check_strv (stream->allowed_origins, "allowed origin", FD_STORE_MAX_STRING, error) &&
         fd_store_check_json (stream->settings_json, "media stream settings", FD_STORE_MAX_JSON, error);
}

static char *
generate_stream_key (void)
{
  guchar bytes[STREAM_KEY_BYTES];
  char text[sodium_base64_ENCODED_LEN (STREAM_KEY_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return g_strdup (text);
}

/* A chosen key (a site import keeps its keys so that the web pages that
 * name them keep working) must be as safe in a URL and an HTML attribute as
 * a generated one. */
static gboolean
check_stream_key (const char  *key,
                  GError     **error)
{
  gsize len = strlen (key);

  if (len < FD_STORE_MIN_STREAM_KEY || len > FD_STORE_MAX_ID)
    return fd_store_invalid (error, "A media stream key has %u to %u characters.",
                             FD_STORE_MIN_STREAM_KEY, FD_STORE_MAX_ID);
  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return fd_store_invalid (error, "A media stream key holds only letters, digits, - and _.");
  return TRUE;
}

gboolean
fd_store_create_stream (FdStore   *self,
                        FdStream  *stream,
                        GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *key = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *origins = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream != NULL, FALSE);

  if (!check_stream (stream, error) ||
      (stream->key != NULL && *stream->key != '\0' && !check_stream_key (stream->key, error)))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "INSERT INTO streams (organization_id, queue_id, kind, name, key, "
                           "departments, allowed_origins, settings_json, deleted, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)", error);
  if (stmt == NULL)
    return FALSE;
  key = stream->key != NULL && *stream->key != '\0' ? g_strdup (stream->key) : generate_stream_key ();
  departments = fd_store_strv_to_json (stream->departments);
  origins = fd_store_strv_to_json (stream->allowed_origins);
  if (stream->created_at == 0)
    stream->created_at = g_get_real_time ();
  sqlite3_bind_int64 (stmt, 1, stream->organization_id);
  sqlite3_bind_int64 (stmt, 2, stream->queue_id);
  fd_store_bind_text (stmt, 3, fd_stream_kind_to_string (stream->kind));
  fd_store_bind_text (stmt, 4, stream->name);
  fd_store_bind_text (stmt, 5, key);
  fd_store_bind_text (stmt, 6, departments);
  fd_store_bind_text (stmt, 7, origins);
  fd_store_bind_text (stmt, 8, stream->settings_json);
  sqlite3_bind_int64 (stmt, 9, stream->created_at);
  if (!fd_store_run (self, stmt, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_INVALID, FD_STORE_ERROR_INVALID,
                         "The media stream's queue does not exist in this organization.");
      fd_store_rephrase (error, FD_STORE_ERROR_CONFLICT, FD_STORE_ERROR_CONFLICT,
                         "A media stream with this key already exists.");
      return FALSE;
    }
  stream->id = fd_store_last_insert_id (self);
  stream->deleted = FALSE;
  g_free (stream->key);
  stream->key = g_steal_pointer (&key);
  return TRUE;
}

static FdStream *
get_one_stream (FdStore     *self,
                const char  *sql,
                gint64       organization_id,
                gint64       id,
                const char  *key,
                GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = fd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (key != NULL)
    fd_store_bind_text (stmt, 1, key);
  else
    {
      sqlite3_bind_int64 (stmt, 1, organization_id);
      sqlite3_bind_int64 (stmt, 2, id);
    }
  rc = fd_store_step (self, stmt, FALSE, error);
  if (rc == SQLITE_ROW)
    return stream_from_row (stmt);
  if (rc == SQLITE_DONE)
    fd_store_not_found ("media stream", error);
  return NULL;
}

FdStream *
fd_store_get_stream (FdStore  *self,
                     gint64    organization_id,
                     gint64    id,
                     GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_one_stream (self,
                         "SELECT " STREAM_COLUMNS " FROM streams "
                         "WHERE organization_id = ?1 AND id = ?2",
                         organization_id, id, NULL, error);
}

FdStream *
fd_store_get_stream_by_key (FdStore     *self,
                            const char  *key,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return get_one_stream (self,
                         "SELECT " STREAM_COLUMNS " FROM streams WHERE key = ?1 AND deleted = 0",
                         0, 0, key, error);
}

GPtrArray *
fd_store_list_streams (FdStore   *self,
                       gint64     organization_id,
                       gboolean   include_deleted,
                       GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = fd_stream_list_new ();
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare (self,
                           "SELECT " STREAM_COLUMNS " FROM streams "
                           "WHERE organization_id = ?1 AND (?2 OR deleted = 0) ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int (stmt, 2, include_deleted ? 1 : 0);
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    g_ptr_array_add (list, stream_from_row (stmt));
  return rc < 0 ? NULL : g_steal_pointer (&list);
}

gboolean
fd_store_update_stream (FdStore         *self,
                        const FdStream  *stream,
                        GError         **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *origins = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream != NULL, FALSE);

  if (!check_stream (stream, error))
    return FALSE;
  stmt = fd_store_prepare (self,
                           "UPDATE streams SET queue_id = ?3, name = ?4, departments = ?5, "
                           "allowed_origins = ?6, settings_json = ?7 "
                           "WHERE organization_id = ?1 AND id = ?2 AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  departments = fd_store_strv_to_json (stream->departments);
  origins = fd_store_strv_to_json (stream->allowed_origins);
  sqlite3_bind_int64 (stmt, 1, stream->organization_id);
  sqlite3_bind_int64 (stmt, 2, stream->id);
  sqlite3_bind_int64 (stmt, 3, stream->queue_id);
  fd_store_bind_text (stmt, 4, stream->name);
  fd_store_bind_text (stmt, 5, departments);
  fd_store_bind_text (stmt, 6, origins);
  fd_store_bind_text (stmt, 7, stream->settings_json);
  return fd_store_run_update (self, stmt, "media stream", error);
}

gboolean
fd_store_delete_stream (FdStore  *self,
                        gint64    organization_id,
                        gint64    id,
                        GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  stmt = fd_store_prepare (self,
                           "UPDATE streams SET deleted = 1 "
                           "WHERE organization_id = ?1 AND id = ?2 AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, organization_id);
  sqlite3_bind_int64 (stmt, 2, id);
  return fd_store_run_update (self, stmt, "media stream", error);
}

/* Phases. */

static gboolean
load_phase_agents (FdStore  *self,
                   FdPhase  *phase,
                   GError  **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;
  int rc;

  stmt = fd_store_prepare (self,
                           "SELECT agent_id FROM phase_agents WHERE phase_id = ?1 ORDER BY position",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, phase->id);
  phase->agent_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
    {
      gint64 id = fd_store_col_int64 (stmt, 0);

      g_array_append_val (phase->agent_ids, id);
    }
  return rc >= 0;
}

GPtrArray *
fd_store_list_phases (FdStore  *self,
                      gint64    organization_id,
                      gint64    stream_id,
                      GError  **error)
{
  g_autoptr(GPtrArray) list = fd_phase_list_new ();
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  if (!fd_store_exists (self, "SELECT 1 FROM streams WHERE organization_id = ?1 AND id = ?2",
                        organization_id, stream_id, error))
    {
      fd_store_rephrase (error, FD_STORE_ERROR_NOT_FOUND, FD_STORE_ERROR_NOT_FOUND,
                         "No such media stream in this organization.");
      return NULL;
    }

  {
    g_autoptr(FdStoreStmt) stmt = NULL;

    stmt = fd_store_prepare (self,
                             "SELECT id, organization_id, stream_id, position, strategy, "
                             "bounce_seconds, duration_seconds FROM phases "
                             "WHERE organization_id = ?1 AND stream_id = ?2 ORDER BY position", error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_int64 (stmt, 1, organization_id);
    sqlite3_bind_int64 (stmt, 2, stream_id);
    while ((rc = fd_store_step (self, stmt, FALSE, error)) == SQLITE_ROW)
      {
        FdPhase *phase = fd_phase_new ();
        g_autofree char *strategy = NULL;

        phase->id = fd_store_col_int64 (stmt, 0);
        phase->organization_id = fd_store_col_int64 (stmt, 1);
        phase->stream_id = fd_store_col_int64 (stmt, 2);
        phase->position = sqlite3_column_int (stmt, 3);
        strategy = fd_store_col_text (stmt, 4);
        fd_strategy_from_string (strategy, &phase->strategy);
        phase->bounce_seconds = sqlite3_column_int (stmt, 5);
        phase->duration_seconds = sqlite3_column_int (stmt, 6);
        g_ptr_array_add (list, phase);
      }
    if (rc < 0)
      return NULL;
  }

  for (guint i = 0; i < list->len; i++)
    if (!load_phase_agents (self, g_ptr_array_index (list, i), error))
      return NULL;
  return g_steal_pointer (&list);
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
    g_autoptr(FdStoreStmt) stmt = NULL;

    stmt = fd_store_prepare (self,
                             "INSERT INTO phases (organization_id, stream_id, position, strategy, "
                             "bounce_seconds, duration_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, phase->organization_id);
    sqlite3_bind_int64 (stmt, 2, phase->stream_id);
    sqlite3_bind_int (stmt, 3, phase->position);
    fd_store_bind_text (stmt, 4, fd_strategy_to_string (phase->strategy));
    sqlite3_bind_int (stmt, 5, phase->bounce_seconds);
    sqlite3_bind_int (stmt, 6, phase->duration_seconds);
    if (!fd_store_run (self, stmt, error))
      return FALSE;
    phase->id = fd_store_last_insert_id (self);
  }

  for (guint i = 0; phase->agent_ids != NULL && i < phase->agent_ids->len; i++)
    {
      g_autoptr(FdStoreStmt) stmt = NULL;

      /* A repeated agent is stored once, at its first position. */
      stmt = fd_store_prepare (self,
                               "INSERT INTO phase_agents (organization_id, phase_id, agent_id, position) "
                               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (phase_id, agent_id) DO NOTHING",
                               error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, phase->organization_id);
      sqlite3_bind_int64 (stmt, 2, phase->id);
      sqlite3_bind_int64 (stmt, 3, g_array_index (phase->agent_ids, gint64, i));
      sqlite3_bind_int (stmt, 4, (int) i);
      if (!fd_store_run (self, stmt, error))
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

      stmt = fd_store_prepare (self,
                               "DELETE FROM phases WHERE organization_id = ?1 AND stream_id = ?2",
                               error);
      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, organization_id);
          sqlite3_bind_int64 (stmt, 2, stream_id);
          ok = fd_store_run (self, stmt, error);
        }
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
