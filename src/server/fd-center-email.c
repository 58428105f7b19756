#define G_LOG_DOMAIN "fd-center"

/* The Email channel in the center (fd-center-email.h, docs/email.md,
 * "Wiring"). Everything a mail changes (the dedupe row, the message, the
 * conversation and its routing, the folder position) is one transaction:
 * a kill between fetch and store loses nothing and doubles nothing. */

#include "fd-center-email.h"
#include "fd-center-private.h"
#include "fd-center-twitter.h"
#include "fd-email-settings.h"
#include "fd-file-url.h"
#include "fd-mail-compose.h"

#include <string.h>

#define UNREADABLE_TEXT "This mail could not be read. It is kept unchanged as the attached file."

static char *
clip_text (const char *text,
           glong       max_chars)
{
  glong n = g_utf8_strlen (text, -1);

  if (n <= max_chars)
    return g_strdup (text);
  return g_utf8_substring (text, 0, max_chars);
}

static gboolean
is_open (const FdConversation *conv)
{
  return conv->state == FD_CONVERSATION_UNRESERVED || conv->state == FD_CONVERSATION_RESERVED;
}

static gboolean
same_address (const char *a,
              const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

/* The open conversation this mail answers, or NULL: by its threading
 * headers first, then by the subject's token when the conversation is of
 * the same stream and sender. */
static FdConversation *
find_thread (FdCenter             *self,
             const FdCenterMailIn *in,
             GError              **error)
{
  const FdMail *mail = in->mail;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  gint64 conversation_id;

  if (mail->in_reply_to != NULL)
    g_ptr_array_add (ids, mail->in_reply_to);
  for (guint i = 0; mail->references != NULL && i < mail->references->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (mail->references, i));
  g_ptr_array_add (ids, NULL);

  conversation_id = fd_store_find_mail_thread (self->store, in->organization_id, in->stream_id,
                                               (const char * const *) ids->pdata, error);
  if (conversation_id < 0)
    return NULL;
  if (conversation_id > 0)
    {
      g_autoptr(FdConversation) conv = fd_store_get_conversation (self->store, in->organization_id,
                                                                  conversation_id, TRUE, error);

      if (conv == NULL)
        return NULL;
      if (is_open (conv))
        return g_steal_pointer (&conv);
      /* A reply to a closed conversation opens a new one (the contact's
       * history links them). */
      return NULL;
    }

  if (mail->token > 0 && mail->from != NULL)
    {
      g_autoptr(FdConversation) conv = fd_store_get_conversation (self->store, in->organization_id,
                                                                  mail->token, TRUE, &local_error);

      if (conv == NULL)
        {
          if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
            g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (conv->stream_id == in->stream_id && conv->kind == FD_STREAM_EMAIL && is_open (conv) &&
          (same_address (conv->visitor_email, mail->from->address) ||
           (conv->contact != NULL && same_address (conv->contact->email, mail->from->address))))
        return g_steal_pointer (&conv);
    }
  return NULL;
}

/* Stores an attachment's bytes as a file of the conversation. */
/* The mailboxes of @list as written, at most FD_STORE_MAX_LIST; one whose
 * name makes it too long keeps its address only, one whose address is too
 * long is left out. */
static char **
mailbox_strings (GPtrArray *list)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; list != NULL && i < list->len && n < FD_STORE_MAX_LIST; i++)
    {
      const FdMailAddress *a = g_ptr_array_index (list, i);
      g_autofree char *text = NULL;

      if (a->address == NULL || g_utf8_strlen (a->address, -1) > FD_LIMIT_STRING)
        continue;
      text = fd_mail_mailbox_format (a->name, a->address);
      g_strv_builder_add (builder, g_utf8_strlen (text, -1) > FD_LIMIT_STRING ? a->address : text);
      n++;
    }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* What a person reads of a received mail (docs/email.md, "What is
 * stored"), within the protocol's limits. */
static FdMailHeaders *
mail_headers (const FdMail *mail)
{
  FdMailHeaders *headers = fd_mail_headers_new ();

  if (mail->from != NULL)
    {
      if (mail->from->name != NULL && *mail->from->name != '\0')
        headers->from_name = clip_text (mail->from->name, FD_STORE_MAX_NAME);
      if (mail->from->address != NULL && g_utf8_strlen (mail->from->address, -1) <= FD_STORE_MAX_NAME)
        headers->from = g_strdup (mail->from->address);
    }
  headers->to = mailbox_strings (mail->to);
  headers->cc = mailbox_strings (mail->cc);
  headers->subject = g_strdup (mail->subject);
  if (mail->date != NULL)
    headers->date = g_date_time_to_unix (mail->date) * G_USEC_PER_SEC + g_date_time_get_microsecond (mail->date);
  return headers;
}

static FdAttachment *
store_part (FdCenter               *self,
            gint64                  organization_id,
            gint64                  conversation_id,
            const char             *filename,
            const char             *content_type,
            GBytes                 *bytes,
            GError                **error)
{
  g_autoptr(FdStoreFile) file = g_new0 (FdStoreFile, 1);
  g_autofree char *name = clip_text (filename != NULL && *filename != '\0' ? filename : "attachment",
                                     FD_STORE_MAX_NAME);

  file->organization_id = organization_id;
  file->conversation_id = conversation_id;
  file->name = g_steal_pointer (&name);
  file->mime_type = g_strdup (content_type != NULL ? content_type : "application/octet-stream");
  if (!fd_store_add_file (self->store, file, bytes, error))
    return NULL;
  return fd_files_attachment (file);
}

static FdConversation *
new_conversation (FdCenter             *self,
                  const FdCenterMailIn *in,
                  const FdStream       *stream,
                  GError              **error)
{
  g_autoptr(FdConversation) conv = fd_conversation_new ();
  const FdMail *mail = in->mail;

  conv->organization_id = in->organization_id;
  conv->stream_id = in->stream_id;
  conv->queue_id = stream->queue_id;
  conv->kind = FD_STREAM_EMAIL;
  conv->state = FD_CONVERSATION_UNRESERVED;
  conv->created_at = g_get_real_time ();
  conv->contact = fd_contact_new ();
  conv->address_verified = FALSE;
  if (mail != NULL && mail->from != NULL)
    {
      conv->contact->email = clip_text (mail->from->address, FD_STORE_MAX_NAME);
      conv->visitor_email = clip_text (mail->from->address, FD_STORE_MAX_NAME);
      if (mail->from->name != NULL && *mail->from->name != '\0')
        {
          conv->contact->name = clip_text (mail->from->name, FD_STORE_MAX_NAME);
          conv->visitor_name = clip_text (mail->from->name, FD_STORE_MAX_NAME);
        }
    }
  else
    conv->contact->name = g_strdup (mail == NULL ? "Unreadable mail" : "Unknown sender");
  if (mail != NULL && mail->subject != NULL && *mail->subject != '\0')
    conv->subject = clip_text (mail->subject, FD_STORE_MAX_STRING);
  if (!fd_store_create_conversation (self->store, conv, error))
    return NULL;
  /* The lookup runs from an idle source, after this transaction. */
  fd_center_crm_started (self, conv->organization_id, conv->id);
  return g_steal_pointer (&conv);
}

static gboolean
receive_in_transaction (FdCenter             *self,
                        const FdCenterMailIn *in,
                        gint64               *out_conversation_id,
                        GError              **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdMessage) msg = NULL;
  g_autoptr(FdMessage) stored = NULL;
  g_autofree char *raw_key = NULL;
  g_autofree char *text = NULL;
  const FdMail *mail = in->mail;
  g_autoptr(FdMailHeaders) headers = NULL;
  FdStoreMail row = { 0 };
  gboolean duplicate = FALSE;
  gboolean is_new = FALSE;

  *out_conversation_id = 0;
  if (!fd_store_set_folder_position (self->store, in->organization_id, in->stream_id, FD_EMAIL_FOLDER,
                                     in->uidvalidity, in->uid, error))
    return FALSE;
  /* Refused by the server (over the size cap): only the position moves;
   * the worker logged it. */
  if (in->raw == NULL)
    return TRUE;

  stream = fd_store_get_stream (self->store, in->organization_id, in->stream_id, error);
  if (stream == NULL)
    return FALSE;

  row.organization_id = in->organization_id;
  row.stream_id = in->stream_id;
  row.direction = "in";
  row.automatic = in->automatic;
  if (mail != NULL)
    {
      g_autoptr(GPtrArray) refs = g_ptr_array_new ();

      for (guint i = 0; mail->references != NULL && i < mail->references->len; i++)
        g_ptr_array_add (refs, g_ptr_array_index (mail->references, i));
      g_ptr_array_add (refs, NULL);
      row.dedupe_key = mail->dedupe_key;
      row.mail_message_id = mail->message_id;
      row.subject = mail->subject;
      row.references = (const char * const *) refs->pdata;
      headers = mail_headers (mail);
      row.from_name = headers->from_name;
      row.from_address = headers->from;
      row.to = (const char * const *) headers->to;
      row.cc = (const char * const *) headers->cc;
      row.date = headers->date;
      if (!fd_store_add_mail (self->store, &row, &duplicate, error))
        return FALSE;
      row.references = NULL;
    }
  else
    {
      raw_key = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, in->raw);
      row.dedupe_key = raw_key;
      if (!fd_store_add_mail (self->store, &row, &duplicate, error))
        return FALSE;
    }
  /* Seen before (a re-sync after a UIDVALIDITY change, or a copy): dropped. */
  if (duplicate || in->automatic)
    return TRUE;

  if (mail != NULL)
    {
      conv = find_thread (self, in, error);
      if (conv == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  if (conv == NULL)
    {
      if (stream->deleted)
        return TRUE;
      conv = new_conversation (self, in, stream, error);
      if (conv == NULL)
        return FALSE;
      is_new = TRUE;
    }

  msg = fd_message_new ();
  msg->organization_id = in->organization_id;
  msg->conversation_id = conv->id;
  msg->direction = FD_DIRECTION_IN;
  msg->created_at = g_get_real_time ();
  msg->attachments = fd_attachment_list_new ();
  /* The live message event shows the mail as get-conversation will. */
  msg->mail = g_steal_pointer (&headers);
  if (msg->mail != NULL && msg->mail->subject != NULL)
    {
      g_autofree char *subject = msg->mail->subject;

      msg->mail->subject = clip_text (subject, FD_STORE_MAX_STRING);
    }
  if (mail != NULL)
    {
      const char *author = mail->from != NULL ? (mail->from->name != NULL && *mail->from->name != '\0'
                                                 ? mail->from->name : mail->from->address) : NULL;
      GString *body = g_string_new (mail->text);

      /* The line breaks that end every mail are not the customer's text. */
      g_strchomp (body->str);
      g_string_set_size (body, strlen (body->str));

      if (in->refused_note != NULL)
        g_string_append_printf (body, "%s%s", body->len > 0 ? "\n\n" : "", in->refused_note);
      if (mail->over_limits != FD_MAIL_OVER_NONE)
        g_string_append_printf (body, "%s%s", body->len > 0 ? "\n\n" : "",
                                "[This mail was over a size limit: it is shortened here.]");
      text = g_string_free (body, FALSE);
      msg->author_name = author != NULL ? clip_text (author, FD_STORE_MAX_NAME) : NULL;
      if (g_utf8_strlen (text, -1) > FD_STORE_MAX_TEXT)
        {
          g_autofree char *cut = clip_text (text, FD_STORE_MAX_TEXT - 64);

          g_free (text);
          text = g_strconcat (cut, "\n[… the rest is in the mail.]", NULL);
        }
      msg->text = g_steal_pointer (&text);
      for (guint i = 0; i < in->n_parts && msg->attachments->len < FD_STORE_MAX_LIST; i++)
        {
          FdAttachment *attachment = store_part (self, in->organization_id, conv->id, in->parts[i].filename,
                                                 in->parts[i].content_type, in->parts[i].bytes, error);

          if (attachment == NULL)
            return FALSE;
          g_ptr_array_add (msg->attachments, attachment);
        }
    }
  else
    {
      FdAttachment *attachment = store_part (self, in->organization_id, conv->id, "unreadable-mail.eml",
                                             "message/rfc822", in->raw, error);

      if (attachment == NULL)
        return FALSE;
      g_ptr_array_add (msg->attachments, attachment);
      msg->text = g_strdup (UNREADABLE_TEXT);
    }
  if (msg->text == NULL || *msg->text == '\0')
    {
      g_free (msg->text);
      msg->text = g_strdup (msg->attachments->len > 0 ? "" : "(This mail has no text.)");
    }

  stored = fd_center_add_message (self, msg, conv->queue_id, NULL, error);
  if (stored == NULL)
    return FALSE;
  if (!fd_store_link_mail (self->store, in->organization_id, in->stream_id, row.dedupe_key,
                                   conv->id, stored->id, error))
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
fd_center_receive_mail (FdCenter              *self,
                        const FdCenterMailIn  *in,
                        gint64                *out_conversation_id,
                        GError               **error)
{
  gint64 conversation_id = 0;
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);
  g_return_val_if_fail (in != NULL, FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  ok = receive_in_transaction (self, in, &conversation_id, error);
  if (!fd_center_finish (self, ok, error))
    return FALSE;
  if (out_conversation_id != NULL)
    *out_conversation_id = conversation_id;
  if (conversation_id > 0)
    fd_center_stats_changed (self, in->organization_id);
  return TRUE;
}

/* --- The agent's reply ------------------------------------------------------------ */

/* Each mailbox of @items checked and written back in one form, or NULL
 * with invalid-field naming @field and the item. An empty list is NULL
 * without an error. */
static char **
checked_mailboxes (const char          *field,
                   char * const        *items,
                   GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!fd_mail_mailbox_parse (items[i], &name, &address, &local_error))
        {
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "%s: %s", field, local_error->message);
          return NULL;
        }
      g_autofree char *text = NULL;

      text = fd_mail_mailbox_format (name, address);
      g_strv_builder_add (builder, text);
    }
  return g_strv_builder_end (builder);
}

