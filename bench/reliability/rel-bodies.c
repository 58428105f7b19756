#define G_LOG_DOMAIN "rel-bodies"

/* Large unauthenticated bodies (docs/reliability.md): four requests at
 * once, each announcing a 128 MiB body with Content-Length and no
 * credentials, to the agent upload, the admin upload, the admin site import
 * and the agent sign-in. Each sends its body as fast as the server takes it
 * and stops when it is answered or cut off. The figures: the server's peak
 * resident memory growth (VmHWM after resetting it), and for each request
 * its status and how much of its body had been sent when the answer came. */

#include "rel-common.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY_SIZE   (128 * 1024 * 1024)
#define CHUNK       (64 * 1024)
#define RUN_SECONDS 60

typedef struct {
  const char *name;
  const char *path;
  int         fd;
  guint64     header_len;
  guint64     sent;           /* header and body bytes */
  char        answer[256];
  gsize       answer_len;
  guint       status;
  guint64     body_at_answer; /* body bytes sent when the answer came */
  double      answered_after;
  gboolean    cut;            /* the server closed or reset the connection */
  gboolean    finished;
  char       *header;
} Upload;

static Upload uploads[] = {
  { "agent upload", "/api/agent/v1/files?conversation_id=1&name=big.bin" },
  { "admin upload", "/api/admin/v1/organizations/1/files?name=big.bin" },
  { "admin site import", "/api/admin/v1/sites" },
  { "agent sign-in", "/api/agent/v1/sessions" },
};

static guint64
body_sent (const Upload *u)
{
  return u->sent > u->header_len ? u->sent - u->header_len : 0;
}

static void
on_readable (Upload *u,
             double  start)
{
  char buf[4096];
  ssize_t n = recv (u->fd, buf, sizeof buf, 0);

  if (n <= 0)
    {
      if (n < 0 && errno == EAGAIN)
        return;
      u->cut = TRUE;
      u->finished = TRUE;
      return;
    }
  if (u->status != 0)
    return;
  memcpy (u->answer + u->answer_len, buf, MIN ((gsize) n, sizeof u->answer - 1 - u->answer_len));
  u->answer_len = MIN (u->answer_len + (gsize) n, sizeof u->answer - 1);
  u->answer[u->answer_len] = '\0';
  if (strstr (u->answer, "\r\n") != NULL && sscanf (u->answer, "HTTP/1.%*d %u", &u->status) == 1)
    {
      u->body_at_answer = body_sent (u);
      u->answered_after = rel_now () - start;
      /* Answered: a client stops sending (and hangs up). */
      u->finished = TRUE;
    }
}

static void
on_writable (Upload *u)
{
  static const char zeros[CHUNK];
  guint64 total = u->header_len + BODY_SIZE;

  while (u->sent < total)
    {
      ssize_t n;

      if (u->sent < u->header_len)
        n = send (u->fd, u->header + u->sent, u->header_len - u->sent, MSG_NOSIGNAL);
      else
        n = send (u->fd, zeros, MIN ((guint64) CHUNK, total - u->sent), MSG_NOSIGNAL);
      if (n > 0)
        u->sent += (guint64) n;
      else if (n < 0 && errno == EAGAIN)
        return;
      else
        {
          u->cut = TRUE;
          return;
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FdTestServer) server = fd_test_server_new ();
  g_autoptr(RelSampler) sampler = NULL;
  gint64 baseline, peak;
  gboolean hwm;
  guint16 port;
  double start;
  GPid pid;

  rel_init (&argc, &argv, "bodies");
  fd_test_server_start (server);
  fd_test_admin_import_demo (server);
  port = fd_test_server_get_port (server);
  pid = rel_server_pid (server);
  rel_pump (300);
  baseline = rel_proc_kib (pid, "VmRSS");
  hwm = rel_reset_hwm (pid);
  sampler = rel_sampler_new (pid);

  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      Upload *u = &uploads[i];

      u->header = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                   "Content-Type: application/octet-stream\r\n"
                                   "Content-Length: %d\r\n\r\n", u->path, port, BODY_SIZE);
      u->header_len = strlen (u->header);
      u->fd = rel_tcp_connect (NULL, port, TRUE);
      if (u->fd < 0)
        g_error ("Cannot connect: %s", g_strerror (errno));
    }

  start = rel_now ();
  while (rel_now () - start < RUN_SECONDS)
    {
      struct pollfd pfds[G_N_ELEMENTS (uploads)];
      guint n = 0;
      Upload *which[G_N_ELEMENTS (uploads)];

      for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
        {
          Upload *u = &uploads[i];

          if (u->finished)
            continue;
          pfds[n] = (struct pollfd) {
            .fd = u->fd,
            .events = POLLIN | (!u->cut && u->sent < u->header_len + BODY_SIZE ? POLLOUT : 0),
          };
          which[n++] = u;
        }
      if (n == 0)
        break;
      if (poll (pfds, n, 20) > 0)
        for (guint j = 0; j < n; j++)
          {
            if (pfds[j].revents & (POLLIN | POLLHUP | POLLERR))
              on_readable (which[j], start);
            if (!which[j]->finished && (pfds[j].revents & POLLOUT))
              on_writable (which[j]);
          }
      rel_sampler_poll (sampler);
    }

  peak = rel_sampler_max_kib (sampler);
  if (hwm)
    peak = MAX (peak, rel_proc_kib (pid, "VmHWM"));
  rel_set_int ("body_bytes", BODY_SIZE);
  rel_set_int ("requests", G_N_ELEMENTS (uploads));
  rel_set_int ("peak_growth_kib", peak - baseline);
  rel_set_bool ("hwm_reset", hwm);
  g_print ("   peak RSS growth %.1f MiB for %d x %d MiB bodies\n", (peak - baseline) / 1024.0,
           (int) G_N_ELEMENTS (uploads), BODY_SIZE / 1048576);
  for (guint i = 0; i < G_N_ELEMENTS (uploads); i++)
    {
      Upload *u = &uploads[i];
      g_autofree char *k_status = g_strdup_printf ("request%u_status", i);
      g_autofree char *k_name = g_strdup_printf ("request%u_name", i);
      g_autofree char *k_body = g_strdup_printf ("request%u_body_sent_at_answer", i);
      g_autofree char *k_after = g_strdup_printf ("request%u_answered_after_s", i);
      g_autofree char *k_cut = g_strdup_printf ("request%u_cut", i);

      rel_set_string (k_name, u->name);
      rel_set_int (k_status, u->status);
      rel_set_bool (k_cut, u->cut);
      if (u->status != 0)
        {
          rel_set_int (k_body, (gint64) u->body_at_answer);
          rel_set_double (k_after, u->answered_after);
          g_print ("   %-18s %u after %.2f s, with %.1f of %d MiB of the body sent%s\n", u->name, u->status,
                   u->answered_after, u->body_at_answer / 1048576.0, BODY_SIZE / 1048576,
                   u->cut ? " (then cut off)" : "");
        }
      else
        g_print ("   %-18s no answer; %.1f MiB of the body sent%s\n", u->name, body_sent (u) / 1048576.0,
                 u->cut ? ", cut off by the server" : "");
      close (u->fd);
      g_free (u->header);
    }
  return rel_finish ();
}
