#define G_LOG_DOMAIN "fd-crm-user"

#include <glib/gi18n.h>
#include "fd-crm-user.h"

#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/random.h>

/* One authorization under way: the loopback listener, the PKCE verifier
 * and the state, and the task that completes when the browser came back
 * and the code was exchanged (or when anything failed). Every completion
 * goes through an idle (flow_finish), so that the listener is never torn
 * down inside its own handler. */
typedef struct
{
  GTask         *task;
  SoupServer    *server;
  char          *provider;
  char          *token_url;
  char          *client_id;
  char          *verifier;
  char          *state;
  char          *redirect_uri;
  GCancellable  *exchange;      /* the token request */
  gulong         cancelled_id;
  guint          timeout_id;
  guint          finish_id;
  gboolean       answered;      /* the browser came back with our state */
  GError        *error;         /* set once: the flow's outcome */
  char          *crm_user;      /* on success */
} Flow;

struct _FdCrmUser
{
  GObject            parent_instance;

  char              *server_url;
  char              *email;
  FdCrmUserLauncher  launcher;
  gpointer           launcher_data;
  guint              timeout_seconds;
  SoupSession       *session;
  Flow              *flow;
};

G_DEFINE_FINAL_TYPE (FdCrmUser, fd_crm_user, G_TYPE_OBJECT)
G_DEFINE_QUARK (fd-crm-user-error-quark, fd_crm_user_error)

#define ATTR_SERVER "server"
#define ATTR_EMAIL  "email"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    FD_CRM_USER_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { ATTR_SERVER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_EMAIL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static GHashTable *
new_attributes (FdCrmUser *self)
{
  GHashTable *attrs = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attrs, (gpointer) ATTR_SERVER, self->server_url);
  g_hash_table_insert (attrs, (gpointer) ATTR_EMAIL, self->email);
  return attrs;
}

/* --- PKCE ------------------------------------------------------------------ */

static char *
base64url (const guint8 *data,
           gsize         len)
{
  char *text = g_base64_encode (data, len);
  char *end;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  end = strchr (text, '=');
  if (end != NULL)
    *end = '\0';
  return text;
}

/* @n_bytes from the kernel's random source, base64url: the verifier has
 * 32 bytes (43 characters, RFC 7636's minimum length), the state 16. */
static char *
random_token (gsize n_bytes)
{
  guint8 buf[32];
  gsize got = 0;

  g_assert (n_bytes <= sizeof buf);
  while (got < n_bytes)
    {
      ssize_t n = getrandom (buf + got, n_bytes - got, 0);

      if (n < 0)
        g_error ("getrandom() failed: %s", g_strerror (errno));
      got += (gsize) n;
    }
  return base64url (buf, n_bytes);
}

char *
fd_crm_user_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  return base64url (digest, len);
}

/* --- the flow ---------------------------------------------------------------- */

static void
flow_free (Flow *flow)
{
  if (flow->server != NULL)
    soup_server_disconnect (flow->server);
  g_clear_object (&flow->server);
  if (flow->exchange != NULL)
    g_cancellable_cancel (flow->exchange);
  g_clear_object (&flow->exchange);
  g_clear_handle_id (&flow->timeout_id, g_source_remove);
  g_clear_handle_id (&flow->finish_id, g_source_remove);
  g_clear_object (&flow->task);
  g_clear_pointer (&flow->provider, g_free);
  g_clear_pointer (&flow->token_url, g_free);
  g_clear_pointer (&flow->client_id, g_free);
  if (flow->verifier != NULL)
    memset (flow->verifier, 0, strlen (flow->verifier));
  g_clear_pointer (&flow->verifier, g_free);
  g_clear_pointer (&flow->state, g_free);
  g_clear_pointer (&flow->redirect_uri, g_free);
  g_clear_error (&flow->error);
  g_clear_pointer (&flow->crm_user, g_free);
  g_free (flow);
}

