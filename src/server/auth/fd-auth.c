#define G_LOG_DOMAIN "fd-auth"

#include "fd-config.h"
#include "fd-auth.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (fd-auth-error-quark, fd_auth_error)

/* OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane (libsodium's
 * crypto_pwhash always uses one lane). */
#define PWHASH_OPSLIMIT 2
#define PWHASH_MEMLIMIT (19 * 1024 * 1024)

#define TOKEN_BYTES 32
#define TOKEN_HASH_BYTES 32

/* A valid hash of a random password, verified against when the email is
 * unknown so that both failures cost the same. Made once, lazily. */
static char *dummy_hash;

gboolean
fd_auth_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                   "The cryptography library (libsodium) could not start.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_password (const char  *password,
                GError     **error)
{
  if (password == NULL || !g_utf8_validate (password, -1, NULL) ||
      strlen (password) > FD_AUTH_MAX_PASSWORD_LENGTH)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_WEAK_PASSWORD,
                   "A password is UTF-8 text of at most %u bytes.", FD_AUTH_MAX_PASSWORD_LENGTH);
      return FALSE;
    }
  if (g_utf8_strlen (password, -1) < FD_AUTH_MIN_PASSWORD_LENGTH)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_WEAK_PASSWORD,
                   "A password needs at least %u characters.", FD_AUTH_MIN_PASSWORD_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static char *
hash_password (const char  *password,
               GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (!fd_auth_init (error))
    return NULL;
  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             PWHASH_OPSLIMIT, PWHASH_MEMLIMIT,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                   "Hashing the password failed: the server is out of memory.");
      return NULL;
    }
  return g_strdup (hash);
}

char *
fd_auth_hash_password (const char  *password,
                       GError     **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_password (password, error))
    return NULL;
  return hash_password (password, error);
}

gboolean
fd_auth_verify_password (const char *password_hash,
                         const char *password)
{
  if (password_hash == NULL || password == NULL ||
      strlen (password) > FD_AUTH_MAX_PASSWORD_LENGTH ||
      !fd_auth_init (NULL))
    return FALSE;
  return crypto_pwhash_str_verify (password_hash, password, strlen (password)) == 0;
}

gboolean
fd_auth_password_needs_rehash (const char *password_hash)
{
  g_return_val_if_fail (password_hash != NULL, TRUE);

  if (!fd_auth_init (NULL))
    return FALSE;
  /* Also TRUE (-1) for a hash of another algorithm. */
  return crypto_pwhash_str_needs_rehash (password_hash, PWHASH_OPSLIMIT, PWHASH_MEMLIMIT) != 0;
}

gboolean
fd_auth_create_agent (FdStore     *store,
                      FdAgent     *agent,
                      const char  *password,
                      GError     **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (agent != NULL, FALSE);

  hash = fd_auth_hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  return fd_store_create_agent (store, agent, hash, error);
}

gboolean
fd_auth_set_agent_password (FdStore     *store,
                            gint64       organization_id,
                            gint64       agent_id,
                            const char  *password,
                            GError     **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = fd_auth_hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  return fd_store_set_agent_password_hash (store, organization_id, agent_id, hash, error);
}

/* Tokens. */

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

char *
fd_auth_create_agent_token (FdStore  *store,
                            gint64    organization_id,
                            gint64    agent_id,
                            GError  **error)
{
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  token = fd_auth_generate_token (FD_AUTH_AGENT_TOKEN_PREFIX);
  hash = fd_auth_hash_token (token);
  if (!fd_store_insert_agent_token (store, organization_id, agent_id, hash, error))
    return NULL;
  return g_steal_pointer (&token);
}

