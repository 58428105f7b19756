#define G_LOG_DOMAIN "fd-conversation-model"

/* A conversation as the views see it (docs/app.md, "The Web Chat
 * window"): its state and status line, the transcript, the requests on
 * it (reserve, reject, close), the contact's history and lists, the
 * session's events, and the object. Sending is in
 * fd-conversation-model-sending.c, typing, drafts, attachments and
 * transfer in -actions.c, Twitter's own in -twitter.c. */

#include <glib/gi18n.h>

#include "fd-conversation-model-private.h"
#include "fd-properties.h"

/* How often at most a "typing" notice goes to the visitor, and how long
 * after the last change "stopped typing" follows. */
#define TYPING_THROTTLE_MS 3000
#define TYPING_IDLE_MS     5000


G_DEFINE_FINAL_TYPE (FdConversationModel, fd_conversation_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_RESERVED,
  PROP_CLOSED,
  PROP_STATUS,
  PROP_TYPING_TEXT,
  PROP_N_PENDING,
  PROP_UNREAD,
  PROP_DM_REQUESTED,
  PROP_HAS_CUSTOMER_POST,
  PROP_REPLY_DIRECT,
  PROP_DM_REQUEST_PENDING,
  N_PROPS
};

enum {
  CHANGED,
  REJECTED,
  HISTORY_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* --- state ------------------------------------------------------------------ */

static gint64
own_agent_id (FdConversationModel *self)
{
  const FdAgent *agent = fd_connection_get_agent (self->connection);

  return agent != NULL ? agent->id : 0;
}

gboolean
_fd_conversation_model_is_reserved (FdConversationModel *self)
{
  return self->conversation != NULL &&
         self->conversation->state == FD_CONVERSATION_RESERVED &&
         self->conversation->agent_id == own_agent_id (self);
}

gboolean
_fd_conversation_model_is_closed (FdConversationModel *self)
{
  return self->conversation != NULL &&
         (self->conversation->state == FD_CONVERSATION_CLOSED ||
          self->conversation->state == FD_CONVERSATION_MISSED);
}

gboolean
_fd_conversation_model_is_transferred_here (FdConversationModel *self)
{
  return self->conversation != NULL && self->conversation->transfer_to != 0 &&
         self->conversation->transfer_to == own_agent_id (self);
}

void
fd_conversation_model_set_status (FdConversationModel *self,
                                  const char          *text)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_properties_replace_string (G_OBJECT (self), &self->status, text, properties[PROP_STATUS]);
}

void
fd_conversation_model_report_error (FdConversationModel *self,
                                    const GError        *error)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  fd_conversation_model_set_status (self, error->message);
}

/* The status line's sentence for the conversation's state. */
static char *
state_status (FdConversationModel *self)
{
  const FdConversation *conv = self->conversation;
  gboolean reserved = _fd_conversation_model_is_reserved (self);

  if (!self->loaded)
    return g_strdup (_("Loading the conversation…"));
  if (_fd_conversation_model_is_closed (self))
    return g_strdup (_("This conversation has ended."));
  if (!reserved && _fd_conversation_model_is_transferred_here (self))
    return g_strdup (_("A colleague is handing this conversation to you: reserve it to take it."));
  if (!reserved && conv->state == FD_CONVERSATION_RESERVED &&
      self->transfer_agent_id != 0 && conv->agent_id == self->transfer_agent_id)
    return g_strdup_printf (_("Transferred to %s."), self->transfer_name);
  if (!reserved && conv->state == FD_CONVERSATION_RESERVED)
    return g_strdup (_("Another agent has reserved this conversation."));
  if (reserved && conv->transfer_to != 0)
    return g_strdup_printf (_("Waiting for %s to take the conversation…"),
                            conv->transfer_to == self->transfer_agent_id ? self->transfer_name : _("a colleague"));
  if (reserved && self->transfer_returned)
    return g_strdup_printf (_("%s did not take the conversation; it is still yours."), self->transfer_name);
  if (!reserved)
    return g_strdup (_("Reserve the conversation to reply."));
  return g_strdup ("");
}