static gboolean
flow_finish_cb (gpointer user_data)
{
  FdCrmUser *self = user_data;
  Flow *flow = self->flow;
  g_autoptr(GTask) task = NULL;
  GCancellable *cancellable;

  flow->finish_id = 0;
  self->flow = NULL;
  task = g_steal_pointer (&flow->task);
  cancellable = g_task_get_cancellable (task);
  if (flow->cancelled_id != 0)
    g_cancellable_disconnect (cancellable, flow->cancelled_id);
  flow->cancelled_id = 0;
  if (flow->error != NULL)
    g_task_return_error (task, g_steal_pointer (&flow->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&flow->crm_user), g_free);
  flow_free (flow);
  return G_SOURCE_REMOVE;
}

/* Ends the flow with @error (taken) or, NULL, with success; the first
 * outcome wins. */
static void
flow_end (FdCrmUser *self,
          GError    *error)
{
  Flow *flow = self->flow;

  g_assert (flow != NULL);
  if (flow->finish_id != 0)
    {
      g_clear_error (&error);
      return;
    }
  flow->error = error;
  g_clear_handle_id (&flow->timeout_id, g_source_remove);
  flow->finish_id = g_idle_add_full (G_PRIORITY_DEFAULT, flow_finish_cb, g_object_ref (self), g_object_unref);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  FdCrmUser *self = user_data;

  self->flow->timeout_id = 0;
  flow_end (self, g_error_new_literal (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TIMED_OUT,
                                       _("The CRM’s sign-in page did not come back in time. Try connecting again.")));
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_in_loop_cb (gpointer user_data)
{
  FdCrmUser *self = user_data;

  /* Only a flow of this cancellable (a newer flow has its own). */
  if (self->flow != NULL && self->flow->cancelled_id != 0 &&
      g_cancellable_is_cancelled (g_task_get_cancellable (self->flow->task)))
    flow_end (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Connecting the CRM user was cancelled.")));
  return G_SOURCE_REMOVE;
}

/* May run in the thread that cancelled: the ending goes to the main loop. */
static void
on_cancelled_cb (GCancellable *cancellable,
                 FdCrmUser    *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, cancel_in_loop_cb, g_object_ref (self), g_object_unref);
}

/* Only printable, bounded text from the CRM reaches a person. */
static char *
clean_text (const char *text,
            gsize       max_chars)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  for (p = text; *p != '\0' && g_utf8_strlen (out->str, -1) < (glong) max_chars; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_isprint (c) ? c : ' ');
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The CRM user's id in the token response: Salesforce names the user by
 * its identity URL ("id": "https://login.salesforce.com/id/ORG/USER"), an
 * RFC 6749 server that says more may give "user_id". */
static char *
crm_user_from_response (JsonObject *object)
{
  const char *id = json_object_get_string_member_with_default (object, "id", NULL);
  const char *slash;

  if (id != NULL && (slash = strrchr (id, '/')) != NULL && slash[1] != '\0')
    return clean_text (slash + 1, FD_CRM_USER_MAX_ID);
  if (json_object_has_member (object, "user_id"))
    {
      JsonNode *node = json_object_get_member (object, "user_id");

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return clean_text (json_node_get_string (node), FD_CRM_USER_MAX_ID);
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  return g_strdup ("");
}

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdCrmUser) self = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      if (self->flow != NULL)
        flow_end (self, error);
      else
        g_error_free (error);
      return;
    }
  if (self->flow != NULL)
    flow_end (self, NULL);
}

static GError *
token_error (guint       status,
             JsonObject *object)
{
  const char *code = object != NULL ? json_object_get_string_member_with_default (object, "error", NULL) : NULL;
  const char *text = object != NULL ? json_object_get_string_member_with_default (object, "error_description", NULL) : NULL;
  g_autofree char *clean_code = clean_text (code, 64);
  g_autofree char *clean = clean_text (text, 200);

  if (*clean != '\0' || *clean_code != '\0')
    return g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TOKEN,
                        _("The CRM refused to connect your user (%s%s%s). Try connecting again."),
                        clean_code, *clean != '\0' && *clean_code != '\0' ? ": " : "", clean);
  return g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TOKEN,
                      _("The CRM’s token endpoint answered HTTP %u. Try connecting again."), status);
}

