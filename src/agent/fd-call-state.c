#define G_LOG_DOMAIN "fd-call-state"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-call-state.h"

struct _FdCallState
{
  GObject  parent_instance;

  gint64   conversation_id;  /* 0 = not on a call */
  char    *name;
};

G_DEFINE_FINAL_TYPE (FdCallState, fd_call_state, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-call-state-error-quark, fd_call_state_error)

enum {
  PROP_0,
  PROP_ON_CALL,
  PROP_CONVERSATION_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fd_call_state_finalize (GObject *object)
{
  FdCallState *self = FD_CALL_STATE (object);

  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (fd_call_state_parent_class)->finalize (object);
}

static void
fd_call_state_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FdCallState *self = FD_CALL_STATE (object);

  switch (prop_id)
    {
    case PROP_ON_CALL:
      g_value_set_boolean (value, self->conversation_id != 0);
      break;
    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_call_state_class_init (FdCallStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_call_state_finalize;
  object_class->get_property = fd_call_state_get_property;

  properties[PROP_ON_CALL] =
    g_param_spec_boolean ("on-call", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_call_state_init (FdCallState *self)
{
}

FdCallState *
fd_call_state_new (void)
{
  return g_object_new (FD_TYPE_CALL_STATE, NULL);
}

gboolean
fd_call_state_begin (FdCallState  *self,
                     gint64        conversation_id,
                     const char   *name,
                     GError      **error)
{
  g_return_val_if_fail (FD_IS_CALL_STATE (self), FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);

  if (self->conversation_id != 0)
    {
      g_set_error (error, FD_CALL_STATE_ERROR, FD_CALL_STATE_ERROR_BUSY,
                   _("You are already on a call with %s. Say how that call went before you start another callback."),
                   self->name != NULL ? self->name : _("a customer"));
      return FALSE;
    }
  self->conversation_id = conversation_id;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ON_CALL]);
  return TRUE;
}

void
fd_call_state_end (FdCallState *self,
                   gint64       conversation_id)
{
  g_return_if_fail (FD_IS_CALL_STATE (self));

  if (self->conversation_id == 0 || self->conversation_id != conversation_id)
    return;
  self->conversation_id = 0;
  g_clear_pointer (&self->name, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ON_CALL]);
}

gboolean
fd_call_state_get_on_call (FdCallState *self)
{
  g_return_val_if_fail (FD_IS_CALL_STATE (self), FALSE);
  return self->conversation_id != 0;
}

gint64
fd_call_state_get_conversation_id (FdCallState *self)
{
  g_return_val_if_fail (FD_IS_CALL_STATE (self), 0);
  return self->conversation_id;
}
