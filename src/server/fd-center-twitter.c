#define G_LOG_DOMAIN "fd-center"

/* The Twitter/X channel in the center (fd-center-twitter.h, docs/twitter.md).
 * Everything one X item changes (the dedupe row, the message, the
 * conversation and its routing, the stream's position) is one transaction:
 * a kill between the poll and the store loses nothing and doubles nothing.
 * A reply is stored with its outbox row before the ack. */

#include "fd-center-twitter.h"
#include "fd-center-private.h"
#include "fd-x-settings.h"
#include "fd-x-text.h"

#include <string.h>

/* What the Direct Message request says before its link. */
#define DM_REQUEST_SENTENCE "We would like to help you privately: please send us a direct message."
/* X takes these images as media of a post or a direct message, up to 5 MB. */
#define X_MAX_IMAGE_BYTES (5 * 1024 * 1024)

static char *
clip_text (const char *text,
           glong       max_chars)
{
  glong n;

  if (text == NULL)
    return NULL;
  n = g_utf8_strlen (text, -1);
  if (n <= max_chars)
    return g_strdup (text);
  return g_utf8_substring (text, 0, max_chars);
}

static gboolean
is_open (const FdConversation *conv)
{
  return conv->state == FD_CONVERSATION_UNRESERVED || conv->state == FD_CONVERSATION_RESERVED;
}

static gint64
utc_day (void)
{
  return g_get_real_time () / G_USEC_PER_SEC / 86400;
}

/* The stream's handle without "@", from its settings; NULL when unknown. */
static char *
stream_handle (const FdStream *stream)
{
  g_autoptr(FdXSettings) settings = fd_x_settings_parse (stream->settings_json, NULL);

  if (settings == NULL || settings->handle == NULL)
    return NULL;
  return g_strdup (settings->handle[0] == '@' ? settings->handle + 1 : settings->handle);
}

/* --- Receiving ----------------------------------------------------------------- */

static FdConversation *
find_thread (FdCenter               *self,
             gint64                  organization_id,
             gint64                  stream_id,
             const FdCenterXItemIn  *in,
             GError                **error)
{
  gint64 conversation_id;
  g_autoptr(FdConversation) conv = NULL;

  conversation_id = fd_store_find_x_thread (self->store, organization_id, stream_id, in->direct,
                                            in->thread_key != NULL ? in->thread_key : in->id, error);
  if (conversation_id <= 0)
    return NULL;
  conv = fd_store_get_conversation (self->store, organization_id, conversation_id, TRUE, error);
  if (conv == NULL)
    return NULL;
  /* After a close, the thread goes on in a new conversation (the contact's
   * history links them). */
  if (!is_open (conv))
    return NULL;
  return g_steal_pointer (&conv);
}

static FdConversation *
new_conversation (FdCenter               *self,
                  gint64                  organization_id,
                  const FdStream         *stream,
                  const FdCenterXItemIn  *in,
                  GError                **error)
{
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  g_autofree char *handle = in->author_handle != NULL ? g_strconcat ("@", in->author_handle, NULL) : NULL;
  gint64 contact_id;

  conv->organization_id = organization_id;
  conv->stream_id = stream->id;
  conv->queue_id = stream->queue_id;
  conv->kind = FD_STREAM_TWITTER;
  conv->state = FD_CONVERSATION_UNRESERVED;
  conv->created_at = g_get_real_time ();
  if (in->author_name != NULL && *in->author_name != '\0')
    conv->visitor_name = clip_text (in->author_name, FD_STORE_MAX_NAME);
  contact_id = fd_store_find_twitter_contact (self->store, organization_id, handle, error);
  if (contact_id < 0)
    return NULL;
  if (contact_id > 0)
    conv->contact_id = contact_id;
  else
    {
      conv->contact = fd_contact_new ();
      conv->contact->twitter_handle = clip_text (handle, FD_STORE_MAX_NAME);
      conv->contact->name = g_strdup (conv->visitor_name != NULL ? conv->visitor_name
                                      : handle != NULL ? handle : "Unknown X user");
    }
  if (!fd_store_create_conversation (self->store, conv, error))
    return NULL;
  fd_center_crm_started (self, conv->organization_id, conv->id);
  return g_steal_pointer (&conv);
}

/* The message's text: the customer's, with the media as links after it
 * (docs/twitter.md, "Conversations": X's media stay on X), within the
 * store's limit. */
