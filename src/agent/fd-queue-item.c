#define G_LOG_DOMAIN "fd-queue-item"

#include "fd-properties.h"
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

static const FdProperty property_table[N_PROPS] = {
  [PROP_ID] = FD_PROPERTY_INT64 ("id", fd_queue_item_get_id),
  [PROP_NAME] = FD_PROPERTY_STRING ("name", fd_queue_item_get_name, ""),
  [PROP_JOINED] = FD_PROPERTY_BOOLEAN ("joined", fd_queue_item_get_joined, FALSE),
  [PROP_MEMBERS] = FD_PROPERTY_INT ("members", fd_queue_item_get_members, 0, 0),
  [PROP_MEMBERS_JOINED] = FD_PROPERTY_INT ("members-joined", fd_queue_item_get_members_joined, 0, 0),
};

static void
fd_queue_item_class_init (FdQueueItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_queue_item_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
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
  if (state->name != NULL)
    fd_properties_replace_string (object, &self->name, state->name, properties[PROP_NAME]);
  fd_properties_set_boolean (object, &self->joined, state->joined, properties[PROP_JOINED]);
  fd_properties_set_int (object, &self->members, state->members, properties[PROP_MEMBERS]);
  fd_properties_set_int (object, &self->members_joined, state->members_joined,
                         properties[PROP_MEMBERS_JOINED]);
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
