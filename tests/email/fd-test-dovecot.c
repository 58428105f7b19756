/* fd-test-dovecot.c: a real Dovecot for the email tests. */
#define G_LOG_DOMAIN "fd-test-dovecot"

#include "fd-test-dovecot.h"
#include "fd-test-client.h"
#include "fd-test-server.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define USER "customer@example.test"

struct _FdTestDovecot {
  char *dir;
  char *conf;
  char *maildir;
  guint16 port;
  guint16 tls_port;             /* 0: no TLS */
  char *ca_file;
  char *oauth_token;            /* NULL: no XOAUTH2 */
  char *extra_config;
  GSocketListener *introspection;
  GCancellable *introspection_cancel;
  GThread *introspection_thread;
  guint16 introspection_port;
  GPid pid;
  guint serial;
  uid_t mail_uid;
  gid_t mail_gid;
};

/* Mail files belong to the user Dovecot reads them as. */
static void
own (FdTestDovecot *self,
     const char    *path)
{
  if (chown (path, self->mail_uid, self->mail_gid) != 0)
    g_error ("chown %s: %s", path, g_strerror (errno));
}

static void
make_dir (FdTestDovecot *self,
          const char    *path)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    g_error ("mkdir %s: %s", path, g_strerror (errno));
  own (self, path);
}

static char *
folder_dir (FdTestDovecot *self,
            const char    *folder)
{
  if (folder == NULL || g_ascii_strcasecmp (folder, "INBOX") == 0)
    return g_strdup (self->maildir);
  return g_strdup_printf ("%s/.%s", self->maildir, folder);
}

void
fd_test_dovecot_add_folder (FdTestDovecot *self,
                            const char    *folder)
{
  g_autofree char *dir = folder_dir (self, folder);
  g_autofree char *marker = g_build_filename (dir, "maildirfolder", NULL);

  make_dir (self, dir);
  for (const char *const *sub = (const char *const[]) { "tmp", "new", "cur", NULL }; *sub; sub++)
    {
      g_autofree char *path = g_build_filename (dir, *sub, NULL);
      make_dir (self, path);
    }
  g_file_set_contents (marker, "", 0, NULL);
  own (self, marker);
}

static void
write_config (FdTestDovecot *self)
{
  g_autofree char *passwd = g_build_filename (self->dir, "passwd", NULL);
  g_autofree char *log = g_build_filename (self->dir, "dovecot.log", NULL);
  g_autofree char *config = NULL;
  g_autofree char *ssl = NULL;
  g_autofree char *oauth = NULL;
  g_autofree char *mechanisms = NULL;
  g_autofree char *login_user = NULL;
  g_autofree char *internal_user = NULL;
  GError *error = NULL;

  if (geteuid () == 0)
    {
      login_user = g_strdup ("dovenull");
      internal_user = g_strdup ("dovecot");
    }
  else
    {
      struct passwd *pw = getpwuid (geteuid ());

      g_assert_nonnull (pw);
      login_user = g_strdup (pw->pw_name);
      internal_user = g_strdup (pw->pw_name);
    }

  if (self->tls_port != 0)
    ssl = g_strdup_printf ("ssl = yes\nssl_cert = <%s/cert.pem\nssl_key = <%s/key.pem\n",
                           self->dir, self->dir);
  else
    ssl = g_strdup ("ssl = no\n");
  if (self->oauth_token != NULL)
    {
      g_autofree char *oauth_conf = g_build_filename (self->dir, "oauth2.conf", NULL);
      g_autofree char *oauth_settings = g_strdup_printf (
        "introspection_mode = auth\n"
        "introspection_url = http://127.0.0.1:%u/introspect\n"
        "tokeninfo_url = http://127.0.0.1:%u/introspect?access_token=\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n",
        self->introspection_port, self->introspection_port);

      g_file_set_contents (oauth_conf, oauth_settings, -1, &error);
      g_assert_no_error (error);
      oauth = g_strdup_printf ("passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                               "  args = %s\n}\n", oauth_conf);
      mechanisms = g_strdup ("plain login xoauth2 oauthbearer");
    }
  else
    {
      oauth = g_strdup ("");
      mechanisms = g_strdup ("plain login");
    }
  config = g_strdup_printf (
    "protocols = imap\n"
    "listen = 127.0.0.1\n"
    "base_dir = %s/run\n"
    "state_dir = %s/state\n"
    "log_path = %s\n"
    "%s"
    "disable_plaintext_auth = no\n"
    "auth_mechanisms = %s\n"
    "default_login_user = %s\n"
    "default_internal_user = %s\n"
    "first_valid_uid = 1\n"
    "mail_location = maildir:%s\n"
    "%s"
    "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%%u %s\n}\n"
    "userdb {\n  driver = static\n  args = uid=%u gid=%u home=%s/home\n}\n"
    "service imap-login {\n"
    "  inet_listener imap {\n    address = 127.0.0.1\n    port = %u\n  }\n"
    "  inet_listener imaps {\n    address = 127.0.0.1\n    port = %u\n  }\n"
    "}\n"
    "protocol imap {\n  mail_max_userip_connections = 100\n}\n",
    self->dir, self->dir, log, ssl, mechanisms, login_user, internal_user, self->maildir,
    oauth, passwd,
    (guint) self->mail_uid, (guint) self->mail_gid, self->dir, self->port, (guint) self->tls_port);
  if (self->extra_config != NULL)
    {
      g_autofree char *full = g_strconcat (config, self->extra_config, NULL);
      g_file_set_contents (self->conf, full, -1, &error);
    }
  else
    g_file_set_contents (self->conf, config, -1, &error);
  g_assert_no_error (error);
}

