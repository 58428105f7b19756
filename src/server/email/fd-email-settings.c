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
  g_free (settings->imap_host);
  g_free (settings->smtp_host);
  g_free (settings->user_name);
  g_free (settings->sent_folder);
  g_free (settings);
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
      !get_string (obj, "imap_host", complete, &settings->imap_host, error) ||
      !get_port (obj, "imap_port", &settings->imap_port, error) ||
      !get_tls (obj, "imap_tls", settings->imap_host, &imap_tls, error) ||
      !get_string (obj, "smtp_host", complete, &settings->smtp_host, error) ||
      !get_port (obj, "smtp_port", &settings->smtp_port, error) ||
      !get_tls (obj, "smtp_tls", settings->smtp_host, &smtp_tls, error) ||
      !get_string (obj, "user_name", FALSE, &settings->user_name, error) ||
      !get_string (obj, "sent_folder", FALSE, &settings->sent_folder, error))
    return NULL;
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
  if (complete && !g_str_equal (settings->platform, "other"))
    {
      invalid (error, "Office 365 and Gmail mailboxes need OAuth authorization, which this version "
               "cannot do yet; use platform “other” with the provider's IMAP and SMTP servers.");
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
