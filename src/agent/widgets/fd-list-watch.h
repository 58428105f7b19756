#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Follows one property of every item of a list model, present and to
 * come (the Activity List's "reserved", the queue sidebar's "joined"):
 * @notify is connected to "notify::PROPERTY" of each item for @instance
 * (as g_signal_connect_object() does) and @changed, when not NULL, runs
 * after each change of the list. Freeing the watch disconnects it all. */
typedef struct _FdListWatch FdListWatch;

FdListWatch *fd_list_watch_new  (GListModel  *model,
                                 const char  *property,
                                 GCallback    notify,
                                 void       (*changed) (gpointer instance),
                                 gpointer     instance);
void         fd_list_watch_free (FdListWatch *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdListWatch, fd_list_watch_free)

G_END_DECLS
