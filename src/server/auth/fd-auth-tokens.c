#define G_LOG_DOMAIN "fd-auth"

#include "fd-config.h"
#include "fd-auth.h"
#include "fd-auth-private.h"

#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32
#define TOKEN_HASH_BYTES 32

/* A dead token's row is kept this long after it died, so that it is refused
 * as "revoked" or "expired" (a clearer message) rather than "not valid". */
#define DEAD_TOKEN_KEEP (30 * G_TIME_SPAN_DAY)

char *
fd_auth_generate_token (const char *prefix)
{
  guchar bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  g_return_val_if_fail (prefix != NULL, NULL);

  if (!fd_auth_init (NULL))
    g_error ("libsodium cannot start: no token can be made");
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strconcat (prefix, text, NULL);
}

char *
fd_auth_hash_token (const char *token)
{
  guchar hash[TOKEN_HASH_BYTES];
  char hex[TOKEN_HASH_BYTES * 2 + 1];

  g_return_val_if_fail (token != NULL, NULL);

  crypto_generichash (hash, sizeof hash, (const guchar *) token, strlen (token), NULL, 0);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

/* Hashes a token of the expected kind, or fails with BAD_TOKEN: a token of
 * another kind (an admin token on the agent socket) never reaches the
 * store. */
static char *
hash_token_of_kind (const char  *token,
                    const char  *prefix,
                    GError     **error)
{
  gsize expected = strlen (prefix) +
                   sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;

  if (token == NULL || !g_str_has_prefix (token, prefix) || strlen (token) != expected)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN,
                   "The token is not valid: sign in again.");
      return NULL;
    }
  return fd_auth_hash_token (token);
}

static gboolean
lookup_failed (GError  *store_error,
               gboolean revoked,
               GError **error)
{
  if (store_error == NULL && revoked)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_REVOKED,
                   "The token was revoked (signed out): sign in again.");
      return FALSE;
    }
  if (g_error_matches (store_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND) ||
      g_error_matches (store_error, FD_STORE_ERROR, FD_STORE_ERROR_INVALID))
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN,
                   "The token is not valid: sign in again.");
      return FALSE;
    }
  g_propagate_error (error, g_error_copy (store_error));
  return FALSE;
}

/* The store's lookup of a visitor's or an administrator's token hash. */
typedef gboolean (*LookupFunc) (FdStore     *store,
                                const char  *token_hash,
                                gint64      *out_organization_id,
                                gint64      *out_owner_id,
                                gboolean    *out_revoked,
                                GError     **error);
typedef gboolean (*RevokeFunc) (FdStore     *store,
                                const char  *token_hash,
                                GError     **error);

/* Checks @token of the kind @prefix with @lookup: a bad, unknown or revoked
 * token is an FdAuthError, a failing store its own error. */
static gboolean
check_token_of_kind (FdStore     *store,
                     const char  *token,
                     const char  *prefix,
                     LookupFunc   lookup,
                     gint64      *out_organization_id,
                     gint64      *out_owner_id,
                     GError     **error)
{
  g_autofree char *hash = hash_token_of_kind (token, prefix, error);
  g_autoptr(GError) local_error = NULL;
  gboolean revoked = FALSE;

  if (hash == NULL)
    return FALSE;
  if (!lookup (store, hash, out_organization_id, out_owner_id, &revoked, &local_error) || revoked)
    return lookup_failed (local_error, revoked, error);
  return TRUE;
}

static gboolean
revoke_token_of_kind (FdStore     *store,
                      const char  *token,
                      const char  *prefix,
                      RevokeFunc   revoke,
                      GError     **error)
{
  g_autofree char *hash = hash_token_of_kind (token, prefix, error);
  g_autoptr(GError) local_error = NULL;

  if (hash == NULL)
    return FALSE;
  if (!revoke (store, hash, &local_error))
    return lookup_failed (local_error, FALSE, error);
  return TRUE;
}

static gboolean
lookup_admin_token (FdStore     *store,
                    const char  *token_hash,
                    gint64      *out_organization_id,
                    gint64      *out_owner_id,
                    gboolean    *out_revoked,
                    GError     **error)
{
  return fd_store_lookup_admin_token (store, token_hash, out_revoked, error);
}