/* Recomputes what follows from the state and tells the views. */
void
_fd_conversation_model_update_state (FdConversationModel *self)
{
  g_autofree char *status = state_status (self);

  g_object_freeze_notify (G_OBJECT (self));
  fd_conversation_model_set_status (self, status);
  if (_fd_conversation_model_is_closed (self))
    fd_properties_replace_string (G_OBJECT (self), &self->typing_text, "", properties[PROP_TYPING_TEXT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESERVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOSED]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void load_history (FdConversationModel *self);

void
_fd_conversation_model_emit_changed (FdConversationModel *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
update_history_entry (FdConversationModel *self)
{
  for (guint i = 0; self->history != NULL && i < self->history->len; i++)
    {
      FdConversation *entry = g_ptr_array_index (self->history, i);

      if (entry->id != self->id)
        continue;
      /* This conversation as it is now, not as it was when asked. */
      g_ptr_array_index (self->history, i) = fd_conversation_copy (self->conversation);
      fd_conversation_free (entry);
      g_signal_emit (self, signals[HISTORY_CHANGED], 0);
      return;
    }
}

static void
set_conversation (FdConversationModel  *self,
                  const FdConversation *conversation)
{
  FdContact *contact = NULL;
  gboolean was_dm_requested = fd_conversation_model_get_dm_requested (self);

  /* A conversation event without a contact keeps the one we knew. */
  if (conversation->contact == NULL && self->conversation != NULL && self->conversation->contact != NULL)
    contact = fd_contact_copy (self->conversation->contact);
  /* An offer that was out and is over while this agent still holds the
   * conversation: the colleague declined or did not answer in time. */
  if (self->transfer_agent_id != 0 && self->conversation != NULL &&
      self->conversation->transfer_to == self->transfer_agent_id &&
      conversation->transfer_to == 0 && conversation->agent_id == own_agent_id (self))
    self->transfer_returned = TRUE;
  g_clear_pointer (&self->conversation, fd_conversation_free);
  self->conversation = fd_conversation_copy (conversation);
  if (contact != NULL)
    self->conversation->contact = contact;
  _fd_conversation_model_notify_twitter (self, was_dm_requested);
  _fd_conversation_model_update_state (self);
  update_history_entry (self);
}

/* --- transcript --------------------------------------------------------------- */

static void
on_mark_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fd_connection_mark_read_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not mark the conversation read: %s", error->message);
}

void
_fd_conversation_model_mark_read (FdConversationModel *self)
{
  if (!_fd_conversation_model_is_reserved (self) || !self->viewing)
    return;
  fd_connection_mark_read_async (self->connection, self->id, 0, self->cancellable, on_mark_read_cb, NULL);
  if (self->unread != 0)
    {
      self->unread = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
    }
}

const char *
_fd_conversation_model_author_of (FdConversationModel *self,
                                  const FdMessage     *message)
{
  if (message->author_name != NULL)
    return message->author_name;
  if (message->direction == FD_DIRECTION_IN && fd_format_visitor_name (self->conversation) != NULL)
    return fd_format_visitor_name (self->conversation);
  return message->direction == FD_DIRECTION_OUT ? _("Agent") : _("Visitor");
}

static void
remember (FdConversationModel *self,
          gint64               id,
          FdMessageItem       *item)
{
  if (id > 0)
    g_hash_table_insert (self->seen_ids, g_memdup2 (&id, sizeof id), item);
}

/* A pending message the server now has: SENT, remembered by its id. */
void
_fd_conversation_model_confirm_pending (FdConversationModel *self,
                                        FdMessageItem       *item,
                                        const FdMessage     *stored)
{
  g_autofree char *client_id = g_strdup (fd_message_item_get_client_id (item));

  if (stored != NULL)
    {
      fd_message_item_set_stored (item, stored->id, stored->created_at);
      fd_message_item_set_mail (item, stored->mail);
      fd_message_item_set_delivery (item, stored->delivery);
      fd_message_item_set_tweet (item, stored->tweet);
      remember (self, stored->id, item);
    }
  fd_message_item_set_send_state (item, FD_SEND_STATE_SENT, NULL);
  g_hash_table_remove (self->pending, client_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
add_message (FdConversationModel *self,
             const FdMessage     *message)
{
  g_autoptr(FdMessageItem) item = NULL;
  FdMessageItem *pending;

  if (message->id > 0 && (pending = g_hash_table_lookup (self->seen_ids, &message->id)) != NULL)
    {
      /* Known: a snapshot or get-conversation may say where an email reply
       * has got to since. */
      fd_message_item_set_mail (pending, message->mail);
      fd_message_item_set_delivery (pending, message->delivery);
      fd_message_item_set_tweet (pending, message->tweet);
      return;
    }
  /* The echo of our own message: it is already in the transcript. */
  if (message->client_id != NULL &&
      (pending = g_hash_table_lookup (self->pending, message->client_id)) != NULL)
    {
      _fd_conversation_model_confirm_pending (self, pending, message);
      return;
    }
  item = fd_message_item_new (message, _fd_conversation_model_author_of (self, message), FD_SEND_STATE_SENT);
  remember (self, message->id, item);
  g_list_store_append (self->messages, item);
  _fd_conversation_model_tweet_added (self, message);
  if (message->direction == FD_DIRECTION_IN)
    {
      fd_properties_replace_string (G_OBJECT (self), &self->typing_text, "", properties[PROP_TYPING_TEXT]);
      self->unread++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
      _fd_conversation_model_mark_read (self);
    }
}

void
_fd_conversation_model_add_message (FdConversationModel *self,
                                    const FdMessage     *message)
{
  add_message (self, message);
}

/* --- requests ------------------------------------------------------------------ */

/* Reserve and close both answer with the conversation as it now is. */
static void
take_conversation (FdConversationModel *self,
                   FdConversation      *conversation,
                   GError              *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (conversation == NULL)
    fd_conversation_model_report_error (self, error);
  else if (conversation->id == self->id)
    set_conversation (self, conversation);
}

static void
on_get_conversation_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversationDetail) detail =
    fd_connection_get_conversation_finish (FD_CONNECTION (source), result, &error);
  FdConversationModel *self = user_data;

  /* Cancelled only by dispose: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (detail == NULL)
    {
      fd_conversation_model_report_error (self, error);
      return;
    }
  self->loaded = TRUE;
  if (detail->conversation != NULL)
    set_conversation (self, detail->conversation);
  for (guint i = 0; detail->messages != NULL && i < detail->messages->len; i++)
    add_message (self, g_ptr_array_index (detail->messages, i));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  _fd_conversation_model_update_state (self);
  _fd_conversation_model_mark_read (self);
  load_history (self);
}

static void
on_reserve_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation = fd_connection_reserve_finish (FD_CONNECTION (source), result, &error);

  take_conversation (user_data, conversation, error);
}

static void
on_reject_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = fd_connection_reject_finish (FD_CONNECTION (source), result, &error);
  FdConversationModel *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    fd_conversation_model_report_error (self, error);
  else
    g_signal_emit (self, signals[REJECTED], 0);
}

static void
on_close_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdConversation) conversation =
    fd_connection_close_conversation_finish (FD_CONNECTION (source), result, &error);

  take_conversation (user_data, conversation, error);
}

void
fd_conversation_model_reserve (FdConversationModel *self)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_connection_reserve_async (self->connection, self->id, self->cancellable, on_reserve_cb, self);
}

void
fd_conversation_model_reject (FdConversationModel *self)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_connection_reject_async (self->connection, self->id, self->cancellable, on_reject_cb, self);
}

void
fd_conversation_model_close (FdConversationModel *self)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_conversation_model_stop_typing (self);
  fd_connection_close_conversation_async (self->connection, self->id, self->cancellable, on_close_cb, self);
}
/* --- history and lists ------------------------------------------------------------- */

static void
on_contact_history_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = fd_connection_contact_history_finish (FD_CONNECTION (source), result, &error);
  FdConversationModel *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (history == NULL)
    {
      /* Asked again on the next load. */
      self->history_contact_id = 0;
      fd_conversation_model_report_error (self, error);
      return;
    }
  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->history = g_steal_pointer (&history);
  g_signal_emit (self, signals[HISTORY_CHANGED], 0);
  if (self->conversation != NULL)
    update_history_entry (self);
}

static void
load_history (FdConversationModel *self)
{
  if (self->conversation == NULL || self->conversation->contact_id <= 0 ||
      self->conversation->contact_id == self->history_contact_id)
    return;
  self->history_contact_id = self->conversation->contact_id;
  fd_connection_contact_history_async (self->connection, self->conversation->contact_id, self->cancellable,
                                       on_contact_history_cb, self);
}

GPtrArray *
fd_conversation_model_get_history (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return self->history;
}

void
fd_conversation_model_list_canned_replies_async (FdConversationModel *self,
                                                 const char          *search,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_connection_list_canned_replies_async (self->connection, self->id, search, cancellable, callback, user_data);
}

void
fd_conversation_model_list_resources_async (FdConversationModel *self,
                                            const char          *search,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_connection_list_resources_async (self->connection, self->id, search, cancellable, callback, user_data);
}

void
fd_conversation_model_list_colleagues_async (FdConversationModel *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  fd_connection_list_colleagues_async (self->connection, self->id, cancellable, callback, user_data);
}

/* --- events -------------------------------------------------------------------------- */

static void
on_session_message_cb (FdSession           *session,
                       const FdMessage     *message,
                       FdConversationModel *self)
{
  /* Before the transcript is loaded, get-conversation brings these. */
  if (message->conversation_id == self->id && self->loaded)
    add_message (self, message);
}

static void
on_session_conversation_changed_cb (FdSession            *session,
                                    const FdConversation *conversation,
                                    FdConversationModel  *self)
{
  if (conversation->id == self->id)
    set_conversation (self, conversation);
}

static void
on_session_typing_cb (FdSession           *session,
                      const FdTyping      *typing,
                      FdConversationModel *self)
{
  const char *name;
  g_autofree char *text = NULL;

  if (typing->conversation_id != self->id || _fd_conversation_model_is_closed (self))
    return;
  name = fd_format_visitor_name (self->conversation);
  text = g_strdup_printf (_("%s is typing…"), name != NULL ? name : _("The visitor"));
  fd_properties_replace_string (G_OBJECT (self), &self->typing_text, typing->typing ? text : "",
                                properties[PROP_TYPING_TEXT]);
}

static void
on_session_snapshot_cb (FdSession           *session,
                        const FdSnapshot    *snapshot,
                        FdConversationModel *self)
{
  for (guint i = 0; snapshot->conversations != NULL && i < snapshot->conversations->len; i++)
    {
      const FdConversationDetail *detail = g_ptr_array_index (snapshot->conversations, i);

      if (detail->conversation == NULL || detail->conversation->id != self->id)
        continue;
      set_conversation (self, detail->conversation);
      /* Messages already shown are known by id; only the missed ones are
       * added, in the snapshot's order. */
      for (guint j = 0; self->loaded && detail->messages != NULL && j < detail->messages->len; j++)
        add_message (self, g_ptr_array_index (detail->messages, j));
    }
}

static void
on_session_delivery_cb (FdSession           *session,
                        const FdDelivery    *delivery,
                        FdConversationModel *self)
{
  FdMessageItem *item;

  if (delivery->conversation_id != self->id)
    return;
  item = g_hash_table_lookup (self->seen_ids, &delivery->message_id);
  /* Unknown yet: get-conversation will bring the message with its state. */
  if (item == NULL)
    return;
  fd_message_item_set_delivery (item, delivery);
  /* An X reply sent: its X id and url, shown without a reload. */
  if (delivery->tweet != NULL)
    fd_message_item_set_tweet (item, delivery->tweet);
}

/* --- object ---------------------------------------------------------------------------- */

static void
fd_conversation_model_dispose (GObject *object)
{
  FdConversationModel *self = FD_CONVERSATION_MODEL (object);

  /* Every callback checks for the cancellation before it touches @self. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->connection);
  g_clear_object (&self->drafts);
  g_clear_object (&self->recent_files);
  G_OBJECT_CLASS (fd_conversation_model_parent_class)->dispose (object);
}

static void
fd_conversation_model_finalize (GObject *object)
{
  FdConversationModel *self = FD_CONVERSATION_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->messages);
  g_clear_pointer (&self->seen_ids, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->conversation, fd_conversation_free);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->typing_text, g_free);
  g_clear_pointer (&self->transfer_name, g_free);
  G_OBJECT_CLASS (fd_conversation_model_parent_class)->finalize (object);
}

/* The property counts every message still in the pending table, failed
 * ones too (the getter counts only those on their way). */
static guint
count_pending (FdConversationModel *self)
{
  return g_hash_table_size (self->pending);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_LOADED] = FD_PROPERTY_BOOLEAN ("loaded", fd_conversation_model_get_loaded, FALSE),
  [PROP_RESERVED] = FD_PROPERTY_BOOLEAN ("reserved", fd_conversation_model_get_reserved, FALSE),
  [PROP_CLOSED] = FD_PROPERTY_BOOLEAN ("closed", fd_conversation_model_get_closed, FALSE),
  [PROP_STATUS] = FD_PROPERTY_STRING ("status", fd_conversation_model_get_status, ""),
  [PROP_TYPING_TEXT] = FD_PROPERTY_STRING ("typing-text", fd_conversation_model_get_typing_text, ""),
  [PROP_N_PENDING] = FD_PROPERTY_UINT ("n-pending", count_pending),
  [PROP_UNREAD] = FD_PROPERTY_UINT ("unread", fd_conversation_model_get_unread),
  [PROP_DM_REQUESTED] = FD_PROPERTY_BOOLEAN ("dm-requested", fd_conversation_model_get_dm_requested, FALSE),
  [PROP_HAS_CUSTOMER_POST] = FD_PROPERTY_BOOLEAN ("has-customer-post", fd_conversation_model_get_has_customer_post, FALSE),
  [PROP_REPLY_DIRECT] = FD_PROPERTY_BOOLEAN ("reply-direct", fd_conversation_model_get_reply_direct, FALSE),
  [PROP_DM_REQUEST_PENDING] = FD_PROPERTY_BOOLEAN ("dm-request-pending", fd_conversation_model_get_dm_request_pending, FALSE),
};

static void
fd_conversation_model_class_init (FdConversationModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_conversation_model_dispose;
  object_class->finalize = fd_conversation_model_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);

  /* The conversation (state, details, transfer) or the status changed. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The agent's reject went through: the offer is gone. */
  signals[REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[HISTORY_CHANGED] = g_signal_new ("history-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fd_conversation_model_init (FdConversationModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->messages = g_list_store_new (FD_TYPE_MESSAGE_ITEM);
  self->seen_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->status = g_strdup ("");
  self->typing_text = g_strdup ("");
  self->typing_throttle_ms = TYPING_THROTTLE_MS;
  self->typing_idle_ms = TYPING_IDLE_MS;
}

FdConversationModel *
fd_conversation_model_new (FdConnection *connection,
                           gint64        conversation_id)
{
  FdConversationModel *self;
  FdConversationItem *item;

  g_return_val_if_fail (FD_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);

  self = g_object_new (FD_TYPE_CONVERSATION_MODEL, NULL);
  self->connection = g_object_ref (connection);
  self->id = conversation_id;
  /* What the Activity List knows counts at once; get-conversation brings
   * the transcript and the rest. */
  self->session = g_object_ref (fd_connection_get_session (connection));
  item = fd_activity_model_lookup (fd_session_get_activity_model (self->session), conversation_id);
  if (item != NULL)
    set_conversation (self, fd_conversation_item_get_conversation (item));
  else
    _fd_conversation_model_update_state (self);
  g_signal_connect_object (self->session, "message", G_CALLBACK (on_session_message_cb), self, 0);
  g_signal_connect_object (self->session, "conversation-changed",
                           G_CALLBACK (on_session_conversation_changed_cb), self, 0);
  g_signal_connect_object (self->session, "typing", G_CALLBACK (on_session_typing_cb), self, 0);
  g_signal_connect_object (self->session, "delivery", G_CALLBACK (on_session_delivery_cb), self, 0);
  g_signal_connect_object (self->session, "snapshot", G_CALLBACK (on_session_snapshot_cb), self, 0);
  fd_connection_get_conversation_async (connection, conversation_id, self->cancellable,
                                        on_get_conversation_cb, self);
  return self;
}