void
fd_test_dovecot_set_extra_config (FdTestDovecot *self,
                                  const char    *text)
{
  g_free (self->extra_config);
  self->extra_config = g_strdup (text);
  fd_test_dovecot_stop (self);
  write_config (self);
  fd_test_dovecot_start (self);
}

static gboolean
port_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
put_in_own_group (gpointer user_data)
{
  setpgid (0, 0);
  /* A test that aborts must not leave Dovecot running: it dies with us
   * (its imap processes follow their master). */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
fd_test_dovecot_start (FdTestDovecot *self)
{
  const char *argv[] = { "dovecot", "-F", "-c", self->conf, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (self->pid, ==, 0);
  /* Dovecot missing is a failure, not a skip: tools/test installs it. */
  if (!g_spawn_async (self->dir, (char **) argv, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                      | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      put_in_own_group, NULL, &self->pid, &error))
    g_error ("cannot start dovecot (package dovecot-imapd): %s", error->message);

  for (int i = 0; i < 1000; i++)
    {
      int status;

      if (port_accepts (self->port))
        return;
      if (waitpid (self->pid, &status, WNOHANG) == self->pid)
        {
          g_autofree char *log_path = g_build_filename (self->dir, "dovecot.log", NULL);
          g_autofree char *log = NULL;

          g_file_get_contents (log_path, &log, NULL, NULL);
          g_error ("dovecot exited at start (status %d): %s", status, log ? log : "");
        }
      g_usleep (10 * 1000);
    }
  g_error ("dovecot did not listen on port %u within 10 s", self->port);
}

static void
run_openssl (FdTestDovecot      *self,
             const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (self->dir, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("cannot make a test certificate with openssl: %s", error->message);
}

/* A private certificate authority of the test (ca.pem, what clients are
 * to trust) and the server's certificate for 127.0.0.1 and localhost
 * signed by it (cert.pem and key.pem), as a company's own CA would issue
 * it. EC keys: quick to make. */
static void
make_certificate (FdTestDovecot *self)
{
  const char *ca_argv[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
                            "-subj", "/CN=Frontdesk Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                            "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL };
  const char *csr_argv[] = { "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", "key.pem", "-out", "server.csr", "-subj", "/CN=localhost", NULL };
  const char *sign_argv[] = { "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                              "-CAcreateserial", "-out", "cert.pem", "-days", "2", "-extfile", "server.ext", NULL };
  g_autofree char *ext = g_build_filename (self->dir, "server.ext", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                            "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n", -1, &error))
    g_error ("%s", error->message);
  run_openssl (self, ca_argv);
  run_openssl (self, csr_argv);
  run_openssl (self, sign_argv);
}

/* The OAuth provider's token introspection, as Dovecot's oauth2 passdb
 * asks it (introspection_mode = auth): GET with "Authorization: Bearer T";
 * the test's token is active for the test's user, any other is not. */
static gpointer
introspection_thread (gpointer data)
{
  FdTestDovecot *self = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) c = NULL;
      g_autoptr(GDataInputStream) in = NULL;
      g_autofree char *bearer = g_strdup_printf ("authorization: bearer %s", self->oauth_token);
      g_autofree char *body = NULL;
      g_autofree char *reply = NULL;
      gboolean active = FALSE;
      char *line;

      c = g_socket_listener_accept (self->introspection, NULL, self->introspection_cancel, NULL);
      if (c == NULL)
        return NULL;
      in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (c)));
      g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
      while ((line = g_data_input_stream_read_line (in, NULL, self->introspection_cancel, NULL)) != NULL)
        {
          g_strchomp (line);
          if (*line == '\0')
            {
              g_free (line);
              break;
            }
          if (g_ascii_strcasecmp (line, bearer) == 0)
            active = TRUE;
          g_free (line);
        }
      body = active ? g_strdup_printf ("{\"active\":true,\"username\":\"%s\"}", USER)
                    : g_strdup ("{\"active\":false}");
      reply = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                               "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                               active ? "200 OK" : "401 Unauthorized", strlen (body), body);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (c)),
                                 reply, strlen (reply), NULL, NULL, NULL);
      g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
    }
}

