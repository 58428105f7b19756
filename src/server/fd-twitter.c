#define G_LOG_DOMAIN "fd-twitter"

/* FdTwitter (fd-twitter.h): the service's lifecycle, which pollers run
 * (one per twitter stream with tokens, in line with the store on the
 * center's config-changed signal), the streams' OAuth tokens and health.
 * The cycle is fd-twitter-poll.c's, the sender fd-twitter-send.c's. */

#include "fd-twitter-private.h"

#include "fd-center-email.h"
#include "fd-center-twitter.h"
#include "fd-email-settings.h"
#include "fd-store-email.h"
#include "fd-stream-workers.h"

#include <string.h>

void
fd_twitter_options_init (FdTwitterOptions *options)
{
  options->api_base_url = NULL;
  options->oauth_base_url = NULL;
  options->backoff_ms = FD_TWITTER_DEFAULT_BACKOFF_MS;
  options->max_attempts = FD_TWITTER_DEFAULT_ATTEMPTS;
  options->max_pollers = FD_TWITTER_DEFAULT_MAX_POLLERS;
}

guint
twitter_backoff_ms (FdTwitter *self,
                    guint      failures)
{
  guint64 delay = MAX (self->options.backoff_ms, 1);

  for (guint i = 1; i < failures && delay < FD_TWITTER_MAX_BACKOFF_MS; i++)
    delay *= 2;
  return (guint) MIN (delay, FD_TWITTER_MAX_BACKOFF_MS);
}

void
twitter_set_health (FdTwitter   *self,
                    gint64       organization_id,
                    gint64       stream_id,
                    const char  *health,
                    const char  *reason)
{
  g_autoptr(GError) error = NULL;

  if (!fd_center_set_stream_health (self->center, organization_id, stream_id, health, reason, &error))
    g_warning ("Cannot record the health of twitter stream %" G_GINT64_FORMAT ": %s", stream_id, error->message);
}

void
twitter_count_call (FdTwitter *self,
                    gint64     organization_id,
                    gint64     stream_id)
{
  g_autoptr(GError) error = NULL;

  if (!fd_center_count_x_calls (self->center, organization_id, stream_id, 1, NULL, &error))
    g_warning ("Twitter stream %" G_GINT64_FORMAT ": cannot count its X API calls: %s", stream_id, error->message);
}

static char *
secret_text (FdTwitter      *self,
             const FdStream *stream,
             const char     *name)
{
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id, name, NULL);

  return sealed != NULL ? g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed)) : g_strdup ("");
}

char *
twitter_fingerprint (FdTwitter      *self,
                     const FdStream *stream)
{
  g_autofree char *tokens = secret_text (self, stream, TWITTER_SECRET_OAUTH_TOKENS);
  g_autofree char *client = secret_text (self, stream, TWITTER_SECRET_OAUTH_CLIENT_SECRET);

  return g_strconcat (stream->settings_json != NULL ? stream->settings_json : "", "\n", tokens, "\n", client, NULL);
}

/* --- Tokens (fd-oauth-keeper.c) ------------------------------------------------ */

typedef struct {
  FdTwitter            *self;
  TwitterTokenCallback  callback;
  gpointer              data;
} TokenWait;

static void
set_health (gpointer    owner,
            gint64      organization_id,
            gint64      stream_id,
            const char *health,
            const char *reason)
{
  twitter_set_health (owner, organization_id, stream_id, health, reason);
}

static gboolean
prepare_refresh (gpointer          owner,
                 const FdStream   *stream,
                 char            **client_id,
                 FdOAuthProvider **provider,
                 GError          **error)
{
  FdTwitter *self = owner;
  g_autoptr(FdXSettings) settings = fd_x_settings_parse (stream->settings_json, error);

  if (settings == NULL)
    return FALSE;
  *provider = self->oauth_base_url != NULL
              ? fd_oauth_provider_new_for_base (FD_OAUTH_PLATFORM_X, NULL, self->oauth_base_url)
              : fd_oauth_provider_new (FD_OAUTH_PLATFORM_X, NULL);
  *client_id = g_strdup (settings->oauth_client_id);
  return TRUE;
}

