/* The agent's own CRM user (FdCrmUser, docs/app.md "CRM"): the RFC 8252
 * loopback flow against a fake authorization server of this test (a
 * SoupServer on 127.0.0.1 with /authorize, which redirects to the app's
 * loopback listener, and /token, which checks the PKCE verifier against
 * the S256 challenge like Salesforce's token endpoint), and the tokens
 * found in the Secret Service (gnome-keyring, started by
 * run-with-keyring.sh). */

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fd-crm-user.h"

#define SERVER_URL "http://frontdesk.test"
#define EMAIL      "agent@example.com"
#define CLIENT_ID  "frontdesk-desktop"
#define USER_ID    "005xx0000012345AAA"

typedef struct
{
  SoupServer  *server;
  char        *base;
  char        *challenge;
  char        *redirect_uri;
  char        *state;
  gboolean     refuse_token;   /* /token answers invalid_grant */
  gboolean     wrong_state;    /* /authorize comes back with another state */
  guint        n_token;
  gboolean     verifier_ok;
  SoupSession *browser;
  GMainLoop   *loop;
  GAsyncResult *result;
} Fixture;

static void
on_authorize_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *f = user_data;
  g_autofree char *location = NULL;
  g_autofree char *state = NULL;

  g_assert_nonnull (query);
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "api refresh_token");
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
  Fixture *f = user_data;
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
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, CLIENT_ID);
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
      answer = "{\"access_token\":\"00Dxx!ACCESS\",\"refresh_token\":\"5Aep!REFRESH\","
               "\"instance_url\":\"https://example.my.salesforce.com\","
               "\"id\":\"https://login.salesforce.com/id/00Dxx0000001gPFEAY/" USER_ID "\","
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

static gboolean
browser_launcher (const char  *uri,
                  gpointer     user_data,
                  GError     **error)
{
  Fixture *f = user_data;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  g_assert_true (g_str_has_prefix (uri, f->base));
  soup_session_send_and_read_async (f->browser, msg, G_PRIORITY_DEFAULT, NULL, on_browsed_cb, NULL);
  return TRUE;
}

static gboolean
failing_launcher (const char  *uri,
                  gpointer     user_data,
                  GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no browser");
  return FALSE;
}

/* A browser that opens but never comes back. */
static gboolean
silent_launcher (const char  *uri,
                 gpointer     user_data,
                 GError     **error)
{
  return TRUE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
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
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->browser);
  g_clear_object (&f->result);
  g_clear_pointer (&f->loop, g_main_loop_unref);
  g_free (f->base);
  g_free (f->challenge);
  g_free (f->redirect_uri);
  g_free (f->state);
}

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *f = user_data;

  f->result = g_object_ref (result);
  g_main_loop_quit (f->loop);
}

static char *
run_connect (Fixture    *f,
             FdCrmUser  *user,
             GError    **error)
{
  g_autofree char *authorize = g_strconcat (f->base, "/authorize", NULL);
  g_autofree char *token = g_strconcat (f->base, "/token", NULL);

  g_clear_object (&f->result);
  fd_crm_user_connect_async (user, "salesforce", authorize, token, CLIENT_ID, "api refresh_token",
                             NULL, on_done_cb, f);
  g_main_loop_run (f->loop);
  return fd_crm_user_connect_finish (user, f->result, error);
}

/* What the Secret Service holds under the app's CRM schema, read with
 * libsecret directly (not through FdCrmUser). */
static char *
stored_secret (void)
{
  static const SecretSchema schema = {
    FD_CRM_USER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "email", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "server", SERVER_URL, "email", EMAIL, NULL);

  g_assert_no_error (error);
  return secret;
}

static gboolean
lookup (Fixture  *f,
        FdCrmUser *user,
        char    **provider,
        char    **crm_user)
{
  g_autoptr(GError) error = NULL;
  gboolean found;

  g_clear_object (&f->result);
  fd_crm_user_lookup_async (user, NULL, on_done_cb, f);
  g_main_loop_run (f->loop);
  found = fd_crm_user_lookup_finish (user, f->result, provider, crm_user, &error);
  g_assert_no_error (error);
  return found;
}

