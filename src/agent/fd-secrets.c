#define G_LOG_DOMAIN "fd-secrets"

#include <glib/gi18n.h>
#include "fd-secrets.h"

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "fd-properties.h"
#include "fd-protocol.h"

struct _FdSecrets
{
  GObject  parent_instance;

  char    *server_url;
  char    *email;
};

G_DEFINE_FINAL_TYPE (FdSecrets, fd_secrets, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-secrets-error-quark, fd_secrets_error)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_EMAIL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define ATTR_SERVER "server"
#define ATTR_EMAIL  "email"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    FD_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { ATTR_SERVER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_EMAIL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
fd_secrets_finalize (GObject *object)
{
  FdSecrets *self = FD_SECRETS (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->email, g_free);

  G_OBJECT_CLASS (fd_secrets_parent_class)->finalize (object);
}

/* Construct-only: set once, by g_object_new (). */
static void
set_server_url (FdSecrets  *self,
                const char *server_url)
{
  self->server_url = g_strdup (server_url);
}

static void
set_email (FdSecrets  *self,
           const char *email)
{
  self->email = g_strdup (email);
}

static const FdProperty property_table[N_PROPS] = {
  [PROP_SERVER_URL] = { .name = "server-url", .type = G_TYPE_STRING, .getter = G_CALLBACK (fd_secrets_get_server_url),
                        .setter = G_CALLBACK (set_server_url), .flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY },
  [PROP_EMAIL] = { .name = "email", .type = G_TYPE_STRING, .getter = G_CALLBACK (fd_secrets_get_email),
                   .setter = G_CALLBACK (set_email), .flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY },
};

static void
fd_secrets_class_init (FdSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fd_secrets_finalize;
  fd_properties_install (object_class, property_table, properties, N_PROPS);
}

static void
fd_secrets_init (FdSecrets *self)
{
}

FdSecrets *
fd_secrets_new (const char *server_url,
                const char *email)
{
  g_return_val_if_fail (server_url != NULL && *server_url != '\0', NULL);
  g_return_val_if_fail (email != NULL && *email != '\0', NULL);

  return g_object_new (FD_TYPE_SECRETS, "server-url", server_url, "email", email, NULL);
}

const char *
fd_secrets_get_server_url (FdSecrets *self)
{
  g_return_val_if_fail (FD_IS_SECRETS (self), NULL);
  return self->server_url;
}

const char *
fd_secrets_get_email (FdSecrets *self)
{
  g_return_val_if_fail (FD_IS_SECRETS (self), NULL);
  return self->email;
}

/* --- tasks ----------------------------------------------------------------- */

/* Every call is one task on @self with the item's two attributes. */
static GTask *
new_task (FdSecrets           *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static GHashTable *
attributes (FdSecrets *self)
{
  return secret_attributes_build (get_schema (),
                                  ATTR_SERVER, self->server_url,
                                  ATTR_EMAIL, self->email,
                                  NULL);
}

/* Store and clear answer a boolean; for clear, FALSE without an error
 * means nothing was stored: cleared all the same. */
static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_task_get_source_tag (task) == fd_secrets_clear_async)
    secret_password_clear_finish (result, &error);
  else
    secret_password_store_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
propagate_done (FdSecrets     *self,
                GAsyncResult  *result,
                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- store ----------------------------------------------------------------- */

void
fd_secrets_store_async (FdSecrets           *self,
                        const char          *token,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GHashTable) attrs = NULL;
  g_autofree char *label = NULL;
  g_autofree char *secret = NULL;

  g_return_if_fail (FD_IS_SECRETS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Both credentials in one item: the schema's attributes stay the server
   * and the email, and one store replaces both at once. */
  json_builder_begin_object (builder);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  if (password != NULL)
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  secret = json_to_string (node, FALSE);
  label = g_strdup_printf ("Frontdesk: %s on %s", self->email, self->server_url);

  attrs = attributes (self);
  secret_password_storev (get_schema (), attrs, SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                          on_done_cb, new_task (self, cancellable, callback, user_data, fd_secrets_store_async));
  /* Wipe our copy of the secret before freeing it. */
  memset (secret, 0, strlen (secret));
}

gboolean
fd_secrets_store_finish (FdSecrets     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return propagate_done (self, result, error);
}

/* --- lookup ---------------------------------------------------------------- */

typedef struct {
  char *token;
  char *password;
} Credentials;

static void
credentials_free (Credentials *c)
{
  if (c->token != NULL)
    secret_password_wipe (c->token);
  if (c->password != NULL)
    secret_password_wipe (c->password);
  g_free (c->token);
  g_free (c->password);
  g_free (c);
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (member));
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;
  Credentials *credentials;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (secret == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  node = fd_json_parse (secret, strlen (secret), FD_LIMIT_FRAME_SIZE, NULL);
  secret_password_free (secret);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, FD_SECRETS_ERROR, FD_SECRETS_ERROR_CORRUPT,
                               _("The saved sign-in details cannot be read; sign in again."));
      return;
    }
  credentials = g_new0 (Credentials, 1);
  credentials->token = dup_member (json_node_get_object (node), "token");
  credentials->password = dup_member (json_node_get_object (node), "password");
  g_task_return_pointer (task, credentials, (GDestroyNotify) credentials_free);
}

void
fd_secrets_lookup_async (FdSecrets           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GHashTable) attrs = NULL;

  g_return_if_fail (FD_IS_SECRETS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  attrs = attributes (self);
  secret_password_lookupv (get_schema (), attrs, cancellable, on_lookup_cb,
                           new_task (self, cancellable, callback, user_data, fd_secrets_lookup_async));
}

gboolean
fd_secrets_lookup_finish (FdSecrets     *self,
                          GAsyncResult  *result,
                          char         **out_token,
                          char         **out_password,
                          GError       **error)
{
  Credentials *credentials;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_token != NULL)
    *out_token = NULL;
  if (out_password != NULL)
    *out_password = NULL;
  credentials = g_task_propagate_pointer (G_TASK (result), error);
  if (credentials == NULL)
    return FALSE;
  if (out_token != NULL)
    *out_token = g_steal_pointer (&credentials->token);
  if (out_password != NULL)
    *out_password = g_steal_pointer (&credentials->password);
  credentials_free (credentials);
  return TRUE;
}

/* --- clear ----------------------------------------------------------------- */

void
fd_secrets_clear_async (FdSecrets           *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GHashTable) attrs = NULL;

  g_return_if_fail (FD_IS_SECRETS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  attrs = attributes (self);
  secret_password_clearv (get_schema (), attrs, cancellable, on_done_cb,
                          new_task (self, cancellable, callback, user_data, fd_secrets_clear_async));
}

gboolean
fd_secrets_clear_finish (FdSecrets     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return propagate_done (self, result, error);
}
