#pragma once

/* A browser for the pages frontdeskd serves to people rather than to the
 * app (the authorization links of docs/email.md and docs/twitter.md): one
 * request at a time on a SoupSession of the test's own, redirects not
 * followed, the cookie and the form's hidden field read out of the answer
 * as a browser would keep them. */

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  guint  status;
  char  *body;
  char  *cookie;     /* name=value of Set-Cookie, NULL when none */
  char  *location;
  char  *csp;        /* Content-Security-Policy, NULL when none */
} FdTestPage;

void  fd_test_page_clear (FdTestPage *page);

/* Sends @method @url on @session with "Cookie: @cookie" and @form
 * (application/x-www-form-urlencoded) when they are not NULL, without
 * following a redirect, and fills @page (cleared first). It runs the main
 * loop meanwhile: a provider the test serves on it (an OAuth stand-in)
 * answers the server. */
void  fd_test_browse     (SoupSession *session,
                          const char  *method,
                          const char  *url,
                          const char  *cookie,
                          const char  *form,
                          FdTestPage  *page);

/* The value of the page's hidden csrf field; fails the test without one. */
char *fd_test_page_csrf  (const FdTestPage *page);

/* The query parameter @name of @url (NULL when absent); fails the test
 * when @url has no query. */
char *fd_test_url_param  (const char *url,
                          const char *name);

G_END_DECLS