static void
test_connect_and_disconnect (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(FdCrmUser) user = fd_crm_user_new (SERVER_URL, EMAIL);
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *found_user = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  fd_crm_user_set_launcher (user, browser_launcher, f);
  crm_user = run_connect (f, user, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crm_user, ==, USER_ID);
  g_assert_cmpuint (f->n_token, ==, 1);
  g_assert_true (f->verifier_ok);
  /* The listener is gone with the flow. */
  g_assert_null (fd_crm_user_get_redirect_uri (user));

  secret = stored_secret ();
  g_assert_nonnull (secret);
  g_assert_true (json_parser_load_from_data (parser, secret, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "access_token"), ==, "00Dxx!ACCESS");
  g_assert_cmpstr (json_object_get_string_member (object, "refresh_token"), ==, "5Aep!REFRESH");
  g_assert_cmpstr (json_object_get_string_member (object, "crm_user"), ==, USER_ID);

  g_assert_true (lookup (f, user, &provider, &found_user));
  g_assert_cmpstr (provider, ==, "salesforce");
  g_assert_cmpstr (found_user, ==, USER_ID);

  g_clear_object (&f->result);
  fd_crm_user_disconnect_async (user, NULL, on_done_cb, f);
  g_main_loop_run (f->loop);
  g_assert_true (fd_crm_user_disconnect_finish (user, f->result, &error));
  g_assert_no_error (error);
  g_clear_pointer (&secret, g_free);
  secret = stored_secret ();
  g_assert_null (secret);
  g_assert_false (lookup (f, user, NULL, NULL));
  g_clear_object (&f->result);
  g_assert_finalize_object (g_steal_pointer (&user));
}

/* An answer with another state is refused before any code is exchanged,
 * and nothing is stored. */
static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(FdCrmUser) user = fd_crm_user_new (SERVER_URL, EMAIL);
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = NULL;
  g_autofree char *secret = NULL;

  f->wrong_state = TRUE;
  fd_crm_user_set_launcher (user, browser_launcher, f);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_STATE);
  g_assert_null (crm_user);
  g_assert_cmpuint (f->n_token, ==, 0);
  secret = stored_secret ();
  g_assert_null (secret);
}

/* The token endpoint's refusal reaches the agent as a sentence with the
 * CRM's reason; nothing is stored. */
static void
test_token_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(FdCrmUser) user = fd_crm_user_new (SERVER_URL, EMAIL);
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = NULL;
  g_autofree char *secret = NULL;

  f->refuse_token = TRUE;
  fd_crm_user_set_launcher (user, browser_launcher, f);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TOKEN);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_assert_cmpuint (f->n_token, ==, 1);
  g_assert_true (f->verifier_ok);
  secret = stored_secret ();
  g_assert_null (secret);
}

/* No usable configuration (an http authorization page on another host),
 * no browser, and a browser that never comes back: each a typed error. */
static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(FdCrmUser) user = fd_crm_user_new (SERVER_URL, EMAIL);
  g_autoptr(GError) error = NULL;
  g_autofree char *crm_user = NULL;
  g_autofree char *token = g_strconcat (f->base, "/token", NULL);

  g_clear_object (&f->result);
  fd_crm_user_connect_async (user, "salesforce", "http://crm.example.com/authorize", token, CLIENT_ID, NULL,
                             NULL, on_done_cb, f);
  g_main_loop_run (f->loop);
  crm_user = fd_crm_user_connect_finish (user, f->result, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_CONFIG);
  g_clear_error (&error);

  fd_crm_user_set_launcher (user, failing_launcher, NULL);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_BROWSER);
  g_clear_error (&error);

  /* A launcher that opens nothing: the flow gives up after its timeout. */
  fd_crm_user_set_launcher (user, silent_launcher, NULL);
  fd_crm_user_set_timeout (user, 1);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TIMED_OUT);
  g_assert_cmpuint (f->n_token, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/crm-user/connect-and-disconnect", Fixture, NULL, fixture_setup, test_connect_and_disconnect, fixture_teardown);
  g_test_add ("/crm-user/wrong-state", Fixture, NULL, fixture_setup, test_wrong_state, fixture_teardown);
  g_test_add ("/crm-user/token-refused", Fixture, NULL, fixture_setup, test_token_refused, fixture_teardown);
  g_test_add ("/crm-user/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  return g_test_run ();
}
