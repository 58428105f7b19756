#define G_LOG_DOMAIN "fd-twitter"

/* The Twitter outbox's sender (docs/twitter.md, "Replies and the outbox"),
 * on the main loop. A reply queued with its message (x_outbox) is sent at
 * once: its images uploaded first, then the post (with
 * reply.in_reply_to_tweet_id) or the direct message. The result is stored
 * by fd_center_twitter_delivered(): sent with X's id; a 429 waits until
 * x-rate-limit-reset; a network error or 5xx retries with backoff, at most
 * max_attempts times, then failed; X's refusal (400, 403, 404) fails with
 * X's detail; a 401 refreshes the token once and sends again; a revoked
 * grant fails (the stream needs authorization). A reply X accepted whose
 * result was not stored (a kill at that very moment) is sent again after
 * the restart: X has no idempotency key for posts. */

#include "fd-twitter-private.h"

#include "fd-center-twitter.h"
#include "fd-file-url.h"
#include "fd-store-twitter.h"

#include <string.h>

typedef struct {
  GBytes *bytes;
  char   *content_type;
} Media;

typedef struct {
  FdTwitter       *tw;
  FdStoreXOutbox  *row;
  FdXClient       *client;
  char            *text;
  GPtrArray       *media;       /* Media* to upload */
  GPtrArray       *media_ids;   /* char*, uploaded */
  gboolean         retried_401;
} SendJob;

static void
media_free (gpointer data)
{
  Media *media = data;

  g_bytes_unref (media->bytes);
  g_free (media->content_type);
  g_free (media);
}

static void
job_free (SendJob *job)
{
  fd_store_x_outbox_free (job->row);
  g_clear_object (&job->client);
  g_free (job->text);
  g_clear_pointer (&job->media, g_ptr_array_unref);
  g_clear_pointer (&job->media_ids, g_ptr_array_unref);
  g_free (job);
}

static gboolean
cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Records the job's row as it is now and ends the job. */
static void
job_done (SendJob *job)
{
  FdTwitter *tw = job->tw;
  g_autoptr(GError) error = NULL;

  if (!fd_center_twitter_delivered (tw->center, job->row, &error))
    g_warning ("Twitter outbox: cannot record the result of reply %" G_GINT64_FORMAT ": %s",
               job->row->message_id, error->message);
  g_hash_table_remove (tw->in_flight, &job->row->message_id);
  job_free (job);
  /* The next ones, when more were due than a batch. */
  twitter_outbox_pump (tw);
}

static void
job_failed (SendJob    *job,
            const char *reason)
{
  job->row->state = FD_DELIVERY_FAILED;
  g_free (job->row->reason);
  job->row->reason = g_strdup (reason);
  g_message ("Twitter outbox: reply %" G_GINT64_FORMAT " failed: %s", job->row->message_id, reason);
  job_done (job);
}

/* A temporary failure: retried after the backoff, or failed after
 * max_attempts. */
static void
job_retry (SendJob    *job,
           const char *reason)
{
  FdTwitter *tw = job->tw;

  job->row->attempts++;
  if ((guint) job->row->attempts >= tw->options.max_attempts)
    {
      g_autofree char *text = g_strdup_printf ("Not sent after %d attempts: %s", job->row->attempts, reason);

      job_failed (job, text);
      return;
    }
  g_free (job->row->reason);
  job->row->reason = g_strdup (reason);
  job->row->next_attempt_at = g_get_real_time () +
                              (gint64) twitter_backoff_ms (tw, (guint) job->row->attempts) * 1000;
  g_message ("Twitter outbox: reply %" G_GINT64_FORMAT " not sent yet (attempt %d): %s",
             job->row->message_id, job->row->attempts, reason);
  job_done (job);
}

static void send_now (SendJob *job);
static void on_token_cb (FdTwitter *tw, const char *token, const GError *error, gpointer data);

