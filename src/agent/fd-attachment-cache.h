#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The private copies of customers' attachments that the Email window's
 * Open writes before handing them to the desktop (docs/app.md, "Local
 * caches", "Opened attachments"): one folder, bounded by age. */

/* How long an opened attachment is kept: the app removes older copies
 * when it starts. Signing out removes them all. */
#define FD_ATTACHMENT_CACHE_MAX_AGE G_TIME_SPAN_DAY

/* g_get_user_cache_dir()/frontdesk/attachments. */
char  *fd_attachment_cache_dir   (void);
/* Removes the files directly in @directory (NULL: the folder above) last
 * modified more than @max_age ago, or all of them when @max_age is 0.
 * Folders are left alone and links are removed, never followed. A missing
 * folder is empty. Returns how many files were removed. */
guint  fd_attachment_cache_clean (const char *directory,
                                  GTimeSpan   max_age);

G_END_DECLS
