#define G_LOG_DOMAIN "fd-email"

/* FdEmail (fd-email.h): IMAP workers and the outbox sender.
 *
 * A worker never touches the store: it hands each mail to the main loop
 * and waits for the answer, so the folder position it goes on from is the
 * one the store committed with the mail. A worker that is stopped while the
 * main loop has not yet run its hand-off leaves the hand-off behind; the
 * main loop sees the worker stopped and drops it (the mail is fetched again
 * by the next worker, from the committed position). */

#include "fd-email.h"

#include "fd-center-email.h"
#include "fd-email-settings.h"
#include "fd-file-policy.h"
#include "fd-file-url.h"
#include "fd-imap.h"
#include "fd-mail-compose.h"
#include "fd-mail-parse.h"
#include "fd-smtp.h"
#include "fd-store-email.h"

#include <string.h>

/* The outbox is looked at this often for replies whose retry is due. */
#define OUTBOX_TICK_SECONDS 1
/* Attachments of one reply read from the file store at most (bytes). */
#define MAX_REPLY_ATTACHMENT_BYTES (25 * 1024 * 1024)

typedef struct {
  gatomicrefcount  ref;
  FdEmail         *email;   /* NULL once the service is gone (main loop only) */
} Link;

typedef struct {
  gatomicrefcount  ref;
  gboolean         stopped;      /* main loop only */
  gint64           organization_id;
  gint64           stream_id;
  char            *fingerprint;  /* settings and sealed password: a change restarts */
  FdEmailSettings *settings;
  char            *password;     /* wiped when freed */
  char            *own[2];       /* loop protection: the stream's own address */
  FdEmailOptions   options;
  guint32          uidvalidity;  /* the worker thread's position */
  guint32          last_uid;
  GCancellable    *cancellable;
  GThread         *thread;
  GMutex           lock;
  GCond            cond;
  gboolean         job_done;
  gboolean         job_ok;
  char            *last_health;  /* worker thread only: what it reported last */
  Link            *link;
} Worker;

struct _FdEmail {
  FdCenter       *center;
  FdStore        *store;
  FdSecretBox    *box;
  FdEmailOptions  options;
  GHashTable     *workers;      /* stream id → Worker */
  gulong          config_id;
  guint           tick_id;
  Link           *link;
  /* The sender. */
  GThread        *sender;
  GAsyncQueue    *send_queue;   /* SendJob; a job with no message stops it */
  GCancellable   *send_cancellable;
  GHashTable     *in_flight;    /* message ids handed to the sender */
};

typedef struct {
  gint64        organization_id;
  gint64        message_id;
  gint          attempts;
  char         *host;
  guint16       port;
  FdSmtpTls     tls;
  char         *user;
  char         *password;
  char         *from;
  char         *rcpt;
  GBytes       *message;
  GError       *error;         /* the result */
  Link         *link;
} SendJob;

static Link *
link_ref (Link *link)
{
  g_atomic_ref_count_inc (&link->ref);
  return link;
}

static void
link_unref (Link *link)
{
  if (g_atomic_ref_count_dec (&link->ref))
    g_free (link);
}

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

void
fd_email_options_init (FdEmailOptions *options)
{
  options->backoff_ms = FD_EMAIL_DEFAULT_BACKOFF_MS;
  options->max_backoff_ms = FD_EMAIL_DEFAULT_MAX_BACKOFF_MS;
  options->smtp_max_attempts = FD_EMAIL_DEFAULT_SMTP_ATTEMPTS;
  options->max_workers = FD_EMAIL_DEFAULT_MAX_WORKERS;
  options->idle_seconds = FD_EMAIL_DEFAULT_IDLE_SECONDS;
}

/* --- Workers: the thread side ------------------------------------------------ */

static Worker *
worker_ref (Worker *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

static void
worker_unref (Worker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  g_free (w->fingerprint);
  fd_email_settings_free (w->settings);
  wipe_free (w->password);
  g_clear_object (&w->cancellable);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w->last_health);
  link_unref (w->link);
  g_free (w);
}

/* Sleeps @ms unless the worker is stopped meanwhile; FALSE then. */
static gboolean
worker_sleep (Worker *w,
              guint   ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_is_cancelled (w->cancellable))
        return FALSE;
      g_usleep (MIN (50 * 1000, MAX (until - g_get_monotonic_time (), 1)));
    }
  return !g_cancellable_is_cancelled (w->cancellable);
}

