#define G_LOG_DOMAIN "fd-center"

/* The requests of agents and visitors, checked, carried out in one store
 * transaction each, with their events pushed after the commit. */

#include "fd-center-actions.h"
#include "fd-files-api.h"

#include <string.h>

#define DEFAULT_SEARCH_LIMIT 50

/* Commits when @ok, rolls back otherwise; returns whether all went well. */
static gboolean
finish (FdCenter  *self,
        gboolean   ok,
        GError   **error)
{
  if (!ok)
    {
      fd_center_rollback (self);
      return FALSE;
    }
  return fd_center_commit (self, error);
}

void
fd_center_note_agent (FdCenter      *self,
                      const FdAgent *agent)
{
  g_hash_table_insert (self->agent_org, g_memdup2 (&agent->id, sizeof agent->id),
                       g_memdup2 (&agent->organization_id, sizeof agent->organization_id));
}


FdConversation *
fd_center_get_visible (FdCenter       *self,
                       const FdAgent  *agent,
                       gint64          conversation_id,
                       GError        **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GError) local_error = NULL;

  conv = fd_store_get_conversation (self->store, agent->organization_id, conversation_id, TRUE, &local_error);
  if (conv == NULL)
    {
      if (g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND, "There is no conversation %" G_GINT64_FORMAT ".",
                             conversation_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!fd_center_is_member (self, agent->organization_id, conv->queue_id, agent->id))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_FORBIDDEN,
                           "This conversation belongs to a queue you are not a member of.");
      return NULL;
    }
  conv->transfer_to = fd_center_route_transfer_to (self, conv->id);
  return g_steal_pointer (&conv);
}

FdConversation *
fd_center_get_held (FdCenter       *self,
                    const FdAgent  *agent,
                    gint64          conversation_id,
                    GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, conversation_id, error);

  if (conv == NULL)
    return NULL;
  if (conv->state == FD_CONVERSATION_RESERVED && conv->agent_id == agent->id)
    return g_steal_pointer (&conv);
  if (conv->state == FD_CONVERSATION_RESERVED)
    fd_center_set_error (error, FD_WIRE_ERROR_FORBIDDEN, "Another agent holds this conversation.");
  else
    fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE,
                         "This conversation is %s, not reserved by you.",
                         fd_conversation_state_to_string (conv->state));
  return NULL;
}

/* --- Queues and ACD ---------------------------------------------------------- */

static FdQueueState *
queue_state (FdCenter      *self,
             const FdAgent *agent,
             const FdQueue *queue)
{
  FdQueueState *state = fd_queue_state_new ();

  state->queue_id = queue->id;
  state->name = g_strdup (queue->name);
  state->joined = fd_center_route_is_joined (self, agent->id, queue->id);
  state->members = queue->member_ids != NULL ? (gint) queue->member_ids->len : 0;
  state->members_joined = (gint) fd_center_route_count_joined (self, queue->id);
  return state;
}

FdQueueState *
fd_center_join (FdCenter       *self,
                const FdAgent  *agent,
                gint64          queue_id,
                gboolean        join,
                GError        **error)
{
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(FdQueueState) state = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  queue = fd_store_get_queue (self->store, agent->organization_id, queue_id, &local_error);
  if (queue == NULL)
    {
      if (g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND, "There is no queue %" G_GINT64_FORMAT ".", queue_id);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!fd_center_is_member (self, agent->organization_id, queue_id, agent->id))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_FORBIDDEN, "You are not a member of the queue “%s”.", queue->name);
      return NULL;
    }
  /* Joining or leaving twice is acknowledged with the queue's state. */
  if (fd_center_route_is_joined (self, agent->id, queue_id) == join)
    return queue_state (self, agent, queue);

  if (!fd_center_begin (self, error))
    return NULL;
  if (join)
    {
      /* Catch up with what the admin API changed (cheap when nothing did),
       * so that a member added a moment ago can join. */
      ok = fd_center_route_load (self, agent->organization_id, FALSE, error) &&
           fd_center_route_join (self, agent->id, queue_id, error);
    }
  else
    {
      fd_center_route_leave (self, agent->id, queue_id);
      ok = TRUE;
    }
  state = queue_state (self, agent, queue);
  ok = ok &&
       fd_store_set_queue_member_joined (self->store, agent->organization_id, queue_id, agent->id, join, error);
  /* Every member sees the new count of joined members; "joined" is each
   * member's own, so each gets its own event. */
  for (guint i = 0; ok && queue->member_ids != NULL && i < queue->member_ids->len; i++)
    {
      FdAgent member = { .id = g_array_index (queue->member_ids, gint64, i),
                         .organization_id = agent->organization_id };
      g_autoptr(FdQueueState) member_state = queue_state (self, &member, queue);

      ok = fd_center_emit (self, agent->organization_id, "queue-state", 0, member.id, 0,
                           fd_queue_state_to_json (member_state), error);
    }
  if (!finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&state);
}