/* Commits when @ok, else rolls back; returns whether all went well. */
static gboolean
end_transaction (FdStore   *store,
                 gboolean   ok,
                 GError   **error)
{
  if (!ok)
    {
      fd_store_rollback (store);
      return FALSE;
    }
  return fd_store_commit (store, error);
}

/* Makes a token with the configured lifetime, then keeps the agent within
 * max_tokens and forgets its long-dead tokens, in one transaction. */
char *
auth_create_agent_token (FdStore    *store,
                    gint64      organization_id,
                    gint64      agent_id,
                    char      **out_hash,
                    GPtrArray  *revoked_hashes,
                    GError    **error)
{
  g_autofree char *token = fd_auth_generate_token (FD_AUTH_AGENT_TOKEN_PREFIX);
  g_autofree char *hash = fd_auth_hash_token (token);
  gint64 now = g_get_real_time ();
  gboolean ok;

  if (!fd_store_begin (store, error))
    return NULL;
  ok = fd_store_insert_agent_token_full (store, organization_id, agent_id, hash,
                                         now + auth_settings.token_lifetime * G_USEC_PER_SEC, error) &&
       fd_store_limit_agent_tokens (store, organization_id, agent_id, auth_settings.max_tokens, now,
                                    revoked_hashes, error) &&
       fd_store_purge_agent_tokens (store, organization_id, agent_id, now - DEAD_TOKEN_KEEP, error);
  if (!end_transaction (store, ok, error))
    return NULL;
  if (out_hash != NULL)
    *out_hash = g_steal_pointer (&hash);
  return g_steal_pointer (&token);
}

char *
fd_auth_create_agent_token (FdStore  *store,
                            gint64    organization_id,
                            gint64    agent_id,
                            GError  **error)
{
  g_return_val_if_fail (store != NULL, NULL);

  return auth_create_agent_token (store, organization_id, agent_id, NULL, NULL, error);
}

static gboolean
token_expired (GError **error)
{
  g_set_error_literal (error, FD_AUTH_ERROR, FD_AUTH_ERROR_EXPIRED,
                       "Your session expired; sign in again.");
  return FALSE;
}

gboolean
fd_auth_check_agent_token_hash (FdStore     *store,
                                const char  *token_hash,
                                FdAgent    **out_agent,
                                gint64      *out_expires_at,
                                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FdAgent) agent = NULL;
  FdStoreAgentToken row = { 0 };
  gint64 now = g_get_real_time ();
  gint64 idle = auth_settings.token_idle * G_USEC_PER_SEC;
  gint64 touch_every = MIN (idle / 10, 60 * G_USEC_PER_SEC);
  gint64 expires_at;

  g_return_val_if_fail (store != NULL, FALSE);

  if (!fd_store_get_agent_token (store, token_hash, &row, &local_error) || row.revoked)
    return lookup_failed (local_error, row.revoked, error);
  if (row.expires_at != 0 && now >= row.expires_at)
    return token_expired (error);
  if (row.last_used_at != 0 && now >= row.last_used_at + idle)
    return token_expired (error);

  /* A token made before expiry existed gets its lifetime from its first use
   * now. Uses are written at most every touch_every, not on every check. */
  expires_at = row.expires_at != 0 ? row.expires_at : now + auth_settings.token_lifetime * G_USEC_PER_SEC;
  if (row.expires_at == 0 || now - row.last_used_at >= touch_every)
    {
      if (!fd_store_touch_agent_token (store, token_hash, now, expires_at, &local_error))
        return lookup_failed (local_error, FALSE, error);
    }

  agent = fd_store_get_agent (store, row.organization_id, row.agent_id, &local_error);
  if (agent == NULL)
    return lookup_failed (local_error, FALSE, error);
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  if (out_expires_at != NULL)
    *out_expires_at = MIN (expires_at, now + idle);
  return TRUE;
}

