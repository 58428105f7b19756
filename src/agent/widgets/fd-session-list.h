#pragma once

#include <gtk/gtk.h>

#include "fd-connection.h"

G_BEGIN_DECLS

/* The base of the main window's lists of the session's items (the queue
 * sidebar, the Activity List): it owns the connection, the requests in
 * flight, a watch on the items, and the right-click menu (opened by the
 * Menu key and Shift+F10; the list's tooltips are off while it is open).
 * Signal "toast" (const char *) reports failures for the window's toast
 * overlay. */

#define FD_TYPE_SESSION_LIST (fd_session_list_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdSessionList, fd_session_list, FD, SESSION_LIST, GtkWidget)

struct _FdSessionListClass
{
  GtkWidgetClass parent_class;

  /* Shows the model of @connection, or nothing when it is NULL. */
  void (*bind) (FdSessionList *self,
                FdConnection  *connection);
};

/* Sets the template ui/NAME.ui (with a popover "menu") and the CSS name
 * NAME; the Menu key and Shift+F10 activate @menu_action. */
void          fd_session_list_class_set_template (GtkWidgetClass *widget_class,
                                                  const char     *name,
                                                  const char     *menu_action);
/* Turns @list's tooltips off while the menu is open (they would cover
 * it); called once the template is built. */
void          fd_session_list_follow_menu        (FdSessionList  *self,
                                                  GtkWidget      *list);
void          fd_session_list_set_connection     (FdSessionList  *self,
                                                  FdConnection   *connection);
FdConnection *fd_session_list_get_connection     (FdSessionList  *self);
/* Cancelled when the list goes. */
GCancellable *fd_session_list_get_cancellable    (FdSessionList  *self);
GtkPopover   *fd_session_list_get_menu           (FdSessionList  *self);
/* Follows @property of the items of @model until the connection changes
 * (see FdListWatch). */
void          fd_session_list_watch              (FdSessionList  *self,
                                                  GListModel     *model,
                                                  const char     *property,
                                                  GCallback       notify,
                                                  void          (*changed) (gpointer instance));
void          fd_session_list_toast              (FdSessionList  *self,
                                                  const char     *text);

G_END_DECLS
