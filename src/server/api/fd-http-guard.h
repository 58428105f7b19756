#pragma once

/* FdHttpGuard: the checks every HTTP request passes before its body is read
 * (docs/admin.md, "Request bodies"). One table names, for each address, the
 * largest body it takes and the credential it needs; a request whose
 * Content-Length is over the limit, that sends a body without one, or that
 * needs a token it does not carry, is answered at once and its body is
 * never kept. Handlers later read what the guard let through. */

#include <libsoup/soup.h>

#include "fd-api-http.h"
#include "fd-store.h"

G_BEGIN_DECLS

typedef enum {
  FD_HTTP_AUTH_NONE,
  FD_HTTP_AUTH_AGENT,     /* Authorization: Bearer <agent token> */
  FD_HTTP_AUTH_ADMIN,     /* Authorization: Bearer <admin token> */
} FdHttpAuth;

/* One row of the table. */
typedef struct {
  const char       *method;     /* NULL: any method */
  const char       *path;       /* exact, or a prefix when it ends in "/" */
  goffset           max_body;   /* bytes; 0 = no body */
  FdHttpAuth        auth;       /* checked before a body is read */
  FdHttpErrorShape  errors;
} FdHttpRoute;

typedef struct _FdHttpGuard FdHttpGuard;

/* @store must outlive the guard. */
FdHttpGuard       *fd_http_guard_new          (FdStore            *store);
void               fd_http_guard_free         (FdHttpGuard        *self);
/* Runs the checks on every request @server starts. */
void               fd_http_guard_attach       (FdHttpGuard        *self,
                                               SoupServer         *server);

/* Checks @msg once (later calls return the first answer): TRUE when its
 * body may be read, FALSE when it was refused and answered. Handlers that
 * start reading a body themselves before "got-body" (uploads) call it
 * first. */
gboolean           fd_http_guard_check        (FdHttpGuard        *self,
                                               SoupServerMessage  *msg);

/* The row that applies to @method and @path (never NULL: the last row
 * takes every other address). */
const FdHttpRoute *fd_http_guard_route        (const char         *method,
                                               const char         *path);
/* The whole table, for documentation and tests; ends with the catch-all. */
const FdHttpRoute *fd_http_guard_get_routes   (guint              *n_routes);

G_END_DECLS
