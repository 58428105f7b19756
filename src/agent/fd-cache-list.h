#pragma once

#include "fd-array-model.h"
#include "fd-cache-file.h"

G_BEGIN_DECLS

/* What the reply cache and the recent attachments share (docs/app.md,
 * "Local caches"): a GListModel of items newest first, each known by a
 * string key (a reply's text, a file's path) and stored as one string in a
 * file {"version": 1, member: [...]}; the latest FD_CACHE_SAVED_ITEMS are
 * saved, on request and on dispose when something changed. A bad file is
 * set aside and never overwritten. Subclasses say how an item is keyed,
 * stored and read back. */

#define FD_TYPE_CACHE_LIST (fd_cache_list_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdCacheList, fd_cache_list, FD, CACHE_LIST, FdArrayModel)

struct _FdCacheListClass
{
  FdArrayModelClass parent_class;   /* sets item_type */

  const char  *member;     /* the file's array: "replies", "files" */
  const char  *what;       /* for sentences: "the reply cache" */

  /* The string an item is found by. */
  const char *(*item_key)         (gpointer     item);
  /* The string stored for an item; NULL leaves it out. */
  char       *(*item_to_string)   (gpointer     item);
  /* An item from a stored string (new reference), or NULL with @reason
   * (a phrase for the warning) when the file holds a bad entry. */
  gpointer    (*item_from_string) (const char  *text,
                                   const char **reason);
};

/* Loads @directory/@stem[-HASH].json (see _fd_cache_file_path). */
void        _fd_cache_list_open        (FdCacheList  *self,
                                        const char   *directory,
                                        const char   *stem,
                                        const char   *server_url,
                                        const char   *email);
const char *_fd_cache_list_get_path    (FdCacheList  *self);
/* The item with @key (borrowed), NULL when none. */
gpointer    _fd_cache_list_lookup      (FdCacheList  *self,
                                        const char   *key);
/* Moves the item with @key first, or, when there is none, puts @new_item
 * (taken; needed then) first. Nothing changes for the first item. */
void        _fd_cache_list_push_front  (FdCacheList  *self,
                                        const char   *key,
                                        gpointer      new_item);
/* Removes the item with @key; FALSE when there was none. */
gboolean    _fd_cache_list_remove      (FdCacheList  *self,
                                        const char   *key);
/* Calls @func on every item, newest first. */
void        _fd_cache_list_foreach     (FdCacheList  *self,
                                        GFunc         func,
                                        gpointer      user_data);
/* Writes the latest FD_CACHE_SAVED_ITEMS atomically (mode 0600). */
gboolean    _fd_cache_list_save        (FdCacheList  *self,
                                        GError      **error);

G_END_DECLS
