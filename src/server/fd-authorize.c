#define G_LOG_DOMAIN "fd-authorize"

/* FdAuthorize (fd-authorize.h): authorization links and the server's own
 * mail. A link is a random token (libsodium, fd_auth_generate_token()) of
 * which the store keeps only the hash, bound to one stream, expiring, used
 * once; a new one replaces the stream's row, which voids the old one. The
 * authorization email is composed on the main loop (GMime) and handed to
 * one sender thread that gives it to the relay (libcurl), retrying with
 * backoff; the result comes back to the main loop as the stream's health. */

#include "fd-authorize-private.h"

#include "fd-auth.h"
#include "fd-center-email.h"
#include "fd-email-settings.h"
#include "fd-mail-compose.h"
#include "fd-store-email.h"

#include <string.h>

#define LINK_TOKEN_PREFIX "fdal_"
/* The longest health reason kept, in bytes (the store takes more). */
#define REASON_MAX 1000

typedef struct {
  gint64  organization_id;
  gint64  stream_id;
  GBytes *message;   /* NULL: stop */
  GStrv   rcpt;
  char   *why;       /* why the stream needs authorization; NULL: new */
} MailJob;

typedef struct {
  AuthorizeHandle *handle;
  gint64           organization_id;
  gint64           stream_id;
  GStrv            rcpt;
  char            *why;
  GError          *error;
} MailResult;

static AuthorizeHandle *
handle_ref (AuthorizeHandle *handle)
{
  g_atomic_ref_count_inc (&handle->ref);
  return handle;
}

static void
handle_unref (AuthorizeHandle *handle)
{
  if (g_atomic_ref_count_dec (&handle->ref))
    g_free (handle);
}

static void
mail_job_free (gpointer data)
{
  MailJob *job = data;

  g_clear_pointer (&job->message, g_bytes_unref);
  g_strfreev (job->rcpt);
  g_free (job->why);
  g_free (job);
}

static void
mail_result_free (gpointer data)
{
  MailResult *result = data;

  handle_unref (result->handle);
  g_strfreev (result->rcpt);
  g_free (result->why);
  g_clear_error (&result->error);
  g_free (result);
}

void
fd_authorize_options_init (FdAuthorizeOptions *options)
{
  memset (options, 0, sizeof *options);
  options->link_seconds = FD_AUTHORIZE_DEFAULT_LINK_SECONDS;
  options->backoff_ms = 2000;
}

const char *
authorize_stream_thing (FdStreamKind kind)
{
  return kind == FD_STREAM_TWITTER ? "X account" : "mailbox";
}

const char *
authorize_stream_type (FdStreamKind kind)
{
  switch (kind)
    {
    case FD_STREAM_EMAIL:
      return "Email";
    case FD_STREAM_TWITTER:
      return "Twitter";
    case FD_STREAM_WEBCHAT:
      return "Web Chat";
    case FD_STREAM_CALLBACK:
    default:
      return "Callback";
    }
}

void
authorize_set_health (FdAuthorize *self,
                      gint64       organization_id,
                      gint64       stream_id,
                      const char  *health,
                      const char  *reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *clipped = NULL;

  if (reason != NULL && strlen (reason) > REASON_MAX)
    {
      const char *end = g_utf8_find_prev_char (reason, reason + REASON_MAX);

      clipped = g_strdup_printf ("%.*s…", (int) (end - reason), reason);
      reason = clipped;
    }
  if (!fd_center_set_stream_health (self->center, organization_id, stream_id, health, reason, &error))
    g_warning ("Cannot record the health of stream %" G_GINT64_FORMAT ": %s", stream_id, error->message);
}

/* --- The sender thread --------------------------------------------------------- */

/* Sleeps @ms unless the service stops first; FALSE then. */
static gboolean
sleep_unless_cancelled (GCancellable *cancellable,
                        guint         ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (20000, until - g_get_monotonic_time () > 0 ? until - g_get_monotonic_time () : 0));
    }
  return !g_cancellable_is_cancelled (cancellable);
}

