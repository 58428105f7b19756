#define G_LOG_DOMAIN "fd-center"

/* The requests of agents, checked, carried out in one store transaction
 * each, with their events pushed after the commit. Transfers are in
 * fd-center-transfer.c, the library search in fd-center-library.c,
 * statistics in fd-center-stats.c and the visitors' requests in
 * fd-center-visitor.c. */

#include <string.h>

#include "fd-center-private.h"
#include "fd-center-email.h"
#include "fd-center-twitter.h"
#include "fd-center-log.h"

#include "fd-file-url.h"
#include "fd-protocol.h"

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

FdQueueState *
fd_center_queue_state (FdCenter      *self,
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
    return fd_center_queue_state (self, agent, queue);

  if (!fd_center_begin (self, error))
    return NULL;
  if (join)
    ok = fd_center_route_join (self, agent->id, queue_id, error);
  else
    {
      fd_center_route_leave (self, agent->id, queue_id);
      ok = TRUE;
    }
  state = fd_center_queue_state (self, agent, queue);
  ok = ok &&
       fd_store_set_queue_member_joined (self->store, agent->organization_id, queue_id, agent->id, join, error);
  /* Every member sees the new count of joined members; "joined" is each
   * member's own, so each gets its own event. */
  for (guint i = 0; ok && queue->member_ids != NULL && i < queue->member_ids->len; i++)
    {
      FdAgent member = { .id = g_array_index (queue->member_ids, gint64, i),
                         .organization_id = agent->organization_id };
      g_autoptr(FdQueueState) member_state = fd_center_queue_state (self, &member, queue);

      ok = fd_center_emit (self, agent->organization_id, "queue-state", 0, member.id, 0,
                           fd_queue_state_to_json (member_state), error);
    }
  if (!fd_center_finish (self, ok, error))
    return NULL;
  fd_center_members_set_joined (self, agent->organization_id, queue_id, agent->id, join);
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

  /* "offline" is reported, never chosen (docs/protocol.md, "set-acd"). */
  if (change->state == FD_ACD_OFFLINE)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "“offline” is not an ACD state an agent can choose.");
      return NULL;
    }
  if (!fd_center_begin (self, error))
    return NULL;
  ok = fd_center_store_acd (self, agent->organization_id, agent->id, change->state, change->reason,
                            g_get_real_time (), &updated, error);
  if (ok)
    fd_center_route_set_acd (self, agent->id, change->state);
  if (!fd_center_finish (self, ok, error))
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
  if (!fd_center_finish (self, ok, error))
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
  return fd_center_finish (self, fd_center_route_reject (self, conversation_id, agent->id, error), error);
}

