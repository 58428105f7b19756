#pragma once

/* A local stand-in of a third party's HTTP API (tests/twitter/fd-x-fake.py,
 * tests/crm/fd-crm-fake.py): a script run by /usr/bin/python3 that prints
 * its loopback port on the first line of its output, serves until the
 * test stops it (or its stdin closes), and is driven through a control
 * surface of its own. A missing python3 fails the test, never skips it. */

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _FdTestStandIn FdTestStandIn;

/* Runs @script with the arguments that follow (NULL-terminated) and
 * waits for its port. */
FdTestStandIn *fd_test_stand_in_new     (const char    *script,
                                         ...) G_GNUC_NULL_TERMINATED;
void           fd_test_stand_in_free    (FdTestStandIn *self);
/* "http://127.0.0.1:PORT". */
const char    *fd_test_stand_in_get_url (FdTestStandIn *self);
/* One call of its surface with @body (JSON text or NULL); fails the test
 * unless the answer is 200 with a JSON object, which it returns. */
JsonObject    *fd_test_stand_in_call    (FdTestStandIn *self,
                                         const char    *method,
                                         const char    *path,
                                         const char    *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdTestStandIn, fd_test_stand_in_free)

G_END_DECLS
