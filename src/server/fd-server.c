#define G_LOG_DOMAIN "fd-server"

#include "fd-config.h"
#include "fd-server.h"

#include "fd-admin-api.h"
#include "fd-agent-api.h"
#include "fd-auth.h"
#include "fd-center.h"
#include "fd-demo.h"
#include "fd-email.h"
#include "fd-twitter.h"
#include "fd-files-api.h"
#include "fd-listener.h"
#include "fd-http-guard.h"
#include "fd-site.h"
#include "fd-store.h"
#include "fd-visitor-api.h"
#include "fd-widget-api.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#define DEMO_SITE_FILE "demo-site.json"

struct _FdServer
{
  GObject     parent_instance;

  char       *db_path;
  char       *admin_token_path;
  gboolean    admin_token_created;
  FdStore    *store;
  FdCenter   *center;
  FdAgentApi *agent_api;
  FdVisitorApi *visitor_api;
  FdAdminApi *admin_api;
  FdWidgetApi *widget_api;
  FdFilesApi *files_api;
  FdHttpGuard *http_guard;
  SoupServer *soup;
  FdListener *listener;
  FdListenerLimits limits;
  guint16     port;
  char       *host;
  JsonNode   *demo_site;   /* the parsed demo site, with --demo */
  FdSecretBox *secret_box; /* stream passwords at rest (docs/email.md) */
  FdEmail    *email;       /* IMAP workers and the outbox, once started */
  FdAuthorize *authorize;  /* the stream authorization flow, once started */
  FdCrm      *crm;         /* the CRM connections (docs/crm.md), once started */
  FdTwitter  *twitter;     /* the X pollers and outbox (docs/twitter.md), once started */
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

/* The admin token is shown only through a file beside the database, readable
 * by the server's user alone: it is never printed or logged. A missing file,
 * or one whose token the database does not know, gets a new token. */
static gboolean
ensure_admin_token (FdServer  *self,
                    GError   **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *token = NULL;
  g_autofree char *text = NULL;

  if (g_file_get_contents (self->admin_token_path, &contents, NULL, NULL))
    {
      g_strstrip (contents);
      if (fd_auth_check_admin_token (self->store, contents, NULL))
        return TRUE;
    }

  token = fd_auth_create_admin_token (self->store, "frontdeskd admin token file", error);
  if (token == NULL)
    return FALSE;
  text = g_strconcat (token, "\n", NULL);
  if (!g_file_set_contents_full (self->admin_token_path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, "Cannot write the admin token file: ");
      return FALSE;
    }
  self->admin_token_created = TRUE;
  return TRUE;
}

static void
fd_server_finalize (GObject *object)
{
  FdServer *self = FD_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->listener, fd_listener_free);
  g_clear_object (&self->soup);
  /* The email threads stop before anything they call into goes. */
  g_clear_pointer (&self->email, fd_email_free);
  g_clear_pointer (&self->twitter, fd_twitter_free);
  if (self->admin_api != NULL)
    fd_admin_api_set_authorize (self->admin_api, NULL);
  g_clear_pointer (&self->authorize, fd_authorize_free);
  if (self->admin_api != NULL)
    fd_admin_api_set_crm (self->admin_api, NULL);
  g_clear_pointer (&self->crm, fd_crm_free);
  /* The APIs unsubscribe from the center and free their sockets first. */
  g_clear_pointer (&self->agent_api, fd_agent_api_free);
  g_clear_pointer (&self->visitor_api, fd_visitor_api_free);
  g_clear_object (&self->admin_api);
  g_clear_object (&self->widget_api);
  g_clear_object (&self->files_api);
  /* After the files API, which calls it. */
  g_clear_pointer (&self->http_guard, fd_http_guard_free);
  g_clear_object (&self->center);
  g_clear_pointer (&self->secret_box, fd_secret_box_free);
  g_clear_pointer (&self->store, fd_store_free);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->admin_token_path, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->demo_site, json_node_unref);

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
  fd_listener_limits_init (&self->limits);
}

gboolean
fd_server_set_durability (FdServer           *self,
                          FdStoreDurability   durability,
                          GError            **error)
{
  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);
  return fd_store_set_durability (self->store, durability, error);
}

void
fd_server_set_commit_window (FdServer *self,
                             guint     ms)
{
  g_return_if_fail (FD_IS_SERVER (self));
  fd_center_set_commit_window (self->center, ms);
}

void
fd_server_set_stats_sample_seconds (FdServer *self,
                                    guint     seconds)
{
  g_return_if_fail (FD_IS_SERVER (self));
  fd_center_set_stats_sample_seconds (self->center, seconds);
}