static void
start_introspection (FdTestDovecot *self)
{
  g_autoptr(GError) error = NULL;

  self->introspection = g_socket_listener_new ();
  self->introspection_cancel = g_cancellable_new ();
  self->introspection_port = g_socket_listener_add_any_inet_port (self->introspection, NULL, &error);
  g_assert_no_error (error);
  self->introspection_thread = g_thread_new ("introspection", introspection_thread, self);
}

static FdTestDovecot *
new_started (const char *password,
             gboolean    tls,
             const char *oauth_token)
{
  FdTestDovecot *self = g_new0 (FdTestDovecot, 1);
  g_autofree char *passwd = NULL;
  g_autofree char *line = NULL;
  g_autofree char *home = NULL;
  GError *error = NULL;

  self->dir = g_dir_make_tmp ("fd-dovecot-XXXXXX", &error);
  g_assert_no_error (error);
  /* Dovecot reads the mail as an unprivileged user: it must reach it. */
  g_chmod (self->dir, 0755);
  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("nobody");
      struct group *gr = getgrnam ("nogroup");

      g_assert_nonnull (pw);
      self->mail_uid = pw->pw_uid;
      self->mail_gid = gr != NULL ? gr->gr_gid : pw->pw_gid;
    }
  else
    {
      self->mail_uid = geteuid ();
      self->mail_gid = getegid ();
    }
  self->conf = g_build_filename (self->dir, "dovecot.conf", NULL);
  self->maildir = g_build_filename (self->dir, "Maildir", NULL);
  self->port = fd_test_free_port ();
  if (oauth_token != NULL)
    {
      self->oauth_token = g_strdup (oauth_token);
      start_introspection (self);
    }
  if (tls)
    {
      self->tls_port = fd_test_free_port ();
      self->ca_file = g_build_filename (self->dir, "ca.pem", NULL);
      make_certificate (self);
    }

  home = g_build_filename (self->dir, "home", NULL);
  make_dir (self, home);
  fd_test_dovecot_add_folder (self, NULL);
  passwd = g_build_filename (self->dir, "passwd", NULL);
  line = g_strdup_printf ("%s:{PLAIN}%s::::::\n", USER, password);
  g_file_set_contents (passwd, line, -1, &error);
  g_assert_no_error (error);
  write_config (self);
  fd_test_dovecot_start (self);
  return self;
}

FdTestDovecot *
fd_test_dovecot_new_started (const char *password)
{
  return new_started (password, FALSE, NULL);
}

FdTestDovecot *
fd_test_dovecot_new_started_tls (const char *password)
{
  return new_started (password, TRUE, NULL);
}

FdTestDovecot *
fd_test_dovecot_new_started_oauth (const char *password,
                                   const char *token)
{
  return new_started (password, FALSE, token);
}

guint16
fd_test_dovecot_get_tls_port (FdTestDovecot *self)
{
  return self->tls_port;
}

