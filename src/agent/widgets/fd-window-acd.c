#define G_LOG_DOMAIN "fd-window"

/* The main window's ACD state menu (docs/app.md, "The window"): the
 * win.acd action, its label and accessible name, and the agent's state
 * as the server tells it. */

#include <glib/gi18n.h>

#include "fd-window-private.h"

/* --- ACD state ------------------------------------------------------------- */

static char *
acd_target (FdAcdState  state,
            const char *reason)
{
  if (state == FD_ACD_UNAVAILABLE)
    return g_strdup_printf ("unavailable:%s", reason && *reason ? reason : "other");
  return g_strdup (fd_acd_state_to_string (state));
}

static const char *
acd_label (const char *target)
{
  if (g_str_equal (target, "available"))
    return _("Available");
  if (g_str_equal (target, "wrap-up"))
    return _("Wrap-up");
  if (g_str_equal (target, "unavailable:lunch"))
    return _("Unavailable (Lunch)");
  if (g_str_equal (target, "unavailable:break"))
    return _("Unavailable (Break)");
  if (g_str_equal (target, "unavailable:meeting"))
    return _("Unavailable (Meeting)");
  /* Set by the app when the desktop says the person left (docs/app.md,
   * "Presence"). */
  if (g_str_equal (target, "unavailable:idle"))
    return _("Unavailable (Idle)");
  if (g_str_equal (target, "unavailable:screen-locked"))
    return _("Unavailable (Screen Locked)");
  if (g_str_equal (target, "unavailable:suspended"))
    return _("Unavailable (Suspended)");
  return _("Unavailable");
}

static void
show_acd (FdWindow   *self,
          const char *target)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "acd");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (target));
  gtk_menu_button_set_label (self->acd_button, acd_label (target));
  /* What a screen reader says: GTK 4.8 does not read a menu button's label. */
  {
    /* TRANSLATORS: the availability menu's accessible name; %s is the state, e.g. "Available". */
    g_autofree char *name = g_strdup_printf (_("Availability: %s"), acd_label (target));

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->acd_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
}

void
_fd_window_show_agent_acd (FdWindow      *self,
                           const FdAgent *agent)
{
  g_autofree char *target = NULL;

  if (agent == NULL)
    return;
  target = acd_target (agent->acd_state, agent->acd_reason);
  show_acd (self, target);
}

typedef struct {
  FdWindow *self;
  char     *target;
} AcdData;

static void
on_set_acd_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AcdData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (fd_connection_set_acd_finish (FD_CONNECTION (source), result, &error))
    show_acd (data->self, data->target);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not change your availability: %s"), error->message);
      fd_window_add_toast (data->self, text);
    }
  g_object_unref (data->self);
  g_free (data->target);
  g_free (data);
}

void
_fd_window_on_acd_change_state_cb (GSimpleAction *action,
                                   GVariant      *value,
                                   gpointer       user_data)
{
  FdWindow *self = user_data;
  const char *target = g_variant_get_string (value, NULL);
  FdAcdState state = FD_ACD_UNAVAILABLE;
  const char *reason = NULL;
  AcdData *data;

  if (self->connection == NULL)
    return;
  if (g_str_has_prefix (target, "unavailable:"))
    reason = target + strlen ("unavailable:");
  else if (!fd_acd_state_from_string (target, &state) || state == FD_ACD_UNAVAILABLE)
    return;

  data = g_new0 (AcdData, 1);
  data->self = g_object_ref (self);
  data->target = g_strdup (target);
  fd_connection_set_acd_async (self->connection, state, reason, self->cancellable, on_set_acd_cb, data);
}
