#define G_LOG_DOMAIN "fd-conversation-model"

/* FdConversationModel's actions beyond sending text: the agent's typing
 * and draft, attachments, the transfer, and the getters. */

#include <glib/gi18n.h>
#include <string.h>

#include "fd-conversation-model-private.h"
#include "fd-format.h"

/* --- typing and drafts ------------------------------------------------------------ */

static void
on_typing_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fd_connection_send_typing_finish (FD_CONNECTION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("A typing notice failed: %s", error->message);
}

static void
send_typing (FdConversationModel *self,
             gboolean             typing)
{
  self->typing_sent = typing;
  self->typing_sent_at = typing ? g_get_monotonic_time () : 0;
  fd_connection_send_typing_async (self->connection, self->id, typing, self->cancellable,
                                   on_typing_sent_cb, NULL);
}

void
fd_conversation_model_stop_typing (FdConversationModel *self)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));

  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  if (self->typing_sent)
    send_typing (self, FALSE);
}

static gboolean
on_typing_idle_cb (gpointer user_data)
{
  FdConversationModel *self = user_data;

  self->typing_idle_source = 0;
  fd_conversation_model_stop_typing (self);
  return G_SOURCE_REMOVE;
}

void
fd_conversation_model_set_compose_text (FdConversationModel *self,
                                        const char          *text)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));

  if (text == NULL)
    text = "";
  if (self->drafts != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!fd_drafts_set (self->drafts, self->id, text, &error))
        g_warning ("The draft of conversation %" G_GINT64_FORMAT " was not kept: %s", self->id, error->message);
    }
  /* An email or a tweet has no customer watching the reply being
   * written: no typing notice (docs/app.md, "The Email window"). */
  if (!_fd_conversation_model_is_reserved (self) ||
      (self->conversation != NULL &&
       (self->conversation->kind == FD_STREAM_EMAIL || self->conversation->kind == FD_STREAM_TWITTER)))
    return;
  if (*text == '\0')
    {
      fd_conversation_model_stop_typing (self);
      return;
    }
  if (!self->typing_sent ||
      g_get_monotonic_time () - self->typing_sent_at > (gint64) self->typing_throttle_ms * 1000)
    send_typing (self, TRUE);
  g_clear_handle_id (&self->typing_idle_source, g_source_remove);
  self->typing_idle_source = g_timeout_add (self->typing_idle_ms, on_typing_idle_cb, self);
}

gboolean
fd_conversation_model_get_agent_typing (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->typing_sent;
}

void
fd_conversation_model_set_typing_delays (FdConversationModel *self,
                                         guint                throttle_ms,
                                         guint                idle_ms)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (idle_ms > 0);

  self->typing_throttle_ms = throttle_ms;
  self->typing_idle_ms = idle_ms;
}

const char *
fd_conversation_model_get_draft (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return self->drafts != NULL ? fd_drafts_get (self->drafts, self->id) : NULL;
}

void
fd_conversation_model_clear_draft (FdConversationModel *self)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  if (self->drafts != NULL)
    fd_drafts_clear (self->drafts, self->id);
}

void
fd_conversation_model_set_stores (FdConversationModel *self,
                                  FdDrafts            *drafts,
                                  FdRecentFiles       *recent_files)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (drafts == NULL || FD_IS_DRAFTS (drafts));
  g_return_if_fail (recent_files == NULL || FD_IS_RECENT_FILES (recent_files));

  g_set_object (&self->drafts, drafts);
  g_set_object (&self->recent_files, recent_files);
}

void
fd_conversation_model_set_viewing (FdConversationModel *self,
                                   gboolean             viewing)
{
  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));

  self->viewing = !!viewing;
  if (self->viewing && self->loaded)
    _fd_conversation_model_mark_read (self);
}

/* --- attachments ------------------------------------------------------------------ */

typedef struct {
  FdConversationModel *self;   /* not a reference, as for SendData */
  GFile               *file;
} UploadData;

static void
on_upload_file_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  UploadData *data = user_data;
  g_autoptr(GFile) file = data->file;
  FdConversationModel *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdAttachment) attachment = fd_connection_upload_file_finish (FD_CONNECTION (source), result, &error);
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *path = NULL;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (attachment == NULL)
    {
      fd_conversation_model_report_error (self, error);
      return;
    }
  if (!_fd_conversation_model_is_reserved (self))
    {
      fd_conversation_model_set_status (self, _("The file was not sent: this conversation is no longer yours."));
      return;
    }
  path = g_file_get_path (file);
  if (self->recent_files != NULL && path != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!fd_recent_files_add (self->recent_files, path, &local_error))
        g_warning ("A recent attachment was not kept: %s", local_error->message);
    }
  attachments = fd_attachment_list_new ();
  g_ptr_array_add (attachments, g_steal_pointer (&attachment));
  _fd_conversation_model_send_message (self, "", attachments);
  fd_conversation_model_set_status (self, "");
  _fd_conversation_model_update_state (self);
}