gboolean
fd_auth_check_agent_token (FdStore      *store,
                           const char   *token,
                           FdAgent     **out_agent,
                           GError      **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_AGENT_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  return fd_auth_check_agent_token_hash (store, hash, out_agent, NULL, error);
}

char *
fd_auth_rotate_agent_token (FdStore     *store,
                            const char  *token_hash,
                            char       **out_new_hash,
                            GPtrArray   *revoked_hashes,
                            GError     **error)
{
  g_autofree char *token = NULL;
  g_autofree char *new_hash = NULL;
  FdStoreAgentToken row = { 0 };
  gint64 now = g_get_real_time ();
  gint64 grace_end = now + auth_settings.token_grace * G_USEC_PER_SEC;
  gboolean ok;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  if (!fd_store_get_agent_token (store, token_hash, &row, error))
    return NULL;
  if (row.revoked || now - row.created_at < auth_settings.token_lifetime * G_USEC_PER_SEC / 2)
    return NULL;

  if (!fd_store_begin (store, error))
    return NULL;
  token = auth_create_agent_token (store, row.organization_id, row.agent_id, &new_hash, revoked_hashes, error);
  ok = token != NULL &&
       fd_store_touch_agent_token (store, token_hash, now,
                                   row.expires_at != 0 ? MIN (row.expires_at, grace_end) : grace_end, error);
  if (!end_transaction (store, ok, error))
    return NULL;
  if (out_new_hash != NULL)
    *out_new_hash = g_steal_pointer (&new_hash);
  return g_steal_pointer (&token);
}

gboolean
fd_auth_revoke_agent_token (FdStore     *store,
                            const char  *token,
                            GError     **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  return revoke_token_of_kind (store, token, FD_AUTH_AGENT_TOKEN_PREFIX, fd_store_revoke_agent_token, error);
}

gboolean
fd_auth_revoke_agent_tokens (FdStore  *store,
                             gint64    organization_id,
                             gint64    agent_id,
                             GError  **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  return fd_store_revoke_agent_tokens (store, organization_id, agent_id, error);
}

char *
fd_auth_create_visitor_token (FdStore  *store,
                              gint64    organization_id,
                              gint64    conversation_id,
                              GError  **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  token = fd_auth_generate_token (FD_AUTH_VISITOR_TOKEN_PREFIX);
  hash = fd_auth_hash_token (token);
  if (!fd_store_insert_visitor_token (store, organization_id, conversation_id, hash, error))
    return NULL;
  return g_steal_pointer (&token);
}

gboolean
fd_auth_check_visitor_token (FdStore     *store,
                             const char  *token,
                             gint64      *out_conversation_id,
                             gint64      *out_organization_id,
                             GError     **error)
{
  gint64 organization_id = 0, conversation_id = 0;

  g_return_val_if_fail (store != NULL, FALSE);

  if (!check_token_of_kind (store, token, FD_AUTH_VISITOR_TOKEN_PREFIX, fd_store_lookup_visitor_token,
                            &organization_id, &conversation_id, error))
    return FALSE;
  if (out_conversation_id != NULL)
    *out_conversation_id = conversation_id;
  if (out_organization_id != NULL)
    *out_organization_id = organization_id;
  return TRUE;
}

char *
fd_auth_create_admin_token (FdStore     *store,
                            const char  *label,
                            GError     **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  token = fd_auth_generate_token (FD_AUTH_ADMIN_TOKEN_PREFIX);
  hash = fd_auth_hash_token (token);
  if (!fd_store_insert_admin_token (store, hash, label, error))
    return NULL;
  return g_steal_pointer (&token);
}

gboolean
fd_auth_check_admin_token (FdStore     *store,
                           const char  *token,
                           GError     **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  return check_token_of_kind (store, token, FD_AUTH_ADMIN_TOKEN_PREFIX, lookup_admin_token, NULL, NULL, error);
}

gboolean
fd_auth_revoke_admin_token (FdStore     *store,
                            const char  *token,
                            GError     **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  return revoke_token_of_kind (store, token, FD_AUTH_ADMIN_TOKEN_PREFIX, fd_store_revoke_admin_token, error);
}
