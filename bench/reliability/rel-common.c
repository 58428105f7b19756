#define G_LOG_DOMAIN "rel-common"

#include "rel-common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static JsonObject *result;
static JsonArray  *notes;
static char       *result_path;
static GRand      *rand_gen;
static char       *server_help;

void
rel_init (int          *argc,
          char       ***argv,
          const char   *scenario)
{
  struct rlimit lim;
  const char *seed = g_getenv ("REL_SEED");

  if (getrlimit (RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max)
    {
      lim.rlim_cur = lim.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &lim) != 0)
        g_printerr ("%s: cannot raise the descriptor limit: %s\n", scenario, g_strerror (errno));
    }
  if (g_getenv ("FRONTDESKD") == NULL || g_getenv ("FD_SOURCE_DATADIR") == NULL)
    g_error ("Set FRONTDESKD and FD_SOURCE_DATADIR (bench/reliability/run does)");

  rand_gen = g_rand_new_with_seed (seed != NULL ? (guint32) g_ascii_strtoull (seed, NULL, 10) : 1);
  result = json_object_new ();
  notes = json_array_new ();
  json_object_set_string_member (result, "scenario", scenario);
  result_path = g_strdup (*argc > 1 ? (*argv)[1] : g_getenv ("REL_RESULT"));
  getrlimit (RLIMIT_NOFILE, &lim);
  json_object_set_int_member (result, "nofile", (gint64) lim.rlim_cur);
  g_print ("== %s (descriptor limit %lu)\n", scenario, (unsigned long) lim.rlim_cur);
}

int
rel_finish (void)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_array_member (result, "notes", notes);
  json_node_take_object (root, result);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  if (result_path != NULL && !json_generator_to_file (gen, result_path, &error))
    g_printerr ("Cannot write %s: %s\n", result_path, error->message);
  g_clear_pointer (&result_path, g_free);
  g_clear_pointer (&rand_gen, g_rand_free);
  g_clear_pointer (&server_help, g_free);
  return 0;
}

void
rel_set_int (const char *key,
             gint64      value)
{
  json_object_set_int_member (result, key, value);
}

void
rel_set_double (const char *key,
                double      value)
{
  json_object_set_double_member (result, key, value);
}

void
rel_set_string (const char *key,
                const char *value)
{
  json_object_set_string_member (result, key, value);
}

void
rel_set_bool (const char *key,
              gboolean    value)
{
  json_object_set_boolean_member (result, key, value);
}

void
rel_note (const char *format,
          ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_print ("   note: %s\n", text);
  json_array_add_string_element (notes, text);
}

GRand *
rel_rand (void)
{
  return rand_gen;
}

double
rel_now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static gboolean
on_pump_deadline_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
rel_pump_until (const gboolean *done,
                guint           ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (ms, on_pump_deadline_cb, &expired);

  while (!*done && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  return *done;
}

void
rel_pump (guint ms)
{
  gboolean never = FALSE;

  rel_pump_until (&never, ms);
}

/* --- the server -------------------------------------------------------------- */

gboolean
rel_server_supports (const char *option)
{
  if (server_help == NULL)
    {
      const char *argv[] = { g_getenv ("FRONTDESKD"), "--help", NULL };
      g_autoptr(GError) error = NULL;
      char *out = NULL;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                         &out, NULL, NULL, &error))
        g_error ("Cannot run %s --help: %s", argv[0], error->message);
      server_help = out;
    }
  /* An option is listed as "  --name" followed by a blank or "=". */
  for (const char *p = strstr (server_help, option); p != NULL; p = strstr (p + 1, option))
    {
      char after = p[strlen (option)];

      if ((after == ' ' || after == '=' || after == '\n') && p > server_help && p[-1] == ' ')
        return TRUE;
    }
  return FALSE;
}

void
rel_server_add_option (FdTestServer *server,
                       const char   *option,
                       const char   *value)
{
  if (rel_server_supports (option))
    {
      fd_test_server_add_args (server, option, value, NULL);
      g_print ("   passing %s %s\n", option, value);
    }
}

/* FdTestServer keeps its process to itself; the server is the child of this
 * process whose command line names the server's database. */