typedef struct {
  Worker  *worker;
  char    *health;
  char    *reason;
} HealthReport;

static gboolean
on_health_cb (gpointer data)
{
  HealthReport *report = data;
  Worker *w = report->worker;

  if (!w->stopped && w->link->email != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!fd_center_set_stream_health (w->link->email->center, w->organization_id, w->stream_id,
                                        report->health, report->reason, &error))
        g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s",
                   w->stream_id, error->message);
    }
  return G_SOURCE_REMOVE;
}

static void
health_report_free (gpointer data)
{
  HealthReport *report = data;

  worker_unref (report->worker);
  g_free (report->health);
  g_free (report->reason);
  g_free (report);
}

/* Tells the main loop the stream's health when it changed. */
static void
worker_report (Worker     *w,
               const char *health,
               const char *reason)
{
  g_autofree char *key = g_strconcat (health, "\n", reason != NULL ? reason : "", NULL);
  HealthReport *report;

  if (g_strcmp0 (key, w->last_health) == 0)
    return;
  g_free (w->last_health);
  w->last_health = g_steal_pointer (&key);
  if (reason != NULL)
    g_message ("Email stream %" G_GINT64_FORMAT ": %s", w->stream_id, reason);
  report = g_new0 (HealthReport, 1);
  report->worker = worker_ref (w);
  report->health = g_strdup (health);
  report->reason = g_strdup (reason);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_health_cb, report, health_report_free);
}

static char *
reason_for (const GError *error)
{
  if (error->domain == FD_IMAP_ERROR)
    switch ((FdImapError) error->code)
      {
      case FD_IMAP_ERROR_AUTH:
        return g_strdup_printf ("The mail server refused the user name or password: %s "
                                "Correct the stream's password (or user name).", error->message);
      case FD_IMAP_ERROR_TLS:
        return g_strdup_printf ("The secure connection to the mail server failed: %s", error->message);
      case FD_IMAP_ERROR_NETWORK:
        return g_strdup_printf ("The mail server cannot be reached: %s", error->message);
      case FD_IMAP_ERROR_QUOTA:
        return g_strdup_printf ("The mailbox is over its quota: %s", error->message);
      case FD_IMAP_ERROR_NO_FOLDER:
        return g_strdup_printf ("The mailbox has no %s folder: %s", FD_EMAIL_FOLDER, error->message);
      default:
        break;
      }
  return g_strdup_printf ("Receiving mail failed: %s", error->message);
}

/* --- The hand-off of one mail to the main loop --- */

typedef struct {
  Worker  *worker;
  guint32  uidvalidity;
  guint32  uid;
  GBytes  *raw;
  FdMail  *mail;
  gboolean automatic;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  worker_unref (job->worker);
  g_clear_pointer (&job->raw, g_bytes_unref);
  g_clear_pointer (&job->mail, fd_mail_free);
  g_free (job);
}

static void
job_complete (Worker   *w,
              gboolean  ok)
{
  g_mutex_lock (&w->lock);
  w->job_done = TRUE;
  w->job_ok = ok;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);
}

/* The attachment policy of the organization, applied to the mail's parts:
 * what it lets in is stored, the rest named in a sentence. */
static GArray *
allowed_parts (FdEmail       *self,
               const Job     *job,
               char         **out_note)
{
  g_autoptr(FdOrganization) org = fd_store_get_organization (self->store, job->worker->organization_id, NULL);
  GArray *parts = g_array_new (FALSE, TRUE, sizeof (FdCenterMailPart));
  g_autoptr(GString) note = g_string_new (NULL);

  for (guint i = 0; job->mail != NULL && i < job->mail->parts->len; i++)
    {
      FdMailPart *part = g_ptr_array_index (job->mail->parts, i);
      const char *name = part->filename != NULL ? part->filename : "attachment";
      g_autofree char *reason = NULL;
      FdCenterMailPart allowed = { 0 };

      if (part->bytes == NULL)
        reason = g_strdup ("it is over the size limit");
      else if (org != NULL &&
               !fd_file_policy_name_allowed (name, (const char * const *) org->blocked_extensions, &reason))
        ;
      else if (!fd_file_policy_content_allowed (g_bytes_get_data (part->bytes, NULL),
                                                MIN (g_bytes_get_size (part->bytes), 4096),
                                                part->content_type, &reason))
        ;
      else
        {
          allowed.filename = name;
          allowed.content_type = part->content_type;
          allowed.bytes = part->bytes;
          g_array_append_val (parts, allowed);
          continue;
        }
      g_string_append_printf (note, "%s[The attachment “%s” was not kept: %s.]",
                              note->len > 0 ? "\n" : "", name, reason != NULL ? reason : "refused");
    }
  if (job->mail != NULL && job->mail->parts_dropped > 0)
    g_string_append_printf (note, "%s[%u more attachments were not kept (too many, or nested too deep).]",
                            note->len > 0 ? "\n" : "", job->mail->parts_dropped);
  *out_note = note->len > 0 ? g_strdup (note->str) : NULL;
  return parts;
}

