/* FdSecretBox: the key file beside the database or from a systemd
 * credential, and blobs that refuse to open when altered. */

#include "fd-secret-box.h"

#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  char *dir;
  char *db_path;
  char *key_path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_unsetenv ("CREDENTIALS_DIRECTORY");
  f->dir = g_dir_make_tmp ("fd-secret-box-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "frontdesk.db", NULL);
  f->key_path = g_strconcat (f->db_path, ".secret-key", NULL);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_unsetenv ("CREDENTIALS_DIRECTORY");
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->key_path);
}

static void
write_file (const char *path, const void *data, gsize len, int mode)
{
  g_autoptr (GError) error = NULL;
  g_unlink (path);
  g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, mode, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static GBytes *
seal_text (FdSecretBox *box, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = g_bytes_new_static (text, strlen (text));
  GBytes *blob = fd_secret_box_seal (box, plain, &error);
  g_assert_no_error (error);
  g_assert_nonnull (blob);
  return blob;
}

static void
assert_opens_to (FdSecretBox *box, GBytes *blob, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = fd_secret_box_open (box, blob, &error);
  g_assert_no_error (error);
  gsize len = 0;
  const char *data = g_bytes_get_data (plain, &len);
  g_assert_cmpmem (data, len, text, strlen (text));
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fd_secret_box_get_path (box), ==, f->key_path);

  const char *secret = "correct horse battery staple";
  g_autoptr (GBytes) blob = seal_text (box, secret);
  /* Version, nonce, MAC, ciphertext; the plaintext is nowhere in it. */
  g_assert_cmpuint (g_bytes_get_size (blob), ==,
                    1 + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + strlen (secret));
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (blob, NULL))[0], ==, 1);
  g_assert_null (memmem (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                         "horse", 5));
  assert_opens_to (box, blob, secret);

  /* A fresh nonce each time. */
  g_autoptr (GBytes) again = seal_text (box, secret);
  g_assert_false (g_bytes_equal (blob, again));

  /* The empty secret is a secret too. */
  g_autoptr (GBytes) empty = seal_text (box, "");
  assert_opens_to (box, empty, "");

  /* The same key file next time: what was sealed still opens. */
  g_autoptr (FdSecretBox) reopened = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  assert_opens_to (reopened, blob, secret);
}

static void
test_key_file_created_0600 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (g_file_test (f->key_path, G_FILE_TEST_EXISTS));

  /* Even with a lax umask the key is the owner's alone. */
  mode_t old_umask = umask (0);
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  umask (old_umask);
  g_assert_no_error (error);
  g_assert_nonnull (box);

  GStatBuf st;
  g_assert_cmpint (g_stat (f->key_path, &st), ==, 0);
  g_assert_true (S_ISREG (st.st_mode));
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, crypto_secretbox_KEYBYTES);

  /* No temporary file is left beside it. */
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, &error);
  g_assert_no_error (error);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
}

static void
test_group_readable_refused (Fixture *f, gconstpointer data)
{
  guint8 key[crypto_secretbox_KEYBYTES] = { 7 };
  g_autoptr (GError) error = NULL;

  write_file (f->key_path, key, sizeof key, 0640);
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_null (box);
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (f->key_path, 0604), ==, 0);
  g_assert_null (fd_secret_box_open_key (f->db_path, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_PERMISSIONS);
  g_clear_error (&error);

  /* Fixed as the message says, it opens. */
  g_assert_cmpint (g_chmod (f->key_path, 0600), ==, 0);
  g_autoptr (FdSecretBox) fixed = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixed);
}

