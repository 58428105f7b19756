#pragma once

/* What the files of FdActivityList share: fd-activity-list.c (the
 * widget, the selection and which actions it enables),
 * fd-activity-list-cells.c (the columns' cells and their clock) and
 * fd-activity-list-actions.c (the activity.* actions and the row
 * menus). Nothing outside them includes this. */

#include <adwaita.h>

#include "fd-activity-list.h"
#include "fd-session-list.h"
#include "fd-session.h"

G_BEGIN_DECLS

enum {
  COLUMN_ACTIVITY,
  COLUMN_FROM,
  COLUMN_TO,
  COLUMN_DURATION,
  COLUMN_STATUS,
  N_COLUMNS
};

struct _FdActivityList
{
  FdSessionList       parent_instance;

  GtkWidget          *scroller;
  GtkColumnView      *column_view;
  GtkSingleSelection *selection;
  GMenuModel         *callback_unreserved_menu;
  GMenuModel         *callback_reserved_menu;
  GMenuModel         *shown_menu;       /* the last menu_for() */
  GMenuModel         *unreserved_menu;
  GMenuModel         *reserved_menu;
  GtkColumnViewColumn *columns[N_COLUMNS];

  /* The cells bound now whose text moves with the clock (Duration,
   * Status): the one handler on the rows' shared clock updates these. */
  GHashTable         *ticking;
  FdActivityClock    *clock;
  gulong              clock_id;

  /* The selected row, whose "reserved" changes the menu's actions: one
   * handler on that row, not one per row. */
  FdConversationItem *watched;
  gulong              watched_id;
};

static inline FdConnection *
get_connection (FdActivityList *self)
{
  return fd_session_list_get_connection (FD_SESSION_LIST (self));
}

static inline GCancellable *
get_cancellable (FdActivityList *self)
{
  return fd_session_list_get_cancellable (FD_SESSION_LIST (self));
}

static inline FdConversationItem *
selected_item (FdActivityList *self)
{
  /* Disposed: the template's objects are gone. */
  if (self->selection == NULL)
    return NULL;
  return gtk_single_selection_get_selected_item (self->selection);
}

static inline gboolean
is_callback (FdConversationItem *item)
{
  return fd_conversation_item_get_conversation (item)->kind == FD_STREAM_CALLBACK;
}

/* fd-activity-list-cells.c */
char   *_fd_activity_list_cell_text        (FdConversationItem *item,
                                            guint               column);
void    _fd_activity_list_name_header_row  (FdActivityList     *self);
/* Where the list item of a cell's child is kept. */
GQuark  _fd_activity_list_list_item_quark  (void);
void    _fd_activity_list_set_up_columns   (FdActivityList     *self);
void    _fd_activity_list_follow_clock     (FdActivityList     *self,
                                            FdActivityClock    *clock);

/* fd-activity-list-actions.c */
/* Installs the activity.* actions and their keys. */
void    _fd_activity_list_class_actions_init (GtkWidgetClass   *widget_class);
void    _fd_activity_list_popup_menu       (FdActivityList     *self,
                                            double              x,
                                            double              y);

G_END_DECLS
