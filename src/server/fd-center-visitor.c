#define G_LOG_DOMAIN "fd-center"

/* What visitors can do (docs/protocol.md, "Visitor websocket"): start a
 * conversation, send, type, close, rate, and read the transcript at hello.
 * A visitor sees no agent or organization ids. */

#include "fd-center-private.h"

#include "fd-protocol.h"

FdConversation *
fd_center_start_conversation (FdCenter        *self,
                              FdConversation  *conv,
                              GError         **error)
{
  gboolean ok;

  if (!fd_center_begin (self, error))
    return NULL;
  ok = fd_store_create_conversation (self->store, conv, error) &&
       fd_center_route_add (self, conv->organization_id, conv->id, conv->stream_id, error);
  if (!fd_center_finish (self, ok, error))
    return NULL;
  fd_center_crm_started (self, conv->organization_id, conv->id);
  return fd_store_get_conversation (self->store, conv->organization_id, conv->id, TRUE, error);
}

static FdConversation *
visitor_conversation (FdCenter  *self,
                      gint64     organization_id,
                      gint64     conversation_id,
                      gboolean   open,
                      GError   **error)
{
  g_autoptr(FdConversation) conv = fd_store_get_conversation (self->store, organization_id, conversation_id,
                                                              TRUE, error);

  if (conv == NULL)
    return NULL;
  if (open && conv->state != FD_CONVERSATION_UNRESERVED && conv->state != FD_CONVERSATION_RESERVED)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE, "This chat has ended.");
      return NULL;
    }
  /* The chats of a deleted stream stay open for their agents, but the
   * visitor cannot go on writing into them. A stream the routing engine
   * has loaded (stream_config, fd-center-routing.c) is not deleted: only
   * the others are read from the store, not the stream of every message. */
  if (open && !g_hash_table_contains (self->stream_config, &conv->stream_id))
    {
      g_autoptr(FdStream) stream = fd_store_get_stream (self->store, organization_id, conv->stream_id, error);

      if (stream == NULL)
        return NULL;
      if (stream->deleted)
        {
          fd_center_set_error (error, FD_WIRE_ERROR_STREAM_INACTIVE, "This channel is no longer active.");
          return NULL;
        }
    }
  return g_steal_pointer (&conv);
}

/* What a new visitor message changes in its conversation. */
static void
visitor_message_update (FdConversation  *conv,
                        const FdMessage *stored)
{
  conv->last_customer_message_at = stored->created_at;
  conv->unread++;
}

FdMessage *
fd_center_send_visitor_message (FdCenter             *self,
                                gint64                organization_id,
                                gint64                conversation_id,
                                const FdVisitorSend  *send,
                                gboolean             *out_duplicate,
                                GError              **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean duplicate = FALSE;
  gboolean ok;

  if (send->text == NULL || send->text[0] == '\0')
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "A message needs a text.");
      return NULL;
    }
  conv = visitor_conversation (self, organization_id, conversation_id, TRUE, &local_error);
  if (conv == NULL)
    {
      g_autoptr(FdMessage) earlier = fd_center_find_by_client_id (self, organization_id, conversation_id, send->client_id);

      if (earlier != NULL && fd_center_same_sender (earlier, FD_DIRECTION_IN, 0))
        {
          *out_duplicate = TRUE;
          return g_steal_pointer (&earlier);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  msg = fd_message_new ();
  msg->organization_id = organization_id;
  msg->conversation_id = conversation_id;
  msg->direction = FD_DIRECTION_IN;
  /* The name the visitor typed (or none), never the one on file: a visitor
   * who typed someone else's email address must not learn that person's
   * name from the echo of their own message. */
  msg->author_name = g_strdup (conv->visitor_name);
  msg->text = g_strdup (send->text);
  msg->client_id = g_strdup (send->client_id);
  msg->created_at = g_get_real_time ();

  if (!fd_center_begin (self, error))
    return NULL;
  stored = fd_center_add_message_to (self, msg, conv, visitor_message_update, &duplicate, error);
  ok = stored != NULL;
  *out_duplicate = duplicate;
  if (ok && duplicate && !fd_center_same_sender (stored, FD_DIRECTION_IN, 0))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_CONFLICT, "This client_id is already used by another message.");
      ok = FALSE;
    }
  if (!fd_center_finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&stored);
}

