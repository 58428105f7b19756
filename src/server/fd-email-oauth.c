#define G_LOG_DOMAIN "fd-email"

/* FdEmail's OAuth tokens (docs/email.md, "OAuth streams"): the IMAP worker
 * and the outbox sender of an Office 365 or Gmail stream ask for an access
 * token from their thread; the main loop answers from the stream's sealed
 * token set, or refreshes it first when it expires within
 * EMAIL_OAUTH_MARGIN_SECONDS. One refresh per stream at a time: whoever asks
 * meanwhile waits for it. The tokens answered are sealed and saved in one
 * store transaction before anyone gets the new access token, so that a
 * rotated refresh token is never lost. A revoked grant puts the stream in
 * "needs-authorization". */

#include "fd-email-private.h"

#include "fd-center-email.h"
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

/* --- The token set, sealed ---------------------------------------------------- */

gboolean
email_stream_uses_oauth (const FdEmailSettings *settings)
{
  return g_strcmp0 (settings->platform, "other") != 0;
}

/* The stream's token set, opened; NULL with REVOKED when it has none. */
static FdOAuthTokens *
load_tokens (FdEmail  *self,
             gint64    organization_id,
             gint64    stream_id,
             GError  **error)
{
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, organization_id, stream_id,
                                                         EMAIL_SECRET_OAUTH_TOKENS, NULL);
  g_autoptr(GBytes) plain = NULL;

  if (sealed == NULL)
    {
      g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED,
                           "The stream has no OAuth tokens yet: authorize its mailbox.");
      return NULL;
    }
  plain = fd_secret_box_open (self->box, sealed, NULL);
  if (plain == NULL)
    {
      g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED,
                           "The stream's OAuth tokens cannot be decrypted (was the secret key file replaced?): "
                           "authorize its mailbox again.");
      return NULL;
    }
  return fd_email_oauth_tokens_parse (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), error);
}

/* --- The refresh, on the main loop ------------------------------------------------ */

typedef struct {
  Link   *link;
  gint64  organization_id;
  gint64  stream_id;
} RefreshCall;

static void
set_health (FdEmail    *self,
            gint64      organization_id,
            gint64      stream_id,
            const char *health,
            const char *reason)
{
  g_autoptr(GError) error = NULL;

  if (!fd_center_set_stream_health (self->center, organization_id, stream_id, health, reason, &error))
    g_warning ("Cannot record the health of email stream %" G_GINT64_FORMAT ": %s", stream_id, error->message);
}

/* Seals and saves @tokens in one transaction. */
static gboolean
save_tokens (FdEmail              *self,
             gint64                organization_id,
             gint64                stream_id,
             const FdOAuthTokens  *tokens,
             GError              **error)
{
  g_autofree char *json = fd_email_oauth_tokens_to_json (tokens);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static (json, strlen (json));

  sealed = fd_secret_box_seal (self->box, plain, error);
  memset (json, 0, strlen (json));
  if (sealed == NULL || !fd_store_begin (self->store, error))
    return FALSE;
  if (!fd_store_set_stream_secret (self->store, organization_id, stream_id, EMAIL_SECRET_OAUTH_TOKENS, sealed,
                                   error) ||
      !fd_store_commit (self->store, error))
    {
      fd_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

static void
on_refreshed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  RefreshCall *call = data;
  FdEmail *self = call->link->email;
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  gpointer key = NULL, value = NULL;

  tokens = fd_oauth_refresh_finish (result, &error);
  if (self != NULL && g_hash_table_steal_extended (self->refreshing, &call->stream_id, &key, &value))
    {
      g_free (key);
      waiting = value;
      if (tokens != NULL && !save_tokens (self, call->organization_id, call->stream_id, tokens, &error))
        {
          g_warning ("Email stream %" G_GINT64_FORMAT ": cannot save its new OAuth tokens: %s",
                     call->stream_id, error->message);
          g_clear_pointer (&tokens, fd_oauth_tokens_free);
          g_prefix_error (&error, "The new OAuth tokens cannot be saved: ");
        }
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        {
          g_autofree char *reason =
            g_strdup_printf ("The mailbox's authorization was withdrawn or has expired (%s): "
                             "authorize the mailbox again.", error->message);

          set_health (self, call->organization_id, call->stream_id, "needs-authorization", reason);
          /* A new link goes to the authorization addresses, once per
           * revocation (not while one is out). */
          if (self->authorize != NULL)
            fd_authorize_grant_revoked (self->authorize, call->organization_id, call->stream_id, reason);
        }
      else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *reason = g_strdup_printf ("The mailbox's OAuth tokens cannot be renewed: %s",
                                                     error->message);

          set_health (self, call->organization_id, call->stream_id, "needs-attention", reason);
        }
      /* Whoever waits gets the new token only now, after the commit. */
      for (guint i = 0; i < waiting->len; i++)
        {
          request_ref (g_ptr_array_index (waiting, i));
          request_complete (g_ptr_array_index (waiting, i), tokens != NULL ? tokens->access_token : NULL, error);
        }
    }
  email_link_unref (call->link);
  g_free (call);
}

