#define G_LOG_DOMAIN "fd-server"

#include "fd-oauth-keeper.h"

#include "fd-email-settings.h"
#include "fd-store-email.h"

#include <string.h>

/* A stream's OAuth token set, one refresh per stream at a time, the
 * rotated tokens saved first (fd-oauth-keeper.h). */

struct _FdOAuthKeeper {
  guint                     ref;
  gboolean                  alive;     /* FALSE after fd_oauth_keeper_free() */
  const FdOAuthKeeperClass *klass;
  gpointer                  owner;
  FdStore                  *store;
  FdSecretBox              *box;
  SoupSession              *session;
  GCancellable             *cancellable;
  FdAuthorize              *authorize;
  GHashTable               *refreshing; /* stream id → GPtrArray of Waiter: one refresh per stream */
};

typedef struct {
  FdOAuthKeeperAnswer answer;
  gpointer            data;
  GDestroyNotify      destroy;
} Waiter;

typedef struct {
  FdOAuthKeeper *keeper;
  gint64         organization_id;
  gint64         stream_id;
} RefreshCall;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->destroy != NULL)
    waiter->destroy (waiter->data);
  g_free (waiter);
}

static void
answer_all (GPtrArray    *waiting,
            const char   *token,
            const GError *error)
{
  for (guint i = 0; i < waiting->len; i++)
    {
      Waiter *waiter = g_ptr_array_index (waiting, i);

      waiter->answer (token, error, waiter->data);
    }
}

static void
keeper_unref (FdOAuthKeeper *self)
{
  if (--self->ref > 0)
    return;
  g_free (self);
}

FdOAuthKeeper *
fd_oauth_keeper_new (const FdOAuthKeeperClass *klass,
                     gpointer                  owner,
                     FdStore                  *store,
                     FdSecretBox              *box,
                     SoupSession              *session,
                     GCancellable             *cancellable)
{
  FdOAuthKeeper *self = g_new0 (FdOAuthKeeper, 1);

  self->ref = 1;
  self->alive = TRUE;
  self->klass = klass;
  self->owner = owner;
  self->store = store;
  self->box = box;
  self->session = session;
  self->cancellable = cancellable;
  self->refreshing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  return self;
}

void
fd_oauth_keeper_set_authorize (FdOAuthKeeper *self,
                               FdAuthorize   *authorize)
{
  self->authorize = authorize;
}

void
fd_oauth_keeper_free (FdOAuthKeeper *self,
                      const char    *stopped)
{
  g_autoptr(GError) cancelled = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self == NULL)
    return;
  self->alive = FALSE;
  cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, stopped);
  g_hash_table_iter_init (&iter, self->refreshing);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    answer_all (value, NULL, cancelled);
  g_clear_pointer (&self->refreshing, g_hash_table_unref);
  keeper_unref (self);
}

/* The stream's token set, opened; NULL with REVOKED when it has none. */
static FdOAuthTokens *
load_tokens (FdOAuthKeeper  *self,
             gint64          organization_id,
             gint64          stream_id,
             GError        **error)
{
  g_autoptr(GBytes) sealed = fd_store_get_stream_secret (self->store, organization_id, stream_id,
                                                         self->klass->tokens_secret, NULL);
  g_autoptr(GBytes) plain = NULL;

  if (sealed == NULL)
    {
      g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED, self->klass->no_tokens);
      return NULL;
    }
  plain = fd_secret_box_open (self->box, sealed, NULL);
  if (plain == NULL)
    {
      g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED, self->klass->undecryptable);
      return NULL;
    }
  return fd_email_oauth_tokens_parse (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), error);
}