FdServer *
fd_server_new (const char  *db_path,
               GError     **error)
{
  g_autoptr(FdServer) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (FD_TYPE_SERVER, NULL);
  self->db_path = g_strdup (db_path);
  self->admin_token_path = g_strconcat (db_path, FD_SERVER_ADMIN_TOKEN_SUFFIX, NULL);

  if (!fd_auth_init (error))
    return NULL;
  self->store = fd_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;
  if (!ensure_admin_token (self, error))
    return NULL;
  self->secret_box = fd_secret_box_open_key (db_path, error);
  if (self->secret_box == NULL)
    {
      g_prefix_error (error, "Cannot open the key that protects stream passwords: ");
      return NULL;
    }

  self->soup = soup_server_new ("server-header", "frontdeskd/" PACKAGE_VERSION, NULL);
  /* No permessage-deflate: a zlib stream costs every socket hundreds of
   * kilobytes, compression next to secrets invites CRIME-like attacks, and
   * the output budgets count the bytes on the wire (fd-ws-budget.h). */
  soup_server_remove_websocket_extension (self->soup, SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_handler (self->soup, "/healthz", on_healthz_cb, self, NULL);
  self->http_guard = fd_http_guard_new (self->store);
  fd_http_guard_attach (self->http_guard, self->soup);
  /* The center first: every API serves through it. */
  self->center = fd_center_new (self->store, error);
  if (self->center == NULL)
    return NULL;
  self->agent_api = fd_agent_api_new (self->center);
  fd_agent_api_attach (self->agent_api, self->soup);
  self->visitor_api = fd_visitor_api_new (self->center);
  fd_visitor_api_attach (self->visitor_api, self->soup);
  self->admin_api = fd_admin_api_new (self->center);
  fd_admin_api_set_secret_box (self->admin_api, self->secret_box);
  fd_admin_api_attach (self->admin_api, self->soup);
  self->widget_api = fd_widget_api_new (self->store, self->center);
  fd_widget_api_attach (self->widget_api, self->soup);
  self->files_api = fd_files_api_new (self->store, self->center, self->http_guard, error);
  if (self->files_api == NULL)
    return NULL;
  fd_files_api_attach (self->files_api, self->soup);

  return g_steal_pointer (&self);
}

gboolean
fd_server_start_authorize (FdServer                  *self,
                           const FdAuthorizeOptions  *options,
                           GError                   **error)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->authorize == NULL, FALSE);
  g_return_val_if_fail (self->email == NULL, FALSE);

  url = fd_server_dup_url (self);
  self->authorize = fd_authorize_new (self->center, self->secret_box, options, url, error);
  if (self->authorize == NULL)
    return FALSE;
  fd_authorize_attach (self->authorize, self->soup);
  fd_admin_api_set_authorize (self->admin_api, self->authorize);
  return TRUE;
}

void
fd_server_start_crm (FdServer           *self,
                     const FdCrmOptions *options)
{
  g_autofree char *url = NULL;

  g_return_if_fail (FD_IS_SERVER (self));
  g_return_if_fail (self->crm == NULL);

  url = fd_server_dup_url (self);
  self->crm = fd_crm_new (self->center, self->secret_box, options, url);
  fd_crm_attach (self->crm, self->soup);
  fd_admin_api_set_crm (self->admin_api, self->crm);
}

void
fd_server_start_email (FdServer             *self,
                       const FdEmailOptions *options)
{
  g_return_if_fail (FD_IS_SERVER (self));
  g_return_if_fail (self->email == NULL);

  self->email = fd_email_new (self->center, self->secret_box, options);
  fd_email_set_authorize (self->email, self->authorize);
  fd_email_start (self->email);
}

void
fd_server_start_twitter (FdServer               *self,
                         const FdTwitterOptions *options)
{
  g_return_if_fail (FD_IS_SERVER (self));
  g_return_if_fail (self->twitter == NULL);

  self->twitter = fd_twitter_new (self->center, self->secret_box, options);
  fd_twitter_set_authorize (self->twitter, self->authorize);
  fd_twitter_start (self->twitter);
}

const char *
fd_server_get_admin_token_path (FdServer *self)
{
  g_return_val_if_fail (FD_IS_SERVER (self), NULL);
  return self->admin_token_path;
}

gboolean
fd_server_get_admin_token_created (FdServer *self)
{
  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);
  return self->admin_token_created;
}

/* Where the demo site is: the source tree while developing and testing
 * ($FD_SOURCE_DATADIR, then the configured one), else the installed copy. */
