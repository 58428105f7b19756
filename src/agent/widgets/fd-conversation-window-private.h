#pragma once

#include <adwaita.h>

#include "fd-canned-replies-tab.h"
#include "fd-connection.h"
#include "fd-contact-pane.h"
#include "fd-conversation-model.h"
#include "fd-conversation-part.h"
#include "fd-drafts.h"
#include "fd-history-tab.h"
#include "fd-recent-files.h"
#include "fd-reply-cache-tab.h"
#include "fd-resources-tab.h"
#include "fd-transfer-popover.h"

G_BEGIN_DECLS

/* What every conversation window (the Web Chat and the Email
 * arrangements, docs/app.md) does the same way, written once: the header's
 * Reserve/Reject/Close buttons and actions, Transfer, the title tick, the
 * status line, the file drop target, the shortcuts, the binding to the
 * FdConversationModel and the lifetime rules (rejected or hidden when
 * closed: destroyed). A window embeds one FdConversationWindowCommon,
 * lets fd_conversation_window_class_setup() bind the shared template
 * children into it, and keeps only its own arrangement. Actions are named
 * "<prefix>.reserve", "<prefix>.reject", "<prefix>.close",
 * "<prefix>.transfer", "<prefix>.view-crm", "<prefix>.add-crm-log";
 * "<prefix>.send" and "<prefix>.add-reply-to-cache"
 * are the window's own but are enabled here. */

typedef void (*FdConversationWindowChanged) (GtkWidget *window,
                                             gboolean   reserved);
typedef void (*FdConversationWindowAttach)  (GtkWidget *window,
                                             GFile     *file);

typedef struct
{
  /* Template children, bound by fd_conversation_window_class_setup(). */
  GtkWidget                  *reserve_button;
  GtkWidget                  *reject_button;
  GtkWidget                  *close_button;
  GtkWidget                  *transfer_button;
  GtkLabel                   *status_label;
  FdTransferPopover          *transfer_popover;
  FdContactPane              *contact_pane;
  FdCannedRepliesTab         *canned_tab;
  FdResourcesTab             *resources_tab;
  FdReplyCacheTab            *reply_cache_tab;
  FdHistoryTab               *history_tab;
  GMenuModel                 *compose_menu;
  /* Optional (NULL when the template has none): the header's title and
   * subtitle, and the CRM buttons whose tooltips say why they are off. */
  AdwWindowTitle             *header_title;
  GtkWidget                  *view_crm_button;
  GtkWidget                  *crm_log_button;

  /* Set by fd_conversation_window_common_init(). */
  GtkWidget                  *window;
  const char                 *prefix;
  GtkWidget                  *focus_on_reserve;
  FdConversationWindowChanged changed;
  FdConversationWindowAttach  attach_file;

  FdConversationModel        *model;
  FdConnection               *connection;
  FdReplyCache               *reply_cache;
  guint                       tick_source;
} FdConversationWindowCommon;

void fd_conversation_window_class_setup  (GtkWidgetClass             *widget_class,
                                          const char                 *prefix,
                                          gssize                      common_offset);
void fd_conversation_window_common_init  (FdConversationWindowCommon *common,
                                          GtkWidget                  *window,
                                          const char                 *prefix,
                                          GtkWidget                  *focus_on_reserve,
                                          FdConversationWindowChanged changed,
                                          FdConversationWindowAttach  attach_file);
void fd_conversation_window_common_bind  (FdConversationWindowCommon *common,
                                          GtkWindow                  *parent,
                                          FdConnection               *connection,
                                          gint64                      conversation_id,
                                          FdConversationPart        **parts,
                                          guint                       n_parts);
void fd_conversation_window_common_set_stores (FdConversationWindowCommon *common,
                                               FdDrafts                   *drafts,
                                               FdReplyCache               *reply_cache,
                                               FdRecentFiles              *recent_files);
void fd_conversation_window_common_connect_inserting (FdConversationWindowCommon *common,
                                                      GCallback                   on_payload_activated,
                                                      gpointer                    window);
void fd_conversation_window_common_add_reply_to_cache (FdConversationWindowCommon *common,
                                                       char                       *selection);
void fd_conversation_window_common_dispose (FdConversationWindowCommon *common,
                                            GType                       window_type);

G_END_DECLS
