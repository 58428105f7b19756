#define G_LOG_DOMAIN "fd-files-api"

/* Uploads of attachments (agents) and of resources' files (administrators),
 * and the downloads behind the URLs they get. The request guard
 * (fd-http-guard.c) has checked the size and the token before a byte of
 * the body is read; the body then goes straight to a temporary file in the
 * files directory, hashed and counted as it arrives, and never sits in
 * memory. The attachment policy (fd-file-policy.c) is applied to every
 * upload and again to every download. */

#include "fd-files-api.h"

#include "fd-api-http.h"
#include "fd-auth.h"
#include "fd-center-actions.h"
#include "fd-file-policy.h"
#include "fd-listener.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#define ADMIN_ORGS_PREFIX   "/api/admin/v1/organizations/"
#define UPLOAD_KEY          "fd-files-upload"
#define DEFAULT_FILE_NAME   "file"
/* The first bytes, kept for sniffing the type. */
#define HEAD_SIZE           4096

struct _FdFilesApi
{
  GObject     parent_instance;

  FdStore    *store;
  FdCenter   *center;
  FdHttpGuard *guard;
  FdApiMount  mount;
};

G_DEFINE_FINAL_TYPE (FdFilesApi, fd_files_api, G_TYPE_OBJECT)

/* The body of one upload while it arrives: a temporary file in the files
 * directory, removed with the message unless it was stored. */
typedef struct {
  char                     *temp_path;   /* NULL once stored or removed */
  int                       fd;          /* -1 once closed */
  gsize                     received;
  gboolean                  failed;      /* a write failed: answered 500 */
  crypto_hash_sha256_state  sha256;
  guint8                    head[HEAD_SIZE];
  gsize                     head_len;
} Upload;

static void
upload_close (Upload *upload)
{
  if (upload->fd >= 0)
    close (upload->fd);
  upload->fd = -1;
}

static void
upload_free (Upload *upload)
{
  upload_close (upload);
  if (upload->temp_path != NULL)
    g_unlink (upload->temp_path);
  g_free (upload->temp_path);
  g_free (upload);
}

/* --- Names and URLs ---------------------------------------------------------- */

char *
fd_files_sanitize_name (const char *name)
{
  g_autofree char *valid = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *start;

  if (name == NULL)
    return NULL;
  valid = g_utf8_make_valid (name, -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\')
        g_string_append_c (out, '_');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029 ||
               g_unichar_type (c) == G_UNICODE_FORMAT)
        continue;   /* Control and direction marks could disguise the extension. */
      else
        g_string_append_unichar (out, c);
    }

  /* No hidden or relative names ("..", ".profile"), no blank ends. */
  g_strstrip (out->str);
  start = out->str;
  while (*start == '.' || *start == '_' || *start == ' ')
    start++;
  if (*start == '\0')
    return NULL;
  return g_strdup (start);
}

/* --- Uploads ----------------------------------------------------------------- */

/* The organization of "/api/admin/v1/organizations/N/files", else 0. */
static gint64
admin_upload_org (const char *path)
{
  const char *p;
  const char *end = NULL;
  guint64 id = 0;

  if (path == NULL || !g_str_has_prefix (path, ADMIN_ORGS_PREFIX))
    return 0;
  p = path + strlen (ADMIN_ORGS_PREFIX);
  if (!g_ascii_isdigit (*p))
    return 0;
  id = g_ascii_strtoull (p, (char **) &end, 10);
  if (end == NULL || g_strcmp0 (end, "/files") != 0 || id == 0 || id > G_MAXINT64)
    return 0;
  return (gint64) id;
}

static gboolean
is_upload (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    return FALSE;
  return g_strcmp0 (path, FD_FILES_API_AGENT_UPLOAD) == 0 || admin_upload_org (path) > 0;
}

static void
respond_too_large (SoupServerMessage *msg)
{
  g_autofree char *text = g_strdup_printf ("The file is larger than %d MiB; send a smaller one.",
                                           FD_FILES_API_MAX_SIZE / (1024 * 1024));

  fd_api_respond_error (msg, FD_WIRE_ERROR_TOO_LARGE, text, 0);
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  if (upload == NULL || upload->fd < 0)
    return;
  upload->received += size;
  /* libsoup stops at the Content-Length the guard checked; this is the
   * bound should anything else ever let a longer body through. */
  if (upload->received > FD_FILES_API_MAX_SIZE)
    {
      upload_close (upload);
      return;
    }
  if (!write_all (upload->fd, data, size))
    {
      g_warning ("Cannot write an upload to the files directory: %s", g_strerror (errno));
      upload->failed = TRUE;
      upload_close (upload);
      return;
    }
  crypto_hash_sha256_update (&upload->sha256, data, size);
  if (upload->head_len < HEAD_SIZE)
    {
      gsize n = MIN (size, HEAD_SIZE - upload->head_len);

      memcpy (upload->head + upload->head_len, data, n);
      upload->head_len += n;
    }
}

