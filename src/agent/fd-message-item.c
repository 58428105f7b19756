#define G_LOG_DOMAIN "fd-message-item"

#include "fd-message-item.h"
#include "fd-format.h"
#include "fd-properties.h"

struct _FdMessageItem
{
  GObject      parent_instance;

  FdMessage   *message;
  char        *author;
  FdSendState  state;
  char        *error;
};

G_DEFINE_FINAL_TYPE (FdMessageItem, fd_message_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SEND_STATE,
  PROP_ERROR,
  PROP_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fd_message_item_finalize (GObject *object)
{
  FdMessageItem *self = FD_MESSAGE_ITEM (object);

  g_clear_pointer (&self->message, fd_message_free);
  g_clear_pointer (&self->author, g_free);
  g_clear_pointer (&self->error, g_free);
  G_OBJECT_CLASS (fd_message_item_parent_class)->finalize (object);
}

static const FdProperty property_table[N_PROPS] = {
  /* An FdSendState. */
  [PROP_SEND_STATE] = FD_PROPERTY_INT ("send-state", fd_message_item_get_send_state,
                                       FD_SEND_STATE_SENT, FD_SEND_STATE_SENT),
  [PROP_ERROR] = FD_PROPERTY_STRING ("error", fd_message_item_get_error, NULL),
  [PROP_ID] = FD_PROPERTY_INT64 ("id", fd_message_item_get_id),
};

static void
fd_message_item_class_init (FdMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_message_item_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
}

static void
fd_message_item_init (FdMessageItem *self)
{
}

FdMessageItem *
fd_message_item_new (const FdMessage *message,
                     const char      *author,
                     FdSendState      state)
{
  FdMessageItem *self;
  g_autofree char *worded = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (FD_TYPE_MESSAGE_ITEM, NULL);
  self->message = fd_message_copy (message);
  /* A system note the app words itself reads in the agent's language. */
  worded = fd_format_note (message);
  if (worded != NULL)
    {
      g_free (self->message->text);
      self->message->text = g_steal_pointer (&worded);
    }
  if (self->message->text == NULL)
    self->message->text = g_strdup ("");
  if (self->message->attachments == NULL)
    self->message->attachments = fd_attachment_list_new ();
  self->author = g_strdup (author != NULL ? author : "");
  self->state = state;
  return self;
}

gint64
fd_message_item_get_id (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), 0);
  return self->message->id;
}

FdDirection
fd_message_item_get_direction (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FD_DIRECTION_IN);
  return self->message->direction;
}

const char *
fd_message_item_get_author (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->author;
}

const char *
fd_message_item_get_text (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->text;
}

gint64
fd_message_item_get_created_at (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), 0);
  return self->message->created_at;
}

const char *
fd_message_item_get_client_id (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->client_id;
}

GPtrArray *
fd_message_item_get_attachments (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->attachments;
}

FdSendState
fd_message_item_get_send_state (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FD_SEND_STATE_SENT);
  return self->state;
}

const char *
fd_message_item_get_error (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->error;
}

void
fd_message_item_set_send_state (FdMessageItem *self,
                                FdSendState    state,
                                const char    *error)
{
  g_return_if_fail (FD_IS_MESSAGE_ITEM (self));

  if (state != FD_SEND_STATE_FAILED)
    error = NULL;
  if (g_strcmp0 (self->error, error) != 0)
    {
      g_free (self->error);
      self->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_STATE]);
    }
}

void
fd_message_item_set_stored (FdMessageItem *self,
                            gint64         id,
                            gint64         created_at)
{
  g_return_if_fail (FD_IS_MESSAGE_ITEM (self));

  if (created_at > 0)
    self->message->created_at = created_at;
  if (id > 0 && self->message->id != id)
    {
      self->message->id = id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }
}