/* A refresh is an X API call too (the token endpoint is X's). */
static void
on_refreshing (gpointer owner,
               gint64   organization_id,
               gint64   stream_id)
{
  twitter_count_call (owner, organization_id, stream_id);
}

/* The poller's fingerprint follows the new tokens (the server's own
 * refresh restarts nothing). */
static void
on_saved (gpointer owner,
          gint64   organization_id,
          gint64   stream_id)
{
  FdTwitter *self = owner;
  Poller *poller = g_hash_table_lookup (self->pollers, &stream_id);

  if (poller != NULL)
    {
      g_autoptr(FdStream) stream = fd_store_get_stream (self->store, organization_id, stream_id, NULL);

      if (stream != NULL)
        twitter_poller_set_fingerprint (poller, twitter_fingerprint (self, stream));
    }
}

static const FdOAuthKeeperClass twitter_keeper_class = {
  .tokens_secret = TWITTER_SECRET_OAUTH_TOKENS,
  .client_secret_secret = TWITTER_SECRET_OAUTH_CLIENT_SECRET,
  .margin_seconds = TWITTER_OAUTH_MARGIN_SECONDS,
  .log_domain = G_LOG_DOMAIN,
  .service = "Twitter",
  .tokens_noun = "X",
  .no_tokens = "The stream has no X tokens yet: authorize its X account.",
  .undecryptable = "The stream's X tokens cannot be decrypted (was the secret key file replaced?): "
                   "authorize its X account again.",
  .revoked_before = "The X account's authorization was withdrawn or has expired (",
  .revoked_after = "): authorize the stream's X account again.",
  .failed_before = "The stream's X tokens cannot be renewed: ",
  .prepare = prepare_refresh,
  .set_health = set_health,
  .refreshing = on_refreshing,
  .saved = on_saved,
};

static void
answer_wait (const char   *token,
             const GError *error,
             gpointer      data)
{
  TokenWait *wait = data;

  wait->callback (wait->self, token, error, wait->data);
}

void
twitter_get_token (FdTwitter            *self,
                   gint64                organization_id,
                   gint64                stream_id,
                   gboolean              force,
                   TwitterTokenCallback  callback,
                   gpointer              data)
{
  TokenWait *wait = g_new0 (TokenWait, 1);

  wait->self = self;
  wait->callback = callback;
  wait->data = data;
  fd_oauth_keeper_get_token (self->oauth_keeper, organization_id, stream_id, force, answer_wait, wait, g_free);
}

/* --- Pollers ------------------------------------------------------------------ */

static void
poller_start (gpointer        owner,
              const FdStream *stream,
              char           *fingerprint)
{
  FdTwitter *self = owner;
  g_autoptr(FdXSettings) settings = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  Poller *poller;

  /* Without tokens the stream needs authorization first (the
   * authorization page also asks for what its settings lack). */
  sealed = fd_store_get_stream_secret (self->store, stream->organization_id, stream->id,
                                       TWITTER_SECRET_OAUTH_TOKENS, NULL);
  if (sealed == NULL)
    {
      if (self->authorize == NULL || !fd_authorize_stream_waiting (self->authorize, stream))
        twitter_set_health (self, stream->organization_id, stream->id, "needs-authorization",
                            "The stream's X account is not authorized yet: it has no tokens "
                            "(the stream's “oauth_tokens”).");
      g_free (fingerprint);
      return;
    }
  settings = fd_x_settings_parse (stream->settings_json, &error);
  if (settings == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("The stream's X settings are not complete: %s", error->message);

      twitter_set_health (self, stream->organization_id, stream->id, "needs-attention", reason);
      g_free (fingerprint);
      return;
    }
  if (g_hash_table_size (self->pollers) >= self->options.max_pollers)
    {
      twitter_set_health (self, stream->organization_id, stream->id, "needs-attention",
                          "This server already polls as many X accounts as it may (--x-max-pollers).");
      g_free (fingerprint);
      return;
    }
  poller = twitter_poller_new (self, stream, g_steal_pointer (&settings), fingerprint);
  g_hash_table_insert (self->pollers, g_memdup2 (&stream->id, sizeof stream->id), poller);
}