static char *
item_text (const FdCenterXItemIn *in)
{
  GString *text = g_string_new (in->text);
  char *clipped;

  for (guint i = 0; in->media_urls != NULL && in->media_urls[i] != NULL && i < FD_STORE_MAX_LIST; i++)
    g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", in->media_urls[i]);
  if (text->len == 0)
    g_string_append (text, in->direct ? "(This direct message has no text.)" : "(This post has no text.)");
  clipped = clip_text (text->str, FD_STORE_MAX_TEXT);
  g_string_free (text, TRUE);
  return clipped;
}

static gboolean
receive_in_transaction (FdCenter               *self,
                        gint64                  organization_id,
                        gint64                  stream_id,
                        const FdCenterXItemIn  *in,
                        gint64                 *out_conversation_id,
                        GError                **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;
  g_autofree char *handle = NULL;
  FdStoreXItem item = { 0 };
  gboolean duplicate = FALSE;
  gboolean is_new = FALSE;

  *out_conversation_id = 0;
  if (!fd_store_set_x_position (self->store, organization_id, stream_id, in->direct, in->id, error))
    return FALSE;
  /* The account's own post or DM: only the position moves. */
  if (in->text == NULL)
    return TRUE;

  item.organization_id = organization_id;
  item.stream_id = stream_id;
  item.direct = in->direct;
  item.x_id = in->id;
  item.thread_key = in->thread_key != NULL ? in->thread_key : in->id;
  item.author_id = in->author_id;
  item.author_handle = in->author_handle;
  item.in_reply_to = in->in_reply_to;
  if (!fd_store_add_x_item (self->store, &item, &duplicate, error))
    return FALSE;
  if (duplicate)
    return TRUE;

  stream = fd_store_get_stream (self->store, organization_id, stream_id, error);
  if (stream == NULL)
    return FALSE;
  conv = find_thread (self, organization_id, stream_id, in, error);
  if (conv == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (conv == NULL)
    {
      if (stream->deleted)
        return TRUE;
      conv = new_conversation (self, organization_id, stream, in, error);
      if (conv == NULL)
        return FALSE;
      is_new = TRUE;
    }

  msg = fd_message_new ();
  msg->organization_id = organization_id;
  msg->conversation_id = conv->id;
  msg->direction = FD_DIRECTION_IN;
  msg->created_at = g_get_real_time ();
  handle = in->author_handle != NULL ? g_strconcat ("@", in->author_handle, NULL) : NULL;
  msg->author_name = clip_text (in->author_name != NULL && *in->author_name != '\0' ? in->author_name : handle,
                                FD_STORE_MAX_NAME);
  msg->text = item_text (in);
  /* The live message event shows the tweet as get-conversation will. */
  msg->tweet = fd_tweet_new ();
  msg->tweet->id = g_strdup (in->id);
  msg->tweet->direct = in->direct;
  msg->tweet->author_handle = clip_text (in->author_handle, FD_STORE_MAX_NAME);
  msg->tweet->in_reply_to = g_strdup (in->in_reply_to);
  if (!in->direct && in->author_handle != NULL)
    msg->tweet->url = g_strdup_printf ("https://x.com/%s/status/%s", in->author_handle, in->id);

  stored = fd_center_add_message (self, msg, conv->queue_id, NULL, error);
  if (stored == NULL)
    return FALSE;
  if (!fd_store_link_x_item (self->store, organization_id, stream_id, in->direct, in->id, conv->id, stored->id,
                             error))
    return FALSE;

  conv->last_customer_message_at = stored->created_at;
  conv->unread++;
  if (!fd_store_update_conversation (self->store, conv, error))
    return FALSE;
  if (is_new)
    {
      if (!fd_center_route_add (self, conv->organization_id, conv->id, conv->stream_id, error))
        return FALSE;
    }
  else if (!fd_center_emit_conversation (self, conv, error))
    return FALSE;
  *out_conversation_id = conv->id;
  return TRUE;
}

gboolean
fd_center_receive_x_item (FdCenter               *self,
                          gint64                  organization_id,
                          gint64                  stream_id,
                          const FdCenterXItemIn  *in,
                          gint64                 *out_conversation_id,
                          GError                **error)
{
  gint64 conversation_id = 0;
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);
  g_return_val_if_fail (in != NULL && in->id != NULL, FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  ok = receive_in_transaction (self, organization_id, stream_id, in, &conversation_id, error);
  if (!fd_center_finish (self, ok, error))
    return FALSE;
  if (out_conversation_id != NULL)
    *out_conversation_id = conversation_id;
  if (conversation_id > 0)
    fd_center_stats_changed (self, organization_id);
  return TRUE;
}

/* --- Calls of the day --------------------------------------------------------- */

gboolean
fd_center_count_x_calls (FdCenter  *self,
                         gint64     organization_id,
                         gint64     stream_id,
                         gint       n,
                         gint      *out_today,
                         GError   **error)
{
  gboolean ok;

  if (!fd_center_begin (self, error))
    return FALSE;
  ok = fd_store_count_x_calls (self->store, organization_id, stream_id, utc_day (), n, out_today, error);
  return fd_center_finish (self, ok, error);
}

gint
fd_center_x_calls_today (FdCenter  *self,
                         gint64     organization_id,
                         gint64     stream_id)
{
  return fd_store_get_x_calls_today (self->store, organization_id, stream_id, utc_day ());
}

/* --- Replies ---------------------------------------------------------------------- */

static gboolean
image_x_takes (const FdAttachment *attachment)
{
  static const char * const types[] = { "image/jpeg", "image/png", "image/gif", "image/webp" };

  if (attachment->mime_type == NULL || attachment->size > X_MAX_IMAGE_BYTES)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (attachment->mime_type, types[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
fd_center_twitter_check_reply (FdCenter              *self,
                               const FdConversation  *conv,
                               const FdSendMessage   *request,
                               FdMessage             *msg,
                               GError               **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  FdStoreXLast last = { 0 };
  const char *text = request->text != NULL ? request->text : "";
  guint n_attachments = msg->attachments != NULL ? msg->attachments->len : 0;

  for (guint i = 0; i < n_attachments; i++)
    if (!image_x_takes (g_ptr_array_index (msg->attachments, i)))
      {
        fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                             "attachments: X takes images (JPEG, PNG, GIF or WebP) of at most 5 MB; "
                             "send a link to this file instead.");
        return FALSE;
      }
  if (n_attachments > (request->direct ? 1u : 4u))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           request->direct ? "attachments: a direct message on X carries one image."
                                           : "attachments: a post on X carries at most 4 images.");
      return FALSE;
    }
  stream = fd_store_get_stream (self->store, conv->organization_id, conv->stream_id, error);
  if (stream == NULL)
    return FALSE;

  if (!request->direct)
    {
      gint length = 0;

      if (!fd_store_get_last_customer_x (self->store, conv->organization_id, conv->id, TRUE, &last, &local_error))
        {
          if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                               "The customer wrote no public post in this conversation to reply to: "
                               "send a direct message instead.");
          return FALSE;
        }
      g_autofree char *trimmed = g_strstrip (g_strdup (text));

      /* An image alone is a post too. */
      if (!fd_x_text_fits (text, &length) && !(n_attachments > 0 && *trimmed == '\0'))
        {
          fd_store_x_last_clear (&last);
          if (length < 0)
            fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "text: the reply is not valid UTF-8.");
          else if (length <= FD_X_MAX_WEIGHTED_LENGTH)
            fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "text: a post on X needs a text.");
          else
            fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                                 "X counts this reply as %d characters; a post may have %d.",
                                 length, FD_X_MAX_WEIGHTED_LENGTH);
          return FALSE;
        }
    }
  else
    {
      glong n = g_utf8_strlen (text, -1);

      if (n > FD_X_MAX_DM_CHARS)
        {
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                               "text: a direct message on X has at most %d characters; this one has %ld.",
                               FD_X_MAX_DM_CHARS, n);
          return FALSE;
        }
      if (!fd_store_get_last_customer_x (self->store, conv->organization_id, conv->id, FALSE, &last, &local_error) ||
          last.author_id == NULL)
        {
          fd_store_x_last_clear (&last);
          if (local_error != NULL && !g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                               "This conversation has no customer on X to send a direct message to.");
          return FALSE;
        }
    }

  g_clear_pointer (&msg->tweet, fd_tweet_free);
  msg->tweet = fd_tweet_new ();
  msg->tweet->direct = request->direct;
  msg->tweet->author_handle = stream_handle (stream);
  msg->tweet->in_reply_to = request->direct ? NULL : g_strdup (last.x_id);
  fd_store_x_last_clear (&last);
  return TRUE;
}

