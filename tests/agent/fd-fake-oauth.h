#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A fake OAuth 2.0 authorization server on 127.0.0.1 for the app's
 * loopback flow (FdCrmUser): /authorize checks the request (response_type
 * code, the client id, an S256 challenge) and redirects to the app's
 * redirect_uri with a code and the state; /token checks the
 * authorization_code grant and the PKCE verifier against the challenge,
 * like Salesforce's token endpoint, and answers Salesforce's token
 * response (or invalid_grant). */

#define FD_FAKE_OAUTH_CLIENT_ID "frontdesk-desktop"
#define FD_FAKE_OAUTH_USER_ID   "005xx0000012345AAA"
#define FD_FAKE_OAUTH_ACCESS    "00Dxx!ACCESS"
#define FD_FAKE_OAUTH_REFRESH   "5Aep!REFRESH"

typedef struct
{
  SoupServer  *server;
  char        *base;          /* http://127.0.0.1:PORT */
  char        *challenge;
  char        *redirect_uri;
  char        *state;
  gboolean     refuse_token;  /* /token answers invalid_grant */
  gboolean     wrong_state;   /* /authorize comes back with another state */
  guint        n_token;
  gboolean     verifier_ok;
  SoupSession *browser;
} FdFakeOAuth;

FdFakeOAuth *fd_fake_oauth_new           (void);
void         fd_fake_oauth_free          (FdFakeOAuth *self);
/* An FdCrmUserLauncher: a "browser" that follows the authorization
 * page's redirect to the app's loopback listener. */
gboolean     fd_fake_oauth_browser       (const char  *uri,
                                          gpointer     user_data,
                                          GError     **error);
/* The endpoints (free them). */
char        *fd_fake_oauth_authorize_url (FdFakeOAuth *self);
char        *fd_fake_oauth_token_url     (FdFakeOAuth *self);

G_END_DECLS