FdAgent *
fd_center_set_acd (FdCenter        *self,
                   const FdAgent   *agent,
                   const FdSetAcd  *change,
                   GError         **error)
{
  g_autoptr(FdAgent) updated = NULL;
  gboolean ok;

  if (!fd_center_begin (self, error))
    return NULL;
  ok = fd_center_store_acd (self, agent->organization_id, agent->id, change->state, change->reason,
                            g_get_real_time (), &updated, error);
  if (ok)
    fd_center_route_set_acd (self, agent->id, change->state);
  if (!finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&updated);
}

/* --- Conversations ----------------------------------------------------------- */

FdConversation *
fd_center_reserve (FdCenter       *self,
                   const FdAgent  *agent,
                   gint64          conversation_id,
                   GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, conversation_id, error);
  gboolean ok;

  if (conv == NULL)
    return NULL;
  if (conv->state == FD_CONVERSATION_RESERVED && conv->agent_id == agent->id)
    return g_steal_pointer (&conv);
  if (conv->state == FD_CONVERSATION_CLOSED || conv->state == FD_CONVERSATION_MISSED)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE, "This conversation has ended.");
      return NULL;
    }

  if (!fd_center_begin (self, error))
    return NULL;
  ok = fd_center_route_reserve (self, conversation_id, agent->id, error);
  if (!finish (self, ok, error))
    {
      if (error != NULL && *error != NULL && (*error)->code == FD_WIRE_ERROR_CONFLICT)
        {
          g_free ((*error)->message);
          (*error)->message = g_strdup ("Another agent reserved this conversation first.");
        }
      return NULL;
    }
  return fd_store_get_conversation (self->store, agent->organization_id, conversation_id, TRUE, error);
}

gboolean
fd_center_reject (FdCenter       *self,
                  const FdAgent  *agent,
                  gint64          conversation_id,
                  GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, conversation_id, error);

  if (conv == NULL)
    return FALSE;
  if (!fd_center_begin (self, error))
    return FALSE;
  return finish (self, fd_center_route_reject (self, conversation_id, agent->id, error), error);
}

/* A message already stored with this client id by this sender, if any. */
static FdMessage *
find_by_client_id (FdCenter    *self,
                   gint64       organization_id,
                   gint64       conversation_id,
                   const char  *client_id)
{
  g_autoptr(GPtrArray) messages = fd_store_list_messages (self->store, organization_id, conversation_id, 0, NULL);

  for (guint i = 0; messages != NULL && i < messages->len; i++)
    {
      FdMessage *msg = g_ptr_array_index (messages, i);

      if (g_strcmp0 (msg->client_id, client_id) == 0)
        return fd_message_copy (msg);
    }
  return NULL;
}

static gboolean
same_sender (const FdMessage *a,
             FdDirection      direction,
             gint64           agent_id)
{
  return a->direction == direction && a->agent_id == agent_id;
}

/* An attachment must be a file of this server uploaded into @conv, or an
 * organization file (a resource's); it is described from the file's record,
 * not from what the client claims. */
static FdAttachment *
checked_attachment (FdCenter              *self,
                    const FdConversation  *conv,
                    const FdAttachment    *requested,
                    GError               **error)
{
  g_autofree char *id = requested->url != NULL ? fd_files_parse_url (requested->url) : NULL;
  g_autoptr(FdStoreFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  FdAttachment *attachment;

  if (id != NULL)
    file = fd_store_get_file (self->store, id, &local_error);
  if (file == NULL && local_error != NULL &&
      !g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (file == NULL || file->organization_id != conv->organization_id ||
      (file->conversation_id != 0 && file->conversation_id != conv->id))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "An attachment must be a file uploaded to this conversation; upload it first.");
      return NULL;
    }
  attachment = fd_attachment_new ();
  attachment->name = g_strdup (file->name);
  attachment->url = fd_files_dup_url (file->id, file->name);
  attachment->mime_type = g_strdup (file->mime_type);
  attachment->size = file->size;
  return attachment;
}