static gboolean
on_job_cb (gpointer data)
{
  Job *job = data;
  Worker *w = job->worker;
  FdEmail *self = w->link->email;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) parts = NULL;
  g_autofree char *note = NULL;
  FdCenterMailIn in = { 0 };
  gboolean ok;

  if (w->stopped || self == NULL)
    {
      job_complete (w, FALSE);
      return G_SOURCE_REMOVE;
    }
  parts = allowed_parts (self, job, &note);
  in.organization_id = w->organization_id;
  in.stream_id = w->stream_id;
  in.uidvalidity = job->uidvalidity;
  in.uid = job->uid;
  in.raw = job->raw;
  in.mail = job->mail;
  in.automatic = job->automatic;
  in.parts = (const FdCenterMailPart *) (gpointer) parts->data;
  in.n_parts = parts->len;
  in.refused_note = note;
  ok = fd_center_receive_mail (self->center, &in, NULL, &error);
  if (!ok)
    g_warning ("Email stream %" G_GINT64_FORMAT ": cannot store mail UID %u: %s",
               w->stream_id, job->uid, error->message);
  job_complete (w, ok);
  return G_SOURCE_REMOVE;
}

/* Hands a mail to the main loop and waits until it is stored (TRUE) or
 * could not be (FALSE), or the worker is stopped (FALSE). */
static gboolean
worker_hand_off (Worker  *w,
                 guint32  uid,
                 GBytes  *raw,
                 FdMail  *mail,
                 gboolean automatic)
{
  Job *job = g_new0 (Job, 1);
  gboolean done, ok;

  job->worker = worker_ref (w);
  job->uidvalidity = w->uidvalidity;
  job->uid = uid;
  job->raw = raw != NULL ? g_bytes_ref (raw) : NULL;
  job->mail = mail;
  job->automatic = automatic;

  g_mutex_lock (&w->lock);
  w->job_done = FALSE;
  g_mutex_unlock (&w->lock);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_job_cb, job, job_free);

  g_mutex_lock (&w->lock);
  while (!w->job_done && !g_cancellable_is_cancelled (w->cancellable))
    g_cond_wait_until (&w->cond, &w->lock, g_get_monotonic_time () + 100 * 1000);
  done = w->job_done;
  ok = w->job_ok;
  g_mutex_unlock (&w->lock);
  return done && ok;
}

static gboolean
on_fetched_cb (guint32       uid,
               GBytes       *raw,
               const GError *refused,
               gpointer      data)
{
  Worker *w = data;
  g_autoptr(GError) error = NULL;
  FdMail *mail = NULL;
  gboolean automatic = FALSE;

  if (raw != NULL)
    {
      mail = fd_mail_parse (raw, NULL, &error);
      if (mail != NULL)
        {
          g_autofree char *reason = NULL;

          automatic = fd_mail_is_automatic (mail, (const char * const *) w->own, &reason);
          if (automatic)
            g_debug ("Email stream %" G_GINT64_FORMAT ": UID %u is automatic (%s)", w->stream_id, uid, reason);
        }
      else
        g_message ("Email stream %" G_GINT64_FORMAT ": UID %u cannot be parsed (%s); kept raw",
                   w->stream_id, uid, error->message);
    }
  else
    g_warning ("Email stream %" G_GINT64_FORMAT ": UID %u was not fetched: %s",
               w->stream_id, uid, refused != NULL ? refused->message : "refused");

  if (!worker_hand_off (w, uid, raw, mail, automatic))
    return FALSE;
  w->last_uid = uid;
  return TRUE;
}