static void
on_got_headers_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  FdFilesApi *self = user_data;
  g_autoptr(GError) error = NULL;
  Upload *upload;

  if (!is_upload (msg))
    return;
  /* Size and token first: nothing is written for a refused upload. */
  if (!fd_http_guard_check (self->guard, msg))
    return;
  upload = g_new0 (Upload, 1);
  upload->fd = fd_store_create_upload (self->store, &upload->temp_path, &error);
  if (upload->fd < 0)
    {
      g_warning ("Cannot start an upload: %s", error->message);
      upload_free (upload);
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      fd_listener_reject_now (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "application/json",
                              "{\"code\":\"internal\",\"message\":\"The server cannot store files right now; "
                              "try again later.\"}");
      return;
    }
  crypto_hash_sha256_init (&upload->sha256);
  g_object_set_data_full (G_OBJECT (msg), UPLOAD_KEY, upload, (GDestroyNotify) upload_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
}

/* Removes the temporary file of a refused or aborted upload now, not when
 * libsoup lets the message go. */
static void
discard_upload (SoupServerMessage *msg)
{
  g_object_set_data (G_OBJECT (msg), UPLOAD_KEY, NULL);
}

static void
on_request_aborted_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  discard_upload (msg);
}

static void
on_request_started_cb (SoupServer        *server,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers_cb), user_data);
}

static char *
mime_of (const char   *name,
         const guchar *data,
         gsize         size)
{
  g_autofree char *type = g_content_type_guess (name, data, size, NULL);
  char *mime = g_content_type_get_mime_type (type);

  return mime != NULL ? mime : g_strdup ("application/octet-stream");
}

/* Whether the policy allows a file named @name starting with @head in
 * @organization_id; else FALSE with the reason. The type is sniffed from
 * the bytes alone for this: a program renamed "photo.png" is still one,
 * and a name the organization allows is not refused by its type. */
static gboolean
policy_allows (FdFilesApi    *self,
               gint64         organization_id,
               const char    *name,
               const guint8  *head,
               gsize          head_len,
               char         **out_reason,
               GError       **error)
{
  g_autoptr(FdOrganization) org = fd_store_get_organization (self->store, organization_id, error);
  g_autofree char *by_content = NULL;

  if (org == NULL)
    return FALSE;
  if (!fd_file_policy_name_allowed (name, (const char * const *) org->blocked_extensions, out_reason))
    return FALSE;
  by_content = mime_of (NULL, head, head_len);
  return fd_file_policy_content_allowed (head, head_len, by_content, out_reason);
}

/* Checks the name and the type of the upload, then stores it. Responds
 * itself and returns NULL on any refusal; the temporary file goes with the
 * message. */
static FdStoreFile *
store_upload (FdFilesApi        *self,
              SoupServerMessage *msg,
              GHashTable        *query,
              gint64             organization_id,
              gint64             conversation_id,
              gint64             agent_id)
{
  Upload *upload = g_object_get_data (G_OBJECT (msg), UPLOAD_KEY);
  const char *raw_name = query != NULL ? g_hash_table_lookup (query, "name") : NULL;
  g_autofree char *name = NULL;
  g_autofree char *refusal = NULL;
  g_autoptr(FdStoreFile) file = NULL;
  g_autoptr(GError) error = NULL;
  guint8 digest[crypto_hash_sha256_BYTES];
  char hex[crypto_hash_sha256_BYTES * 2 + 1];

  if (upload == NULL || upload->failed)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INTERNAL, "The server could not store the file; try again later.", 0);
      return NULL;
    }
  if (upload->received > FD_FILES_API_MAX_SIZE)
    {
      respond_too_large (msg);
      return NULL;
    }
  if (raw_name == NULL || raw_name[0] == '\0')
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD,
                            "Name the file with the “name” query parameter.", 0);
      return NULL;
    }
  name = fd_files_sanitize_name (raw_name);
  if (name == NULL)
    name = g_strdup (DEFAULT_FILE_NAME);
  if (g_utf8_strlen (name, -1) > FD_LIMIT_NAME)
    {
      g_autofree char *text = g_strdup_printf ("The file name is longer than %d characters; shorten it.",
                                               FD_LIMIT_NAME);

      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, text, 0);
      return NULL;
    }
  if (!policy_allows (self, organization_id, name, upload->head, upload->head_len, &refusal, &error))
    {
      if (error != NULL)
        fd_api_respond_gerror (msg, error);
      else
        {
          fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, refusal, 0);
          soup_server_message_set_status (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL);
        }
      return NULL;
    }
  if (fsync (upload->fd) != 0 || close (upload->fd) != 0)
    {
      upload->fd = -1;
      g_warning ("Cannot write an upload to the files directory: %s", g_strerror (errno));
      fd_api_respond_error (msg, FD_WIRE_ERROR_INTERNAL, "The server could not store the file; try again later.", 0);
      return NULL;
    }
  upload->fd = -1;
  crypto_hash_sha256_final (&upload->sha256, digest);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);

  file = g_new0 (FdStoreFile, 1);
  file->organization_id = organization_id;
  file->conversation_id = conversation_id;
  file->agent_id = agent_id;
  file->mime_type = mime_of (name, upload->head, upload->head_len);
  file->name = g_steal_pointer (&name);
  file->size = (gint64) upload->received;
  file->sha256 = g_strdup (hex);
  if (!fd_store_adopt_file (self->store, file, upload->temp_path, &error))
    {
      fd_api_respond_gerror (msg, error);
      return NULL;
    }
  g_clear_pointer (&upload->temp_path, g_free);
  return g_steal_pointer (&file);
}