static gboolean
on_mail_result_cb (gpointer data)
{
  MailResult *result = data;
  FdAuthorize *self = result->handle->self;
  g_autoptr(FdStream) stream = NULL;
  g_autofree char *to = NULL;
  g_autofree char *reason = NULL;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  stream = fd_store_get_stream (self->store, result->organization_id, result->stream_id, NULL);
  /* Authorized meanwhile (or deleted): the result no longer matters. */
  if (stream == NULL || stream->deleted || g_strcmp0 (stream->health, "needs-authorization") != 0)
    return G_SOURCE_REMOVE;
  to = g_strjoinv (", ", result->rcpt);
  if (result->error != NULL)
    {
      g_warning ("The authorization email of stream %" G_GINT64_FORMAT " could not be sent: %s",
                 result->stream_id, result->error->message);
      reason = g_strdup_printf ("%s%sThe authorization email to %s could not be sent through the mail relay "
                                "(--mail-relay): %s Send a new one with “frontdeskctl stream "
                                "resend-authorization”.", result->why != NULL ? result->why : "",
                                result->why != NULL ? " " : "", to, result->error->message);
    }
  else
    reason = g_strdup_printf ("%s%sWaiting for the %s to be authorized: the authorization link was emailed "
                              "to %s.", result->why != NULL ? result->why : "", result->why != NULL ? " " : "",
                              authorize_stream_thing (stream->kind), to);
  authorize_set_health (self, result->organization_id, result->stream_id, "needs-authorization", reason);
  return G_SOURCE_REMOVE;
}

static gboolean
is_temporary (const GError *error)
{
  return g_error_matches (error, FD_SMTP_ERROR, FD_SMTP_ERROR_NETWORK) ||
         g_error_matches (error, FD_SMTP_ERROR, FD_SMTP_ERROR_TEMPORARY);
}

static gpointer
sender_thread (gpointer data)
{
  FdAuthorize *self = data;
  FdSmtpConfig config = {
    .host = self->relay_host,
    .port = self->relay_port,
    .tls = self->relay_tls,
    .ca_file = self->relay_ca_file,
    .auth = self->relay_user != NULL ? FD_SMTP_AUTH_PASSWORD : FD_SMTP_AUTH_NONE,
    .username = self->relay_user,
    .password = self->relay_password,
    .timeout_s = 120,
  };

  for (;;)
    {
      MailJob *job = g_async_queue_pop (self->queue);
      MailResult *result;
      GError *error = NULL;
      guint delay = self->backoff_ms;

      if (job->message == NULL)
        {
          mail_job_free (job);
          break;
        }
      for (guint attempt = 1; ; attempt++)
        {
          g_clear_error (&error);
          if (fd_smtp_send (&config, self->mail_from, (const char * const *) job->rcpt, job->message,
                            self->cancellable, &error))
            break;
          if (!is_temporary (error) || attempt >= FD_AUTHORIZE_MAIL_ATTEMPTS ||
              !sleep_unless_cancelled (self->cancellable, delay))
            break;
          delay = MIN (delay * 2, 60 * 1000);
        }
      result = g_new0 (MailResult, 1);
      result->handle = handle_ref (self->handle);
      result->organization_id = job->organization_id;
      result->stream_id = job->stream_id;
      result->rcpt = g_strdupv (job->rcpt);
      result->why = g_strdup (job->why);
      result->error = error;
      g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_mail_result_cb, result, mail_result_free);
      mail_job_free (job);
    }
  return NULL;
}

/* --- Links ------------------------------------------------------------------- */

