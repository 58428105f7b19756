#include "fd-test-server.h"

#include <libsoup/soup.h>
#include <string.h>

static void
test_healthz_answers_ok (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fd_test_server_start (server);
  url = g_strconcat (fd_test_server_get_url (server), "/healthz", NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   "{\"status\":\"ok\"}", 15);

  /* A clean stop exits with status 0. */
  fd_test_server_stop (server);
}

static void
test_healthz_rejects_post (void)
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  fd_test_server_start (server);
  url = g_strconcat (fd_test_server_get_url (server), "/healthz", NULL);
  msg = soup_message_new ("POST", url);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

static void
test_missing_db_is_a_usage_error (void)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                           g_getenv ("FRONTDESKD"), "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_nonnull (strstr (err_text, "--db"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/healthz/ok", test_healthz_answers_ok);
  g_test_add_func ("/server/healthz/post", test_healthz_rejects_post);
  g_test_add_func ("/server/usage/missing-db", test_missing_db_is_a_usage_error);
  return g_test_run ();
}
