#define G_LOG_DOMAIN "fd-secret-box"

#include "fd-secret-box.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (fd-secret-box-error-quark, fd_secret_box_error)

/* Version 1: secretbox (XSalsa20-Poly1305), blob = 0x01 ‖ nonce ‖ MAC ‖ ciphertext. */
#define BLOB_VERSION 1
#define BLOB_HEADER (1 + crypto_secretbox_NONCEBYTES)
#define BLOB_OVERHEAD (BLOB_HEADER + crypto_secretbox_MACBYTES)

struct _FdSecretBox {
  guint8 *key;   /* sodium_malloc'd, read-only once loaded */
  char *path;
};

/* Guarded memory, wiped by sodium_free(); out of memory aborts, as g_malloc(). */
static guint8 *
secure_alloc (gsize size)
{
  guint8 *mem = sodium_malloc (size);
  if (mem == NULL)
    g_error ("Out of guarded memory (%" G_GSIZE_FORMAT " bytes)", size);
  return mem;
}

static FdSecretBox *
box_new (guint8 *key, const char *path)
{
  FdSecretBox *box = g_new0 (FdSecretBox, 1);
  sodium_mprotect_readonly (key);
  box->key = key;
  box->path = g_strdup (path);
  return box;
}

void
fd_secret_box_free (FdSecretBox *box)
{
  if (box == NULL)
    return;
  sodium_free (box->key); /* wipes it */
  g_free (box->path);
  g_free (box);
}

const char *
fd_secret_box_get_path (FdSecretBox *box)
{
  g_return_val_if_fail (box != NULL, NULL);
  return box->path;
}

static gboolean
read_exactly (int fd, guint8 *buf, gsize len, gsize *out_read)
{
  gsize done = 0;
  while (done < len)
    {
      ssize_t n = read (fd, buf + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  *out_read = done;
  return TRUE;
}

/* Reads the key at @path. A missing file sets *@out_missing and no error. */
static guint8 *
read_key (const char *path, gboolean *out_missing, GError **error)
{
  *out_missing = FALSE;

  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT)
        {
          *out_missing = TRUE;
          return NULL;
        }
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                   "The secret key file %s cannot be opened (%s). Check that "
                   "it belongs to the user frontdeskd runs as.",
                   path, g_strerror (saved));
      return NULL;
    }

  struct stat st;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                   "The secret key %s is not a regular file.", path);
      return NULL;
    }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      close (fd);
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_PERMISSIONS,
                   "The secret key file %s can be read by other users "
                   "(mode %04o): it protects the stored mail passwords and "
                   "tokens. Run “chmod 600 %s” and start frontdeskd again.",
                   path, (unsigned) (st.st_mode & 07777), path);
      return NULL;
    }

  /* One byte more than a key tells a longer file from a key. */
  guint8 *key = secure_alloc (crypto_secretbox_KEYBYTES + 1);
  gsize got = 0;
  gboolean ok = read_exactly (fd, key, crypto_secretbox_KEYBYTES + 1, &got);
  int saved = errno;
  close (fd);
  if (!ok)
    {
      sodium_free (key);
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                   "The secret key file %s cannot be read (%s).",
                   path, g_strerror (saved));
      return NULL;
    }
  if (got != crypto_secretbox_KEYBYTES)
    {
      sodium_free (key);
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_SIZE,
                   "The secret key file %s is not a key: a key is exactly %u "
                   "random bytes, this file has %s. Restore the right file "
                   "from a backup; without it the stored mail passwords and "
                   "tokens cannot be read.",
                   path, (unsigned) crypto_secretbox_KEYBYTES,
                   got > crypto_secretbox_KEYBYTES ? "more" : "fewer");
      return NULL;
    }
  return key;
}

