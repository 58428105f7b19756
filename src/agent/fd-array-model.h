#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The GListModel of the app's lists (queues, Activity List, recent files,
 * reply cache): an array of items of the class's item_type, which the
 * subclass changes and announces through the functions below. */

#define FD_TYPE_ARRAY_MODEL (fd_array_model_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdArrayModel, fd_array_model, FD, ARRAY_MODEL, GObject)

struct _FdArrayModelClass
{
  GObjectClass parent_class;

  GType        item_type;
  /* The id an item is found by (_fd_array_model_find); may be NULL. */
  gint64     (*item_id) (gpointer item);
  /* TRUE: lookups by id go through a hash table (lists of thousands, the
   * Activity List); the subclass then changes its array only through
   * _fd_array_model_append/remove/replace. */
  gboolean     indexed;
};

/* The model's own array, for the subclass to read and change; whoever
 * changes it calls g_list_model_items_changed(). */
GPtrArray *_fd_array_model_items   (FdArrayModel *self);
/* The position of the item whose item_id is @id. */
gboolean   _fd_array_model_find    (FdArrayModel *self,
                                    gint64        id,
                                    guint        *position);
/* The item whose item_id is @id (borrowed), or NULL. */
gpointer   _fd_array_model_lookup  (FdArrayModel *self,
                                    gint64        id);
/* Adds @item (taken) at the end without announcing it: the caller calls
 * g_list_model_items_changed(). */
void       _fd_array_model_append  (FdArrayModel *self,
                                    gpointer      item);
/* Removes the item at @position and announces it. */
void       _fd_array_model_remove  (FdArrayModel *self,
                                    guint         position);
/* Replaces every item by @items (taken) and announces it when either
 * list has any. */
void       _fd_array_model_replace (FdArrayModel *self,
                                    GPtrArray    *items);

G_END_DECLS
