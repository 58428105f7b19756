#pragma once

/* tests/crm/fd-crm-fake.py, the stand-in of exactly the Salesforce and
 * Zendesk REST calls frontdeskd makes, run by the test on a loopback port
 * with the records of @seed_json, and frontdeskd's connect flow against
 * it (docs/crm.md, "Connecting"). A missing /usr/bin/python3 fails the
 * test. Used by tests/crm/test-crm.c and the app's tests/ui/test-crm-live.c. */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-test-server.h"
#include "fd-test-stand-in.h"

G_BEGIN_DECLS

typedef struct {
  FdTestStandIn *stand_in;
  char          *dir;
  const char    *url;       /* http://127.0.0.1:PORT, the instance URL */
} FdTestCrmFake;

FdTestCrmFake *fd_test_crm_fake_new     (const char    *seed_json);
void           fd_test_crm_fake_free    (FdTestCrmFake *fake);

void           fd_test_crm_fake_control (FdTestCrmFake *fake,
                                         const char    *json);
/* What the fake saw: its counts and the records it was given. */
JsonObject    *fd_test_crm_fake_state   (FdTestCrmFake *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestCrmFake, fd_test_crm_fake_free)

/* The organization's CRM set to @provider at the fake through the admin
 * API (pending, the client secret write-only): the connect link, as
 * `frontdeskctl crm connect` prints it. */
char          *fd_test_crm_link         (FdTestServer  *server,
                                         gint64         org_id,
                                         const char    *provider,
                                         FdTestCrmFake *fake);
/* The administrator's browser on that link: the page (its CSP and csrf
 * cookie), its button, the fake's consent (PKCE S256), the callback that
 * says the organization is connected. */
void           fd_test_crm_connect      (FdTestServer  *server,
                                         gint64         org_id,
                                         const char    *provider,
                                         FdTestCrmFake *fake);

G_END_DECLS
