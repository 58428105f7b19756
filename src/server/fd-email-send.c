#define G_LOG_DOMAIN "fd-email"

/* FdEmail's outbox sender: one thread sends the durable outbox over SMTP.
 * On the main loop, each reply that is due is composed (the agent's text
 * and attachments, the quoted customer mail, the stream's SMTP settings
 * and password) and queued to the thread; the thread sends it and hands the
 * result back, which is recorded with the center: sent, queued again with
 * a backoff after a temporary failure, or failed for good. */

#include "fd-email-private.h"

#include "fd-center-email.h"
#include "fd-file-url.h"
#include "fd-mail-compose.h"
#include "fd-smtp.h"
#include "fd-store-email.h"

/* Attachments of one reply read from the file store at most (bytes). */
#define MAX_REPLY_ATTACHMENT_BYTES (25 * 1024 * 1024)

typedef struct {
  gint64        organization_id;
  gint64        message_id;
  gint          attempts;
  char         *host;
  guint16       port;
  FdSmtpTls     tls;
  char         *user;
  char         *password;
  gboolean      oauth;
  gint64        stream_id;
  char         *from;
  char        **rcpt;         /* To and Cc addresses */
  GBytes       *message;
  char         *imap_host;     /* the copy to the Sent folder: where, … */
  guint16       imap_port;
  FdImapTlsMode imap_tls;
  char         *sent_folder;   /* … and which folder; NULL = no copy */
  GError       *error;         /* the result */
  GError       *sent_error;    /* the copy's, after a successful send */
  Link         *link;
} SendJob;

/* --- The outbox sender ------------------------------------------------------- */

static void
send_job_free (SendJob *job)
{
  g_free (job->host);
  g_free (job->imap_host);
  g_free (job->sent_folder);
  g_clear_error (&job->sent_error);
  g_free (job->user);
  email_wipe_free (job->password);
  g_free (job->from);
  g_strfreev (job->rcpt);
  g_clear_pointer (&job->message, g_bytes_unref);
  g_clear_error (&job->error);
  if (job->link != NULL)
    email_link_unref (job->link);
  g_free (job);
}

#define SENT_COPY_FAILED "A reply was sent, but its copy to the Sent folder failed"

/* The stream's health after a copy to the Sent folder: "needs-attention"
 * with the reason when it failed; back to "ok" when a copy succeeds after
 * a failed one (a reason of the fetch worker is left alone). The reply
 * itself is sent either way. */
static void
report_sent_copy (FdEmail       *self,
                  const SendJob *job)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  if (g_error_matches (job->sent_error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED))
    return;
  if (job->sent_error != NULL)
    {
      g_message ("Outbox: reply %" G_GINT64_FORMAT " sent; its copy to the Sent folder failed: %s",
                 job->message_id, job->sent_error->message);
      reason = g_strdup_printf (SENT_COPY_FAILED " (folder “%s”): %s", job->sent_folder, job->sent_error->message);
      if (!fd_center_set_stream_health (self->center, job->organization_id, job->stream_id, "needs-attention", reason,
                                        &error))
        g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s", job->stream_id,
                   error->message);
      return;
    }
  stream = fd_store_get_stream (self->store, job->organization_id, job->stream_id, NULL);
  if (stream != NULL && stream->health_reason != NULL && g_str_has_prefix (stream->health_reason, SENT_COPY_FAILED) &&
      !fd_center_set_stream_health (self->center, job->organization_id, job->stream_id, "ok", NULL, &error))
    g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s", job->stream_id, error->message);
}

