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

/* A dead token's row is kept this long after it died, so that it is refused
 * as "revoked" or "expired" (a clearer message) rather than "not valid". */
#define DEAD_TOKEN_KEEP (30 * G_TIME_SPAN_DAY)

static FdAuthSettings settings = {
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

  settings = *new_settings;
}

const FdAuthSettings *
fd_auth_get_settings (void)
{
  return &settings;
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
static char *
create_agent_token (FdStore    *store,
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
                                         now + settings.token_lifetime * G_USEC_PER_SEC, error) &&
       fd_store_limit_agent_tokens (store, organization_id, agent_id, settings.max_tokens, now,
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

  return create_agent_token (store, organization_id, agent_id, NULL, NULL, error);
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
  gint64 idle = settings.token_idle * G_USEC_PER_SEC;
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
  expires_at = row.expires_at != 0 ? row.expires_at : now + settings.token_lifetime * G_USEC_PER_SEC;
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
  gint64 grace_end = now + settings.token_grace * G_USEC_PER_SEC;
  gboolean ok;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);

  if (!fd_store_get_agent_token (store, token_hash, &row, error))
    return NULL;
  if (row.revoked || now - row.created_at < settings.token_lifetime * G_USEC_PER_SEC / 2)
    return NULL;

  if (!fd_store_begin (store, error))
    return NULL;
  token = create_agent_token (store, row.organization_id, row.agent_id, &new_hash, revoked_hashes, error);
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

/* A valid hash of a random password, verified against when the email is
 * unknown so that both failures cost the same. Made once, lazily, by
 * whichever thread needs it first (a worker, in the server). */
static const char *
get_dummy_hash (void)
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
      hash = hash_password (random, NULL);
      if (hash == NULL)
        g_error ("Cannot make the dummy password hash: out of memory");
      dummy_hash = hash;
      g_once_init_leave (&made, 1);
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

/* --- The hashing pool ---------------------------------------------------- */

/* Argon2 costs ~50 ms of CPU and 19 MiB per hash: on the main loop, ten
 * sign-ins would stall every socket for half a second. The workers get a
 * copy of the password and of the stored hash only; the store stays on the
 * main loop. in_flight counts queued and running jobs, so that the queue is
 * bounded: past threads + queue, a job is refused with BUSY at once. */

typedef enum {
  JOB_VERIFY,   /* password against hash (NULL = the dummy hash) */
  JOB_HASH,     /* a new hash of password */
} JobKind;

typedef struct {
  JobKind   kind;
  char     *password;
  char     *hash;
  gboolean  verified;
  char     *new_hash;    /* JOB_HASH: the result; JOB_VERIFY: an upgraded hash, if due */
} Job;

static GThreadPool *pool;
static gint in_flight;

static void
wipe (char **secret)
{
  if (*secret != NULL)
    sodium_memzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
job_free (Job *job)
{
  wipe (&job->password);
  g_clear_pointer (&job->hash, g_free);
  g_clear_pointer (&job->new_hash, g_free);
  g_free (job);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (job->kind == JOB_HASH)
    {
      job->new_hash = fd_auth_hash_password (job->password, &error);
    }
  else
    {
      /* An unknown email verifies against the dummy hash: the same work. */
      job->verified = fd_auth_verify_password (job->hash != NULL ? job->hash : get_dummy_hash (),
                                               job->password) && job->hash != NULL;
      if (job->verified && fd_auth_password_needs_rehash (job->hash))
        job->new_hash = hash_password (job->password, NULL);
    }
  wipe (&job->password);
  g_atomic_int_add (&in_flight, -1);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Queues @job for a worker; @task_callback runs on the caller's main
 * context with the job as the task data. */
static void
push_job (Job                 *job,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;

  g_task_set_source_tag (task, push_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (pool == NULL)
    {
      pool = g_thread_pool_new (run_job, NULL, (gint) settings.hash_threads, FALSE, &error);
      if (pool == NULL)
        {
          g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                                   "The server cannot start its password workers: %s", error->message);
          return;
        }
    }
  if ((guint) g_atomic_int_get (&in_flight) >= settings.hash_threads + settings.hash_queue)
    {
      g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_BUSY,
                               "The server is busy checking other sign-ins; try again in a few seconds.");
      return;
    }
  g_atomic_int_inc (&in_flight);
  if (!g_thread_pool_push (pool, g_object_ref (task), &error))
    {
      g_atomic_int_add (&in_flight, -1);
      g_object_unref (task);
      g_task_return_new_error (task, FD_AUTH_ERROR, FD_AUTH_ERROR_FAILED,
                               "The server cannot start a password worker: %s", error->message);
    }
}

static Job *
job_new (JobKind     kind,
         const char *password,
         const char *hash)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->password = g_strdup (password);
  job->hash = g_strdup (hash);
  return job;
}

/* New passwords. */

static void
on_hashed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->new_hash), g_free);
}

