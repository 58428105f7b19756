#define G_LOG_DOMAIN "fd-application"

/* Presence that follows the desktop (docs/app.md, "Presence"). The
 * signed-in agent's FdDesktopPresence (services/) says when the person
 * left (idle, screen locked, suspended) and came back. Leaving makes an
 * available agent unavailable with that reason; coming back asks "You're
 * back — be available again?" or, by preference, makes them available at
 * once; either only while the agent is still unavailable for the reason
 * the app set: a state the agent chose meanwhile is theirs. */

#include <glib/gi18n.h>

#include "fd-application-private.h"

#define RESTORE_ACTION "presence-restore"

static gboolean
still_ours (FdApplication *self)
{
  return self->presence_reason != NULL && self->agent_acd == FD_ACD_UNAVAILABLE &&
         g_strcmp0 (self->agent_acd_reason, self->presence_reason) == 0;
}

static void
know_agent_state (FdApplication *self,
                  FdAcdState     state,
                  const char    *reason)
{
  self->agent_acd = state;
  g_free (self->agent_acd_reason);
  self->agent_acd_reason = g_strdup (state == FD_ACD_UNAVAILABLE ? reason : NULL);
}

static void
show_toast (FdApplication *self,
            AdwToast      *toast)
{
  FdWindow *window = _fd_application_main_window (self);

  if (window != NULL)
    fd_window_show_toast (window, toast);
  else
    g_object_unref (toast);
}

static void
dismiss_question (FdApplication *self)
{
  g_autoptr(AdwToast) toast = self->presence_question ? g_object_ref (self->presence_question) : NULL;

  g_clear_weak_pointer (&self->presence_question);
  if (toast != NULL)
    adw_toast_dismiss (toast);
}

static void
on_question_dismissed_cb (AdwToast      *toast,
                          FdApplication *self)
{
  if (self->presence_question == toast)
    g_clear_weak_pointer (&self->presence_question);
}

/* --- set-acd --------------------------------------------------------------- */

static void
on_set_acd_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (fd_connection_set_acd_finish (FD_CONNECTION (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->connection != FD_CONNECTION (source))
    return;
  text = g_strdup_printf (_("Could not change your availability: %s"), error->message);
  show_toast (self, adw_toast_new (text));
  /* Not unavailable for our reason after all: nothing to give back. */
  g_clear_pointer (&self->presence_reason, g_free);
}

static void
set_acd (FdApplication *self,
         FdAcdState     state,
         const char    *reason)
{
  /* Known at once, so that a return before the server's agent-state (or
   * while asleep, with the socket closed) compares with what was sent. */
  know_agent_state (self, state, reason);
  fd_connection_set_acd_async (self->connection, state, reason, self->cancellable,
                               on_set_acd_cb, g_object_ref (self));
}

static const char *
away_text (const char *reason)
{
  if (g_str_equal (reason, FD_PRESENCE_SUSPENDED))
    return _("You are unavailable: the computer went to sleep");
  if (g_str_equal (reason, FD_PRESENCE_SCREEN_LOCKED))
    return _("You are unavailable: the screen is locked");
  return _("You are unavailable: you were away from the computer");
}

/* --- leaving and coming back ------------------------------------------------- */

static void
go_away (FdApplication *self,
         const char    *reason)
{
  if (self->presence_reason != NULL)
    {
      /* Away already: the server hears the strongest reason that holds now
       * (idle, then the screen locks: screen-locked; waking on a locked
       * screen: screen-locked again), unless the agent chose a state of
       * their own meanwhile. */
      if (!still_ours (self))
        g_clear_pointer (&self->presence_reason, g_free);
      else if (!g_str_equal (self->presence_reason, reason))
        {
          g_free (self->presence_reason);
          self->presence_reason = g_strdup (reason);
          set_acd (self, FD_ACD_UNAVAILABLE, reason);
          show_toast (self, adw_toast_new (away_text (reason)));
        }
      return;
    }
  /* An agent who is not available (lunch, wrap-up) keeps that state. */
  if (self->agent_acd != FD_ACD_AVAILABLE)
    return;
  dismiss_question (self);
  self->presence_reason = g_strdup (reason);
  set_acd (self, FD_ACD_UNAVAILABLE, reason);
  show_toast (self, adw_toast_new (away_text (reason)));
}

static void
restore (FdApplication *self)
{
  gboolean ours = still_ours (self);

  dismiss_question (self);
  g_clear_pointer (&self->presence_reason, g_free);
  if (ours)
    set_acd (self, FD_ACD_AVAILABLE, NULL);
}

static void
come_back (FdApplication *self)
{
  g_autofree char *on_return = NULL;
  AdwToast *toast;

  if (!still_ours (self))
    {
      /* The agent chose another state meanwhile: theirs to keep. */
      g_clear_pointer (&self->presence_reason, g_free);
      return;
    }
  if (self->settings != NULL)
    on_return = g_settings_get_string (self->settings, "presence-on-return");
  if (g_strcmp0 (on_return, "restore") == 0)
    {
      restore (self);
      show_toast (self, adw_toast_new (_("Welcome back — you are available again")));
      return;
    }

  dismiss_question (self);
  toast = adw_toast_new (_("You're back — be available again?"));
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Be Available"));
  adw_toast_set_action_name (toast, "app." RESTORE_ACTION);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_question_dismissed_cb), self, 0);
  g_set_weak_pointer (&self->presence_question, toast);
  show_toast (self, toast);
}