/* What an X error means for the reply. */
static void
job_error (SendJob            *job,
           const GError       *error,
           const FdXRateLimit *rate)
{
  if (g_error_matches (error, FD_X_ERROR, FD_X_ERROR_RATE_LIMITED))
    {
      gint64 reset = rate->reset > 0 ? rate->reset * G_USEC_PER_SEC
                                     : g_get_real_time () + (gint64) FD_X_DEFAULT_RESET_SECONDS * G_USEC_PER_SEC;

      /* Not an attempt: X asks to wait. */
      job->row->next_attempt_at = reset;
      g_free (job->row->reason);
      job->row->reason = g_strdup ("X's rate limit: waiting for its reset.");
      job_done (job);
      return;
    }
  if (g_error_matches (error, FD_X_ERROR, FD_X_ERROR_UNAUTHORIZED) && !job->retried_401)
    {
      job->retried_401 = TRUE;
      twitter_get_token (job->tw, job->row->organization_id, job->row->stream_id, TRUE, on_token_cb, job);
      return;
    }
  if (error->domain == FD_X_ERROR &&
      (error->code == FD_X_ERROR_NETWORK || error->code == FD_X_ERROR_SERVER || error->code == FD_X_ERROR_MALFORMED))
    {
      job_retry (job, error->message);
      return;
    }
  /* X's refusal, as FdXClient words it ("X refused the post: …"). */
  job_failed (job, error->message);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  SendJob *job = data;
  FdXRateLimit rate = { -1, -1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXCreated) created = NULL;

  created = job->row->direct ? fd_x_client_send_dm_finish (FD_X_CLIENT (source), result, &rate, &error)
                             : fd_x_client_create_post_finish (FD_X_CLIENT (source), result, &rate, &error);
  if (cancelled (error))
    {
      job_free (job);
      return;
    }
  twitter_count_call (job->tw, job->row->organization_id, job->row->stream_id);
  if (created == NULL)
    {
      job_error (job, error, &rate);
      return;
    }
  job->row->state = FD_DELIVERY_SENT;
  g_free (job->row->x_id);
  job->row->x_id = g_strdup (created->id);
  g_clear_pointer (&job->row->reason, g_free);
  job->row->attempts++;
  job_done (job);
}

static void
on_uploaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  SendJob *job = data;
  FdXRateLimit rate = { -1, -1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FdXMedia) media = fd_x_client_upload_media_finish (FD_X_CLIENT (source), result, &rate, &error);

  if (cancelled (error))
    {
      job_free (job);
      return;
    }
  twitter_count_call (job->tw, job->row->organization_id, job->row->stream_id);
  if (media == NULL)
    {
      job_error (job, error, &rate);
      return;
    }
  g_ptr_array_add (job->media_ids, g_strdup (media->id));
  send_now (job);
}

/* The next step: an image to upload, or the post or DM itself. */
static void
send_now (SendJob *job)
{
  GCancellable *cancellable = job->tw->cancellable;

  if (job->media_ids->len < job->media->len)
    {
      Media *media = g_ptr_array_index (job->media, job->media_ids->len);

      fd_x_client_upload_media_async (job->client, media->bytes, media->content_type, job->row->direct,
                                      cancellable, on_uploaded_cb, job);
      return;
    }
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new ();

    for (guint i = 0; i < job->media_ids->len; i++)
      g_ptr_array_add (ids, g_ptr_array_index (job->media_ids, i));
    g_ptr_array_add (ids, NULL);
    if (job->row->direct)
      fd_x_client_send_dm_async (job->client, job->row->participant_id, job->text,
                                 job->media_ids->len > 0 ? (const char * const *) ids->pdata : NULL,
                                 cancellable, on_sent_cb, job);
    else
      fd_x_client_create_post_async (job->client, job->text, job->row->in_reply_to,
                                     job->media_ids->len > 0 ? (const char * const *) ids->pdata : NULL,
                                     cancellable, on_sent_cb, job);
  }
}

static void
on_token_cb (FdTwitter    *tw,
             const char   *token,
             const GError *error,
             gpointer      data)
{
  SendJob *job = data;

  if (cancelled (error))
    {
      job_free (job);
      return;
    }
  if (token == NULL)
    {
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        {
          g_autofree char *reason =
            g_strdup_printf ("The stream's X authorization is gone (%s): authorize it again, then send the "
                             "reply again.", error->message);

          job_failed (job, reason);
        }
      else
        job_retry (job, error->message);
      return;
    }
  fd_x_client_set_access_token (job->client, token);
  send_now (job);
}