void
fd_auth_hash_password_async (const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, fd_auth_hash_password_async);
  /* A weak password is refused at once, without a worker. */
  if (!check_password (password, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  push_job (job_new (JOB_HASH, password, NULL), cancellable, on_hashed_cb, g_steal_pointer (&task));
}

char *
fd_auth_hash_password_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-in. */

typedef struct {
  FdStore   *store;
  FdAgent   *agent;         /* NULL: unknown email */
  char      *hash;          /* the hash that was verified */
  char      *token;
  GPtrArray *revoked;       /* char* token hashes */
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_clear_pointer (&data->agent, fd_agent_free);
  g_clear_pointer (&data->hash, g_free);
  wipe (&data->token);
  g_clear_pointer (&data->revoked, g_ptr_array_unref);
  g_free (data);
}

static void
on_verified_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(FdAgent) current = NULL;
  g_autofree char *current_hash = NULL;
  g_autoptr(GError) local_error = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!job->verified || data->agent == NULL)
    {
      g_task_return_error (task, g_error_new_literal (FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
                                                      "The email address or the password is wrong."));
      return;
    }

  /* The password may have changed, or the agent gone, while the worker
   * verified the old hash: only the hash that is stored now counts. */
  current = fd_store_get_agent_by_email (data->store, data->agent->email, &current_hash, NULL);
  if (current == NULL || current->id != data->agent->id || g_strcmp0 (current_hash, data->hash) != 0)
    {
      g_task_return_error (task, g_error_new_literal (FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS,
                                                      "The email address or the password is wrong."));
      return;
    }
  if (job->new_hash != NULL &&
      !fd_store_set_agent_password_hash (data->store, current->organization_id, current->id,
                                         job->new_hash, &local_error))
    {
      /* Failing to upgrade the hash must not stop a valid sign-in. */
      g_warning ("Could not upgrade an agent's password hash: %s", local_error->message);
      g_clear_error (&local_error);
    }

  data->revoked = g_ptr_array_new_with_free_func (g_free);
  data->token = create_agent_token (data->store, current->organization_id, current->id, NULL,
                                    data->revoked, &error);
  if (data->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&data->agent, fd_agent_free);
  data->agent = g_steal_pointer (&current);
  g_task_return_boolean (task, TRUE);
}

void
fd_auth_sign_in_async (FdStore             *store,
                       const char          *email,
                       const char          *password,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) local_error = NULL;
  SignIn *data;

  g_return_if_fail (store != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_auth_sign_in_async);
  data = g_new0 (SignIn, 1);
  data->store = store;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_free);

  if (!fd_auth_init (&local_error))
    {
      g_task_return_error (task, g_steal_pointer (&local_error));
      return;
    }
  if (email != NULL && password != NULL && strlen (password) <= FD_AUTH_MAX_PASSWORD_LENGTH)
    {
      data->agent = fd_store_get_agent_by_email (store, email, &data->hash, &local_error);
      if (data->agent == NULL && !g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&local_error));
          return;
        }
      if (data->hash == NULL)
        g_clear_pointer (&data->agent, fd_agent_free);
    }
  /* Whatever was found, one verification in the pool: the answer and the
   * work are the same for a wrong email and a wrong password. */
  push_job (job_new (JOB_VERIFY, password != NULL ? password : "", data->hash),
            cancellable, on_verified_cb, g_steal_pointer (&task));
}

gboolean
fd_auth_sign_in_finish (GAsyncResult  *result,
                        FdAgent      **out_agent,
                        char         **out_token,
                        GPtrArray     *revoked_hashes,
                        GError       **error)
{
  SignIn *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (out_agent != NULL)
    *out_agent = g_steal_pointer (&data->agent);
  if (out_token != NULL)
    *out_token = g_steal_pointer (&data->token);
  for (guint i = 0; revoked_hashes != NULL && data->revoked != NULL && i < data->revoked->len; i++)
    g_ptr_array_add (revoked_hashes, g_strdup (data->revoked->pdata[i]));
  return TRUE;
}