const char *
fd_test_dovecot_get_ca_file (FdTestDovecot *self)
{
  return self->ca_file;
}

const char *
fd_test_dovecot_get_user (FdTestDovecot *self)
{
  return USER;
}

guint16
fd_test_dovecot_get_port (FdTestDovecot *self)
{
  return self->port;
}

const char *
fd_test_dovecot_get_maildir (FdTestDovecot *self)
{
  return self->maildir;
}

void
fd_test_dovecot_deliver (FdTestDovecot *self,
                         const char    *folder,
                         const char    *raw,
                         gssize         length)
{
  g_autofree char *dir = folder_dir (self, folder);
  g_autofree char *name = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *dest = NULL;
  GError *error = NULL;

  if (length < 0)
    length = strlen (raw);
  name = g_strdup_printf ("%" G_GINT64_FORMAT ".P%dQ%u.fdtest,S=%" G_GSSIZE_FORMAT,
                          g_get_real_time () / G_USEC_PER_SEC, (int) getpid (),
                          ++self->serial, length);
  tmp = g_build_filename (dir, "tmp", name, NULL);
  dest = g_build_filename (dir, "new", name, NULL);
  g_file_set_contents (tmp, raw, length, &error);
  g_assert_no_error (error);
  own (self, tmp);
  if (rename (tmp, dest) != 0)
    g_error ("rename %s: %s", tmp, g_strerror (errno));
}

static guint
count_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

guint
fd_test_dovecot_count (FdTestDovecot *self,
                       const char    *folder)
{
  g_autofree char *dir = folder_dir (self, folder);
  g_autofree char *new_dir = g_build_filename (dir, "new", NULL);
  g_autofree char *cur_dir = g_build_filename (dir, "cur", NULL);

  return count_dir (new_dir) + count_dir (cur_dir);
}

static void
signal_and_reap (FdTestDovecot *self,
                 int            sig)
{
  int status;

  if (self->pid == 0)
    return;
  /* The whole process group: the master and its imap processes. */
  kill (-self->pid, sig);
  waitpid (self->pid, &status, 0);
  g_spawn_close_pid (self->pid);
  self->pid = 0;
  /* Children that outlive the master would keep the port. */
  for (int i = 0; i < 500 && port_accepts (self->port); i++)
    g_usleep (10 * 1000);
}

void
fd_test_dovecot_stop (FdTestDovecot *self)
{
  signal_and_reap (self, SIGTERM);
}

void
fd_test_dovecot_kill (FdTestDovecot *self)
{
  signal_and_reap (self, SIGKILL);
}

void
fd_test_dovecot_reset_uids (FdTestDovecot *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  fd_test_dovecot_stop (self);
  dir = g_dir_open (self->maildir, 0, NULL);
  g_assert_nonnull (dir);
  /* dovecot-uidlist and dovecot.index*: the UIDs and the cached
   * UIDVALIDITY. dovecot-uidvalidity* stays, so the next one is new. */
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_equal (name, "dovecot-uidlist") || g_str_has_prefix (name, "dovecot.index"))
      {
        g_autofree char *path = g_build_filename (self->maildir, name, NULL);
        g_unlink (path);
      }
  fd_test_dovecot_start (self);
}

void
fd_test_dovecot_free (FdTestDovecot *self)
{
  if (self == NULL)
    return;
  fd_test_dovecot_stop (self);
  if (self->introspection_thread != NULL)
    {
      g_cancellable_cancel (self->introspection_cancel);
      g_thread_join (self->introspection_thread);
    }
  if (self->introspection != NULL)
    g_socket_listener_close (self->introspection);
  g_clear_object (&self->introspection);
  g_clear_object (&self->introspection_cancel);
  g_free (self->oauth_token);
  g_free (self->extra_config);
  if (g_getenv ("FD_TEST_KEEP") == NULL)
    fd_test_rm_rf (self->dir);
  g_free (self->dir);
  g_free (self->conf);
  g_free (self->maildir);
  g_free (self->ca_file);
  g_free (self);
}