gboolean
fd_center_visitor_typing (FdCenter  *self,
                          gint64     organization_id,
                          gint64     conversation_id,
                          gboolean   typing,
                          GError   **error)
{
  g_autoptr(FdConversation) conv = visitor_conversation (self, organization_id, conversation_id, TRUE, error);
  FdTyping body = { conversation_id, typing };

  if (conv == NULL)
    return FALSE;
  /* Only the agent holding the chat sees the visitor typing. */
  if (conv->state != FD_CONVERSATION_RESERVED || conv->agent_id == 0)
    return TRUE;
  if (!fd_center_begin (self, error))
    return FALSE;
  return fd_center_finish (self, fd_center_emit (self, organization_id, "typing", 0, conv->agent_id, conversation_id,
                                       fd_typing_to_json (&body), error), error);
}

static gboolean
check_rating (const FdRating  *rating,
              gboolean         required,
              GError         **error)
{
  if ((required && rating->rating == 0) || rating->rating < 0 || rating->rating > 5)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "A rating is a number from 1 to 5.");
      return FALSE;
    }
  return TRUE;
}

gboolean
fd_center_visitor_rate (FdCenter        *self,
                        gint64           organization_id,
                        gint64           conversation_id,
                        const FdRating  *rating,
                        GError         **error)
{
  g_autoptr(FdConversation) conv = NULL;

  if (!check_rating (rating, TRUE, error))
    return FALSE;
  conv = visitor_conversation (self, organization_id, conversation_id, FALSE, error);
  if (conv == NULL)
    return FALSE;
  if (conv->state != FD_CONVERSATION_CLOSED || conv->rating != 0)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                           conv->rating != 0 ? "This chat is already rated." : "A chat is rated once it has ended.");
      return FALSE;
    }
  conv->rating = rating->rating;
  conv->comment = g_strdup (rating->comment);
  if (!fd_center_begin (self, error))
    return FALSE;
  return fd_center_finish (self, fd_store_update_conversation (self->store, conv, error) &&
                       fd_center_emit_conversation (self, conv, error), error);
}

gboolean
fd_center_visitor_close (FdCenter        *self,
                         gint64           organization_id,
                         gint64           conversation_id,
                         const FdRating  *rating,
                         GError         **error)
{
  g_autoptr(FdConversation) conv = NULL;

  if (!check_rating (rating, FALSE, error))
    return FALSE;
  conv = visitor_conversation (self, organization_id, conversation_id, FALSE, error);
  if (conv == NULL)
    return FALSE;
  if (conv->state == FD_CONVERSATION_CLOSED)
    {
      /* Closing what the agent closed is rating it, when a rating comes. */
      if (rating->rating > 0 && conv->rating == 0)
        return fd_center_visitor_rate (self, organization_id, conversation_id, rating, error);
      return TRUE;
    }
  if (conv->state == FD_CONVERSATION_MISSED)
    return TRUE;
  if (!fd_center_begin (self, error))
    return FALSE;
  return fd_center_finish (self, fd_center_close_conversation (self, conv, FD_CLOSED_BY_VISITOR, rating, error), error);
}

FdVisitorWelcome *
fd_center_visitor_welcome (FdCenter  *self,
                           gint64     organization_id,
                           gint64     conversation_id,
                           gint64     last_message_id,
                           GError   **error)
{
  g_autoptr(FdConversation) conv = visitor_conversation (self, organization_id, conversation_id, FALSE, error);
  g_autoptr(FdVisitorWelcome) welcome = NULL;

  if (conv == NULL)
    return NULL;
  welcome = fd_visitor_welcome_new ();
  welcome->conversation_id = conv->id;
  welcome->state = conv->state;
  if (conv->agent_id != 0)
    {
      g_autoptr(FdAgent) agent = fd_store_get_agent (self->store, organization_id, conv->agent_id, NULL);

      welcome->agent_name = agent != NULL ? g_strdup (agent->name) : NULL;
    }
  welcome->messages = fd_store_list_messages (self->store, organization_id, conversation_id,
                                              MAX (last_message_id, 0), error);
  if (welcome->messages == NULL)
    return NULL;
  for (guint i = 0; i < welcome->messages->len; i++)
    {
      FdMessage *msg = g_ptr_array_index (welcome->messages, i);

      msg->agent_id = 0;
      msg->organization_id = 0;
    }
  return g_steal_pointer (&welcome);
}