static char *
find_demo_site (void)
{
  const char *dirs[] = { g_getenv ("FD_SOURCE_DATADIR"), FD_SOURCE_DATADIR, FD_DATADIR };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;
      path = g_build_filename (dirs[i], DEMO_SITE_FILE, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

typedef struct {
  FdStore        *store;
  FdSecretBox    *box;
  JsonNode       *site;
  FdOrganization *org;
} DemoImport;

static gboolean
write_demo (gpointer   user_data,
            gint64    *out_organization_id,
            GError   **error)
{
  DemoImport *import = user_data;

  import->org = fd_site_import (import->store, import->box, import->site, 0, error);
  if (import->org == NULL)
    return FALSE;
  *out_organization_id = import->org->id;
  return TRUE;
}

gboolean
fd_server_load_demo (FdServer  *self,
                     char     **out_sign_ins,
                     GError   **error)
{
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdOrganization) org = NULL;
  g_autoptr(GString) sign_ins = g_string_new (NULL);
  g_autofree char *path = NULL;
  JsonArray *agents = NULL;
  JsonNode *root;
  DemoImport import = { self->store, self->secret_box, NULL, NULL };

  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);
  g_return_val_if_fail (out_sign_ins != NULL, FALSE);

  *out_sign_ins = NULL;
  fd_widget_api_set_demo (self->widget_api, TRUE);

  /* Read even when nothing is imported: the file names the demo's
   * organization and streams, whose origins follow the listening address
   * (fd_server_follow_demo_address()). */
  path = find_demo_site ();
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The demo site %s is neither in %s nor in %s.", DEMO_SITE_FILE,
                   FD_SOURCE_DATADIR, FD_DATADIR);
      return FALSE;
    }
  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  g_clear_pointer (&self->demo_site, json_node_unref);
  if (json_parser_get_root (parser) != NULL)
    self->demo_site = json_node_ref (json_parser_get_root (parser));

  orgs = fd_store_list_organizations (self->store, error);
  if (orgs == NULL)
    return FALSE;
  if (orgs->len > 0)
    return TRUE;

  root = json_parser_get_root (parser);
  import.site = root;
  if (root != NULL)
    fd_center_change_config (self->center, write_demo, &import, error);
  org = g_steal_pointer (&import.org);
  if (org == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is empty.", path);
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_OBJECT (root) &&
      json_object_has_member (json_node_get_object (root), "agents") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "agents")))
    agents = json_object_get_array_member (json_node_get_object (root), "agents");

  for (guint i = 0; agents != NULL && i < json_array_get_length (agents); i++)
    {
      JsonNode *node = json_array_get_element (agents, i);
      JsonObject *agent;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      agent = json_node_get_object (node);
      g_string_append_printf (sign_ins, "  %s (%s): %s  password: %s\n",
                              json_object_get_string_member_with_default (agent, "name", ""),
                              json_object_get_string_member_with_default (agent, "role", "agent"),
                              json_object_get_string_member_with_default (agent, "email", ""),
                              json_object_get_string_member_with_default (agent, "password", "(none)"));
    }

  *out_sign_ins = g_string_free (g_steal_pointer (&sign_ins), FALSE);
  return TRUE;
}

gboolean
fd_server_follow_demo_address (FdServer  *self,
                               GError   **error)
{
  g_return_val_if_fail (FD_IS_SERVER (self), FALSE);

  if (self->demo_site == NULL || self->listener == NULL || self->host == NULL)
    return TRUE;
  return fd_demo_follow_address (self->center, self->store, self->demo_site, self->host, self->port, error);
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
  g_autoptr(GSocketAddress) local = NULL;

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

  if (self->listener != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "The server listens already.");
      return FALSE;
    }
  self->listener = fd_listener_new (self->soup, &self->limits);
  if (!fd_listener_listen (self->listener, sockaddr, error))
    {
      g_clear_pointer (&self->listener, fd_listener_free);
      return FALSE;
    }

  /* Read the bound port from the socket itself: with port 0 the kernel chose. */
  local = fd_listener_get_local_address (self->listener);
  if (G_IS_INET_SOCKET_ADDRESS (local))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (local);

      self->port = g_inet_socket_address_get_port (inet);
      g_free (self->host);
      self->host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
    }

  return TRUE;
}

void
fd_server_set_limits (FdServer               *self,
                      const FdListenerLimits *limits)
{
  g_return_if_fail (FD_IS_SERVER (self));
  g_return_if_fail (self->listener == NULL);
  self->limits = *limits;
}

const FdListenerLimits *
fd_server_get_limits (FdServer *self)
{
  g_return_val_if_fail (FD_IS_SERVER (self), NULL);
  return &self->limits;
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
