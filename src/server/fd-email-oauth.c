#define G_LOG_DOMAIN "fd-email"

/* FdEmail's OAuth tokens (docs/email.md, "OAuth streams"): the IMAP worker
 * and the outbox sender of an Office 365 or Gmail stream ask for an access
 * token from their thread; the main loop answers from the stream's sealed
 * token set, or refreshes it first when it expires within
 * EMAIL_OAUTH_MARGIN_SECONDS (FdOAuthKeeper, shared with FdTwitter: one
 * refresh per stream at a time, the rotated tokens saved before anyone gets
 * the new access token). A revoked grant puts the stream in
 * "needs-authorization". */

#include "fd-email-private.h"

#include "fd-center-email.h"
#include "fd-oauth-keeper.h"
#include "fd-store-email.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _EmailTokenRequest {
  gatomicrefcount  ref;
  GMutex           lock;
  GCond            cond;
  gboolean         done;
  char            *token;
  GError          *error;
  gint64           organization_id;
  gint64           stream_id;
  Link            *link;
};

static EmailTokenRequest *
request_ref (EmailTokenRequest *req)
{
  g_atomic_ref_count_inc (&req->ref);
  return req;
}

static void
request_unref (gpointer data)
{
  EmailTokenRequest *req = data;

  if (!g_atomic_ref_count_dec (&req->ref))
    return;
  email_wipe_free (req->token);
  g_clear_error (&req->error);
  g_mutex_clear (&req->lock);
  g_cond_clear (&req->cond);
  email_link_unref (req->link);
  g_free (req);
}

/* Answers @req (a token, or an error) and drops the caller's reference. */
static void
request_complete (EmailTokenRequest *req,
                  const char        *token,
                  const GError      *error)
{
  g_mutex_lock (&req->lock);
  if (!req->done)
    {
      req->done = TRUE;
      req->token = g_strdup (token);
      req->error = error != NULL ? g_error_copy (error) : NULL;
      g_cond_broadcast (&req->cond);
    }
  g_mutex_unlock (&req->lock);
  request_unref (req);
}

void
email_token_request_cancel (gpointer data)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The mail service stopped.");

  request_complete (data, NULL, error);
}

/* --- The token set ------------------------------------------------------------------ */

gboolean
email_stream_uses_oauth (const FdEmailSettings *settings)
{
  return g_strcmp0 (settings->platform, "other") != 0;
}

/* --- The refresh, on the main loop (fd-oauth-keeper.c) -------------------------- */

static void
set_health (gpointer    owner,
            gint64      organization_id,
            gint64      stream_id,
            const char *health,
            const char *reason)
{
  FdEmail *self = owner;
  g_autoptr(GError) error = NULL;

  if (!fd_center_set_stream_health (self->center, organization_id, stream_id, health, reason, &error))
    g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s", stream_id, error->message);
}

static gboolean
prepare_refresh (gpointer          owner,
                 const FdStream   *stream,
                 char            **client_id,
                 FdOAuthProvider **provider,
                 GError          **error)
{
  FdEmail *self = owner;
  g_autoptr(FdEmailSettings) settings = fd_email_settings_parse (stream->settings_json, error);
  FdOAuthPlatform platform;

  if (settings == NULL)
    return FALSE;
  platform = g_str_equal (settings->platform, "gmail") ? FD_OAUTH_PLATFORM_GOOGLE : FD_OAUTH_PLATFORM_MICROSOFT;
  *provider = self->oauth_base_url != NULL
              ? fd_oauth_provider_new_for_base (platform, settings->oauth_tenant, self->oauth_base_url)
              : fd_oauth_provider_new (platform, settings->oauth_tenant);
  *client_id = g_strdup (settings->oauth_client_id);
  return TRUE;
}

static const FdOAuthKeeperClass email_keeper_class = {
  .tokens_secret = EMAIL_SECRET_OAUTH_TOKENS,
  .client_secret_secret = EMAIL_SECRET_OAUTH_CLIENT_SECRET,
  .margin_seconds = EMAIL_OAUTH_MARGIN_SECONDS,
  .log_domain = G_LOG_DOMAIN,
  .service = "Email",
  .tokens_noun = "OAuth",
  .no_tokens = "The stream has no OAuth tokens yet: authorize its mailbox.",
  .undecryptable = "The stream's OAuth tokens cannot be decrypted (was the secret key file replaced?): "
                   "authorize its mailbox again.",
  .revoked_before = "The mailbox's authorization was withdrawn or has expired (",
  .revoked_after = "): authorize the mailbox again.",
  .failed_before = "The mailbox's OAuth tokens cannot be renewed: ",
  .prepare = prepare_refresh,
  .set_health = set_health,
};

FdOAuthKeeper *
email_oauth_keeper_new (FdEmail *self)
{
  return fd_oauth_keeper_new (&email_keeper_class, self, self->store, self->box, self->oauth_session,
                              self->oauth_cancellable);
}

static void
answer_request (const char   *token,
                const GError *error,
                gpointer      data)
{
  request_complete (request_ref (data), token, error);
}

static gboolean
on_token_request_cb (gpointer data)
{
  EmailTokenRequest *req = data;
  FdEmail *self = req->link->email;

  if (self == NULL)
    {
      email_token_request_cancel (request_ref (req));
      return G_SOURCE_REMOVE;
    }
  fd_oauth_keeper_get_token (self->oauth_keeper, req->organization_id, req->stream_id, FALSE, answer_request,
                             request_ref (req), email_token_request_cancel);
  return G_SOURCE_REMOVE;
}

/* --- The thread side ----------------------------------------------------------------- */

char *
email_oauth_token_wait (Link          *link,
                        gint64         organization_id,
                        gint64         stream_id,
                        GCancellable  *cancellable,
                        GError       **error)
{
  EmailTokenRequest *req = g_new0 (EmailTokenRequest, 1);
  char *token = NULL;

  g_atomic_ref_count_init (&req->ref);
  g_mutex_init (&req->lock);
  g_cond_init (&req->cond);
  req->organization_id = organization_id;
  req->stream_id = stream_id;
  req->link = email_link_ref (link);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_token_request_cb, request_ref (req), request_unref);

  g_mutex_lock (&req->lock);
  while (!req->done && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&req->cond, &req->lock, g_get_monotonic_time () + 100 * 1000);
  if (req->done && req->error == NULL)
    token = g_strdup (req->token);
  else if (req->done)
    g_propagate_error (error, g_error_copy (req->error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped.");
  g_mutex_unlock (&req->lock);
  request_unref (req);
  return token;
}
