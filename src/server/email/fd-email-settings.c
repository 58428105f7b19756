#define G_LOG_DOMAIN "fd-email"

#include "fd-email-settings.h"
#include "fd-mail-compose.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (fd-email-settings-error-quark, fd_email_settings_error)

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Sets an INVALID error and returns FALSE. */
static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FD_EMAIL_SETTINGS_ERROR, FD_EMAIL_SETTINGS_ERROR_INVALID, message);
  return FALSE;
}

void
fd_email_settings_free (FdEmailSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->address);
  g_free (settings->display_name);
  g_free (settings->platform);
  g_free (settings->oauth_client_id);
  g_free (settings->oauth_tenant);
  g_free (settings->imap_host);
  g_free (settings->smtp_host);
  g_free (settings->user_name);
  g_free (settings->sent_folder);
  g_free (settings->ca_file);
  g_free (settings);
}

gboolean
fd_email_ca_file_check (const char  *path,
                        GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *data = NULL;
  GList *certificates;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_path_is_absolute (path))
    return invalid (error, "“ca_file” of an email stream must be an absolute path (it is read by the server).");
  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local);
  if (info == NULL)
    return invalid (error, "The server cannot read the stream's “ca_file” %s: %s", path, local->message);
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return invalid (error, "The stream's “ca_file” %s is not a regular file.", path);
  if (g_file_info_get_size (info) > FD_EMAIL_MAX_CA_FILE_BYTES)
    return invalid (error, "The stream's “ca_file” %s is larger than %d KiB: give the certificate authority "
                    "that signed the mail servers' certificates, not a whole bundle.",
                    path, FD_EMAIL_MAX_CA_FILE_BYTES / 1024);
  if (!g_file_get_contents (path, &data, &length, &local))
    return invalid (error, "The server cannot read the stream's “ca_file” %s: %s", path, local->message);
  if (length > FD_EMAIL_MAX_CA_FILE_BYTES)
    return invalid (error, "The stream's “ca_file” %s is larger than %d KiB.", path, FD_EMAIL_MAX_CA_FILE_BYTES / 1024);
  if (g_strstr_len (data, (gssize) length, "-----BEGIN CERTIFICATE-----") == NULL)
    return invalid (error, "The stream's “ca_file” %s holds no PEM certificate "
                    "(“-----BEGIN CERTIFICATE-----”).", path);
  certificates = g_tls_certificate_list_new_from_file (path, &local);
  if (certificates == NULL)
    return invalid (error, "The stream's “ca_file” %s holds no certificate that can be read%s%s",
                    path, local != NULL ? ": " : ".", local != NULL ? local->message : "");
  g_list_free_full (certificates, g_object_unref);
  return TRUE;
}

gboolean
fd_email_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* A string member: NULL when absent or null; FALSE when of another type. */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, "An email stream needs “%s” in its settings.", name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, "“%s” of an email stream must be a string.", name);
  *out = g_strdup (json_node_get_string (node));
  if (**out == '\0' || g_utf8_strlen (*out, -1) > 255 || strpbrk (*out, "\r\n") != NULL)
    {
      g_clear_pointer (out, g_free);
      return invalid (error, "“%s” of an email stream must be one line of 1 to 255 characters.", name);
    }
  return TRUE;
}

static gboolean
get_port (JsonObject  *obj,
          const char  *name,
          guint16     *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  gint64 value;

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (error, "“%s” of an email stream must be a port number.", name);
  value = json_node_get_int (node);
  if (value < 1 || value > 65535)
    return invalid (error, "“%s” of an email stream must be a port from 1 to 65535.", name);
  *out = (guint16) value;
  return TRUE;
}

