#pragma once

/* The URLs of uploaded files (docs/protocol.md, "Files (HTTP)"): the files
 * API serves them, the center accepts an attachment only when its URL names
 * a stored file. */

#include "fd-store.h"
#include "fd-types.h"

G_BEGIN_DECLS

#define FD_FILES_URL_PREFIX "/files"

/* The server-relative URL of a file: "/files/ID/NAME", NAME percent-encoded. */
char         *fd_files_dup_url       (const char        *id,
                                      const char        *name);
/* The file id of a URL made by fd_files_dup_url(), or NULL when @url is not
 * one (another site, a scheme, a malformed path). */
char         *fd_files_parse_url     (const char        *url);
/* The id of the path "/files/ID" or "/files/ID/…", or NULL. */
char         *fd_files_id_from_path  (const char        *path);
/* An attachment described from the file's record, not from what a client
 * claims. */
FdAttachment *fd_files_attachment    (const FdStoreFile *file);

G_END_DECLS
