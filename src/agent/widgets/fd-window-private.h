#pragma once

/* What the files of FdWindow share: fd-window.c (the window, its
 * connection, toasts and views), fd-window-activity.c (the Activity
 * List's page: live durations, the rows shown after a snapshot, the empty
 * states), fd-window-acd.c (the ACD state menu) and fd-window-health.c
 * (the supervisors' stream health strip). Nothing outside them includes
 * this. */

#include "fd-wallboard.h"
#include "fd-window.h"

G_BEGIN_DECLS

struct _FdWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *window_title;
  AdwViewStack         *view_stack;
  GtkMenuButton        *acd_button;
  GtkRevealer          *banner;
  GtkRevealer          *health_banner;
  GtkBox               *health_box;
  GtkStack             *stack;
  FdSignInPage         *sign_in_page;
  FdQueueSidebar       *queue_sidebar;
  FdActivityList       *activity_list;
  /* The Activity Log and the Wallboard are built when first shown, in
   * their bins (ensure_view): NULL until then. */
  AdwBin               *log_bin;
  AdwBin               *wallboard_bin;
  FdActivityLog        *activity_log;
  FdWallboard          *wallboard;
  GtkStack             *activity_stack;
  AdwStatusPage        *offline_page;

  FdConnection         *connection;
  GSettings            *settings;
  GCancellable         *cancellable;
  guint                 tick_source;
  GdkFrameClock        *shown_clock;     /* while a "rows shown" line waits for its frame */
  gulong                shown_paint_id;
  /* Supervisors: stream id → FdStreamHealthInfo of the streams that are
   * not ok (docs/app.md, "Stream health"). */
  GHashTable           *stream_health;
  GCancellable         *health_cancellable;
};

/* fd-window-activity.c */
void     _fd_window_update_ticking             (FdWindow          *self);
void     _fd_window_on_rows_changed_cb         (GListModel        *model,
                                                guint              position,
                                                guint              removed,
                                                guint              added,
                                                FdWindow          *self);
void     _fd_window_stop_waiting_for_paint     (FdWindow          *self);
/* A snapshot replaced the rows: say so once the next frame is painted. */
void     _fd_window_on_session_snapshot_cb     (FdSession         *session,
                                                const FdSnapshot  *snapshot,
                                                FdWindow          *self);
void     _fd_window_update_activity_page       (FdWindow          *self);
void     _fd_window_on_queues_changed_cb       (FdWindow          *self);
void     _fd_window_on_join_all_activate_cb    (GSimpleAction     *action,
                                                GVariant          *parameter,
                                                gpointer           user_data);

/* fd-window-acd.c */
void     _fd_window_show_agent_acd             (FdWindow          *self,
                                                const FdAgent     *agent);
void     _fd_window_on_acd_change_state_cb     (GSimpleAction     *action,
                                                GVariant          *value,
                                                gpointer           user_data);

/* fd-window-health.c */
void     _fd_window_clear_stream_health        (FdWindow          *self);
/* After every (re)connection. */
void     _fd_window_refresh_stream_health      (FdWindow          *self);
void     _fd_window_on_session_stream_health_cb (FdSession                *session,
                                                 const FdStreamHealthInfo *info,
                                                 FdWindow                 *self);

G_END_DECLS
