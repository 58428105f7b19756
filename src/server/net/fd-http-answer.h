#pragma once

/* An HTTP answer's body read up to a bound (docs/architecture.md, "where
 * to find X"): what every outgoing request of the server does between
 * sending and reading the answer, whatever the service. The caller keeps
 * the SoupMessage for the status and the headers. */

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FD_HTTP_ANSWER_ERROR (fd_http_answer_error_quark ())
GQuark fd_http_answer_error_quark (void);

typedef enum {
  /* The answer is larger than the bound (by its Content-Length, or once
   * read that far); the rest is left unread and the connection dropped. */
  FD_HTTP_ANSWER_ERROR_TOO_LARGE,
} FdHttpAnswerError;

/* Sends @message on @session and reads its answer's body, at most
 * @max_bytes, whatever its status. */
void    fd_http_answer_async  (SoupSession          *session,
                               SoupMessage          *message,
                               gsize                 max_bytes,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data);
/* The body (possibly empty); NULL with FD_HTTP_ANSWER_ERROR_TOO_LARGE, or
 * with the GIO error of sending or reading as it came (G_IO_ERROR_CANCELLED
 * when cancelled). soup_message_get_status() of the message is 0 when the
 * request could not be sent. */
GBytes *fd_http_answer_finish (GAsyncResult         *result,
                               GError              **error);

G_END_DECLS