FdMailHeaders *
fd_center_email_reply_headers (FdCenter              *self,
                               const FdConversation  *conv,
                               const FdSendMessage   *request,
                               GError               **error)
{
  g_autoptr(FdMailHeaders) headers = fd_mail_headers_new ();
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(GError) local_error = NULL;

  headers->to = checked_mailboxes ("to", request->to, error);
  if (headers->to == NULL)
    return NULL;
  headers->cc = checked_mailboxes ("cc", request->cc, error);
  if (headers->cc == NULL)
    return NULL;
  if (headers->to[0] == NULL)
    {
      const char *address = conv->visitor_email != NULL ? conv->visitor_email
                            : conv->contact != NULL ? conv->contact->email : NULL;

      g_clear_pointer (&headers->to, g_strfreev);
      if (address != NULL && fd_mail_address_is_plain (address))
        {
          headers->to = g_new0 (char *, 2);
          headers->to[0] = fd_mail_mailbox_format (conv->visitor_name, address);
        }
    }
  if (headers->cc[0] == NULL)
    g_clear_pointer (&headers->cc, g_strfreev);

  if (request->subject != NULL && *request->subject != '\0')
    {
      if (strpbrk (request->subject, "\r\n") != NULL)
        {
          fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD, "subject: a subject is one line.");
          return NULL;
        }
      headers->subject = fd_mail_subject_with_token (request->subject, conv->id);
    }
  else
    {
      FdStoreLastMail last = { 0 };

      fd_store_get_last_customer_mail (self->store, conv->organization_id, conv->id, &last, NULL);
      headers->subject = fd_mail_reply_subject (last.subject != NULL ? last.subject : conv->subject, conv->id);
      fd_store_last_mail_clear (&last);
    }
  if (g_utf8_strlen (headers->subject, -1) > FD_STORE_MAX_STRING)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_INVALID_FIELD,
                           "subject: a subject has at most %d characters with its token.", FD_STORE_MAX_STRING);
      return NULL;
    }

  stream = fd_store_get_stream (self->store, conv->organization_id, conv->stream_id, error);
  if (stream == NULL)
    return NULL;
  settings = fd_email_settings_parse (stream->settings_json, &local_error);
  if (settings != NULL)
    {
      headers->from = g_strdup (settings->address);
      headers->from_name = settings->display_name != NULL && *settings->display_name != '\0'
                           ? g_utf8_substring (settings->display_name, 0,
                                               MIN (g_utf8_strlen (settings->display_name, -1), FD_STORE_MAX_NAME))
                           : NULL;
    }
  headers->date = g_get_real_time ();
  return g_steal_pointer (&headers);
}