static gboolean
write_all (int fd, const guint8 *buf, gsize len)
{
  gsize done = 0;
  while (done < len)
    {
      ssize_t n = write (fd, buf + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

/* Creates a new random key at @path, written whole to a temporary file
 * (0600, O_EXCL) and then linked into place: link() never replaces a key
 * another process created meanwhile, and no reader ever sees half a key. */
static gboolean
create_key (const char *path, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                   "The secret key file %s cannot be created (%s). Check "
                   "that frontdeskd may write in the database's directory.",
                   path, g_strerror (saved));
      return FALSE;
    }

  guint8 *key = secure_alloc (crypto_secretbox_KEYBYTES);
  randombytes_buf (key, crypto_secretbox_KEYBYTES);
  gboolean ok = fchmod (fd, 0600) == 0
                && write_all (fd, key, crypto_secretbox_KEYBYTES)
                && fsync (fd) == 0;
  int saved = errno;
  sodium_free (key);
  if (close (fd) < 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (ok && link (tmp, path) < 0 && errno != EEXIST)
    {
      ok = FALSE;
      saved = errno;
    }
  g_unlink (tmp);
  if (!ok)
    {
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                   "The secret key file %s cannot be written (%s).",
                   path, g_strerror (saved));
      return FALSE;
    }

  /* Best effort: the new name survives a crash once the directory is synced. */
  g_autofree char *dir = g_path_get_dirname (path);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;
}

FdSecretBox *
fd_secret_box_open_key (const char *db_path, GError **error)
{
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_CRYPTO,
                           "The cryptography library (libsodium) could not start.");
      return NULL;
    }

  gboolean missing = FALSE;

  /* A systemd credential wins when the service has one by that name. */
  const char *cred_dir = g_getenv ("CREDENTIALS_DIRECTORY");
  if (cred_dir != NULL && *cred_dir != '\0')
    {
      g_autofree char *path = g_build_filename (cred_dir, FD_SECRET_BOX_CREDENTIAL_NAME, NULL);
      guint8 *key = read_key (path, &missing, error);
      if (key != NULL)
        return box_new (key, path);
      if (!missing)
        return NULL;
    }

  g_autofree char *path = g_strconcat (db_path, ".secret-key", NULL);
  guint8 *key = read_key (path, &missing, error);
  if (key == NULL && missing)
    {
      if (!create_key (path, error))
        return NULL;
      key = read_key (path, &missing, error);
      if (key == NULL && missing)
        g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_KEY_FILE,
                     "The secret key file %s vanished right after it was created.",
                     path);
    }
  if (key == NULL)
    return NULL;
  return box_new (key, path);
}

GBytes *
fd_secret_box_seal (FdSecretBox *box, GBytes *plaintext, GError **error)
{
  static const guint8 empty[1];

  g_return_val_if_fail (box != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize len = 0;
  const guint8 *data = g_bytes_get_data (plaintext, &len);
  if (len > FD_SECRET_BOX_MAX_PLAINTEXT)
    {
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TOO_LARGE,
                   "A secret of %" G_GSIZE_FORMAT " bytes is larger than the "
                   "%u bytes a stored credential may have.",
                   len, (unsigned) FD_SECRET_BOX_MAX_PLAINTEXT);
      return NULL;
    }
  if (data == NULL)
    data = empty;

  gsize size = BLOB_OVERHEAD + len;
  guint8 *blob = g_malloc (size);
  blob[0] = BLOB_VERSION;
  randombytes_buf (blob + 1, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (blob + BLOB_HEADER, data, len, blob + 1, box->key);
  return g_bytes_new_take (blob, size);
}

GBytes *
fd_secret_box_open (FdSecretBox *box, GBytes *blob, GError **error)
{
  g_return_val_if_fail (box != NULL, NULL);
  g_return_val_if_fail (blob != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize size = 0;
  const guint8 *data = g_bytes_get_data (blob, &size);
  if (size > BLOB_OVERHEAD + FD_SECRET_BOX_MAX_PLAINTEXT)
    {
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TOO_LARGE,
                   "A stored credential of %" G_GSIZE_FORMAT " bytes is larger "
                   "than any this server seals.", size);
      return NULL;
    }
  if (size == 0)
    {
      g_set_error_literal (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TRUNCATED,
                           "The stored credential is empty.");
      return NULL;
    }
  if (data[0] != BLOB_VERSION)
    {
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_VERSION,
                   "The stored credential has format version %u, which this "
                   "version of frontdeskd does not know.", (unsigned) data[0]);
      return NULL;
    }
  if (size < BLOB_OVERHEAD)
    {
      g_set_error_literal (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_TRUNCATED,
                           "The stored credential is truncated.");
      return NULL;
    }

  gsize len = size - BLOB_OVERHEAD;
  /* sodium_malloc: guarded and wiped by sodium_free. */
  guint8 *plain = secure_alloc (len > 0 ? len : 1);
  if (crypto_secretbox_open_easy (plain, data + BLOB_HEADER,
                                  size - BLOB_HEADER, data + 1, box->key) != 0)
    {
      sodium_free (plain);
      g_set_error (error, FD_SECRET_BOX_ERROR, FD_SECRET_BOX_ERROR_DECRYPT,
                   "The stored credential cannot be decrypted: it was altered, "
                   "or sealed with another key than %s. Authorize the stream "
                   "again, or restore the key file it was sealed with.",
                   box->path);
      return NULL;
    }
  return g_bytes_new_with_free_func (plain, len, sodium_free, plain);
}
