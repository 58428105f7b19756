#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real frontdeskd on a random loopback port with a database in a fresh
 * temporary directory, for integration tests. The binary comes from the
 * FRONTDESKD environment variable that tests/meson.build sets. */
typedef struct _FdTestServer FdTestServer;

FdTestServer *fd_test_server_new          (void);
void          fd_test_server_add_args     (FdTestServer *self,
                                           const char   *first_arg,
                                           ...) G_GNUC_NULL_TERMINATED;
void          fd_test_server_start        (FdTestServer *self);
/* A new server, started. */
FdTestServer *fd_test_server_new_started  (void);
/* Starts it as `frontdeskd --demo` (the demo site, its agents signed up). */
void          fd_test_server_start_demo   (FdTestServer *self);
void          fd_test_server_stop         (FdTestServer *self);
void          fd_test_server_kill         (FdTestServer *self);
const char   *fd_test_server_get_url      (FdTestServer *self);
const char   *fd_test_server_get_ws_url   (FdTestServer *self);
guint16       fd_test_server_get_port     (FdTestServer *self);
const char   *fd_test_server_get_db_path  (FdTestServer *self);
/* The database read beside the running server (WAL mode): the first
 * column of @sql's first row (-1 without a row), and whether @needle
 * stands in the database file (which must be readable) or its WAL. A
 * statement that does not prepare fails the test. */
gint64        fd_test_server_db_count     (FdTestServer *self,
                                           const char   *sql);
gboolean      fd_test_server_db_contains  (FdTestServer *self,
                                           const char   *needle);
/* The first column of every row of @sql, joined by commas. */
char         *fd_test_server_db_list      (FdTestServer *self,
                                           const char   *sql);
const char   *fd_test_server_get_dir      (FdTestServer *self);
/* The server's RLIMIT_NOFILE (soft and hard) from its next start on. */
void          fd_test_server_set_fd_limit (FdTestServer *self,
                                           guint         limit);
GPid          fd_test_server_get_pid      (FdTestServer *self);
/* A memory figure of the running server from /proc/PID/status, in KiB:
 * @field is "VmRSS:" or "VmHWM:". */
gsize         fd_test_server_get_rss_kib  (FdTestServer *self,
                                           const char   *field);
void          fd_test_server_free         (FdTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestServer, fd_test_server_free)

char         *fd_test_make_tmpdir         (void);
void          fd_test_rm_rf               (const char   *path);
/* A loopback port nothing listens on (free a moment ago). */
guint16       fd_test_free_port           (void);

G_END_DECLS
