#define G_LOG_DOMAIN "fd-server"

#include "fd-config.h"
#include "fd-server.h"

#include <libsoup/soup.h>
#include <string.h>

struct _FdServer
{
  GObject     parent_instance;

  char       *db_path;
  SoupServer *soup;
  guint16     port;
  char       *host;
};

G_DEFINE_FINAL_TYPE (FdServer, fd_server, G_TYPE_OBJECT)

static void
on_healthz_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  static const char body[] = "{\"status\":\"ok\"}";

  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0 &&
      g_strcmp0 (soup_server_message_get_method (msg), "HEAD") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

static void
fd_server_finalize (GObject *object)
{
  FdServer *self = FD_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->host, g_free);

  G_OBJECT_CLASS (fd_server_parent_class)->finalize (object);
}

static void
fd_server_class_init (FdServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fd_server_finalize;
}

static void
fd_server_init (FdServer *self)
{
}

FdServer *
fd_server_new (const char  *db_path,
               GError     **error)
{
  g_autoptr(FdServer) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (FD_TYPE_SERVER, NULL);
  self->db_path = g_strdup (db_path);
  self->soup = soup_server_new ("server-header", "frontdeskd/" PACKAGE_VERSION, NULL);
  soup_server_add_handler (self->soup, "/healthz", on_healthz_cb, self, NULL);

  return g_steal_pointer (&self);
}

/* @address is "HOST:PORT"; port 0 picks a free port (see fd_server_get_port()). */
gboolean
fd_server_listen (FdServer    *self,
                  const char  *address,
                  GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;
  g_autoptr(GSocketAddress) sockaddr = NULL;
  g_autoptr(GSList) listeners = NULL;

  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  connectable = g_network_address_parse (address, 0, error);
  if (connectable == NULL)
    return FALSE;

  enumerator = g_socket_connectable_enumerate (connectable);
  sockaddr = g_socket_address_enumerator_next (enumerator, NULL, error);
  if (sockaddr == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "“%s” does not name a local address", address);
      return FALSE;
    }

  if (!soup_server_listen (self->soup, sockaddr, 0, error))
    return FALSE;

  /* Read the bound port from the socket itself: with port 0 the kernel chose. */
  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        {
          GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (local);

          self->port = g_inet_socket_address_get_port (inet);
          g_free (self->host);
          self->host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
        }
    }

  return TRUE;
}

guint16
fd_server_get_port (FdServer *self)
{
  g_return_val_if_fail (FD_IS_SERVER (self), 0);
  return self->port;
}

char *
fd_server_dup_url (FdServer *self)
{
  g_return_val_if_fail (FD_IS_SERVER (self), NULL);

  if (self->host != NULL && strchr (self->host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u", self->host, self->port);
  return g_strdup_printf ("http://%s:%u", self->host ? self->host : "127.0.0.1", self->port);
}
