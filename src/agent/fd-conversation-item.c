#define G_LOG_DOMAIN "fd-conversation-item"

#include "fd-conversation-item-private.h"

struct _FdConversationItem
{
  GObject          parent_instance;

  FdConversation  *conversation;
  FdOffer         *offer;
  gboolean         reserved;

  char            *activity;
  char            *icon_name;
  char            *from;
  char            *to;
  char            *duration;
  char            *status;
  char            *countdown;
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

static GParamSpec *properties[N_PROPS];

static void
fd_conversation_item_finalize (GObject *object)
{
  FdConversationItem *self = FD_CONVERSATION_ITEM (object);

  g_clear_pointer (&self->conversation, fd_conversation_free);
  g_clear_pointer (&self->offer, fd_offer_free);
  g_clear_pointer (&self->activity, g_free);
  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->from, g_free);
  g_clear_pointer (&self->to, g_free);
  g_clear_pointer (&self->duration, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->countdown, g_free);

  G_OBJECT_CLASS (fd_conversation_item_parent_class)->finalize (object);
}

static void
fd_conversation_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FdConversationItem *self = FD_CONVERSATION_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, fd_conversation_item_get_id (self));
      break;
    case PROP_RESERVED:
      g_value_set_boolean (value, self->reserved);
      break;
    case PROP_UNREAD:
      g_value_set_int (value, fd_conversation_item_get_unread (self));
      break;
    case PROP_BOUNCE_AT:
      g_value_set_int64 (value, fd_conversation_item_get_bounce_at (self));
      break;
    case PROP_ACTIVITY:
      g_value_set_string (value, self->activity);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_TO:
      g_value_set_string (value, self->to);
      break;
    case PROP_DURATION:
      g_value_set_string (value, self->duration);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_COUNTDOWN:
      g_value_set_string (value, self->countdown);
      break;
    case PROP_BOUNCE_REMAINING:
      g_value_set_int (value, self->bounce_remaining);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, "",
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
fd_conversation_item_class_init (FdConversationItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fd_conversation_item_finalize;
  object_class->get_property = fd_conversation_item_get_property;

  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_RESERVED] = g_param_spec_boolean ("reserved", NULL, NULL, FALSE, flags);
  properties[PROP_UNREAD] = g_param_spec_int ("unread", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_BOUNCE_AT] = g_param_spec_int64 ("bounce-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ACTIVITY] = string_property ("activity");
  properties[PROP_ICON_NAME] = string_property ("icon-name");
  properties[PROP_FROM] = string_property ("from");
  properties[PROP_TO] = string_property ("to");
  properties[PROP_DURATION] = string_property ("duration");
  properties[PROP_STATUS] = string_property ("status");
  properties[PROP_COUNTDOWN] = string_property ("countdown");
  properties[PROP_BOUNCE_REMAINING] = g_param_spec_int ("bounce-remaining", NULL, NULL,
                                                        -1, G_MAXINT, -1, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_conversation_item_init (FdConversationItem *self)
{
  self->bounce_remaining = -1;
  self->activity = g_strdup ("");
  self->icon_name = g_strdup ("");
  self->from = g_strdup ("");
  self->to = g_strdup ("");
  self->duration = g_strdup ("");
  self->status = g_strdup ("");
  self->countdown = g_strdup ("");
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

static void
replace_text (FdConversationItem *self,
              char              **field,
              const char         *value,
              guint               prop)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_fd_conversation_item_set_texts (FdConversationItem            *self,
                                 const FdConversationItemTexts *texts)
{
  g_assert (FD_IS_CONVERSATION_ITEM (self));

  g_object_freeze_notify (G_OBJECT (self));
  replace_text (self, &self->activity, texts->activity, PROP_ACTIVITY);
  replace_text (self, &self->icon_name, texts->icon_name, PROP_ICON_NAME);
  replace_text (self, &self->from, texts->from, PROP_FROM);
  replace_text (self, &self->to, texts->to, PROP_TO);
  replace_text (self, &self->duration, texts->duration, PROP_DURATION);
  replace_text (self, &self->status, texts->status, PROP_STATUS);
  replace_text (self, &self->countdown, texts->countdown, PROP_COUNTDOWN);
  if (self->bounce_remaining != texts->bounce_remaining)
    {
      self->bounce_remaining = texts->bounce_remaining;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUNCE_REMAINING]);
    }
  g_object_thaw_notify (G_OBJECT (self));
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

#define TEXT_GETTER(field) \
  const char * \
  fd_conversation_item_get_##field (FdConversationItem *self) \
  { \
    g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), NULL); \
    return self->field; \
  }

TEXT_GETTER (activity)
TEXT_GETTER (icon_name)
TEXT_GETTER (from)
TEXT_GETTER (to)
TEXT_GETTER (duration)
TEXT_GETTER (status)
TEXT_GETTER (countdown)

gint
fd_conversation_item_get_bounce_remaining (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), -1);
  return self->bounce_remaining;
}