static void
test_wrong_size_refused (Fixture *f, gconstpointer data)
{
  guint8 key[crypto_secretbox_KEYBYTES + 1] = { 0 };
  g_autoptr (GError) error = NULL;

  write_file (f->key_path, key, crypto_secretbox_KEYBYTES - 1, 0600);
  g_assert_null (fd_secret_box_open_key (f->db_path, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_SIZE);
  g_clear_error (&error);

  write_file (f->key_path, key, crypto_secretbox_KEYBYTES + 1, 0600);
  g_assert_null (fd_secret_box_open_key (f->db_path, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_SIZE);
  g_clear_error (&error);

  /* An empty file is not a missing one: it is never replaced by a new key,
   * which would make every stored credential unreadable. */
  write_file (f->key_path, key, 0, 0600);
  g_assert_null (fd_secret_box_open_key (f->db_path, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_SIZE);
  GStatBuf st;
  g_assert_cmpint (g_stat (f->key_path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
}

static void
test_tampered_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) blob = seal_text (box, "app-password-1234");
  gsize size = 0;
  const guint8 *data_ = g_bytes_get_data (blob, &size);

  /* Each byte after the version flipped in turn: nonce, MAC, ciphertext. */
  for (gsize i = 1; i < size; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data_, size);
      copy[i] ^= 0x01;
      g_autoptr (GBytes) bad = g_bytes_new (copy, size);
      g_assert_null (fd_secret_box_open (box, bad, &error));
      g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_DECRYPT);
      g_clear_error (&error);
    }

  /* An unknown version. */
  g_autofree guint8 *future = g_memdup2 (data_, size);
  future[0] = 2;
  g_autoptr (GBytes) future_blob = g_bytes_new (future, size);
  g_assert_null (fd_secret_box_open (box, future_blob, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_VERSION);
  g_clear_error (&error);
}

static void
test_truncated_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) blob = seal_text (box, "app-password-1234");
  gsize size = g_bytes_get_size (blob);
  gsize overhead = 1 + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

  for (gsize len = 0; len < size; len++)
    {
      g_autoptr (GBytes) cut = g_bytes_new_from_bytes (blob, 0, len);
      g_assert_null (fd_secret_box_open (box, cut, &error));
      if (len < overhead)
        g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TRUNCATED);
      else
        g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_DECRYPT);
      g_clear_error (&error);
    }

  /* Bounded: a blob larger than any secret is refused unread. */
  g_autofree guint8 *big = g_malloc0 (overhead + FD_SECRET_BOX_MAX_PLAINTEXT + 1);
  big[0] = 1;
  g_autoptr (GBytes) big_blob = g_bytes_new_take (g_steal_pointer (&big),
                                                  overhead + FD_SECRET_BOX_MAX_PLAINTEXT + 1);
  g_assert_null (fd_secret_box_open (box, big_blob, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_autoptr (GBytes) big_plain = g_bytes_new_take (g_malloc0 (FD_SECRET_BOX_MAX_PLAINTEXT + 1),
                                                   FD_SECRET_BOX_MAX_PLAINTEXT + 1);
  g_assert_null (fd_secret_box_seal (box, big_plain, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TOO_LARGE);
}

static void
test_other_key_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) blob = seal_text (box, "app-password-1234");

  g_autofree char *other_db = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr (FdSecretBox) other = fd_secret_box_open_key (other_db, &error);
  g_assert_no_error (error);
  g_assert_null (fd_secret_box_open (other, blob, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_DECRYPT);
  /* The message names the key file, never the key or the secret. */
  g_assert_nonnull (strstr (error->message, "other.db.secret-key"));
  g_assert_null (strstr (error->message, "app-password"));
}

static void
test_systemd_credential (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cred_dir = g_build_filename (f->dir, "credentials", NULL);
  g_assert_cmpint (g_mkdir (cred_dir, 0700), ==, 0);
  g_autofree char *cred_path = g_build_filename (cred_dir, FD_SECRET_BOX_CREDENTIAL_NAME, NULL);

  guint8 key[crypto_secretbox_KEYBYTES];
  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (i * 7 + 3);
  /* systemd hands credentials over read-only to the service's user. */
  write_file (cred_path, key, sizeof key, 0400);
  g_setenv ("CREDENTIALS_DIRECTORY", cred_dir, TRUE);

  g_autoptr (FdSecretBox) box = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fd_secret_box_get_path (box), ==, cred_path);
  /* No key file is created beside the database. */
  g_assert_false (g_file_test (f->key_path, G_FILE_TEST_EXISTS));

  /* Sealed with exactly that key: libsodium opens it directly. */
  g_autoptr (GBytes) blob = seal_text (box, "token");
  gsize size = 0;
  const guint8 *b = g_bytes_get_data (blob, &size);
  guint8 plain[5];
  g_assert_cmpint (crypto_secretbox_open_easy (plain, b + 1 + crypto_secretbox_NONCEBYTES,
                                               size - 1 - crypto_secretbox_NONCEBYTES,
                                               b + 1, key), ==, 0);
  g_assert_cmpmem (plain, 5, "token", 5);

  /* The credential's checks are the key file's. */
  g_assert_cmpint (g_chmod (cred_path, 0440), ==, 0);
  g_assert_null (fd_secret_box_open_key (f->db_path, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_PERMISSIONS);
  g_clear_error (&error);
  g_assert_false (g_file_test (f->key_path, G_FILE_TEST_EXISTS));

  /* A service with other credentials but not this one keeps the key file. */
  g_assert_cmpint (g_unlink (cred_path), ==, 0);
  g_autoptr (FdSecretBox) fallback = fd_secret_box_open_key (f->db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fd_secret_box_get_path (fallback), ==, f->key_path);
  g_assert_null (fd_secret_box_open (fallback, blob, &error));
  g_assert_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_DECRYPT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/secret-box/round-trip", test_round_trip);
  ADD ("/secret-box/key-file-created-0600", test_key_file_created_0600);
  ADD ("/secret-box/group-readable-key-refused", test_group_readable_refused);
  ADD ("/secret-box/wrong-size-key-refused", test_wrong_size_refused);
  ADD ("/secret-box/tampered-blob-refused", test_tampered_refused);
  ADD ("/secret-box/truncated-blob-refused", test_truncated_refused);
  ADD ("/secret-box/other-key-refused", test_other_key_refused);
  ADD ("/secret-box/systemd-credential", test_systemd_credential);
#undef ADD
  return g_test_run ();
}