static char *
compose_mail (FdAuthorize           *self,
              const FdOrganization  *org,
              const FdStream        *stream,
              const char            *url,
              gint64                 expires_at,
              GError               **error)
{
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (expires_at / G_USEC_PER_SEC);
  g_autofree char *when = g_date_time_format (expires, "%Y-%m-%d %H:%M UTC");
  g_autofree char *subject = g_strdup_printf ("Contact Center Authorization Required: %s stream “%s”",
                                              authorize_stream_type (stream->kind), stream->name);
  g_autofree char *text = g_strdup_printf (
    "You have been sent this email because a Frontdesk contact center channel requires authorization. "
    "Please open this link to perform this action:\n"
    "\n"
    "%s\n"
    "\n"
    "Media Stream Details\n"
    "Type: %s\n"
    "Name: %s\n"
    "Organization: %s\n"
    "\n"
    "The link works once and until %s; a newer authorization email replaces it.\n"
    "\n"
    "Please contact your contact center provider if any further information is required.\n",
    url, authorize_stream_type (stream->kind), stream->name, org->name, when);
  FdMailNotice notice = {
    .from_address = self->mail_from,
    .from_name = "Frontdesk",
    .to = (const char * const *) org->authorization_addresses,
    .subject = subject,
    .text = text,
    .domain = self->mail_domain,
  };
  g_autoptr(GBytes) message = fd_mail_compose_notice (&notice, error);

  if (message == NULL)
    return NULL;
  return g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
}

/* fd_authorize_new_link(), @why (NULL: none) said first in the stream's
 * health reason. */
static char *
new_link (FdAuthorize  *self,
          gint64        organization_id,
          gint64        stream_id,
          const char   *why,
          gint64       *out_expires_at,
          GStrv        *out_sent_to,
          GError      **error)
{
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *url = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *reason = NULL;
  gint64 now = g_get_real_time ();
  gint64 expires_at = now + self->link_usec;
  const char *thing;
  gboolean mail;

  g_return_val_if_fail (self != NULL, NULL);

  if (out_sent_to != NULL)
    *out_sent_to = NULL;
  org = fd_store_get_organization (self->store, organization_id, error);
  if (org == NULL)
    return NULL;
  stream = fd_store_get_stream (self->store, organization_id, stream_id, error);
  if (stream == NULL)
    return NULL;
  if (stream->deleted || (stream->kind != FD_STREAM_EMAIL && stream->kind != FD_STREAM_TWITTER))
    {
      g_set_error (error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID,
                   "Only an email or twitter stream is authorized through a link; stream %" G_GINT64_FORMAT
                   " is not one.", stream_id);
      return NULL;
    }
  thing = authorize_stream_thing (stream->kind);
  token = fd_auth_generate_token (LINK_TOKEN_PREFIX);
  hash = fd_auth_hash_token (token);
  url = g_strdup_printf ("%s" FD_AUTHORIZE_PREFIX "/%s", self->public_url, token);
  mail = self->relay_host != NULL && org->authorization_addresses != NULL &&
         org->authorization_addresses[0] != NULL;
  /* Composed first: a link is only stored when its mail can be made. */
  if (mail && (raw = compose_mail (self, org, stream, url, expires_at, error)) == NULL)
    return NULL;
  if (!fd_store_set_authorization (self->store, organization_id, stream_id, hash, now, expires_at, error))
    return NULL;

  if (mail && g_async_queue_length (self->queue) >= FD_AUTHORIZE_MAX_QUEUED)
    {
      reason = g_strdup ("The authorization email was not sent: too many of the server's emails are waiting for "
                         "the mail relay (--mail-relay). Send a new one later with “frontdeskctl stream "
                         "resend-authorization”.");
      mail = FALSE;
    }
  else if (mail)
    {
      MailJob *job = g_new0 (MailJob, 1);
      gsize length = strlen (raw);

      job->organization_id = organization_id;
      job->stream_id = stream_id;
      job->message = g_bytes_new_take (g_steal_pointer (&raw), length);
      job->rcpt = g_strdupv (org->authorization_addresses);
      job->why = g_strdup (why);
      g_async_queue_push (self->queue, job);
      if (out_sent_to != NULL)
        *out_sent_to = g_strdupv (org->authorization_addresses);
      reason = g_strdup_printf ("Waiting for the %s to be authorized: the authorization email is being sent.", thing);
    }
  else if (self->relay_host == NULL)
    reason = g_strdup_printf ("Waiting for the %s to be authorized: this server has no mail relay (--mail-relay), "
                              "so no authorization email was sent; “frontdeskctl stream resend-authorization "
                              "--print-link” prints a link.", thing);
  else
    reason = g_strdup_printf ("Waiting for the %s to be authorized: the organization has no authorization "
                              "addresses, so no email was sent; “frontdeskctl stream resend-authorization "
                              "--print-link” prints a link.", thing);
  if (why != NULL)
    {
      char *both = g_strconcat (why, " ", reason, NULL);

      g_free (reason);
      reason = both;
    }
  authorize_set_health (self, organization_id, stream_id, "needs-authorization", reason);
  if (out_sent_to != NULL && *out_sent_to == NULL)
    *out_sent_to = g_new0 (char *, 1);
  if (out_expires_at != NULL)
    *out_expires_at = expires_at;
  g_message ("A new authorization link for stream %" G_GINT64_FORMAT " (%s)", stream_id,
             mail ? "emailed" : "not emailed");
  return g_steal_pointer (&url);
}