FdMessage *
fd_center_send_agent_message (FdCenter             *self,
                              const FdAgent        *agent,
                              const FdSendMessage  *request,
                              GError              **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean duplicate = FALSE;
  gboolean ok;
  gint64 now = g_get_real_time ();

  if ((request->text == NULL || request->text[0] == '\0') &&
      (request->attachments == NULL || request->attachments->len == 0))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "A message needs a text or an attachment.");
      return NULL;
    }

  conv = fd_center_get_held (self, agent, request->conversation_id, &local_error);
  if (conv == NULL)
    {
      /* A resend of a message stored before the conversation ended. */
      g_autoptr(FdMessage) earlier = NULL;

      if (!g_error_matches (local_error, FD_CENTER_ERROR, FD_WIRE_ERROR_NOT_FOUND))
        earlier = find_by_client_id (self, agent->organization_id, request->conversation_id, request->client_id);
      if (earlier != NULL && same_sender (earlier, FD_DIRECTION_OUT, agent->id))
        return g_steal_pointer (&earlier);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  msg = fd_message_new ();
  msg->organization_id = agent->organization_id;
  msg->conversation_id = conv->id;
  msg->direction = FD_DIRECTION_OUT;
  msg->agent_id = agent->id;
  msg->author_name = g_strdup (agent->name);
  msg->text = g_strdup (request->text);
  msg->client_id = g_strdup (request->client_id);
  if (request->attachments != NULL && request->attachments->len > 0)
    {
      msg->attachments = fd_attachment_list_new ();
      for (guint i = 0; i < request->attachments->len; i++)
        {
          FdAttachment *attachment = checked_attachment (self, conv, g_ptr_array_index (request->attachments, i),
                                                         error);

          if (attachment == NULL)
            return NULL;
          g_ptr_array_add (msg->attachments, attachment);
        }
    }
  msg->created_at = now;

  if (!fd_center_begin (self, error))
    return NULL;
  stored = fd_center_add_message (self, msg, conv->queue_id, &duplicate, error);
  ok = stored != NULL;
  if (ok && duplicate && !same_sender (stored, FD_DIRECTION_OUT, agent->id))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_CONFLICT, "This client_id is already used by another message.");
      ok = FALSE;
    }
  if (ok && !duplicate)
    {
      if (conv->first_reply_at == 0)
        conv->first_reply_at = stored->created_at;
      conv->last_customer_message_at = 0;
      ok = fd_store_update_conversation (self->store, conv, error) && fd_center_emit_conversation (self, conv, error);
    }
  if (!finish (self, ok, error))
    return NULL;
  return g_steal_pointer (&stored);
}

gboolean
fd_center_agent_typing (FdCenter        *self,
                        const FdAgent   *agent,
                        const FdTyping  *typing,
                        GError         **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, typing->conversation_id, error);
  FdVisitorTyping *body;

  if (conv == NULL)
    return FALSE;
  body = fd_visitor_typing_new ();
  body->typing = typing->typing;
  fd_center_push_visitor_frame (self, conv->id, fd_frame_new (FD_FRAME_VISITOR_TYPING_EVENT, body));
  /* Typing changes nothing stored: push it at once. */
  if (!fd_center_begin (self, error))
    return FALSE;
  return finish (self, TRUE, error);
}

gboolean
fd_center_mark_read (FdCenter          *self,
                     const FdAgent     *agent,
                     const FdMarkRead  *mark,
                     GError           **error)
{
  /* Only the holder reads the customer's messages: a colleague who may see
   * the conversation must not clear the holder's unread count. */
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, mark->conversation_id, error);
  gint unread = 0;

  if (conv == NULL)
    return FALSE;
  if (mark->message_id > 0)
    {
      g_autoptr(GPtrArray) after = fd_store_list_messages (self->store, agent->organization_id, conv->id,
                                                           mark->message_id, error);

      if (after == NULL)
        return FALSE;
      for (guint i = 0; i < after->len; i++)
        unread += ((FdMessage *) g_ptr_array_index (after, i))->direction == FD_DIRECTION_IN;
    }
  if (unread == conv->unread)
    return TRUE;
  conv->unread = unread;
  if (!fd_center_begin (self, error))
    return FALSE;
  return finish (self, fd_store_update_conversation (self->store, conv, error) &&
                       fd_center_emit_conversation (self, conv, error), error);
}