/* "implicit", "starttls" or "none" (loopback only); default implicit. */
static gboolean
get_tls (JsonObject  *obj,
         const char  *name,
         const char  *host,
         int         *out,
         GError     **error)
{
  g_autofree char *mode = NULL;

  if (!get_string (obj, name, FALSE, &mode, error))
    return FALSE;
  if (mode == NULL || g_str_equal (mode, "implicit"))
    *out = 0;
  else if (g_str_equal (mode, "starttls"))
    *out = 1;
  else if (g_str_equal (mode, "none"))
    {
      if (!fd_email_host_is_loopback (host))
        return invalid (error, "“%s” may be “none” only for a server on this machine (loopback): "
                        "mail and passwords would cross the network unencrypted. Use “implicit” or “starttls”.",
                        name);
      *out = 2;
    }
  else
    return invalid (error, "“%s” must be one of “implicit”, “starttls” or “none”.", name);
  return TRUE;
}

static FdEmailSettings *
settings_parse (const char  *json,
                gboolean     complete,
                GError     **error)
{
  g_autoptr(FdEmailSettings) settings = g_new0 (FdEmailSettings, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  JsonNode *poll;
  int imap_tls = 0, smtp_tls = 0;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "An email stream needs its settings (a JSON object with “address”, “imap_host”, “smtp_host” …).");
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (obj, "password"))
    {
      invalid (error, "The password of an email stream is never part of its settings: "
               "send it as the stream's write-only “password”.");
      return NULL;
    }
  if (!get_string (obj, "address", complete, &settings->address, error) ||
      !get_string (obj, "display_name", FALSE, &settings->display_name, error) ||
      !get_string (obj, "platform", FALSE, &settings->platform, error) ||
      !get_string (obj, "imap_host", FALSE, &settings->imap_host, error) ||
      !get_port (obj, "imap_port", &settings->imap_port, error) ||
      !get_tls (obj, "imap_tls", settings->imap_host, &imap_tls, error) ||
      !get_string (obj, "smtp_host", FALSE, &settings->smtp_host, error) ||
      !get_port (obj, "smtp_port", &settings->smtp_port, error) ||
      !get_tls (obj, "smtp_tls", settings->smtp_host, &smtp_tls, error) ||
      !get_string (obj, "user_name", FALSE, &settings->user_name, error) ||
      !get_string (obj, "sent_folder", FALSE, &settings->sent_folder, error) ||
      !get_string (obj, "oauth_client_id", FALSE, &settings->oauth_client_id, error) ||
      !get_string (obj, "oauth_tenant", FALSE, &settings->oauth_tenant, error) ||
      !get_string (obj, "ca_file", FALSE, &settings->ca_file, error))
    return NULL;
  if (settings->ca_file != NULL && !fd_email_ca_file_check (settings->ca_file, error))
    return NULL;
  if (json_object_has_member (obj, "oauth_client_secret") || json_object_has_member (obj, "oauth_tokens"))
    {
      invalid (error, "The OAuth client secret and tokens of an email stream are never part of its settings: "
               "send them as the stream's write-only “oauth_client_secret” and “oauth_tokens”.");
      return NULL;
    }
  if (settings->address != NULL && !fd_mail_address_is_plain (settings->address))
    {
      invalid (error, "“address” of an email stream must be a plain address such as support@example.com.");
      return NULL;
    }
  /* "imap" is an older name of "other" (the demo site's). */
  if (settings->platform == NULL || g_str_equal (settings->platform, "imap"))
    {
      g_free (settings->platform);
      settings->platform = g_strdup ("other");
    }
  if (!g_str_equal (settings->platform, "other") && !g_str_equal (settings->platform, "office365") &&
      !g_str_equal (settings->platform, "gmail"))
    {
      invalid (error, "“platform” of an email stream must be “other”, “office365” or “gmail”.");
      return NULL;
    }
  if (!g_str_equal (settings->platform, "other"))
    {
      gboolean microsoft = g_str_equal (settings->platform, "office365");

      if (complete && settings->oauth_client_id == NULL)
        {
          invalid (error, "An Office 365 or Gmail stream needs “oauth_client_id”, the id of the "
                   "application registered with Microsoft or Google.");
          return NULL;
        }
      /* The providers' servers unless the settings name others. */
      if (settings->imap_host == NULL && !json_object_has_member (obj, "imap_tls"))
        {
          settings->imap_host = g_strdup (microsoft ? "outlook.office365.com" : "imap.gmail.com");
          imap_tls = 0;
        }
      if (settings->smtp_host == NULL && !json_object_has_member (obj, "smtp_tls"))
        {
          settings->smtp_host = g_strdup (microsoft ? "smtp.office365.com" : "smtp.gmail.com");
          smtp_tls = microsoft ? 1 : 0;
        }
    }
  if (complete && (settings->imap_host == NULL || settings->smtp_host == NULL))
    {
      invalid (error, "An email stream needs “%s” in its settings.",
               settings->imap_host == NULL ? "imap_host" : "smtp_host");
      return NULL;
    }
  settings->imap_tls = imap_tls == 0 ? FD_IMAP_TLS_IMPLICIT : imap_tls == 1 ? FD_IMAP_TLS_STARTTLS : FD_IMAP_TLS_NONE;
  settings->smtp_tls = smtp_tls == 0 ? FD_SMTP_TLS_IMPLICIT : smtp_tls == 1 ? FD_SMTP_TLS_STARTTLS : FD_SMTP_TLS_NONE;

  settings->poll_seconds = FD_EMAIL_DEFAULT_POLL_SECONDS;
  poll = json_object_get_member (obj, "poll_seconds");
  if (poll != NULL && !JSON_NODE_HOLDS_NULL (poll))
    {
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (poll) || json_node_get_value_type (poll) != G_TYPE_INT64)
        {
          invalid (error, "“poll_seconds” of an email stream must be a number of seconds.");
          return NULL;
        }
      value = json_node_get_int (poll);
      if (value < FD_EMAIL_MIN_POLL_SECONDS || value > FD_EMAIL_MAX_POLL_SECONDS)
        {
          invalid (error, "“poll_seconds” of an email stream must be from %d to %d.",
                   FD_EMAIL_MIN_POLL_SECONDS, FD_EMAIL_MAX_POLL_SECONDS);
          return NULL;
        }
      settings->poll_seconds = (guint) value;
    }
  return g_steal_pointer (&settings);
}

