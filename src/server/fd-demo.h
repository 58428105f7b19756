#pragma once

/* The demo site's allowed origins follow the address frontdeskd listens on
 * (docs/admin.md, "--demo"; docs/widget.md, "/demo"). */

#include <json-glib/json-glib.h>

#include "fd-center.h"
#include "fd-store.h"

G_BEGIN_DECLS

/* The origins a browser gives pages of a server listening on @host (an IP
 * address as text, as the listener reports it) and @port: for a loopback
 * address its own form and http://localhost:PORT; for the any-address
 * (0.0.0.0, ::) the loopback forms; else http://HOST:PORT. */
GStrv     fd_demo_listen_origins  (const char          *host,
                                   guint16              port);

/* The allowed origins a demo stream gets when the server listens on @host
 * and @port: @current without its "listening" origins (http with a
 * loopback host, localhost, the any-address or @host, whatever the port),
 * then the listening origins the demo site file lists for the stream
 * (@site_origins, e.g. http://127.0.0.1:8080), then those of @host and
 * @port; no duplicates. NULL when @current is empty: an empty list allows
 * any origin and stays so. */
GStrv     fd_demo_follow_origins  (const char * const  *current,
                                   const char * const  *site_origins,
                                   const char          *host,
                                   guint16              port);

/* Through the center (the one writer of configuration), gives the web chat
 * and callback streams of the demo organization the origins of
 * fd_demo_follow_origins(). @site is the parsed demo site file: a stream is
 * the demo's when its key is one the file names and its organization has
 * the file's organization name; any other stream is never touched. Nothing
 * is written when the origins are already right. */
gboolean  fd_demo_follow_address  (FdCenter            *center,
                                   FdStore             *store,
                                   JsonNode            *site,
                                   const char          *host,
                                   guint16              port,
                                   GError             **error);

G_END_DECLS
