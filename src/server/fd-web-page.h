#pragma once

/* The server's own web pages (the authorization page, fd-authorize-page.c,
 * and the CRM's connect page, crm/fd-crm-page.c): one HTML frame with one
 * style element and no script, served with the same security headers, and
 * the same guards for their forms (a keyed MAC, a cookie, a comparison in
 * constant time). */

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The CSP hash of a page's style element: base64 of its SHA-256. */
char     *fd_web_page_style_hash (const char        *style);

/* Answers @msg with a page titled @title (text) whose <main> holds
 * @body_html (escaped by the caller) and whose style is @style (with
 * @style_hash, fd_web_page_style_hash()). Forms may post to
 * @form_action (CSP sources: "'self'" and any provider's origin the
 * answer redirects to). Never cached, never framed, no referrer. */
void      fd_web_page_respond    (SoupServerMessage *msg,
                                  guint              status,
                                  const char        *title,
                                  const char        *style,
                                  const char        *style_hash,
                                  const char        *form_action,
                                  const char        *body_html);

/* Hex of the keyed MAC (crypto_auth, @key of crypto_auth_KEYBYTES) of
 * @value: a form's CSRF value, a consent's state. */
char     *fd_web_page_mac_hex    (const guchar      *key,
                                  const char        *value);

/* Whether two secrets are equal, compared in constant time; FALSE when
 * either is NULL. */
gboolean  fd_web_page_same_secret (const char       *a,
                                   const char       *b);

/* The value of the request's cookie @name, or NULL. */
char     *fd_web_page_cookie     (SoupServerMessage *msg,
                                  const char        *name);

G_END_DECLS
