#define G_LOG_DOMAIN "fd-file-url"

/* The URLs of uploaded files: written by the files API, checked by the
 * center when a message names an attachment (docs/protocol.md, "Files
 * (HTTP)"). Pure functions of text: no HTTP here. */

#include "fd-file-url.h"

#include <string.h>

char *
fd_files_dup_url (const char *id,
                  const char *name)
{
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  escaped = g_uri_escape_string (name, NULL, FALSE);
  return g_strconcat (FD_FILES_URL_PREFIX "/", id, "/", escaped, NULL);
}

char *
fd_files_id_from_path (const char *path)
{
  const char *id;
  const char *slash;
  gsize len;

  if (path == NULL || !g_str_has_prefix (path, FD_FILES_URL_PREFIX "/"))
    return NULL;
  id = path + strlen (FD_FILES_URL_PREFIX "/");
  slash = strchr (id, '/');
  len = slash != NULL ? (gsize) (slash - id) : strlen (id);
  if (len != FD_STORE_FILE_ID_LENGTH)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (id[i]) && !(id[i] >= 'a' && id[i] <= 'f'))
      return NULL;
  return g_strndup (id, len);
}

char *
fd_files_parse_url (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  /* Server-relative only: an absolute URL, even to this server, names a host
   * the server cannot vouch for. */
  if (strpbrk (url, "?#\\") != NULL || g_str_has_prefix (url, "//"))
    return NULL;
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f)
      return NULL;
  {
    char *id = fd_files_id_from_path (url);
    const char *rest;

    if (id == NULL)
      return NULL;
    rest = url + strlen (FD_FILES_URL_PREFIX "/") + FD_STORE_FILE_ID_LENGTH;
    if (*rest != '\0' && (*rest != '/' || strchr (rest + 1, '/') != NULL))
      {
        g_free (id);
        return NULL;
      }
    return id;
  }
}

FdAttachment *
fd_files_attachment (const FdStoreFile *file)
{
  FdAttachment *attachment;

  g_return_val_if_fail (file != NULL, NULL);

  attachment = fd_attachment_new ();
  attachment->name = g_strdup (file->name);
  attachment->url = fd_files_dup_url (file->id, file->name);
  attachment->mime_type = g_strdup (file->mime_type);
  attachment->size = file->size;
  return attachment;
}