static void
on_token_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(FdCrmUser) self = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) attrs = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *label = NULL;
  JsonObject *object = NULL;
  const char *access_token;
  Flow *flow = self->flow;
  guint status;

  if (flow == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (body == NULL)
    {
      flow_end (self, g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_TOKEN,
                                   _("The CRM’s token endpoint could not be reached (%s)."), error->message));
      return;
    }
  status = soup_message_get_status (msg);
  if (g_bytes_get_size (body) <= FD_CRM_USER_MAX_RESPONSE &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  access_token = object != NULL ? json_object_get_string_member_with_default (object, "access_token", NULL) : NULL;
  if (status != SOUP_STATUS_OK || access_token == NULL || *access_token == '\0')
    {
      flow_end (self, token_error (status, object));
      return;
    }

  flow->crm_user = crm_user_from_response (object);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, flow->provider);
  json_builder_set_member_name (builder, "crm_user");
  json_builder_add_string_value (builder, flow->crm_user);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access_token);
  if (json_object_get_string_member_with_default (object, "refresh_token", NULL) != NULL)
    {
      json_builder_set_member_name (builder, "refresh_token");
      json_builder_add_string_value (builder, json_object_get_string_member (object, "refresh_token"));
    }
  if (json_object_get_string_member_with_default (object, "instance_url", NULL) != NULL)
    {
      json_builder_set_member_name (builder, "instance_url");
      json_builder_add_string_value (builder, json_object_get_string_member (object, "instance_url"));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  secret = json_generator_to_data (generator, NULL);

  attrs = new_attributes (self);
  label = g_strdup_printf (_("Frontdesk CRM user for %s on %s"), self->email, self->server_url);
  secret_password_storev (get_schema (), attrs, SECRET_COLLECTION_DEFAULT, label, secret, NULL,
                          on_stored_cb, g_object_ref (self));
  memset (secret, 0, strlen (secret));
}

static void
exchange_code (FdCrmUser  *self,
               const char *code)
{
  Flow *flow = self->flow;
  g_autoptr(SoupMessage) msg = NULL;
  char *form;

  form = soup_form_encode ("grant_type", "authorization_code",
                           "code", code,
                           "redirect_uri", flow->redirect_uri,
                           "client_id", flow->client_id,
                           "code_verifier", flow->verifier,
                           NULL);
  msg = soup_message_new_from_encoded_form ("POST", flow->token_url, form);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "application/json");
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 30, "user-agent", "Frontdesk", NULL);
  flow->exchange = g_cancellable_new ();
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, flow->exchange,
                                    on_token_cb, g_object_ref (self));
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *page = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Frontdesk</title></head>"
                                           "<body><p>%s</p></body></html>", escaped);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, page, strlen (page));
}

/* The browser's redirect: GET /callback?code=…&state=… (or error=…). */
static void
on_callback_cb (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FdCrmUser *self = user_data;
  Flow *flow = self->flow;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *denied = query != NULL ? g_hash_table_lookup (query, "error") : NULL;

  if (flow == NULL || flow->server != server || flow->finish_id != 0 || flow->answered)
    {
      respond_page (msg, SOUP_STATUS_GONE, _("This sign-in is over. Return to Frontdesk."));
      return;
    }
  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      respond_page (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("Unexpected request."));
      return;
    }
  if (state == NULL || strcmp (state, flow->state) != 0)
    {
      /* Not the answer to our request (RFC 6749 §10.12): refused, and the
       * flow ends rather than wait for a second guess. */
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, _("This answer does not belong to Frontdesk’s sign-in. Return to Frontdesk and connect again."));
      flow_end (self, g_error_new_literal (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_STATE,
                                           _("The CRM’s answer did not carry the expected state, so it was refused. Try connecting again.")));
      return;
    }
  flow->answered = TRUE;
  if (denied != NULL || code == NULL || *code == '\0')
    {
      const char *description = g_hash_table_lookup (query, "error_description");
      g_autofree char *clean = clean_text (description != NULL ? description : denied != NULL ? denied : "no code", 200);

      respond_page (msg, SOUP_STATUS_OK, _("The CRM did not connect your user. Return to Frontdesk."));
      flow_end (self, g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_DENIED,
                                   _("The CRM did not connect your user (%s)."), clean));
      return;
    }
  respond_page (msg, SOUP_STATUS_OK, _("Your CRM user is being connected to Frontdesk. You can close this page."));
  exchange_code (self, code);
}

