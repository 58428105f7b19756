/* The anchors and helpers of the email benchmarks (bench-anchors.h). */
#include "bench-anchors.h"

#include <stdlib.h>

char *
bench_make_mail (guint n)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: Customer %u <c%u@example.test>\r\n"
                          "To: support@example.test\r\nSubject: Question %u\r\n"
                          "Message-ID: <bench%u@example.test>\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n\r\n", n, n, n, n);
  /* About 2 KiB, a typical short customer mail. */
  for (guint i = 0; i < 30; i++)
    g_string_append (s, "Hello, I have a question about my order and its delivery.\r\n");
  return g_string_free (s, FALSE);
}

static int
compare_double (const void *a,
                const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

double
bench_median (double *values,
              guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double
bench_max (const double *values,
           guint         n)
{
  double worst = 0;

  for (guint i = 0; i < n; i++)
    worst = MAX (worst, values[i]);
  return worst;
}

double
bench_read_maildir_s (const char *maildir)
{
  const char *subs[] = { "new", "cur" };
  gint64 start = g_get_monotonic_time ();
  guint64 bytes = 0;

  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *path = g_build_filename (maildir, subs[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *data = NULL;
          gsize len = 0;

          if (g_file_get_contents (file, &data, &len, NULL))
            bytes += len;
        }
    }
  if (bytes == 0)
    g_error ("nothing read from %s", maildir);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The other end of the echo: one byte back for each byte. */
static gpointer
echo_thread (gpointer data)
{
  GSocketListener *listener = data;
  g_autoptr(GSocketConnection) c = g_socket_listener_accept (listener, NULL, NULL, NULL);
  char byte;

  while (c != NULL
         && g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (c)), &byte, 1, NULL, NULL) == 1)
    g_output_stream_write (g_io_stream_get_output_stream (G_IO_STREAM (c)), &byte, 1, NULL, NULL);
  return NULL;
}

double
bench_echo_rtt_ms (guint rounds)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) c = NULL;
  g_autofree double *times = g_new (double, rounds);
  GThread *thread;
  guint16 port;
  char byte = 'x';

  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  thread = g_thread_new ("echo", echo_thread, listener);
  c = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  g_assert_nonnull (c);
  for (guint i = 0; i < rounds; i++)
    {
      gint64 start = g_get_monotonic_time ();

      g_output_stream_write (g_io_stream_get_output_stream (G_IO_STREAM (c)), &byte, 1, NULL, NULL);
      g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (c)), &byte, 1, NULL, NULL);
      times[i] = (g_get_monotonic_time () - start) / 1e3;
    }
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_thread_join (thread);
  return bench_median (times, rounds);
}