/* One session: connect, select, fetch everything new, then IDLE (or poll)
 * and fetch again, until an error or the stop. */
static void
worker_session (Worker  *w,
                guint   *backoff_ms)
{
  g_autoptr(FdImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  FdImapConfig config = { 0 };
  guint32 uidvalidity = 0, uidnext = 0;

  config.host = w->settings->imap_host;
  config.port = w->settings->imap_port;
  config.tls_mode = w->settings->imap_tls;
  config.user = w->settings->user_name != NULL ? w->settings->user_name : w->settings->address;
  config.password = w->password;

  session = fd_imap_connect (&config, w->cancellable, &error);
  if (session == NULL || !fd_imap_select (session, FD_EMAIL_FOLDER, &uidvalidity, &uidnext, &error))
    goto failed;
  if (uidvalidity != w->uidvalidity)
    {
      /* A new UIDVALIDITY: the old UIDs mean nothing, so everything is
       * fetched again and the dedupe keys drop what was seen. */
      if (w->uidvalidity != 0)
        g_message ("Email stream %" G_GINT64_FORMAT ": UIDVALIDITY changed (%u → %u); re-syncing",
                   w->stream_id, w->uidvalidity, uidvalidity);
      w->uidvalidity = uidvalidity;
      w->last_uid = 0;
    }

  for (;;)
    {
      FdImapIdleResult result;

      if (!fd_imap_fetch_since (session, w->last_uid, 0, on_fetched_cb, w, NULL, &error))
        {
          if (g_cancellable_is_cancelled (w->cancellable))
            return;
          if (error == NULL)
            {
              worker_report (w, "needs-attention",
                             "This server could not store a received mail (see its log); it tries again.");
              worker_sleep (w, *backoff_ms);
              *backoff_ms = MIN (*backoff_ms * 2, w->options.max_backoff_ms);
              return;
            }
          goto failed;
        }
      worker_report (w, "ok", NULL);
      *backoff_ms = w->options.backoff_ms;

      result = fd_imap_idle_wait (session, w->options.idle_seconds, w->cancellable, &error);
      if (result == FD_IMAP_IDLE_FAILED)
        goto failed;
      if (result == FD_IMAP_IDLE_POLL && !worker_sleep (w, w->settings->poll_seconds * 1000))
        return;
      if (g_cancellable_is_cancelled (w->cancellable))
        return;
    }

failed:
  if (g_cancellable_is_cancelled (w->cancellable) ||
      (error != NULL && g_error_matches (error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED)))
    return;
  {
    g_autofree char *reason = reason_for (error);

    worker_report (w, "needs-attention", reason);
  }
  worker_sleep (w, *backoff_ms);
  *backoff_ms = MIN (*backoff_ms * 2, w->options.max_backoff_ms);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  guint backoff_ms = w->options.backoff_ms;

  while (!g_cancellable_is_cancelled (w->cancellable))
    worker_session (w, &backoff_ms);
  worker_unref (w);
  return NULL;
}

/* --- Workers: the main loop side --------------------------------------------- */

static void
worker_stop (gpointer data)
{
  Worker *w = data;

  w->stopped = TRUE;
  g_cancellable_cancel (w->cancellable);
  if (w->thread != NULL)
    g_thread_join (w->thread);
  worker_unref (w);
}

static char *
stream_fingerprint (FdEmail        *self,
                    const FdStream *stream)
{
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                                         "password", NULL);
  g_autofree char *sealed_text = sealed != NULL ? g_base64_encode (g_bytes_get_data (sealed, NULL),
                                                                   g_bytes_get_size (sealed)) : NULL;

  return g_strconcat (stream->settings_json != NULL ? stream->settings_json : "", "\n",
                      sealed_text != NULL ? sealed_text : "", NULL);
}

static void
set_health (FdEmail        *self,
            const FdStream *stream,
            const char     *health,
            const char     *reason)
{
  g_autoptr(GError) error = NULL;

  if (!fd_center_set_stream_health (self->center, stream->organization_id, stream->id, health, reason, &error))
    g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s", stream->id, error->message);
}

