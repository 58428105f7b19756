#define G_LOG_DOMAIN "fd-conversation-item"

#include "fd-conversation-item-private.h"
#include "fd-properties.h"

struct _FdConversationItem
{
  GObject          parent_instance;

  FdConversation  *conversation;
  FdOffer         *offer;
  gboolean         reserved;

  char            *text[FD_ITEM_N_TEXTS];
  gint             bounce_remaining;
};

G_DEFINE_FINAL_TYPE (FdConversationItem, fd_conversation_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_RESERVED,
  PROP_UNREAD,
  PROP_BOUNCE_AT,
  PROP_ACTIVITY,
  PROP_ICON_NAME,
  PROP_FROM,
  PROP_TO,
  PROP_DURATION,
  PROP_STATUS,
  PROP_COUNTDOWN,
  PROP_BOUNCE_REMAINING,
  N_PROPS
};

/* _fd_conversation_item_set_texts() notifies PROP_ACTIVITY + FdItemText. */
G_STATIC_ASSERT (PROP_COUNTDOWN - PROP_ACTIVITY == FD_ITEM_TEXT_COUNTDOWN);

static GParamSpec *properties[N_PROPS];

static void
fd_conversation_item_finalize (GObject *object)
{
  FdConversationItem *self = FD_CONVERSATION_ITEM (object);

  g_clear_pointer (&self->conversation, fd_conversation_free);
  g_clear_pointer (&self->offer, fd_offer_free);
  for (guint i = 0; i < FD_ITEM_N_TEXTS; i++)
    g_clear_pointer (&self->text[i], g_free);

  G_OBJECT_CLASS (fd_conversation_item_parent_class)->finalize (object);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_ID] = FD_PROPERTY_INT64 ("id", fd_conversation_item_get_id),
  [PROP_RESERVED] = FD_PROPERTY_BOOLEAN ("reserved", fd_conversation_item_get_reserved, FALSE),
  [PROP_UNREAD] = FD_PROPERTY_INT ("unread", fd_conversation_item_get_unread, 0, 0),
  [PROP_BOUNCE_AT] = FD_PROPERTY_INT64 ("bounce-at", fd_conversation_item_get_bounce_at),
  [PROP_ACTIVITY] = FD_PROPERTY_STRING ("activity", fd_conversation_item_get_activity, ""),
  [PROP_ICON_NAME] = FD_PROPERTY_STRING ("icon-name", fd_conversation_item_get_icon_name, ""),
  [PROP_FROM] = FD_PROPERTY_STRING ("from", fd_conversation_item_get_from, ""),
  [PROP_TO] = FD_PROPERTY_STRING ("to", fd_conversation_item_get_to, ""),
  [PROP_DURATION] = FD_PROPERTY_STRING ("duration", fd_conversation_item_get_duration, ""),
  [PROP_STATUS] = FD_PROPERTY_STRING ("status", fd_conversation_item_get_status, ""),
  [PROP_COUNTDOWN] = FD_PROPERTY_STRING ("countdown", fd_conversation_item_get_countdown, ""),
  [PROP_BOUNCE_REMAINING] = FD_PROPERTY_INT ("bounce-remaining", fd_conversation_item_get_bounce_remaining, -1, -1),
};

static void
fd_conversation_item_class_init (FdConversationItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_conversation_item_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
}

static void
fd_conversation_item_init (FdConversationItem *self)
{
  self->bounce_remaining = -1;
  for (guint i = 0; i < FD_ITEM_N_TEXTS; i++)
    self->text[i] = g_strdup ("");
}

FdConversationItem *
_fd_conversation_item_new (const FdConversation *conversation)
{
  FdConversationItem *self;

  g_assert (conversation != NULL);

  self = g_object_new (FD_TYPE_CONVERSATION_ITEM, NULL);
  self->conversation = fd_conversation_copy (conversation);
  return self;
}

