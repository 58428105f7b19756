#define G_LOG_DOMAIN "fd-test"

#include <string.h>

#include "fd-test-browser.h"
#include "fd-test-client.h"

void
fd_test_page_clear (FdTestPage *page)
{
  g_free (page->body);
  g_free (page->cookie);
  g_free (page->location);
  g_free (page->csp);
  memset (page, 0, sizeof *page);
}

void
fd_test_browse (SoupSession *session,
                const char  *method,
                const char  *url,
                const char  *cookie,
                const char  *form,
                FdTestPage  *page)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *set_cookie;

  fd_test_page_clear (page);
  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (cookie != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Cookie", cookie);
  if (form != NULL)
    {
      g_autoptr(GBytes) data = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", data);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fd_test_on_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  headers = soup_message_get_response_headers (msg);
  page->status = soup_message_get_status (msg);
  page->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  set_cookie = soup_message_headers_get_one (headers, "Set-Cookie");
  page->cookie = set_cookie != NULL ? g_strndup (set_cookie, strcspn (set_cookie, ";")) : NULL;
  page->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  page->csp = g_strdup (soup_message_headers_get_one (headers, "Content-Security-Policy"));
}

char *
fd_test_page_csrf (const FdTestPage *page)
{
  const char *start = strstr (page->body, "name=\"csrf\" value=\"");

  g_assert_nonnull (start);
  start += strlen ("name=\"csrf\" value=\"");
  return g_strndup (start, strcspn (start, "\""));
}

char *
fd_test_url_param (const char *url,
                   const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  g_assert_nonnull (g_uri_get_query (uri));
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return g_strdup (g_hash_table_lookup (params, name));
}
