#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_TYPE_CRM_USER (fd_crm_user_get_type ())
G_DECLARE_FINAL_TYPE (FdCrmUser, fd_crm_user, FD, CRM_USER, GObject)

/* The agent's own CRM user (docs/app.md, "CRM"): OAuth 2.0 for native
 * apps (RFC 8252) — the system browser opens the CRM's authorization
 * page, the answer comes back to a loopback listener on 127.0.0.1 with an
 * ephemeral port, the code is exchanged with PKCE (S256) and a checked
 * state, and the tokens go to the Secret Service (libsecret) under the
 * schema FD_CRM_USER_SCHEMA_NAME, keyed by the Frontdesk server and the
 * agent's email. Nothing is written to files or GSettings. */

#define FD_CRM_USER_SCHEMA_NAME "io.github.frontdeskcc.Frontdesk.CrmUser"

/* How long the flow waits for the browser to come back. */
#define FD_CRM_USER_DEFAULT_TIMEOUT_SECONDS 300
/* The largest token response read. */
#define FD_CRM_USER_MAX_RESPONSE (64 * 1024)
/* The CRM user's id as the protocol carries it (crm_user, FD_LIMIT_NAME). */
#define FD_CRM_USER_MAX_ID 200

#define FD_CRM_USER_ERROR (fd_crm_user_error_quark ())

typedef enum {
  FD_CRM_USER_ERROR_CONFIG,     /* no usable authorization/token URL or client id */
  FD_CRM_USER_ERROR_BROWSER,    /* the browser could not be opened */
  FD_CRM_USER_ERROR_DENIED,     /* the CRM answered with an error (access_denied …) */
  FD_CRM_USER_ERROR_STATE,      /* an answer without our state: ignored, the flow fails */
  FD_CRM_USER_ERROR_TOKEN,      /* the token endpoint refused or answered nonsense */
  FD_CRM_USER_ERROR_TIMED_OUT,  /* the browser never came back */
  FD_CRM_USER_ERROR_CORRUPT,    /* the stored secret is not what the app writes */
} FdCrmUserError;

GQuark      fd_crm_user_error_quark (void);

/* Opens @uri in the system browser; the default uses
 * g_app_info_launch_default_for_uri_async(). Tests replace it. Returns
 * FALSE with @error when nothing could be opened. */
typedef gboolean (*FdCrmUserLauncher) (const char  *uri,
                                       gpointer     user_data,
                                       GError     **error);

FdCrmUser  *fd_crm_user_new          (const char          *server_url,
                                      const char          *email);
void        fd_crm_user_set_launcher (FdCrmUser           *self,
                                      FdCrmUserLauncher    launcher,
                                      gpointer             user_data);
void        fd_crm_user_set_timeout  (FdCrmUser           *self,
                                      guint                seconds);
/* The loopback redirect URI of the flow under way (NULL otherwise). */
const char *fd_crm_user_get_redirect_uri (FdCrmUser       *self);

/* Runs the whole flow against @authorize_url and @token_url (https, or
 * http on a loopback address for tests) for @client_id, and stores the
 * tokens. Completes with the CRM user id the token endpoint named
 * (Salesforce: the last part of its "id" URL; otherwise its "user_id"),
 * "" when it named none. */
void        fd_crm_user_connect_async  (FdCrmUser           *self,
                                        const char          *provider,
                                        const char          *authorize_url,
                                        const char          *token_url,
                                        const char          *client_id,
                                        const char          *scope,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char       *fd_crm_user_connect_finish (FdCrmUser           *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* TRUE with the stored provider and user id (either may be ""), FALSE
 * when nothing is stored (with @error on failure). */
void        fd_crm_user_lookup_async   (FdCrmUser           *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    fd_crm_user_lookup_finish  (FdCrmUser           *self,
                                        GAsyncResult        *result,
                                        char               **out_provider,
                                        char               **out_crm_user,
                                        GError             **error);

/* Removes the stored tokens (Disconnect); TRUE also when none were. */
void        fd_crm_user_disconnect_async  (FdCrmUser           *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    fd_crm_user_disconnect_finish (FdCrmUser           *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* RFC 7636: the S256 challenge of @verifier (base64url, no padding). */
char       *fd_crm_user_pkce_challenge (const char          *verifier);

G_END_DECLS
