#define G_LOG_DOMAIN "fd-test-server"

#include "fd-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

struct _FdTestServer
{
  char        *dir;
  char        *db_path;
  GPtrArray   *extra_args;
  GSubprocess *process;
  guint16      port;
  guint        fd_limit;     /* RLIMIT_NOFILE of the server, 0 = inherited */
  char        *url;
  char        *ws_url;
};

char *
fd_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("frontdesk-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
fd_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        fd_test_rm_rf (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

FdTestServer *
fd_test_server_new (void)
{
  FdTestServer *self = g_new0 (FdTestServer, 1);

  self->dir = fd_test_make_tmpdir ();
  self->db_path = g_build_filename (self->dir, "frontdesk.db", NULL);
  self->extra_args = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
fd_test_server_add_args (FdTestServer *self,
                         const char   *first_arg,
                         ...)
{
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (self->extra_args, g_strdup (arg));
  va_end (ap);
}

/* A test that fails aborts; frontdeskd must not outlive it, or it keeps the
 * test's output pipe open and the runner waits for its timeout. */
static void
die_with_parent (gpointer user_data)
{
  FdTestServer *self = user_data;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (self->fd_limit > 0)
    {
      struct rlimit rl = { self->fd_limit, self->fd_limit };

      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

void
fd_test_server_set_fd_limit (FdTestServer *self,
                             guint         limit)
{
  self->fd_limit = limit;
}

GPid
fd_test_server_get_pid (FdTestServer *self)
{
  const char *id;

  g_assert_nonnull (self->process);
  id = g_subprocess_get_identifier (self->process);
  g_assert_nonnull (id);
  return (GPid) g_ascii_strtoll (id, NULL, 10);
}

gsize
fd_test_server_get_rss_kib (FdTestServer *self,
                            const char   *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) fd_test_server_get_pid (self));
  g_autofree char *text = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field) + 1, NULL, 10);
}

/* Starts frontdeskd and blocks until it prints the line with its URL. A
 * restart after stop/kill reuses the same port and database, as a real
 * restart of the service would. */
void
fd_test_server_start (FdTestServer *self)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *binary = g_getenv ("FRONTDESKD");
  const char *prefix = "frontdeskd: listening on ";

  g_assert_null (self->process);
  g_assert_nonnull (binary);

  g_ptr_array_add (argv, g_strdup (binary));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", self->port));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (self->db_path));
  for (guint i = 0; i < self->extra_args->len; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args->pdata[i]));
  g_ptr_array_add (argv, NULL);

  /* A just-killed server's port may take a moment to be free again. */
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_clear_error (&error);
      g_clear_object (&self->process);
      g_clear_object (&out);
      g_clear_pointer (&line, g_free);

      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, self, NULL);
      self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
      g_assert_no_error (error);

      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      if (line != NULL && g_str_has_prefix (line, prefix))
        break;

      g_subprocess_wait (self->process, NULL, NULL);
      if (self->port == 0)
        break;
      g_usleep (100 * 1000);
    }

  if (line == NULL || !g_str_has_prefix (line, prefix))
    g_error ("frontdeskd did not start (printed “%s”)", line ? line : "nothing");

  g_free (self->url);
  g_free (self->ws_url);
  self->url = g_strdup (line + strlen (prefix));
  self->ws_url = g_strconcat ("ws", self->url + strlen ("http"), NULL);
  if (self->port == 0)
    {
      const char *colon = strrchr (self->url, ':');

      g_assert_nonnull (colon);
      self->port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
    }
  g_assert_cmpuint (self->port, >, 0);
}

static void
fd_test_server_end (FdTestServer *self,
                    int           signum)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, signum);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  if (signum == SIGTERM)
    g_assert_true (g_subprocess_get_if_exited (self->process) &&
                   g_subprocess_get_exit_status (self->process) == 0);
  g_clear_object (&self->process);
}

/* A clean shutdown: SIGTERM, and frontdeskd must exit with status 0. */
FdTestServer *
fd_test_server_new_started (void)
{
  FdTestServer *self = fd_test_server_new ();

  fd_test_server_start (self);
  return self;
}

void
fd_test_server_start_demo (FdTestServer *self)
{
  fd_test_server_add_args (self, "--demo", NULL);
  fd_test_server_start (self);
}

void
fd_test_server_stop (FdTestServer *self)
{
  fd_test_server_end (self, SIGTERM);
}

/* A crash: SIGKILL, nothing gets flushed or closed. */
void
fd_test_server_kill (FdTestServer *self)
{
  fd_test_server_end (self, SIGKILL);
}

const char *
fd_test_server_get_url (FdTestServer *self)
{
  return self->url;
}

const char *
fd_test_server_get_ws_url (FdTestServer *self)
{
  return self->ws_url;
}

guint16
fd_test_server_get_port (FdTestServer *self)
{
  return self->port;
}

const char *
fd_test_server_get_db_path (FdTestServer *self)
{
  return self->db_path;
}

const char *
fd_test_server_get_dir (FdTestServer *self)
{
  return self->dir;
}

void
fd_test_server_free (FdTestServer *self)
{
  if (self == NULL)
    return;
  fd_test_server_kill (self);
  fd_test_rm_rf (self->dir);
  g_free (self->dir);
  g_free (self->db_path);
  g_free (self->url);
  g_free (self->ws_url);
  g_ptr_array_unref (self->extra_args);
  g_free (self);
}

guint16
fd_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* @sql prepared on a read-only connection to the server's database (the
 * statement's connection is closed with it: sqlite3_close_v2()). */
static sqlite3_stmt *
db_prepare (FdTestServer *self,
            const char   *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (fd_test_server_get_db_path (self), &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_close_v2 (db);
  return stmt;
}

gint64
fd_test_server_db_count (FdTestServer *self,
                         const char   *sql)
{
  sqlite3_stmt *stmt = db_prepare (self, sql);
  gint64 value = -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

char *
fd_test_server_db_list (FdTestServer *self,
                        const char   *sql)
{
  sqlite3_stmt *stmt = db_prepare (self, sql);
  GString *list = g_string_new (NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (list, "%s%s", list->len > 0 ? "," : "", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return g_string_free (list, FALSE);
}

gboolean
fd_test_server_db_contains (FdTestServer *self,
                            const char   *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autofree char *wal = g_strconcat (fd_test_server_get_db_path (self), "-wal", NULL);
  g_autofree char *wal_contents = NULL;

  g_assert_true (g_file_get_contents (fd_test_server_get_db_path (self), &contents, &length, NULL));
  if (memmem (contents, length, needle, strlen (needle)) != NULL)
    return TRUE;
  if (g_file_get_contents (wal, &wal_contents, &length, NULL) &&
      memmem (wal_contents, length, needle, strlen (needle)) != NULL)
    return TRUE;
  return FALSE;
}