char *
fd_authorize_new_link (FdAuthorize  *self,
                       gint64        organization_id,
                       gint64        stream_id,
                       gint64       *out_expires_at,
                       GStrv        *out_sent_to,
                       GError      **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  return new_link (self, organization_id, stream_id, NULL, out_expires_at, out_sent_to, error);
}

gboolean
fd_authorize_stream_waiting (FdAuthorize    *self,
                             const FdStream *stream)
{
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gboolean has = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  org = fd_store_get_organization (self->store, stream->organization_id, NULL);
  if (org == NULL || org->authorization_addresses == NULL || org->authorization_addresses[0] == NULL)
    return FALSE;
  if (!fd_store_has_authorization (self->store, stream->organization_id, stream->id, &has, &error))
    {
      g_warning ("Stream %" G_GINT64_FORMAT ": cannot read its authorization link: %s", stream->id, error->message);
      return TRUE;
    }
  /* The first link once; later ones on request (or a revoked grant). */
  if (has)
    {
      if (g_strcmp0 (stream->health, "needs-authorization") != 0)
        {
          g_autofree char *reason = g_strdup_printf ("Waiting for the %s to be authorized through the link emailed "
                                                     "to the authorization addresses; “frontdeskctl stream "
                                                     "resend-authorization” sends a new one.",
                                                     authorize_stream_thing (stream->kind));

          authorize_set_health (self, stream->organization_id, stream->id, "needs-authorization", reason);
        }
      return TRUE;
    }
  url = fd_authorize_new_link (self, stream->organization_id, stream->id, NULL, NULL, &error);
  if (url == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("No authorization link could be made: %s", error->message);

      authorize_set_health (self, stream->organization_id, stream->id, "needs-authorization", reason);
    }
  return TRUE;
}

void
fd_authorize_grant_revoked (FdAuthorize *self,
                            gint64       organization_id,
                            gint64       stream_id,
                            const char  *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autofree char *url = NULL;
  gboolean has = FALSE;

  g_return_if_fail (self != NULL);

  /* Without addresses nobody would get the link: the administrator
   * resends it (frontdeskctl stream resend-authorization). */
  org = fd_store_get_organization (self->store, organization_id, NULL);
  if (org == NULL || org->authorization_addresses == NULL || org->authorization_addresses[0] == NULL)
    return;

  if (!fd_store_has_authorization (self->store, organization_id, stream_id, &has, &error))
    {
      g_warning ("Stream %" G_GINT64_FORMAT ": cannot read its authorization link: %s", stream_id, error->message);
      return;
    }
  if (has)
    {
      FdStoreAuthorization link;
      gint64 now = g_get_real_time ();
      gboolean live;

      if (!fd_store_get_stream_authorization (self->store, organization_id, stream_id, &link, &error))
        {
          g_warning ("Stream %" G_GINT64_FORMAT ": cannot read its authorization link: %s", stream_id,
                     error->message);
          return;
        }
      live = link.used_at == 0 && link.expires_at > now;
      fd_store_authorization_clear (&link);
      if (live)
        return;
    }
  url = new_link (self, organization_id, stream_id, why, NULL, NULL, &error);
  if (url == NULL)
    g_warning ("Stream %" G_GINT64_FORMAT ": no new authorization link: %s", stream_id, error->message);
}

