#pragma once

#include <gio/gio.h>

#include "fd-cache-list.h"

G_BEGIN_DECLS

/* The agent's recent attachments (the guide's "Attachments"): the paths
 * of the last files attached, newest first, never their contents. A file
 * that was moved or deleted stays listed and is shown as missing. The
 * file keeps the latest FD_CACHE_SAVED_ITEMS (fd-reply-cache.h). See
 * docs/app.md, "Local caches". */

#define FD_TYPE_RECENT_FILE (fd_recent_file_get_type ())
G_DECLARE_FINAL_TYPE (FdRecentFile, fd_recent_file, FD, RECENT_FILE, GObject)

/* The absolute path, as given (a filename in the system's encoding). */
const char    *fd_recent_file_get_path     (FdRecentFile  *self);
/* The base name for display (UTF-8). */
const char    *fd_recent_file_get_name     (FdRecentFile  *self);
/* TRUE when no regular file was at the path when last checked. */
gboolean       fd_recent_file_get_missing  (FdRecentFile  *self);

#define FD_TYPE_RECENT_FILES (fd_recent_files_get_type ())
G_DECLARE_FINAL_TYPE (FdRecentFiles, fd_recent_files, FD, RECENT_FILES, FdCacheList)

/* A GListModel of FdRecentFile from @directory/recent-attachments[-HASH].json;
 * the arguments are those of fd_reply_cache_new(). */
FdRecentFiles *fd_recent_files_new         (const char    *directory,
                                            const char    *server_url,
                                            const char    *email);
const char    *fd_recent_files_get_path    (FdRecentFiles *self);
/* Puts the absolute @path first (an existing entry moves to the front).
 * Refuses relative and empty paths with FD_CACHE_ERROR_INVALID. */
gboolean       fd_recent_files_add         (FdRecentFiles *self,
                                            const char    *path,
                                            GError       **error);
/* Removes @path; FALSE when it was not listed. */
gboolean       fd_recent_files_remove      (FdRecentFiles *self,
                                            const char    *path);
/* Checks again which files are missing; notifies "missing" on the items
 * that changed. */
void           fd_recent_files_refresh     (FdRecentFiles *self);
/* Writes the latest FD_CACHE_SAVED_ITEMS atomically (mode 0600). Also done
 * on dispose when something changed since the last save. */
gboolean       fd_recent_files_save        (FdRecentFiles *self,
                                            GError       **error);

G_END_DECLS
