#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FD_TYPE_SERVER (fd_server_get_type ())
G_DECLARE_FINAL_TYPE (FdServer, fd_server, FD, SERVER, GObject)

FdServer   *fd_server_new        (const char  *db_path,
                                  GError     **error);
gboolean    fd_server_listen     (FdServer    *self,
                                  const char  *address,
                                  GError     **error);
char       *fd_server_dup_url    (FdServer    *self);
guint16     fd_server_get_port   (FdServer    *self);

G_END_DECLS
