#define G_LOG_DOMAIN "fd-center"

#include "fd-center-private.h"

/* What the email and the twitter outbox share on the center's side: the
 * "delivery" event, the ack, the retry's rule, the sender's notifier. */

static gboolean
on_outbox_idle_cb (gpointer data)
{
  FdCenterOutboxNotifier *notifier = data;

  notifier->idle_id = 0;
  if (notifier->notify != NULL)
    notifier->notify (notifier->data);
  return G_SOURCE_REMOVE;
}

void
fd_center_outbox_notifier_schedule (FdCenterOutboxNotifier *notifier)
{
  if (notifier->notify != NULL && notifier->idle_id == 0)
    notifier->idle_id = g_idle_add (on_outbox_idle_cb, notifier);
}

void
fd_center_outbox_notifier_set (FdCenterOutboxNotifier *notifier,
                               void                  (*notify) (gpointer data),
                               gpointer                data)
{
  notifier->notify = notify;
  notifier->data = data;
  if (notify == NULL)
    g_clear_handle_id (&notifier->idle_id, g_source_remove);
}

gboolean
fd_center_emit_delivery (FdCenter         *self,
                         gint64            organization_id,
                         gint64            queue_id,
                         gint64            conversation_id,
                         gint64            message_id,
                         FdDeliveryState   state,
                         const char       *reason,
                         gint              attempts,
                         const FdTweet    *tweet,
                         GError          **error)
{
  g_autoptr(FdDelivery) delivery = fd_center_delivery_new (conversation_id, message_id, state);

  delivery->reason = g_strdup (reason);
  delivery->attempts = attempts;
  delivery->tweet = tweet != NULL ? fd_tweet_copy (tweet) : NULL;
  return fd_center_emit (self, organization_id, "delivery", queue_id, 0, conversation_id,
                         fd_delivery_to_json (delivery), error);
}

FdDelivery *
fd_center_delivery_new (gint64          conversation_id,
                        gint64          message_id,
                        FdDeliveryState state)
{
  FdDelivery *delivery = fd_delivery_new ();

  delivery->conversation_id = conversation_id;
  delivery->message_id = message_id;
  delivery->state = state;
  return delivery;
}

gboolean
fd_center_check_retry (FdDeliveryState   state,
                       GError          **error)
{
  if (state != FD_DELIVERY_FAILED)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           "Only a reply that failed can be sent again; this one is %s.",
                           fd_delivery_state_to_string (state));
      return FALSE;
    }
  return TRUE;
}

void
fd_center_reply_update (FdConversation  *conv,
                        const FdMessage *stored)
{
  if (conv->first_reply_at == 0)
    conv->first_reply_at = stored->created_at;
  conv->last_customer_message_at = 0;
}
