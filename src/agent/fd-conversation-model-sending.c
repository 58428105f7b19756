#define G_LOG_DOMAIN "fd-conversation-model"

/* Sending (docs/app.md, "The Web Chat window"): the agent's message
 * shown at once as SENDING, sent (an email or a tweet through the
 * server's durable outbox), then SENT or FAILED; a Web Chat text, an
 * email reply with its headers, and a retry of a failed one. */

#include <glib/gi18n.h>

#include "fd-conversation-model-private.h"

/* --- sending ------------------------------------------------------------------- */

typedef struct {
  FdConversationModel *self;   /* a reference for email (the reply must reach
                                * the outbox when its window closes), none
                                * otherwise: the request dies with the model */
  char                *client_id;
  gboolean             owns_ref;
} SendData;

static void
on_send_message_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree SendData *data = user_data;
  g_autofree char *client_id = data->client_id;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdMessage) stored = fd_connection_send_message_finish (FD_CONNECTION (source), result, &error);
  g_autoptr(FdConversationModel) owned = data->owns_ref ? data->self : NULL;
  FdConversationModel *self = data->self;
  FdMessageItem *item;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Gone when the echo came first; the ack may still say more (an email
   * reply's mail and delivery), which add_message() takes for a message
   * it knows. */
  item = g_hash_table_lookup (self->pending, client_id);
  if (item == NULL)
    {
      if (stored != NULL && stored->id > 0)
        _fd_conversation_model_add_message (self, stored);
      return;
    }
  if (error == NULL)
    _fd_conversation_model_confirm_pending (self, item, stored);
  else
    {
      fd_message_item_set_send_state (item, FD_SEND_STATE_FAILED, error->message);
      /* X's length rule refused by the server: its sentence ("X counts
       * this reply as N characters; …") goes to the status line too. */
      if (fd_message_item_get_is_tweet (item))
        fd_conversation_model_report_error (self, error);
    }
}

static void
send_item (FdConversationModel *self,
           FdMessageItem       *item)
{
  SendData *data = g_new0 (SendData, 1);

  data->self = self;
  data->client_id = g_strdup (fd_message_item_get_client_id (item));
  fd_message_item_set_send_state (item, FD_SEND_STATE_SENDING, NULL);
  /* An email or a tweet goes to the server's durable outbox: the request
   * holds the model, so the reply gets there even when the window closes
   * at once. */
  if (fd_message_item_get_is_mail (item) || fd_message_item_get_is_tweet (item))
    {
      FdSendMessage *body = fd_send_message_new ();
      GPtrArray *attachments = fd_message_item_get_attachments (item);

      body->conversation_id = self->id;
      body->client_id = g_strdup (data->client_id);
      body->text = g_strdup (fd_message_item_get_text (item));
      if (fd_message_item_get_is_mail (item))
        {
          const char *subject = fd_message_item_get_subject (item);

          body->to = g_strdupv ((char **) fd_message_item_get_mail_to (item));
          body->cc = g_strdupv ((char **) fd_message_item_get_mail_cc (item));
          body->subject = *subject != '\0' ? g_strdup (subject) : NULL;
        }
      body->direct = fd_message_item_get_tweet_direct (item);
      if (attachments->len > 0)
        {
          body->attachments = fd_attachment_list_new ();
          for (guint i = 0; i < attachments->len; i++)
            g_ptr_array_add (body->attachments, fd_attachment_copy (g_ptr_array_index (attachments, i)));
        }
      data->owns_ref = TRUE;
      g_object_ref (self);
      fd_connection_send_message_body_async (self->connection, body, self->cancellable, on_send_message_cb, data);
      return;
    }
  fd_connection_send_message_full_async (self->connection, self->id, data->client_id,
                                         fd_message_item_get_text (item),
                                         fd_message_item_get_attachments (item),
                                         self->cancellable, on_send_message_cb, data);
}

/* Shows the agent's message at once as SENDING and sends it; an email
 * reply with the To, Cc and subject the agent chose (@mail, may be NULL:
 * the server's defaults). */
static void
send_message (FdConversationModel *self,
              const char          *text,
              GPtrArray           *attachments,
              FdMailHeaders       *mail,
              FdTweet             *tweet)
{
  const FdAgent *agent = fd_connection_get_agent (self->connection);
  g_autofree char *client_id = g_uuid_string_random ();
  g_autoptr(FdMessageItem) item = NULL;
  FdMessage shown = { 0 };

  shown.mail = mail;
  shown.tweet = tweet;
  shown.conversation_id = self->id;
  shown.direction = FD_DIRECTION_OUT;
  shown.agent_id = agent != NULL ? agent->id : 0;
  shown.author_name = agent != NULL ? agent->name : NULL;
  shown.text = (char *) text;
  shown.client_id = client_id;
  shown.attachments = attachments;
  shown.created_at = g_get_real_time ();
  item = fd_message_item_new (&shown, _fd_conversation_model_author_of (self, &shown), FD_SEND_STATE_SENDING);
  g_hash_table_insert (self->pending, g_strdup (client_id), g_object_ref (item));
  g_list_store_append (self->messages, item);
  g_object_notify (G_OBJECT (self), "n-pending");
  fd_conversation_model_stop_typing (self);
  send_item (self, item);
}

void
_fd_conversation_model_send_message (FdConversationModel *self,
                                     const char          *text,
                                     GPtrArray           *attachments)
{
  FdTweet tweet = { 0 };

  /* A twitter conversation's every send (text, a file) goes the way the
   * agent chose: public reply or direct message. */
  if (self->conversation != NULL && self->conversation->kind == FD_STREAM_TWITTER)
    {
      tweet.direct = self->reply_direct;
      send_message (self, text, attachments, NULL, &tweet);
      return;
    }
  send_message (self, text, attachments, NULL, NULL);
}

gboolean
fd_conversation_model_send_email (FdConversationModel *self,
                                  const char          *text,
                                  const char * const  *to,
                                  const char * const  *cc,
                                  const char          *subject,
                                  GPtrArray           *attachments)
{
  g_autoptr(FdMailHeaders) mail = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  if (!_fd_conversation_model_is_reserved (self) ||
      (*stripped == '\0' && (attachments == NULL || attachments->len == 0)))
    return FALSE;
  mail = fd_mail_headers_new ();
  mail->to = to != NULL && to[0] != NULL ? g_strdupv ((char **) to) : NULL;
  mail->cc = cc != NULL && cc[0] != NULL ? g_strdupv ((char **) cc) : NULL;
  mail->subject = subject != NULL ? g_strstrip (g_strdup (subject)) : NULL;
  mail->date = g_get_real_time ();
  send_message (self, stripped, attachments, mail, NULL);
  return TRUE;
}

gboolean
fd_conversation_model_send_text (FdConversationModel *self,
                                 const char          *text)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  if (!_fd_conversation_model_is_reserved (self) || *stripped == '\0')
    return FALSE;
  _fd_conversation_model_send_message (self, stripped, NULL);
  return TRUE;
}

gboolean
fd_conversation_model_retry (FdConversationModel *self,
                             FdMessageItem       *item)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (item), FALSE);

  if (fd_message_item_get_send_state (item) != FD_SEND_STATE_FAILED ||
      g_hash_table_lookup (self->pending, fd_message_item_get_client_id (item)) != item)
    return FALSE;
  send_item (self, item);
  return TRUE;
}