static gboolean
on_sent_cb (gpointer data)
{
  SendJob *job = data;
  FdEmail *self = job->link->email;
  g_autoptr(FdStoreOutbox) row = NULL;
  g_autoptr(GError) error = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  g_hash_table_remove (self->in_flight, &job->message_id);
  row = fd_store_get_outbox (self->store, job->organization_id, job->message_id, &error);
  if (row == NULL)
    {
      g_warning ("Outbox: reply %" G_GINT64_FORMAT " is gone: %s", job->message_id, error->message);
      return G_SOURCE_REMOVE;
    }
  row->attempts = job->attempts + 1;
  g_clear_pointer (&row->reason, g_free);
  if (job->error == NULL)
    {
      row->state = FD_DELIVERY_SENT;
      row->next_attempt_at = 0;
      if (job->sent_folder != NULL)
        report_sent_copy (self, job);
    }
  else if (g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED))
    return G_SOURCE_REMOVE;
  else
    {
      gboolean temporary = g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_TEMPORARY) ||
                           g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_NETWORK) ||
                           (job->error->domain == FD_OAUTH_ERROR && job->error->code != FD_OAUTH_ERROR_REVOKED);

      row->reason = g_strdup (job->error->message);
      if (temporary && (guint) row->attempts < self->options.smtp_max_attempts)
        {
          guint64 delay = (guint64) self->options.backoff_ms << MIN (row->attempts - 1, 20);

          row->state = FD_DELIVERY_QUEUED;
          row->next_attempt_at = g_get_real_time () + (gint64) MIN (delay, FD_EMAIL_MAX_SMTP_BACKOFF_MS) * 1000;
          g_message ("Outbox: reply %" G_GINT64_FORMAT " not sent yet (attempt %d): %s",
                     row->message_id, row->attempts, job->error->message);
        }
      else
        {
          row->state = FD_DELIVERY_FAILED;
          g_message ("Outbox: reply %" G_GINT64_FORMAT " failed: %s", row->message_id, job->error->message);
        }
    }
  if (!fd_center_email_delivered (self->center, row, &error))
    g_warning ("Outbox: cannot record the result of reply %" G_GINT64_FORMAT ": %s",
               job->message_id, error->message);
  email_outbox_pump (self);
  return G_SOURCE_REMOVE;
}

/* After a successful send: the reply appended to the mailbox's Sent
 * folder (flagged \Seen). A failure is kept in job->sent_error, for the
 * stream's health; the reply stays sent. */
static void
copy_to_sent (SendJob      *job,
              const char   *oauth_token,
              GCancellable *cancellable)
{
  g_autoptr(FdImapSession) session = NULL;
  FdImapConfig config = { 0 };

  config.host = job->imap_host;
  config.port = job->imap_port;
  config.tls_mode = job->imap_tls;
  config.user = job->user;
  /* The credentials the reply was sent with: the password, or the access
   * token an OAuth stream's send has just been given. */
  config.password = oauth_token == NULL ? job->password : NULL;
  config.oauth_token = oauth_token;
  session = fd_imap_connect (&config, cancellable, &job->sent_error);
  if (session != NULL)
    fd_imap_append_sent (session, job->sent_folder, job->message, NULL, &job->sent_error);
}

static gpointer
sender_thread (gpointer data)
{
  FdEmail *self = data;

  for (;;)
    {
      SendJob *job = g_async_queue_pop (self->send_queue);
      FdSmtpConfig config = { 0 };
      const char * const *rcpt = (const char * const *) job->rcpt;
      char *token = NULL;
      gboolean sent = FALSE;

      if (job->message == NULL)
        {
          send_job_free (job);
          break;
        }
      config.host = job->host;
      config.port = job->port;
      config.tls = job->tls;
      config.auth = job->password != NULL ? FD_SMTP_AUTH_PASSWORD : FD_SMTP_AUTH_NONE;
      config.username = job->user;
      config.password = job->password;
      if (job->oauth)
        {
          /* The token is asked for now, not when composed: it may have
           * expired while the reply waited in the queue. */
          token = email_oauth_token_wait (job->link, job->organization_id, job->stream_id,
                                          self->send_cancellable, &job->error);

          if (token == NULL && g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&job->error);
              g_set_error_literal (&job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED, "Cancelled.");
            }
          if (token != NULL)
            {
              config.auth = FD_SMTP_AUTH_XOAUTH2;
              config.access_token = token;
              sent = fd_smtp_send (&config, job->from, rcpt, job->message, self->send_cancellable, &job->error);
            }
        }
      else
        sent = fd_smtp_send (&config, job->from, rcpt, job->message, self->send_cancellable, &job->error);
      if (sent && job->sent_folder != NULL)
        copy_to_sent (job, token, self->send_cancellable);
      email_wipe_free (token);
      g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_sent_cb, job, (GDestroyNotify) send_job_free);
    }
  return NULL;
}