static void
on_away_reason_notify_cb (FdDesktopPresence *presence,
                          GParamSpec        *pspec,
                          FdApplication     *self)
{
  const char *reason = fd_desktop_presence_get_away_reason (presence);

  if (self->connection == NULL)
    return;
  if (reason != NULL)
    go_away (self, reason);
  else if (self->presence_reason != NULL)
    come_back (self);
}

/* The connection is about to close its socket for a suspend and waits for
 * the answers to what is queued now (fd-connection-suspend.c): the
 * set-acd goes in here rather than when the desktop presence, which
 * follows the same PrepareForSleep on its own, gets to it. */
static void
on_connection_going_to_sleep_cb (FdConnection  *connection,
                                 FdApplication *self)
{
  go_away (self, FD_PRESENCE_SUSPENDED);
}

static void
on_restore_activate_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  FdApplication *self = user_data;

  if (self->connection != NULL)
    restore (self);
}

/* --- the agent's own state ------------------------------------------------------ */

static void
on_session_agent_state_cb (FdSession     *session,
                           const FdAgent *agent,
                           FdApplication *self)
{
  const FdAgent *me = fd_connection_get_agent (self->connection);

  if (me != NULL && agent->id == me->id)
    know_agent_state (self, agent->acd_state, agent->acd_reason);
}

static void
on_connection_state_notify_cb (FdConnection  *connection,
                               GParamSpec    *pspec,
                               FdApplication *self)
{
  const FdAgent *me = fd_connection_get_agent (connection);

  /* The welcome's agent is the server's view after a reconnection. */
  if (me != NULL && fd_connection_get_state (connection) == FD_CONNECTION_STATE_CONNECTED)
    know_agent_state (self, me->acd_state, me->acd_reason);
}

/* --- start and stop ------------------------------------------------------------- */

void
_fd_application_add_presence_actions (FdApplication *self)
{
  static const GActionEntry entries[] = {
    { RESTORE_ACTION, on_restore_activate_cb, NULL, NULL, NULL, { 0 } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}

void
_fd_application_start_presence (FdApplication *self)
{
  const FdAgent *me;

  g_assert (self->connection != NULL);
  _fd_application_stop_presence (self);
  me = fd_connection_get_agent (self->connection);
  know_agent_state (self, me != NULL ? me->acd_state : FD_ACD_UNAVAILABLE, me != NULL ? me->acd_reason : NULL);
  g_signal_connect_object (fd_connection_get_session (self->connection), "agent-state",
                           G_CALLBACK (on_session_agent_state_cb), self, 0);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (on_connection_state_notify_cb), self, 0);
  g_signal_connect_object (self->connection, "going-to-sleep",
                           G_CALLBACK (on_connection_going_to_sleep_cb), self, 0);

  self->presence = fd_desktop_presence_new ();
  if (self->settings != NULL)
    g_settings_bind (self->settings, "presence-idle-minutes", self->presence, "idle-minutes",
                     G_SETTINGS_BIND_GET);
  g_signal_connect (self->presence, "notify::away-reason", G_CALLBACK (on_away_reason_notify_cb), self);
}

void
_fd_application_stop_presence (FdApplication *self)
{
  dismiss_question (self);
  if (self->presence != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->presence, self);
      if (self->settings != NULL)
        g_settings_unbind (self->presence, "idle-minutes");
    }
  g_clear_object (&self->presence);
  g_clear_pointer (&self->presence_reason, g_free);
  g_clear_pointer (&self->agent_acd_reason, g_free);
}

FdDesktopPresence *
fd_application_get_desktop_presence (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->presence;
}

const char *
fd_application_get_presence_question (FdApplication *self)
{
  g_return_val_if_fail (FD_IS_APPLICATION (self), NULL);
  return self->presence_question != NULL ? adw_toast_get_title (self->presence_question) : NULL;
}