FdEmailSettings *
fd_email_settings_parse (const char  *json,
                         GError     **error)
{
  return settings_parse (json, TRUE, error);
}

gboolean
fd_email_settings_check (const char  *json,
                         GError     **error)
{
  g_autoptr(FdEmailSettings) settings = settings_parse (json, FALSE, error);

  return settings != NULL;
}

FdOAuthTokens *
fd_email_oauth_tokens_parse (const char  *json,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FdOAuthTokens) tokens = g_new0 (FdOAuthTokens, 1);
  JsonObject *obj;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, json, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;
  obj = json_node_get_object (json_parser_get_root (parser));
  node = json_object_get_member (obj, "refresh_token");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    goto invalid;
  tokens->refresh_token = g_strdup (json_node_get_string (node));
  node = json_object_get_member (obj, "access_token");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto invalid;
      tokens->access_token = g_strdup (json_node_get_string (node));
    }
  node = json_object_get_member (obj, "expires_at");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        goto invalid;
      tokens->expires_at = json_node_get_int (node);
    }
  if (tokens->access_token == NULL)
    tokens->expires_at = 0;   /* refreshed at once */
  return g_steal_pointer (&tokens);

invalid:
  g_set_error_literal (error, FD_OAUTH_ERROR, FD_OAUTH_ERROR_INVALID,
                       "“oauth_tokens” must be an object with a “refresh_token” string, and optionally an "
                       "“access_token” string and “expires_at” (seconds since the epoch).");
  return NULL;
}

char *
fd_email_oauth_tokens_to_json (const FdOAuthTokens *tokens)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, tokens->access_token);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, tokens->refresh_token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, tokens->expires_at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