static char *
fingerprint_of (gpointer        owner,
                const FdStream *stream)
{
  return twitter_fingerprint (owner, stream);
}

static const char *
running_fingerprint (gpointer poller)
{
  return twitter_poller_fingerprint (poller);
}

static void
pump_outbox (gpointer owner)
{
  twitter_outbox_pump (owner);
}

static const FdStreamWorkersClass twitter_workers_class = {
  .kind = FD_STREAM_TWITTER,
  .fingerprint = fingerprint_of,
  .running_fingerprint = running_fingerprint,
  .start = poller_start,
  .pump = pump_outbox,
  .set_outbox_notify = fd_center_set_twitter_outbox_notify,
};

/* --- The service ------------------------------------------------------------- */

FdTwitter *
fd_twitter_new (FdCenter               *center,
                FdSecretBox            *box,
                const FdTwitterOptions *options)
{
  FdTwitter *self;

  g_return_val_if_fail (FD_IS_CENTER (center), NULL);
  g_return_val_if_fail (box != NULL, NULL);

  self = g_new0 (FdTwitter, 1);
  self->center = center;
  self->store = fd_center_get_store (center);
  self->box = box;
  if (options != NULL)
    self->options = *options;
  else
    fd_twitter_options_init (&self->options);
  self->api_base_url = g_strdup (self->options.api_base_url != NULL ? self->options.api_base_url
                                                                     : FD_TWITTER_DEFAULT_API_BASE_URL);
  self->oauth_base_url = g_strdup (self->options.oauth_base_url);
  self->options.api_base_url = NULL;
  self->options.oauth_base_url = NULL;
  if (self->options.max_pollers == 0)
    self->options.max_pollers = FD_TWITTER_DEFAULT_MAX_POLLERS;
  if (self->options.max_attempts == 0)
    self->options.max_attempts = FD_TWITTER_DEFAULT_ATTEMPTS;
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, "max-conns", 32,
                                                 "max-conns-per-host", 8, NULL);
  self->cancellable = g_cancellable_new ();
  self->pollers = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, twitter_poller_stop);
  self->oauth_keeper = fd_oauth_keeper_new (&twitter_keeper_class, self, self->store, self->box, self->session,
                                            self->cancellable);
  self->in_flight = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return self;
}

void
fd_twitter_set_authorize (FdTwitter   *self,
                          FdAuthorize *authorize)
{
  g_return_if_fail (self != NULL);

  self->authorize = authorize;
  fd_oauth_keeper_set_authorize (self->oauth_keeper, authorize);
}

void
fd_twitter_start (FdTwitter *self)
{
  g_return_if_fail (self != NULL);

  fd_stream_workers_start (&self->streams, &twitter_workers_class, self, self->center, self->pollers);
}

void
fd_twitter_free (FdTwitter *self)
{
  if (self == NULL)
    return;
  fd_stream_workers_stop (&self->streams);
  g_clear_pointer (&self->pollers, g_hash_table_unref);
  /* Calls under way finish cancelled: their callbacks see it and touch
   * nothing of the service. Waiting token requests belong to pollers and
   * sends that are cancelled too. */
  g_cancellable_cancel (self->cancellable);
  fd_oauth_keeper_free (g_steal_pointer (&self->oauth_keeper), "The Twitter service stopped.");
  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_free (self->api_base_url);
  g_free (self->oauth_base_url);
  g_free (self);
}
