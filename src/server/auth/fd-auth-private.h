#pragma once

/* Shared by the authentication's own files (fd-auth*.c) only:
 *   fd-auth.c            settings, libsodium, password hashes
 *   fd-auth-tokens.c     agent, visitor and admin tokens (sessions)
 *   fd-auth-hash-pool.c  the worker threads that run Argon2
 *   fd-auth-sign-in.c    sign-in by email and password
 */

#include "fd-auth.h"

G_BEGIN_DECLS

/* The process-wide settings (fd_auth_configure()). */
extern FdAuthSettings auth_settings;

/* WEAK_PASSWORD unless @password is UTF-8 of an acceptable length. */
gboolean    auth_check_password      (const char  *password,
                                      GError     **error);
/* An Argon2id hash of @password, which the caller has checked. */
char       *auth_hash_password       (const char  *password,
                                      GError     **error);
/* A hash to verify against when there is none, so that both cost the same. */
const char *auth_dummy_hash          (void);
/* Zeroes the secret at *@secret, frees it and clears the pointer. */
void        auth_wipe                (char       **secret);

/* A new agent token within max_tokens, in one transaction (fd-auth-tokens.c). */
char       *auth_create_agent_token  (FdStore     *store,
                                      gint64       organization_id,
                                      gint64       agent_id,
                                      char       **out_hash,
                                      GPtrArray   *revoked_hashes,
                                      GError     **error);

/* The hashing pool (fd-auth-hash-pool.c). */
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

Job        *auth_job_new             (JobKind      kind,
                                      const char  *password,
                                      const char  *hash);
/* Queues @job (taking it) for a worker, or fails the task at once with BUSY
 * past threads + queue; @callback runs on the caller's main context with a
 * task whose data is the job. */
void        auth_push_job            (Job                 *job,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

G_END_DECLS
