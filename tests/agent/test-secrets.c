#define G_LOG_DOMAIN "test-secrets"

/* FdSecrets against a real Secret Service: run-with-keyring.sh starts
 * gnome-keyring in a private D-Bus session. */

#include <libsecret/secret.h>

#include "fd-secrets.h"

#define SERVER "http://127.0.0.1:8080"

static gboolean
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return TRUE;
}

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
store (FdSecrets  *secrets,
       const char *token,
       const char *password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_secrets_store_async (secrets, token, password, NULL, on_done_cb, &result);
  wait_result (&result);
  g_assert_true (fd_secrets_store_finish (secrets, result, &error));
  g_assert_no_error (error);
}

static gboolean
lookup (FdSecrets  *secrets,
        char      **token,
        char      **password)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  fd_secrets_lookup_async (secrets, NULL, on_done_cb, &result);
  wait_result (&result);
  found = fd_secrets_lookup_finish (secrets, result, token, password, &error);
  g_assert_no_error (error);
  return found;
}

static void
clear (FdSecrets *secrets)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fd_secrets_clear_async (secrets, NULL, on_done_cb, &result);
  wait_result (&result);
  g_assert_true (fd_secrets_clear_finish (secrets, result, &error));
  g_assert_no_error (error);
}

static void
test_store_lookup_clear (void)
{
  FdSecrets *jenna = fd_secrets_new (SERVER, "jenna@kakapo.example");
  FdSecrets *natalie = fd_secrets_new (SERVER, "natalie@kakapo.example");
  FdSecrets *elsewhere = fd_secrets_new ("https://desk.example.com", "jenna@kakapo.example");
  g_autofree char *token = NULL;
  g_autofree char *password = NULL;

  g_assert_false (lookup (jenna, &token, &password));
  g_assert_null (token);
  g_assert_null (password);

  store (jenna, "t-jenna-1", "jenna-demo");
  store (natalie, "t-natalie", NULL);
  g_assert_true (lookup (jenna, &token, &password));
  g_assert_cmpstr (token, ==, "t-jenna-1");
  g_assert_cmpstr (password, ==, "jenna-demo");
  g_clear_pointer (&token, g_free);
  g_clear_pointer (&password, g_free);

  /* Each server and email has its own item. */
  g_assert_false (lookup (elsewhere, &token, NULL));
  g_assert_true (lookup (natalie, &token, &password));
  g_assert_cmpstr (token, ==, "t-natalie");
  g_assert_null (password);
  g_clear_pointer (&token, g_free);

  /* A new token replaces the old one. */
  store (jenna, "t-jenna-2", "jenna-demo");
  g_assert_true (lookup (jenna, &token, NULL));
  g_assert_cmpstr (token, ==, "t-jenna-2");
  g_clear_pointer (&token, g_free);

  /* Sign out: gone, and clearing again is fine. */
  clear (jenna);
  g_assert_false (lookup (jenna, &token, &password));
  clear (jenna);
  g_assert_true (lookup (natalie, NULL, NULL));

  g_assert_finalize_object (jenna);
  g_assert_finalize_object (natalie);
  g_assert_finalize_object (elsewhere);
}

static void
test_attributes_hold_no_secret (void)
{
  g_autoptr(FdSecrets) secrets = fd_secrets_new (SERVER, "ed@kakapo.example");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;
  GHashTable *attributes;

  store (secrets, "t-ed-secret", "ed-demo-admin");

  g_hash_table_insert (query, (gpointer) "email", (gpointer) "ed@kakapo.example");
  items = secret_service_search_sync (NULL, NULL, query, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, FD_SECRETS_SCHEMA_NAME);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "server"), ==, SERVER);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "email"), ==, "ed@kakapo.example");
  /* Only the schema name, the server and the email: nothing secret. */
  g_assert_cmpuint (g_hash_table_size (attributes), ==, 3);
  g_hash_table_unref (attributes);
  g_list_free_full (items, g_object_unref);
}

static void
test_corrupt_secret (void)
{
  g_autoptr(FdSecrets) secrets = fd_secrets_new (SERVER, "corrupt@kakapo.example");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const SecretSchema schema = {
    FD_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "server", SECRET_SCHEMA_ATTRIBUTE_STRING }, { "email", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };
  char *token = NULL;

  /* Something else wrote the item: a typed error, never a crash. */
  g_assert_true (secret_password_store_sync (&schema, SECRET_COLLECTION_DEFAULT, "not ours", "[1, 2",
                                             NULL, &error,
                                             "server", SERVER, "email", "corrupt@kakapo.example", NULL));
  g_assert_no_error (error);
  fd_secrets_lookup_async (secrets, NULL, on_done_cb, &result);
  wait_result (&result);
  g_assert_false (fd_secrets_lookup_finish (secrets, result, &token, NULL, &error));
  g_assert_error (error, FD_SECRETS_ERROR, FD_SECRETS_ERROR_CORRUPT);
  g_assert_null (token);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/agent/secrets/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/agent/secrets/attributes", test_attributes_hold_no_secret);
  g_test_add_func ("/agent/secrets/corrupt", test_corrupt_secret);

  return g_test_run ();
}