gboolean
fd_auth_check_agent_token (FdStore      *store,
                           const char   *token,
                           FdAgent     **out_agent,
                           GError      **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FdAgent) agent = NULL;
  gint64 organization_id = 0, agent_id = 0;
  gboolean revoked = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_AGENT_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  if (!fd_store_lookup_agent_token (store, hash, &organization_id, &agent_id, &revoked, &local_error) ||
      revoked)
    return lookup_failed (local_error, revoked, error);
  agent = fd_store_get_agent (store, organization_id, agent_id, &local_error);
  if (agent == NULL)
    return lookup_failed (local_error, FALSE, error);
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  return TRUE;
}

gboolean
fd_auth_revoke_agent_token (FdStore     *store,
                            const char  *token,
                            GError     **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_AGENT_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  if (!fd_store_revoke_agent_token (store, hash, &local_error))
    return lookup_failed (local_error, FALSE, error);
  return TRUE;
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
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 organization_id = 0, conversation_id = 0;
  gboolean revoked = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_VISITOR_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  if (!fd_store_lookup_visitor_token (store, hash, &organization_id, &conversation_id, &revoked,
                                      &local_error) || revoked)
    return lookup_failed (local_error, revoked, error);
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
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean revoked = FALSE;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_ADMIN_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  if (!fd_store_lookup_admin_token (store, hash, &revoked, &local_error) || revoked)
    return lookup_failed (local_error, revoked, error);
  return TRUE;
}

gboolean
fd_auth_revoke_admin_token (FdStore     *store,
                            const char  *token,
                            GError     **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (store != NULL, FALSE);

  hash = hash_token_of_kind (token, FD_AUTH_ADMIN_TOKEN_PREFIX, error);
  if (hash == NULL)
    return FALSE;
  if (!fd_store_revoke_admin_token (store, hash, &local_error))
    return lookup_failed (local_error, FALSE, error);
  return TRUE;
}

/* Sign-in. */

static const char *
get_dummy_hash (void)
{
  if (dummy_hash == NULL)
    {
      char random[33];

      randombytes_buf (random, sizeof random - 1);
      for (gsize i = 0; i < sizeof random - 1; i++)
        random[i] = 'a' + ((guchar) random[i] % 26);
      random[sizeof random - 1] = '\0';
      dummy_hash = hash_password (random, NULL);
    }
  return dummy_hash;
}

static gboolean
bad_credentials (GError **error)
{
  g_set_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
               "The email address or the password is wrong.");
  return FALSE;
}

gboolean
fd_auth_sign_in (FdStore      *store,
                 const char   *email,
                 const char   *password,
                 FdAgent     **out_agent,
                 char        **out_token,
                 GError      **error)
{
  g_autoptr(FdAgent) agent = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *token = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fd_auth_init (error))
    return FALSE;
  if (email == NULL || password == NULL)
    return bad_credentials (error);

  agent = fd_store_get_agent_by_email (store, email, &hash, &local_error);
  if (agent == NULL)
    {
      if (!g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Spend the same time as a real check, so that timing does not tell
       * which emails have accounts. */
      fd_auth_verify_password (get_dummy_hash (), password);
      return bad_credentials (error);
    }
  if (hash == NULL)
    {
      /* An agent with no password yet: as slow as a wrong password. */
      fd_auth_verify_password (get_dummy_hash (), password);
      return bad_credentials (error);
    }
  if (!fd_auth_verify_password (hash, password))
    return bad_credentials (error);

  if (fd_auth_password_needs_rehash (hash))
    {
      g_autofree char *new_hash = hash_password (password, NULL);

      /* Failing to upgrade the hash must not stop a valid sign-in. */
      if (new_hash == NULL ||
          !fd_store_set_agent_password_hash (store, agent->organization_id, agent->id,
                                             new_hash, &local_error))
        g_warning ("Could not upgrade an agent's password hash: %s",
                   local_error ? local_error->message : "out of memory");
    }

  token = fd_auth_create_agent_token (store, agent->organization_id, agent->id, error);
  if (token == NULL)
    return FALSE;
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&agent);
  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return TRUE;
}
