#pragma once

/* The checks on write of a twitter stream's settings_json (docs/admin.md,
 * "Twitter streams"), for the admin API, the site import and the
 * authorization page: {"handle":"@KakapoSystems", "poll_seconds":180,
 * "account_id":"<X user id>", "oauth_client_id":"<the X app's client id>"}.
 * Every member present must be well-formed; none is required (a stream is
 * created with a name alone and completed by its authorization link).
 * Secrets are never settings: they are the stream's write-only
 * "oauth_client_secret" and "oauth_tokens". Pure; any thread.
 *
 * (Part B's fd-x-settings.c parses the settings for the poller; once both
 * are merged, this check may move there.) */

#include <glib.h>

G_BEGIN_DECLS

#define FD_X_HANDLE_MAX            15
#define FD_X_ACCOUNT_ID_MAX        20
#define FD_X_CLIENT_ID_MAX         200
#define FD_X_MIN_POLL_SECONDS      1
#define FD_X_MAX_POLL_SECONDS      180
#define FD_X_DEFAULT_POLL_SECONDS  180

/* G_IO_ERROR_INVALID_DATA with a sentence naming the member when @json is
 * not acceptable. */
gboolean fd_x_settings_check     (const char  *settings_json,
                                  GError     **error);
/* fd_x_settings_check(), and the text to store: the same object with the
 * handle written with its "@". NULL with the error otherwise. */
char    *fd_x_settings_normalize (const char  *settings_json,
                                  GError     **error);
/* "@Name" for "Name" or "@Name" (X's rule: 1 to 15 letters, digits or
 * underscores); NULL when @handle is not one. */
char    *fd_x_handle_normalize   (const char  *handle);
/* An X user id: 1 to FD_X_ACCOUNT_ID_MAX decimal digits. */
gboolean fd_x_account_id_is_valid (const char *account_id);
/* A client id X could have given: 1 to FD_X_CLIENT_ID_MAX printable
 * characters, no spaces or control characters. */
gboolean fd_x_client_id_is_valid (const char *client_id);

G_END_DECLS