/* --- The outbox ------------------------------------------------------------------ */

static gboolean
emit_delivery (FdCenter             *self,
               const FdStoreOutbox  *row,
               gint64                queue_id,
               GError              **error)
{
  return fd_center_emit_delivery (self, row->organization_id, queue_id, row->conversation_id, row->message_id,
                                  row->state, row->reason, row->attempts, NULL, error);
}

void
fd_center_set_outbox_notify (FdCenter              *self,
                             FdCenterOutboxNotify   notify,
                             gpointer               data)
{
  g_return_if_fail (FD_IS_CENTER (self));

  fd_center_outbox_notifier_set (&self->email_outbox, notify, data);
}

gboolean
fd_center_email_queue_reply (FdCenter              *self,
                             const FdConversation  *conv,
                             FdMessage             *stored,
                             GError               **error)
{
  g_autoptr(FdStream) stream = fd_store_get_stream (self->store, conv->organization_id, conv->stream_id, error);
  g_autoptr(FdStoreOutbox) row = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *dedupe = NULL;
  g_autofree char *domain = NULL;
  FdStoreMail mail = { 0 };
  gboolean duplicate = FALSE;
  const char *at;

  if (stream == NULL)
    return FALSE;
  /* The Message-ID is on the stream's own domain (its address's), chosen
   * now and stored, so that a reply sent again after a crash keeps it and
   * the customer's answer threads. */
  {
    g_autoptr(FdEmailSettings) settings = fd_email_settings_parse (stream->settings_json, NULL);

    at = settings != NULL ? strrchr (settings->address, '@') : NULL;
    domain = g_strdup (at != NULL ? at + 1 : "frontdesk.invalid");
  }
  message_id = fd_mail_message_id_new (domain);
  if (message_id == NULL)
    message_id = fd_mail_message_id_new ("frontdesk.invalid");
  /* Stored without the angle brackets, as the parser gives Message-IDs. */
  {
    gsize len = strlen (message_id);

    if (len >= 2 && message_id[0] == '<' && message_id[len - 1] == '>')
      {
        memmove (message_id, message_id + 1, len - 2);
        message_id[len - 2] = '\0';
      }
  }

  row = g_new0 (FdStoreOutbox, 1);
  row->message_id = stored->id;
  row->organization_id = conv->organization_id;
  row->stream_id = conv->stream_id;
  row->conversation_id = conv->id;
  row->mail_message_id = g_strdup (message_id);
  row->state = FD_DELIVERY_QUEUED;
  dedupe = g_strconcat ("out:", message_id, NULL);
  mail.organization_id = conv->organization_id;
  mail.stream_id = conv->stream_id;
  mail.dedupe_key = dedupe;
  mail.direction = "out";
  mail.mail_message_id = message_id;
  mail.conversation_id = conv->id;
  mail.message_id = stored->id;
  if (stored->mail != NULL)
    {
      mail.from_name = stored->mail->from_name;
      mail.from_address = stored->mail->from;
      mail.to = (const char * const *) stored->mail->to;
      mail.cc = (const char * const *) stored->mail->cc;
      mail.subject = stored->mail->subject;
      mail.date = stored->mail->date;
    }
  if (!fd_store_add_outbox (self->store, row, error) ||
      !fd_store_add_mail (self->store, &mail, &duplicate, error) ||
      !emit_delivery (self, row, conv->queue_id, error))
    return FALSE;
  /* The ack carries where the reply is, as get-conversation will. */
  g_clear_pointer (&stored->delivery, fd_delivery_free);
  stored->delivery = fd_center_delivery_new (row->conversation_id, row->message_id, row->state);
  fd_center_outbox_notifier_schedule (&self->email_outbox);
  return TRUE;
}

