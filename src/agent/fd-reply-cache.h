#pragma once

#include <gio/gio.h>

#include "fd-cache-list.h"

G_BEGIN_DECLS

/* The agent's reply cache (the guide's "Add Reply to Cache"): texts the
 * agent typed often, newest first, kept on this machine only. The list may
 * grow while the app runs; the file keeps the latest
 * FD_CACHE_SAVED_ITEMS. See docs/app.md, "Local caches". */

#define FD_TYPE_CACHED_REPLY (fd_cached_reply_get_type ())
G_DECLARE_FINAL_TYPE (FdCachedReply, fd_cached_reply, FD, CACHED_REPLY, GObject)

/* One reply of the cache; its "text" never changes. */
const char    *fd_cached_reply_get_text   (FdCachedReply *self);

#define FD_TYPE_REPLY_CACHE (fd_reply_cache_get_type ())
G_DECLARE_FINAL_TYPE (FdReplyCache, fd_reply_cache, FD, REPLY_CACHE, FdCacheList)

/* A GListModel of FdCachedReply, newest first, loaded from
 * @directory/reply-cache[-HASH].json. @directory NULL means
 * g_get_user_data_dir()/frontdesk; with @server_url and @email (both or
 * neither) the file belongs to that agent (HASH). A missing file is an
 * empty cache; a corrupt one warns, is renamed *.bad and gives an empty
 * cache. */
FdReplyCache  *fd_reply_cache_new         (const char    *directory,
                                           const char    *server_url,
                                           const char    *email);
const char    *fd_reply_cache_get_path    (FdReplyCache  *self);
/* Puts @text (trimmed) first; a text already cached moves to the front.
 * Refuses empty and over-long texts with FD_CACHE_ERROR. */
gboolean       fd_reply_cache_add         (FdReplyCache  *self,
                                           const char    *text,
                                           GError       **error);
/* Removes @text; FALSE when it was not cached. */
gboolean       fd_reply_cache_remove      (FdReplyCache  *self,
                                           const char    *text);
/* Writes the latest FD_CACHE_SAVED_ITEMS atomically (mode 0600). Also done
 * on dispose when something changed since the last save. */
gboolean       fd_reply_cache_save        (FdReplyCache  *self,
                                           GError       **error);

G_END_DECLS