/* A reply sent carries its post or DM as get-conversation shows it (X's
 * id, the post's url), so that an open window links it at once. */
static gboolean
emit_delivery (FdCenter               *self,
               const FdStoreXOutbox   *row,
               gint64                  queue_id,
               GError                **error)
{
  g_autoptr(FdTweet) tweet = NULL;

  if (row->state == FD_DELIVERY_SENT && row->x_id != NULL)
    {
      tweet = fd_tweet_new ();
      tweet->id = g_strdup (row->x_id);
      tweet->direct = row->direct;
      tweet->author_handle = g_strdup (row->author_handle);
      tweet->in_reply_to = g_strdup (row->in_reply_to);
      fd_store_x_tweet_set_url (tweet);
    }
  return fd_center_emit_delivery (self, row->organization_id, queue_id, row->conversation_id, row->message_id,
                                  row->state, row->reason, row->attempts, tweet, error);
}

void
fd_center_set_twitter_outbox_notify (FdCenter              *self,
                                     FdCenterTwitterNotify  notify,
                                     gpointer               data)
{
  g_return_if_fail (FD_IS_CENTER (self));

  fd_center_outbox_notifier_set (&self->twitter_outbox, notify, data);
}

gboolean
fd_center_twitter_queue_reply (FdCenter              *self,
                               const FdConversation  *conv,
                               FdMessage             *stored,
                               GError               **error)
{
  g_autoptr(FdStoreXOutbox) row = g_new0 (FdStoreXOutbox, 1);
  FdStoreXLast last = { 0 };

  g_return_val_if_fail (stored->tweet != NULL, FALSE);

  row->message_id = stored->id;
  row->organization_id = conv->organization_id;
  row->stream_id = conv->stream_id;
  row->conversation_id = conv->id;
  row->direct = stored->tweet->direct;
  row->author_handle = g_strdup (stored->tweet->author_handle);
  row->state = FD_DELIVERY_QUEUED;
  if (row->direct)
    {
      if (!fd_store_get_last_customer_x (self->store, conv->organization_id, conv->id, FALSE, &last, error))
        return FALSE;
      row->participant_id = g_steal_pointer (&last.author_id);
      fd_store_x_last_clear (&last);
    }
  else
    row->in_reply_to = g_strdup (stored->tweet->in_reply_to);
  if (!fd_store_add_x_outbox (self->store, row, error) ||
      !emit_delivery (self, row, conv->queue_id, error))
    return FALSE;
  /* The ack carries where the reply is, as get-conversation will. */
  g_clear_pointer (&stored->delivery, fd_delivery_free);
  stored->delivery = fd_center_delivery_new (row->conversation_id, row->message_id, row->state);
  fd_center_outbox_notifier_schedule (&self->twitter_outbox);
  return TRUE;
}

