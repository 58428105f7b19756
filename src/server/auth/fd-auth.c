#define G_LOG_DOMAIN "fd-auth"

#include "fd-config.h"
#include "fd-auth.h"
#include "fd-auth-private.h"

#include <sodium.h>
#include <string.h>

G_DEFINE_QUARK (fd-auth-error-quark, fd_auth_error)

/* OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane (libsodium's
 * crypto_pwhash always uses one lane). */
#define PWHASH_OPSLIMIT 2
#define PWHASH_MEMLIMIT (19 * 1024 * 1024)

FdAuthSettings auth_settings = {
  FD_AUTH_DEFAULT_TOKEN_IDLE, FD_AUTH_DEFAULT_TOKEN_LIFETIME, FD_AUTH_DEFAULT_TOKEN_GRACE,
  FD_AUTH_DEFAULT_MAX_TOKENS, FD_AUTH_DEFAULT_HASH_THREADS, FD_AUTH_DEFAULT_HASH_QUEUE,
  FD_AUTH_DEFAULT_SIGN_INS_PER_ACCOUNT, FD_AUTH_DEFAULT_SIGN_INS_PER_ADDRESS,
};

void
fd_auth_settings_init (FdAuthSettings *out)
{
  g_return_if_fail (out != NULL);

  *out = (FdAuthSettings) {
    FD_AUTH_DEFAULT_TOKEN_IDLE, FD_AUTH_DEFAULT_TOKEN_LIFETIME, FD_AUTH_DEFAULT_TOKEN_GRACE,
    FD_AUTH_DEFAULT_MAX_TOKENS, FD_AUTH_DEFAULT_HASH_THREADS, FD_AUTH_DEFAULT_HASH_QUEUE,
    FD_AUTH_DEFAULT_SIGN_INS_PER_ACCOUNT, FD_AUTH_DEFAULT_SIGN_INS_PER_ADDRESS,
  };
}

void
fd_auth_configure (const FdAuthSettings *new_settings)
{
  g_return_if_fail (new_settings != NULL);
  g_return_if_fail (new_settings->token_lifetime > 0 && new_settings->token_idle > 0);
  g_return_if_fail (new_settings->max_tokens > 0 && new_settings->hash_threads > 0);
  g_return_if_fail (new_settings->sign_ins_per_account > 0 && new_settings->sign_ins_per_address > 0);

  auth_settings = *new_settings;
}

const FdAuthSettings *
fd_auth_get_settings (void)
{
  return &auth_settings;
}

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

gboolean
auth_check_password (const char  *password,
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

char *
auth_hash_password (const char  *password,
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

  if (!auth_check_password (password, error))
    return NULL;
  return auth_hash_password (password, error);
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

/* A valid hash of a random password, verified against when the email is
 * unknown so that both failures cost the same. Made once, lazily, by
 * whichever thread needs it first (a worker, in the server). */
const char *
auth_dummy_hash (void)
{
  static char *dummy_hash;
  static gsize made = 0;

  if (g_once_init_enter (&made))
    {
      char random[33];
      char *hash;

      randombytes_buf (random, sizeof random - 1);
      for (gsize i = 0; i < sizeof random - 1; i++)
        random[i] = 'a' + ((guchar) random[i] % 26);
      random[sizeof random - 1] = '\0';
      hash = auth_hash_password (random, NULL);
      if (hash == NULL)
        g_error ("Cannot make the dummy password hash: out of memory");
      dummy_hash = hash;
      g_once_init_leave (&made, 1);
    }
  return dummy_hash;
}

/* Clears a secret (a password, a token) before freeing it. */
void
auth_wipe (char **secret)
{
  if (*secret != NULL)
    sodium_memzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}
