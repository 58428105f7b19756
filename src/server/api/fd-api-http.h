#pragma once

/* What every HTTP API of frontdeskd shares (docs/architecture.md, "Where to
 * find X"): the error bodies of docs/protocol.md and docs/admin.md, the one
 * mapping of server errors to wire codes, reading a JSON body, the bearer
 * token, and the request id of a websocket frame that did not decode. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-codec.h"
#include "fd-error.h"
#include "fd-frame.h"
#include "fd-ws-budget.h"

G_BEGIN_DECLS

/* What libsoup itself accepts on a websocket: frames up to this size reach
 * the sockets, which close anything over FD_LIMIT_FRAME_SIZE with 1009 in a
 * proper close handshake; beyond it libsoup drops the connection. */
#define FD_API_WEBSOCKET_MAX_PAYLOAD (4 * FD_LIMIT_FRAME_SIZE)

/* The two shapes of an error body. */
typedef enum {
  FD_HTTP_ERRORS_FLAT,    /* {"code", "message"} (docs/protocol.md) */
  FD_HTTP_ERRORS_ADMIN,   /* {"error": {"code", "message"}} (docs/admin.md) */
} FdHttpErrorShape;

/* The wire code for an error of any domain the server meets: the live
 * center's (its code is the wire code), the store's, authentication's,
 * site import's and the codec's (fd_wire_error_from_gerror()). */
FdWireError fd_api_wire_error_for      (const GError      *error);

/* The text of an error body of @shape with only "code" and "message" (the
 * early refusals of fd-http-guard.c). */
char       *fd_api_error_text          (FdHttpErrorShape   shape,
                                        FdWireError        code,
                                        const char        *message);
/* "WWW-Authenticate" of a 401 answer of @shape (its realm). */
void        fd_api_set_challenge       (SoupServerMessage *msg,
                                        FdHttpErrorShape   shape);

/* Answers with a JSON body (@node is taken). */
void        fd_api_respond_json        (SoupServerMessage *msg,
                                        guint              status,
                                        JsonNode          *node);
/* Answers with a flat error body {"code", "message", "retry_after"} and
 * the code's HTTP status (and Retry-After when rate limited). */
void        fd_api_respond_error       (SoupServerMessage *msg,
                                        FdWireError        code,
                                        const char        *message,
                                        gint               retry_after);
/* A flat error body for @error; an internal failure is logged and
 * answered with a sentence that gives nothing away. */
void        fd_api_respond_gerror      (SoupServerMessage *msg,
                                        const GError      *error);
/* The same with the admin API's shape {"error": {"code", "message"}}. */
void        fd_api_respond_admin_error (SoupServerMessage *msg,
                                        FdWireError        code,
                                        const char        *message);
void        fd_api_respond_admin_gerror (SoupServerMessage *msg,
                                        const GError      *error);

/* Parses the request body as a JSON object within the client frame limit. */
JsonNode   *fd_api_read_body           (SoupServerMessage *msg,
                                        GError           **error);
/* Parses a non-empty request body as any JSON value of at most @max_size
 * bytes. */
JsonNode   *fd_api_read_json           (SoupServerMessage *msg,
                                        gsize              max_size,
                                        GError           **error);
/* Checks that @node (taken) is a JSON object; NULL with a malformed error
 * otherwise. */
JsonNode   *fd_api_require_object      (JsonNode          *node,
                                        GError           **error);
/* The bearer token of the Authorization header, or NULL. */
char       *fd_api_dup_bearer          (SoupServerMessage *msg);
/* Sends @frame (taken) on a websocket through its output budget. */
void        fd_api_socket_send         (FdWsBudget        *budget,
                                        FdFrame           *frame);
/* The error frame (@error_type) answering request @id with @error; an
 * internal failure is logged as a failed @what and told as
 * @internal_message, which gives nothing away. */
FdFrame    *fd_api_error_frame         (FdFrameType        error_type,
                                        const char        *id,
                                        const GError      *error,
                                        const char        *what,
                                        const char        *internal_message);

/* One path an API serves, with an HTTP handler or a websocket handler. */
typedef struct {
  const char                  *path;
  SoupServerCallback           http;
  SoupServerWebsocketCallback  socket;
} FdApiRoute;

/* A signal of the SoupServer an API follows ("request-read", …). */
typedef struct {
  const char *name;
  GCallback   callback;
} FdApiSignal;

#define FD_API_MAX_SIGNALS 3

/* Where an API is attached: its routes and signals on one SoupServer, all
 * taken off again by fd_api_unmount(). */
typedef struct {
  SoupServer       *server;
  const FdApiRoute *routes;
  guint             n_routes;
  gulong            signal_ids[FD_API_MAX_SIGNALS];
} FdApiMount;

/* Adds @routes (static) and connects @signals on @server, each with
 * @user_data; the mount holds a reference to @server. */
void        fd_api_mount               (FdApiMount        *mount,
                                        SoupServer        *server,
                                        const FdApiRoute  *routes,
                                        guint              n_routes,
                                        const FdApiSignal *signals,
                                        guint              n_signals,
                                        gpointer           user_data);
/* Removes what fd_api_mount() added; does nothing when not mounted. */
void        fd_api_unmount             (FdApiMount        *mount);

/* The "id" of a frame that did not decode, when it can be read; else NULL. */
char       *fd_api_peek_frame_id       (const char        *data,
                                        gsize              len);

G_END_DECLS