gboolean
fd_center_transfer (FdCenter          *self,
                    const FdAgent     *agent,
                    const FdTransfer  *transfer,
                    GError           **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, transfer->conversation_id, error);
  g_autoptr(FdAgent) colleague = NULL;
  g_autoptr(GError) local_error = NULL;

  if (conv == NULL)
    return FALSE;
  colleague = fd_store_get_agent (self->store, agent->organization_id, transfer->agent_id, &local_error);
  if (colleague == NULL)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND, "There is no agent %" G_GINT64_FORMAT ".",
                           transfer->agent_id);
      return FALSE;
    }
  if (!fd_center_begin (self, error))
    return FALSE;
  /* The agent's apps show the offer going out (transfer_to). */
  return finish (self, fd_center_route_transfer (self, conv->id, agent->id, colleague->id, error) &&
                       fd_center_emit_conversation (self, conv, error), error);
}

static int
compare_colleagues (gconstpointer a,
                    gconstpointer b)
{
  const FdColleague *x = *(FdColleague * const *) a;
  const FdColleague *y = *(FdColleague * const *) b;

  /* Those who can answer at once first: online, then available. */
  if (x->online != y->online)
    return x->online ? -1 : 1;
  if ((x->acd_state == FD_ACD_AVAILABLE) != (y->acd_state == FD_ACD_AVAILABLE))
    return x->acd_state == FD_ACD_AVAILABLE ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

FdColleagues *
fd_center_list_colleagues (FdCenter       *self,
                           const FdAgent  *agent,
                           gint64          conversation_id,
                           GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, conversation_id, error);
  g_autoptr(FdQueue) queue = NULL;
  g_autoptr(FdColleagues) result = NULL;

  if (conv == NULL)
    return NULL;
  queue = fd_store_get_queue (self->store, agent->organization_id, conv->queue_id, error);
  if (queue == NULL)
    return NULL;
  result = fd_colleagues_new ();
  result->items = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_colleague_free);
  for (guint i = 0; queue->member_ids != NULL && i < queue->member_ids->len; i++)
    {
      gint64 member_id = g_array_index (queue->member_ids, gint64, i);
      g_autoptr(FdAgent) member = NULL;
      FdColleague *colleague;

      if (member_id == agent->id || !fd_center_route_is_joined (self, member_id, queue->id))
        continue;
      member = fd_store_get_agent (self->store, agent->organization_id, member_id, NULL);
      if (member == NULL)
        continue;
      colleague = fd_colleague_new ();
      colleague->agent_id = member->id;
      colleague->name = g_strdup (member->name);
      colleague->acd_state = member->acd_state;
      colleague->online = fd_center_agent_is_online (self, member->id);
      g_ptr_array_add (result->items, colleague);
    }
  g_ptr_array_sort (result->items, compare_colleagues);
  return g_steal_pointer (&result);
}

/* Ends a conversation: routing forgets it and the visitor is told. */
static gboolean
close_conversation (FdCenter        *self,
                    FdConversation  *conv,
                    FdClosedBy       by,
                    const FdRating  *rating,
                    GError         **error)
{
  FdVisitorClosed *closed;

  fd_center_route_close (self, conv->id);
  conv->state = FD_CONVERSATION_CLOSED;
  conv->closed_at = g_get_real_time ();
  if (rating != NULL && rating->rating > 0)
    {
      conv->rating = rating->rating;
      g_free (conv->comment);
      conv->comment = g_strdup (rating->comment);
    }
  if (!fd_store_update_conversation (self->store, conv, error) ||
      !fd_store_delete_offer (self->store, conv->organization_id, conv->id, 0, error) ||
      !fd_center_emit_conversation (self, conv, error))
    return FALSE;
  closed = fd_visitor_closed_new ();
  closed->by = by;
  closed->ask_rating = by == FD_CLOSED_BY_AGENT && conv->kind == FD_STREAM_WEBCHAT;
  fd_center_push_visitor_frame (self, conv->id, fd_frame_new (FD_FRAME_VISITOR_CLOSED, closed));
  return TRUE;
}

