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
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *proc;

  /* A fresh application instance even if one is registered on the bus. */
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  /* The app's own story, shown when it fails to sign in. GLib writes
   * debug lines to stdout: both streams come through one pipe (called
   * the app's stderr below), never onto the test's own TAP output. */
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  /* Under ASan the slow unwinder on every malloc (fast_unwind_on_malloc=0,
   * for readable leak stacks in the in-process tests) can deadlock in
   * _Unwind_Find_FDE against a thread loading a module at start-up. This
   * app is stopped with SIGTERM, so no leak report needs those stacks. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autoptr(GString) options = g_string_new (g_getenv ("ASAN_OPTIONS"));

      g_string_replace (options, "fast_unwind_on_malloc=0", "fast_unwind_on_malloc=1", 0);
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options->str, TRUE);
    }
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
  g_autoptr(GOutputStream) stderr_text = NULL;
  gint64 deadline;
  gint64 tokens = 0;

  fd_test_server_start_demo (server);
  g_assert_cmpint (count_agent_tokens (fd_test_server_get_db_path (server)), ==, 0);

  app = spawn_app ((const char * const []) { "--server", fd_test_server_get_url (server),
                                              "--email", "jenna@kakapo.example", "--password-stdin", NULL },
                   "jenna-demo\n", &error);
  g_assert_no_error (error);

  /* The app's stderr is read all along (a full pipe would stop the app)
   * and shown if it never signs in. */
  stderr_text = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (stderr_text, g_subprocess_get_stdout_pipe (app),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  /* The app runs until it is told to stop: watch the server's side. */
  /* Generous: under ASan, with other tests running, the app takes a while to start. */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while ((tokens = count_agent_tokens (fd_test_server_get_db_path (server))) == 0 &&
         g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (100 * 1000);
    }
  if (tokens != 1)
    {
      g_autofree char *text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stderr_text)),
                                         g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stderr_text)));

      g_subprocess_force_exit (app);
      g_error ("The app did not sign in; its stderr:\n%s", text);
    }

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
    GInputStream *stderr_pipe = g_subprocess_get_stdout_pipe (app);

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