/* The attachments of the agent's message, read from the file store. */
static GArray *
reply_attachments (FdEmail          *self,
                   const FdMessage  *msg,
                   GPtrArray        *keep)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (FdMailAttachment));
  gsize total = 0;

  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      FdAttachment *attachment = g_ptr_array_index (msg->attachments, i);
      g_autofree char *id = attachment->url != NULL ? fd_files_parse_url (attachment->url) : NULL;
      g_autofree char *path = id != NULL ? fd_store_dup_file_path (self->store, id) : NULL;
      g_autoptr(GMappedFile) mapped = path != NULL ? g_mapped_file_new (path, FALSE, NULL) : NULL;
      FdMailAttachment item = { 0 };
      GBytes *bytes;

      if (mapped == NULL || total + g_mapped_file_get_length (mapped) > MAX_REPLY_ATTACHMENT_BYTES)
        continue;
      bytes = g_mapped_file_get_bytes (mapped);
      total += g_bytes_get_size (bytes);
      g_ptr_array_add (keep, bytes);
      item.filename = attachment->name != NULL ? attachment->name : "attachment";
      item.content_type = attachment->mime_type;
      item.data = bytes;
      g_array_append_val (list, item);
    }
  return list;
}

/* The reply of @row composed, with its SMTP settings; NULL with a reason
 * (a failure for good: nothing to retry) in @error. */
static SendJob *
compose_job (FdEmail              *self,
             const FdStoreOutbox  *row,
             GError              **error)
{
  g_autoptr(FdConversation) conv = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GArray) attachments = NULL;
  g_autoptr(GDateTime) quoted_date = NULL;
  FdStoreLastMail last = { 0 };
  const FdMessage *msg = NULL;
  FdMailReply reply = { 0 };
  g_autoptr(GPtrArray) rcpt = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *first_address = NULL;
  const char * const *more_to = NULL;
  const char *to;
  const char *to_name;
  SendJob *job;
  GBytes *composed;

  conv = fd_store_get_conversation (self->store, row->organization_id, row->conversation_id, TRUE, error);
  stream = conv != NULL ? fd_store_get_stream (self->store, row->organization_id, row->stream_id, error) : NULL;
  if (stream == NULL)
    return NULL;
  settings = fd_email_settings_parse (stream->settings_json, error);
  if (settings == NULL)
    return NULL;
  if (!email_stream_uses_oauth (settings))
    {
      sealed = fd_store_get_stream_secret (self->store, row->organization_id, row->stream_id, "password", NULL);
      password = sealed != NULL ? fd_secret_box_open (self->box, sealed, error) : NULL;
    }
  if (sealed != NULL && password == NULL)
    return NULL;
  messages = fd_store_list_messages (self->store, row->organization_id, row->conversation_id, row->message_id - 1,
                                     error);
  if (messages == NULL)
    return NULL;
  for (guint i = 0; i < messages->len && msg == NULL; i++)
    if (((FdMessage *) g_ptr_array_index (messages, i))->id == row->message_id)
      msg = g_ptr_array_index (messages, i);
  if (msg == NULL)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "The reply's message is gone.");
      return NULL;
    }
  to = conv->visitor_email != NULL ? conv->visitor_email : conv->contact != NULL ? conv->contact->email : NULL;
  to_name = conv->visitor_name;
  /* The agent's To, Cc and subject (send-message), when it chose them:
   * checked when the reply was queued, parsed again here. Replies queued
   * before schema version 8 have none: the customer, as then. */
  if (msg->mail != NULL && msg->mail->to != NULL && msg->mail->to[0] != NULL)
    {
      if (!fd_mail_mailbox_parse (msg->mail->to[0], &first_name, &first_address, error))
        return NULL;
      to = first_address;
      to_name = first_name;
      more_to = (const char * const *) msg->mail->to + 1;
    }
  if (to == NULL)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID, "The customer has no email address to answer.");
      return NULL;
    }

  rcpt = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (rcpt, g_strdup (to));
  for (guint i = 0; more_to != NULL && more_to[i] != NULL; i++)
    {
      char *address = NULL;

      if (!fd_mail_mailbox_parse (more_to[i], NULL, &address, error))
        return NULL;
      g_ptr_array_add (rcpt, address);
    }
  for (guint i = 0; msg->mail != NULL && msg->mail->cc != NULL && msg->mail->cc[i] != NULL; i++)
    {
      char *address = NULL;

      if (!fd_mail_mailbox_parse (msg->mail->cc[i], NULL, &address, error))
        return NULL;
      g_ptr_array_add (rcpt, address);
    }
  g_ptr_array_add (rcpt, NULL);

  fd_store_get_last_customer_mail (self->store, row->organization_id, row->conversation_id, &last, NULL);
  attachments = reply_attachments (self, msg, keep);
  if (last.created_at > 0)
    quoted_date = g_date_time_new_from_unix_utc (last.created_at / G_USEC_PER_SEC);
  reply.from_address = settings->address;
  reply.from_name = settings->display_name;
  reply.to_address = to;
  reply.to_name = to_name;
  reply.more_to = more_to;
  /* "On …, <the customer> wrote:", whoever the reply goes to. */
  reply.quoted_name = conv->visitor_name != NULL ? conv->visitor_name : conv->visitor_email;
  reply.cc = msg->mail != NULL ? (const char * const *) msg->mail->cc : NULL;
  reply.subject_line = msg->mail != NULL ? msg->mail->subject : NULL;
  reply.message_id = row->mail_message_id;
  reply.subject = last.subject != NULL ? last.subject : conv->subject;
  reply.conversation = conv->id;
  reply.in_reply_to = last.mail_message_id;
  reply.references = (const char * const *) last.references;
  reply.text = msg->text != NULL ? msg->text : "";
  reply.quoted_text = last.text;
  reply.quoted_date = quoted_date;
  reply.attachments = (const FdMailAttachment *) (gpointer) attachments->data;
  reply.n_attachments = attachments->len;
  composed = fd_mail_compose_reply (&reply, error);
  fd_store_last_mail_clear (&last);
  if (composed == NULL)
    return NULL;

  job = g_new0 (SendJob, 1);
  job->organization_id = row->organization_id;
  job->message_id = row->message_id;
  job->attempts = row->attempts;
  job->host = g_strdup (settings->smtp_host);
  job->port = settings->smtp_port;
  job->tls = settings->smtp_tls;
  job->user = g_strdup (settings->user_name != NULL ? settings->user_name : settings->address);
  job->password = password != NULL ? g_strndup (g_bytes_get_data (password, NULL), g_bytes_get_size (password))
                                   : NULL;
  job->oauth = email_stream_uses_oauth (settings);
  job->stream_id = row->stream_id;
  job->from = g_strdup (settings->address);
  job->imap_host = g_strdup (settings->imap_host);
  job->imap_port = settings->imap_port;
  job->imap_tls = settings->imap_tls;
  job->sent_folder = g_strdup (settings->sent_folder);
  job->rcpt = (char **) g_ptr_array_free (g_steal_pointer (&rcpt), FALSE);
  job->message = composed;
  job->link = email_link_ref (self->link);
  return job;
}

