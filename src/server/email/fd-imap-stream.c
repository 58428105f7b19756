/* fd-imap-stream.c: a libetpan mailstream_low driver over GIO streams. */
#define G_LOG_DOMAIN "fd-imap"

#include "fd-imap-stream.h"

struct _FdImapStream {
  GSocketConnection *connection;
  GIOStream *io;               /* the connection, or a TLS connection over it */
  GCancellable *cancellable;
  GError *last_error;
};

static void
remember_error (FdImapStream *self,
                GError       *error)
{
  g_clear_error (&self->last_error);
  self->last_error = error;
}

static ssize_t
stream_read (mailstream_low *low,
             void           *buf,
             size_t          count)
{
  FdImapStream *self = low->data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read (g_io_stream_get_input_stream (self->io),
                           buf, count, self->cancellable, &error);
  if (n < 0)
    {
      remember_error (self, error);
      return -1;
    }
  if (n == 0)
    remember_error (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                               "The server closed the connection"));
  return n;
}

static ssize_t
stream_write (mailstream_low *low,
              const void     *buf,
              size_t          count)
{
  FdImapStream *self = low->data;
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (self->io),
                                  buf, count, &written, self->cancellable, &error))
    {
      remember_error (self, error);
      return -1;
    }
  return (ssize_t) written;
}

static int
stream_close (mailstream_low *low)
{
  FdImapStream *self = low->data;

  /* Closing must not wait on a peer that is gone: no cancellable wait,
   * the socket is closed underneath whatever TLS would still send. */
  if (self->io != G_IO_STREAM (self->connection))
    g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (self->io), FALSE);
  g_socket_close (g_socket_connection_get_socket (self->connection), NULL);
  return 0;
}

static int
stream_get_fd (mailstream_low *low)
{
  FdImapStream *self = low->data;

  return g_socket_get_fd (g_socket_connection_get_socket (self->connection));
}

static void
stream_free (mailstream_low *low)
{
  FdImapStream *self = low->data;

  if (self->io != G_IO_STREAM (self->connection))
    g_object_unref (self->io);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->last_error);
  g_free (self);
  free (low);
}

static void
stream_cancel (mailstream_low *low)
{
  FdImapStream *self = low->data;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static mailstream_low_driver fd_imap_stream_driver = {
  .mailstream_read = stream_read,
  .mailstream_write = stream_write,
  .mailstream_close = stream_close,
  .mailstream_get_fd = stream_get_fd,
  .mailstream_free = stream_free,
  .mailstream_cancel = stream_cancel,
};

mailstream *
fd_imap_stream_new (GSocketConnection *connection,
                    GCancellable      *cancellable,
                    FdImapStream     **out_stream)
{
  FdImapStream *self;
  mailstream_low *low;
  mailstream *stream;

  g_return_val_if_fail (G_IS_SOCKET_CONNECTION (connection), NULL);

  self = g_new0 (FdImapStream, 1);
  self->connection = g_object_ref (connection);
  self->io = G_IO_STREAM (connection);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  low = mailstream_low_new (self, &fd_imap_stream_driver);
  if (low == NULL)
    g_error ("out of memory");
  stream = mailstream_new (low, 8192);
  if (stream == NULL)
    g_error ("out of memory");
  *out_stream = self;
  return stream;
}

gboolean
fd_imap_stream_start_tls (FdImapStream       *self,
                          GSocketConnectable *identity,
                          GTlsDatabase       *database,
                          GError            **error)
{
  g_autoptr(GIOStream) tls = NULL;

  g_return_val_if_fail (self->io == G_IO_STREAM (self->connection), FALSE);

  tls = g_tls_client_connection_new (G_IO_STREAM (self->connection), identity, error);
  if (tls == NULL)
    return FALSE;
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), self->cancellable, error))
    return FALSE;
  self->io = g_steal_pointer (&tls);
  return TRUE;
}

const GError *
fd_imap_stream_last_error (FdImapStream *self)
{
  return self->last_error;
}

gboolean
fd_imap_stream_is_readable (FdImapStream *self)
{
  GInputStream *in = g_io_stream_get_input_stream (self->io);

  return G_IS_POLLABLE_INPUT_STREAM (in)
         && g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (in));
}

GSocket *
fd_imap_stream_get_socket (FdImapStream *self)
{
  return g_socket_connection_get_socket (self->connection);
}