static void
respond_file (SoupServerMessage *msg,
              const FdStoreFile *file)
{
  g_autoptr(FdAttachment) attachment = fd_files_attachment (file);

  fd_api_respond_json (msg, SOUP_STATUS_CREATED, fd_attachment_to_json (attachment));
}

static void
agent_upload (FdFilesApi        *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStoreFile) file = NULL;
  g_autoptr(GError) error = NULL;
  const char *conv_text = query != NULL ? g_hash_table_lookup (query, "conversation_id") : NULL;
  guint64 conversation_id = 0;

  if (token == NULL || !fd_auth_check_agent_token (self->store, token, &agent, &error))
    {
      if (error != NULL && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED))
        fd_api_respond_gerror (msg, error);
      else
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED, "Sign in first: the token is missing or wrong.", 0);
      return;
    }
  if (conv_text == NULL || !g_ascii_string_to_unsigned (conv_text, 10, 1, G_MAXINT64, &conversation_id, NULL))
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD,
                            "Name the conversation with the “conversation_id” query parameter.", 0);
      return;
    }
  fd_center_note_agent (self->center, agent);
  conv = fd_center_get_visible (self->center, agent, (gint64) conversation_id, &error);
  if (conv == NULL)
    {
      fd_api_respond_gerror (msg, error);
      return;
    }
  if (conv->state != FD_CONVERSATION_RESERVED || conv->agent_id != agent->id)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN,
                            "Reserve this conversation before you send files into it.", 0);
      return;
    }
  file = store_upload (self, msg, query, agent->organization_id, conv->id, agent->id);
  if (file != NULL)
    respond_file (msg, file);
}

static gboolean
check_admin (FdFilesApi        *self,
             SoupServerMessage *msg)
{
  g_autofree char *token = fd_api_dup_bearer (msg);
  g_autoptr(GError) error = NULL;

  if (token == NULL || !fd_auth_check_admin_token (self->store, token, &error))
    {
      if (error != NULL && g_error_matches (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED))
        fd_api_respond_gerror (msg, error);
      else
        fd_api_respond_error (msg, FD_WIRE_ERROR_UNAUTHORIZED,
                              "This API needs “Authorization: Bearer <admin token>”.", 0);
      return FALSE;
    }
  return TRUE;
}

/* The admin API owns /api/admin/v1; its files route is taken here, before
 * any handler runs, so that the admin API's body limit does not apply. */
static void
on_request_read_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  FdFilesApi *self = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(FdStoreFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gint64 organization_id;

  if (uri == NULL || soup_server_message_get_status (msg) != 0)
    return;
  organization_id = admin_upload_org (g_uri_get_path (uri));
  if (organization_id == 0 || g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    return;
  if (!check_admin (self, msg))
    {
      discard_upload (msg);
      return;
    }
  org = fd_store_get_organization (self->store, organization_id, &error);
  if (org == NULL)
    {
      fd_api_respond_gerror (msg, error);
      discard_upload (msg);
      return;
    }
  if (g_uri_get_query (uri) != NULL)
    query = soup_form_decode (g_uri_get_query (uri));
  file = store_upload (self, msg, query, organization_id, 0, 0);
  if (file != NULL)
    respond_file (msg, file);
  discard_upload (msg);
}

static void
on_agent_upload_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  FdFilesApi *self = user_data;

  if (g_strcmp0 (path, FD_FILES_API_AGENT_UPLOAD) != 0)
    fd_api_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is nothing at this address.", 0);
  else if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "Upload files with POST.", 0);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    }
  else
    agent_upload (self, msg, query);
  discard_upload (msg);
}

