#include "store-test.h"
#include "fd-auth.h"

#include <sodium.h>
#include <string.h>

static void
test_password_hash (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *again = NULL;
  g_autofree char *weak = NULL;
  char old_hash[crypto_pwhash_STRBYTES];

  hash = fd_auth_hash_password ("correct horse battery", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=19456,t=2,p=1$"));
  g_assert_true (fd_auth_verify_password (hash, "correct horse battery"));
  g_assert_false (fd_auth_verify_password (hash, "correct horse batterY"));
  g_assert_false (fd_auth_verify_password (hash, ""));
  g_assert_false (fd_auth_verify_password ("garbage", "correct horse battery"));
  g_assert_false (fd_auth_password_needs_rehash (hash));

  /* A fresh salt every time. */
  again = fd_auth_hash_password ("correct horse battery", &error);
  g_assert_cmpstr (again, !=, hash);

  weak = fd_auth_hash_password ("short", &error);
  g_assert_null (weak);
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_WEAK_PASSWORD);
  g_clear_error (&error);

  /* A hash made with weaker parameters asks for a rehash. */
  g_assert_true (fd_auth_init (NULL));
  g_assert_cmpint (crypto_pwhash_str_alg (old_hash, "pw-old-params", 13, 1, 8 * 1024 * 1024,
                                          crypto_pwhash_ALG_ARGON2ID13), ==, 0);
  g_assert_true (fd_auth_password_needs_rehash (old_hash));
  g_assert_true (fd_auth_verify_password (old_hash, "pw-old-params"));
}

static void
test_sign_in (StoreFixture  *fx,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  g_autoptr(FdAgent) agent = fd_agent_new ();
  g_autoptr(FdAgent) signed_in = NULL;
  g_autoptr(FdAgent) checked = NULL;
  g_autoptr(FdAgent) stored = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *wrong_token = NULL;
  char old_hash[crypto_pwhash_STRBYTES];

  agent->organization_id = acme;
  agent->email = g_strdup ("Alice@Acme.test");
  agent->name = g_strdup ("Alice");
  agent->role = FD_ROLE_SUPERVISOR;
  g_assert_true (fd_auth_create_agent (fx->store, agent, "open sesame", &error));
  g_assert_no_error (error);

  /* Unknown email and wrong password: the same error. */
  g_assert_false (fd_auth_sign_in (fx->store, "nobody@acme.test", "open sesame", &signed_in, &token, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS);
  {
    g_autofree char *unknown_message = g_strdup (error->message);

    g_clear_error (&error);
    g_assert_false (fd_auth_sign_in (fx->store, "alice@acme.test", "open sesamE", &signed_in, &token, &error));
    g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS);
    g_assert_cmpstr (error->message, ==, unknown_message);
    g_clear_error (&error);
  }
  g_assert_null (signed_in);
  g_assert_null (token);

  g_assert_true (fd_auth_sign_in (fx->store, "ALICE@acme.test", "open sesame", &signed_in, &token, &error));
  g_assert_no_error (error);
  g_assert_cmpint (signed_in->id, ==, agent->id);
  g_assert_cmpint (signed_in->role, ==, FD_ROLE_SUPERVISOR);
  g_assert_true (g_str_has_prefix (token, FD_AUTH_AGENT_TOKEN_PREFIX));

  g_assert_true (fd_auth_check_agent_token (fx->store, token, &checked, &error));
  g_assert_no_error (error);
  g_assert_cmpint (checked->id, ==, agent->id);
  g_assert_cmpint (checked->organization_id, ==, acme);

  /* The database holds the hash only. */
  stored = fd_store_get_agent_by_email (fx->store, "alice@acme.test", &hash, &error);
  g_assert_null (strstr (hash, "open sesame"));
  {
    gint64 org = 0, id = 0;
    gboolean revoked = TRUE;
    g_autofree char *token_hash = fd_auth_hash_token (token);

    g_assert_cmpuint (strlen (token_hash), ==, 64);
    g_assert_true (fd_store_lookup_agent_token (fx->store, token_hash, &org, &id, &revoked, &error));
    g_assert_cmpint (id, ==, agent->id);
    g_assert_false (fd_store_lookup_agent_token (fx->store, token, &org, &id, &revoked, NULL));
  }

  /* An old-parameter hash is upgraded at sign-in. */
  g_assert_cmpint (crypto_pwhash_str_alg (old_hash, "open sesame", 11, 1, 8 * 1024 * 1024,
                                          crypto_pwhash_ALG_ARGON2ID13), ==, 0);
  g_assert_true (fd_store_set_agent_password_hash (fx->store, acme, agent->id, old_hash, &error));
  g_clear_pointer (&signed_in, fd_agent_free);
  g_clear_pointer (&wrong_token, g_free);
  g_assert_true (fd_auth_sign_in (fx->store, "alice@acme.test", "open sesame", &signed_in, &wrong_token, &error));
  g_assert_no_error (error);
  g_clear_pointer (&stored, fd_agent_free);
  g_clear_pointer (&hash, g_free);
  stored = fd_store_get_agent_by_email (fx->store, "alice@acme.test", &hash, &error);
  g_assert_cmpstr (hash, !=, old_hash);
  g_assert_false (fd_auth_password_needs_rehash (hash));
  g_assert_true (fd_auth_verify_password (hash, "open sesame"));

  /* An agent created without a password cannot sign in, even with "". */
  {
    g_autoptr(FdAgent) nopw = fd_agent_new ();
    g_autoptr(FdAgent) none = NULL;
    g_autofree char *none_token = NULL;
    g_autofree char *none_hash = NULL;

    nopw->organization_id = acme;
    nopw->email = g_strdup ("new@acme.test");
    nopw->name = g_strdup ("New");
    g_assert_true (fd_store_create_agent (fx->store, nopw, NULL, &error));
    g_assert_no_error (error);
    none = fd_store_get_agent_by_email (fx->store, "new@acme.test", &none_hash, &error);
    g_assert_nonnull (none);
    g_assert_null (none_hash);
    g_clear_pointer (&none, fd_agent_free);
    g_assert_false (fd_auth_sign_in (fx->store, "new@acme.test", "", &none, &none_token, &error));
    g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_CREDENTIALS);
    g_clear_error (&error);
    g_assert_true (fd_auth_set_agent_password (fx->store, acme, nopw->id, "now a password", &error));
    g_assert_true (fd_auth_sign_in (fx->store, "new@acme.test", "now a password", &none, &none_token, &error));
    g_assert_no_error (error);
  }
}