/* https, or http to a loopback address (a local test server). */
static gboolean
acceptable_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 &&
         (strcmp (host, "127.0.0.1") == 0 || strcmp (host, "localhost") == 0 || strcmp (host, "::1") == 0);
}

static void
append_param (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append (url, name);
  g_string_append_c (url, '=');
  g_string_append (url, escaped);
}

static gboolean
default_launcher (const char  *uri,
                  gpointer     user_data,
                  GError     **error)
{
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, NULL, NULL);
  return TRUE;
}

void
fd_crm_user_connect_async (FdCrmUser           *self,
                           const char          *provider,
                           const char          *authorize_url,
                           const char          *token_url,
                           const char          *client_id,
                           const char          *scope,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) url = NULL;
  g_autofree char *challenge = NULL;
  GSList *uris;
  Flow *flow;
  gint port;

  g_return_if_fail (FD_IS_CRM_USER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_crm_user_connect_async);
  if (!acceptable_url (authorize_url) || !acceptable_url (token_url) || client_id == NULL || *client_id == '\0')
    {
      g_task_return_new_error (task, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_CONFIG,
                               _("Connecting a CRM user is not set up for this organization (no https authorization page, token address or client id). Ask your administrator."));
      return;
    }
  if (self->flow != NULL)
    flow_end (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("A newer connection attempt replaced this one.")));
  if (self->flow != NULL)
    {
      /* The previous flow's ending is queued: finish it now, so that one
       * flow is under way at a time. Removing the idle drops the reference
       * it held; the caller holds another. */
      g_source_remove (self->flow->finish_id);
      flow_finish_cb (self);
    }

  flow = g_new0 (Flow, 1);
  flow->task = g_steal_pointer (&task);
  flow->provider = g_strdup (provider != NULL ? provider : "");
  flow->token_url = g_strdup (token_url);
  flow->client_id = g_strdup (client_id);
  flow->verifier = random_token (32);
  flow->state = random_token (16);
  flow->server = soup_server_new (NULL, NULL);
  self->flow = flow;
  soup_server_add_handler (flow->server, "/callback", on_callback_cb, self, NULL);
  if (!soup_server_listen_local (flow->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      flow_end (self, g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_BROWSER,
                                   _("Frontdesk could not listen for the CRM’s answer on this computer (%s)."), error->message));
      return;
    }
  uris = soup_server_get_uris (flow->server);
  port = uris != NULL ? g_uri_get_port (uris->data) : -1;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* RFC 8252 §7.3: the loopback IP literal, not "localhost". */
  flow->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback", port);

  challenge = fd_crm_user_pkce_challenge (flow->verifier);
  url = g_string_new (authorize_url);
  append_param (url, "response_type", "code");
  append_param (url, "client_id", client_id);
  append_param (url, "redirect_uri", flow->redirect_uri);
  append_param (url, "code_challenge", challenge);
  append_param (url, "code_challenge_method", "S256");
  append_param (url, "state", flow->state);
  if (scope != NULL && *scope != '\0')
    append_param (url, "scope", scope);

  if (cancellable != NULL)
    flow->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), self, NULL);
  flow->timeout_id = g_timeout_add_seconds (self->timeout_seconds, on_timeout_cb, self);
  if (!self->launcher (url->str, self->launcher_data, &error))
    flow_end (self, g_error_new (FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_BROWSER,
                                 _("The web browser could not be opened (%s)."), error != NULL ? error->message : "?"));
}

