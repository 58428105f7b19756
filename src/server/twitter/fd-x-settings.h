#pragma once

/* The settings of a twitter stream, from its settings_json (docs/twitter.md,
 * "Polling"; docs/admin.md): {"handle":"@KakapoSystems", "poll_seconds":180,
 * "account_id":"<X user id>", "oauth_client_id":"<the X app's client id>"}.
 * Never a secret: oauth_client_secret and oauth_tokens are write-only
 * stream secrets, sealed in the store as for email OAuth streams. Read and
 * checked by one set of rules for the admin API, the site import, the
 * authorization page and the poller. Pure; any thread. */

#include <glib.h>

G_BEGIN_DECLS

#define FD_X_SETTINGS_ERROR (fd_x_settings_error_quark ())
GQuark fd_x_settings_error_quark (void);

typedef enum {
  FD_X_SETTINGS_ERROR_INVALID,  /* a missing or bad field: the message names it */
} FdXSettingsError;

/* The guide's "within 3 minutes"; shorter is allowed (X bills reads). */
#define FD_X_DEFAULT_POLL_SECONDS 180
#define FD_X_MIN_POLL_SECONDS     1
#define FD_X_MAX_POLL_SECONDS     180
/* X handles: 1 to 15 of [A-Za-z0-9_]. */
#define FD_X_MAX_HANDLE           15
/* X ids are decimal strings; 19 digits today, room for more when read. */
#define FD_X_MAX_ID_DIGITS        32
/* What is written: a 64-bit id's 20 digits at the most. */
#define FD_X_MAX_ACCOUNT_ID_DIGITS 20
#define FD_X_MAX_CLIENT_ID        200

typedef struct {
  char  *handle;           /* with the "@" */
  guint  poll_seconds;     /* 1..180; default 180 */
  char  *account_id;       /* X user id; NULL until authorization (or users/me) fills it */
  char  *oauth_client_id;  /* the X app's client id */
} FdXSettings;

/* Parses and checks @json of a stream ready to poll: handle and
 * oauth_client_id present, the rest well-formed. */
FdXSettings *fd_x_settings_parse   (const char  *json,
                                    GError     **error);
/* The checks on write (docs/admin.md, "Twitter streams"), for the admin
 * API and the site import: every member present well-formed, none
 * required (a stream is created with a name alone and completed by its
 * authorization link), no other member taken; secrets are never settings.
 * The text to store for @settings_json: the same object with the handle
 * written with its "@". NULL with G_IO_ERROR_INVALID_DATA and a sentence
 * naming the member when it is not acceptable. */
char        *fd_x_settings_normalize (const char  *settings_json,
                                      GError     **error);
void         fd_x_settings_free    (FdXSettings *settings);

/* TRUE for "@name" or "name" with 1..15 of [A-Za-z0-9_]. */
gboolean     fd_x_handle_is_valid  (const char  *handle);
/* "@Name" for "Name" or "@Name" (X's rule above); NULL when @handle is
 * not one. */
char        *fd_x_handle_normalize (const char  *handle);
/* An X user id as written: 1 to FD_X_MAX_ACCOUNT_ID_DIGITS decimal
 * digits, no leading zero. */
gboolean     fd_x_account_id_is_valid (const char *account_id);
/* A client id X could have given: 1 to 200 printable ASCII characters,
 * no spaces. */
gboolean     fd_x_client_id_is_valid (const char *client_id);

/* @json (a stream's settings_json; NULL = "{}") with account_id set to
 * @account_id; the other members kept. NULL when @json is not an object. */
char        *fd_x_settings_with_account_id (const char *json,
                                            const char *account_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdXSettings, fd_x_settings_free)

G_END_DECLS