/* --- Downloads --------------------------------------------------------------- */

/* Content-Disposition with the name in RFC 5987 encoding. */
static char *
content_disposition (const char *name)
{
  g_autoptr(GString) out = g_string_new ("attachment; filename*=UTF-8''");

  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("!#$&+-.^_`|~", *p) != NULL)
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Types a browser would render or run in the server's origin are served as
 * plain bytes. */
static const char *
served_type (const char *mime_type)
{
  if (mime_type == NULL ||
      g_ascii_strcasecmp (mime_type, "text/html") == 0 ||
      g_ascii_strcasecmp (mime_type, "application/xhtml+xml") == 0 ||
      g_ascii_strcasecmp (mime_type, "image/svg+xml") == 0 ||
      g_ascii_strcasecmp (mime_type, "text/xml") == 0 ||
      g_ascii_strcasecmp (mime_type, "application/xml") == 0)
    return "application/octet-stream";
  return mime_type;
}

static void
on_download_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FdFilesApi *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *id = fd_files_id_from_path (path);
  g_autoptr(FdStoreFile) file = NULL;
  g_autofree char *file_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *disposition = NULL;
  gsize length = 0;

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    {
      fd_api_respond_error (msg, FD_WIRE_ERROR_INVALID_FIELD, "Files are read with GET.", 0);
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  file = id != NULL ? fd_store_get_file (self->store, id, NULL) : NULL;
  file_path = file != NULL ? fd_store_dup_file_path (self->store, file->id) : NULL;
  if (file_path == NULL || !g_file_get_contents (file_path, &contents, &length, NULL))
    {
      if (file != NULL)
        g_warning ("The bytes of an uploaded file are missing from the files directory.");
      fd_api_respond_error (msg, FD_WIRE_ERROR_NOT_FOUND, "There is no such file.", 0);
      return;
    }

  /* A file stored before the policy changed (or before it was widened) is
   * judged again: the organization's list of today decides. */
  {
    g_autofree char *refusal = NULL;
    g_autoptr(GError) error = NULL;

    if (!policy_allows (self, file->organization_id, file->name, (const guint8 *) contents,
                        MIN (length, HEAD_SIZE), &refusal, &error))
      {
        if (error != NULL)
          fd_api_respond_gerror (msg, error);
        else
          fd_api_respond_error (msg, FD_WIRE_ERROR_FORBIDDEN, refusal, 0);
        return;
      }
  }

  disposition = content_disposition (file->name);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Content-Security-Policy", "sandbox; default-src 'none'");
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=3600");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, served_type (file->mime_type), SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&contents), length);
}

/* --- The object -------------------------------------------------------------- */

static void
fd_files_api_dispose (GObject *object)
{
  FdFilesApi *self = FD_FILES_API (object);

  fd_api_unmount (&self->mount);

  G_OBJECT_CLASS (fd_files_api_parent_class)->dispose (object);
}

static void
fd_files_api_class_init (FdFilesApiClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fd_files_api_dispose;
}

static void
fd_files_api_init (FdFilesApi *self)
{
}

FdFilesApi *
fd_files_api_new (FdStore      *store,
                  FdCenter     *center,
                  FdHttpGuard  *guard,
                  GError      **error)
{
  g_autoptr(FdFilesApi) self = NULL;
  guint removed = 0;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (FD_IS_CENTER (center), NULL);
  g_return_val_if_fail (guard != NULL, NULL);

  self = g_object_new (FD_TYPE_FILES_API, NULL);
  self->store = store;
  self->center = center;
  self->guard = guard;
  if (!fd_store_clean_files (store, &removed, error))
    return NULL;
  if (removed > 0)
    g_message ("Removed %u uploaded files that had no record (an interrupted upload or a deleted conversation).",
               removed);
  return g_steal_pointer (&self);
}

static const FdApiRoute files_routes[] = {
  { FD_FILES_API_AGENT_UPLOAD, on_agent_upload_cb, NULL },
  { FD_FILES_API_DOWNLOAD, on_download_cb, NULL },
};

static const FdApiSignal files_signals[] = {
  { "request-started", G_CALLBACK (on_request_started_cb) },
  { "request-read", G_CALLBACK (on_request_read_cb) },
  { "request-aborted", G_CALLBACK (on_request_aborted_cb) },
};

void
fd_files_api_attach (FdFilesApi *self,
                     SoupServer *server)
{
  g_return_if_fail (FD_IS_FILES_API (self));
  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (self->mount.server == NULL);

  fd_api_mount (&self->mount, server, files_routes, G_N_ELEMENTS (files_routes),
                files_signals, G_N_ELEMENTS (files_signals), self);
}