FdConversation *
fd_center_close (FdCenter       *self,
                 const FdAgent  *agent,
                 gint64          conversation_id,
                 GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, conversation_id, error);

  if (conv == NULL)
    return NULL;
  if (conv->state == FD_CONVERSATION_CLOSED && conv->agent_id == agent->id)
    return g_steal_pointer (&conv);
  g_clear_pointer (&conv, fd_conversation_free);
  conv = fd_center_get_held (self, agent, conversation_id, error);
  if (conv == NULL)
    return NULL;
  if (!fd_center_begin (self, error))
    return NULL;
  if (!finish (self, close_conversation (self, conv, FD_CLOSED_BY_AGENT, NULL, error), error))
    return NULL;
  return g_steal_pointer (&conv);
}

FdMessage *
fd_center_callback_attempt (FdCenter                 *self,
                            const FdAgent            *agent,
                            const FdCallbackAttempt  *attempt,
                            GError                  **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_held (self, agent, attempt->conversation_id, error);
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;

  if (conv == NULL)
    return NULL;
  if (conv->kind != FD_STREAM_CALLBACK)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_STATE, "Call attempts are only for callback requests.");
      return NULL;
    }
  msg = fd_message_new ();
  msg->organization_id = agent->organization_id;
  msg->conversation_id = conv->id;
  msg->direction = FD_DIRECTION_SYSTEM;
  msg->agent_id = agent->id;
  msg->author_name = g_strdup (agent->name);
  if (attempt->note != NULL && attempt->note[0] != '\0')
    msg->text = g_strdup_printf ("Call attempt: %s — %s", fd_call_outcome_to_string (attempt->outcome), attempt->note);
  else
    msg->text = g_strdup_printf ("Call attempt: %s", fd_call_outcome_to_string (attempt->outcome));
  if (!fd_center_begin (self, error))
    return NULL;
  stored = fd_center_add_message (self, msg, conv->queue_id, NULL, error);
  if (!finish (self, stored != NULL, error))
    return NULL;
  return g_steal_pointer (&stored);
}

FdConversationDetail *
fd_center_get_detail (FdCenter       *self,
                      const FdAgent  *agent,
                      gint64          conversation_id,
                      GError        **error)
{
  g_autoptr(FdConversation) conv = fd_center_get_visible (self, agent, conversation_id, error);
  g_autoptr(FdConversationDetail) detail = NULL;

  if (conv == NULL)
    return NULL;
  detail = fd_conversation_detail_new ();
  detail->messages = fd_store_list_messages (self->store, agent->organization_id, conversation_id, 0, error);
  if (detail->messages == NULL)
    return NULL;
  detail->conversation = g_steal_pointer (&conv);
  return g_steal_pointer (&detail);
}

FdConversations *
fd_center_contact_history (FdCenter       *self,
                           const FdAgent  *agent,
                           gint64          contact_id,
                           GError        **error)
{
  g_autoptr(FdContact) contact = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(FdConversations) result = fd_conversations_new ();
  g_autoptr(GError) local_error = NULL;

  contact = fd_store_get_contact (self->store, agent->organization_id, contact_id, &local_error);
  if (contact == NULL)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND, "There is no contact %" G_GINT64_FORMAT ".", contact_id);
      return NULL;
    }
  history = fd_store_list_contact_history (self->store, agent->organization_id, contact_id,
                                           FD_STORE_HISTORY_LIMIT, error);
  if (history == NULL)
    return NULL;
  result->conversations = fd_conversation_list_new ();
  for (guint i = 0; i < history->len; i++)
    {
      FdConversation *conv = g_ptr_array_index (history, i);

      if (fd_center_is_member (self, agent->organization_id, conv->queue_id, agent->id))
        g_ptr_array_add (result->conversations, fd_conversation_copy (conv));
    }
  return g_steal_pointer (&result);
}

