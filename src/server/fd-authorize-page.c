#define G_LOG_DOMAIN "fd-authorize"

/* The Email Authorization page (docs/email.md, "Authorization flow"):
 * GET FD_AUTHORIZE_PREFIX/TOKEN shows the stream's type and name and a form
 * (platform, address, password and confirmation, the servers of "other"),
 * prefilled with the stream's settings but never a password; POST checks
 * it and seals the credentials into the store, or, for Office 365 and
 * Gmail, sends the person to the provider's consent, whose answer comes
 * back to FD_AUTHORIZE_PREFIX/oauth-callback. A twitter stream's link goes
 * straight to X's consent when the stream's handle and client id are
 * known, else after the Twitter Authorization form; its callback asks X
 * who authorized (users/me) and stores the tokens only for the stream's
 * own account (docs/twitter.md, "Authorization and tokens"). Plain HTML
 * written here, every value escaped, no script, a strict
 * Content-Security-Policy.
 *
 * CSRF: the form's hidden "csrf" field and a SameSite=Strict cookie both
 * carry a keyed MAC (libsodium crypto_auth, a key made at each start) of
 * the link's token hash; a post must bring both, equal to the MAC.
 *
 * This file: the page's handler (which request goes where), its answers
 * (the page, a message), the links found and checked. The forms and their
 * posts are in fd-authorize-page-form.c; saving, the providers' consent
 * and its callback in fd-authorize-page-consent.c. */

#include "fd-authorize-private.h"

#include "fd-auth.h"
#include "fd-web-page.h"

#include <string.h>

#define CALLBACK_PATH   AUTHORIZE_CALLBACK_PATH
#define COOKIE_NAME     AUTHORIZE_COOKIE_NAME
#define TOKEN_MAX       128

static const char page_style[] =
  "body{font-family:system-ui,sans-serif;max-width:36em;margin:2em auto;padding:0 1em;color:#222}"
  "h1{font-size:1.4em}dl{display:grid;grid-template-columns:max-content auto;gap:.3em 1em}"
  "dt{font-weight:bold}label{display:block;margin:.8em 0 .2em}input,select{width:100%;padding:.3em;"
  "box-sizing:border-box}fieldset{margin-top:1em}.errors{border:2px solid #b00;padding:.5em 1em;color:#700}"
  "button{margin-top:1.2em;padding:.5em 1.5em}.note{color:#555;font-size:.9em}";

void
authorize_page_init (FdAuthorize *self)
{
  crypto_auth_keygen (self->csrf_key);
  self->style_hash = fd_web_page_style_hash (page_style);
  self->oauth_session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
  self->oauth_cancellable = g_cancellable_new ();
}

/* --- Answering --------------------------------------------------------------- */

/* The origins a form may go to: this server, and the providers' consent
 * (a form's answer redirects there). */
static char *
form_action_sources (FdAuthorize *self)
{
  return g_strdup_printf ("'self' %s %s",
                          self->oauth_base_url != NULL ? self->oauth_base_url
                                                       : "https://login.microsoftonline.com https://accounts.google.com",
                          self->x_oauth_base_url != NULL ? self->x_oauth_base_url : "https://x.com");
}

void
authorize_respond_page (FdAuthorize       *self,
                        SoupServerMessage *msg,
                        guint              status,
                        const char        *title,
                        const char        *body_html,
                        const char        *csrf)
{
  g_autofree char *actions = form_action_sources (self);

  if (csrf != NULL)
    {
      g_autofree char *cookie = g_strdup_printf (COOKIE_NAME "=%s; Path=" FD_AUTHORIZE_PREFIX "; HttpOnly; "
                                                 "SameSite=Strict%s", csrf, self->secure ? "; Secure" : "");

      soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
    }
  fd_web_page_respond (msg, status, title, page_style, self->style_hash, actions, body_html);
}

/* A page that says what went wrong, and nothing else. */
void
authorize_respond_message (FdAuthorize       *self,
                           SoupServerMessage *msg,
                           guint              status,
                           const char        *title,
                           const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *body = g_strdup_printf ("<p>%s</p>\n<p class=\"note\">Please contact your contact center "
                                           "provider if any further information is required.</p>\n", escaped);

  authorize_respond_page (self, msg, status, title, body, NULL);
}