static void
test_tokens (StoreFixture  *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 acme = make_org (fx->store, "Acme");
  gint64 alice = make_agent (fx->store, acme, "alice@acme.test");
  gint64 sales = make_queue (fx->store, acme, "Sales");
  gint64 chat = make_stream (fx->store, acme, sales, FD_STREAM_WEBCHAT, "Chat");
  gint64 conv = make_conversation (fx->store, acme, chat, "v@example.test", 0);
  g_autofree char *t1 = NULL;
  g_autofree char *t2 = NULL;
  g_autofree char *visitor = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *forged = NULL;
  g_autoptr(FdAgent) agent = NULL;
  gint64 conv_id = 0, org_id = 0, count = -1;

  t1 = fd_auth_create_agent_token (fx->store, acme, alice, &error);
  t2 = fd_auth_create_agent_token (fx->store, acme, alice, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t1, !=, t2);
  g_assert_cmpuint (strlen (t1), ==, 4 + 43);
  g_assert_null (fd_auth_create_agent_token (fx->store, acme, 9999, &error));
  g_assert_error (error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Unknown, malformed and wrong-kind tokens. */
  forged = fd_auth_generate_token (FD_AUTH_AGENT_TOKEN_PREFIX);
  g_assert_false (fd_auth_check_agent_token (fx->store, forged, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);
  g_assert_false (fd_auth_check_agent_token (fx->store, "fda_short", &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);
  g_assert_false (fd_auth_check_agent_token (fx->store, NULL, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);
  g_assert_null (agent);

  visitor = fd_auth_create_visitor_token (fx->store, acme, conv, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (visitor, FD_AUTH_VISITOR_TOKEN_PREFIX));
  g_assert_true (fd_auth_check_visitor_token (fx->store, visitor, &conv_id, &org_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (conv_id, ==, conv);
  g_assert_cmpint (org_id, ==, acme);
  /* A visitor token is no agent token. */
  g_assert_false (fd_auth_check_agent_token (fx->store, visitor, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);

  /* Revoke one: only that one. */
  g_assert_true (fd_auth_revoke_agent_token (fx->store, t1, &error));
  g_assert_false (fd_auth_check_agent_token (fx->store, t1, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_true (fd_auth_check_agent_token (fx->store, t2, &agent, &error));
  g_clear_pointer (&agent, fd_agent_free);
  g_assert_false (fd_auth_revoke_agent_token (fx->store, forged, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);
  /* Revoke all of the agent's. */
  g_assert_true (fd_auth_revoke_agent_tokens (fx->store, acme, alice, &error));
  g_assert_false (fd_auth_check_agent_token (fx->store, t2, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_REVOKED);
  g_clear_error (&error);

  g_assert_true (fd_store_revoke_visitor_tokens (fx->store, acme, conv, &error));
  g_assert_false (fd_auth_check_visitor_token (fx->store, visitor, &conv_id, &org_id, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_REVOKED);
  g_clear_error (&error);

  /* Admin tokens. */
  g_assert_true (fd_store_count_admin_tokens (fx->store, &count, &error));
  g_assert_cmpint (count, ==, 0);
  admin = fd_auth_create_admin_token (fx->store, "first start", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (admin, FD_AUTH_ADMIN_TOKEN_PREFIX));
  g_assert_true (fd_auth_check_admin_token (fx->store, admin, &error));
  g_assert_no_error (error);
  g_assert_true (fd_store_count_admin_tokens (fx->store, &count, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_false (fd_auth_check_admin_token (fx->store, t2, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
  g_clear_error (&error);
  g_assert_true (fd_auth_revoke_admin_token (fx->store, admin, &error));
  g_assert_false (fd_auth_check_admin_token (fx->store, admin, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_true (fd_store_count_admin_tokens (fx->store, &count, &error));
  g_assert_cmpint (count, ==, 0);

  /* Deleting the agent takes its tokens: a later check is a bad token. */
  g_clear_pointer (&t1, g_free);
  t1 = fd_auth_create_agent_token (fx->store, acme, alice, &error);
  g_assert_true (fd_store_delete_agent (fx->store, acme, alice, &error));
  g_assert_false (fd_auth_check_agent_token (fx->store, t1, &agent, &error));
  g_assert_error (error, FD_AUTH_ERROR, FD_AUTH_ERROR_BAD_TOKEN);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/auth/password-hash", test_password_hash);
  g_test_add ("/auth/sign-in", StoreFixture, NULL, store_fixture_set_up, test_sign_in,
              store_fixture_tear_down);
  g_test_add ("/auth/tokens", StoreFixture, NULL, store_fixture_set_up, test_tokens,
              store_fixture_tear_down);

  return g_test_run ();
}
