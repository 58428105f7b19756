/* The fake authorization server of the CRM user tests (fd-fake-oauth.h). */

#include <string.h>

#include "fd-crm-user.h"
#include "fd-fake-oauth.h"

static void
on_authorize_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FdFakeOAuth *f = user_data;
  g_autofree char *location = NULL;
  g_autofree char *state = NULL;

  g_assert_nonnull (query);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, FD_FAKE_OAUTH_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_clear_pointer (&f->challenge, g_free);
  g_clear_pointer (&f->redirect_uri, g_free);
  g_clear_pointer (&f->state, g_free);
  f->challenge = g_strdup (g_hash_table_lookup (query, "code_challenge"));
  f->redirect_uri = g_strdup (g_hash_table_lookup (query, "redirect_uri"));
  f->state = g_strdup (g_hash_table_lookup (query, "state"));
  g_assert_nonnull (f->challenge);
  g_assert_nonnull (f->state);
  g_assert_true (g_str_has_prefix (f->redirect_uri, "http://127.0.0.1:"));

  state = g_uri_escape_string (f->wrong_state ? "forged" : f->state, NULL, FALSE);
  location = g_strdup_printf ("%s?code=AUTHCODE42&state=%s", f->redirect_uri, state);
  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
on_token_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  FdFakeOAuth *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autofree char *challenge = NULL;
  const char *answer;

  f->n_token++;
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "AUTHCODE42");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, FD_FAKE_OAUTH_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (form, "redirect_uri"), ==, f->redirect_uri);
  challenge = fd_crm_user_pkce_challenge (g_hash_table_lookup (form, "code_verifier"));
  f->verifier_ok = g_strcmp0 (challenge, f->challenge) == 0;
  if (!f->verifier_ok || f->refuse_token)
    {
      answer = "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
    }
  else
    {
      answer = "{\"access_token\":\"" FD_FAKE_OAUTH_ACCESS "\",\"refresh_token\":\"" FD_FAKE_OAUTH_REFRESH "\","
               "\"instance_url\":\"https://example.my.salesforce.com\","
               "\"id\":\"https://login.salesforce.com/id/00Dxx0000001gPFEAY/" FD_FAKE_OAUTH_USER_ID "\","
               "\"token_type\":\"Bearer\",\"issued_at\":\"1700000000000\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer, strlen (answer));
}

/* The "browser": follows the authorization page's redirect to the app's
 * loopback listener, as a person's browser would. */
static void
on_browsed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
}

gboolean
fd_fake_oauth_browser (const char  *uri,
                       gpointer     user_data,
                       GError     **error)
{
  FdFakeOAuth *f = user_data;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  g_assert_true (g_str_has_prefix (uri, f->base));
  soup_session_send_and_read_async (f->browser, msg, G_PRIORITY_DEFAULT, NULL, on_browsed_cb, NULL);
  return TRUE;
}

FdFakeOAuth *
fd_fake_oauth_new (void)
{
  FdFakeOAuth *f = g_new0 (FdFakeOAuth, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/authorize", on_authorize_cb, f, NULL);
  soup_server_add_handler (f->server, "/token", on_token_cb, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->browser = soup_session_new ();
  return f;
}

void
fd_fake_oauth_free (FdFakeOAuth *f)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->browser);
  g_free (f->base);
  g_free (f->challenge);
  g_free (f->redirect_uri);
  g_free (f->state);
  g_free (f);
}

char *
fd_fake_oauth_authorize_url (FdFakeOAuth *self)
{
  return g_strconcat (self->base, "/authorize", NULL);
}

char *
fd_fake_oauth_token_url (FdFakeOAuth *self)
{
  return g_strconcat (self->base, "/token", NULL);
}
