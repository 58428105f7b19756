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
#include "fd-fake-oauth.h"

#define SERVER_URL "http://frontdesk.test"
#define EMAIL      "agent@example.com"

typedef struct
{
  FdFakeOAuth  *oauth;
  GMainLoop    *loop;
  GAsyncResult *result;
} Fixture;

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
  f->oauth = fd_fake_oauth_new ();
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->oauth, fd_fake_oauth_free);
  g_clear_object (&f->result);
  g_clear_pointer (&f->loop, g_main_loop_unref);
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
  g_autofree char *authorize = fd_fake_oauth_authorize_url (f->oauth);
  g_autofree char *token = fd_fake_oauth_token_url (f->oauth);

  g_clear_object (&f->result);
  fd_crm_user_connect_async (user, "salesforce", authorize, token, FD_FAKE_OAUTH_CLIENT_ID, "api refresh_token",
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

  fd_crm_user_set_launcher (user, fd_fake_oauth_browser, f->oauth);
  crm_user = run_connect (f, user, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crm_user, ==, FD_FAKE_OAUTH_USER_ID);
  g_assert_cmpuint (f->oauth->n_token, ==, 1);
  g_assert_true (f->oauth->verifier_ok);
  /* The listener is gone with the flow. */
  g_assert_null (fd_crm_user_get_redirect_uri (user));

  secret = stored_secret ();
  g_assert_nonnull (secret);
  g_assert_true (json_parser_load_from_data (parser, secret, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "access_token"), ==, FD_FAKE_OAUTH_ACCESS);
  g_assert_cmpstr (json_object_get_string_member (object, "refresh_token"), ==, FD_FAKE_OAUTH_REFRESH);
  g_assert_cmpstr (json_object_get_string_member (object, "crm_user"), ==, FD_FAKE_OAUTH_USER_ID);

  g_assert_true (lookup (f, user, &provider, &found_user));
  g_assert_cmpstr (provider, ==, "salesforce");
  g_assert_cmpstr (found_user, ==, FD_FAKE_OAUTH_USER_ID);

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

  f->oauth->wrong_state = TRUE;
  fd_crm_user_set_launcher (user, fd_fake_oauth_browser, f->oauth);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_STATE);
  g_assert_null (crm_user);
  g_assert_cmpuint (f->oauth->n_token, ==, 0);
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

  f->oauth->refuse_token = TRUE;
  fd_crm_user_set_launcher (user, fd_fake_oauth_browser, f->oauth);
  crm_user = run_connect (f, user, &error);
  g_assert_error (error, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TOKEN);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_assert_cmpuint (f->oauth->n_token, ==, 1);
  g_assert_true (f->oauth->verifier_ok);
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
  g_autofree char *token = fd_fake_oauth_token_url (f->oauth);

  g_clear_object (&f->result);
  fd_crm_user_connect_async (user, "salesforce", "http://crm.example.com/authorize", token, FD_FAKE_OAUTH_CLIENT_ID, NULL,
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
  g_assert_cmpuint (f->oauth->n_token, ==, 0);
}

static void
on_first_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* A second Connect while the first waits for the browser ends the first
 * (cancelled) and completes on its own; a cancelled attempt ends at once. */
static void
test_replaced_and_cancelled (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(FdCrmUser) user = fd_crm_user_new (SERVER_URL, EMAIL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *authorize = fd_fake_oauth_authorize_url (f->oauth);
  g_autofree char *token = fd_fake_oauth_token_url (f->oauth);
  g_autofree char *first_user = NULL;
  g_autofree char *crm_user = NULL;
  g_autofree char *cancelled_user = NULL;

  fd_crm_user_set_launcher (user, silent_launcher, NULL);
  fd_crm_user_connect_async (user, "salesforce", authorize, token, FD_FAKE_OAUTH_CLIENT_ID, NULL,
                             NULL, on_first_done_cb, &first);
  g_assert_nonnull (fd_crm_user_get_redirect_uri (user));
  fd_crm_user_set_launcher (user, fd_fake_oauth_browser, f->oauth);
  crm_user = run_connect (f, user, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (crm_user, ==, FD_FAKE_OAUTH_USER_ID);
  while (first == NULL)
    g_main_context_iteration (NULL, TRUE);
  first_user = fd_crm_user_connect_finish (user, first, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (first_user);
  g_clear_error (&error);

  fd_crm_user_set_launcher (user, silent_launcher, NULL);
  g_clear_object (&f->result);
  fd_crm_user_connect_async (user, "salesforce", authorize, token, FD_FAKE_OAUTH_CLIENT_ID, NULL,
                             cancellable, on_done_cb, f);
  g_cancellable_cancel (cancellable);
  g_main_loop_run (f->loop);
  cancelled_user = fd_crm_user_connect_finish (user, f->result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (fd_crm_user_get_redirect_uri (user));
  g_clear_object (&f->result);
  g_clear_object (&first);
  g_assert_finalize_object (g_steal_pointer (&user));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/crm-user/connect-and-disconnect", Fixture, NULL, fixture_setup, test_connect_and_disconnect, fixture_teardown);
  g_test_add ("/crm-user/wrong-state", Fixture, NULL, fixture_setup, test_wrong_state, fixture_teardown);
  g_test_add ("/crm-user/token-refused", Fixture, NULL, fixture_setup, test_token_refused, fixture_teardown);
  g_test_add ("/crm-user/replaced-and-cancelled", Fixture, NULL, fixture_setup, test_replaced_and_cancelled, fixture_teardown);
  g_test_add ("/crm-user/refusals", Fixture, NULL, fixture_setup, test_refusals, fixture_teardown);
  return g_test_run ();
}
