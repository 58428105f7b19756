#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The files of the agent's local caches, shared by FdReplyCache,
 * FdRecentFiles and FdDrafts (docs/app.md, "Local caches"). */

#define FD_CACHE_ERROR (fd_cache_error_quark ())

typedef enum {
  FD_CACHE_ERROR_EMPTY,      /* an empty or whitespace-only text */
  FD_CACHE_ERROR_TOO_LONG,   /* longer than the protocol's message limit */
  FD_CACHE_ERROR_INVALID,    /* not UTF-8, a relative path, a bad id */
  FD_CACHE_ERROR_WRITE,      /* the file could not be written */
} FdCacheError;

GQuark fd_cache_error_quark (void);

/* How many replies and attachments the files keep (the guide: "only the
 * latest 20 will be saved"). */
#define FD_CACHE_SAVED_ITEMS 20

/* g_get_user_data_dir()/frontdesk. */
char          *_fd_cache_default_dir      (void);
/* @directory/@stem.json, or @stem-HASH.json for one server and email. */
char          *_fd_cache_file_path        (const char    *directory,
                                           const char    *stem,
                                           const char    *server_url,
                                           const char    *email);
/* The array @member of a file {"version": 1, @member: [...]} whose
 * elements are all of @element_type (G_TYPE_STRING or JSON_TYPE_OBJECT),
 * or NULL: silently when there is no file, else after setting the file
 * aside with _fd_cache_file_set_aside(). *@out_blocked tells that the bad
 * file could not be moved away, so it must not be overwritten. */
JsonArray     *_fd_cache_file_load        (const char    *path,
                                           const char    *member,
                                           GType          element_type,
                                           gboolean      *out_blocked);
/* Warns once about @path (never with its contents) and renames it to
 * @path.bad; FALSE when it could not be renamed. */
gboolean       _fd_cache_file_set_aside   (const char    *path,
                                           const char    *reason);
/* Writes {"version": 1, @member: @array} to @path atomically, mode 0600,
 * creating the directory (0700). Takes @array. */
gboolean       _fd_cache_file_save        (const char    *path,
                                           const char    *member,
                                           JsonArray     *array,
                                           GError       **error);

G_END_DECLS
