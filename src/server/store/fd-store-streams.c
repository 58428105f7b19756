#define G_LOG_DOMAIN "fd-store"

#include "fd-config.h"
#include "fd-store-private.h"

#include <sodium.h>
#include <string.h>

/* Media streams (their routing phases are in fd-store-phases.c). */

/* 16 random bytes: as unguessable as a UUID, 22 characters in a URL. The key
 * is public (it sits in the business's web page), so it is not hashed. */
#define STREAM_KEY_BYTES 16

#define STREAM_COLUMNS "id, organization_id, queue_id, kind, name, key, departments, " \
                       "allowed_origins, settings_json, deleted, created_at, health, health_reason"

static const FdStoreTable stream_table = {
  .what = "media stream",
  .info = &fd_stream_info,
  FD_STORE_TABLE_SQL ("streams", STREAM_COLUMNS),
};

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
  g_autofree char *key = NULL;
  g_autofree char *departments = NULL;
  g_autofree char *origins = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream != NULL, FALSE);

  if (!check_stream (stream, error) ||
      (stream->key != NULL && *stream->key != '\0' && !check_stream_key (stream->key, error)))
    return FALSE;
  key = stream->key != NULL && *stream->key != '\0' ? g_strdup (stream->key) : generate_stream_key ();
  departments = fd_store_strv_to_json (stream->departments);
  origins = fd_store_strv_to_json (stream->allowed_origins);
  if (stream->created_at == 0)
    stream->created_at = g_get_real_time ();
  if (!fd_store_execute (self,
                         "INSERT INTO streams (organization_id, queue_id, kind, name, key, "
                         "departments, allowed_origins, settings_json, deleted, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
                         FD_STORE_ARGS (FD_ARG_INT (stream->organization_id),
                                        FD_ARG_INT (stream->queue_id),
                                        FD_ARG_TEXT (fd_stream_kind_to_string (stream->kind)),
                                        FD_ARG_TEXT (stream->name), FD_ARG_TEXT (key),
                                        FD_ARG_TEXT (departments), FD_ARG_TEXT (origins),
                                        FD_ARG_TEXT (stream->settings_json),
                                        FD_ARG_INT (stream->created_at)), error))
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

FdStream *
fd_store_get_stream (FdStore  *self,
                     gint64    organization_id,
                     gint64    id,
                     GError  **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return fd_store_table_get (self, &stream_table, organization_id, id, error);
}

FdStream *
fd_store_get_stream_by_key (FdStore     *self,
                            const char  *key,
                            GError     **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = fd_store_prepare_bound (self, "SELECT " STREAM_COLUMNS " FROM streams WHERE key = ?1 AND deleted = 0",
                                 FD_STORE_ARGS (FD_ARG_TEXT (key)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_first (self, &stream_table, stmt, error);
}

GPtrArray *
fd_store_list_streams (FdStore   *self,
                       gint64     organization_id,
                       gboolean   include_deleted,
                       GError   **error)
{
  g_autoptr(FdStoreStmt) stmt = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = fd_store_prepare_bound (self,
                                 "SELECT " STREAM_COLUMNS " FROM streams "
                                 "WHERE organization_id = ?1 AND (?2 OR deleted = 0) ORDER BY id",
                                 FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                FD_ARG_INT (include_deleted ? 1 : 0)), error);
  if (stmt == NULL)
    return NULL;
  return fd_store_table_collect (self, &stream_table, stmt, error);
}

gboolean
fd_store_update_stream (FdStore         *self,
                        const FdStream  *stream,
                        GError         **error)
{
  g_autofree char *departments = NULL;
  g_autofree char *origins = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (stream != NULL, FALSE);

  if (!check_stream (stream, error))
    return FALSE;
  departments = fd_store_strv_to_json (stream->departments);
  origins = fd_store_strv_to_json (stream->allowed_origins);
  return fd_store_execute_update (self,
                                  "UPDATE streams SET queue_id = ?3, name = ?4, departments = ?5, "
                                  "allowed_origins = ?6, settings_json = ?7 "
                                  "WHERE organization_id = ?1 AND id = ?2 AND deleted = 0",
                                  "media stream",
                                  FD_STORE_ARGS (FD_ARG_INT (stream->organization_id),
                                                 FD_ARG_INT (stream->id),
                                                 FD_ARG_INT (stream->queue_id),
                                                 FD_ARG_TEXT (stream->name),
                                                 FD_ARG_TEXT (departments), FD_ARG_TEXT (origins),
                                                 FD_ARG_TEXT (stream->settings_json)), error);
}

gboolean
fd_store_delete_stream (FdStore  *self,
                        gint64    organization_id,
                        gint64    id,
                        GError  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return fd_store_execute_update (self,
                                  "UPDATE streams SET deleted = 1 "
                                  "WHERE organization_id = ?1 AND id = ?2 AND deleted = 0",
                                  "media stream",
                                  FD_STORE_ARGS (FD_ARG_INT (organization_id),
                                                 FD_ARG_INT (id)), error);
}
