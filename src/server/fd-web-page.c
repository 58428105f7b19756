#define G_LOG_DOMAIN "fd-server"

#include "fd-web-page.h"

#include <sodium.h>
#include <string.h>

char *
fd_web_page_style_hash (const char *style)
{
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, (const guchar *) style, strlen (style));
  g_checksum_get_digest (checksum, digest, &length);
  g_checksum_free (checksum);
  return g_base64_encode (digest, length);
}

void
fd_web_page_respond (SoupServerMessage *msg,
                     guint              status,
                     const char        *title,
                     const char        *style,
                     const char        *style_hash,
                     const char        *form_action,
                     const char        *body_html)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *csp = g_strdup_printf ("default-src 'none'; style-src 'sha256-%s'; form-action %s; "
                                          "frame-ancestors 'none'; base-uri 'none'",
                                          style_hash, form_action);
  g_autofree char *html = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                                           "<meta name=\"referrer\" content=\"no-referrer\">"
                                           "<title>%s</title><style>%s</style></head>\n<body><main>"
                                           "<h1>%s</h1>\n%s</main></body></html>\n",
                                           escaped_title, style, escaped_title, body_html);

  soup_message_headers_replace (headers, "Content-Security-Policy", csp);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
}

char *
fd_web_page_mac_hex (const guchar *key,
                     const char   *value)
{
  guchar mac[crypto_auth_BYTES];
  char hex[crypto_auth_BYTES * 2 + 1];

  crypto_auth (mac, (const guchar *) value, strlen (value), key);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup (hex);
}

gboolean
fd_web_page_same_secret (const char *a,
                         const char *b)
{
  return a != NULL && b != NULL && strlen (a) == strlen (b) && sodium_memcmp (a, b, strlen (a)) == 0;
}

char *
fd_web_page_cookie (SoupServerMessage *msg,
                    const char        *name)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Cookie");
  g_autoptr(GHashTable) params = NULL;

  if (header == NULL)
    return NULL;
  params = soup_header_parse_semi_param_list (header);
  return g_strdup (g_hash_table_lookup (params, name));
}