static char *
stream_settings (FdTestDovecot *self,
                 const char    *address,
                 guint16        smtp_port)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "address");
  json_builder_add_string_value (builder, address);
  json_builder_set_member_name (builder, "imap_host");
  json_builder_add_string_value (builder, "127.0.0.1");
  json_builder_set_member_name (builder, "imap_port");
  json_builder_add_int_value (builder, fd_test_dovecot_get_port (self));
  json_builder_set_member_name (builder, "imap_tls");
  json_builder_add_string_value (builder, "none");
  json_builder_set_member_name (builder, "smtp_host");
  json_builder_add_string_value (builder, "127.0.0.1");
  json_builder_set_member_name (builder, "smtp_port");
  json_builder_add_int_value (builder, smtp_port);
  json_builder_set_member_name (builder, "smtp_tls");
  json_builder_add_string_value (builder, "none");
  json_builder_set_member_name (builder, "user_name");
  json_builder_add_string_value (builder, fd_test_dovecot_get_user (self));
  json_builder_set_member_name (builder, "poll_seconds");
  json_builder_add_int_value (builder, 1);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

/* {"settings_json": "<settings>", and @password when not NULL, and the
 * rest of a new stream when @queue_id > 0}. */
static char *
stream_body (FdTestDovecot *self,
             const char    *address,
             guint16        smtp_port,
             const char    *password,
             gint64         queue_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *settings = stream_settings (self, address, smtp_port);

  json_builder_begin_object (builder);
  if (queue_id > 0)
    {
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, "email");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, "Test Mail");
      json_builder_set_member_name (builder, "queue_id");
      json_builder_add_int_value (builder, queue_id);
    }
  json_builder_set_member_name (builder, "settings_json");
  json_builder_add_string_value (builder, settings);
  if (password != NULL)
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

gint64
fd_test_dovecot_add_stream (FdTestDovecot *self,
                            gpointer       server,
                            const char    *password,
                            const char    *address,
                            guint16        smtp_port,
                            gint64        *org_id)
{
  gint64 organization = fd_test_admin_import_demo (server);
  gint64 queue_id = fd_test_admin_find_id (server, organization, "queues", "Sales");
  g_autofree char *body = stream_body (self, address, smtp_port, password, queue_id);
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams", organization);
  g_autofree char *phases = NULL;
  g_autoptr(JsonNode) stream = fd_test_admin_expect (server, "POST", path, body, 201);
  gint64 stream_id = json_object_get_int_member (json_node_get_object (stream), "id");

  phases = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT "/phases",
                            organization, stream_id);
  json_node_unref (fd_test_admin_expect (server, "PUT", phases,
                                         "[{\"strategy\":\"ring-all\",\"agent_ids\":[],\"bounce_seconds\":0,"
                                         "\"duration_seconds\":0}]", 200));
  if (org_id != NULL)
    *org_id = organization;
  return stream_id;
}

void
fd_test_dovecot_set_stream_smtp (FdTestDovecot *self,
                                 gpointer       server,
                                 gint64         org_id,
                                 gint64         stream_id,
                                 const char    *address,
                                 guint16        smtp_port)
{
  g_autofree char *body = stream_body (self, address, smtp_port, NULL, 0);
  g_autofree char *path = g_strdup_printf ("/organizations/%" G_GINT64_FORMAT "/streams/%" G_GINT64_FORMAT,
                                           org_id, stream_id);

  json_node_unref (fd_test_admin_expect (server, "PATCH", path, body, 200));
}

void
fd_test_dovecot_deliver_text (FdTestDovecot *self,
                              const char    *to,
                              const char    *subject,
                              const char    *message_id,
                              const char    *date,
                              const char    *extra_headers,
                              const char    *text)
{
  g_autofree char *raw = g_strdup_printf ("From: Alice Customer <alice@customer.test>\r\n"
                                          "To: %s\r\n"
                                          "Subject: %s\r\n"
                                          "Message-ID: <%s>\r\n"
                                          "Date: %s\r\n"
                                          "%s"
                                          "MIME-Version: 1.0\r\n"
                                          "Content-Type: text/plain; charset=utf-8\r\n"
                                          "\r\n"
                                          "%s\r\n",
                                          to, subject, message_id, date,
                                          extra_headers != NULL ? extra_headers : "", text);

  fd_test_dovecot_deliver (self, NULL, raw, -1);
}
