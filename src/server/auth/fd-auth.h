#pragma once

/* Authentication of frontdeskd: Argon2id password hashes and bearer tokens
 * (libsodium). Tokens are 32 random bytes in url-safe base64 behind a kind
 * prefix ("fda_" agent, "fdv_" visitor, "fdk_" admin); the store keeps only
 * their BLAKE2b hash, so a copy of the database grants nothing.
 *
 * Like the store, it is used from the main loop. A password hash takes about
 * 50 ms of CPU (OWASP parameters: 19 MiB, 2 passes), so the server hashes
 * in a small pool of worker threads with a bounded queue (the _async
 * functions): the workers see only the password and the hash, never the
 * store. The synchronous functions are for tools and tests.
 */

#include <gio/gio.h>
#include "fd-types.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_AUTH_ERROR (fd_auth_error_quark ())

typedef enum {
  FD_AUTH_ERROR_BAD_CREDENTIALS, /* unknown email or wrong password: the same error */
  FD_AUTH_ERROR_BAD_TOKEN,       /* malformed, unknown, or of another kind */
  FD_AUTH_ERROR_REVOKED,         /* a token that was revoked */
  FD_AUTH_ERROR_WEAK_PASSWORD,   /* shorter than FD_AUTH_MIN_PASSWORD_LENGTH or too long */
  FD_AUTH_ERROR_FAILED,          /* libsodium could not work (out of memory) */
  FD_AUTH_ERROR_EXPIRED,         /* a token past its lifetime or idle too long */
  FD_AUTH_ERROR_BUSY,            /* the hashing queue is full: try again in a moment */
} FdAuthError;

GQuark fd_auth_error_quark (void);

#define FD_AUTH_MIN_PASSWORD_LENGTH  8      /* characters */
#define FD_AUTH_MAX_PASSWORD_LENGTH  1024   /* bytes */

#define FD_AUTH_AGENT_TOKEN_PREFIX   "fda_"
#define FD_AUTH_VISITOR_TOKEN_PREFIX "fdv_"
#define FD_AUTH_ADMIN_TOKEN_PREFIX   "fdk_"

/* Lifetimes of agent tokens and the hashing pool (docs/admin.md, "Agent
 * sessions"). Process-wide: frontdeskd sets them once from its command line
 * before serving. Times in seconds. */
typedef struct {
  gint64  token_idle;       /* unused this long: expired (7 days) */
  gint64  token_lifetime;   /* since sign-in: expired (30 days); rotated past half */
  gint64  token_grace;      /* a rotated token stays valid this long (5 minutes) */
  guint   max_tokens;       /* live tokens per agent; the oldest go beyond (10) */
  guint   hash_threads;     /* worker threads hashing passwords (2) */
  guint   hash_queue;       /* hashes waiting beyond those running (32) */
  guint   sign_ins_per_account;  /* sign-ins a minute per email, successes too (10) */
  guint   sign_ins_per_address;  /* sign-ins a minute per remote address (60) */
} FdAuthSettings;

#define FD_AUTH_DEFAULT_TOKEN_IDLE      (7 * 24 * 3600)
#define FD_AUTH_DEFAULT_TOKEN_LIFETIME  (30 * 24 * 3600)
#define FD_AUTH_DEFAULT_TOKEN_GRACE     (5 * 60)
#define FD_AUTH_DEFAULT_MAX_TOKENS      10
#define FD_AUTH_DEFAULT_HASH_THREADS    2
#define FD_AUTH_DEFAULT_HASH_QUEUE      32
#define FD_AUTH_DEFAULT_SIGN_INS_PER_ACCOUNT 10
#define FD_AUTH_DEFAULT_SIGN_INS_PER_ADDRESS 60

void        fd_auth_settings_init          (FdAuthSettings  *settings);
/* Takes effect for what comes next; call before the first hash. */
void        fd_auth_configure              (const FdAuthSettings *settings);
const FdAuthSettings *fd_auth_get_settings (void);

/* Initializes libsodium once; every other function calls it, so callers need
 * not, but the server calls it at start to fail early. */
gboolean    fd_auth_init                   (GError         **error);

/* Passwords. */
char       *fd_auth_hash_password          (const char      *password,
                                            GError         **error);
gboolean    fd_auth_verify_password        (const char      *password_hash,
                                            const char      *password);
gboolean    fd_auth_password_needs_rehash  (const char      *password_hash);

/* Creates an agent with a password (hashes it, then fd_store_create_agent()). */
gboolean    fd_auth_create_agent           (FdStore         *store,
                                            FdAgent         *agent,
                                            const char      *password,
                                            GError         **error);
