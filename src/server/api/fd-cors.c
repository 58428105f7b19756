#define G_LOG_DOMAIN "fd-cors"

/* CORS and origins of the visitor side (docs/architecture.md, "Decisions"):
 * the widget runs on the business's site. A preflight is answered for any
 * origin (it names no stream); the answer itself is readable only by the
 * stream's allowed origins (any when the list is empty). */

#include "fd-cors.h"

#include <string.h>

/* scheme://host:port with a lower-case scheme and host and the port always
 * written out, so that "https://Shop.example" and "https://shop.example:443/"
 * compare equal. NULL when @origin is not an absolute http(s) URL, like the
 * "null" origin of sandboxed frames and file: pages. */
char *
fd_cors_normalize_origin (const char *origin)
{
  g_autoptr(GUri) uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return NULL;
  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  port = g_uri_get_port (uri);
  if (g_strcmp0 (scheme, "http") == 0)
    port = port > 0 ? port : 80;
  else if (g_strcmp0 (scheme, "https") == 0)
    port = port > 0 ? port : 443;
  else
    return NULL;
  return g_strdup_printf (strchr (host, ':') != NULL ? "%s://[%s]:%d" : "%s://%s:%d", scheme, host, port);
}

gboolean
fd_visitor_origin_allowed (const FdStream *stream,
                           const char     *origin)
{
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (stream != NULL, FALSE);

  /* Origin protects a browser's user from other sites; a client that sends
   * none is not a browser (or is the server's own page) and could send any
   * Origin it liked anyway. An empty list means the admin has not limited
   * the stream yet. */
  if (origin == NULL || stream->allowed_origins == NULL || stream->allowed_origins[0] == NULL)
    return TRUE;
  wanted = fd_cors_normalize_origin (origin);
  if (wanted == NULL)
    return FALSE;
  for (guint i = 0; stream->allowed_origins[i] != NULL; i++)
    {
      g_autofree char *allowed = fd_cors_normalize_origin (stream->allowed_origins[i]);

      if (g_strcmp0 (allowed, wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

const char *
fd_cors_request_origin (SoupServerMessage *msg)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Origin");
}

void
fd_cors_allow_origin (SoupServerMessage *msg,
                      const FdStream    *stream)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *origin = fd_cors_request_origin (msg);

  if (origin == NULL)
    return;
  if (stream != NULL && !fd_visitor_origin_allowed (stream, origin))
    return;
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (headers, "Vary", "Origin");
}

void
fd_cors_answer_preflight (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  fd_cors_allow_origin (msg, NULL);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "POST");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
  soup_message_headers_replace (headers, "Access-Control-Max-Age", "600");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}
