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
 * (fd-x-settings.c parses the settings for the poller; this file holds
 * what writing them needs: the check that names the member, the handle
 * stored with its "@". Its names differ from fd-x-settings.h's so that
 * both link together until they are folded into one.) */

#include <glib.h>

G_BEGIN_DECLS

/* The text to store for @settings_json: the same object with the handle
 * written with its "@". NULL with G_IO_ERROR_INVALID_DATA and a sentence
 * naming the member when it is not acceptable. */
char    *fd_x_settings_normalize (const char  *settings_json,
                                  GError     **error);
/* "@Name" for "Name" or "@Name" (X's rule: 1 to 15 letters, digits or
 * underscores); NULL when @handle is not one. */
char    *fd_x_handle_normalize   (const char  *handle);
/* An X user id: 1 to 20 decimal digits. */
gboolean fd_x_account_id_is_valid (const char *account_id);
/* A client id X could have given: 1 to 200 printable ASCII characters,
 * no spaces. */
gboolean fd_x_client_id_is_valid (const char *client_id);

G_END_DECLS