static void
worker_start (FdEmail        *self,
              const FdStream *stream,
              char           *fingerprint)
{
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thread_name = NULL;
  Worker *w;

  settings = fd_email_settings_parse (stream->settings_json, &error);
  if (settings == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("The stream's mail settings are not complete: %s", error->message);

      set_health (self, stream, "needs-attention", reason);
      g_free (fingerprint);
      return;
    }
  sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id, "password", NULL);
  password = sealed != NULL ? fd_secret_box_open (self->box, sealed, &error) : NULL;
  if (password == NULL)
    {
      set_health (self, stream, "needs-attention",
                  sealed == NULL ? "The stream has no password yet: set its “password” through the admin API."
                                 : "The stream's password cannot be decrypted (was the secret key file replaced?); "
                                   "set the password again.");
      g_free (fingerprint);
      return;
    }
  if (g_hash_table_size (self->workers) >= self->options.max_workers)
    {
      set_health (self, stream, "needs-attention",
                  "This server already watches as many mailboxes as it may (--email-max-workers).");
      g_free (fingerprint);
      return;
    }

  w = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&w->ref);
  w->link = link_ref (self->link);
  w->organization_id = stream->organization_id;
  w->stream_id = stream->id;
  w->fingerprint = fingerprint;
  w->password = g_strndup (g_bytes_get_data (password, NULL), g_bytes_get_size (password));
  w->own[0] = settings->address;
  w->settings = g_steal_pointer (&settings);
  w->options = self->options;
  w->cancellable = g_cancellable_new ();
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  if (!fd_store_get_folder_position (self->store, stream->organization_id, stream->id, FD_EMAIL_FOLDER,
                                     &w->uidvalidity, &w->last_uid, &error))
    {
      g_warning ("Email stream %" G_GINT64_FORMAT ": cannot read its position: %s", stream->id, error->message);
      worker_unref (w);
      return;
    }
  thread_name = g_strdup_printf ("imap-%" G_GINT64_FORMAT, stream->id);
  w->thread = g_thread_new (thread_name, worker_thread, worker_ref (w));
  g_hash_table_insert (self->workers, g_memdup2 (&w->stream_id, sizeof w->stream_id), w);
}

/* Brings the workers in line with the email streams in the store. */
static void
reconcile (FdEmail *self)
{
  g_autoptr(GPtrArray) orgs = fd_store_list_organizations (self->store, NULL);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; orgs != NULL && i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);
      g_autoptr(GPtrArray) streams = fd_store_list_streams (self->store, org->id, FALSE, NULL);

      for (guint j = 0; streams != NULL && j < streams->len; j++)
        {
          FdStream *stream = g_ptr_array_index (streams, j);

          if (stream->kind != FD_STREAM_EMAIL)
            continue;
          g_hash_table_insert (wanted, g_memdup2 (&stream->id, sizeof stream->id),
                               stream_fingerprint (self, stream));
        }
    }

  /* Stop what is gone or changed. */
  g_hash_table_iter_init (&iter, self->workers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Worker *w = value;
      const char *fingerprint = g_hash_table_lookup (wanted, key);

      if (fingerprint == NULL || g_strcmp0 (fingerprint, w->fingerprint) != 0)
        g_hash_table_iter_remove (&iter);
    }

  /* Start what is new or changed. */
  for (guint i = 0; orgs != NULL && i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);
      g_autoptr(GPtrArray) streams = fd_store_list_streams (self->store, org->id, FALSE, NULL);

      for (guint j = 0; streams != NULL && j < streams->len; j++)
        {
          FdStream *stream = g_ptr_array_index (streams, j);

          if (stream->kind != FD_STREAM_EMAIL || g_hash_table_contains (self->workers, &stream->id))
            continue;
          worker_start (self, stream, g_strdup (g_hash_table_lookup (wanted, &stream->id)));
        }
    }
}

static void
on_config_changed_cb (FdCenter *center,
                      gint64    organization_id,
                      gpointer  data)
{
  reconcile (data);
}

/* --- The outbox sender ------------------------------------------------------- */

static void
send_job_free (SendJob *job)
{
  g_free (job->host);
  g_free (job->user);
  wipe_free (job->password);
  g_free (job->from);
  g_free (job->rcpt);
  g_clear_pointer (&job->message, g_bytes_unref);
  g_clear_error (&job->error);
  if (job->link != NULL)
    link_unref (job->link);
  g_free (job);
}

