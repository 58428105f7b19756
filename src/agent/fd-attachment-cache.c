#define G_LOG_DOMAIN "fd-attachment-cache"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "fd-attachment-cache.h"

char *
fd_attachment_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "frontdesk", "attachments", NULL);
}

guint
fd_attachment_cache_clean (const char *directory,
                           GTimeSpan   max_age)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (max_age >= 0, 0);

  if (directory == NULL)
    directory = default_dir = fd_attachment_cache_dir ();
  dir = g_dir_open (directory, 0, &error);
  if (dir == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_message ("Could not clean the opened attachments: %s", error->message);
      return 0;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      GStatBuf st;

      /* lstat: a link is removed itself, its target never touched. */
      if (g_lstat (path, &st) != 0 || S_ISDIR (st.st_mode))
        continue;
      if (max_age > 0 && now - (gint64) st.st_mtime * G_USEC_PER_SEC <= max_age)
        continue;
      /* The file name is the customer's: not logged. */
      if (g_unlink (path) != 0)
        {
          int saved = errno;

          g_message ("Could not remove an opened attachment: %s", g_strerror (saved));
          continue;
        }
      removed++;
    }
  return removed;
}
