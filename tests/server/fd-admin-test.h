#pragma once

/* Helpers for tests that drive frontdeskd's admin API (tests/server and
 * tests/ctl). */

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fd-test-server.h"

G_BEGIN_DECLS

/* The admin token frontdeskd wrote beside its database. */
char     *fd_admin_test_read_token (FdTestServer *server);

/* Sends @method @path (below /api/admin/v1) with @body (JSON text or NULL)
 * and @token (NULL = no Authorization header); returns the parsed answer
 * (NULL when empty) and the HTTP status in @out_status. */
JsonNode *fd_admin_test_request    (FdTestServer *server,
                                    const char   *token,
                                    const char   *method,
                                    const char   *path,
                                    const char   *body,
                                    guint        *out_status);

/* The same, asserting @expected_status. */
JsonNode *fd_admin_test_expect     (FdTestServer *server,
                                    const char   *token,
                                    const char   *method,
                                    const char   *path,
                                    const char   *body,
                                    guint         expected_status);

/* Asserts that @answer is {"error": {"code": @code, "message": non-empty}}. */
void      fd_admin_test_assert_error (JsonNode   *answer,
                                      const char *code);

/* Reads a member of an object node. */
gint64      fd_admin_test_get_int    (JsonNode   *object,
                                      const char *member);
const char *fd_admin_test_get_string (JsonNode   *object,
                                      const char *member);

JsonNode *fd_admin_test_parse      (const char   *text);
char     *fd_admin_test_to_string  (JsonNode     *node);

G_END_DECLS