void
fd_conversation_model_attach_file (FdConversationModel *self,
                                   GFile               *file)
{
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  UploadData *data;

  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!_fd_conversation_model_is_reserved (self))
    {
      fd_conversation_model_set_status (self, _("Reserve the conversation to attach files."));
      return;
    }
  basename = g_file_get_basename (file);
  name = basename != NULL ? g_filename_display_name (basename) : g_strdup (_("the file"));
  text = g_strdup_printf (_("Uploading “%s”…"), name);
  fd_conversation_model_set_status (self, text);
  data = g_new0 (UploadData, 1);
  data->self = self;
  data->file = g_object_ref (file);
  fd_connection_upload_file_async (self->connection, self->id, file, self->cancellable, on_upload_file_cb, data);
}

/* --- transfer --------------------------------------------------------------------- */

static void
on_transfer_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = fd_connection_transfer_finish (FD_CONNECTION (source), result, &error);
  FdConversationModel *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      self->transfer_agent_id = 0;
      fd_conversation_model_report_error (self, error);
      _fd_conversation_model_emit_changed (self);
      return;
    }
  /* The conversation event with transfer_to says the rest. */
  _fd_conversation_model_update_state (self);
}

void
fd_conversation_model_transfer (FdConversationModel *self,
                                gint64               agent_id,
                                const char          *name)
{
  g_autofree char *text = NULL;

  g_return_if_fail (FD_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (agent_id > 0);

  if (!_fd_conversation_model_is_reserved (self))
    return;
  self->transfer_agent_id = agent_id;
  g_free (self->transfer_name);
  self->transfer_name = g_strdup (name != NULL ? name : _("a colleague"));
  self->transfer_returned = FALSE;
  fd_conversation_model_stop_typing (self);
  fd_connection_transfer_async (self->connection, self->id, agent_id, self->cancellable, on_transfer_cb, self);
  text = g_strdup_printf (_("Offering the conversation to %s…"), self->transfer_name);
  fd_conversation_model_set_status (self, text);
  _fd_conversation_model_emit_changed (self);
}

FdTransferState
fd_conversation_model_get_transfer_state (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FD_TRANSFER_NONE);

  if (self->transfer_agent_id == 0 || self->conversation == NULL)
    return FD_TRANSFER_NONE;
  if (!_fd_conversation_model_is_reserved (self) && self->conversation->state == FD_CONVERSATION_RESERVED &&
      self->conversation->agent_id == self->transfer_agent_id)
    return FD_TRANSFER_ACCEPTED;
  if (_fd_conversation_model_is_reserved (self) && self->transfer_returned && self->conversation->transfer_to == 0)
    return FD_TRANSFER_DECLINED;
  return FD_TRANSFER_OFFERED;
}

const char *
fd_conversation_model_get_transfer_name (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return self->transfer_agent_id != 0 ? self->transfer_name : NULL;
}

/* --- getters ---------------------------------------------------------------------------- */

gint64
fd_conversation_model_get_id (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), 0);
  return self->id;
}

FdConnection *
fd_conversation_model_get_connection (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return self->connection;
}

const FdConversation *
fd_conversation_model_get_conversation (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return self->conversation;
}

gboolean
fd_conversation_model_get_loaded (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->loaded;
}

gboolean
fd_conversation_model_get_reserved (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return _fd_conversation_model_is_reserved (self);
}

gboolean
fd_conversation_model_get_closed (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return _fd_conversation_model_is_closed (self);
}

gboolean
fd_conversation_model_get_offered (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  return self->conversation != NULL && !_fd_conversation_model_is_reserved (self) && !_fd_conversation_model_is_closed (self) &&
         (self->conversation->state == FD_CONVERSATION_UNRESERVED || _fd_conversation_model_is_transferred_here (self));
}

GListModel *
fd_conversation_model_get_messages (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  return G_LIST_MODEL (self->messages);
}

