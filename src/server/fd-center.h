#pragma once

/* FdCenter: the live contact center of frontdeskd (docs/architecture.md).
 *
 * It owns the routing engine, carries out its decisions (store, event log,
 * sockets), keeps the registry of connected agent and visitor sockets and
 * serves the agent and visitor APIs of docs/protocol.md. */

#include <libsoup/soup.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_CENTER (fd_center_get_type ())
G_DECLARE_FINAL_TYPE (FdCenter, fd_center, FD, CENTER, GObject)

/* Errors of the live center: the code is the FdWireError to answer with. */
#define FD_CENTER_ERROR (fd_center_error_quark ())
GQuark    fd_center_error_quark          (void);

/* Loads routing from @store (which must outlive the center): organizations,
 * streams and phases, queue members, who is joined, open conversations. */
FdCenter *fd_center_new                  (FdStore     *store,
                                          GError     **error);
/* Adds the agent and visitor APIs (HTTP and websockets) to @server. */
void      fd_center_attach               (FdCenter    *self,
                                          SoupServer  *server);
/* Re-reads an organization's routing configuration (reserve setting, queue
 * members, streams and phases) after the admin API changed it. Streams whose
 * phases did not change keep their conversations' routing as it is. */
gboolean  fd_center_reload_organization  (FdCenter    *self,
                                          gint64       organization_id,
                                          GError     **error);
/* Closes every socket of an agent with 4401 and @reason, a sentence the
 * app shows: its sessions were revoked, its password changed, or it is
 * gone. */
void      fd_center_close_agent_sockets  (FdCenter    *self,
                                          gint64       organization_id,
                                          gint64       agent_id,
                                          const char  *reason);

G_END_DECLS