GPid
rel_server_pid (FdTestServer *server)
{
  const char *db = fd_test_server_get_db_path (server);
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stat_path = NULL;
      g_autofree char *cmd_path = NULL;
      g_autofree char *stat = NULL;
      g_autofree char *cmdline = NULL;
      gsize len = 0;
      const char *paren;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      stat_path = g_build_filename ("/proc", name, "stat", NULL);
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid …"; comm may hold blanks and parentheses. */
      paren = strrchr (stat, ')');
      if (paren == NULL || sscanf (paren + 1, " %*c %d", &ppid) != 1 || ppid != getpid ())
        continue;
      cmd_path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (!g_file_get_contents (cmd_path, &cmdline, &len, NULL))
        continue;
      for (gsize i = 0; i < len; i += strlen (cmdline + i) + 1)
        if (g_strcmp0 (cmdline + i, db) == 0)
          return (GPid) atoi (name);
    }
  g_error ("Cannot find the frontdeskd process of %s", db);
  return 0;
}

gint64
rel_proc_kib (GPid        pid,
              const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_autofree char *prefix = g_strconcat ("\n", field, ":", NULL);
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  p = strstr (text, prefix);
  if (p == NULL)
    return -1;
  return g_ascii_strtoll (p + strlen (prefix), NULL, 10);
}

gboolean
rel_reset_hwm (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/clear_refs", (int) pid);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, "5", 1) == 1;
  close (fd);
  return ok;
}

gint
rel_count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  gint n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

struct _RelSampler
{
  GPid   pid;
  gint64 max_kib;
  guint  source;
};

void
rel_sampler_poll (RelSampler *self)
{
  gint64 kib = rel_proc_kib (self->pid, "VmRSS");

  self->max_kib = MAX (self->max_kib, kib);
}

static gboolean
on_sample_cb (gpointer data)
{
  rel_sampler_poll (data);
  return G_SOURCE_CONTINUE;
}

RelSampler *
rel_sampler_new (GPid pid)
{
  RelSampler *self = g_new0 (RelSampler, 1);

  self->pid = pid;
  rel_sampler_poll (self);
  self->source = g_timeout_add (20, on_sample_cb, self);
  return self;
}

gint64
rel_sampler_max_kib (RelSampler *self)
{
  rel_sampler_poll (self);
  return self->max_kib;
}

void
rel_sampler_free (RelSampler *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->source, g_source_remove);
  g_free (self);
}

/* --- sockets ----------------------------------------------------------------- */

char *
rel_source_address (guint i)
{
  guint n = i + 2;

  g_assert (n < 255 * 255);
  return g_strdup_printf ("127.0.%u.%u", n / 255, n % 255 == 0 ? 255 : n % 255);
}

int
rel_tcp_connect (const char *source,
                 guint16     port,
                 gboolean    nonblock)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
  int one = 1;

  if (fd < 0)
    return -1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source != NULL)
    {
      struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = 0 };

      inet_pton (AF_INET, source, &local.sin_addr);
      if (bind (fd, (struct sockaddr *) &local, sizeof local) != 0)
        {
          int saved = errno;

          close (fd);
          errno = saved;
          return -1;
        }
    }
  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0 && !(nonblock && errno == EINPROGRESS))
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return -1;
    }
  return fd;
}

guint
rel_http_get (guint16     port,
              const char *path,
              guint       timeout_ms,
              double     *out_seconds)
{
  g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Connection: close\r\n\r\n", path, port);
  double start = rel_now ();
  double deadline = start + timeout_ms / 1000.0;
  char buf[512];
  gsize have = 0;
  gsize sent = 0;
  guint status = 0;
  int fd = rel_tcp_connect (NULL, port, TRUE);

  if (fd < 0)
    goto out;
  while (rel_now () < deadline)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN | (sent < strlen (request) ? POLLOUT : 0) };
      int left = (int) ((deadline - rel_now ()) * 1000) + 1;

      if (poll (&pfd, 1, left) <= 0)
        continue;
      if ((pfd.revents & POLLOUT) && sent < strlen (request))
        {
          ssize_t n = send (fd, request + sent, strlen (request) - sent, MSG_NOSIGNAL);

          if (n < 0 && errno != EAGAIN && errno != EINPROGRESS)
            break;
          if (n > 0)
            sent += (gsize) n;
        }
      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          ssize_t n = recv (fd, buf + have, sizeof buf - 1 - have, 0);

          if (n <= 0)
            {
              if (n < 0 && errno == EAGAIN)
                continue;
              break;
            }
          have += (gsize) n;
          buf[have] = '\0';
          if (strstr (buf, "\r\n") != NULL || have == sizeof buf - 1)
            {
              sscanf (buf, "HTTP/1.%*d %u", &status);
              break;
            }
        }
    }
  close (fd);
