#pragma once

#include "fd-conversation-part.h"

G_BEGIN_DECLS

/* The Resources tab (docs/app.md, "The Web Chat window"): a search entry
 * and the links and files the server finds for the conversation;
 * activating a row sends its URL (server files with the server address). */

#define FD_TYPE_RESOURCES_TAB (fd_resources_tab_get_type ())
G_DECLARE_FINAL_TYPE (FdResourcesTab, fd_resources_tab, FD, RESOURCES_TAB, FdConversationPart)

G_END_DECLS