/* A message already stored with this client id by this sender, if any. */
FdMessage *
fd_center_find_by_client_id (FdCenter    *self,
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

gboolean
fd_center_same_sender (const FdMessage *a,
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
  return fd_files_attachment (file);
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
        earlier = fd_center_find_by_client_id (self, agent->organization_id, request->conversation_id, request->client_id);
      if (earlier != NULL && fd_center_same_sender (earlier, FD_DIRECTION_OUT, agent->id))
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
  if (conv->kind == FD_STREAM_EMAIL)
    {
      msg->mail = fd_center_email_reply_headers (self, conv, request, error);
      if (msg->mail == NULL)
        return NULL;
    }
  else if (conv->kind == FD_STREAM_TWITTER &&
           !fd_center_twitter_check_reply (self, conv, request, msg, error))
    return NULL;

  if (!fd_center_begin (self, error))
    return NULL;
  stored = fd_center_add_message_to (self, msg, conv, fd_center_reply_update, &duplicate, error);
  ok = stored != NULL;
  if (ok && duplicate && !fd_center_same_sender (stored, FD_DIRECTION_OUT, agent->id))
    {
      fd_center_set_error (error, FD_WIRE_ERROR_CONFLICT, "This client_id is already used by another message.");
      ok = FALSE;
    }
  /* An email reply is stored with its outbox row before the ack: the
   * sender sends it after the commit, exactly once (docs/email.md). */
  if (ok && !duplicate && conv->kind == FD_STREAM_EMAIL)
    ok = fd_center_email_queue_reply (self, conv, stored, error);
  else if (ok && !duplicate && conv->kind == FD_STREAM_TWITTER)
    ok = fd_center_twitter_queue_reply (self, conv, stored, error);
  if (!fd_center_finish (self, ok, error))
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
  return fd_center_finish (self, TRUE, error);
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
  return fd_center_finish (self, fd_store_update_conversation (self->store, conv, error) &&
                       fd_center_emit_conversation (self, conv, error), error);
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
  if (!fd_center_finish (self, fd_center_close_conversation (self, conv, FD_CLOSED_BY_AGENT, NULL, error), error))
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
  if (!fd_center_finish (self, stored != NULL, error))
    return NULL;
  return g_steal_pointer (&stored);
}

FdConversationDetail *
fd_center_get_detail (FdCenter       *self,
                      const FdAgent  *agent,
                      gint64          conversation_id,
                      GError        **error)
{
  /* What the Activity Log lists may be opened too (fd-center-log.c). */
  g_autoptr(FdConversation) conv = fd_center_get_loggable (self, agent, conversation_id, error);
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
        g_ptr_array_add (snapshot->queues, fd_center_queue_state (self, agent, queue));
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

/* One page: conversations [start, start + count) of @snapshot with their
 * offers (and, on the first page, offers whose conversation is not listed),
 * encoded without copying anything: the page borrows the snapshot's items. */
static char *
encode_snapshot_page (const FdSnapshot *snapshot,
                      GHashTable       *offers_of,
                      GPtrArray        *orphan_offers,
                      gint64            seq,
                      guint             start,
                      guint             count,
                      gint              page_number,
                      gboolean          more)
{
  g_autoptr(GPtrArray) conversations = g_ptr_array_sized_new (count);
  g_autoptr(GPtrArray) offers = g_ptr_array_new ();
  FdSnapshot page = { 0 };
  FdFrame frame = { 0 };

  for (guint i = start; i < start + count; i++)
    {
      FdConversationDetail *detail = g_ptr_array_index (snapshot->conversations, i);
      GPtrArray *its_offers = g_hash_table_lookup (offers_of, &detail->conversation->id);

      g_ptr_array_add (conversations, detail);
      if (its_offers != NULL)
        g_ptr_array_extend (offers, its_offers, NULL, NULL);
    }
  if (page_number == 1)
    g_ptr_array_extend (offers, orphan_offers, NULL, NULL);
  page.agent = snapshot->agent;
  page.queues = snapshot->queues;
  page.conversations = conversations;
  page.offers = offers;
  page.page = page_number;
  page.more = more;
  frame.type = FD_FRAME_SNAPSHOT;
  frame.seq = seq;
  frame.body = &page;
  return fd_frame_encode (&frame, NULL);
}

GPtrArray *
fd_center_snapshot_frames (const FdSnapshot *snapshot,
                           gint64            seq,
                           guint             page_items)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) offers_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) listed = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) orphan_offers = g_ptr_array_new ();
  guint n = snapshot->conversations->len;
  guint start = 0;
  gint page_number = 1;

  page_items = CLAMP (page_items, 1, FD_LIMIT_ARRAY);
  for (guint i = 0; i < n; i++)
    {
      FdConversationDetail *detail = g_ptr_array_index (snapshot->conversations, i);

      g_hash_table_add (listed, &detail->conversation->id);
    }
  for (guint i = 0; i < snapshot->offers->len; i++)
    {
      FdOffer *offer = g_ptr_array_index (snapshot->offers, i);
      GPtrArray *its_offers;

      if (!g_hash_table_contains (listed, &offer->conversation_id))
        {
          g_ptr_array_add (orphan_offers, offer);
          continue;
        }
      its_offers = g_hash_table_lookup (offers_of, &offer->conversation_id);
      if (its_offers == NULL)
        {
          its_offers = g_ptr_array_new ();
          g_hash_table_insert (offers_of, &offer->conversation_id, its_offers);
        }
      g_ptr_array_add (its_offers, offer);
    }

  do
    {
      guint count = MIN (page_items, n - start);
      gboolean more;
      char *text;

      /* Halve the page until its frame fits; one conversation always fits
       * (an event body is far below the frame limit, docs/protocol.md). */
      for (;;)
        {
          more = start + count < n && page_number < FD_LIMIT_SNAPSHOT_PAGES;
          text = encode_snapshot_page (snapshot, offers_of, orphan_offers, seq, start, count,
                                       page_number, more);
          if (count <= 1 || strlen (text) <= FD_LIMIT_SERVER_FRAME_SIZE)
            break;
          g_free (text);
          count /= 2;
        }
      g_ptr_array_add (texts, text);
      start += count;
      page_number++;
      if (!more && start < n)
        {
          g_warning ("A snapshot of %u conversations passes %u pages; the last %u are left out",
                     n, FD_LIMIT_SNAPSHOT_PAGES, n - start);
          break;
        }
    }
  while (start < n);
  return g_steal_pointer (&texts);
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
  if (!fd_center_finish (self, fd_center_emit (self, agent->organization_id, "agent-state", 0, agent->id, 0,
                                     fd_agent_to_json (current), error), error))
    return FALSE;
  return fd_store_get_last_event_seq (self->store, agent->organization_id, out_seq, error);
}

guint
fd_center_count_joined (FdCenter *self,
                        gint64    queue_id)
{
  g_return_val_if_fail (FD_IS_CENTER (self), 0);
  return fd_center_route_count_joined (self, queue_id);
}
