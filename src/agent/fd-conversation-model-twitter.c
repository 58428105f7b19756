#define G_LOG_DOMAIN "fd-conversation-model"

/* The Twitter side of FdConversationModel (docs/twitter.md, "The app's
 * Twitter window"): whether a public reply is possible (a customer's post
 * to answer), the agent's choice of public reply or direct message, and
 * the Direct Message request, which the server allows once. */

#include <glib/gi18n.h>

#include "fd-conversation-model-private.h"

static gboolean
is_twitter (FdConversationModel *self)
{
  return self->conversation != NULL && self->conversation->kind == FD_STREAM_TWITTER;
}

/* Without the agent's choice, a reply is public when there is a post to
 * answer; with no post, a direct message is the only way. */
static void
update_reply_direct (FdConversationModel *self)
{
  gboolean direct = self->reply_direct_chosen ? self->reply_direct : !self->has_customer_post;

  if (!self->has_customer_post)
    direct = TRUE;
  if (direct == self->reply_direct)
    return;
  self->reply_direct = direct;
  g_object_notify (G_OBJECT (self), "reply-direct");
}

void
_fd_conversation_model_tweet_added (FdConversationModel *self,
                                    const FdMessage     *message)
{
  if (message->direction != FD_DIRECTION_IN || message->tweet == NULL || message->tweet->direct ||
      self->has_customer_post)
    return;
  self->has_customer_post = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify (G_OBJECT (self), "has-customer-post");
  update_reply_direct (self);
  g_object_thaw_notify (G_OBJECT (self));
  _fd_conversation_model_emit_changed (self);
}

void
_fd_conversation_model_notify_twitter (FdConversationModel *self,
                                       gboolean             was_dm_requested)
{
  if (fd_conversation_model_get_dm_requested (self) != was_dm_requested)
    g_object_notify (G_OBJECT (self), "dm-requested");
}

gboolean
fd_conversation_model_get_is_twitter (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return is_twitter (self);
}

gboolean
fd_conversation_model_get_dm_requested (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return (self->conversation != NULL && self->conversation->dm_requested) || self->dm_request_acked;
}

gboolean
fd_conversation_model_get_has_customer_post (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->has_customer_post;
}

gboolean
fd_conversation_model_get_reply_direct (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->reply_direct || !self->has_customer_post;
}

gboolean
fd_conversation_model_set_reply_direct (FdConversationModel *self,
                                        gboolean             direct)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);

  direct = !!direct;
  if (!direct && !self->has_customer_post)
    return FALSE;
  self->reply_direct_chosen = TRUE;
  if (self->reply_direct != direct)
    {
      self->reply_direct = direct;
      g_object_notify (G_OBJECT (self), "reply-direct");
    }
  return TRUE;
}

gboolean
fd_conversation_model_get_dm_request_pending (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->dm_request_pending;
}

gboolean
fd_conversation_model_get_can_request_dm (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return is_twitter (self) && self->has_customer_post && !fd_conversation_model_get_dm_requested (self);
}

gboolean
fd_conversation_model_send_tweet (FdConversationModel *self,
                                  const char          *text,
                                  gboolean             direct)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  if (!is_twitter (self) || !_fd_conversation_model_is_reserved (self) || *stripped == '\0' ||
      (!direct && !self->has_customer_post))
    return FALSE;
  /* The length is the composer's to show and the server's to enforce
   * (fd_x_text_fits); a refusal comes back as the reply's error. */
  if (!fd_conversation_model_set_reply_direct (self, direct))
    return FALSE;
  _fd_conversation_model_send_message (self, stripped, NULL);
  return TRUE;
}

static void
set_dm_request_pending (FdConversationModel *self,
                        gboolean             pending)
{
  if (self->dm_request_pending == pending)
    return;
  self->dm_request_pending = pending;
  g_object_notify (G_OBJECT (self), "dm-request-pending");
  _fd_conversation_model_emit_changed (self);
}

static void
on_dm_request_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FdConversationModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdMessage) reply = fd_connection_dm_request_finish (FD_CONNECTION (source), result, &error);
  gboolean was_dm_requested;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_dm_request_pending (self, FALSE);
  if (reply == NULL)
    {
      fd_conversation_model_report_error (self, error);
      return;
    }
  /* The ack says it was sent; the conversation event will say so too,
   * but the icon goes now. */
  was_dm_requested = fd_conversation_model_get_dm_requested (self);
  self->dm_request_acked = TRUE;
  _fd_conversation_model_notify_twitter (self, was_dm_requested);
  if (self->loaded && reply->conversation_id == self->id)
    _fd_conversation_model_add_message (self, reply);
  _fd_conversation_model_emit_changed (self);
}

gboolean
fd_conversation_model_request_dm (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);

  if (!fd_conversation_model_get_can_request_dm (self) || !_fd_conversation_model_is_reserved (self) ||
      self->dm_request_pending)
    return FALSE;
  set_dm_request_pending (self, TRUE);
  /* Holds the model until the server answered, like a reply: closing the
   * window loses nothing. */
  fd_connection_dm_request_async (self->connection, self->id, self->cancellable, on_dm_request_cb,
                                  g_object_ref (self));
  return TRUE;
}
