#define G_LOG_DOMAIN "fd-email"

/* FdEmail's IMAP worker thread, one per email stream: a session connects,
 * selects the folder, fetches everything new, then waits in IDLE (or
 * polls), with backoff after an error; each mail is parsed and checked for
 * loop protection in the thread, and the stream's health is reported when
 * it changes. A worker never touches the store: it hands each mail to the
 * main loop and waits for the answer, so the folder position it goes on
 * from is the one the store committed with the mail. A worker that is
 * stopped while the main loop has not yet run its hand-off leaves the
 * hand-off behind; the main loop sees the worker stopped and drops it (the
 * mail is fetched again by the next worker, from the committed position). */

#include "fd-email-private.h"

#include "fd-center-email.h"
#include "fd-file-policy.h"
#include "fd-imap.h"
#include "fd-mail-parse.h"

/* --- Workers: the thread side ------------------------------------------------ */

Worker *
email_worker_ref (Worker *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

void
email_worker_unref (Worker *w)
{
  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  g_free (w->fingerprint);
  fd_email_settings_free (w->settings);
  email_wipe_free (w->password);
  email_wipe_free (w->token);
  g_clear_object (&w->cancellable);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w->last_health);
  email_link_unref (w->link);
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

  email_worker_unref (report->worker);
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
  report->worker = email_worker_ref (w);
  report->health = g_strdup (health);
  report->reason = g_strdup (reason);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_health_cb, report, health_report_free);
}

static char *
reason_for (const GError *error)
{
  if (error->domain == FD_OAUTH_ERROR)
    return g_strdup_printf ("The mailbox's OAuth access token cannot be had: %s", error->message);
  if (error->domain == FD_IMAP_ERROR)
    switch ((FdImapError) error->code)
      {
      case FD_IMAP_ERROR_AUTH:
        return g_strdup_printf ("The mail server refused the user name or password: %s "
                                "Correct the stream's password (or user name).", error->message);
      case FD_IMAP_ERROR_TLS:
        return g_strdup_printf ("The secure connection to the mail server failed (if its certificate comes "
                                "from a private certificate authority, give that authority's certificate "
                                "as the stream's “ca_file”): %s", error->message);
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

  email_worker_unref (job->worker);
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

  job->worker = email_worker_ref (w);
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
  config.tls_ca_file = w->settings->ca_file;
  config.user = w->settings->user_name != NULL ? w->settings->user_name : w->settings->address;
  config.password = w->password;
  if (w->oauth)
    {
      email_wipe_free (w->token);
      w->token = email_oauth_token_wait (w->link, w->organization_id, w->stream_id, w->cancellable, &error);
      if (w->token == NULL)
        goto failed;
      config.oauth_token = w->token;
    }

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
      if (result == FD_IMAP_IDLE_POLL)
        {
          if (!worker_sleep (w, w->settings->poll_seconds * 1000))
            return;
          /* Without it, Dovecot would show a new mail only on its own
           * 5 s rhythm, whatever the stream's interval. */
          if (!fd_imap_noop (session, &error))
            goto failed;
        }
      if (g_cancellable_is_cancelled (w->cancellable))
        return;
    }

failed:
  if (g_cancellable_is_cancelled (w->cancellable) ||
      (error != NULL && (g_error_matches (error, FD_IMAP_ERROR, FD_IMAP_ERROR_CANCELLED) ||
                         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))))
    return;
  {
    g_autofree char *reason = reason_for (error);

    /* A revoked grant: the main loop has set "needs-authorization" with
     * its sentence; the worker keeps trying (new tokens restart it). */
    if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
      {
        g_free (w->last_health);
        w->last_health = g_strdup ("needs-authorization");
      }
    else
      worker_report (w, "needs-attention", reason);
  }
  worker_sleep (w, *backoff_ms);
  *backoff_ms = MIN (*backoff_ms * 2, w->options.max_backoff_ms);
}

gpointer
email_worker_thread (gpointer data)
{
  Worker *w = data;
  guint backoff_ms = w->options.backoff_ms;

  while (!g_cancellable_is_cancelled (w->cancellable))
    worker_session (w, &backoff_ms);
  email_worker_unref (w);
  return NULL;
}
