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
  /* Email: the sender shown, and the outbox state of an agent's reply. */
  char        *mail_from;
  FdDeliveryStatus delivery_state;
  char        *delivery_reason;
  gint         delivery_attempts;
};

G_DEFINE_FINAL_TYPE (FdMessageItem, fd_message_item, G_TYPE_OBJECT)
G_DEFINE_ENUM_TYPE (FdDeliveryStatus, fd_delivery_status,
                    G_DEFINE_ENUM_VALUE (FD_DELIVERY_STATUS_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (FD_DELIVERY_STATUS_QUEUED, "queued"),
                    G_DEFINE_ENUM_VALUE (FD_DELIVERY_STATUS_SENT, "sent"),
                    G_DEFINE_ENUM_VALUE (FD_DELIVERY_STATUS_FAILED, "failed"))

enum {
  PROP_0,
  PROP_SEND_STATE,
  PROP_ERROR,
  PROP_ID,
  PROP_MAIL_FROM,
  PROP_MAIL_TO,
  PROP_MAIL_CC,
  PROP_SUBJECT,
  PROP_MAIL_DATE,
  PROP_DELIVERY_STATE,
  PROP_DELIVERY_REASON,
  PROP_DELIVERY_ATTEMPTS,
  PROP_IS_TWEET,
  PROP_TWEET_DIRECT,
  PROP_TWEET_ID,
  PROP_TWEET_AUTHOR_HANDLE,
  PROP_TWEET_IN_REPLY_TO,
  PROP_TWEET_URL,
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
  g_clear_pointer (&self->mail_from, g_free);
  g_clear_pointer (&self->delivery_reason, g_free);
  G_OBJECT_CLASS (fd_message_item_parent_class)->finalize (object);
}

static const FdProperty property_table[N_PROPS] = {
  /* An FdSendState. */
  [PROP_SEND_STATE] = FD_PROPERTY_INT ("send-state", fd_message_item_get_send_state,
                                       FD_SEND_STATE_SENT, FD_SEND_STATE_SENT),
  [PROP_ERROR] = FD_PROPERTY_STRING ("error", fd_message_item_get_error, NULL),
  [PROP_ID] = FD_PROPERTY_INT64 ("id", fd_message_item_get_id),
  [PROP_MAIL_FROM] = FD_PROPERTY_STRING ("mail-from", fd_message_item_get_mail_from, ""),
  [PROP_MAIL_TO] = FD_PROPERTY_BOXED ("mail-to", fd_message_item_get_mail_to, g_strv_get_type),
  [PROP_MAIL_CC] = FD_PROPERTY_BOXED ("mail-cc", fd_message_item_get_mail_cc, g_strv_get_type),
  [PROP_SUBJECT] = FD_PROPERTY_STRING ("subject", fd_message_item_get_subject, ""),
  [PROP_MAIL_DATE] = FD_PROPERTY_INT64 ("mail-date", fd_message_item_get_mail_date),
  [PROP_DELIVERY_STATE] = FD_PROPERTY_ENUM ("delivery-state", fd_message_item_get_delivery_state,
                                            fd_delivery_status_get_type, FD_DELIVERY_STATUS_NONE),
  [PROP_DELIVERY_REASON] = FD_PROPERTY_STRING ("delivery-reason", fd_message_item_get_delivery_reason, ""),
  [PROP_DELIVERY_ATTEMPTS] = FD_PROPERTY_INT ("delivery-attempts", fd_message_item_get_delivery_attempts, 0, 0),
  [PROP_IS_TWEET] = FD_PROPERTY_BOOLEAN ("is-tweet", fd_message_item_get_is_tweet, FALSE),
  [PROP_TWEET_DIRECT] = FD_PROPERTY_BOOLEAN ("tweet-direct", fd_message_item_get_tweet_direct, FALSE),
  [PROP_TWEET_ID] = FD_PROPERTY_STRING ("tweet-id", fd_message_item_get_tweet_id, ""),
  [PROP_TWEET_AUTHOR_HANDLE] = FD_PROPERTY_STRING ("tweet-author-handle", fd_message_item_get_tweet_author_handle, ""),
  [PROP_TWEET_IN_REPLY_TO] = FD_PROPERTY_STRING ("tweet-in-reply-to", fd_message_item_get_tweet_in_reply_to, ""),
  [PROP_TWEET_URL] = FD_PROPERTY_STRING ("tweet-url", fd_message_item_get_tweet_url, ""),
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

/* The sender as one mailbox. A display name with a comma, quote or angle
 * bracket is quoted, so that the string reads back as one mailbox. */
static char *
mail_from_text (const FdMailHeaders *mail)
{
  if (mail == NULL || mail->from == NULL)
    return g_strdup ("");
  return fd_format_mailbox (mail->from_name, mail->from);
}

static FdDeliveryStatus
status_of (FdDeliveryState state)
{
  switch (state)
    {
    case FD_DELIVERY_QUEUED:
      return FD_DELIVERY_STATUS_QUEUED;
    case FD_DELIVERY_SENT:
      return FD_DELIVERY_STATUS_SENT;
    case FD_DELIVERY_FAILED:
      return FD_DELIVERY_STATUS_FAILED;
    default:
      return FD_DELIVERY_STATUS_NONE;
    }
}

static void
set_text (char       **field,
               const char  *value)
{
  g_free (*field);
  *field = g_strdup (value != NULL ? value : "");
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
  self->mail_from = mail_from_text (self->message->mail);
  self->delivery_reason = g_strdup ("");
  if (self->message->delivery != NULL)
    {
      self->delivery_state = status_of (self->message->delivery->state);
      set_text (&self->delivery_reason, self->message->delivery->reason);
      self->delivery_attempts = self->message->delivery->attempts;
    }
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

const char *
fd_message_item_get_mail_from (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->mail_from;
}

const char * const *
fd_message_item_get_mail_to (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->mail != NULL ? (const char * const *) self->message->mail->to : NULL;
}

const char * const *
fd_message_item_get_mail_cc (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->mail != NULL ? (const char * const *) self->message->mail->cc : NULL;
}

const char *
fd_message_item_get_subject (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->message->mail != NULL && self->message->mail->subject != NULL ? self->message->mail->subject : "";
}

gint64
fd_message_item_get_mail_date (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), 0);
  return self->message->mail != NULL ? self->message->mail->date : 0;
}

gboolean
fd_message_item_get_is_mail (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FALSE);
  return self->message->mail != NULL;
}

