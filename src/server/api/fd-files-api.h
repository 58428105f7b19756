#pragma once

/* Uploaded files (docs/protocol.md, "Files (HTTP)"): agents upload the
 * attachments of a conversation they hold, administrators upload the files
 * of resources, and anyone holding a file's URL downloads it. */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-file-url.h"
#include "fd-http-guard.h"
#include "fd-store.h"

G_BEGIN_DECLS

#define FD_FILES_API_AGENT_UPLOAD  "/api/agent/v1/files"
#define FD_FILES_API_DOWNLOAD      FD_FILES_URL_PREFIX

/* The largest upload, in bytes. */
#define FD_FILES_API_MAX_SIZE      (10 * 1024 * 1024)

#define FD_TYPE_FILES_API (fd_files_api_get_type ())
G_DECLARE_FINAL_TYPE (FdFilesApi, fd_files_api, FD, FILES_API, GObject)

/* Creates the files directory beside the store's database and removes the
 * files a crash left without a row. Uploads pass @guard's checks before
 * their body is read; @guard must outlive the API. */
FdFilesApi *fd_files_api_new        (FdStore      *store,
                                     FdCenter     *center,
                                     FdHttpGuard  *guard,
                                     GError      **error);
void        fd_files_api_attach     (FdFilesApi   *self,
                                     SoupServer   *server);

/* A readable file name without path separators or control characters, or
 * NULL when nothing readable is left. */
char       *fd_files_sanitize_name  (const char   *name);

G_END_DECLS