void
email_outbox_pump (FdEmail *self)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (self->sender == NULL)
    return;
  rows = fd_store_list_due_outbox (self->store, g_get_real_time (), &error);
  if (rows == NULL)
    {
      g_warning ("Outbox: cannot read the due replies: %s", error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      FdStoreOutbox *row = g_ptr_array_index (rows, i);
      g_autoptr(GError) compose_error = NULL;
      SendJob *job;

      if (g_hash_table_contains (self->in_flight, &row->message_id))
        continue;
      job = compose_job (self, row, &compose_error);
      if (job == NULL)
        {
          g_autoptr(GError) store_error = NULL;

          row->state = FD_DELIVERY_FAILED;
          row->attempts++;
          g_free (row->reason);
          row->reason = g_strdup_printf ("The reply cannot be built: %s", compose_error->message);
          if (!fd_center_email_delivered (self->center, row, &store_error))
            g_warning ("Outbox: cannot record reply %" G_GINT64_FORMAT ": %s", row->message_id,
                       store_error->message);
          continue;
        }
      g_hash_table_add (self->in_flight, g_memdup2 (&row->message_id, sizeof row->message_id));
      g_async_queue_push (self->send_queue, job);
    }
}

void
email_sender_start (FdEmail *self)
{
  self->send_queue = g_async_queue_new ();
  self->send_cancellable = g_cancellable_new ();
  self->sender = g_thread_new ("smtp-outbox", sender_thread, self);
}

void
email_sender_stop (FdEmail *self)
{
  if (self->sender != NULL)
    {
      SendJob *stop = g_new0 (SendJob, 1);

      g_cancellable_cancel (self->send_cancellable);
      /* Jobs not started yet are dropped: their rows stay queued. */
      for (SendJob *job; (job = g_async_queue_try_pop (self->send_queue)) != NULL;)
        send_job_free (job);
      g_async_queue_push (self->send_queue, stop);
      g_thread_join (self->sender);
    }
  g_clear_pointer (&self->send_queue, g_async_queue_unref);
  g_clear_object (&self->send_cancellable);
}
