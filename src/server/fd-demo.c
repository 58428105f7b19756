#define G_LOG_DOMAIN "fd-demo"

#include "fd-demo.h"

#include "fd-cors.h"

#include <gio/gio.h>
#include <string.h>

/* Adds http://HOST:PORT, with an IPv6 host in brackets. */
static void
add_http_origin (GStrvBuilder *builder,
                 const char   *host,
                 guint16       port)
{
  g_autofree char *origin = g_strdup_printf (strchr (host, ':') != NULL ? "http://[%s]:%u" : "http://%s:%u",
                                             host, port);

  g_strv_builder_add (builder, origin);
}

GStrv
fd_demo_listen_origins (const char *host,
                        guint16     port)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  address = g_inet_address_new_from_string (host);
  if (address != NULL && g_inet_address_get_is_any (address))
    {
      /* Listening everywhere: the newcomer opens it on this machine. */
      add_http_origin (builder, "127.0.0.1", port);
      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
        add_http_origin (builder, "::1", port);
      add_http_origin (builder, "localhost", port);
    }
  else
    {
      add_http_origin (builder, host, port);
      if (address != NULL && g_inet_address_get_is_loopback (address))
        add_http_origin (builder, "localhost", port);
    }
  return g_strv_builder_end (builder);
}

/* Whether @origin is one a listening address gives: http with a loopback
 * host, localhost, the any-address or @host, on any port. */
static gboolean
is_listening_origin (const char *origin,
                     const char *host)
{
  g_autoptr(GUri) uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *origin_host;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  origin_host = g_uri_get_host (uri);
  if (origin_host == NULL || origin_host[0] == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (origin_host, "localhost") == 0 || g_ascii_strcasecmp (origin_host, host) == 0)
    return TRUE;
  address = g_inet_address_new_from_string (origin_host);
  return address != NULL && (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_any (address));
}

/* Appends @origin to @list unless an equal origin is there. */
static void
add_origin (GPtrArray  *list,
            const char *origin)
{
  g_autofree char *wanted = fd_cors_normalize_origin (origin);

  for (guint i = 0; i < list->len; i++)
    {
      g_autofree char *have = fd_cors_normalize_origin (list->pdata[i]);

      if ((wanted != NULL && g_strcmp0 (have, wanted) == 0) || g_strcmp0 (list->pdata[i], origin) == 0)
        return;
    }
  g_ptr_array_add (list, g_strdup (origin));
}

GStrv
fd_demo_follow_origins (const char * const *current,
                        const char * const *site_origins,
                        const char         *host,
                        guint16             port)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) listening = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  if (current == NULL || current[0] == NULL)
    return NULL;
  for (guint i = 0; current[i] != NULL; i++)
    if (!is_listening_origin (current[i], host))
      add_origin (list, current[i]);
  for (guint i = 0; site_origins != NULL && site_origins[i] != NULL; i++)
    if (is_listening_origin (site_origins[i], host))
      add_origin (list, site_origins[i]);
  listening = fd_demo_listen_origins (host, port);
  for (guint i = 0; listening[i] != NULL; i++)
    add_origin (list, listening[i]);
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

/* Whether @a and @b hold the same origins, in any order. */
static gboolean
same_origins (const char * const *a,
              const char * const *b)
{
  guint n_a = a != NULL ? g_strv_length ((GStrv) a) : 0;
  guint n_b = b != NULL ? g_strv_length ((GStrv) b) : 0;

  if (n_a != n_b)
    return FALSE;
  for (guint i = 0; i < n_a; i++)
    if (!g_strv_contains (b, a[i]))
      return FALSE;
  return TRUE;
}

/* The "allowed_origins" of a stream entry of the demo site, as a vector. */
static GStrv
site_stream_origins (JsonObject *entry)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (entry, "allowed_origins");

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }
  return g_strv_builder_end (builder);
}

typedef struct {
  FdStore    *store;
  JsonNode   *site;
  const char *host;
  guint16     port;
} Follow;

/* Updates one stream of the demo site, if it is the demo's; runs inside the
 * center's transaction. */
static gboolean
follow_stream (Follow      *follow,
               const char  *org_name,
               JsonObject  *entry,
               gint64      *out_organization_id,
               GError     **error)
{
  g_autoptr(FdStream) stream = NULL;
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) site_origins = NULL;
  g_auto(GStrv) origins = NULL;
  const char *kind = json_object_get_string_member_with_default (entry, "kind", "");
  const char *key = json_object_get_string_member_with_default (entry, "key", "");

  if ((g_strcmp0 (kind, "webchat") != 0 && g_strcmp0 (kind, "callback") != 0) || key[0] == '\0')
    return TRUE;

  stream = fd_store_get_stream_by_key (follow->store, key, &local_error);
  if (stream == NULL && g_error_matches (local_error, FD_STORE_ERROR, FD_STORE_ERROR_NOT_FOUND))
    return TRUE;
  if (stream == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  org = fd_store_get_organization (follow->store, stream->organization_id, error);
  if (org == NULL)
    return FALSE;
  /* A business's stream that happens to have the key is not the demo's. */
  if (g_strcmp0 (org->name, org_name) != 0)
    return TRUE;

  site_origins = site_stream_origins (entry);
  origins = fd_demo_follow_origins ((const char * const *) stream->allowed_origins,
                                    (const char * const *) site_origins, follow->host, follow->port);
  if (origins == NULL ||
      same_origins ((const char * const *) origins, (const char * const *) stream->allowed_origins))
    return TRUE;

  g_strfreev (stream->allowed_origins);
  stream->allowed_origins = g_steal_pointer (&origins);
  if (!fd_store_update_stream (follow->store, stream, error))
    return FALSE;
  *out_organization_id = stream->organization_id;
  return TRUE;
}

static gboolean
write_follow (gpointer   user_data,
              gint64    *out_organization_id,
              GError   **error)
{
  Follow *follow = user_data;
  JsonObject *root;
  JsonObject *organization;
  JsonArray *streams;
  JsonNode *node;
  const char *org_name;

  if (!JSON_NODE_HOLDS_OBJECT (follow->site))
    return TRUE;
  root = json_node_get_object (follow->site);
  node = json_object_get_member (root, "organization");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  organization = json_node_get_object (node);
  node = json_object_get_member (root, "streams");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return TRUE;
  streams = json_node_get_array (node);
  org_name = json_object_get_string_member_with_default (organization, "name", NULL);
  if (org_name == NULL)
    return TRUE;

  for (guint i = 0; i < json_array_get_length (streams); i++)
    {
      node = json_array_get_element (streams, i);
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          !follow_stream (follow, org_name, json_node_get_object (node), out_organization_id, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fd_demo_follow_address (FdCenter    *center,
                        FdStore     *store,
                        JsonNode    *site,
                        const char  *host,
                        guint16      port,
                        GError     **error)
{
  Follow follow = { store, site, host, port };

  g_return_val_if_fail (FD_IS_CENTER (center), FALSE);
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (site != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  return fd_center_change_config (center, write_follow, &follow, error);
}
