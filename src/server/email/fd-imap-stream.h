/* fd-imap-stream.h: a libetpan mailstream over a GIO stream.
 *
 * libetpan speaks IMAP; GIO carries the bytes. That gives the IMAP session
 * GIO's TLS (glib-networking: certificate and host name checked against
 * the system's trust store), a GCancellable that interrupts any network
 * wait, and the socket's timeout on every read and write. */
#pragma once

#include <gio/gio.h>
#include <libetpan/libetpan.h>

G_BEGIN_DECLS

typedef struct _FdImapStream FdImapStream;

/* The mailstream owns the returned FdImapStream (freed with it). */
mailstream   *fd_imap_stream_new        (GSocketConnection *connection,
                                         GCancellable      *cancellable,
                                         FdImapStream     **out_stream);
/* Runs a TLS handshake over the current stream and carries on over TLS. */
gboolean      fd_imap_stream_start_tls  (FdImapStream      *stream,
                                         GSocketConnectable *identity,
                                         GTlsDatabase      *database,
                                         GError           **error);
/* The error of the last failed read or write, if any (owned by stream). */
const GError *fd_imap_stream_last_error (FdImapStream      *stream);
/* TRUE when a read would not block (bytes buffered by TLS or the socket). */
gboolean      fd_imap_stream_is_readable (FdImapStream     *stream);
GSocket      *fd_imap_stream_get_socket (FdImapStream      *stream);

G_END_DECLS
