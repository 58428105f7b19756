#pragma once

#include <gtk/gtk.h>

#include "fd-conversation-model.h"

G_BEGIN_DECLS

/* The Resources tab (docs/app.md, "The Web Chat window"): a search entry
 * and the links and files the server finds for the conversation;
 * activating a row sends its URL (server files with the server address). */

#define FD_TYPE_RESOURCES_TAB (fd_resources_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdResourcesTab, fd_resources_tab, FD, RESOURCES_TAB, GtkBox)

/* Binds the tab to @model and lists every resource. */
void         fd_resources_tab_set_model  (FdResourcesTab  *self,
                                               FdConversationModel *model);
GtkListBox  *fd_resources_tab_get_list   (FdResourcesTab  *self);
GtkEditable *fd_resources_tab_get_search (FdResourcesTab  *self);

G_END_DECLS
