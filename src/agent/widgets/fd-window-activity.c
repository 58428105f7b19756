#define G_LOG_DOMAIN "fd-window"

/* The main window's Activity List page (docs/app.md, "The window" and
 * "Empty states"): the 1-second timer of the live durations, the "rows
 * shown" debug line after a snapshot, and which page shows when the list
 * is empty (with its "join all" action). */

#include <glib/gi18n.h>

#include "fd-session.h"
#include "fd-window-private.h"

/* --- live durations -------------------------------------------------------- */

static gboolean
on_tick_cb (gpointer user_data)
{
  FdWindow *self = user_data;

  fd_activity_model_refresh (fd_session_get_activity_model (fd_connection_get_session (self->connection)));
  return G_SOURCE_CONTINUE;
}

/* One timer per window, running only while rows exist and the window is
 * mapped, so an idle app does not wake up every second. */
void
_fd_window_update_ticking (FdWindow *self)
{
  gboolean want = self->connection != NULL &&
                  gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                  g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (self->connection)))) > 0;

  if (want && self->tick_source == 0)
    {
      self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
      fd_activity_model_refresh (fd_session_get_activity_model (fd_connection_get_session (self->connection)));
    }
  else if (!want && self->tick_source != 0)
    g_clear_handle_id (&self->tick_source, g_source_remove);
}

void
_fd_window_on_rows_changed_cb (GListModel *model,
                               guint       position,
                               guint       removed,
                               guint       added,
                               FdWindow   *self)
{
  _fd_window_update_ticking (self);
  _fd_window_update_activity_page (self);
}

/* --- the rows on screen after a snapshot ----------------------------------------- */

void
_fd_window_stop_waiting_for_paint (FdWindow *self)
{
  if (self->shown_clock != NULL)
    g_clear_signal_handler (&self->shown_paint_id, self->shown_clock);
  g_clear_object (&self->shown_clock);
}

static void
log_rows_shown (FdWindow *self)
{
  GListModel *rows = G_LIST_MODEL (fd_session_get_activity_model (fd_connection_get_session (self->connection)));

  /* bench/app/app-bench reads this line (G_MESSAGES_DEBUG=fd-window) as
   * "signed in and the Activity List shows its rows". */
  g_debug ("Activity List: %u rows shown", g_list_model_get_n_items (rows));
}

static void
on_after_paint_cb (GdkFrameClock *clock,
                   FdWindow      *self)
{
  _fd_window_stop_waiting_for_paint (self);
  if (self->connection != NULL)
    log_rows_shown (self);
}

/* A snapshot replaced the rows: say so once the next frame is painted. */
void
_fd_window_on_session_snapshot_cb (FdSession        *session,
                                   const FdSnapshot *snapshot,
                                   FdWindow         *self)
{
  GdkFrameClock *clock = gtk_widget_get_mapped (GTK_WIDGET (self)) ? gtk_widget_get_frame_clock (GTK_WIDGET (self)) : NULL;

  g_debug ("Snapshot applied: %u conversations", snapshot->conversations != NULL ? snapshot->conversations->len : 0);
  if (clock == NULL)
    {
      log_rows_shown (self);
      return;
    }
  if (self->shown_clock != NULL)
    return;
  self->shown_clock = g_object_ref (clock);
  self->shown_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

/* --- empty states (docs/app.md, "Empty states") ----------------------------- */

static gboolean
any_queue_joined (FdSession *session)
{
  GListModel *queues = G_LIST_MODEL (fd_session_get_queue_model (session));

  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);

      if (fd_queue_item_get_joined (item))
        return TRUE;
    }
  return FALSE;
}

/* Rows win over everything (kept while reconnecting, under the banner);
 * with none, why the list is empty: no connection, no queue joined, or
 * nothing waiting. */
void
_fd_window_update_activity_page (FdWindow *self)
{
  FdSession *session = self->connection ? fd_connection_get_session (self->connection) : NULL;
  FdConnectionState state = self->connection ? fd_connection_get_state (self->connection)
                                             : FD_CONNECTION_STATE_DISCONNECTED;
  const char *page = "list";

  if (session == NULL)
    page = "list";
  else if (g_list_model_get_n_items (G_LIST_MODEL (fd_session_get_activity_model (session))) > 0)
    page = "list";
  else if (state != FD_CONNECTION_STATE_CONNECTED)
    {
      page = "offline";
      if (state == FD_CONNECTION_STATE_RECONNECTING)
        {
          adw_status_page_set_title (self->offline_page, _("Reconnecting…"));
          adw_status_page_set_description (self->offline_page,
                                           _("The server cannot be reached. Frontdesk keeps trying; conversations appear once it is back."));
        }
      else if (state == FD_CONNECTION_STATE_CONNECTING)
        {
          adw_status_page_set_title (self->offline_page, _("Connecting…"));
          adw_status_page_set_description (self->offline_page, NULL);
        }
      else
        {
          adw_status_page_set_title (self->offline_page, _("Disconnected"));
          adw_status_page_set_description (self->offline_page,
                                           _("You are not connected to the server, so no conversation can be offered to you."));
        }
    }
  else if (!any_queue_joined (session))
    page = "not-joined";
  else
    page = "waiting";
  gtk_stack_set_visible_child_name (self->activity_stack, page);
  /* Only while not joined is there something to join. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "join-all")),
                               g_str_equal (page, "not-joined"));
}

void
_fd_window_on_queues_changed_cb (FdWindow *self)
{
  _fd_window_update_activity_page (self);
}

static void
on_join_all_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fd_connection_set_joined_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not join a queue: %s"), error->message);

      fd_window_add_toast (self, text);
    }
}

/* The empty list's action: every queue of this agent, as the
 * "join all queues on start-up" preference does. */
void
_fd_window_on_join_all_activate_cb (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  FdWindow *self = user_data;
  GListModel *queues;

  if (self->connection == NULL)
    return;
  queues = G_LIST_MODEL (fd_session_get_queue_model (fd_connection_get_session (self->connection)));
  for (guint i = 0; i < g_list_model_get_n_items (queues); i++)
    {
      g_autoptr(FdQueueItem) item = g_list_model_get_item (queues, i);

      if (!fd_queue_item_get_joined (item))
        fd_connection_set_joined_async (self->connection, fd_queue_item_get_id (item), TRUE,
                                        self->cancellable, on_join_all_cb, g_object_ref (self));
    }
}
