#define G_LOG_DOMAIN "fd-email"

/* FdEmail (fd-email.h): the service's lifecycle. It creates, starts and
 * frees the service, keeps one IMAP worker (fd-email-fetch.c) per email
 * stream in line with the store (started with the stream's settings and
 * password, stopped and restarted when they change, on the center's
 * config-changed signal), and drives the outbox sender (fd-email-send.c)
 * from the center's outbox notification and a tick. The state shared by the
 * three files is in fd-email-private.h. */

#include "fd-email-private.h"

#include "fd-center-email.h"
#include "fd-mail-parse.h"
#include "fd-store-email.h"
#include "fd-stream-workers.h"

#include <string.h>

Link *
email_link_ref (Link *link)
{
  g_atomic_ref_count_inc (&link->ref);
  return link;
}

void
email_link_unref (Link *link)
{
  if (g_atomic_ref_count_dec (&link->ref))
    g_free (link);
}

void
email_wipe_free (char *secret)
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
  options->oauth_base_url = NULL;
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
  email_worker_unref (w);
}

/* A worker's fingerprint (FdStreamWorkersClass): the settings and the
 * sealed password. */
static char *
stream_fingerprint (gpointer        owner,
                    const FdStream *stream)
{
  FdEmail *self = owner;
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                                         "password", NULL);
  g_autofree char *sealed_text = sealed != NULL ? g_base64_encode (g_bytes_get_data (sealed, NULL),
                                                                   g_bytes_get_size (sealed)) : NULL;
  /* New OAuth tokens written through the admin API (a new authorization)
   * restart the worker at once; the server's own refreshes do not emit
   * config-changed. */
  g_autoptr(GBytes) tokens = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                                         EMAIL_SECRET_OAUTH_TOKENS, NULL);
  g_autoptr(GBytes) client = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                                         EMAIL_SECRET_OAUTH_CLIENT_SECRET, NULL);
  g_autofree char *tokens_text = tokens != NULL ? g_base64_encode (g_bytes_get_data (tokens, NULL),
                                                                   g_bytes_get_size (tokens)) : NULL;
  g_autofree char *client_text = client != NULL ? g_base64_encode (g_bytes_get_data (client, NULL),
                                                                   g_bytes_get_size (client)) : NULL;

  return g_strconcat (stream->settings_json != NULL ? stream->settings_json : "", "\n",
                      sealed_text != NULL ? sealed_text : "", "\n", tokens_text != NULL ? tokens_text : "", "\n",
                      client_text != NULL ? client_text : "", NULL);
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
worker_start (gpointer        owner,
              const FdStream *stream,
              char           *fingerprint)
{
  FdEmail *self = owner;
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *thread_name = NULL;
  Worker *w;

  settings = fd_email_settings_parse (stream->settings_json, &error);
  /* A stream created with a name alone is completed through its
   * authorization link, when the organization has authorization addresses. */
  if (settings == NULL && self->authorize != NULL && fd_authorize_stream_waiting (self->authorize, stream))
    {
      g_free (fingerprint);
      return;
    }
  if (settings == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("The stream's mail settings are not complete: %s", error->message);

      set_health (self, stream, "needs-attention", reason);
      g_free (fingerprint);
      return;
    }
  if (email_stream_uses_oauth (settings))
    {
      sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                           EMAIL_SECRET_OAUTH_TOKENS, NULL);
      if (sealed == NULL && self->authorize != NULL && fd_authorize_stream_waiting (self->authorize, stream))
        {
          g_free (fingerprint);
          return;
        }
      if (sealed == NULL)
        {
          set_health (self, stream, "needs-authorization",
                      "The mailbox is not authorized yet: it has no OAuth tokens (the stream's “oauth_tokens”).");
          g_free (fingerprint);
          return;
        }
      g_clear_pointer (&sealed, g_bytes_unref);
    }
  else
    {
      sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id, "password", NULL);
      password = sealed != NULL ? fd_secret_box_open (self->box, sealed, &error) : NULL;
    }
  if (password == NULL && !email_stream_uses_oauth (settings) && sealed == NULL && self->authorize != NULL &&
      fd_authorize_stream_waiting (self->authorize, stream))
    {
      g_free (fingerprint);
      return;
    }
  if (password == NULL && !email_stream_uses_oauth (settings))
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
  w->link = email_link_ref (self->link);
  w->organization_id = stream->organization_id;
  w->stream_id = stream->id;
  w->fingerprint = fingerprint;
  w->oauth = password == NULL;
  w->password = password != NULL ? g_strndup (g_bytes_get_data (password, NULL), g_bytes_get_size (password)) : NULL;
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
      email_worker_unref (w);
      return;
    }
  thread_name = g_strdup_printf ("imap-%" G_GINT64_FORMAT, stream->id);
  w->thread = g_thread_new (thread_name, email_worker_thread, email_worker_ref (w));
  g_hash_table_insert (self->workers, g_memdup2 (&w->stream_id, sizeof w->stream_id), w);
}

static const char *
running_fingerprint (gpointer worker)
{
  return ((Worker *) worker)->fingerprint;
}

static void
pump_outbox (gpointer owner)
{
  email_outbox_pump (owner);
}

static const FdStreamWorkersClass email_workers_class = {
  .kind = FD_STREAM_EMAIL,
  .fingerprint = stream_fingerprint,
  .running_fingerprint = running_fingerprint,
  .start = worker_start,
  .pump = pump_outbox,
  .set_outbox_notify = fd_center_set_outbox_notify,
};

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
  self->oauth_base_url = g_strdup (self->options.oauth_base_url);
  self->options.oauth_base_url = NULL;
  self->oauth_session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
  self->oauth_cancellable = g_cancellable_new ();
  self->oauth_keeper = email_oauth_keeper_new (self);
  fd_mail_libraries_init ();
  return self;
}

void
fd_email_set_authorize (FdEmail     *self,
                        FdAuthorize *authorize)
{
  g_return_if_fail (self != NULL);

  self->authorize = authorize;
  fd_oauth_keeper_set_authorize (self->oauth_keeper, authorize);
}

void
fd_email_start (FdEmail *self)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->sender == NULL);

  email_sender_start (self);
  fd_stream_workers_start (&self->streams, &email_workers_class, self, self->center, self->workers);
}

void
fd_email_free (FdEmail *self)
{
  if (self == NULL)
    return;
  fd_stream_workers_stop (&self->streams);
  /* Hand-offs and results still queued on the main loop see the service
   * gone and do nothing. */
  self->link->email = NULL;
  g_clear_pointer (&self->workers, g_hash_table_unref);
  email_sender_stop (self);
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_cancellable_cancel (self->oauth_cancellable);
  fd_oauth_keeper_free (g_steal_pointer (&self->oauth_keeper), "The mail service stopped.");
  g_clear_object (&self->oauth_session);
  g_clear_object (&self->oauth_cancellable);
  g_free (self->oauth_base_url);
  email_link_unref (self->link);
  g_free (self);
}