gboolean
fd_center_email_delivered (FdCenter             *self,
                           const FdStoreOutbox  *row,
                           GError              **error)
{
  g_autoptr(FdConversation) conv = NULL;
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  conv = fd_store_get_conversation (self->store, row->organization_id, row->conversation_id, FALSE, error);
  ok = conv != NULL && fd_store_update_outbox (self->store, row, error);
  if (ok && row->state != FD_DELIVERY_QUEUED)
    ok = emit_delivery (self, row, conv->queue_id, error);
  return fd_center_finish (self, ok, error);
}

FdDelivery *
fd_center_retry_delivery (FdCenter          *self,
                          const FdAgent     *agent,
                          const FdDelivery  *request,
                          GError           **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStoreOutbox) row = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  conv = fd_center_get_visible (self, agent, request->conversation_id, error);
  if (conv == NULL)
    return NULL;
  row = fd_store_get_outbox (self->store, agent->organization_id, request->message_id, &local_error);
  if (row == NULL || row->conversation_id != conv->id)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_NOT_FOUND,
                           "Message %" G_GINT64_FORMAT " is not an email reply of this conversation.",
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
  ok = fd_store_update_outbox (self->store, row, error) && emit_delivery (self, row, conv->queue_id, error);
  if (!fd_center_finish (self, ok, error))
    return NULL;
  fd_center_outbox_notifier_schedule (&self->email_outbox);
  return fd_center_delivery_new (row->conversation_id, row->message_id, row->state);
}

