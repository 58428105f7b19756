#define G_LOG_DOMAIN "fd-queue-item"

#include "fd-queue-item.h"

struct _FdQueueItem
{
  GObject  parent_instance;

  gint64   id;
  char    *name;
  gboolean joined;
  gint     members;
  gint     members_joined;
};

G_DEFINE_FINAL_TYPE (FdQueueItem, fd_queue_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_JOINED,
  PROP_MEMBERS,
  PROP_MEMBERS_JOINED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fd_queue_item_finalize (GObject *object)
{
  FdQueueItem *self = FD_QUEUE_ITEM (object);

  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (fd_queue_item_parent_class)->finalize (object);
}

static void
fd_queue_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FdQueueItem *self = FD_QUEUE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_JOINED:
      g_value_set_boolean (value, self->joined);
      break;
    case PROP_MEMBERS:
      g_value_set_int (value, self->members);
      break;
    case PROP_MEMBERS_JOINED:
      g_value_set_int (value, self->members_joined);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_queue_item_class_init (FdQueueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fd_queue_item_finalize;
  object_class->get_property = fd_queue_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_JOINED] = g_param_spec_boolean ("joined", NULL, NULL, FALSE, flags);
  properties[PROP_MEMBERS] = g_param_spec_int ("members", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_MEMBERS_JOINED] = g_param_spec_int ("members-joined", NULL, NULL, 0, G_MAXINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_queue_item_init (FdQueueItem *self)
{
  self->name = g_strdup ("");
}

FdQueueItem *
_fd_queue_item_new (const FdQueueState *state)
{
  FdQueueItem *self;

  g_assert (state != NULL);

  self = g_object_new (FD_TYPE_QUEUE_ITEM, NULL);
  self->id = state->queue_id;
  _fd_queue_item_update (self, state);
  return self;
}

void
_fd_queue_item_update (FdQueueItem        *self,
                       const FdQueueState *state)
{
  GObject *object = G_OBJECT (self);

  g_assert (FD_IS_QUEUE_ITEM (self));
  g_assert (state != NULL && state->queue_id == self->id);

  g_object_freeze_notify (object);
  /* A queue-state event may leave the name out; keep the one we know. */
  if (state->name != NULL && g_strcmp0 (state->name, self->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (state->name);
      g_object_notify_by_pspec (object, properties[PROP_NAME]);
    }
  if (self->joined != !!state->joined)
    {
      self->joined = !!state->joined;
      g_object_notify_by_pspec (object, properties[PROP_JOINED]);
    }
  if (self->members != state->members)
    {
      self->members = state->members;
      g_object_notify_by_pspec (object, properties[PROP_MEMBERS]);
    }
  if (self->members_joined != state->members_joined)
    {
      self->members_joined = state->members_joined;
      g_object_notify_by_pspec (object, properties[PROP_MEMBERS_JOINED]);
    }
  g_object_thaw_notify (object);
}

gint64
fd_queue_item_get_id (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), 0);
  return self->id;
}

const char *
fd_queue_item_get_name (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), NULL);
  return self->name;
}

gboolean
fd_queue_item_get_joined (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), FALSE);
  return self->joined;
}

gint
fd_queue_item_get_members (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), 0);
  return self->members;
}

gint
fd_queue_item_get_members_joined (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), 0);
  return self->members_joined;
}

gboolean
fd_queue_item_is_last_joined (FdQueueItem *self)
{
  g_return_val_if_fail (FD_IS_QUEUE_ITEM (self), FALSE);
  return self->joined && self->members_joined <= 1;
}