FdMessage *
fd_center_dm_request (FdCenter                 *self,
                      const FdAgent            *agent,
                      const FdConversationRef  *request,
                      GError                  **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdXSettings) settings = NULL;
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  FdStoreXLast last = { 0 };
  gboolean ok;

  conv = fd_center_get_held (self, agent, request->conversation_id, error);
  if (conv == NULL)
    return NULL;
  if (conv->kind != FD_STREAM_TWITTER)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           "A Direct Message request is only for Twitter conversations.");
      return NULL;
    }
  if (conv->dm_requested)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           "The Direct Message request was sent already in this conversation.");
      return NULL;
    }
  if (!fd_store_get_last_customer_x (self->store, conv->organization_id, conv->id, TRUE, &last, &local_error))
    {
      if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           "The customer wrote no public post in this conversation to answer with the request.");
      return NULL;
    }
  stream = fd_store_get_stream (self->store, conv->organization_id, conv->stream_id, error);
  settings = stream != NULL ? fd_x_settings_parse (stream->settings_json, NULL) : NULL;
  if (stream == NULL)
    {
      fd_store_x_last_clear (&last);
      return NULL;
    }
  if (settings == NULL || settings->account_id == NULL)
    {
      fd_store_x_last_clear (&last);
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           "The stream's X account is not known yet: authorize the stream first.");
      return NULL;
    }

  msg = fd_message_new ();
  msg->organization_id = agent->organization_id;
  msg->conversation_id = conv->id;
  msg->direction = FD_DIRECTION_OUT;
  msg->agent_id = agent->id;
  msg->author_name = g_strdup (agent->name);
  msg->created_at = g_get_real_time ();
  msg->text = last.author_handle != NULL
              ? g_strdup_printf ("@%s " DM_REQUEST_SENTENCE " https://x.com/messages/compose?recipient_id=%s",
                                 last.author_handle, settings->account_id)
              : g_strdup_printf (DM_REQUEST_SENTENCE " https://x.com/messages/compose?recipient_id=%s",
                                 settings->account_id);
  msg->tweet = fd_tweet_new ();
  msg->tweet->direct = FALSE;
  msg->tweet->author_handle = g_strdup (settings->handle[0] == '@' ? settings->handle + 1 : settings->handle);
  msg->tweet->in_reply_to = g_strdup (last.x_id);
  fd_store_x_last_clear (&last);

  if (!fd_center_begin (self, error))
    return NULL;
  /* The conversation's events carry dm_requested already. */
  conv->dm_requested = TRUE;
  ok = fd_store_set_dm_requested (self->store, conv->organization_id, conv->id, error);
  if (ok)
    {
      stored = fd_center_add_message_to (self, msg, conv, fd_center_reply_update, NULL, error);
      ok = stored != NULL && fd_center_twitter_queue_reply (self, conv, stored, error);
    }
  if (!fd_center_finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&stored);
}