guint
fd_conversation_model_get_n_pending (FdConversationModel *self)
{
  guint n = 0;
  GHashTableIter iter;
  gpointer item;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), 0);
  /* Failed messages wait for a retry, not for the server. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &item))
    if (fd_message_item_get_send_state (item) == FD_SEND_STATE_SENDING)
      n++;
  return n;
}

FdMessageItem *
fd_conversation_model_lookup_pending (FdConversationModel *self,
                                      const char          *client_id)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  g_return_val_if_fail (client_id != NULL, NULL);
  return g_hash_table_lookup (self->pending, client_id);
}

guint
fd_conversation_model_get_unread (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), 0);
  return self->unread;
}

const char *
fd_conversation_model_get_status (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), "");
  return self->status;
}

const char *
fd_conversation_model_get_typing_text (FdConversationModel *self)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), "");
  return self->typing_text;
}

char *
fd_conversation_model_dup_title (FdConversationModel *self)
{
  FdConversationItem *item;
  g_autofree char *to = NULL;
  gint64 since = 0;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);

  item = fd_activity_model_lookup (fd_session_get_activity_model (self->session), self->id);
  if (item != NULL)
    to = g_strdup (fd_conversation_item_get_to (item));
  else
    {
      const FdOrganization *organization = fd_connection_get_organization (self->connection);
      const char *stream = self->conversation != NULL ? self->conversation->stream_name : NULL;

      to = g_strjoin (" > ", organization != NULL && organization->name != NULL ? organization->name : "",
                      stream != NULL ? stream : "", NULL);
    }
  if (self->conversation != NULL)
    since = self->conversation->reserved_at > 0 && !_fd_conversation_model_is_closed (self)
          ? self->conversation->reserved_at : self->conversation->created_at;
  if (since > 0)
    {
      gint64 end = _fd_conversation_model_is_closed (self) && self->conversation->closed_at > 0
                 ? self->conversation->closed_at : g_get_real_time ();
      g_autofree char *duration = fd_format_duration (end - since);

      return g_strdup_printf (_("Conversation: %s - %s"), to, duration);
    }
  return g_strdup_printf (_("Conversation: %s"), to);
}

char *
fd_conversation_model_dup_absolute_url (FdConversationModel *self,
                                        const char          *url)
{
  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);
  g_return_val_if_fail (url != NULL, NULL);

  if (url[0] == '/')
    return g_strconcat (fd_connection_get_server_url (self->connection), url, NULL);
  return g_strdup (url);
}

/* --- email ------------------------------------------------------------------------ */

typedef struct {
  FdConversationModel *self;   /* not a reference: the request dies with it */
  FdMessageItem       *item;
} RetryData;

static void
on_retry_delivery_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autofree RetryData *data = user_data;
  g_autoptr(FdMessageItem) item = data->item;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdDelivery) delivery = fd_connection_retry_delivery_finish (FD_CONNECTION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (delivery == NULL)
    {
      fd_conversation_model_report_error (data->self, error);
      return;
    }
  fd_message_item_set_delivery (item, delivery);
}

gboolean
fd_conversation_model_retry_delivery (FdConversationModel *self,
                                      FdMessageItem       *item)
{
  RetryData *data;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), FALSE);
  g_return_val_if_fail (FD_IS_MESSAGE_ITEM (item), FALSE);

  if (fd_message_item_get_delivery_state (item) != FD_DELIVERY_STATUS_FAILED ||
      fd_message_item_get_id (item) <= 0)
    return FALSE;
  data = g_new0 (RetryData, 1);
  data->self = self;
  data->item = g_object_ref (item);
  fd_connection_retry_delivery_async (self->connection, self->id, fd_message_item_get_id (item),
                                      self->cancellable, on_retry_delivery_cb, data);
  return TRUE;
}

/* The length of a reply prefix at @s ("Re:", "RE :", "Aw:", "Re[2]:"), 0
 * when there is none. */
static gsize
reply_prefix (const char *s)
{
  static const char * const prefixes[] = { "re", "aw", "sv", "vs", "antw" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      const char *p = s + n;

      if (g_ascii_strncasecmp (s, prefixes[i], n) != 0)
        continue;
      if (*p == '[')
        {
          p++;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != ']')
            continue;
          p++;
        }
      while (*p == ' ')
        p++;
      if (*p == ':')
        return (gsize) (p + 1 - s);
    }
  return 0;
}

char *
fd_conversation_model_dup_reply_subject (FdConversationModel *self)
{
  const char *subject;
  gsize n;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);

  subject = self->conversation != NULL && self->conversation->subject != NULL ? self->conversation->subject : "";
  for (;;)
    {
      while (*subject == ' ' || *subject == '\t')
        subject++;
      n = reply_prefix (subject);
      if (n == 0)
        break;
      subject += n;
    }
  if (*subject == '\0')
    return g_strdup ("Re:");
  return g_strdup_printf ("Re: %s", subject);
}

char *
fd_conversation_model_dup_reply_to (FdConversationModel *self)
{
  const FdConversation *conversation;
  const char *address;

  g_return_val_if_fail (FD_IS_CONVERSATION_MODEL (self), NULL);

  conversation = self->conversation;
  if (conversation == NULL)
    return NULL;
  address = conversation->visitor_email != NULL ? conversation->visitor_email
            : conversation->contact != NULL ? conversation->contact->email : NULL;
  if (address == NULL || !fd_format_address_is_plain (address))
    return NULL;
  return fd_format_mailbox (fd_format_visitor_name (conversation), address);
}