FdStatsReport *
fd_center_stats (FdCenter       *self,
                 const FdAgent  *agent,
                 GError        **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(FdStatsReport) report = fd_stats_report_new ();

  rows = fd_store_get_stats (self->store, agent->organization_id, g_get_real_time (),
                             fd_center_day_start (), error);
  if (rows == NULL)
    return NULL;
  report->rows = fd_stats_list_new ();
  for (guint i = 0; i < rows->len; i++)
    {
      FdStats *row = g_ptr_array_index (rows, i);

      if (fd_center_is_member (self, agent->organization_id, row->queue_id, agent->id))
        g_ptr_array_add (report->rows, fd_stats_copy (row));
    }
  return g_steal_pointer (&report);
}

/* Whether an item of @level/@owner is visible from @conv (NULL = any). */
static gboolean
level_visible (FdLevel               level,
               gint64                owner_id,
               const FdConversation *conv)
{
  if (conv == NULL)
    return TRUE;
  switch (level)
    {
    case FD_LEVEL_QUEUE:
      return owner_id == conv->queue_id;
    case FD_LEVEL_STREAM:
      return owner_id == conv->stream_id;
    case FD_LEVEL_ORGANIZATION:
    case FD_LEVEL_AGENT:
    default:
      return TRUE;
    }
}

static guint
search_limit (const FdSearch *search)
{
  return search->limit > 0 ? MIN ((guint) search->limit, FD_LIMIT_ARRAY) : DEFAULT_SEARCH_LIMIT;
}

FdCannedReplies *
fd_center_list_canned_replies (FdCenter        *self,
                               const FdAgent   *agent,
                               const FdSearch  *search,
                               GError         **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(FdCannedReplies) result = fd_canned_replies_new ();

  if (search->conversation_id != 0 &&
      (conv = fd_center_get_visible (self, agent, search->conversation_id, error)) == NULL)
    return NULL;
  all = fd_store_list_visible_canned_replies (self->store, agent->organization_id, agent->id, search->search, error);
  if (all == NULL)
    return NULL;
  result->items = fd_canned_reply_list_new ();
  for (guint i = 0; i < all->len && result->items->len < search_limit (search); i++)
    {
      FdCannedReply *reply = g_ptr_array_index (all, i);

      if (level_visible (reply->level, reply->owner_id, conv))
        g_ptr_array_add (result->items, fd_canned_reply_copy (reply));
    }
  return g_steal_pointer (&result);
}

FdResources *
fd_center_list_resources (FdCenter        *self,
                          const FdAgent   *agent,
                          const FdSearch  *search,
                          GError         **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(FdResources) result = fd_resources_new ();

  if (search->conversation_id != 0 &&
      (conv = fd_center_get_visible (self, agent, search->conversation_id, error)) == NULL)
    return NULL;
  all = fd_store_list_visible_resources (self->store, agent->organization_id, agent->id, search->search, error);
  if (all == NULL)
    return NULL;
  result->items = fd_resource_list_new ();
  for (guint i = 0; i < all->len && result->items->len < search_limit (search); i++)
    {
      FdResource *resource = g_ptr_array_index (all, i);

      if (level_visible (resource->level, resource->owner_id, conv))
        g_ptr_array_add (result->items, fd_resource_copy (resource));
    }
  return g_steal_pointer (&result);
}

static gboolean
add_detail (FdCenter       *self,
            const FdAgent  *agent,
            FdSnapshot     *snapshot,
            GHashTable     *seen,
            gint64          conversation_id,
            GError        **error)
{
  FdConversationDetail *detail;

  if (g_hash_table_contains (seen, &conversation_id))
    return TRUE;
  detail = fd_center_get_detail (self, agent, conversation_id, error);
  if (detail == NULL)
    return FALSE;
  g_hash_table_add (seen, g_memdup2 (&conversation_id, sizeof conversation_id));
  g_ptr_array_add (snapshot->conversations, detail);
  return TRUE;
}

