#define G_LOG_DOMAIN "fd-test-smtpd"

#include "fd-test-client.h"
#include "fd-test-server.h"
#include "fd-test-smtpd.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"
#define START_TIMEOUT_US (20 * G_USEC_PER_SEC)

struct _FdTestSmtpd {
  char    *dir;       /* the test's own directory: certificate, log, mail */
  char    *mail_dir;  /* dir/mail: a Maildir (new/, tmp/, cur/) */
  char    *ca_file;
  char    *log_file;
  guint16  port;
  GPid     pid;
};

static void
run_or_fail (const char * const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

/* A self-signed certificate for 127.0.0.1 and localhost, valid two days:
 * the client trusts it through its CA option. */
static void
make_certificate (FdTestSmtpd *smtpd,
                  char       **key_file)
{
  *key_file = g_build_filename (smtpd->dir, "key.pem", NULL);
  smtpd->ca_file = g_build_filename (smtpd->dir, "cert.pem", NULL);
  run_or_fail ((const char * const[]) {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", *key_file, "-out", smtpd->ca_file, "-days", "2",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", NULL });
}

static char *
read_log (FdTestSmtpd *smtpd)
{
  char *log = NULL;

  if (!g_file_get_contents (smtpd->log_file, &log, NULL, NULL))
    log = g_strdup ("(no log)");
  return log;
}

static gboolean
port_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 2);
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

/* The server dies with the test, even when an assertion aborts it. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start (FdTestSmtpd *smtpd,
       GPtrArray   *argv)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  int log_fd;

  log_fd = open (smtpd->log_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_assert_cmpint (log_fd, >=, 0);
  g_ptr_array_add (argv, NULL);
  g_spawn_async_with_fds (NULL, (char **) argv->pdata, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD, child_setup, NULL, &smtpd->pid,
                          -1, log_fd, log_fd, &error);
  close (log_fd);
  if (error != NULL)
    g_error ("could not start %s (python3-aiosmtpd): %s", PYTHON, error->message);

  while (!port_accepts (smtpd->port))
    {
      int status;

      if (waitpid (smtpd->pid, &status, WNOHANG) == smtpd->pid)
        {
          g_autofree char *log = read_log (smtpd);

          smtpd->pid = 0;
          g_error ("aiosmtpd exited before it listened (is python3-aiosmtpd installed?): %s", log);
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = read_log (smtpd);

          g_error ("aiosmtpd did not listen on port %u within 20 s: %s", smtpd->port, log);
        }
      g_usleep (50 * 1000);
    }
}

static FdTestSmtpd *
smtpd_new (void)
{
  FdTestSmtpd *smtpd = g_new0 (FdTestSmtpd, 1);
  g_autoptr(GError) error = NULL;

  smtpd->dir = g_dir_make_tmp ("fd-smtpd-XXXXXX", &error);
  g_assert_no_error (error);
  smtpd->mail_dir = g_build_filename (smtpd->dir, "mail", NULL);
  smtpd->log_file = g_build_filename (smtpd->dir, "smtpd.log", NULL);
  smtpd->port = fd_test_free_port ();
  return smtpd;
}

FdTestSmtpd *
fd_test_smtpd_new_mailbox (void)
{
  FdTestSmtpd *smtpd = smtpd_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (PYTHON));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("aiosmtpd"));
  g_ptr_array_add (argv, g_strdup ("-n"));
  g_ptr_array_add (argv, g_strdup ("-l"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", smtpd->port));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("aiosmtpd.handlers.Mailbox"));
  g_ptr_array_add (argv, g_strdup (smtpd->mail_dir));
  start (smtpd, argv);
  return smtpd;
}

FdTestSmtpd *
fd_test_smtpd_new (const FdTestSmtpdOptions *options)
{
  static const char * const tls_names[] = { "none", "starttls", "implicit" };
  FdTestSmtpd *smtpd = smtpd_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key_file = NULL;

  g_ptr_array_add (argv, g_strdup (PYTHON));
  g_ptr_array_add (argv, g_test_build_filename (G_TEST_DIST, "email", "fd-smtpd.py", NULL));
  g_ptr_array_add (argv, g_strdup_printf ("--port=%u", smtpd->port));
  g_ptr_array_add (argv, g_strdup_printf ("--dir=%s", smtpd->mail_dir));
  g_ptr_array_add (argv, g_strdup_printf ("--tls=%s", tls_names[options->tls]));
  if (options->tls != FD_TEST_SMTPD_TLS_NONE)
    {
      make_certificate (smtpd, &key_file);
      g_ptr_array_add (argv, g_strdup_printf ("--cert=%s", smtpd->ca_file));
      g_ptr_array_add (argv, g_strdup_printf ("--key=%s", key_file));
    }
  if (options->auth != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--auth=%s", options->auth));
  if (options->exclude_auth != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--exclude-auth=%s", options->exclude_auth));
  if (options->xoauth2 != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--xoauth2=%s", options->xoauth2));
  for (guint i = 0; options->rcpt_replies != NULL && options->rcpt_replies[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup_printf ("--rcpt-reply=%s", options->rcpt_replies[i]));
  if (options->data_reply != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--data-reply=%s", options->data_reply));
  start (smtpd, argv);
  return smtpd;
}

void
fd_test_smtpd_free (FdTestSmtpd *smtpd)
{
  if (smtpd == NULL)
    return;
  if (smtpd->pid > 0)
    {
      int status;

      kill (smtpd->pid, SIGTERM);
      while (waitpid (smtpd->pid, &status, 0) < 0 && errno == EINTR)
        ;
      g_spawn_close_pid (smtpd->pid);
    }
  fd_test_rm_rf (smtpd->dir);
  g_free (smtpd->dir);
  g_free (smtpd->mail_dir);
  g_free (smtpd->ca_file);
  g_free (smtpd->log_file);
  g_free (smtpd);
}

guint16
fd_test_smtpd_get_port (FdTestSmtpd *smtpd)
{
  return smtpd->port;
}

const char *
fd_test_smtpd_get_ca_file (FdTestSmtpd *smtpd)
{
  return smtpd->ca_file;
}

/* The order messages arrived in. fd-smtpd.py names them with a zero-padded
 * counter; aiosmtpd's own Mailbox handler (Python's mailbox.Maildir) names
 * them "SECONDS.M<microseconds>P<pid>Q<n>.host", whose microseconds are not
 * padded (so "M99999" sorts after "M100000") but whose Q counts the
 * deliveries of the process: that number orders them. */
