#pragma once

/* The visitor side (docs/protocol.md, "Visitor HTTP API" and "Visitor
 * websocket"): chat sessions and callback requests over HTTP, and the
 * visitor websocket whose token (in the query) is checked before the
 * upgrade. */

#include <libsoup/soup.h>

#include "fd-center.h"
#include "fd-cors.h"
#include "fd-user-agent.h"

G_BEGIN_DECLS

#define FD_VISITOR_API_PREFIX    "/api/visitor/v1"
#define FD_VISITOR_API_SESSIONS  FD_VISITOR_API_PREFIX "/sessions"
#define FD_VISITOR_API_CALLBACKS FD_VISITOR_API_PREFIX "/callbacks"
#define FD_VISITOR_API_SOCKET    FD_VISITOR_API_PREFIX "/socket"

/* The environment variable that overrides the visitor limits, for example
 * "create=10/5,message=60/50,typing=60/20,sockets=20": PER_MINUTE/BURST for
 * the token buckets, a count for sockets; names left out keep their
 * default (docs/widget.md, "What the server must enforce"). */
#define FD_VISITOR_LIMITS_ENV "FRONTDESKD_VISITOR_LIMITS"

typedef struct _FdVisitorApi FdVisitorApi;

#define FD_VISITOR_API_ERROR (fd_visitor_api_error_quark ())

typedef enum {
  FD_VISITOR_API_ERROR_BAD_LIMITS,   /* FD_VISITOR_LIMITS_ENV does not parse */
} FdVisitorApiError;

GQuark fd_visitor_api_error_quark (void);

typedef struct {
  guint create_per_minute;    /* sessions + callbacks per client address */
  guint create_burst;
  guint message_per_minute;   /* send-message per conversation */
  guint message_burst;
  guint typing_per_minute;    /* typing per conversation (dropped when over) */
  guint typing_burst;
  guint sockets_per_address;  /* open visitor websockets per client address */
} FdVisitorLimits;

/* The documented defaults. */
void     fd_visitor_limits_init_defaults (FdVisitorLimits  *limits);
/* Applies @text (the FD_VISITOR_LIMITS_ENV syntax) over @limits; on a
 * typed FD_VISITOR_API_ERROR error @limits is left unchanged. */
gboolean fd_visitor_limits_parse         (const char       *text,
                                          FdVisitorLimits  *limits,
                                          GError          **error);
/* Replaces the limits; every bucket starts full again. */
void     fd_visitor_api_set_limits       (FdVisitorApi          *self,
                                          const FdVisitorLimits *limits);

/* Keeps the registry of visitor sockets and subscribes it to @center,
 * which must outlive the API. The limits come from FD_VISITOR_LIMITS_ENV
 * or the defaults. */
FdVisitorApi *fd_visitor_api_new      (FdCenter     *center);
void          fd_visitor_api_attach   (FdVisitorApi *self,
                                       SoupServer   *server);
/* Frees the sockets still open and unsubscribes from the center. */
void          fd_visitor_api_free     (FdVisitorApi *self);

G_END_DECLS
