#pragma once

/* Authentication of frontdeskd: Argon2id password hashes and bearer tokens
 * (libsodium). Tokens are 32 random bytes in url-safe base64 behind a kind
 * prefix ("fda_" agent, "fdv_" visitor, "fdk_" admin); the store keeps only
 * their BLAKE2b hash, so a copy of the database grants nothing.
 *
 * Like the store, it is used from the main loop. A password hash takes about
 * 50 ms of CPU (OWASP parameters: 19 MiB, 2 passes).
 */

#include <glib.h>
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
} FdAuthError;

GQuark fd_auth_error_quark (void);

#define FD_AUTH_MIN_PASSWORD_LENGTH  8      /* characters */
#define FD_AUTH_MAX_PASSWORD_LENGTH  1024   /* bytes */

#define FD_AUTH_AGENT_TOKEN_PREFIX   "fda_"
#define FD_AUTH_VISITOR_TOKEN_PREFIX "fdv_"
#define FD_AUTH_ADMIN_TOKEN_PREFIX   "fdk_"

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

/* Tokens. create() returns the token text, shown once and never stored. */
char       *fd_auth_generate_token         (const char      *prefix);
char       *fd_auth_hash_token             (const char      *token);

char       *fd_auth_create_agent_token     (FdStore         *store,
                                            gint64           organization_id,
                                            gint64           agent_id,
                                            GError         **error);
gboolean    fd_auth_check_agent_token      (FdStore         *store,
                                            const char      *token,
                                            FdAgent        **out_agent,
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
