#pragma once

/* FdSecretBox: the stream credentials (passwords, OAuth tokens) encrypted
 * at rest with libsodium's secretbox (docs/email.md, "Credentials and
 * OAuth").
 *
 * The key is 32 random bytes in a file: the systemd credential
 * `$CREDENTIALS_DIRECTORY/frontdesk-secret-key` when the service runs with
 * one, else `<database>.secret-key` beside the database, created (0600) the
 * first time. A sealed blob is one version byte, the nonce and the
 * ciphertext with its MAC.
 *
 * A box is immutable once opened: seal and open may run in any thread. */

#include <glib.h>

G_BEGIN_DECLS

#define FD_SECRET_BOX_ERROR (fd_secret_box_error_quark ())
GQuark fd_secret_box_error_quark (void);

typedef enum {
  /* The key file cannot be read, created or found. */
  FD_SECRET_BOX_ERROR_KEY_FILE,
  /* The key file can be read by the file's group or by other users. */
  FD_SECRET_BOX_ERROR_KEY_PERMISSIONS,
  /* The key file does not hold exactly one key. */
  FD_SECRET_BOX_ERROR_KEY_SIZE,
  /* libsodium could not start. */
  FD_SECRET_BOX_ERROR_CRYPTO,
  /* A plaintext or blob larger than FD_SECRET_BOX_MAX_PLAINTEXT. */
  FD_SECRET_BOX_ERROR_TOO_LARGE,
  /* A blob shorter than its header and MAC. */
  FD_SECRET_BOX_ERROR_TRUNCATED,
  /* A blob of a format version this build does not know. */
  FD_SECRET_BOX_ERROR_VERSION,
  /* A blob that was altered, or sealed with another key. */
  FD_SECRET_BOX_ERROR_DECRYPT,
} FdSecretBoxError;

/* Secrets are passwords and tokens: a few KiB at most. */
#define FD_SECRET_BOX_MAX_PLAINTEXT (64 * 1024)

/* The name of the systemd credential (LoadCredential=/SetCredential=). */
#define FD_SECRET_BOX_CREDENTIAL_NAME "frontdesk-secret-key"

typedef struct _FdSecretBox FdSecretBox;

/* Loads the key for the database at @db_path (see above), creating
 * `<db_path>.secret-key` when there is no systemd credential and no key
 * file yet. Refuses a key file readable by group or others, or of the
 * wrong size, with a sentence that says what to do. */
FdSecretBox *fd_secret_box_open_key  (const char   *db_path,
                                      GError      **error);
void         fd_secret_box_free      (FdSecretBox  *box);

/* The file the key was read from (for messages; never the key). */
const char  *fd_secret_box_get_path  (FdSecretBox  *box);

/* Encrypts @plaintext with a fresh random nonce. */
GBytes      *fd_secret_box_seal      (FdSecretBox  *box,
                                      GBytes       *plaintext,
                                      GError      **error);
/* Decrypts a blob of fd_secret_box_seal(). The plaintext returned lives in
 * guarded memory that is wiped when the last reference goes. */
GBytes      *fd_secret_box_open      (FdSecretBox  *box,
                                      GBytes       *blob,
                                      GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdSecretBox, fd_secret_box_free)

G_END_DECLS