static guint64
delivery_number (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  const char *q = strchr (name, 'Q');

  if (strchr (name, '.') == NULL || q == NULL || !g_ascii_isdigit (q[1]))
    return 0;
  return g_ascii_strtoull (q + 1, NULL, 10);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const char *path_a = *(const char * const *) a;
  const char *path_b = *(const char * const *) b;
  guint64 n_a = delivery_number (path_a);
  guint64 n_b = delivery_number (path_b);

  if (n_a != n_b)
    return n_a < n_b ? -1 : 1;
  return g_strcmp0 (path_a, path_b);
}

static GPtrArray *
list_new (FdTestSmtpd *smtpd)
{
  g_autofree char *new_dir = g_build_filename (smtpd->mail_dir, "new", NULL);
  g_autoptr(GDir) dir = g_dir_open (new_dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (new_dir, name, NULL));
  g_ptr_array_sort (names, compare_names);
  return names;
}

guint
fd_test_smtpd_count (FdTestSmtpd *smtpd)
{
  g_autoptr(GPtrArray) names = list_new (smtpd);

  return names->len;
}

GPtrArray *
fd_test_smtpd_wait_messages (FdTestSmtpd *smtpd,
                             guint        n)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  g_autoptr(GPtrArray) names = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (;;)
    {
      g_clear_pointer (&names, g_ptr_array_unref);
      names = list_new (smtpd);
      if (names->len >= n)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("%u messages arrived, %u expected", names->len, n);
      g_usleep (50 * 1000);
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GError) error = NULL;
      char *contents;
      gsize len;

      g_file_get_contents (g_ptr_array_index (names, i), &contents, &len, &error);
      g_assert_no_error (error);
      g_ptr_array_add (messages, g_bytes_new_take (contents, len));
    }
  return messages;
}

GStrv
fd_test_smtpd_get_envelope (FdTestSmtpd *smtpd,
                            guint        i)
{
  g_autofree char *path = g_strdup_printf ("%s/env/%06u", smtpd->mail_dir, i + 1);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_strchomp (contents);
  return g_strsplit (contents, "\n", -1);
}

FdMail *
fd_test_smtpd_parse_message (GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  FdMail *mail = fd_mail_parse (raw, NULL, &error);

  g_assert_no_error (error);
  return mail;
}

GPtrArray *
fd_test_smtpd_authorization_mails (FdTestSmtpd *relay,
                                   const char  *name)
{
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) fd_mail_free);
  guint count = fd_test_smtpd_count (relay);
  g_autoptr(GPtrArray) mails = count > 0 ? fd_test_smtpd_wait_messages (relay, count) : NULL;
  g_autofree char *line = g_strdup_printf ("Name: %s\n", name);

  for (guint i = 0; mails != NULL && i < mails->len; i++)
    {
      FdMail *mail = fd_test_smtpd_parse_message (g_ptr_array_index (mails, i));

      if (strstr (mail->text, line) != NULL)
        g_ptr_array_add (found, mail);
      else
        fd_mail_free (mail);
    }
  return found;
}

FdMail *
fd_test_smtpd_wait_authorization_mail (FdTestSmtpd  *relay,
                                       const char   *name,
                                       guint         n,
                                       char        **out_url)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  FdMail *mail;
  const char *start;

  g_assert (n > 0);
  for (;;)
    {
      g_autoptr(GPtrArray) mails = fd_test_smtpd_authorization_mails (relay, name);

      if (mails->len >= n)
        {
          mail = g_steal_pointer (&mails->pdata[n - 1]);
          break;
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for authorization mail %u of %s", n, name);
      fd_test_spin (100);
    }
  start = strstr (mail->text, "/authorize/fdal_");
  g_assert_nonnull (start);
  while (start > mail->text && start[-1] != '\n')
    start--;
  *out_url = g_strndup (start, strcspn (start, "\r\n"));
  return mail;
}