/* --- Links -------------------------------------------------------------------- */

void
authorize_found_clear (Found *found)
{
  g_clear_pointer (&found->token_hash, g_free);
  fd_store_authorization_clear (&found->link);
  g_clear_pointer (&found->stream, fd_stream_free);
}

gboolean
authorize_token_is_wellformed (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > TOKEN_MAX)
    return FALSE;
  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* The link's stream when the link may be used; otherwise the page that
 * says why (404 unknown, 410 expired or used) has been answered. */
gboolean
authorize_check_found (FdAuthorize       *self,
                       SoupServerMessage *msg,
                       Found             *found)
{
  if (found->link.used_at != 0)
    {
      authorize_respond_message (self, msg, SOUP_STATUS_GONE, "This link was used already",
                                 "This authorization link has been used already; a link works once. If the mailbox "
                                 "still needs authorizing, ask your contact center administrator for a new link.");
      return FALSE;
    }
  if (found->link.expires_at <= g_get_real_time ())
    {
      authorize_respond_message (self, msg, SOUP_STATUS_GONE, "This link has expired",
                                 "This authorization link has expired. Ask your contact center administrator for a "
                                 "new one.");
      return FALSE;
    }
  found->stream = fd_store_get_stream (self->store, found->link.organization_id, found->link.stream_id, NULL);
  if (found->stream == NULL || found->stream->deleted)
    {
      authorize_respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                                 "The media stream of this authorization link no longer exists.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
find_link (FdAuthorize       *self,
           SoupServerMessage *msg,
           const char        *token,
           Found             *found)
{
  g_autoptr(GError) error = NULL;

  if (!authorize_token_is_wellformed (token) ||
      !fd_store_find_authorization (self->store, (found->token_hash = fd_auth_hash_token (token)), &found->link,
                                    &error))
    {
      if (error != NULL && !g_error_matches (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
        {
          g_warning ("Cannot read an authorization link: %s", error->message);
          authorize_respond_message (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Something went wrong",
                                     "The server could not read this authorization link; try again in a moment.");
          return FALSE;
        }
      authorize_respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                                 "This authorization link is not valid. It may have been replaced by a newer one: use "
                                 "the link of the latest authorization email.");
      return FALSE;
    }
  return authorize_check_found (self, msg, found);
}

static void
on_page_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FdAuthorize *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *token;
  gboolean post = g_str_equal (method, "POST");
  Found found = { 0 };

  if (!post && !g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD, POST");
      authorize_respond_message (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Not allowed",
                                 "This page takes GET and POST.");
      return;
    }
  if (g_str_equal (path, CALLBACK_PATH))
    {
      if (post)
        authorize_respond_message (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Not allowed", "This page takes GET.");
      else
        authorize_serve_callback (self, msg, query);
      return;
    }
  token = g_str_has_prefix (path, FD_AUTHORIZE_PREFIX "/") ? path + strlen (FD_AUTHORIZE_PREFIX "/") : "";
  if (find_link (self, msg, token, &found))
    {
      if (found.stream->kind == FD_STREAM_TWITTER && post)
        authorize_serve_x_post (self, msg, &found);
      else if (found.stream->kind == FD_STREAM_TWITTER)
        authorize_serve_x_get (self, msg, &found, g_str_equal (method, "HEAD"));
      else if (found.stream->kind != FD_STREAM_EMAIL)
        authorize_respond_message (self, msg, SOUP_STATUS_NOT_FOUND, "This link is not valid",
                                   "Only email and twitter streams are authorized on this page.");
      else if (post)
        authorize_serve_post (self, msg, &found);
      else
        {
          g_autoptr(GHashTable) values = authorize_values_from_settings (found.stream);

          authorize_respond_form (self, msg, SOUP_STATUS_OK, &found, values, NULL);
        }
    }
  authorize_found_clear (&found);
}

void
fd_authorize_attach (FdAuthorize *self,
                     SoupServer  *server)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (SOUP_IS_SERVER (server));

  soup_server_add_handler (server, FD_AUTHORIZE_PREFIX, on_page_cb, self, NULL);
}
