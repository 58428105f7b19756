#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The unsent text of each conversation, kept when its window closes and
 * across restarts of the app. Changes are written at most
 * FD_DRAFTS_SAVE_DELAY_MS after the first unsaved one, and on dispose.
 * See docs/app.md, "Local caches". */

#define FD_DRAFTS_SAVE_DELAY_MS 500

#define FD_TYPE_DRAFTS (fd_drafts_get_type ())
G_DECLARE_FINAL_TYPE (FdDrafts, fd_drafts, FD, DRAFTS, GObject)

/* Drafts from @directory/drafts[-HASH].json; the arguments are those of
 * fd_reply_cache_new(). The delayed saves run in the thread-default main
 * context of the caller. */
FdDrafts   *fd_drafts_new      (const char    *directory,
                                const char    *server_url,
                                const char    *email);
const char *fd_drafts_get_path (FdDrafts      *self);
/* The draft of @conversation_id, or NULL when there is none. */
const char *fd_drafts_get      (FdDrafts      *self,
                                gint64         conversation_id);
/* Keeps @text as the draft of @conversation_id; NULL or "" clears it.
 * FD_CACHE_ERROR_INVALID for an id below 1 or text that is not UTF-8. */
gboolean    fd_drafts_set      (FdDrafts      *self,
                                gint64         conversation_id,
                                const char    *text,
                                GError       **error);
void        fd_drafts_clear    (FdDrafts      *self,
                                gint64         conversation_id);
/* Drops the drafts of every conversation not in @open_ids (the ones the
 * agent still has open). */
void        fd_drafts_retain   (FdDrafts      *self,
                                const gint64  *open_ids,
                                gsize          n_open_ids);
guint       fd_drafts_get_n_drafts (FdDrafts  *self);
/* Writes now (atomically, mode 0600) and cancels a pending delayed save. */
gboolean    fd_drafts_save     (FdDrafts      *self,
                                GError       **error);

G_END_DECLS
