/* The frontdesk program signs in from its command line, as tools/demo
 * starts it: --server, --email and the password on standard input. */
#include "fd-test-server.h"

#include <sqlite3.h>
#include <string.h>

static gint64
count_agent_tokens (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 2000);
  if (sqlite3_prepare_v2 (db, "SELECT count(*) FROM agent_tokens", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static GSubprocess *
spawn_app (const char * const *args,
           const char         *input,
           GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *proc;

  /* A fresh application instance even if one is registered on the bus. */
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_ptr_array_add (argv, (gpointer) g_getenv ("FRONTDESK"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
  if (proc != NULL && input != NULL)
    {
      GOutputStream *in = g_subprocess_get_stdin_pipe (proc);

      g_output_stream_write_all (in, input, strlen (input), NULL, NULL, error);
      g_output_stream_close (in, NULL, NULL);
    }
  return proc;
}

static void
test_password_stdin_signs_in (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gint64 tokens = 0;

  fd_test_server_add_args (server, "--demo", NULL);
  fd_test_server_start (server);
  g_assert_cmpint (count_agent_tokens (fd_test_server_get_db_path (server)), ==, 0);

  app = spawn_app ((const char * const []) { "--server", fd_test_server_get_url (server),
                                              "--email", "jenna@kakapo.example", "--password-stdin", NULL },
                   "jenna-demo\n", &error);
  g_assert_no_error (error);

  /* The app runs until it is told to stop: watch the server's side. */
  /* Generous: under ASan, with other tests running, the app takes a while to start. */
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while ((tokens = count_agent_tokens (fd_test_server_get_db_path (server))) == 0 &&
         g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpint (tokens, ==, 1);

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
}

static void
test_password_stdin_needs_server (void)
{
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  app = spawn_app ((const char * const []) { "--password-stdin", NULL }, "secret\n", &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GByteArray) all = g_byte_array_new ();
    GInputStream *stderr_pipe = g_subprocess_get_stderr_pipe (app);

    while ((bytes = g_input_stream_read_bytes (stderr_pipe, 4096, NULL, &error)) != NULL &&
           g_bytes_get_size (bytes) > 0)
      {
        g_byte_array_append (all, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
        g_clear_pointer (&bytes, g_bytes_unref);
      }
    g_assert_no_error (error);
    g_byte_array_append (all, (const guint8 *) "", 1);
    err = g_strdup ((const char *) all->data);
  }
  g_subprocess_wait (app, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 2);
  g_assert_nonnull (strstr (err, "--server and --email"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/cli/password-stdin", test_password_stdin_signs_in);
  g_test_add_func ("/app/cli/password-stdin-needs-server", test_password_stdin_needs_server);
  return g_test_run ();
}
