#define G_LOG_DOMAIN "fd-cache-file"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>

#include "fd-cache-file.h"
#include "fd-codec.h"

/* The version of the cache files' layout; a file of another version is
 * set aside like a corrupt one rather than misread. */
#define CACHE_FILE_VERSION 1

G_DEFINE_QUARK (fd-cache-error-quark, fd_cache_error)

char *
_fd_cache_default_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "frontdesk", NULL);
}

char *
_fd_cache_file_path (const char *directory,
                     const char *stem,
                     const char *server_url,
                     const char *email)
{
  g_autofree char *default_dir = NULL;
  g_autofree char *name = NULL;

  g_assert (stem != NULL);
  g_assert ((server_url == NULL) == (email == NULL));

  if (directory == NULL)
    directory = default_dir = _fd_cache_default_dir ();

  if (server_url == NULL)
    {
      name = g_strconcat (stem, ".json", NULL);
    }
  else
    {
      g_autofree char *url = g_strdup (server_url);
      g_autofree char *lower_email = g_utf8_strdown (email, -1);
      g_autofree char *key = NULL;
      g_autofree char *hash = NULL;
      gsize len = strlen (url);

      /* "https://host/" and "https://host" are the same server. */
      while (len > 0 && url[len - 1] == '/')
        url[--len] = '\0';
      /* The email is hashed rather than written into the name: file names
       * show up in listings and backups, and need no escaping this way. */
      key = g_strconcat (url, "\n", lower_email, NULL);
      hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
      hash[16] = '\0';
      name = g_strconcat (stem, "-", hash, ".json", NULL);
    }
  return g_build_filename (directory, name, NULL);
}

gboolean
_fd_cache_file_set_aside (const char *path,
                          const char *reason)
{
  g_autofree char *bad = g_strconcat (path, ".bad", NULL);

  if (g_rename (path, bad) != 0)
    {
      int saved_errno = errno;

      g_warning ("The local file %s is unusable (%s) and could not be moved to %s (%s). "
                 "It is left as it is and will not be overwritten; remove it to start afresh.",
                 path, reason, bad, g_strerror (saved_errno));
      return FALSE;
    }
  g_warning ("The local file %s is unusable (%s). It was moved to %s and the list starts empty.",
             path, reason, bad);
  return TRUE;
}

static gboolean
element_has_type (JsonNode *node,
                  GType     element_type)
{
  if (element_type == G_TYPE_STRING)
    return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
  return JSON_NODE_HOLDS_OBJECT (node);
}

JsonArray *
_fd_cache_file_load (const char *path,
                     const char *member,
                     GType       element_type,
                     gboolean   *out_blocked)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *reason;
  JsonNode *root;
  JsonNode *version;
  JsonNode *list;
  JsonArray *array;
  gsize len = 0;

  g_assert (path != NULL && member != NULL && out_blocked != NULL);
  g_assert (element_type == G_TYPE_STRING || element_type == JSON_TYPE_OBJECT);

  *out_blocked = FALSE;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      reason = "it cannot be read";
      goto bad;
    }

  /* The parser's error is not logged: it may quote the file's text. */
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
    {
      reason = "it is not valid JSON";
      goto bad;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      reason = "it is not a JSON object";
      goto bad;
    }
  version = json_object_get_member (json_node_get_object (root), "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != CACHE_FILE_VERSION)
    {
      reason = "its version is not one this app reads";
      goto bad;
    }
  list = json_object_get_member (json_node_get_object (root), member);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      reason = "its list is missing";
      goto bad;
    }
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (!element_has_type (json_array_get_element (array, i), element_type))
        {
          reason = "an entry has the wrong type";
          goto bad;
        }
    }
  return json_array_ref (array);

bad:
  *out_blocked = !_fd_cache_file_set_aside (path, reason);
  return NULL;
}

gboolean
_fd_cache_file_save (const char  *path,
                     const char  *member,
                     JsonArray   *array,
                     GError     **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert (path != NULL && member != NULL && array != NULL);

  json_object_set_int_member (object, "version", CACHE_FILE_VERSION);
  json_object_set_array_member (object, member, array);
  root = json_node_init_object (json_node_alloc (), object);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &len);

  /* Replies and drafts are the agent's words: only the agent may read them. */
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   _("The folder %s could not be created (%s), so %s was not saved."),
                   directory, g_strerror (saved_errno), path);
      return FALSE;
    }
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, FD_CACHE_ERROR, FD_CACHE_ERROR_WRITE,
                   _("%s could not be saved: %s."), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

