#define G_LOG_DOMAIN "fd-uploads"

/* Uploads of attachments (docs/app.md, "Web Chat window", Attachments):
 * the file's type and size are checked first, the bytes are read and
 * POSTed raw to /api/agent/v1/files with the session's token on the
 * connection's own HTTP session, and the server's answer is the
 * attachment that send-message then carries. Unlike requests, an upload
 * is not queued while offline: an unreachable server is an error at once. */

#include <glib/gi18n.h>
#include "fd-connection-private.h"

#define FILES_PATH "/api/agent/v1/files"

typedef struct {
  gint64       conversation_id;
  GFile       *file;
  char        *name;     /* UTF-8 base name for the server */
  SoupMessage *msg;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->msg);
  g_free (data->name);
  g_free (data);
}

/* Both checks happen twice: before the file is read and after (the file
 * may have grown since it was measured, the agent may have signed out). */
static gboolean
too_large (GTask  *task,
           goffset size)
{
  UploadData *data = g_task_get_task_data (task);

  if (size <= FD_CONNECTION_UPLOAD_MAX_SIZE)
    return FALSE;
  g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_TOO_LARGE,
                           _("“%s” is larger than 10 MB; attachments can be at most 10 MB."), data->name);
  return TRUE;
}

static gboolean
signed_out (GTask *task)
{
  FdConnection *self = g_task_get_source_object (task);

  if (self->token != NULL)
    return FALSE;
  g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_SIGNED_OUT,
                           _("Sign in to attach files."));
  return TRUE;
}

static void
uploaded (GTask    *task,
          gpointer  attachment)
{
  g_task_return_pointer (task, attachment, (GDestroyNotify) fd_attachment_free);
}

static const FdHttpAnswer upload_answer = {
  /* Translators: “Uploading the file” completes “%s failed: the server
   * answered …”, “the upload” completes “The server's answer to %s cannot
   * be read”. */
  SOUP_STATUS_CREATED, N_("Uploading the file"), N_("the upload"), (FdFromJson) fd_attachment_from_json, uploaded,
};

static void
on_upload_loaded_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FdConnection *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      _fd_connection_return_error (task, &error, G_IO_ERROR, error->code, _("“%s” cannot be read"), data->name);
      return;
    }
  /* The file may have grown since it was measured. */
  if (too_large (task, length))
    return;
  if (signed_out (task))
    return;

  escaped = g_uri_escape_string (data->name, NULL, FALSE);
  url = g_strdup_printf ("%s" FILES_PATH "?conversation_id=%" G_GINT64_FORMAT "&name=%s",
                         self->server_url, data->conversation_id, escaped);
  data->msg = _fd_connection_http_message (self, SOUP_METHOD_POST, url, self->token, &error);
  if (data->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  _fd_connection_http_call (self, data->msg, "application/octet-stream", bytes, g_steal_pointer (&task),
                            &upload_answer);
}

static void
on_upload_info_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, &error);
  GCancellable *cancellable;

  if (info == NULL)
    {
      _fd_connection_return_error (task, &error, G_IO_ERROR, error->code, _("“%s” cannot be attached"), data->name);
      return;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                               _("“%s” is not a file; only files can be attached."), data->name);
      return;
    }
  if (too_large (task, g_file_info_get_size (info)))
    return;
  cancellable = g_task_get_cancellable (task);
  g_file_load_contents_async (data->file, cancellable, on_upload_loaded_cb, g_steal_pointer (&task));
}

void
fd_connection_upload_file_async (FdConnection        *self,
                                 gint64               conversation_id,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *basename = NULL;
  UploadData *data;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (conversation_id > 0);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_upload_file_async);
  data = g_new0 (UploadData, 1);
  data->conversation_id = conversation_id;
  data->file = g_object_ref (file);
  basename = g_file_get_basename (file);
  data->name = basename != NULL ? g_filename_display_name (basename) : g_strdup ("file");
  g_task_set_task_data (task, data, (GDestroyNotify) upload_data_free);

  if (signed_out (task))
    return;
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           on_upload_info_cb, g_steal_pointer (&task));
}

FdAttachment *
fd_connection_upload_file_finish (FdConnection  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Downloads (the Email window's Open and Save) --------------------------------- */

#define DOWNLOAD_MAX_SIZE (64 * 1024 * 1024)

static void
on_download_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (bytes == NULL)
    {
      /* Translators: completes “%s: <the network error>”. */
      _fd_connection_return_error (task, &error, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_NETWORK,
                                   _("The file cannot be downloaded"));
      return;
    }
  /* A file the attachment policy blocks today is 403 with the reason. */
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_task_return_error (task, _fd_connection_http_error (msg, bytes, _("Downloading the file")));
      return;
    }
  if (g_bytes_get_size (bytes) > DOWNLOAD_MAX_SIZE)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_TOO_LARGE,
                               _("The file is larger than 64 MB and was not downloaded."));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

void
fd_connection_download_file_async (FdConnection        *self,
                                   const char          *url,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = NULL;
  SoupMessage *msg;

  g_return_if_fail (FD_IS_CONNECTION (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_connection_download_file_async);
  /* Only this server's files: a mail's own links are opened, never fetched. */
  if (!g_str_has_prefix (url, "/files/") || self->server_url == NULL)
    {
      g_task_return_new_error (task, FD_CONNECTION_ERROR, FD_CONNECTION_ERROR_PROTOCOL,
                               _("This attachment has no file on the server."));
      return;
    }
  absolute = g_strconcat (self->server_url, url, NULL);
  msg = _fd_connection_http_message (self, SOUP_METHOD_GET, absolute, NULL, &error);
  if (msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, cancellable, on_download_cb,
                                    g_steal_pointer (&task));
}

GBytes *
fd_connection_download_file_finish (FdConnection  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