char *
fd_crm_user_connect_finish (FdCrmUser     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- lookup and disconnect ---------------------------------------------------- */

typedef struct
{
  char *provider;
  char *crm_user;
} Stored;

static void
stored_free (Stored *s)
{
  g_free (s->provider);
  g_free (s->crm_user);
  g_free (s);
}

static void
on_lookup_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *error = NULL;
  char *secret = secret_password_lookup_finish (result, &error);
  JsonObject *object;
  Stored *stored;

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
  if (!json_parser_load_from_data (parser, secret, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      secret_password_free (secret);
      g_task_return_new_error (task, FD_CRM_USER_ERROR, FD_CRM_USER_ERROR_CORRUPT,
                               _("The stored CRM user is unreadable. Disconnect it and connect again."));
      return;
    }
  secret_password_free (secret);
  object = json_node_get_object (json_parser_get_root (parser));
  stored = g_new0 (Stored, 1);
  stored->provider = g_strdup (json_object_get_string_member_with_default (object, "provider", ""));
  stored->crm_user = g_strdup (json_object_get_string_member_with_default (object, "crm_user", ""));
  g_task_return_pointer (task, stored, (GDestroyNotify) stored_free);
}

void
fd_crm_user_lookup_async (FdCrmUser           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GHashTable) attrs = NULL;
  GTask *task;

  g_return_if_fail (FD_IS_CRM_USER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_crm_user_lookup_async);
  attrs = new_attributes (self);
  secret_password_lookupv (get_schema (), attrs, cancellable, on_lookup_cb, task);
}

gboolean
fd_crm_user_lookup_finish (FdCrmUser     *self,
                           GAsyncResult  *result,
                           char         **out_provider,
                           char         **out_crm_user,
                           GError       **error)
{
  GError *local = NULL;
  Stored *stored;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  stored = g_task_propagate_pointer (G_TASK (result), &local);
  if (stored == NULL)
    {
      if (local != NULL)
        g_propagate_error (error, local);
      return FALSE;
    }
  if (out_provider != NULL)
    *out_provider = g_steal_pointer (&stored->provider);
  if (out_crm_user != NULL)
    *out_crm_user = g_steal_pointer (&stored->crm_user);
  stored_free (stored);
  return TRUE;
}

static void
on_cleared_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fd_crm_user_disconnect_async (FdCrmUser           *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GHashTable) attrs = NULL;
  GTask *task;

  g_return_if_fail (FD_IS_CRM_USER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_crm_user_disconnect_async);
  attrs = new_attributes (self);
  secret_password_clearv (get_schema (), attrs, cancellable, on_cleared_cb, task);
}

gboolean
fd_crm_user_disconnect_finish (FdCrmUser     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- object ------------------------------------------------------------------- */

const char *
fd_crm_user_get_redirect_uri (FdCrmUser *self)
{
  g_return_val_if_fail (FD_IS_CRM_USER (self), NULL);
  return self->flow != NULL ? self->flow->redirect_uri : NULL;
}

void
fd_crm_user_set_launcher (FdCrmUser         *self,
                          FdCrmUserLauncher  launcher,
                          gpointer           user_data)
{
  g_return_if_fail (FD_IS_CRM_USER (self));
  self->launcher = launcher != NULL ? launcher : default_launcher;
  self->launcher_data = launcher != NULL ? user_data : NULL;
}

void
fd_crm_user_set_timeout (FdCrmUser *self,
                         guint      seconds)
{
  g_return_if_fail (FD_IS_CRM_USER (self));
  g_return_if_fail (seconds > 0);
  self->timeout_seconds = seconds;
}

static void
fd_crm_user_dispose (GObject *object)
{
  FdCrmUser *self = FD_CRM_USER (object);

  /* A flow holds a reference while it runs, so none is left here. */
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fd_crm_user_parent_class)->dispose (object);
}

static void
fd_crm_user_finalize (GObject *object)
{
  FdCrmUser *self = FD_CRM_USER (object);

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->email, g_free);
  G_OBJECT_CLASS (fd_crm_user_parent_class)->finalize (object);
}

static void
fd_crm_user_class_init (FdCrmUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_crm_user_dispose;
  object_class->finalize = fd_crm_user_finalize;
}

static void
fd_crm_user_init (FdCrmUser *self)
{
  self->launcher = default_launcher;
  self->timeout_seconds = FD_CRM_USER_DEFAULT_TIMEOUT_SECONDS;
}

FdCrmUser *
fd_crm_user_new (const char *server_url,
                 const char *email)
{
  FdCrmUser *self;

  g_return_val_if_fail (server_url != NULL && email != NULL, NULL);

  self = g_object_new (FD_TYPE_CRM_USER, NULL);
  self->server_url = g_strdup (server_url);
  self->email = g_strdup (email);
  return self;
}
