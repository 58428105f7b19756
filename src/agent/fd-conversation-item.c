#define G_LOG_DOMAIN "fd-conversation-item"

#include "fd-conversation-item-private.h"
#include "fd-properties.h"

/* --- the shared clock ------------------------------------------------------- */

struct _FdActivityClock
{
  GObject           parent_instance;

  gint64            now;
  guint             generation;   /* moves when what the texts read changes */
  FdItemFormatFunc  format;       /* NULL once the owner is gone */
  gpointer          owner;
};

G_DEFINE_FINAL_TYPE (FdActivityClock, fd_activity_clock, G_TYPE_OBJECT)

enum {
  CLOCK_PROP_0,
  CLOCK_PROP_NOW,
  CLOCK_N_PROPS
};

static GParamSpec *clock_properties[CLOCK_N_PROPS];

static const FdProperty clock_property_table[CLOCK_N_PROPS] = {
  [CLOCK_PROP_NOW] = FD_PROPERTY_INT64 ("now", fd_activity_clock_get_now),
};

static void
fd_activity_clock_class_init (FdActivityClockClass *klass)
{
  fd_properties_install (G_OBJECT_CLASS (klass), clock_property_table, clock_properties, CLOCK_N_PROPS);
}

static void
fd_activity_clock_init (FdActivityClock *self)
{
  self->generation = 1;
}

FdActivityClock *
_fd_activity_clock_new (FdItemFormatFunc format,
                        gpointer         owner)
{
  FdActivityClock *self = g_object_new (FD_TYPE_ACTIVITY_CLOCK, NULL);

  self->format = format;
  self->owner = owner;
  return self;
}

void
_fd_activity_clock_detach (FdActivityClock *self)
{
  g_return_if_fail (FD_IS_ACTIVITY_CLOCK (self));
  self->format = NULL;
  self->owner = NULL;
}

void
_fd_activity_clock_set_now (FdActivityClock *self,
                            gint64           now,
                            gboolean         notify)
{
  g_return_if_fail (FD_IS_ACTIVITY_CLOCK (self));
  if (self->now == now)
    return;
  self->now = now;
  if (notify)
    g_object_notify_by_pspec (G_OBJECT (self), clock_properties[CLOCK_PROP_NOW]);
}

void
_fd_activity_clock_invalidate (FdActivityClock *self)
{
  g_return_if_fail (FD_IS_ACTIVITY_CLOCK (self));
  self->generation++;
}

gint64
fd_activity_clock_get_now (FdActivityClock *self)
{
  g_return_val_if_fail (FD_IS_ACTIVITY_CLOCK (self), 0);
  return self->now;
}

/* --- the row ----------------------------------------------------------------- */

struct _FdConversationItem
{
  GObject          parent_instance;

  FdConversation  *conversation;
  FdOffer         *offer;
  FdActivityClock *clock;
  /* The texts, computed when read; NULL until then (reads as ""). */
  char            *text[FD_ITEM_N_TEXTS];
  gint64           texts_at;          /* the clock's now they are for */
  guint            texts_generation;  /* 0: never computed */
  gint             bounce_remaining;
  gboolean         reserved;
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
  PROP_CLOCK,
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
  g_clear_object (&self->clock);
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
  [PROP_CLOCK] = FD_PROPERTY_OBJECT ("clock", fd_conversation_item_get_clock, fd_activity_clock_get_type),
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
}

FdConversationItem *
_fd_conversation_item_new (const FdConversation *conversation,
                           FdActivityClock      *clock)
{
  FdConversationItem *self;

  g_assert (conversation != NULL);

  self = g_object_new (FD_TYPE_CONVERSATION_ITEM, NULL);
  self->conversation = fd_conversation_copy (conversation);
  self->clock = clock != NULL ? g_object_ref (clock) : NULL;
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
                                 const FdConversationItemTexts *texts,
                                 gboolean                       notify)
{
  GObject *object = G_OBJECT (self);

  g_assert (FD_IS_CONVERSATION_ITEM (self));

  if (self->clock != NULL)
    {
      self->texts_at = self->clock->now;
      self->texts_generation = self->clock->generation;
    }
  else
    self->texts_generation = 1;
  if (!notify)
    {
      for (guint i = 0; i < FD_ITEM_N_TEXTS; i++)
        if (g_strcmp0 (self->text[i], texts->text[i]) != 0)
          {
            g_free (self->text[i]);
            self->text[i] = g_strdup (texts->text[i]);
          }
      self->bounce_remaining = texts->bounce_remaining;
      return;
    }
  g_object_freeze_notify (object);
  for (guint i = 0; i < FD_ITEM_N_TEXTS; i++)
    {
      /* NULL and "" read the same: no notification for that. */
      if (g_strcmp0 (self->text[i] != NULL ? self->text[i] : "", texts->text[i] != NULL ? texts->text[i] : "") == 0)
        continue;
      fd_properties_replace_string (object, &self->text[i], texts->text[i], properties[PROP_ACTIVITY + i]);
    }
  fd_properties_set_int (object, &self->bounce_remaining, texts->bounce_remaining,
                         properties[PROP_BOUNCE_REMAINING]);
  g_object_thaw_notify (object);
}

gboolean
_fd_conversation_item_has_texts (FdConversationItem *self)
{
  g_assert (FD_IS_CONVERSATION_ITEM (self));
  return self->texts_generation != 0;
}

/* Computes the texts when they are not current: never computed, or the
 * clock moved, or what they read changed. */
static void
ensure_texts (FdConversationItem *self)
{
  FdActivityClock *clock = self->clock;

  if (clock == NULL || clock->format == NULL)
    return;
  if (self->texts_generation == clock->generation && self->texts_at == clock->now)
    return;
  clock->format (clock->owner, self, clock->now);
}

FdActivityClock *
fd_conversation_item_get_clock (FdConversationItem *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_ITEM (self), NULL);
  return self->clock;
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
    ensure_texts (self); \
    return self->text[FD_ITEM_TEXT_##index] != NULL ? self->text[FD_ITEM_TEXT_##index] : ""; \
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
  ensure_texts (self);
  return self->bounce_remaining;
}