out:
  if (out_seconds != NULL)
    *out_seconds = rel_now () - start;
  return status;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
rel_median (double *values,
            guint   n)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* --- a websocket that never reads -------------------------------------------- */

int
rel_ws_open_raw (guint16     port,
                 const char *path_and_query,
                 const char *bearer,
                 const char *origin)
{
  g_autoptr(GString) request = g_string_new (NULL);
  int small = 4096;
  char buf[4096];
  gsize have = 0;
  double deadline = rel_now () + 5;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };

  g_assert (fd >= 0);
  /* A small window, so that what the server cannot send stays with it. */
  setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  inet_pton (AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    g_error ("Cannot connect to port %u: %s", port, g_strerror (errno));
  g_string_append_printf (request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n", path_and_query, port);
  if (bearer != NULL)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n", bearer);
  if (origin != NULL)
    g_string_append_printf (request, "Origin: %s\r\n", origin);
  g_string_append (request, "\r\n");
  if (send (fd, request->str, request->len, MSG_NOSIGNAL) != (ssize_t) request->len)
    g_error ("Cannot send the websocket handshake: %s", g_strerror (errno));

  /* Read the answer's head, one byte at a time so that no frame is taken. */
  while (have < sizeof buf - 1 && rel_now () < deadline)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };

      if (poll (&pfd, 1, 100) <= 0)
        continue;
      if (recv (fd, buf + have, 1, 0) != 1)
        break;
      have++;
      buf[have] = '\0';
      if (g_str_has_suffix (buf, "\r\n\r\n"))
        break;
    }
  buf[have] = '\0';
  if (!g_str_has_prefix (buf, "HTTP/1.1 101"))
    g_error ("The websocket handshake at %s was answered: %.80s", path_and_query, buf);
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

gboolean
rel_ws_send_raw (int         fd,
                 const char *text,
                 guint       timeout_ms)
{
  gsize len = strlen (text);
  g_autofree guint8 *frame = g_malloc (len + 14);
  guint8 mask[4];
  gsize head = 0, sent = 0;
  double deadline = rel_now () + timeout_ms / 1000.0;
  guint32 r = g_random_int ();

  memcpy (mask, &r, 4);
  frame[head++] = 0x81;   /* FIN, text */
  if (len < 126)
    frame[head++] = 0x80 | (guint8) len;
  else if (len < 65536)
    {
      frame[head++] = 0x80 | 126;
      frame[head++] = (guint8) (len >> 8);
      frame[head++] = (guint8) len;
    }
  else
    {
      frame[head++] = 0x80 | 127;
      for (int shift = 56; shift >= 0; shift -= 8)
        frame[head++] = (guint8) ((guint64) len >> shift);
    }
  memcpy (frame + head, mask, 4);
  head += 4;
  for (gsize i = 0; i < len; i++)
    frame[head + i] = (guint8) text[i] ^ mask[i % 4];

  while (sent < head + len)
    {
      ssize_t n = send (fd, frame + sent, head + len - sent, MSG_NOSIGNAL);

      if (n > 0)
        sent += (gsize) n;
      else if (n < 0 && errno == EAGAIN && rel_now () < deadline)
        {
          struct pollfd pfd = { .fd = fd, .events = POLLOUT };

          poll (&pfd, 1, 10);
        }
      else
        return FALSE;
    }
  return TRUE;
}

gboolean
rel_tcp_peer_open (int     fd,
                   guint16 server_port)
{
  struct sockaddr_in local;
  socklen_t size = sizeof local;
  g_autofree char *table = NULL;
  g_autofree char *server = NULL;
  g_autofree char *client = NULL;
  g_auto(GStrv) lines = NULL;

  if (getsockname (fd, (struct sockaddr *) &local, &size) != 0 ||
      !g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL))
    return FALSE;
  /* Addresses are hex in host order for the address, big-endian port. */
  server = g_strdup_printf ("0100007F:%04X", server_port);
  client = g_strdup_printf ("%08X:%04X", local.sin_addr.s_addr, ntohs (local.sin_port));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char loc[32], rem[32];
      unsigned state = 0;

      if (sscanf (lines[i], " %*d: %31s %31s %x", loc, rem, &state) == 3 &&
          g_strcmp0 (loc, server) == 0 && g_strcmp0 (rem, client) == 0)
        return state == 1;   /* TCP_ESTABLISHED */
    }
  return FALSE;
}