FdDeliveryStatus
fd_message_item_get_delivery_state (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FD_DELIVERY_STATUS_NONE);
  return self->delivery_state;
}

const char *
fd_message_item_get_delivery_reason (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), NULL);
  return self->delivery_reason;
}

gint
fd_message_item_get_delivery_attempts (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), 0);
  return self->delivery_attempts;
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

void
fd_message_item_set_mail (FdMessageItem       *self,
                          const FdMailHeaders *mail)
{
  g_autoptr(FdMailHeaders) old = NULL;
  g_autofree char *from = NULL;

  g_return_if_fail (FD_IS_MESSAGE_ITEM (self));

  if (mail == NULL)
    return;
  old = g_steal_pointer (&self->message->mail);
  self->message->mail = fd_mail_headers_copy (mail);
  g_object_freeze_notify (G_OBJECT (self));
  from = mail_from_text (mail);
  fd_properties_replace_string (G_OBJECT (self), &self->mail_from, from, properties[PROP_MAIL_FROM]);
  if (old == NULL || !strv_equal0 (old->to, mail->to))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIL_TO]);
  if (old == NULL || !strv_equal0 (old->cc, mail->cc))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIL_CC]);
  if (old == NULL || g_strcmp0 (old->subject, mail->subject) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
  if (old == NULL || old->date != mail->date)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIL_DATE]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
fd_message_item_set_delivery (FdMessageItem    *self,
                              const FdDelivery *delivery)
{
  FdDeliveryStatus state;

  g_return_if_fail (FD_IS_MESSAGE_ITEM (self));

  if (delivery == NULL)
    return;
  state = status_of (delivery->state);
  g_object_freeze_notify (G_OBJECT (self));
  fd_properties_replace_string (G_OBJECT (self), &self->delivery_reason,
                                state == FD_DELIVERY_STATUS_FAILED ? delivery->reason : NULL,
                                properties[PROP_DELIVERY_REASON]);
  fd_properties_set_int (G_OBJECT (self), &self->delivery_attempts, delivery->attempts,
                         properties[PROP_DELIVERY_ATTEMPTS]);
  if (self->delivery_state != state)
    {
      self->delivery_state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELIVERY_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* --- tweets -------------------------------------------------------------------------- */

static const char *
or_empty (const char *s)
{
  return s != NULL ? s : "";
}

gboolean
fd_message_item_get_is_tweet (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FALSE);
  return self->message->tweet != NULL;
}

gboolean
fd_message_item_get_tweet_direct (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), FALSE);
  return self->message->tweet != NULL && self->message->tweet->direct;
}

const char *
fd_message_item_get_tweet_id (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), "");
  return self->message->tweet != NULL ? or_empty (self->message->tweet->id) : "";
}

const char *
fd_message_item_get_tweet_author_handle (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), "");
  return self->message->tweet != NULL ? or_empty (self->message->tweet->author_handle) : "";
}

const char *
fd_message_item_get_tweet_in_reply_to (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), "");
  return self->message->tweet != NULL ? or_empty (self->message->tweet->in_reply_to) : "";
}

const char *
fd_message_item_get_tweet_url (FdMessageItem *self)
{
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (self), "");
  return self->message->tweet != NULL ? or_empty (self->message->tweet->url) : "";
}

void
fd_message_item_set_tweet (FdMessageItem *self,
                           const FdTweet *tweet)
{
  g_autoptr(FdTweet) old = NULL;
  static const struct { gsize offset; guint prop; } strings[] = {
    { G_STRUCT_OFFSET (FdTweet, id), PROP_TWEET_ID },
    { G_STRUCT_OFFSET (FdTweet, author_handle), PROP_TWEET_AUTHOR_HANDLE },
    { G_STRUCT_OFFSET (FdTweet, in_reply_to), PROP_TWEET_IN_REPLY_TO },
    { G_STRUCT_OFFSET (FdTweet, url), PROP_TWEET_URL },
  };

  g_return_if_fail (FD_IS_MESSAGE_ITEM (self));

  if (tweet == NULL)
    return;
  old = g_steal_pointer (&self->message->tweet);
  self->message->tweet = fd_tweet_copy (tweet);
  g_object_freeze_notify (G_OBJECT (self));
  if (old == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_TWEET]);
  if (old == NULL || old->direct != tweet->direct)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TWEET_DIRECT]);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      const char *was = old != NULL ? G_STRUCT_MEMBER (char *, old, strings[i].offset) : NULL;
      const char *now = G_STRUCT_MEMBER (char *, tweet, strings[i].offset);

      if (g_strcmp0 (or_empty (was), or_empty (now)) != 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[strings[i].prop]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}