/* The protocol's view of a stream's health; FALSE for a value the protocol
 * does not know (the store's text is the server's own). NULL (a stream
 * nothing watches any more) reads as ok: nobody needs to act. */
static gboolean
stream_health_info (const FdStream     *stream,
                    const char         *health,
                    const char         *reason,
                    FdStreamHealthInfo *info)
{
  FdStreamHealth value = FD_STREAM_HEALTH_OK;

  if (health != NULL && !fd_stream_health_from_string (health, &value))
    return FALSE;
  info->stream_id = stream->id;
  info->name = g_strdup (stream->name);
  info->kind = stream->kind;
  info->health = value;
  info->reason = value != FD_STREAM_HEALTH_OK ? clip_text (reason != NULL ? reason : "", FD_LIMIT_STRING) : NULL;
  return TRUE;
}

/* One "stream-health" event per supervisor and admin of the organization
 * whose app is connected now (docs/protocol.md, "stream health"): the
 * audience of an event is a queue or one agent, and supervisors are
 * neither. Bounded by the organization's people; someone offline asks
 * list-stream-health when they connect. */
static gboolean
emit_stream_health (FdCenter                 *self,
                    const FdStream           *stream,
                    const FdStreamHealthInfo *info,
                    GError                  **error)
{
  g_autoptr(GPtrArray) agents = fd_store_list_agents (self->store, stream->organization_id, error);

  if (agents == NULL)
    return FALSE;
  for (guint i = 0; i < agents->len; i++)
    {
      const FdAgent *agent = g_ptr_array_index (agents, i);

      if (agent->role < FD_ROLE_SUPERVISOR || !fd_center_agent_is_online (self, agent->id))
        continue;
      if (!fd_center_emit (self, stream->organization_id, "stream-health", 0, agent->id, 0,
                           fd_stream_health_info_to_json (info), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fd_center_set_stream_health (FdCenter     *self,
                             gint64        organization_id,
                             gint64        stream_id,
                             const char   *health,
                             const char   *reason,
                             GError      **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdStreamHealthInfo) info = fd_stream_health_info_new ();
  gboolean ok;

  g_return_val_if_fail (FD_IS_CENTER (self), FALSE);

  if (!fd_center_begin (self, error))
    return FALSE;
  stream = fd_store_get_stream (self->store, organization_id, stream_id, error);
  if (stream == NULL)
    return fd_center_finish (self, FALSE, error);
  if (g_strcmp0 (stream->health, health) == 0 && g_strcmp0 (stream->health_reason, reason) == 0)
    return fd_center_finish (self, TRUE, error);
  ok = fd_store_set_stream_health (self->store, organization_id, stream_id, health, reason, error);
  if (ok && !stream->deleted)
    {
      if (stream_health_info (stream, health, reason, info))
        {
          if (stream->kind == FD_STREAM_TWITTER)
            info->calls_today = fd_center_x_calls_today (self, organization_id, stream_id);
          ok = emit_stream_health (self, stream, info, error);
        }
      else
        g_warning ("Stream %" G_GINT64_FORMAT " has a health the protocol does not know: %s", stream_id, health);
    }
  return fd_center_finish (self, ok, error);
}

FdStreamHealthList *
fd_center_list_stream_health (FdCenter       *self,
                              const FdAgent  *agent,
                              GError        **error)
{
  g_autoptr(FdStreamHealthList) list = fd_stream_health_list_new ();
  g_autoptr(GPtrArray) streams = NULL;

  g_return_val_if_fail (FD_IS_CENTER (self), NULL);
  g_return_val_if_fail (agent != NULL, NULL);

  if (agent->role < FD_ROLE_SUPERVISOR)
    {
      fd_center_set_error (error, FD_WIRE_ERROR_FORBIDDEN,
                           "Only supervisors and administrators see the health of the media streams.");
      return NULL;
    }
  streams = fd_store_list_streams (self->store, agent->organization_id, FALSE, error);
  if (streams == NULL)
    return NULL;
  list->items = fd_stream_health_info_list_new ();
  for (guint i = 0; i < streams->len && list->items->len < FD_LIMIT_ARRAY; i++)
    {
      const FdStream *stream = g_ptr_array_index (streams, i);
      g_autoptr(FdStreamHealthInfo) info = fd_stream_health_info_new ();

      /* Twitter streams are listed whatever their health: their X API
       * calls of the day are what an administrator picks the cycle by
       * (docs/twitter.md, "Health"). */
      if ((stream->health == NULL || g_strcmp0 (stream->health, "ok") == 0) && stream->kind != FD_STREAM_TWITTER)
        continue;
      if (stream_health_info (stream, stream->health, stream->health_reason, info))
        {
          if (stream->kind == FD_STREAM_TWITTER)
            info->calls_today = fd_center_x_calls_today (self, stream->organization_id, stream->id);
          g_ptr_array_add (list->items, g_steal_pointer (&info));
        }
    }
  return g_steal_pointer (&list);
}
