#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_TYPE_SECRETS (fd_secrets_get_type ())
G_DECLARE_FINAL_TYPE (FdSecrets, fd_secrets, FD, SECRETS, GObject)

/* The agent's credentials for one server and email in the Secret Service
 * (libsecret), under the app's own schema "io.github.frontdeskcc.Frontdesk".
 * The item's attributes are the server URL and the email only; the token
 * and the password are the secret. */

#define FD_SECRETS_SCHEMA_NAME "io.github.frontdeskcc.Frontdesk"

#define FD_SECRETS_ERROR (fd_secrets_error_quark ())

typedef enum {
  FD_SECRETS_ERROR_CORRUPT,   /* the stored secret is not what the app writes */
} FdSecretsError;

GQuark      fd_secrets_error_quark (void);

FdSecrets  *fd_secrets_new          (const char          *server_url,
                                     const char          *email);
const char *fd_secrets_get_server_url (FdSecrets         *self);
const char *fd_secrets_get_email    (FdSecrets           *self);

/* Stores @token and @password (either may be NULL), replacing what was
 * stored for this server and email. */
void        fd_secrets_store_async  (FdSecrets           *self,
                                     const char          *token,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    fd_secrets_store_finish (FdSecrets           *self,
                                     GAsyncResult        *result,
                                     GError             **error);

/* Returns TRUE with what was stored (each may be NULL), or FALSE: with
 * @error set on failure, without when nothing is stored. */
void        fd_secrets_lookup_async (FdSecrets           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    fd_secrets_lookup_finish (FdSecrets          *self,
                                     GAsyncResult        *result,
                                     char               **out_token,
                                     char               **out_password,
                                     GError             **error);

/* Removes the stored credentials (sign out); TRUE also when none were. */
void        fd_secrets_clear_async  (FdSecrets           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean    fd_secrets_clear_finish (FdSecrets           *self,
                                     GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
