#pragma once

/* CORS of the visitor HTTP API and the origins a stream allows
 * (docs/architecture.md, "Decisions"; docs/widget.md). */

#include <libsoup/soup.h>

#include "fd-types.h"

G_BEGIN_DECLS

/* Whether a request with @origin (the Origin header, NULL when there was
 * none) may use @stream: yes without Origin or when the stream lists no
 * origins, else when scheme, host and port equal one of
 * stream->allowed_origins (host case and default ports do not matter). Used
 * by the visitor API and the widget's stream info. */
gboolean    fd_visitor_origin_allowed (const FdStream    *stream,
                                       const char        *origin);

/* @origin as "scheme://host:port" with the scheme and host lower-cased,
 * IPv6 hosts in brackets and the default port filled in; NULL when it is
 * not an absolute http(s) URL. Two origins are the same when these are. */
char       *fd_cors_normalize_origin  (const char        *origin);
/* The Origin header of a request, or NULL. */
const char *fd_cors_request_origin    (SoupServerMessage *msg);
/* Lets the request's origin read the answer: any origin when @stream is
 * NULL, else only one the stream allows. */
void        fd_cors_allow_origin      (SoupServerMessage *msg,
                                       const FdStream    *stream);
/* Answers a CORS preflight (OPTIONS) of the visitor HTTP API. */
void        fd_cors_answer_preflight  (SoupServerMessage *msg);

G_END_DECLS