/* --- Twitter streams waiting for their first authorization --------------------- */

/* A twitter stream has nothing to run on until its X account is
 * authorized (its sealed "oauth_tokens"): once created, or whenever the
 * configuration changes, such a stream needs authorization and its first
 * link is mailed, as FdEmail does for an email stream created with a name
 * alone. fd_authorize_stream_waiting() makes a link once per stream, so the
 * poller asking too is harmless. */
static void
twitter_streams_check (FdAuthorize *self)
{
  g_autoptr(GPtrArray) orgs = fd_store_list_organizations (self->store, NULL);

  for (guint i = 0; orgs != NULL && i < orgs->len; i++)
    {
      FdOrganization *org = g_ptr_array_index (orgs, i);
      g_autoptr(GPtrArray) streams = fd_store_list_streams (self->store, org->id, FALSE, NULL);

      for (guint j = 0; streams != NULL && j < streams->len; j++)
        {
          FdStream *stream = g_ptr_array_index (streams, j);
          g_autoptr(GBytes) tokens = NULL;

          if (stream->kind != FD_STREAM_TWITTER || stream->deleted)
            continue;
          tokens = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                               AUTHORIZE_SECRET_OAUTH_TOKENS, NULL);
          if (tokens == NULL)
            fd_authorize_stream_waiting (self, stream);
        }
    }
}

static void
on_config_changed_cb (FdCenter *center,
                      gint64    organization_id,
                      gpointer  data)
{
  twitter_streams_check (data);
}

/* --- The service ------------------------------------------------------------- */

static gboolean
parse_relay (FdAuthorize               *self,
             const FdAuthorizeOptions  *options,
             GError                   **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *at;
  gint port;

  uri = g_uri_parse (options->relay_url, G_URI_FLAGS_NONE, error);
  if (uri == NULL)
    {
      g_prefix_error (error, "--mail-relay: ");
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "smtp") != 0 && g_strcmp0 (scheme, "smtps") != 0) || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--mail-relay must be smtp://HOST[:PORT] (STARTTLS, or plain on this machine) or "
                   "smtps://HOST[:PORT], without a user or password (--mail-relay-user and "
                   "--mail-relay-password-file give them).");
      return FALSE;
    }
  self->relay_host = g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  self->relay_port = port > 0 && port <= 65535 ? (guint16) port : 0;
  if (g_str_equal (scheme, "smtps"))
    self->relay_tls = FD_SMTP_TLS_IMPLICIT;
  else
    self->relay_tls = fd_email_host_is_loopback (self->relay_host) ? FD_SMTP_TLS_NONE : FD_SMTP_TLS_STARTTLS;
  if (self->relay_port == 0 && self->relay_tls == FD_SMTP_TLS_NONE)
    self->relay_port = 25;

  if (options->mail_from == NULL || !fd_mail_address_is_plain (options->mail_from))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--mail-from ADDRESS (a plain local@domain address) is needed with --mail-relay: the "
                   "authorization emails come from it.");
      return FALSE;
    }
  self->mail_from = g_strdup (options->mail_from);
  at = strrchr (self->mail_from, '@');
  self->mail_domain = g_strdup (at + 1);

  if ((options->relay_user == NULL) != (options->relay_password_file == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--mail-relay-user and --mail-relay-password-file go together.");
      return FALSE;
    }
  if (options->relay_user != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;
      char *end;

      if (!g_file_get_contents (options->relay_password_file, &contents, &length, error))
        {
          g_prefix_error (error, "--mail-relay-password-file: ");
          return FALSE;
        }
      end = strpbrk (contents, "\r\n");
      if (end != NULL)
        *end = '\0';
      self->relay_password = g_strdup (contents);
      sodium_memzero (contents, length);
      self->relay_user = g_strdup (options->relay_user);
    }
  self->relay_ca_file = g_strdup (options->relay_ca_file);
  return TRUE;
}

static gboolean
is_http_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0);
}