gboolean
fd_center_is_twitter_conversation (FdCenter  *self,
                                   gint64     organization_id,
                                   gint64     conversation_id)
{
  g_autoptr(FdConversation) conv = fd_store_get_conversation (self->store, organization_id, conversation_id,
                                                              FALSE, NULL);

  return conv != NULL && conv->kind == FD_STREAM_TWITTER;
}

FdDelivery *
fd_center_twitter_retry_delivery (FdCenter          *self,
                                  const FdAgent     *agent,
                                  const FdDelivery  *request,
                                  GError           **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStoreXOutbox) row = NULL;
  gboolean ok;

  conv = fd_center_get_visible (self, agent, request->conversation_id, error);
  if (conv == NULL)
    return NULL;
  row = fd_store_get_x_outbox (self->store, agent->organization_id, request->message_id, NULL);
  if (row == NULL || row->conversation_id != conv->id)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND,
                           "Message %" G_GINT64_FORMAT " is not an X reply of this conversation.",
                           request->message_id);
      return NULL;
    }
  if (!fd_center_check_retry (row->state, error))
    return NULL;
  row->state = FD_DELIVERY_QUEUED;
  row->attempts = 0;
  row->next_attempt_at = 0;
  g_clear_pointer (&row->reason, g_free);
  if (!fd_center_begin (self, error))
    return NULL;
  ok = fd_store_update_x_outbox (self->store, row, error) && emit_delivery (self, row, conv->queue_id, error);
  if (!fd_center_finish (self, ok, error))
    return NULL;
  fd_center_outbox_notifier_schedule (&self->twitter_outbox);
  return fd_center_delivery_new (row->conversation_id, row->message_id, row->state);
}

gboolean
fd_center_twitter_delivered (FdCenter              *self,
                             const FdStoreXOutbox  *row,
                             GError               **error)
{
  g_autoptr(FdConversation) conv = NULL;
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  conv = fd_store_get_conversation (self->store, row->organization_id, row->conversation_id, FALSE, error);
  ok = conv != NULL && fd_store_update_x_outbox (self->store, row, error);
  if (ok && row->state == FD_DELIVERY_SENT && row->x_id != NULL)
    {
      FdStoreXItem item = { 0 };
      gboolean duplicate = FALSE;

      /* The reply is an item of the stream too: the poller skips it when
       * X lists it (the account's own), and its id threads. */
      item.organization_id = row->organization_id;
      item.stream_id = row->stream_id;
      item.direct = row->direct;
      item.x_id = row->x_id;
      item.author_handle = row->author_handle;
      item.in_reply_to = row->in_reply_to;
      item.conversation_id = row->conversation_id;
      item.message_id = row->message_id;
      ok = fd_store_add_x_item (self->store, &item, &duplicate, error);
    }
  if (ok && row->state != FD_DELIVERY_QUEUED)
    ok = emit_delivery (self, row, conv->queue_id, error);
  return fd_center_finish (self, ok, error);
}