static void outbox_pump (FdEmail *self);

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
    }
  else if (g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_CANCELLED))
    return G_SOURCE_REMOVE;
  else
    {
      gboolean temporary = g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_TEMPORARY) ||
                           g_error_matches (job->error, FD_SMTP_ERROR, FD_SMTP_ERROR_NETWORK);

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
  outbox_pump (self);
  return G_SOURCE_REMOVE;
}

static gpointer
sender_thread (gpointer data)
{
  FdEmail *self = data;

  for (;;)
    {
      SendJob *job = g_async_queue_pop (self->send_queue);
      FdSmtpConfig config = { 0 };
      const char *rcpt[] = { job->rcpt, NULL };

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
      fd_smtp_send (&config, job->from, rcpt, job->message, self->send_cancellable, &job->error);
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
  const char *to;
  SendJob *job;
  GBytes *composed;

  conv = fd_store_get_conversation (self->store, row->organization_id, row->conversation_id, TRUE, error);
  stream = conv != NULL ? fd_store_get_stream (self->store, row->organization_id, row->stream_id, error) : NULL;
  if (stream == NULL)
    return NULL;
  settings = fd_email_settings_parse (stream->settings_json, error);
  if (settings == NULL)
    return NULL;
  sealed = fd_store_get_stream_secret (self->store, row->organization_id, row->stream_id, "password", NULL);
  password = sealed != NULL ? fd_secret_box_open (self->box, sealed, error) : NULL;
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
  if (to == NULL)
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID, "The customer has no email address to answer.");
      return NULL;
    }

  fd_store_get_last_customer_mail (self->store, row->organization_id, row->conversation_id, &last, NULL);
  attachments = reply_attachments (self, msg, keep);
  if (last.created_at > 0)
    quoted_date = g_date_time_new_from_unix_utc (last.created_at / G_USEC_PER_SEC);
  reply.from_address = settings->address;
  reply.from_name = settings->display_name;
  reply.to_address = to;
  reply.to_name = conv->visitor_name;
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
  job->from = g_strdup (settings->address);
  job->rcpt = g_strdup (to);
  job->message = composed;
  job->link = link_ref (self->link);
  return job;
}

static void
outbox_pump (FdEmail *self)
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

static void
on_outbox_notify_cb (gpointer data)
{
  outbox_pump (data);
}

static gboolean
on_tick_cb (gpointer data)
{
  outbox_pump (data);
  return G_SOURCE_CONTINUE;
}

/* --- The service ------------------------------------------------------------- */

FdEmail *
fd_email_new (FdCenter             *center,
              FdSecretBox          *box,
              const FdEmailOptions *options)
{
  FdEmail *self;

  g_return_val_if_fail (FD_IS_CENTER (center), NULL);
  g_return_val_if_fail (box != NULL, NULL);

  self = g_new0 (FdEmail, 1);
  self->center = center;
  self->store = fd_center_get_store (center);
  self->box = box;
  if (options != NULL)
    self->options = *options;
  else
    fd_email_options_init (&self->options);
  self->workers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, worker_stop);
  self->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->link = g_new0 (Link, 1);
  g_atomic_ref_count_init (&self->link->ref);
  self->link->email = self;
  fd_mail_libraries_init ();
  return self;
}

void
fd_email_start (FdEmail *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->sender == NULL);

  self->send_queue = g_async_queue_new ();
  self->send_cancellable = g_cancellable_new ();
  self->sender = g_thread_new ("smtp-outbox", sender_thread, self);
  self->config_id = g_signal_connect (self->center, "config-changed", G_CALLBACK (on_config_changed_cb), self);
  fd_center_set_outbox_notify (self->center, on_outbox_notify_cb, self);
  self->tick_id = g_timeout_add_seconds (OUTBOX_TICK_SECONDS, on_tick_cb, self);
  reconcile (self);
  outbox_pump (self);
}

void
fd_email_free (FdEmail *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->config_id, self->center);
  fd_center_set_outbox_notify (self->center, NULL, NULL);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  /* Hand-offs and results still queued on the main loop see the service
   * gone and do nothing. */
  self->link->email = NULL;
  g_clear_pointer (&self->workers, g_hash_table_unref);
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
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  link_unref (self->link);
  g_free (self);
}