/* The reply's text and images, from the store; FALSE when it is gone or an
 * image cannot be read. */
static gboolean
load_reply (SendJob  *job,
            GError  **error)
{
  FdTwitter *tw = job->tw;
  g_autoptr(GPtrArray) messages = NULL;
  const FdMessage *msg = NULL;

  messages = fd_store_list_messages (tw->store, job->row->organization_id, job->row->conversation_id,
                                     job->row->message_id - 1, error);
  if (messages == NULL)
    return FALSE;
  for (guint i = 0; i < messages->len && msg == NULL; i++)
    if (((FdMessage *) g_ptr_array_index (messages, i))->id == job->row->message_id)
      msg = g_ptr_array_index (messages, i);
  if (msg == NULL)
    {
      g_set_error_literal (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "The reply's message is gone.");
      return FALSE;
    }
  job->text = g_strdup (msg->text != NULL ? msg->text : "");
  for (guint i = 0; msg->attachments != NULL && i < msg->attachments->len; i++)
    {
      FdAttachment *attachment = g_ptr_array_index (msg->attachments, i);
      g_autofree char *id = attachment->url != NULL ? fd_files_parse_url (attachment->url) : NULL;
      g_autofree char *path = id != NULL ? fd_store_dup_file_path (tw->store, id) : NULL;
      g_autoptr(GMappedFile) file = NULL;
      Media *media;

      if (path != NULL)
        file = g_mapped_file_new (path, FALSE, error);
      else
        g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND, "The attachment %s is gone.",
                     attachment->name != NULL ? attachment->name : "");
      if (file == NULL)
        return FALSE;
      if (g_mapped_file_get_length (file) > FD_X_MAX_UPLOAD)
        {
          g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID, "The image %s is larger than X takes (5 MB).",
                       attachment->name != NULL ? attachment->name : "");
          return FALSE;
        }
      media = g_new0 (Media, 1);
      media->bytes = g_mapped_file_get_bytes (file);
      media->content_type = g_strdup (attachment->mime_type != NULL ? attachment->mime_type : "image/jpeg");
      g_ptr_array_add (job->media, media);
    }
  return TRUE;
}

/* Whether a reply of @conversation_id is being sent: one at a time per
 * conversation, so that X gets a conversation's replies in their order. */
static gboolean
conversation_sending (FdTwitter *tw,
                      gint64     conversation_id)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, tw->in_flight);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (*(gint64 *) value == conversation_id)
      return TRUE;
  return FALSE;
}

void
twitter_outbox_pump (FdTwitter *tw)
{
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;

  due = fd_store_list_due_x_outbox (tw->store, g_get_real_time (), &error);
  if (due == NULL)
    {
      g_warning ("Twitter outbox: cannot read it: %s", error->message);
      return;
    }
  for (guint i = 0; i < due->len; i++)
    {
      FdStoreXOutbox *row = g_ptr_array_index (due, i);
      g_autoptr(GError) local_error = NULL;
      SendJob *job;

      if (g_hash_table_contains (tw->in_flight, &row->message_id) ||
          conversation_sending (tw, row->conversation_id))
        continue;
      g_hash_table_insert (tw->in_flight, g_memdup2 (&row->message_id, sizeof row->message_id),
                           g_memdup2 (&row->conversation_id, sizeof row->conversation_id));
      job = g_new0 (SendJob, 1);
      job->tw = tw;
      job->row = g_steal_pointer (&due->pdata[i]);
      job->client = fd_x_client_new (tw->session, tw->api_base_url);
      job->media = g_ptr_array_new_with_free_func (media_free);
      job->media_ids = g_ptr_array_new_with_free_func (g_free);
      if (!load_reply (job, &local_error))
        {
          job_failed (job, local_error->message);
          continue;
        }
      twitter_get_token (tw, job->row->organization_id, job->row->stream_id, FALSE, on_token_cb, job);
    }
}