gboolean    fd_auth_set_agent_password     (FdStore         *store,
                                            gint64           organization_id,
                                            gint64           agent_id,
                                            const char      *password,
                                            GError         **error);

/* Signs an agent in by email and password: returns the agent and a new agent
 * token. A wrong email and a wrong password give the same
 * FD_AUTH_ERROR_BAD_CREDENTIALS and take about the same time. A hash made
 * with weaker parameters is replaced on success. */
gboolean    fd_auth_sign_in                (FdStore         *store,
                                            const char      *email,
                                            const char      *password,
                                            FdAgent        **out_agent,
                                            char           **out_token,
                                            GError         **error);

/* The same off the main loop: the store is read and written on the calling
 * thread (the main loop), Argon2 runs in the pool. A wrong email, an agent
 * without a password and a wrong password verify against a hash all the
 * same and give the same error. FD_AUTH_ERROR_BUSY when the queue is full.
 * On success, @revoked_hashes (when not NULL) gets the hashes of older
 * tokens revoked to keep the agent within max_tokens. */
void        fd_auth_sign_in_async          (FdStore         *store,
                                            const char      *email,
                                            const char      *password,
                                            GCancellable    *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer         user_data);
gboolean    fd_auth_sign_in_finish         (GAsyncResult    *result,
                                            FdAgent        **out_agent,
                                            char           **out_token,
                                            GPtrArray       *revoked_hashes,
                                            GError         **error);
/* Checks and hashes a new password in the pool (WEAK_PASSWORD, BUSY). */
void        fd_auth_hash_password_async    (const char      *password,
                                            GCancellable    *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer         user_data);
char       *fd_auth_hash_password_finish   (GAsyncResult    *result,
                                            GError         **error);

/* Tokens. create() returns the token text, shown once and never stored. */
char       *fd_auth_generate_token         (const char      *prefix);
char       *fd_auth_hash_token             (const char      *token);

char       *fd_auth_create_agent_token     (FdStore         *store,
                                            gint64           organization_id,
                                            gint64           agent_id,
                                            GError         **error);
/* REVOKED, EXPIRED (idle or past its lifetime) or BAD_TOKEN; records the
 * use (for the idle expiry). */
gboolean    fd_auth_check_agent_token      (FdStore         *store,
                                            const char      *token,
                                            FdAgent        **out_agent,
                                            GError         **error);
/* The same by the token's hash (a connected socket keeps only that);
 * @out_expires_at (when not NULL) gets when it expires at the latest,
 * in microseconds since the epoch. */
gboolean    fd_auth_check_agent_token_hash (FdStore         *store,
                                            const char      *token_hash,
                                            FdAgent        **out_agent,
                                            gint64          *out_expires_at,
                                            GError         **error);
/* Rotation: when the token of @token_hash is past half its lifetime, makes
 * a new one (returned, with its hash in @out_new_hash) and shortens the old
 * one to token_grace, so that a reconnect racing the rotation still gets
 * in. NULL without @error when the token is not due. */
char       *fd_auth_rotate_agent_token     (FdStore         *store,
                                            const char      *token_hash,
                                            char           **out_new_hash,
                                            GPtrArray       *revoked_hashes,
                                            GError         **error);
/* Sign-out of one session. */
gboolean    fd_auth_revoke_agent_token     (FdStore         *store,
                                            const char      *token,
                                            GError         **error);
/* Every session of an agent (password change, agent disabled). */
gboolean    fd_auth_revoke_agent_tokens    (FdStore         *store,
                                            gint64           organization_id,
                                            gint64           agent_id,
                                            GError         **error);

char       *fd_auth_create_visitor_token   (FdStore         *store,
                                            gint64           organization_id,
                                            gint64           conversation_id,
                                            GError         **error);
gboolean    fd_auth_check_visitor_token    (FdStore         *store,
                                            const char      *token,
                                            gint64          *out_conversation_id,
                                            gint64          *out_organization_id,
                                            GError         **error);

/* Admin tokens are server-wide: a superuser for frontdeskctl. */
char       *fd_auth_create_admin_token     (FdStore         *store,
                                            const char      *label,
                                            GError         **error);
gboolean    fd_auth_check_admin_token      (FdStore         *store,
                                            const char      *token,
                                            GError         **error);
gboolean    fd_auth_revoke_admin_token     (FdStore         *store,
                                            const char      *token,
                                            GError         **error);

G_END_DECLS
