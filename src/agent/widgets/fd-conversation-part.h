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
 * on activation, unless a handler of "payload-activated" (text) returns
 * TRUE (the Email window puts it into the reply instead). */

#define FD_TYPE_CONVERSATION_PART (fd_conversation_part_get_type ())
G_DECLARE_DERIVABLE_TYPE (FdConversationPart, fd_conversation_part, FD, CONVERSATION_PART, GtkBox)

struct _FdConversationPartClass
{
  GtkBoxClass parent_class;

  /* Shows the model: called once the part has one, and again on each
   * change of the search text (a part without a "search" entry: once,
   * so it may connect to the model here). The default makes the
   * class's search request. */
  void (*reload) (FdConversationPart *self);

  /* A searchable list the server fills (the default reload asks it). */
  const struct _FdConversationPartSearch *search;
};

/* Where a searchable list's rows come from: the model's request, its
 * _finish, and the row for one item of the answer (NULL: not listed). */
typedef struct _FdConversationPartSearch
{
  void       (*list_async)  (FdConversationModel *model,
                             const char          *search,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
  GPtrArray *(*list_finish) (FdConnection        *connection,
                             GAsyncResult        *result,
                             GError             **error);
  GtkWidget *(*new_row)     (FdConversationPart  *self,
                             gconstpointer        item);
} FdConversationPartSearch;

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
/* The same for a searchable list the server fills: a template with
 * "search" and "list", rows from @search. */
void                 fd_conversation_part_class_set_search   (GtkWidgetClass                 *widget_class,
                                                              const char                     *name,
                                                              const FdConversationPartSearch *search);
/* Binds the part to @model (once) and reloads it. */
void                 fd_conversation_part_set_model          (FdConversationPart  *self,
                                                              FdConversationModel *model);
FdConversationModel *fd_conversation_part_get_model          (FdConversationPart  *self);
/* Connects @callback to @signal of the model, swapped; disconnected when
 * the part is disposed. */
void                 fd_conversation_part_connect            (FdConversationPart  *self,
                                                              const char          *signal,
                                                              GCallback            callback);
/* The template's "list" and "search" children (NULL where there is none). */
GtkListBox          *fd_conversation_part_get_list           (FdConversationPart  *self);
GtkEditable         *fd_conversation_part_get_search         (FdConversationPart  *self);

/* The compose boxes (FdComposeArea, FdEmailComposer), written once: the
 * text of @view, its selection (NULL without one), @text put in at the
 * cursor (the view takes the focus), the model's draft for an empty box
 * (NULL when there is nothing to restore), and the box's text kept as the
 * model's compose text (its draft and typing). */
char                *fd_compose_text_dup                     (GtkTextView         *view);
char                *fd_compose_text_dup_selection           (GtkTextView         *view);
void                 fd_compose_text_insert                  (GtkTextView         *view,
                                                              const char          *text);
/* @text in place of what @view holds, the cursor at its end; *@setting
 * is TRUE meanwhile, so that the buffer's "changed" handler tells it from
 * the agent typing. */
void                 fd_compose_text_set                     (GtkTextView         *view,
                                                              const char          *text,
                                                              gboolean            *setting);
/* Ctrl+Enter in @view calls @send with @user_data: the text view would
 * take it as a new line before a window's shortcut, so the view's own key
 * controller sends (Enter alone stays a new line). */
void                 fd_compose_text_send_on_ctrl_enter      (GtkTextView         *view,
                                                              GCallback            send,
                                                              gpointer             user_data);
const char          *fd_conversation_part_get_draft_to_restore (FdConversationPart *self,
                                                                GtkTextView        *view);
void                 fd_conversation_part_keep_compose_text  (FdConversationPart  *self,
                                                              GtkTextView         *view);

G_END_DECLS