static gboolean
on_token_request_cb (gpointer data)
{
  EmailTokenRequest *req = data;
  FdEmail *self = req->link->email;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdEmailSettings) settings = NULL;
  g_autoptr(FdOAuthProvider) provider = NULL;
  g_autoptr(GBytes) sealed_secret = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autofree char *client_secret = NULL;
  GPtrArray *waiting;
  RefreshCall *call;

  if (self == NULL)
    {
      email_token_request_cancel (request_ref (req));
      return G_SOURCE_REMOVE;
    }
  waiting = g_hash_table_lookup (self->refreshing, &req->stream_id);
  if (waiting != NULL)
    {
      g_ptr_array_add (waiting, request_ref (req));
      return G_SOURCE_REMOVE;
    }
  tokens = load_tokens (self, req->organization_id, req->stream_id, &error);
  if (tokens != NULL && !fd_oauth_tokens_needs_refresh (tokens, g_get_real_time () / G_USEC_PER_SEC,
                                                        EMAIL_OAUTH_MARGIN_SECONDS))
    {
      request_complete (request_ref (req), tokens->access_token, NULL);
      return G_SOURCE_REMOVE;
    }
  stream = tokens != NULL ? fd_store_get_stream (self->store, req->organization_id, req->stream_id, &error) : NULL;
  settings = stream != NULL ? fd_email_settings_parse (stream->settings_json, &error) : NULL;
  if (settings == NULL)
    {
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        set_health (self, req->organization_id, req->stream_id, "needs-authorization", error->message);
      request_complete (request_ref (req), NULL, error);
      return G_SOURCE_REMOVE;
    }
  sealed_secret = fd_store_get_stream_secret (self->store, req->organization_id, req->stream_id,
                                              EMAIL_SECRET_OAUTH_CLIENT_SECRET, NULL);
  secret = sealed_secret != NULL ? fd_secret_box_open (self->box, sealed_secret, NULL) : NULL;
  if (secret != NULL)
    client_secret = g_strndup (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
  provider = self->oauth_base_url != NULL
             ? fd_oauth_provider_new_for_base (g_str_equal (settings->platform, "gmail") ? FD_OAUTH_PLATFORM_GOOGLE
                                                                                         : FD_OAUTH_PLATFORM_MICROSOFT,
                                               settings->oauth_tenant, self->oauth_base_url)
             : fd_oauth_provider_new (g_str_equal (settings->platform, "gmail") ? FD_OAUTH_PLATFORM_GOOGLE
                                                                                : FD_OAUTH_PLATFORM_MICROSOFT,
                                      settings->oauth_tenant);
  waiting = g_ptr_array_new_with_free_func (email_token_request_cancel);
  g_ptr_array_add (waiting, request_ref (req));
  g_hash_table_insert (self->refreshing, g_memdup2 (&req->stream_id, sizeof req->stream_id), waiting);
  call = g_new0 (RefreshCall, 1);
  call->link = email_link_ref (self->link);
  call->organization_id = req->organization_id;
  call->stream_id = req->stream_id;
  fd_oauth_refresh_async (provider, self->oauth_session, settings->oauth_client_id, client_secret, tokens,
                          self->oauth_cancellable, on_refreshed_cb, call);
  if (client_secret != NULL)
    memset (client_secret, 0, strlen (client_secret));
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
