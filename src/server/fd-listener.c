#define G_LOG_DOMAIN "fd-listener"

#include "fd-listener.h"

#include <string.h>

/* First step: the API the HTTP guards and websocket handlers call. The
 * accept loop itself follows in the next commit. */

GSocket *
fd_listener_get_message_socket (SoupServerMessage *msg)
{
  return NULL;
}

GSocket *
fd_listener_get_websocket_socket (SoupWebsocketConnection *conn)
{
  return NULL;
}

void
fd_listener_reject_now (SoupServerMessage *msg,
                        guint              status,
                        const char        *content_type,
                        const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

void
fd_listener_websocket_started (SoupWebsocketConnection *conn,
                               gboolean                 authenticated)
{
}