/* Seals and saves @tokens in one transaction. */
static gboolean
save_tokens (FdOAuthKeeper        *self,
             gint64                organization_id,
             gint64                stream_id,
             const FdOAuthTokens  *tokens,
             GError              **error)
{
  g_autofree char *json = fd_email_oauth_tokens_to_json (tokens);
  g_autoptr(GBytes) plain = g_bytes_new_static (json, strlen (json));
  g_autoptr(GBytes) sealed = fd_secret_box_seal (self->box, plain, error);

  memset (json, 0, strlen (json));
  if (sealed == NULL || !fd_store_begin (self->store, error))
    return FALSE;
  if (!fd_store_set_stream_secret (self->store, organization_id, stream_id, self->klass->tokens_secret, sealed,
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
  FdOAuthKeeper *self = call->keeper;
  const FdOAuthKeeperClass *klass = self->klass;
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  gpointer key = NULL, value = NULL;

  tokens = fd_oauth_refresh_finish (result, &error);
  /* The service is gone: touch nothing of it. */
  if (self->alive && g_hash_table_steal_extended (self->refreshing, &call->stream_id, &key, &value))
    {
      g_free (key);
      waiting = value;
      if (tokens != NULL && !save_tokens (self, call->organization_id, call->stream_id, tokens, &error))
        {
          g_log (klass->log_domain, G_LOG_LEVEL_WARNING, "%s stream %" G_GINT64_FORMAT ": cannot save its new %s tokens: %s",
                 klass->service, call->stream_id, klass->tokens_noun, error->message);
          g_clear_pointer (&tokens, fd_oauth_tokens_free);
          g_prefix_error (&error, "The new %s tokens cannot be saved: ", klass->tokens_noun);
        }
      else if (tokens != NULL && klass->saved != NULL)
        klass->saved (self->owner, call->organization_id, call->stream_id);
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        {
          g_autofree char *reason = g_strconcat (klass->revoked_before, error->message, klass->revoked_after, NULL);

          klass->set_health (self->owner, call->organization_id, call->stream_id, "needs-authorization", reason);
          /* A new link goes to the authorization addresses, once per
           * revocation (not while one is out). */
          if (self->authorize != NULL)
            fd_authorize_grant_revoked (self->authorize, call->organization_id, call->stream_id, reason);
        }
      else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *reason = g_strconcat (klass->failed_before, error->message, NULL);

          klass->set_health (self->owner, call->organization_id, call->stream_id, "needs-attention", reason);
        }
      /* Whoever waits gets the new token only now, after the commit. */
      answer_all (waiting, tokens != NULL ? tokens->access_token : NULL, error);
    }
  keeper_unref (self);
  g_free (call);
}

void
fd_oauth_keeper_get_token (FdOAuthKeeper       *self,
                           gint64               organization_id,
                           gint64               stream_id,
                           gboolean             force,
                           FdOAuthKeeperAnswer  answer,
                           gpointer             data,
                           GDestroyNotify       destroy)
{
  const FdOAuthKeeperClass *klass = self->klass;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdOAuthTokens) tokens = NULL;
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdOAuthProvider) provider = NULL;
  g_autoptr(GBytes) sealed_secret = NULL;
  g_autoptr(GBytes) secret = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *client_secret = NULL;
  Waiter *waiter = g_new0 (Waiter, 1);
  GPtrArray *waiting;
  RefreshCall *call;

  waiter->answer = answer;
  waiter->data = data;
  waiter->destroy = destroy;
  waiting = g_hash_table_lookup (self->refreshing, &stream_id);
  if (waiting != NULL)
    {
      g_ptr_array_add (waiting, waiter);
      return;
    }
  tokens = load_tokens (self, organization_id, stream_id, &error);
  if (tokens != NULL && !force &&
      !fd_oauth_tokens_needs_refresh (tokens, g_get_real_time () / G_USEC_PER_SEC, klass->margin_seconds))
    {
      answer (tokens->access_token, NULL, data);
      waiter_free (waiter);
      return;
    }
  stream = tokens != NULL ? fd_store_get_stream (self->store, organization_id, stream_id, &error) : NULL;
  if (stream == NULL || !klass->prepare (self->owner, stream, &client_id, &provider, &error))
    {
      if (g_error_matches (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_REVOKED))
        klass->set_health (self->owner, organization_id, stream_id, "needs-authorization", error->message);
      answer (NULL, error, data);
      waiter_free (waiter);
      return;
    }
  sealed_secret = fd_store_get_stream_secret (self->store, organization_id, stream_id,
                                              klass->client_secret_secret, NULL);
  secret = sealed_secret != NULL ? fd_secret_box_open (self->box, sealed_secret, NULL) : NULL;
  if (secret != NULL)
    client_secret = g_strndup (g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
  waiting = g_ptr_array_new_with_free_func (waiter_free);
  g_ptr_array_add (waiting, waiter);
  g_hash_table_insert (self->refreshing, g_memdup2 (&stream_id, sizeof stream_id), waiting);
  call = g_new0 (RefreshCall, 1);
  call->keeper = self;
  self->ref++;
  call->organization_id = organization_id;
  call->stream_id = stream_id;
  if (klass->refreshing != NULL)
    klass->refreshing (self->owner, organization_id, stream_id);
  fd_oauth_refresh_async (provider, self->session, client_id, client_secret, tokens,
                          self->cancellable, on_refreshed_cb, call);
  if (client_secret != NULL)
    memset (client_secret, 0, strlen (client_secret));
}