FdSnapshot *
fd_center_snapshot (FdCenter       *self,
                    const FdAgent  *agent,
                    GError        **error)
{
  g_autoptr(FdSnapshot) snapshot = fd_snapshot_new ();
  g_autoptr(GPtrArray) queues = NULL;
  g_autoptr(GPtrArray) reserved = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  snapshot->agent = fd_store_get_agent (self->store, agent->organization_id, agent->id, error);
  if (snapshot->agent == NULL)
    return NULL;
  queues = fd_store_list_queues (self->store, agent->organization_id, error);
  if (queues == NULL)
    return NULL;
  snapshot->queues = fd_queue_state_list_new ();
  for (guint i = 0; i < queues->len; i++)
    {
      FdQueue *queue = g_ptr_array_index (queues, i);

      if (fd_center_is_member (self, agent->organization_id, queue->id, agent->id))
        g_ptr_array_add (snapshot->queues, queue_state (self, agent, queue));
    }

  snapshot->offers = fd_store_list_offers_by_agent (self->store, agent->organization_id, agent->id, error);
  reserved = snapshot->offers ? fd_store_list_conversations_by_agent (self->store, agent->organization_id,
                                                                      agent->id, TRUE, error) : NULL;
  if (reserved == NULL)
    return NULL;
  snapshot->conversations = fd_conversation_detail_list_new ();
  for (guint i = 0; i < reserved->len; i++)
    if (!add_detail (self, agent, snapshot, seen, ((FdConversation *) g_ptr_array_index (reserved, i))->id, error))
      return NULL;
  for (guint i = 0; i < snapshot->offers->len; i++)
    if (!add_detail (self, agent, snapshot, seen,
                     ((FdOffer *) g_ptr_array_index (snapshot->offers, i))->conversation_id, error))
      return NULL;
  return g_steal_pointer (&snapshot);
}

gboolean
fd_center_current_seq (FdCenter       *self,
                       const FdAgent  *agent,
                       gint64         *out_seq,
                       GError        **error)
{
  g_autoptr(FdAgent) current = NULL;

  if (!fd_store_get_last_event_seq (self->store, agent->organization_id, out_seq, error))
    return FALSE;
  if (*out_seq > 0)
    return TRUE;
  /* A brand-new organization has no event yet: log the agent's state so
   * that the snapshot has a sequence number to carry. */
  current = fd_store_get_agent (self->store, agent->organization_id, agent->id, error);
  if (current == NULL || !fd_center_begin (self, error))
    return FALSE;
  if (!finish (self, fd_center_emit (self, agent->organization_id, "agent-state", 0, agent->id, 0,
                                     fd_agent_to_json (current), error), error))
    return FALSE;
  return fd_store_get_last_event_seq (self->store, agent->organization_id, out_seq, error);
}

/* --- Visitors ---------------------------------------------------------------- */

FdConversation *
fd_center_start_conversation (FdCenter        *self,
                              FdConversation  *conv,
                              GError         **error)
{
  gboolean ok;

  if (!fd_center_begin (self, error))
    return NULL;
  /* Catch up with what the admin API changed (cheap when nothing did), so
   * that a stream created a moment ago routes with its phases. */
  ok = fd_center_route_load (self, conv->organization_id, FALSE, error) &&
       fd_store_create_conversation (self->store, conv, error) &&
       fd_center_route_add (self, conv->organization_id, conv->id, conv->stream_id, error);
  if (!finish (self, ok, error))
    return NULL;
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
  return g_steal_pointer (&conv);
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
      g_autoptr(FdMessage) earlier = find_by_client_id (self, organization_id, conversation_id, send->client_id);

      if (earlier != NULL && same_sender (earlier, FD_DIRECTION_IN, 0))
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
  msg->author_name = g_strdup (conv->contact != NULL ? conv->contact->name : NULL);
  msg->text = g_strdup (send->text);
  msg->client_id = g_strdup (send->client_id);
  msg->created_at = g_get_real_time ();

  if (!fd_center_begin (self, error))
    return NULL;
  stored = fd_center_add_message (self, msg, conv->queue_id, &duplicate, error);
  ok = stored != NULL;
  *out_duplicate = duplicate;
  if (ok && duplicate && !same_sender (stored, FD_DIRECTION_IN, 0))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_CONFLICT, "This client_id is already used by another message.");
      ok = FALSE;
    }
  if (ok && !duplicate)
    {
      *out_duplicate = FALSE;
      conv->last_customer_message_at = stored->created_at;
      conv->unread++;
      ok = fd_store_update_conversation (self->store, conv, error) && fd_center_emit_conversation (self, conv, error);
    }
  if (!finish (self, ok, error))
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
  return finish (self, fd_center_emit (self, organization_id, "typing", 0, conv->agent_id, conversation_id,
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
  return finish (self, fd_store_update_conversation (self->store, conv, error) &&
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
  return finish (self, close_conversation (self, conv, FD_CLOSED_BY_VISITOR, rating, error), error);
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