FdAuthorize *
fd_authorize_new (FdCenter                  *center,
                  FdSecretBox               *box,
                  const FdAuthorizeOptions  *options,
                  const char                *listener_url,
                  GError                   **error)
{
  FdAuthorize *self;
  const char *base;

  g_return_val_if_fail (FD_IS_CENTER (center), NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (listener_url != NULL, NULL);

  base = options->public_url != NULL ? options->public_url : listener_url;
  if (!g_str_has_prefix (base, "http://") && !g_str_has_prefix (base, "https://"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--public-url must be an http:// or https:// URL (where people reach this server).");
      return NULL;
    }
  if ((options->x_oauth_base_url != NULL && !is_http_url (options->x_oauth_base_url)) ||
      (options->x_api_base_url != NULL && !is_http_url (options->x_api_base_url)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--x-oauth-base-url and --x-api-base-url must be http:// or https:// URLs (an origin).");
      return NULL;
    }
  if (options->link_seconds < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "--authorization-link-seconds must be 1 or more.");
      return NULL;
    }

  self = g_new0 (FdAuthorize, 1);
  self->center = center;
  self->store = fd_center_get_store (center);
  self->box = box;
  self->public_url = g_strdup (base);
  while (g_str_has_suffix (self->public_url, "/"))
    self->public_url[strlen (self->public_url) - 1] = '\0';
  self->secure = g_str_has_prefix (self->public_url, "https://");
  self->link_usec = (gint64) options->link_seconds * G_USEC_PER_SEC;
  self->backoff_ms = options->backoff_ms > 0 ? options->backoff_ms : 2000;
  self->oauth_base_url = g_strdup (options->oauth_base_url);
  self->x_oauth_base_url = g_strdup (options->x_oauth_base_url);
  self->x_api_base_url = g_strdup (options->x_api_base_url != NULL ? options->x_api_base_url
                                                                   : FD_AUTHORIZE_X_API_BASE_URL);
  while (g_str_has_suffix (self->x_api_base_url, "/"))
    self->x_api_base_url[strlen (self->x_api_base_url) - 1] = '\0';
  self->queue = g_async_queue_new_full (mail_job_free);
  self->cancellable = g_cancellable_new ();
  self->handle = g_new0 (AuthorizeHandle, 1);
  g_atomic_ref_count_init (&self->handle->ref);
  self->handle->self = self;
  if (options->relay_url != NULL && !parse_relay (self, options, error))
    {
      fd_authorize_free (self);
      return NULL;
    }
  authorize_page_init (self);
  if (self->relay_host != NULL)
    self->sender = g_thread_new ("authorize-mail", sender_thread, self);
  self->config_id = g_signal_connect (center, "config-changed", G_CALLBACK (on_config_changed_cb), self);
  twitter_streams_check (self);
  return self;
}

void
fd_authorize_free (FdAuthorize *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->config_id, self->center);
  if (self->sender != NULL)
    {
      MailJob *stop = g_new0 (MailJob, 1);

      g_cancellable_cancel (self->cancellable);
      /* The stop job goes first: queued mail is not sent any more. */
      g_async_queue_push_front (self->queue, stop);
      g_thread_join (self->sender);
    }
  self->handle->self = NULL;
  handle_unref (self->handle);
  if (self->oauth_cancellable != NULL)
    g_cancellable_cancel (self->oauth_cancellable);
  g_clear_object (&self->oauth_session);
  g_clear_object (&self->oauth_cancellable);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_object (&self->cancellable);
  if (self->relay_password != NULL)
    sodium_memzero (self->relay_password, strlen (self->relay_password));
  sodium_memzero (self->csrf_key, sizeof self->csrf_key);
  g_free (self->relay_password);
  g_free (self->relay_host);
  g_free (self->relay_user);
  g_free (self->relay_ca_file);
  g_free (self->mail_from);
  g_free (self->mail_domain);
  g_free (self->public_url);
  g_free (self->oauth_base_url);
  g_free (self->x_oauth_base_url);
  g_free (self->x_api_base_url);
  g_free (self->style_hash);
  g_free (self);
}