void
_fd_conversation_item_set_conversation (FdConversationItem *self,
                                        FdConversation     *conversation)
{
  gint old_unread;

  g_assert (FD_IS_CONVERSATION_ITEM (self));
  g_assert (conversation != NULL);

  old_unread = self->conversation->unread;
  /* Events about a conversation may leave the contact out ("not loaded");
   * the row keeps the one it already knows. */
  if (conversation->contact == NULL && self->conversation->contact != NULL)
    conversation->contact = g_steal_pointer (&self->conversation->contact);
  fd_conversation_free (self->conversation);
  self->conversation = conversation;
  if (old_unread != conversation->unread)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

void
_fd_conversation_item_set_offer (FdConversationItem *self,
                                 FdOffer            *offer)
{
  gint64 old_bounce_at;

  g_assert (FD_IS_CONVERSATION_ITEM (self));

  old_bounce_at = fd_conversation_item_get_bounce_at (self);
  g_clear_pointer (&self->offer, fd_offer_free);
  self->offer = offer;
  if (old_bounce_at != fd_conversation_item_get_bounce_at (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUNCE_AT]);
}

void
_fd_conversation_item_set_reserved (FdConversationItem *self,
                                    gboolean            reserved)
{
  g_assert (FD_IS_CONVERSATION_ITEM (self));

  reserved = !!reserved;
  if (reserved == self->reserved)
    return;
  self->reserved = reserved;
  if (reserved)
    _fd_conversation_item_set_offer (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESERVED]);
}

void
_fd_conversation_item_add_message (FdConversationItem *self,
                                   const FdMessage    *message)
{
  FdConversation *conv;

  g_assert (FD_IS_CONVERSATION_ITEM (self));
  g_assert (message != NULL);

  conv = self->conversation;
  switch (message->direction)
    {
    case FD_DIRECTION_IN:
      conv->unread++;
      if (conv->last_customer_message_at == 0)
        conv->last_customer_message_at = message->created_at;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
      break;
    case FD_DIRECTION_OUT:
      /* An answer from an agent ends the customer's wait. */
      conv->last_customer_message_at = 0;
      if (conv->first_reply_at == 0)
        conv->first_reply_at = message->created_at;
      break;
    case FD_DIRECTION_SYSTEM:
    default:
      break;
    }
}

void
_fd_conversation_item_set_texts (FdConversationItem            *self,
                                 const FdConversationItemTexts *texts)
{
  GObject *object = G_OBJECT (self);

  g_assert (FD_IS_CONVERSATION_ITEM (self));

  g_object_freeze_notify (object);
  for (guint i = 0; i < FD_ITEM_N_TEXTS; i++)
    fd_properties_replace_string (object, &self->text[i], texts->text[i], properties[PROP_ACTIVITY + i]);
  fd_properties_set_int (object, &self->bounce_remaining, texts->bounce_remaining,
                         properties[PROP_BOUNCE_REMAINING]);
  g_object_thaw_notify (object);
}

gint64
fd_conversation_item_get_id (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), 0);
  return self->conversation->id;
}

const FdConversation *
fd_conversation_item_get_conversation (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), NULL);
  return self->conversation;
}

const FdOffer *
fd_conversation_item_get_offer (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), NULL);
  return self->offer;
}

gboolean
fd_conversation_item_get_reserved (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), FALSE);
  return self->reserved;
}

gint
fd_conversation_item_get_unread (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), 0);
  return self->conversation->unread;
}

gint64
fd_conversation_item_get_bounce_at (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), 0);
  return self->offer != NULL ? self->offer->bounce_at : 0;
}

gint64
fd_conversation_item_get_last_unreplied_at (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), 0);
  return self->conversation->last_customer_message_at;
}

#define TEXT_GETTER(field, index) \
  const char * \
  fd_conversation_item_get_##field (FdConversationItem *self) \
  { \
    g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), NULL); \
    return self->text[FD_ITEM_TEXT_##index]; \
  }

TEXT_GETTER (activity, ACTIVITY)
TEXT_GETTER (icon_name, ICON_NAME)
TEXT_GETTER (from, FROM)
TEXT_GETTER (to, TO)
TEXT_GETTER (duration, DURATION)
TEXT_GETTER (status, STATUS)
TEXT_GETTER (countdown, COUNTDOWN)

gint
fd_conversation_item_get_bounce_remaining (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), -1);
  return self->bounce_remaining;
}
