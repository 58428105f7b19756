#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* The base of the parts a conversation window is built from (contact
 * pane, transcript, compose area, side tabs): each holds one
 * FdConversationModel and shows it. The base owns the model, the handlers
 * connected to it, a cancellable for the request in flight, and the
 * template; a part whose template has a GtkListBox "list" (and a
 * GtkSearchEntry "search") gets the searchable-list behaviour for free:
 * reload on each search, one request at a time, a row's "fd-payload" sent
 * on activation. */

#define FD_TYPE_CONVERSATION_PART (fd_conversation_part_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdConversationPart, fd_conversation_part, FD, CONVERSATION_PART, GtkBox)

struct _FdConversationPartClass
{
  GtkBoxClass parent_class;

  /* Shows the model: called once the part has one, and again on each
   * change of the search text. */
  void (*reload) (FdConversationPart *self);
};

/* The children of the template the base class reads. */
typedef enum {
  FD_CONVERSATION_PART_LIST   = 1 << 0,   /* a GtkListBox "list" */
  FD_CONVERSATION_PART_SEARCH = 1 << 1,   /* a GtkSearchEntry "search" */
} FdConversationPartChildren;

/* Sets the template ui/NAME.ui, binds @children and the handlers a
 * template may use: fd_conversation_part_search_changed_cb (reload) and
 * fd_conversation_part_row_activated_cb (send the row's "fd-payload"). */
void                 fd_conversation_part_class_set_template (GtkWidgetClass            *widget_class,
                                                              const char                *name,
                                                              FdConversationPartChildren children);
/* Binds the part to @model (once) and reloads it. */
void                 fd_conversation_part_set_model          (FdConversationPart  *self,
                                                              FdConversationModel *model);
FdConversationModel *fd_conversation_part_get_model          (FdConversationPart  *self);
/* Connects @callback to @signal of the model, swapped; disconnected when
 * the part is disposed. */
void                 fd_conversation_part_connect            (FdConversationPart  *self,
                                                              const char          *signal,
                                                              GCallback            callback);
/* Cancels the request in flight and returns the cancellable for the next
 * one (owned by the part). */
GCancellable        *fd_conversation_part_renew_cancellable  (FdConversationPart  *self);
/* The template's "list" and "search" children (NULL where there is none). */
GtkListBox          *fd_conversation_part_get_list           (FdConversationPart  *self);
GtkEditable         *fd_conversation_part_get_search         (FdConversationPart  *self);
/* The search text ("" without a search entry). */
const char          *fd_conversation_part_get_query          (FdConversationPart  *self);
/* The answer to a list request arrived: with @found FALSE the model
 * reports @error and this returns FALSE; otherwise the list is emptied for
 * the new rows and this returns TRUE. */
gboolean             fd_conversation_part_begin_rows         (FdConversationPart  *self,
                                                              gboolean             found,
                                                              const GError        *error);

G_END_DECLS
