#define G_LOG_DOMAIN "fd-call-state"

#include "fd-config.h"

#include <glib/gi18n.h>

#include "fd-call-state.h"
#include "fd-properties.h"

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

static const FdProperty property_table[N_PROPS] = {
  [PROP_ON_CALL] = FD_PROPERTY_BOOLEAN ("on-call", fd_call_state_get_on_call, FALSE),
  [PROP_CONVERSATION_ID] = FD_PROPERTY_INT64 ("conversation-id", fd_call_state_get_conversation_id),
};

static void
fd_call_state_class_init (FdCallStateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_call_state_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
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
